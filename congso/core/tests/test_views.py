"""Health check and the platform administration of the audit log and calendar overrides."""

import datetime

import pytest
from django.urls import reverse

from congso.accounts.tests.factories import StaffFactory, SuperuserFactory
from congso.core.models import AuditEntry, CalendarOverride
from congso.core.services import audit_record
from congso.core.tests.factories import CalendarOverrideFactory

pytestmark = pytest.mark.django_db

AUDIT_LIST = "admin:core_auditentry_changelist"
OVERRIDE_LIST = "admin:core_calendaroverride_changelist"


def test_healthz_answers_ok_in_json(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_refuses_post(client):
    assert client.post("/healthz").status_code == 405


@pytest.fixture
def admin_client(client, login_staff):
    login_staff(client, SuperuserFactory())
    return client


@pytest.fixture
def entries():
    lan = StaffFactory(username="ntlan", full_name="Nguyễn Thị Lan")
    binh = StaffFactory(username="tvbinh", full_name="Trần Văn Bình")
    override = CalendarOverrideFactory()
    return [
        audit_record(actor=lan, action="dossiers.submit", obj=override),
        audit_record(actor=binh, action="dossiers.view", obj=override),
        audit_record(actor=None, action="geo.units_sync"),
    ]


def listed(response) -> list[AuditEntry]:
    return list(response.context["cl"].result_list)


def test_audit_admin_searches_by_actor_action_and_object(admin_client, entries):
    lan_submit, binh_view, sync = entries

    assert listed(admin_client.get(reverse(AUDIT_LIST), {"q": "Thị Lan"})) == [lan_submit]
    assert listed(admin_client.get(reverse(AUDIT_LIST), {"q": "units_sync"})) == [sync]
    assert listed(admin_client.get(reverse(AUDIT_LIST), {"q": "10/10/2026"})) == [binh_view, lan_submit]


def test_audit_admin_filters_by_action_and_object_type(admin_client, entries):
    lan_submit, binh_view, _sync = entries

    assert listed(admin_client.get(reverse(AUDIT_LIST), {"action": "dossiers.view"})) == [binh_view]
    assert listed(admin_client.get(reverse(AUDIT_LIST), {"object_type": "core.calendaroverride"})) == [
        binh_view,
        lan_submit,
    ]
    today = datetime.date.today()
    by_day = admin_client.get(
        reverse(AUDIT_LIST), {"at__year": today.year, "at__month": today.month, "at__day": today.day}
    )
    assert by_day.status_code == 200


def test_audit_admin_is_read_only_even_for_a_superuser(admin_client, entries):
    entry = entries[0]
    change_url = reverse("admin:core_auditentry_change", args=[entry.pk])

    assert admin_client.get(reverse("admin:core_auditentry_add")).status_code == 403
    assert admin_client.get(change_url).status_code == 200
    assert admin_client.post(change_url, {"action": "core.tampered"}).status_code == 403
    assert (
        admin_client.post(reverse("admin:core_auditentry_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
    )
    bulk = admin_client.post(
        reverse(AUDIT_LIST), {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"}
    )
    assert bulk.status_code in (200, 302)
    entry.refresh_from_db()
    assert entry.action == "dossiers.submit"
    assert AuditEntry.objects.count() == 3


def test_audit_admin_needs_the_second_factor(client, entries):
    client.force_login(SuperuserFactory())

    response = client.get(reverse(AUDIT_LIST))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_calendar_override_admin_adds_through_the_service(admin_client):
    response = admin_client.post(
        reverse("admin:core_calendaroverride_add"),
        {"date": "10/10/2026", "kind": "working_day", "reason": "Làm bù"},
    )

    assert response.status_code == 302
    override = CalendarOverride.objects.get()
    assert (override.date, override.kind, override.reason) == (datetime.date(2026, 10, 10), "working_day", "Làm bù")
    assert AuditEntry.objects.filter(action="core.calendar_override_set", object_id=str(override.pk)).count() == 1


def test_calendar_override_admin_shows_the_service_refusal(admin_client):
    response = admin_client.post(
        reverse("admin:core_calendaroverride_add"),
        {"date": "11/10/2026", "kind": "day_off", "reason": "Chủ nhật"},
    )

    assert response.status_code == 200
    assert "Ngày 11/10/2026 vốn đã là ngày nghỉ." in response.content.decode()
    assert CalendarOverride.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_calendar_override_admin_deletes_through_the_service(admin_client):
    override = CalendarOverrideFactory()

    response = admin_client.post(reverse("admin:core_calendaroverride_delete", args=[override.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert CalendarOverride.objects.count() == 0
    assert AuditEntry.objects.filter(action="core.calendar_override_delete").count() == 1


def test_calendar_override_admin_is_closed_to_staff_without_the_role(client, login_staff):
    login_staff(client, StaffFactory(is_staff=True))

    response = client.get(reverse(OVERRIDE_LIST))

    assert response.status_code == 403
