"""Factories for notifications."""

import factory

from congso.accounts.tests.factories import CitizenFactory
from congso.notify.models import Notification


class NotificationFactory(factory.django.DjangoModelFactory):
    """An unread notification about a dossier, for a new citizen unless ``user`` is given."""

    class Meta:
        model = Notification

    user = factory.SubFactory(CitizenFactory)
    kind = "dossier.received"
    subject = factory.Sequence(lambda n: f"Hồ sơ số {n} đã được tiếp nhận")
    body = "Cơ quan đã tiếp nhận hồ sơ của bạn. Ngày hẹn trả kết quả: 20/11/2026."
    url = factory.Sequence(lambda n: f"/ho-so/{n}/")
