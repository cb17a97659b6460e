import pytest
from django.urls import reverse

from congso.accounts.tests.factories import StaffFactory
from congso.agencies.models import Membership
from congso.agencies.tests.cast import CAN_MANAGE_A, memberships
from congso.agencies.tests.factories import AgencyFactory, MembershipFactory
from congso.core.models import AuditEntry

pytestmark = pytest.mark.django_db

STAFF = ["desk_officer_a", "specialist_a", "leader_a", "admin_a", "admin_b", "platform_admin"]


# --- access --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url_name", ["agencies:list", "agencies:detail", "agencies:membership_add", "agencies:membership_remove"]
)
def test_anonymous_is_sent_to_login_and_citizen_is_refused(client, cast, url_name):
    kwargs = {
        "agencies:list": {},
        "agencies:detail": {"code": "H29.01"},
        "agencies:membership_add": {"code": "H29.01"},
        "agencies:membership_remove": {"code": "H29.01", "pk": Membership.objects.first().pk},
    }[url_name]
    url = reverse(url_name, kwargs=kwargs)

    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))

    client.force_login(cast.citizen)
    assert client.get(url).status_code == 403


def test_staff_without_second_factor_is_sent_to_otp(client, cast):
    client.force_login(cast.admin_a)
    response = client.get(reverse("agencies:list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:otp_setup"))


# --- list ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "codes"),
    [
        ("desk_officer_a", []),
        ("leader_a", []),
        ("admin_a", ["H29.01"]),
        ("admin_b", ["H29.02"]),
        ("platform_admin", ["H29", "H29.01", "H29.02"]),
    ],
)
def test_list_shows_the_agencies_the_user_manages(client, name, codes, login_as):
    login_as(name)
    response = client.get(reverse("agencies:list"))
    assert response.status_code == 200
    assert [agency.code for agency in response.context["agencies"]] == codes
    if not codes:
        assert "Bạn chưa được giao quản trị cơ quan nào." in response.content.decode()


def test_list_search_without_diacritics_and_empty_state(client, login_staff, cast):
    login_staff(client, cast.platform_admin)

    response = client.get(reverse("agencies:list"), {"q": "ben thanh"})
    assert [agency.code for agency in response.context["agencies"]] == ["H29.01"]
    assert "Ủy ban nhân dân phường Bến Thành" in response.content.decode()

    response = client.get(reverse("agencies:list"), {"q": "khong ton tai"})
    assert list(response.context["agencies"]) == []
    assert "Không có cơ quan nào khớp với điều kiện tìm kiếm." in response.content.decode()

    response = client.get(reverse("agencies:list"), {"kind": "city"})
    assert [agency.code for agency in response.context["agencies"]] == ["H29"]


@pytest.mark.parametrize(
    "params",
    [{"page": "abc"}, {"page": "-1"}, {"page": "99999999999999999999"}, {"kind": "galaxy"}, {"q": "x" * 500}],
)
def test_list_survives_bad_input(client, login_staff, cast, params):
    login_staff(client, cast.platform_admin)
    response = client.get(reverse("agencies:list"), params)
    assert response.status_code == 200


def test_list_is_paginated_with_bounded_queries(client, login_staff, cast, django_assert_max_num_queries):
    # Given 60 agencies, each with a parent
    for number in range(60):
        AgencyFactory(code=f"H29.9{number:02d}", name=f"Phường Thử {number}", parent=cast.agency_a)
    login_staff(client, cast.platform_admin)

    # When the second page is read, the number of queries does not grow with the rows
    with django_assert_max_num_queries(12):
        response = client.get(reverse("agencies:list"), {"page": "2"})

    assert response.status_code == 200
    page_obj = response.context["page_obj"]
    assert (page_obj.number, page_obj.paginator.count, len(page_obj.object_list)) == (2, 63, 25)
    assert 'class="pagination"' in response.content.decode()


# --- detail -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", STAFF)
def test_detail_only_for_managers_others_get_404(client, name, login_as):
    login_as(name)
    response = client.get(reverse("agencies:detail", kwargs={"code": "H29.01"}))
    if name in CAN_MANAGE_A:
        assert response.status_code == 200
        body = response.content.decode()
        assert "Ủy ban nhân dân phường Bến Thành" in body
        groups = {
            group["role"]: [row["membership"].user.username for row in group["members"]]
            for group in response.context["groups"]
        }
        assert groups == {
            "desk_officer": ["desk_officer_a"],
            "specialist": ["specialist_a"],
            "leader": ["leader_a"],
            "agency_admin": ["admin_a"],
        }
        assert AuditEntry.objects.filter(action="agencies.members_view").count() == 1
    else:
        assert response.status_code == 404
        assert AuditEntry.objects.count() == 0


def test_detail_of_unknown_agency_is_404(client, login_staff, cast):
    login_staff(client, cast.platform_admin)
    assert client.get(reverse("agencies:detail", kwargs={"code": "KHONG-CO"})).status_code == 404


def test_detail_hides_revoke_for_agency_admin_role_from_agency_admin(client, login_staff, cast):
    login_staff(client, cast.admin_a)
    response = client.get(reverse("agencies:detail", kwargs={"code": "H29.01"}))
    admin_row = Membership.objects.get(user=cast.admin_a)
    leader_row = Membership.objects.get(user=cast.leader_a)
    body = response.content.decode()
    assert reverse("agencies:membership_remove", kwargs={"code": "H29.01", "pk": admin_row.pk}) not in body
    assert reverse("agencies:membership_remove", kwargs={"code": "H29.01", "pk": leader_row.pk}) in body


# --- add ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", STAFF)
def test_membership_add_matrix(client, name, login_as):
    login_as(name)
    before = memberships()
    url = reverse("agencies:membership_add", kwargs={"code": "H29.01"})

    response = client.post(url, {"username": "newcomer", "role": "specialist"})

    if name in CAN_MANAGE_A:
        assert response.status_code == 302
        assert response.url == reverse("agencies:detail", kwargs={"code": "H29.01"})
        assert memberships() == sorted([*before, ("newcomer", "H29.01", "specialist")])
    else:
        assert response.status_code == 404
        assert memberships() == before


def test_membership_add_form_offers_agency_admin_only_to_platform_admin(client, login_staff, cast):
    url = reverse("agencies:membership_add", kwargs={"code": "H29.01"})
    login_staff(client, cast.admin_a)
    response = client.get(url)
    assert response.status_code == 200
    assert [value for value, _ in response.context["form"].fields["role"].choices] == [
        "desk_officer",
        "specialist",
        "leader",
    ]

    before = memberships()
    response = client.post(url, {"username": "newcomer", "role": "agency_admin"})
    assert response.status_code == 200
    assert response.context["form"].errors["role"]
    assert memberships() == before

    login_staff(client, cast.platform_admin)
    response = client.post(url, {"username": "newcomer", "role": "agency_admin"})
    assert response.status_code == 302
    assert ("newcomer", "H29.01", "agency_admin") in memberships()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"username": "", "role": "leader"}, "username"),
        ({"username": "khong_co", "role": "leader"}, "username"),
        ({"username": "newcomer", "role": "mayor"}, "role"),
        ({"username": "x" * 500, "role": "leader"}, "username"),
        ({}, "role"),
    ],
)
def test_membership_add_shows_errors_for_bad_input(client, login_staff, cast, data, field):
    login_staff(client, cast.admin_a)
    before = memberships()
    response = client.post(reverse("agencies:membership_add", kwargs={"code": "H29.01"}), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert 'class="error-summary"' in response.content.decode()
    assert memberships() == before


def test_membership_add_refuses_citizen_accounts(client, login_staff, cast):
    login_staff(client, cast.admin_a)
    before = memberships()
    response = client.post(
        reverse("agencies:membership_add", kwargs={"code": "H29.01"}),
        {"username": cast.citizen.username, "role": "leader"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["username"] == [
        "Không tìm thấy tài khoản cán bộ đang hoạt động với tên đăng nhập này."
    ]
    assert memberships() == before


# --- remove -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", STAFF)
def test_membership_remove_matrix(client, cast, name, login_as):
    login_as(name)
    membership = Membership.objects.get(user=cast.leader_a)
    url = reverse("agencies:membership_remove", kwargs={"code": "H29.01", "pk": membership.pk})
    before = memberships()

    confirm = client.get(url)
    response = client.post(url)

    if name in CAN_MANAGE_A:
        assert confirm.status_code == 200
        assert "Xác nhận thu hồi" in confirm.content.decode()
        assert response.status_code == 302
        assert Membership.objects.filter(pk=membership.pk).exists() is False
    else:
        assert (confirm.status_code, response.status_code) == (404, 404)
        assert memberships() == before


def test_membership_remove_of_agency_admin_role_refused_to_agency_admin(client, login_staff, cast):
    login_staff(client, cast.admin_a)
    membership = Membership.objects.get(user=cast.admin_a)
    before = memberships()
    response = client.post(reverse("agencies:membership_remove", kwargs={"code": "H29.01", "pk": membership.pk}))
    assert response.status_code == 403
    assert memberships() == before


def test_membership_remove_of_another_agency_membership_is_404(client, login_staff, cast):
    # A membership of B addressed through A's URL
    login_staff(client, cast.admin_a)
    other = MembershipFactory(user=StaffFactory(), agency=cast.agency_b, role="leader")
    before = memberships()
    for pk in (other.pk, 999999, 2**70):
        response = client.post(f"/backoffice/agencies/H29.01/members/{pk}/remove/")
        assert response.status_code == 404
    assert memberships() == before


def test_detail_queries_do_not_grow_with_members(client, login_staff, cast, django_assert_max_num_queries):
    MembershipFactory.create_batch(30, agency=cast.agency_a, role="specialist")
    login_staff(client, cast.admin_a)

    with django_assert_max_num_queries(16):
        response = client.get(reverse("agencies:detail", kwargs={"code": "H29.01"}))

    assert response.status_code == 200
    assert response.context["member_count"] == 34


def test_nul_in_the_agency_code_is_refused(client, login_staff, cast):
    login_staff(client, cast.admin_a)
    before = memberships()

    assert client.get("/backoffice/agencies/H29.01%00/").status_code == 400
    assert client.post("/backoffice/agencies/H29.01%00/members/add/", {"username": "newcomer"}).status_code == 400
    assert memberships() == before
