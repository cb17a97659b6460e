from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from congso.accounts.tests.factories import CitizenFactory, StaffFactory
from congso.agencies.models import Agency, CityRole, Membership
from congso.agencies.permissions import can_manage_agency
from congso.agencies.services import (
    agency_upsert,
    city_role_grant,
    city_role_revoke,
    membership_grant,
    membership_revoke,
)
from congso.agencies.tests.cast import CAN_MANAGE_A, EVERYONE
from congso.agencies.tests.factories import AgencyFactory, CityRoleFactory
from congso.core.models import AuditEntry
from congso.geo.models import AdministrativeUnit

pytestmark = pytest.mark.django_db


def _snapshot():
    return (
        sorted(Membership.objects.values_list("user_id", "agency_id", "role")),
        sorted(CityRole.objects.values_list("user_id", "role")),
        sorted(Agency.objects.values_list("code", "name", "parent_id", "is_active")),
        AuditEntry.objects.count(),
    )


def _actor(cast, name):
    return cast.by_name(name) or AnonymousUser()


# --- agency_upsert -----------------------------------------------------------------


def test_agency_upsert_creates_then_is_idempotent(db):
    # Given a province unit and a parent agency
    unit = AdministrativeUnit.objects.create(
        code="26734",
        level="commune",
        division_type="phuong",
        name="Phường Bến Thành",
        name_search="phuong ben thanh",
        codename="ben_thanh",
        valid_from=date(2025, 7, 1),
    )
    AgencyFactory(code="H29", name="UBND Thành phố", kind=Agency.Kind.CITY)

    # When a system import upserts a ward committee twice
    first = agency_upsert(
        actor=None,
        code=" H29.26734 ",
        name="Ủy ban nhân dân phường Bến Thành",
        kind=Agency.Kind.COMMUNE,
        short_name="UBND P. Bến Thành",
        parent_code="H29",
        unit_code="26734",
        phone="028 3829 0000",
    )
    second = agency_upsert(
        actor=None,
        code="H29.26734",
        name="Ủy ban nhân dân phường Bến Thành",
        kind=Agency.Kind.COMMUNE,
        short_name="UBND P. Bến Thành",
        parent_code="H29",
        unit_code="26734",
        phone="028 3829 0000",
    )

    # Then one agency exists, with its parent, unit and search text, and one audit entry
    assert second.pk == first.pk
    agency = Agency.objects.get(code="H29.26734")
    assert agency.parent.code == "H29"
    assert agency.administrative_unit == unit
    assert agency.search_text == "h29.26734 uy ban nhan dan phuong ben thanh ubnd p. ben thanh"
    assert agency.is_active is True
    entries = AuditEntry.objects.filter(action="agencies.agency_create")
    assert entries.count() == 1
    assert entries.get().data["code"] == "H29.26734"
    assert AuditEntry.objects.filter(action="agencies.agency_update").count() == 0


def test_agency_upsert_updates_changed_fields_and_audits_them(cast):
    agency = agency_upsert(
        actor=cast.platform_admin,
        code="H29.01",
        name="Ủy ban nhân dân phường Bến Thành",
        kind=Agency.Kind.COMMUNE,
        parent_code="H29",
        email="benthanh@tphcm.gov.vn",
        is_active=False,
    )

    assert agency.email == "benthanh@tphcm.gov.vn"
    assert Agency.objects.get(code="H29.01").is_active is False
    entry = AuditEntry.objects.get(action="agencies.agency_update")
    assert entry.actor == cast.platform_admin
    assert entry.data["changes"] == {"email": "benthanh@tphcm.gov.vn", "is_active": False}


@pytest.mark.parametrize("name", ["admin_a", "leader_a", "citizen", "anonymous"])
def test_agency_upsert_refused_for_anyone_but_platform_admin(cast, name):
    before = _snapshot()
    with pytest.raises(PermissionDenied):
        agency_upsert(actor=_actor(cast, name), code="H29.01", name="Đổi tên", kind=Agency.Kind.COMMUNE)
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"parent_code": "KHONG-CO"}, "unknown_parent"),
        ({"unit_code": "99999"}, "unknown_unit"),
        ({"parent_code": "H29.01"}, "parent_cycle"),
    ],
)
def test_agency_upsert_rejects_bad_references(cast, kwargs, code):
    before = _snapshot()
    with pytest.raises(ValidationError) as error:
        agency_upsert(actor=None, code="H29.01", name="Phường Bến Thành", kind=Agency.Kind.COMMUNE, **kwargs)
    assert error.value.code == code
    assert _snapshot() == before


def test_agency_upsert_rejects_a_parent_that_is_a_descendant(cast):
    AgencyFactory(code="H29.01.01", parent=cast.agency_a)
    with pytest.raises(ValidationError) as error:
        agency_upsert(
            actor=None, code="H29.01", name="Phường Bến Thành", kind=Agency.Kind.COMMUNE, parent_code="H29.01.01"
        )
    assert error.value.code == "parent_cycle"
    assert Agency.objects.get(code="H29.01").parent.code == "H29"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"code": "", "name": "Tên", "kind": Agency.Kind.COMMUNE},
        {"code": "H29.99", "name": "", "kind": Agency.Kind.COMMUNE},
        {"code": "H29.99", "name": "Tên", "kind": "galaxy"},
        {"code": "H29.99", "name": "Tên", "kind": Agency.Kind.COMMUNE, "email": "không phải thư"},
        {"code": "H" * 31, "name": "Tên", "kind": Agency.Kind.COMMUNE},
    ],
)
def test_agency_upsert_rejects_invalid_data(db, kwargs):
    with pytest.raises(ValidationError):
        agency_upsert(actor=None, **kwargs)
    assert Agency.objects.count() == 0
    assert AuditEntry.objects.count() == 0


# --- membership_grant / membership_revoke ----------------------------------------------


@pytest.mark.parametrize("name", EVERYONE)
def test_membership_grant_matrix(cast, name):
    # Given someone of the cast granting a specialist role in A to a newcomer
    before = _snapshot()
    actor = _actor(cast, name)

    if name in CAN_MANAGE_A:
        membership = membership_grant(
            actor=actor, user=cast.newcomer, agency=cast.agency_a, role=Membership.Role.SPECIALIST
        )
        # Then the role exists and is audited with the actor
        assert (membership.user, membership.agency, membership.role) == (
            cast.newcomer,
            cast.agency_a,
            Membership.Role.SPECIALIST,
        )
        entry = AuditEntry.objects.get(action="agencies.membership_grant")
        assert entry.actor == actor
        assert entry.data == {"agency": "H29.01", "username": "newcomer", "role": "specialist"}
    else:
        # Then the refusal changes nothing
        with pytest.raises(PermissionDenied):
            membership_grant(actor=actor, user=cast.newcomer, agency=cast.agency_a, role=Membership.Role.SPECIALIST)
        assert _snapshot() == before


@pytest.mark.parametrize("name", EVERYONE)
def test_only_platform_admin_grants_agency_admin(cast, name):
    before = _snapshot()
    actor = _actor(cast, name)
    if name == "platform_admin":
        membership_grant(actor=actor, user=cast.newcomer, agency=cast.agency_a, role=Membership.Role.AGENCY_ADMIN)
        assert can_manage_agency(cast.newcomer, cast.agency_a) is True
    else:
        with pytest.raises(PermissionDenied):
            membership_grant(actor=actor, user=cast.newcomer, agency=cast.agency_a, role=Membership.Role.AGENCY_ADMIN)
        assert _snapshot() == before


def test_membership_grant_is_idempotent(cast):
    first = membership_grant(actor=cast.admin_a, user=cast.newcomer, agency=cast.agency_a, role="leader")
    second = membership_grant(actor=cast.admin_a, user=cast.newcomer, agency=cast.agency_a, role="leader")
    assert second.pk == first.pk
    assert Membership.objects.filter(user=cast.newcomer).count() == 1
    assert AuditEntry.objects.filter(action="agencies.membership_grant").count() == 1


def test_membership_grant_by_system(cast):
    membership = membership_grant(actor=None, user=cast.newcomer, agency=cast.agency_b, role="agency_admin")
    assert membership.agency == cast.agency_b
    assert AuditEntry.objects.get(action="agencies.membership_grant").actor is None


def test_membership_grant_clears_the_cached_roles_of_the_user(cast):
    assert can_manage_agency(cast.newcomer, cast.agency_a) is False
    membership_grant(actor=None, user=cast.newcomer, agency=cast.agency_a, role="agency_admin")
    assert can_manage_agency(cast.newcomer, cast.agency_a) is True


@pytest.mark.parametrize("target", ["citizen", "inactive_staff"])
def test_membership_grant_refuses_non_staff_accounts(cast, target):
    user = cast.citizen if target == "citizen" else StaffFactory(is_active=False)
    before = _snapshot()
    with pytest.raises(ValidationError) as error:
        membership_grant(actor=cast.admin_a, user=user, agency=cast.agency_a, role="specialist")
    assert error.value.code == "not_staff"
    assert _snapshot() == before


def test_membership_grant_refuses_unknown_role(cast):
    before = _snapshot()
    with pytest.raises(ValidationError) as error:
        membership_grant(actor=cast.platform_admin, user=cast.newcomer, agency=cast.agency_a, role="mayor")
    assert error.value.code == "invalid_role"
    assert _snapshot() == before


@pytest.mark.parametrize("name", EVERYONE)
def test_membership_revoke_matrix(cast, name):
    # Given the specialist role in A
    membership = Membership.objects.get(user=cast.specialist_a, agency=cast.agency_a)
    before = _snapshot()
    actor = _actor(cast, name)

    if name in CAN_MANAGE_A:
        membership_revoke(actor=actor, membership=membership)
        assert Membership.objects.filter(pk=membership.pk).exists() is False
        entry = AuditEntry.objects.get(action="agencies.membership_revoke")
        assert entry.actor == actor
        assert entry.data == {"agency": "H29.01", "username": "specialist_a", "role": "specialist"}
        assert can_manage_agency(cast.specialist_a, cast.agency_a) is False
    else:
        with pytest.raises(PermissionDenied):
            membership_revoke(actor=actor, membership=membership)
        assert _snapshot() == before


def test_agency_admin_cannot_revoke_an_agency_admin_role(cast):
    membership = Membership.objects.get(user=cast.admin_a, role="agency_admin")
    before = _snapshot()
    with pytest.raises(PermissionDenied):
        membership_revoke(actor=cast.admin_a, membership=membership)
    assert _snapshot() == before


def test_membership_revoke_is_idempotent(cast):
    membership = Membership.objects.get(user=cast.leader_a)
    membership_revoke(actor=cast.admin_a, membership=membership)
    membership_revoke(actor=cast.admin_a, membership=membership)
    assert Membership.objects.filter(user=cast.leader_a).count() == 0
    assert AuditEntry.objects.filter(action="agencies.membership_revoke").count() == 1


# --- city roles -------------------------------------------------------------------------


@pytest.mark.parametrize("name", EVERYONE)
def test_city_role_grant_only_by_platform_admin(cast, name):
    before = _snapshot()
    actor = _actor(cast, name)
    if name == "platform_admin":
        city_role = city_role_grant(actor=actor, user=cast.newcomer, role=CityRole.Role.INSPECTOR)
        assert (city_role.user, city_role.role) == (cast.newcomer, "inspector")
        assert AuditEntry.objects.get(action="agencies.city_role_grant").data == {
            "username": "newcomer",
            "role": "inspector",
        }
    else:
        with pytest.raises(PermissionDenied):
            city_role_grant(actor=actor, user=cast.newcomer, role=CityRole.Role.INSPECTOR)
        assert _snapshot() == before


def test_city_role_grant_is_idempotent_and_refuses_citizens(cast):
    first = city_role_grant(actor=None, user=cast.newcomer, role="operations_viewer")
    assert city_role_grant(actor=None, user=cast.newcomer, role="operations_viewer").pk == first.pk
    before = _snapshot()
    with pytest.raises(ValidationError) as error:
        city_role_grant(actor=cast.platform_admin, user=cast.citizen, role="inspector")
    assert error.value.code == "not_staff"
    with pytest.raises(ValidationError) as error:
        city_role_grant(actor=cast.platform_admin, user=cast.newcomer, role="king")
    assert error.value.code == "invalid_role"
    assert _snapshot() == before


def test_city_role_revoke(cast):
    inspector = CityRoleFactory(user=cast.newcomer, role=CityRole.Role.INSPECTOR)
    before = _snapshot()
    with pytest.raises(PermissionDenied):
        city_role_revoke(actor=cast.admin_a, city_role=inspector)
    assert _snapshot() == before

    city_role_revoke(actor=cast.platform_admin, city_role=inspector)
    city_role_revoke(actor=cast.platform_admin, city_role=inspector)

    assert CityRole.objects.filter(user=cast.newcomer).count() == 0
    assert AuditEntry.objects.filter(action="agencies.city_role_revoke").count() == 1


def test_platform_admin_cannot_revoke_own_platform_admin_role(cast):
    own = CityRole.objects.get(user=cast.platform_admin)
    before = _snapshot()
    with pytest.raises(ValidationError) as error:
        city_role_revoke(actor=cast.platform_admin, city_role=own)
    assert error.value.code == "self_revoke"
    assert _snapshot() == before

    other_admin = CityRoleFactory(role=CityRole.Role.PLATFORM_ADMIN).user
    city_role_revoke(actor=other_admin, city_role=own)
    assert CityRole.objects.filter(user=cast.platform_admin).exists() is False


def test_superuser_citizen_cannot_receive_roles(db):
    superuser = CitizenFactory(is_superuser=True)
    with pytest.raises(ValidationError):
        city_role_grant(actor=superuser, user=CitizenFactory(), role="inspector")
    assert CityRole.objects.count() == 0
