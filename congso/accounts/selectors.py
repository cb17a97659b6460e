"""Reads owned by accounts."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from congso.accounts.models import ApiToken, User


def is_staff_user(user: AbstractBaseUser | AnonymousUser | None) -> bool:
    """An active staff account (cán bộ), or a platform operator with Django's staff or superuser flag.

    These accounts must pass the TOTP second factor before using the back office.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.kind == User.Kind.STAFF or user.is_staff or user.is_superuser


def is_otp_verified(user: AbstractBaseUser | AnonymousUser | None) -> bool:
    """The session passed the second factor (set by django-otp's middleware)."""
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


def totp_device_confirmed(*, user: User) -> TOTPDevice | None:
    """The user's first confirmed TOTP device, if any."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def api_tokens_for(*, user: User) -> QuerySet[ApiToken]:
    """The user's own API keys, newest first (revoked and expired ones included, for the record)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def api_token_get_for(*, user: User, pk: int) -> ApiToken | None:
    """One of the user's own API keys; other people's keys are never found."""
    return ApiToken.objects.filter(user=user, pk=pk).first()
