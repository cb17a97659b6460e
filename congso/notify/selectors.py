"""Reads for notifications: always scoped to their owner."""

from django.db.models import QuerySet

from congso.accounts.models import User
from congso.notify.models import Notification


def notifications_for(user: User) -> QuerySet[Notification]:
    """The user's notifications, newest first (an anonymous user has none)."""
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    return Notification.objects.filter(user=user).order_by("-created_at", "-id")


def unread_count(user: User) -> int:
    """How many of the user's notifications are not read yet."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notification_get_for(*, user: User, pk: int) -> Notification | None:
    """The notification ``pk`` if it belongs to ``user``; ``None`` otherwise (someone else's is not revealed)."""
    return notifications_for(user).filter(pk=pk).first()
