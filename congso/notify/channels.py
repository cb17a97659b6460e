"""Delivery channels for notifications (kênh gửi thông báo): the inbox, e-mail, and whatever comes next (SMS, Zalo).

A channel is a class with a ``name`` and a ``deliver(delivery)`` method. The
channels in use, in order, are named by the setting ``CONGSO_NOTIFY_CHANNELS``:
each entry is the ``name`` of a registered channel (``register_channel``) or the
dotted path of a ``Channel`` subclass. ``deliver`` runs inside the transaction of
``notify``; anything that leaves the building (mail, SMS) must wait for the
commit with ``transaction.on_commit`` and go through a task.
"""

import logging
from dataclasses import dataclass
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.module_loading import import_string

from congso.accounts.models import User
from congso.notify.models import Notification

logger = logging.getLogger(__name__)


@dataclass
class Delivery:
    """One notification on its way out: what ``notify`` was given, plus the inbox row once a channel wrote it."""

    user: User | None
    email: str
    subject: str
    body: str
    url: str
    kind: str
    notification: Notification | None = None


class Channel:
    """Base class of a delivery channel."""

    name: ClassVar[str] = ""

    def deliver(self, delivery: Delivery) -> None:
        raise NotImplementedError


_REGISTRY: dict[str, type[Channel]] = {}


def register_channel(channel: type[Channel]) -> type[Channel]:
    """Class decorator: make ``channel`` available under its ``name`` in ``CONGSO_NOTIFY_CHANNELS``."""
    if not channel.name:
        raise ImproperlyConfigured(f"{channel.__qualname__} needs a name to be registered")
    _REGISTRY[channel.name] = channel
    return channel


def get_channels() -> list[Channel]:
    """The configured channels, in order; an unknown entry is a configuration error."""
    channels: list[Channel] = []
    for entry in getattr(settings, "CONGSO_NOTIFY_CHANNELS", ["inbox", "email"]):
        channel = _REGISTRY.get(entry)
        if channel is None and "." in entry:
            try:
                channel = import_string(entry)
            except ImportError as exc:
                raise ImproperlyConfigured(f"CONGSO_NOTIFY_CHANNELS: cannot import {entry!r}") from exc
        if not (isinstance(channel, type) and issubclass(channel, Channel)):
            raise ImproperlyConfigured(
                f"CONGSO_NOTIFY_CHANNELS: {entry!r} is neither a registered channel ({', '.join(_REGISTRY)}) "
                "nor the dotted path of a Channel subclass"
            )
        channels.append(channel())
    return channels


@register_channel
class InboxChannel(Channel):
    """Writes the row in the recipient's inbox (hộp thư) on the portal."""

    name = "inbox"

    def deliver(self, delivery: Delivery) -> None:
        if delivery.user is None or delivery.notification is not None:
            return
        notification = Notification(
            user=delivery.user,
            kind=delivery.kind,
            subject=delivery.subject,
            body=delivery.body,
            url=delivery.url,
        )
        notification.full_clean(exclude=["user"])  # the user is an instance in hand: no query to check it
        notification.save()
        delivery.notification = notification


def email_address_for(delivery: Delivery) -> str:
    """Where the e-mail copy goes: the address given to ``notify``, else the user's; empty when there is none."""
    address = delivery.email or (delivery.user.email if delivery.user is not None else "")
    address = (address or "").strip()
    if not address:
        return ""
    try:
        validate_email(address)
    except ValidationError:
        logger.warning("notify: not an e-mail address, no e-mail sent (kind=%s)", delivery.kind or "-")
        return ""
    return address


@register_channel
class EmailChannel(Channel):
    """Sends a copy by e-mail through a background task, once the transaction has committed.

    When the inbox channel wrote a row, the task is given only its id (and marks
    it sent, so that a re-run sends nothing); otherwise the text itself.
    """

    name = "email"

    def deliver(self, delivery: Delivery) -> None:
        address = email_address_for(delivery)
        if address:
            # The row is looked up at commit time: the inbox channel may come after this one.
            transaction.on_commit(lambda: _enqueue_email(delivery, address))


def _enqueue_email(delivery: Delivery, address: str) -> None:
    from congso.notify.tasks import send_notification_email

    try:
        if delivery.notification is not None:
            send_notification_email.enqueue(to=address, notification_id=delivery.notification.pk)
        else:
            send_notification_email.enqueue(to=address, subject=delivery.subject, body=delivery.body, url=delivery.url)
    except Exception:
        # The caller's work is committed; a lost e-mail must not turn it into an error page.
        logger.exception("notify: could not enqueue the e-mail (kind=%s)", delivery.kind or "-")
