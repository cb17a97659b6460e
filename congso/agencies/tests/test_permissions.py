import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from congso.accounts.tests.factories import CitizenFactory
from congso.agencies.models import Agency, CityRole, Membership
from congso.agencies.permissions import (
    agencies_for,
    can_assign_role,
    can_manage_agency,
    can_view_agency_members,
    ensure_can_manage_agency,
    has_agency_role,
    has_city_role,
    is_platform_admin,
)
from congso.agencies.tests.cast import CAN_MANAGE_A, CAN_VIEW_A, EVERYONE
from congso.agencies.tests.factories import AgencyFactory, CityRoleFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def _user(cast, name):
    return cast.by_name(name) or AnonymousUser()


@pytest.mark.parametrize("name", EVERYONE)
def test_view_and_manage_matrix_for_agency_a(cast, name):
    # Given one person of the cast
    user = _user(cast, name)

    # Then their rights on agency A are exactly those of the matrix
    assert can_view_agency_members(user, cast.agency_a) is (name in CAN_VIEW_A)
    assert can_manage_agency(user, cast.agency_a) is (name in CAN_MANAGE_A)
    assert can_assign_role(user, cast.agency_a, Membership.Role.SPECIALIST) is (name in CAN_MANAGE_A)
    assert can_assign_role(user, cast.agency_a, Membership.Role.AGENCY_ADMIN) is (name == "platform_admin")


@pytest.mark.parametrize("name", EVERYONE)
def test_ensure_can_manage_agency_raises_for_everyone_but_managers(cast, name):
    user = _user(cast, name)
    if name in CAN_MANAGE_A:
        ensure_can_manage_agency(user, cast.agency_a)
    else:
        with pytest.raises(PermissionDenied):
            ensure_can_manage_agency(user, cast.agency_a)


def test_membership_does_not_reach_child_agencies(cast):
    # Given a sub-agency of A
    child = AgencyFactory(code="H29.01.01", parent=cast.agency_a)

    # Then A's admin has no rights in it
    assert can_manage_agency(cast.admin_a, child) is False
    assert has_agency_role(cast.admin_a, child) is False


def test_has_agency_role_matches_named_roles_only(cast):
    assert has_agency_role(cast.leader_a, cast.agency_a, Membership.Role.LEADER) is True
    assert has_agency_role(cast.leader_a, cast.agency_a, Membership.Role.SPECIALIST) is False
    assert has_agency_role(cast.leader_a, cast.agency_a.pk, Membership.Role.SPECIALIST, Membership.Role.LEADER) is True
    assert has_agency_role(cast.leader_a, cast.agency_b) is False


def test_agencies_for_lists_member_agencies_and_everything_for_platform_admin(cast):
    assert list(agencies_for(cast.leader_a)) == [cast.agency_a]
    assert list(agencies_for(cast.leader_a, Membership.Role.AGENCY_ADMIN)) == []
    assert list(agencies_for(cast.admin_b, Membership.Role.AGENCY_ADMIN)) == [cast.agency_b]
    assert set(agencies_for(cast.platform_admin)) == set(Agency.objects.all())
    assert list(agencies_for(AnonymousUser())) == []
    assert list(agencies_for(None)) == []


def test_city_roles(cast):
    inspector = CityRoleFactory(role=CityRole.Role.INSPECTOR).user
    assert has_city_role(inspector, CityRole.Role.INSPECTOR) is True
    assert has_city_role(inspector, CityRole.Role.OPERATIONS_VIEWER) is False
    assert has_city_role(inspector) is True
    assert is_platform_admin(inspector) is False
    assert has_city_role(cast.platform_admin, CityRole.Role.OPERATIONS_VIEWER) is True
    assert has_city_role(cast.leader_a) is False


def test_superuser_is_platform_admin_whatever_its_kind(db):
    superuser = CitizenFactory(is_superuser=True)
    assert is_platform_admin(superuser) is True
    assert can_manage_agency(superuser, AgencyFactory()) is True


def test_inactive_users_have_no_rights(cast):
    cast.admin_a.is_active = False
    cast.platform_admin.is_active = False
    assert can_manage_agency(cast.admin_a, cast.agency_a) is False
    assert is_platform_admin(cast.platform_admin) is False
    assert list(agencies_for(cast.platform_admin)) == []


def test_roles_held_by_a_non_staff_account_count_for_nothing(db):
    citizen = CitizenFactory()
    agency = AgencyFactory()
    MembershipFactory(user=citizen, agency=agency, role=Membership.Role.AGENCY_ADMIN)
    CityRoleFactory(user=citizen, role=CityRole.Role.PLATFORM_ADMIN)
    assert can_manage_agency(citizen, agency) is False
    assert is_platform_admin(citizen) is False


def test_roles_are_loaded_once_per_user_object(cast, django_assert_num_queries):
    # Given a fresh user object
    user = type(cast.leader_a).objects.get(pk=cast.leader_a.pk)

    # When many checks run, only the first loads roles (city roles + memberships)
    with django_assert_num_queries(2):
        for _ in range(10):
            has_agency_role(user, cast.agency_a)
            can_manage_agency(user, cast.agency_b)
            is_platform_admin(user)
            has_city_role(user)
