import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from congso.accounts.tests.factories import StaffFactory
from congso.agencies.models import Agency, Membership
from congso.agencies.selectors import (
    agencies_manageable,
    agency_get,
    agency_list,
    agency_members,
    agency_tree,
    staff_user_get,
)
from congso.agencies.tests.cast import CAN_VIEW_A, EVERYONE
from congso.agencies.tests.factories import AgencyFactory
from congso.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_agency_tree_nests_active_agencies_by_code(cast):
    # Given a department under the city, a closed ward and a sub-unit of A
    city = Agency.objects.get(code="H29")
    AgencyFactory(code="H29.00", name="Sở Tài chính", kind=Agency.Kind.DEPARTMENT, parent=city)
    AgencyFactory(code="H29.03", name="Phường đã giải thể", parent=city, is_active=False)
    AgencyFactory(code="H29.01.01", name="Bộ phận một cửa", parent=cast.agency_a)

    # When the tree is read
    tree = agency_tree()

    # Then one root holds its active children in code order
    assert [node.agency.code for node in tree] == ["H29"]
    assert [node.agency.code for node in tree[0].children] == ["H29.00", "H29.01", "H29.02"]
    assert [node.agency.code for node in tree[0].children[1].children] == ["H29.01.01"]


@pytest.mark.parametrize(
    ("query", "codes"),
    [
        ("", ["H29", "H29.01", "H29.02", "H29.05"]),
        ("ben thanh", ["H29.01"]),
        ("BẾN THÀNH", ["H29.01"]),
        ("phuong", ["H29.01", "H29.02"]),
        ("so tai chinh", ["H29.05"]),
        ("STC", ["H29.05"]),
        ("h29.02", ["H29.02"]),
        ("phường khong-co", []),
        ("%", []),
        ("'; DROP TABLE agencies_agency; --", []),
    ],
)
def test_agency_list_matches_every_word_without_diacritics(cast, query, codes):
    AgencyFactory(code="H29.05", name="Sở Tài chính", short_name="STC", kind=Agency.Kind.DEPARTMENT)
    AgencyFactory(code="H29.06", name="Phường Bến Thành cũ", is_active=False)
    assert [agency.code for agency in agency_list(query=query)] == codes


def test_agency_list_filters_kind_and_can_include_inactive(cast):
    AgencyFactory(code="H29.06", name="Phường cũ", is_active=False)
    assert [a.code for a in agency_list(kind=Agency.Kind.CITY)] == ["H29"]
    assert [a.code for a in agency_list(query="phuong", include_inactive=True)] == ["H29.01", "H29.02", "H29.06"]


def test_agencies_manageable_scopes_to_the_actor(cast):
    assert [a.code for a in agencies_manageable(actor=cast.admin_a)] == ["H29.01"]
    assert [a.code for a in agencies_manageable(actor=cast.leader_a)] == []
    assert [a.code for a in agencies_manageable(actor=AnonymousUser())] == []
    assert [a.code for a in agencies_manageable(actor=cast.platform_admin, query="sai gon")] == ["H29.02"]


@pytest.mark.parametrize("name", EVERYONE)
def test_agency_members_matrix(cast, name):
    actor = cast.by_name(name) or AnonymousUser()
    if name in CAN_VIEW_A:
        members = agency_members(actor=actor, agency=cast.agency_a)
        assert [(m.user.username, m.role) for m in members] == [
            ("admin_a", Membership.Role.AGENCY_ADMIN),
            ("desk_officer_a", Membership.Role.DESK_OFFICER),
            ("leader_a", Membership.Role.LEADER),
            ("specialist_a", Membership.Role.SPECIALIST),
        ]
        entry = AuditEntry.objects.get(action="agencies.members_view")
        assert (entry.actor, entry.object_id) == (actor, str(cast.agency_a.pk))
    else:
        with pytest.raises(PermissionDenied):
            agency_members(actor=actor, agency=cast.agency_a)
        assert AuditEntry.objects.count() == 0


def test_agency_get_and_staff_user_get(cast):
    StaffFactory(username="nghi_viec", is_active=False)
    assert agency_get(code="H29.01") == cast.agency_a
    assert agency_get(code="nope") is None
    assert staff_user_get(username=" newcomer ") == cast.newcomer
    assert staff_user_get(username=cast.citizen.username) is None
    assert staff_user_get(username="nghi_viec") is None
    assert staff_user_get(username="") is None
