"""Nobody reads or touches another person's inbox: the web and the API answer 404, and nothing changes."""

import pytest
from django.urls import reverse

from congso.accounts.services import api_token_create
from congso.accounts.tests.factories import CitizenFactory, StaffFactory, SuperuserFactory
from congso.agencies.models import CityRole
from congso.agencies.services import city_role_grant
from congso.notify.tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def someone_elses():
    return NotificationFactory(subject="Kết quả giải quyết hồ sơ của Trần Thị Bình", url="/ho-so/99/")


def _intruders():
    admin = StaffFactory()
    city_role_grant(actor=None, user=admin, role=CityRole.Role.PLATFORM_ADMIN)
    return {"citizen": CitizenFactory(), "platform admin": admin, "superuser": SuperuserFactory()}


def test_nobody_sees_another_persons_notification_on_the_web(client, login_staff, someone_elses):
    for name, intruder in _intruders().items():
        client.logout()
        if intruder.is_staff_member:
            login_staff(client, intruder)
        else:
            client.force_login(intruder)

        assert client.get(reverse("notify:open", args=[someone_elses.pk])).status_code == 404, name
        assert client.post(reverse("notify:mark_read", args=[someone_elses.pk])).status_code == 404, name
        assert "Trần Thị Bình" not in client.get("/hop-thu/").content.decode(), name
        client.post(reverse("notify:mark_all_read"))

    someone_elses.refresh_from_db()
    assert someone_elses.read_at is None


def test_nobody_sees_another_persons_notification_over_the_api(client, someone_elses):
    for name, intruder in _intruders().items():
        key = api_token_create(user=intruder, name="thử")[1]
        headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}

        response = client.post(f"/api/v1/notifications/{someone_elses.pk}/read", **headers)
        assert response.status_code == 404, name
        assert response.json() == {"error": {"code": "not_found", "message": "Không tìm thấy", "fields": {}}}
        assert client.get("/api/v1/notifications/", **headers).json()["count"] == 0, name
        assert client.post("/api/v1/notifications/read-all", **headers).json()["marked"] == 0, name

    someone_elses.refresh_from_db()
    assert someone_elses.read_at is None


def test_a_missing_and_a_foreign_notification_look_the_same(client, someone_elses):
    citizen = CitizenFactory()
    client.force_login(citizen)

    foreign = client.get(reverse("notify:open", args=[someone_elses.pk]))
    missing = client.get(reverse("notify:open", args=[someone_elses.pk + 1000]))
    huge = client.get(f"/hop-thu/{2**80}/")

    assert foreign.status_code == missing.status_code == huge.status_code == 404
