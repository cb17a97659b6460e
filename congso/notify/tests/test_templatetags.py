import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone

from congso.accounts.tests.factories import CitizenFactory
from congso.notify.tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db

TEMPLATE = Template("{% load notify %}{% unread_notifications as count %}[{{ count }}]")


def _render(user) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return TEMPLATE.render(Context({"request": request}))


def test_unread_notifications_counts_the_users_unread():
    citizen = CitizenFactory()
    NotificationFactory.create_batch(2, user=citizen)
    NotificationFactory(user=citizen, read_at=timezone.now())
    NotificationFactory()

    assert _render(citizen) == "[2]"


def test_unread_notifications_is_zero_for_anonymous():
    assert _render(AnonymousUser()) == "[0]"
    assert Template("{% load notify %}{% unread_notifications as n %}[{{ n }}]").render(Context({})) == "[0]"
