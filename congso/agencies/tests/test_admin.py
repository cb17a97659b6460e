import pytest

from congso.agencies.models import Agency, CityRole, Membership
from congso.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, login_staff, cast):
    cast.platform_admin.is_staff = True
    cast.platform_admin.save()
    login_staff(client, cast.platform_admin)
    return client


def test_platform_admin_adds_a_membership_through_the_service(admin_client, cast):
    response = admin_client.post(
        "/admin/agencies/membership/add/",
        {"user": cast.newcomer.pk, "agency": cast.agency_b.pk, "role": "leader"},
    )
    assert response.status_code == 302
    assert Membership.objects.filter(user=cast.newcomer, agency=cast.agency_b, role="leader").count() == 1
    assert AuditEntry.objects.get(action="agencies.membership_grant").actor == cast.platform_admin


def test_admin_refuses_a_role_for_a_citizen(admin_client, cast):
    response = admin_client.post(
        "/admin/agencies/membership/add/",
        {"user": cast.citizen.pk, "agency": cast.agency_b.pk, "role": "leader"},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["user"] == [
        "Chỉ tài khoản cán bộ, công chức đang hoạt động mới được giao vai trò."
    ]
    assert Membership.objects.filter(user=cast.citizen).count() == 0


def test_admin_deletes_a_membership_through_the_service(admin_client, cast):
    membership = Membership.objects.get(user=cast.leader_a)
    response = admin_client.post(f"/admin/agencies/membership/{membership.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert Membership.objects.filter(pk=membership.pk).exists() is False
    assert AuditEntry.objects.filter(action="agencies.membership_revoke").count() == 1


def test_admin_creates_and_edits_an_agency_through_the_service(admin_client, cast):
    response = admin_client.post(
        "/admin/agencies/agency/add/",
        {"code": "H29.10", "name": "Sở Tư pháp", "short_name": "STP", "kind": "department", "is_active": "on"},
    )
    assert response.status_code == 302
    agency = Agency.objects.get(code="H29.10")
    assert agency.search_text == "h29.10 so tu phap stp"

    response = admin_client.post(
        f"/admin/agencies/agency/{cast.agency_a.pk}/change/",
        {"name": "Phường Bến Thành", "kind": "commune", "parent": agency.pk, "is_active": "on"},
    )
    assert response.status_code == 302
    assert Agency.objects.get(pk=cast.agency_a.pk).parent == agency
    assert [e.action for e in AuditEntry.objects.order_by("id")] == [
        "agencies.agency_create",
        "agencies.agency_update",
    ]


def test_admin_refuses_a_loop_in_the_agency_tree(admin_client, cast):
    child = Agency.objects.create(code="H29.01.01", name="Bộ phận", kind="other", parent=cast.agency_a)
    response = admin_client.post(
        f"/admin/agencies/agency/{cast.agency_a.pk}/change/",
        {"name": "Phường Bến Thành", "kind": "commune", "parent": child.pk, "is_active": "on"},
    )
    assert response.status_code == 200
    assert "parent" in response.context["adminform"].form.errors
    assert Agency.objects.get(pk=cast.agency_a.pk).parent.code == "H29"


def test_platform_admin_cannot_delete_own_platform_admin_role_in_admin(admin_client, cast):
    own = CityRole.objects.get(user=cast.platform_admin)
    response = admin_client.post(f"/admin/agencies/cityrole/{own.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert CityRole.objects.filter(pk=own.pk).exists() is True


def test_agency_admin_does_not_see_agencies_in_admin(client, login_staff, cast):
    cast.admin_a.is_staff = True
    cast.admin_a.save()
    login_staff(client, cast.admin_a)
    assert client.get("/admin/agencies/membership/").status_code == 403
    assert (
        client.post(
            "/admin/agencies/membership/add/",
            {"user": cast.newcomer.pk, "agency": cast.agency_a.pk, "role": "leader"},
        ).status_code
        == 403
    )
    assert Membership.objects.filter(user=cast.newcomer).count() == 0
