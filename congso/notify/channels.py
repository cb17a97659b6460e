"""Delivery channels for notifications (kênh gửi thông báo): the inbox, e-mail, and whatever comes next (SMS, Zalo).

A channel is a class with a ``name``, a ``prepare(delivery)`` method that
builds the rows to write with the notification (``delivery.rows``, not saved)
and a ``deliver(delivery)`` method called once they are written. The channels
in use, in order, are named by the setting ``CONGSO_NOTIFY_CHANNELS``: each
entry is the ``name`` of a registered channel (``register_channel``) or the
dotted path of a ``Channel`` subclass. ``deliver`` runs inside the transaction
of the action; anything that leaves the building (mail, SMS) must wait for the
commit with ``transaction.on_commit`` and go through a task.
"""

import logging
from dataclasses import dataclass, field
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
    """One notification on its way out: what ``notify`` was given, the channels taking it and the rows they build."""

    user: User | None
    email: str
    subject: str
    body: str
    url: str
    kind: str
    notification: Notification | None = None
    rows: list[Notification] = field(default_factory=list)
    channels: list["Channel"] = field(default_factory=list)


class Channel:
    """Base class of a delivery channel: both steps do nothing unless a channel says otherwise."""

    name: ClassVar[str] = ""

    def prepare(self, delivery: Delivery) -> None:
        """Build (not save) the rows this channel writes, into ``delivery.rows``."""

    def deliver(self, delivery: Delivery) -> None:
        """Act once the rows are written, e.g. queue an e-mail for after the commit."""


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

    def prepare(self, delivery: Delivery) -> None:
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
        delivery.notification = notification
        delivery.rows.append(notification)


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
