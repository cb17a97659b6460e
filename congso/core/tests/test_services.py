"""Audit log and calendar override services."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.test import RequestFactory

from congso.accounts.tests.factories import StaffFactory
from congso.agencies.tests.factories import PlatformAdminFactory
from congso.core import calendar
from congso.core.middleware import RequestContextMiddleware
from congso.core.models import AuditEntry, CalendarOverride
from congso.core.services import audit_record, calendar_override_delete, calendar_override_set
from congso.core.tests.factories import CalendarOverrideFactory

pytestmark = pytest.mark.django_db

SATURDAY = datetime.date(2026, 10, 10)
TUESDAY = datetime.date(2026, 10, 13)


# --- audit_record -------------------------------------------------------------------


def test_audit_record_snapshots_actor_and_object():
    # given
    actor = StaffFactory(username="ntlan", full_name="Nguyễn Thị Lan")
    override = CalendarOverrideFactory()

    # when
    entry = audit_record(
        actor=actor,
        action="core.test",
        obj=override,
        data={"day": datetime.date(2026, 1, 2), "amount": Decimal("1.5")},
    )

    # then
    entry.refresh_from_db()
    assert entry.actor == actor
    assert entry.actor_label == "Nguyễn Thị Lan (ntlan)"
    assert entry.action == "core.test"
    assert entry.object_type == "core.calendaroverride"
    assert entry.object_id == str(override.pk)
    assert entry.object_label == "10/10/2026 – Ngày làm việc (làm bù)"
    assert entry.data == {"day": "2026-01-02", "amount": "1.5"}
    assert entry.ip is None
    assert entry.user_agent == ""


def test_audit_record_keeps_actor_label_after_rename():
    # given
    actor = StaffFactory(username="tvan", full_name="Trần Văn An")
    entry = audit_record(actor=actor, action="core.test")

    # when
    actor.full_name = "Trần Văn Bình"
    actor.save()

    # then
    entry.refresh_from_db()
    assert entry.actor_label == "Trần Văn An (tvan)"


def test_audit_record_without_actor_or_object_is_a_system_entry():
    entry = audit_record(actor=None, action="geo.units_sync", data={"created": 3})

    entry.refresh_from_db()
    assert (entry.actor, entry.actor_label, entry.object_type, entry.object_id, entry.object_label) == (
        None,
        "",
        "",
        "",
        "",
    )
    assert entry.data == {"created": 3}


def test_audit_record_treats_anonymous_user_as_no_actor():
    from django.contrib.auth.models import AnonymousUser

    entry = audit_record(actor=AnonymousUser(), action="core.test")

    assert entry.actor is None
    assert entry.actor_label == ""


def test_audit_record_takes_ip_and_user_agent_from_the_request():
    # given a request served through the middleware
    actor = StaffFactory()
    recorded: list[AuditEntry] = []

    def view(request):
        recorded.append(audit_record(actor=actor, action="core.test"))
        return HttpResponse("ok")

    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.7", HTTP_USER_AGENT="Firefox/140")

    # when
    RequestContextMiddleware(view)(request)

    # then
    recorded[0].refresh_from_db()
    assert recorded[0].ip == "203.0.113.7"
    assert recorded[0].user_agent == "Firefox/140"


def test_audit_record_drops_an_unparseable_ip():
    recorded: list[AuditEntry] = []

    def view(request):
        recorded.append(audit_record(actor=None, action="core.test"))
        return HttpResponse("ok")

    RequestContextMiddleware(view)(RequestFactory().get("/", REMOTE_ADDR="not-an-ip"))

    assert recorded[0].ip is None


def test_audit_log_refuses_changes_to_an_entry():
    # given
    entry = audit_record(actor=None, action="core.test", data={"a": 1})

    # when / then
    entry.action = "core.tampered"
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="core.tampered")
    with pytest.raises(TypeError):
        AuditEntry.objects.all().delete()
    entry.refresh_from_db()
    assert entry.action == "core.test"
    assert AuditEntry.objects.count() == 1


# --- calendar overrides -----------------------------------------------------------------


def test_platform_admin_makes_a_saturday_a_working_day():
    # given
    admin = PlatformAdminFactory()
    assert calendar.is_working_day(SATURDAY) is False  # cached before the change

    # when
    override = calendar_override_set(
        actor=admin, date=SATURDAY, kind=CalendarOverride.Kind.WORKING_DAY, reason="  Làm bù cho ngày 30/4  "
    )

    # then
    override.refresh_from_db()
    assert (override.date, override.kind, override.reason, override.created_by) == (
        SATURDAY,
        "working_day",
        "Làm bù cho ngày 30/4",
        admin,
    )
    assert calendar.is_working_day(SATURDAY) is True
    entry = AuditEntry.objects.get()
    assert entry.action == "core.calendar_override_set"
    assert entry.actor == admin
    assert entry.object_id == str(override.pk)
    assert entry.data == {
        "date": "2026-10-10",
        "kind": "working_day",
        "reason": "Làm bù cho ngày 30/4",
        "previous": None,
    }


def test_setting_an_override_twice_updates_the_same_row():
    # given
    admin = PlatformAdminFactory()
    first = calendar_override_set(actor=admin, date=TUESDAY, kind="day_off", reason="Bầu cử")

    # when
    second = calendar_override_set(actor=admin, date=TUESDAY, kind="day_off", reason="Bầu cử đại biểu Quốc hội")

    # then
    assert second.pk == first.pk
    assert CalendarOverride.objects.count() == 1
    assert CalendarOverride.objects.get().reason == "Bầu cử đại biểu Quốc hội"
    assert calendar.is_working_day(TUESDAY) is False
    assert AuditEntry.objects.order_by("id").last().data["previous"] == {"kind": "day_off", "reason": "Bầu cử"}


def test_system_import_may_set_an_override():
    override = calendar_override_set(actor=None, date=TUESDAY, kind="day_off", reason="Nhập từ văn bản")

    assert override.created_by is None
    assert AuditEntry.objects.get().actor is None


def test_staff_without_platform_admin_role_cannot_set_an_override():
    # given
    staff = StaffFactory()

    # when / then
    with pytest.raises(PermissionDenied):
        calendar_override_set(actor=staff, date=SATURDAY, kind="working_day", reason="Làm bù")
    assert CalendarOverride.objects.count() == 0
    assert AuditEntry.objects.count() == 0
    assert calendar.is_working_day(SATURDAY) is False


@pytest.mark.parametrize(
    ("day", "kind", "code"),
    [
        (datetime.date(2026, 10, 11), "day_off", "already_day_off"),  # a Sunday
        (datetime.date(2026, 9, 2), "day_off", "already_day_off"),  # National Day
        (TUESDAY, "working_day", "already_working_day"),
    ],
)
def test_override_that_changes_nothing_is_refused(day, kind, code):
    admin = PlatformAdminFactory()

    with pytest.raises(ValidationError) as caught:
        calendar_override_set(actor=admin, date=day, kind=kind, reason="Không đổi gì")

    assert caught.value.error_dict["kind"][0].code == code
    assert CalendarOverride.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_a_holiday_can_be_made_a_working_day():
    admin = PlatformAdminFactory()

    calendar_override_set(actor=admin, date=datetime.date(2026, 11, 24), kind="working_day", reason="Điều chỉnh")

    assert calendar.is_working_day(datetime.date(2026, 11, 24)) is True


@pytest.mark.parametrize(("kind", "reason", "field"), [("day_off", "   ", "reason"), ("holiday", "Lý do", "kind")])
def test_override_with_bad_values_is_refused(kind, reason, field):
    admin = PlatformAdminFactory()

    with pytest.raises(ValidationError) as caught:
        calendar_override_set(actor=admin, date=TUESDAY, kind=kind, reason=reason)

    assert list(caught.value.error_dict) == [field]
    assert CalendarOverride.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_platform_admin_deletes_an_override():
    # given
    admin = PlatformAdminFactory()
    override = calendar_override_set(actor=admin, date=SATURDAY, kind="working_day", reason="Làm bù")
    pk = override.pk
    assert calendar.is_working_day(SATURDAY) is True

    # when
    calendar_override_delete(actor=admin, override=override)

    # then
    assert CalendarOverride.objects.count() == 0
    assert calendar.is_working_day(SATURDAY) is False
    entry = AuditEntry.objects.order_by("id").last()
    assert (entry.action, entry.object_id, entry.data) == (
        "core.calendar_override_delete",
        str(pk),
        {"date": "2026-10-10", "kind": "working_day", "reason": "Làm bù"},
    )


def test_staff_cannot_delete_an_override():
    override = CalendarOverrideFactory()

    with pytest.raises(PermissionDenied):
        calendar_override_delete(actor=StaffFactory(), override=override)

    assert CalendarOverride.objects.filter(pk=override.pk).exists()
    assert AuditEntry.objects.count() == 0
