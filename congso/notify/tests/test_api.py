import pytest
from django.test import Client
from django.utils import timezone

from congso.accounts.services import api_token_create
from congso.accounts.tests.factories import CitizenFactory, StaffFactory
from congso.notify.models import Notification
from congso.notify.tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db

BASE = "/api/v1/notifications"


@pytest.fixture
def citizen():
    return CitizenFactory()


@pytest.fixture
def auth(citizen):
    key = api_token_create(user=citizen, name="Điện thoại")[1]
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_anonymous_gets_401_in_the_structured_shape(client):
    for response in (client.get(f"{BASE}/"), client.post(f"{BASE}/1/read"), client.post(f"{BASE}/read-all")):
        assert response.status_code == 401
        assert response.json() == {"error": {"code": "unauthenticated", "message": "Cần đăng nhập", "fields": {}}}


def test_list_is_newest_first_and_paginated(client, citizen, auth, django_assert_max_num_queries):
    old = NotificationFactory(
        user=citizen, subject="Cũ", created_at=timezone.now() - timezone.timedelta(days=1), read_at=timezone.now()
    )
    NotificationFactory.create_batch(51, user=citizen)
    NotificationFactory()

    with django_assert_max_num_queries(5):
        first = client.get(f"{BASE}/", **auth)
    second = client.get(f"{BASE}/", {"page": 2}, **auth)

    assert first.status_code == 200
    body = first.json()
    assert (body["count"], body["page"], body["page_size"], body["unread_count"]) == (52, 1, 50, 51)
    assert len(body["items"]) == 50
    assert second.json()["items"][-1] == {
        "id": old.pk,
        "kind": "dossier.received",
        "subject": "Cũ",
        "body": old.body,
        "url": old.url,
        "created_at": second.json()["items"][-1]["created_at"],
        "read_at": second.json()["items"][-1]["read_at"],
    }
    assert second.json()["items"][-1]["read_at"] is not None
    assert client.get(f"{BASE}/", {"page": 9}, **auth).json()["items"] == []


def test_list_only_unread(client, citizen, auth):
    NotificationFactory(user=citizen, read_at=timezone.now())
    unread = NotificationFactory(user=citizen)

    body = client.get(f"{BASE}/", {"unread": "true"}, **auth).json()

    assert [item["id"] for item in body["items"]] == [unread.pk]
    assert body["count"] == 1


@pytest.mark.parametrize("params", [{"page": 0}, {"page": "abc"}, {"page": 10**30}, {"unread": "maybe"}])
def test_list_rejects_bad_parameters_with_structured_422(client, auth, params):
    response = client.get(f"{BASE}/", params, **auth)

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid"


def test_mark_one_read(client, citizen, auth):
    notification = NotificationFactory(user=citizen)

    response = client.post(f"{BASE}/{notification.pk}/read", **auth)

    assert response.status_code == 200
    assert response.json()["id"] == notification.pk
    assert response.json()["read_at"] is not None
    notification.refresh_from_db()
    first = notification.read_at
    assert client.post(f"{BASE}/{notification.pk}/read", **auth).status_code == 200
    notification.refresh_from_db()
    assert notification.read_at == first


@pytest.mark.parametrize("bad_id", ["0", "-1", "abc", str(2**80)])
def test_mark_read_with_a_bad_id(client, auth, bad_id):
    response = client.post(f"{BASE}/{bad_id}/read", **auth)

    assert response.status_code in (404, 422)
    assert set(response.json()) == {"error"}


def test_mark_all_read(client, citizen, auth):
    NotificationFactory.create_batch(2, user=citizen)
    NotificationFactory(user=citizen, read_at=timezone.now())

    response = client.post(f"{BASE}/read-all", **auth)

    assert response.status_code == 200
    assert response.json() == {"marked": 2, "unread_count": 0}
    assert Notification.objects.filter(user=citizen, read_at__isnull=True).count() == 0


def test_session_writes_need_the_csrf_token(citizen):
    notification = NotificationFactory(user=citizen)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(citizen)

    assert browser.get(f"{BASE}/").status_code == 200
    response = browser.post(f"{BASE}/{notification.pk}/read")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "csrf_failed"
    notification.refresh_from_db()
    assert notification.read_at is None


def test_staff_session_counts_only_after_the_second_factor(client, login_staff):
    staff = StaffFactory()
    NotificationFactory(user=staff)
    client.force_login(staff)

    assert client.get(f"{BASE}/").status_code == 401

    login_staff(client, staff)
    assert client.get(f"{BASE}/").json()["count"] == 1


def test_operations_are_in_the_openapi_schema(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]

    assert set(paths["/api/v1/notifications/"]) == {"get"}
    assert set(paths["/api/v1/notifications/read-all"]) == {"post"}
    assert set(paths["/api/v1/notifications/{notification_id}/read"]) == {"post"}
