"""``insert_new``: a new row and the rows that belong to it, written all together or not at all."""

import pytest
from django.db import IntegrityError, transaction

from congso.accounts.models import User
from congso.accounts.tests.factories import CitizenFactory
from congso.core.db import insert_new
from congso.notify.models import Notification

pytestmark = pytest.mark.django_db


def _notification(user: User, subject: str | None = "Xin chào") -> Notification:
    return Notification(user=user, kind="test", subject=subject, body="Nội dung")


def test_writes_the_row_and_its_dependents_linked_to_its_new_id():
    user = CitizenFactory.build()

    rows = insert_new(user, lambda: [_notification(user), _notification(user, "Lần hai")])

    assert user.pk is not None and not user._state.adding
    assert [row.pk is not None and not row._state.adding for row in rows] == [True, True]
    assert list(Notification.objects.filter(user_id=user.pk).order_by("pk").values_list("subject", flat=True)) == [
        "Xin chào",
        "Lần hai",
    ]
    assert User.objects.filter(pk=user.pk, username=user.username).exists()


def test_dependents_are_built_once_the_row_has_its_id():
    user = CitizenFactory.build()
    seen: list[int | None] = []

    insert_new(user, lambda: seen.append(user.pk) or [])

    assert seen == [user.pk] and user.pk is not None


def test_a_refused_dependent_writes_nothing():
    user = CitizenFactory.build()
    before = User.objects.count()

    with pytest.raises(IntegrityError):
        insert_new(user, lambda: [_notification(user), _notification(user, subject=None)])

    assert User.objects.count() == before
    assert Notification.objects.count() == 0


def test_a_refused_insert_leaves_the_callers_transaction_usable():
    taken = CitizenFactory()
    clash = CitizenFactory.build(username=taken.username)

    with transaction.atomic():
        with pytest.raises(IntegrityError):
            insert_new(clash, lambda: [_notification(clash)])
        assert User.objects.filter(username=taken.username).count() == 1


def test_refuses_a_row_already_saved():
    user = CitizenFactory()

    with pytest.raises(ValueError, match="not saved yet"):
        insert_new(user, lambda: [])


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_a_refused_insert_writes_nothing():
    user = CitizenFactory.build()

    with pytest.raises(IntegrityError):
        insert_new(user, lambda: [_notification(user, subject=None)])
    written = insert_new(CitizenFactory.build(), lambda: [])

    assert written == [] and User.objects.count() == 1
    assert Notification.objects.count() == 0
