"""Writes for notifications (thông báo): tell someone something, in their inbox and by e-mail.

Other apps call ``notify`` inside the transaction of the action the message is
about (a dossier received, a supplement requested): the inbox row is written with
it, and the e-mail goes out only once that transaction has committed, through a
background task, so a rolled-back action sends nothing and a slow or broken mail
server never fails the action.
"""

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import get_connection, send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from congso.accounts.models import User
from congso.notify.channels import Delivery, get_channels
from congso.notify.models import Notification
from congso.notify.validators import validate_link

logger = logging.getLogger(__name__)

# Seconds to wait for the mail server when EMAIL_TIMEOUT is not set: a task must not hang forever.
EMAIL_TIMEOUT = 30


def _clean_subject(subject: str) -> str:
    """One line (a mail header cannot hold a line break), cut to what the inbox stores."""
    text = " ".join(str(subject).split())
    limit = Notification._meta.get_field("subject").max_length
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _checked_url(url: str) -> str:
    url = (url or "").strip()
    validate_link(url)
    return url


def notify(
    *,
    user: User | None = None,
    email: str = "",
    subject: str,
    body: str,
    url: str = "",
    kind: str = "",
) -> Notification | None:
    """Tell ``user`` (and/or the address ``email``) something, through every configured channel.

    With the default channels: the inbox row is written now when there is a
    ``user``; an e-mail goes to ``email`` or, when that is empty, to the user's
    address, after the surrounding transaction commits. Returns the inbox row,
    or ``None`` when there is no user (nothing to notify at all is not an error:
    a walk-in applicant may have left no address).

    ``url`` is a path on this site or an http(s) address (``ValidationError``
    code ``invalid_url`` otherwise); ``kind`` is a short code such as
    ``dossier.received`` that lets the inbox and the API filter or group.
    """
    delivery = notify_prepare(user=user, email=email, subject=subject, body=body, url=url, kind=kind)
    if delivery is None:
        return None
    notify_send(delivery)
    return delivery.notification


def notify_prepare(
    *,
    user: User | None = None,
    email: str = "",
    subject: str,
    body: str,
    url: str = "",
    kind: str = "",
) -> Delivery | None:
    """The first half of ``notify`` (same arguments), for a caller that writes the rows itself.

    Checks the message and lets every channel build its rows (``delivery.rows``,
    not saved). The caller saves them with its own rows, in its transaction, then
    calls ``notify_deliver``. ``None`` when there is nobody to notify.
    """
    email = (email or "").strip()
    if user is None and not email:
        return None
    delivery = Delivery(
        user=user,
        email=email,
        subject=_clean_subject(subject),
        body=str(body).strip(),
        url=_checked_url(url),
        kind=(kind or "").strip(),
    )
    delivery.channels = get_channels()
    for channel in delivery.channels:
        channel.prepare(delivery)
    return delivery


@transaction.atomic
def notify_send(delivery: Delivery) -> None:
    """Save ``delivery.rows`` and let every channel deliver (the rest of ``notify``)."""
    for row in delivery.rows:
        row.save()
    notify_deliver(delivery)


def notify_deliver(delivery: Delivery) -> None:
    """The second half of ``notify``: once ``delivery.rows`` are saved, every channel does its part."""
    for channel in delivery.channels:
        channel.deliver(delivery)


def notification_mark_read(*, user: User, notification: Notification) -> Notification:
    """Mark one of the user's notifications read (idempotent: the first reading time is kept)."""
    if notification.user_id != user.pk:
        raise PermissionDenied(_("Đây không phải thông báo của bạn."))
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())
        notification.refresh_from_db(fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user: User) -> int:
    """Mark every unread notification of the user read; returns how many changed."""
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


def _email_link(url: str) -> str:
    if not url or url.startswith(("http://", "https://")):
        return url
    return getattr(settings, "CONGSO_PUBLIC_URL", "").rstrip("/") + url


def _email_text(body: str, url: str) -> str:
    parts = [body] if body else []
    with translation.override(settings.LANGUAGE_CODE):
        if url:
            parts.append(gettext("Xem chi tiết: {url}").format(url=_email_link(url)))
        parts.append("-- \n" + gettext("Thư gửi tự động từ Công Sở, vui lòng không trả lời thư này."))
    return "\n\n".join(parts) + "\n"


def notification_email_send(
    *,
    to: str,
    notification_id: int | None = None,
    subject: str = "",
    body: str = "",
    url: str = "",
) -> bool:
    """Send one e-mail: the copy of inbox notification ``notification_id``, or the given text. True when sent.

    For a notification the row is claimed (``emailed_at``) before sending, so a
    task run twice sends once; a failed send releases it for a retry. A failure
    (mail server down, refused recipient) is logged, never raised.
    """
    if notification_id is not None:
        notification = Notification.objects.filter(pk=notification_id).first()
        if notification is None:
            logger.info("notify: notification %s is gone, no e-mail sent", notification_id)
            return False
        claimed = Notification.objects.filter(pk=notification_id, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        )
        if not claimed:
            return False
        subject, body, url = notification.subject, notification.body, notification.url
    try:
        connection = get_connection(timeout=getattr(settings, "EMAIL_TIMEOUT", None) or EMAIL_TIMEOUT)
        send_mail(
            _clean_subject(subject),
            _email_text(body, url),
            settings.DEFAULT_FROM_EMAIL,
            [to],
            connection=connection,
        )
    except Exception:
        logger.exception("notify: e-mail not sent (notification %s)", notification_id or "-")
        if notification_id is not None:
            Notification.objects.filter(pk=notification_id).update(emailed_at=None)
        return False
    return True
