"""The permission matrix of dossier actions: who may do what, in their own agency and in another one.

Every role — desk officer, specialist, leader and agency admin of agency A (the dossier's) and of agency B
(another ward), city inspector, operations viewer, platform admin, the applicant, another citizen and an
anonymous visitor — tries every staff action on a dossier of agency A that is in the right state for it:

- through the services: allowed → the dossier moves; refused → ``PermissionDenied``;
- through the back-office views: allowed → redirect to the dossier; staff of another agency → 404 (the
  dossier is not even visible); wrong role → 403; a citizen → 403; anonymous → the login page.

On every refusal, nothing about the dossier changed (state, events, files, messages, fields).
The PDFs are stubbed here: what is tested is who may act, not what the letters look like.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from congso.accounts.tests.factories import CitizenFactory, StaffFactory
from congso.agencies.models import Agency, CityRole, Membership
from congso.agencies.tests.factories import AgencyFactory, CityRoleFactory, MembershipFactory
from congso.core import calendar
from congso.dossiers import services
from congso.dossiers.backoffice_forms import next_working_day
from congso.dossiers.models import Dossier
from congso.dossiers.tests.factories import (
    agency_staff,
    awaiting_approval_dossier,
    online_procedure,
    processing_dossier,
    released_dossier,
    submitted_dossier,
    supplement_requested_dossier,
)

pytestmark = pytest.mark.django_db
Role = Membership.Role

AGENCY_ROLES = {
    "desk": Role.DESK_OFFICER,
    "specialist": Role.SPECIALIST,
    "leader": Role.LEADER,
    "admin": Role.AGENCY_ADMIN,
}
OWN = [f"{role}_a" for role in AGENCY_ROLES]
OTHER = [f"{role}_b" for role in AGENCY_ROLES]
CITY_READERS = ["inspector", "operations_viewer"]
CITIZENS = ["applicant", "other_citizen"]
ACTORS = [*OWN, *OTHER, *CITY_READERS, "platform_admin", *CITIZENS, "anonymous"]

# Who may perform each action on a dossier of agency A in the right state (the platform admin holds every role).
ALLOWED = {
    "accept": {"desk_a", "platform_admin"},
    "request_supplement": {"desk_a", "specialist_a", "platform_admin"},
    "supplement": {"desk_a", "platform_admin", "applicant"},
    "refuse": {"desk_a", "platform_admin"},
    "assign": {"desk_a", "leader_a", "platform_admin"},
    "complete_step": {"specialist_a", "platform_admin"},
    "approve": {"leader_a", "platform_admin"},
    "send_back": {"leader_a", "platform_admin"},
    "stop": {"leader_a", "platform_admin"},
    "transfer": {"desk_a", "leader_a", "platform_admin"},
    "receive_transfer": {"desk_a", "platform_admin"},
    "record_payment": {"desk_a", "platform_admin"},
    "return_result": {"desk_a", "platform_admin"},
    "apologise": {"leader_a", "platform_admin"},
    "withdraw": {"desk_a", "platform_admin", "applicant"},
    # City-wide readers read but do not speak for the agency.
    "message": {*OWN, "platform_admin", "applicant"},
}
VIEW_ALLOWED = {
    **{name: who - set(CITIZENS) for name, who in ALLOWED.items()},
    "message": {*OWN, "platform_admin"},
}
STATE_FOR = {
    "accept": "submitted",
    "refuse": "submitted",
    "supplement": "supplement_requested",
    "approve": "awaiting_approval",
    "send_back": "awaiting_approval",
    "receive_transfer": "transferred",
    "record_payment": "processing_unpaid",
    "return_result": "released",
}
ACTIONS = list(ALLOWED)


@pytest.fixture(autouse=True)
def _no_pdf_rendering(monkeypatch):
    """A stand-in for the official letters: rendering real PDFs would make the matrix slow."""
    monkeypatch.setattr("congso.dossiers.documents.render_official", lambda **kwargs: b"%PDF-1.4\n%%EOF\n")


@dataclass
class World:
    agency_a: Agency
    agency_b: Agency
    agency_c: Agency
    people: dict
    free: object
    paid: object
    transferring: object

    def actor(self, name: str, dossier: Dossier):
        if name == "anonymous":
            return AnonymousUser()
        if name == "applicant":
            return dossier.applicant
        return self.people[name]


@pytest.fixture
def world() -> World:
    agency_a = AgencyFactory(code="H29.70", name="UBND phường A")
    agency_b = AgencyFactory(code="H29.71", name="UBND phường B")
    agency_c = AgencyFactory(code="H29.72", name="UBND phường C")
    people = {}
    for suffix, agency in (("a", agency_a), ("b", agency_b)):
        for prefix, role in AGENCY_ROLES.items():
            people[f"{prefix}_{suffix}"] = MembershipFactory(user=StaffFactory(), agency=agency, role=role).user
    people["inspector"] = CityRoleFactory(role=CityRole.Role.INSPECTOR).user
    people["operations_viewer"] = CityRoleFactory(role=CityRole.Role.OPERATIONS_VIEWER).user
    people["platform_admin"] = CityRoleFactory(role=CityRole.Role.PLATFORM_ADMIN).user
    people["other_citizen"] = CitizenFactory()
    agency_staff(agency_c)
    return World(
        agency_a=agency_a,
        agency_b=agency_b,
        agency_c=agency_c,
        people=people,
        free=online_procedure(agencies=[agency_a]),
        paid=online_procedure(agencies=[agency_a], fee=Decimal(15000)),
        transferring=online_procedure(agencies=[agency_c]),
    )


def _dossier(world: World, action: str) -> Dossier:
    """A dossier of agency A in the state the action applies to."""
    state = STATE_FOR.get(action, "processing")
    if state == "submitted":
        return submitted_dossier(procedure=world.free)
    if state == "supplement_requested":
        return supplement_requested_dossier(procedure=world.free)
    if state == "awaiting_approval":
        return awaiting_approval_dossier(procedure=world.free)
    if state == "released":
        return released_dossier(procedure=world.free)
    if state == "processing_unpaid":
        return processing_dossier(procedure=world.paid)
    if state == "transferred":
        dossier = processing_dossier(procedure=world.transferring)
        services.dossier_transfer(
            actor=agency_staff(world.agency_c).desk, dossier=dossier, to_agency=world.agency_a, reason="Thẩm quyền"
        )
        return Dossier.objects.get(pk=dossier.pk)
    return processing_dossier(procedure=world.free)


def _new_appointment(dossier: Dossier) -> datetime:
    day = next_working_day(timezone.localtime(dossier.appointment_at).date())
    return datetime.combine(day, calendar.office_periods()[-1][1], tzinfo=calendar.OFFICE_TZ)


def _snapshot(dossier: Dossier) -> tuple:
    fresh = Dossier.objects.get(pk=dossier.pk)
    return (
        fresh.state,
        fresh.events.count(),
        fresh.files.count(),
        fresh.messages.count(),
        fresh.apologies.count(),
        fresh.agency_id,
        fresh.assignee_id,
        fresh.payment_status,
        fresh.appointment_at,
        fresh.updated_at,
    )


def _perform(world: World, action: str, actor, dossier: Dossier) -> None:
    """The service behind each back-office action, with valid input."""
    reason = "Lý do thử nghiệm"
    calls = {
        "accept": lambda: services.dossier_accept(actor=actor, dossier=dossier),
        "request_supplement": lambda: services.dossier_request_supplement(
            actor=actor, dossier=dossier, items=["Bản sao CCCD"]
        ),
        "supplement": lambda: services.dossier_supplement(actor=actor, dossier=dossier, files={}, note="Bản giấy"),
        "refuse": lambda: services.dossier_refuse(actor=actor, dossier=dossier, reason=reason),
        "assign": lambda: services.dossier_assign(actor=actor, dossier=dossier, assignee=world.people["specialist_a"]),
        "complete_step": lambda: services.dossier_complete_step(actor=actor, dossier=dossier),
        "approve": lambda: services.dossier_approve(actor=actor, dossier=dossier),
        "send_back": lambda: services.dossier_send_back(actor=actor, dossier=dossier, reason=reason),
        "stop": lambda: services.dossier_stop(actor=actor, dossier=dossier, reason=reason),
        "transfer": lambda: services.dossier_transfer(
            actor=actor, dossier=dossier, to_agency=world.agency_b, reason=reason
        ),
        "receive_transfer": lambda: services.dossier_receive_transfer(actor=actor, dossier=dossier),
        "record_payment": lambda: services.dossier_record_payment(actor=actor, dossier=dossier, reference="BL-1"),
        "return_result": lambda: services.dossier_return(
            actor=actor, dossier=dossier, method=Dossier.ReturnMethod.COUNTER
        ),
        "apologise": lambda: services.dossier_apologise(
            actor=actor, dossier=dossier, reason=reason, new_appointment_at=_new_appointment(dossier)
        ),
        "withdraw": lambda: services.dossier_withdraw(actor=actor, dossier=dossier, reason=reason),
        "message": lambda: services.dossier_message_post(actor=actor, dossier=dossier, body="Xin chào"),
    }
    calls[action]()


def _post_data(world: World, action: str, dossier: Dossier) -> dict:
    reason = {"reason": "Lý do thử nghiệm"}
    return {
        "request_supplement": {"other": "Bản sao CCCD"},
        "supplement": {"note": "Bản giấy"},
        "refuse": reason,
        "assign": {"assignee": world.people["specialist_a"].pk},
        "send_back": reason,
        "stop": reason,
        "transfer": {"to_agency": world.agency_b.pk, **reason},
        "record_payment": {"reference": "BL-1"},
        "apologise": {"new_appointment": _new_appointment(dossier).date().isoformat(), **reason},
        "withdraw": {"confirm": "on", **reason},
        "message": {"body": "Xin chào"},
    }.get(action, {})


def _url(action: str, dossier: Dossier) -> str:
    if action == "message":
        return reverse("backoffice_dossiers:message", args=[dossier.pk])
    return reverse("backoffice_dossiers:action", args=[dossier.pk, action])


def _sign_in(client, login_staff, world: World, name: str, dossier: Dossier) -> None:
    client.logout()
    if name in CITIZENS:
        client.force_login(world.actor(name, dossier))
    elif name != "anonymous":
        login_staff(client, world.actor(name, dossier))


# --- through the services ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("action", "name"), [(a, n) for a in ACTIONS for n in ACTORS if n in ALLOWED[a]])
def test_service_allows(world, action, name):
    # Given a dossier of agency A in the state the action applies to
    dossier = _dossier(world, action)
    before = _snapshot(dossier)

    # When an allowed person acts
    _perform(world, action, world.actor(name, dossier), dossier)

    # Then the dossier moved
    assert _snapshot(dossier) != before


@pytest.mark.parametrize("action", ACTIONS)
def test_service_refuses_everyone_else(world, action):
    # Given a dossier of agency A in the state the action applies to
    dossier = _dossier(world, action)
    before = _snapshot(dossier)
    wrong: dict[str, str] = {}

    # When every person not allowed tries, one after the other
    for name in ACTORS:
        if name in ALLOWED[action] or name == "anonymous":
            continue
        fresh = Dossier.objects.get(pk=dossier.pk)
        try:
            _perform(world, action, world.actor(name, fresh), fresh)
        except PermissionDenied:
            pass
        else:
            wrong[name] = "not refused"
        if _snapshot(dossier) != before:
            wrong[name] = "changed the dossier"
            before = _snapshot(dossier)

    # Then each one was refused and the dossier is as it was
    assert wrong == {}


@pytest.mark.parametrize("action", ACTIONS)
def test_service_refuses_anonymous(world, action):
    dossier = _dossier(world, action)
    before = _snapshot(dossier)

    with pytest.raises(PermissionDenied):
        _perform(world, action, AnonymousUser(), dossier)

    assert _snapshot(dossier) == before


# --- through the back-office views -------------------------------------------------------------------------------


def _expected_status(action: str, name: str) -> int:
    if name == "anonymous" or name in VIEW_ALLOWED[action]:
        return 302
    if name in OTHER:
        return 404
    return 403


@pytest.mark.parametrize(("action", "name"), [(a, n) for a in ACTIONS for n in ACTORS if n in VIEW_ALLOWED[a]])
def test_view_allows(client, login_staff, world, action, name):
    # Given a dossier of agency A in the state the action applies to, and an allowed person signed in
    dossier = _dossier(world, action)
    _sign_in(client, login_staff, world, name, dossier)
    before = _snapshot(dossier)

    # When they post the action's form with valid input
    response = client.post(_url(action, dossier), _post_data(world, action, dossier))

    # Then they are sent back to the dossier, which moved
    assert response.status_code == 302, response.content.decode()[:1500]
    assert response["Location"].startswith(reverse("backoffice_dossiers:detail", args=[dossier.pk]))
    assert _snapshot(dossier) != before


@pytest.mark.parametrize("action", ACTIONS)
def test_view_refuses_everyone_else(client, login_staff, world, action):
    # Given a dossier of agency A in the state the action applies to
    dossier = _dossier(world, action)
    before = _snapshot(dossier)
    data = _post_data(world, action, dossier)
    wrong: dict[str, tuple] = {}

    # When every person not allowed posts the form, one after the other
    for name in ACTORS:
        if name in VIEW_ALLOWED[action]:
            continue
        _sign_in(client, login_staff, world, name, dossier)
        response = client.post(_url(action, dossier), data)
        # Then another agency's staff get "not found", a wrong role or a citizen 403, anonymous the login page
        expected = _expected_status(action, name)
        location = response.get("Location", "")
        if response.status_code != expected or (name == "anonymous" and not location.startswith("/accounts/login")):
            wrong[name] = (expected, response.status_code, location)
        if _snapshot(dossier) != before:
            wrong[name] = "changed the dossier"
            before = _snapshot(dossier)

    # And nothing changed
    assert wrong == {}


@pytest.mark.parametrize("name", ACTORS)
def test_detail_matrix(client, login_staff, world, name):
    # Given a dossier in processing at agency A
    dossier = processing_dossier(procedure=world.free)
    _sign_in(client, login_staff, world, name, dossier)

    # When they open it in the back office
    response = client.get(reverse("backoffice_dossiers:detail", args=[dossier.pk]))

    # Then staff who can see agency A's dossiers get it; other agencies "not found"; citizens refused
    expected = 302 if name == "anonymous" else 404 if name in OTHER else 403 if name in CITIZENS else 200
    assert response.status_code == expected
    if expected == 200:
        offered = {action.name for action, _form in response.context["actions"]}
        on_processing = [a for a in ACTIONS if a != "message" and STATE_FOR.get(a, "processing") == "processing"]
        assert offered == {a for a in on_processing if name in VIEW_ALLOWED[a]}
        assert (response.context["message_form"] is not None) is (name in VIEW_ALLOWED["message"])


@pytest.mark.parametrize("name", ACTORS)
def test_queue_matrix(client, login_staff, world, name):
    # Given a dossier of agency A
    dossier = submitted_dossier(procedure=world.free)
    _sign_in(client, login_staff, world, name, dossier)

    # When they open the queue (all dossiers tab) and export it
    response = client.get(reverse("backoffice_dossiers:queue"), {"tab": "all"})
    export = client.get(reverse("backoffice_dossiers:export_csv"), {"tab": "all"})

    # Then only staff who may see agency A's dossiers find it
    if name == "anonymous":
        assert (response.status_code, export.status_code) == (302, 302)
    elif name in CITIZENS:
        assert (response.status_code, export.status_code) == (403, 403)
    else:
        visible = name in {*OWN, *CITY_READERS, "platform_admin"}
        assert response.status_code == 200
        assert (dossier.receipt_code in response.content.decode()) is visible
        assert (dossier.receipt_code in b"".join(export.streaming_content).decode()) is visible
