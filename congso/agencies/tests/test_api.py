import pytest

from congso.accounts.services import api_token_create
from congso.agencies.models import Agency, Membership
from congso.agencies.tests.cast import CAN_MANAGE_A, CAN_VIEW_A, EVERYONE, memberships
from congso.agencies.tests.factories import AgencyFactory
from congso.core.models import AuditEntry

pytestmark = pytest.mark.django_db

BASE = "/api/v1/agencies"


def _expected_status(name, allowed):
    if name == "anonymous":
        return 401
    return None if name in allowed else 403


# --- public directory ---------------------------------------------------------------------------


def test_directory_lists_active_agencies(client, cast):
    AgencyFactory(code="H29.09", name="Phường đã giải thể", is_active=False)

    response = client.get(f"{BASE}/")

    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["page"], body["page_size"]) == (3, 1, 50)
    assert body["items"][1] == {
        "code": "H29.01",
        "name": "Ủy ban nhân dân phường Bến Thành",
        "short_name": "",
        "kind": "commune",
        "kind_label": "UBND phường, xã, đặc khu",
        "parent": "H29",
        "unit": None,
        "unit_name": None,
    }


def test_directory_filters_and_pages(client, cast, django_assert_max_num_queries):
    for number in range(60):
        AgencyFactory(code=f"H29.9{number:02d}", name=f"Phường Thử {number}", parent=cast.agency_a)

    with django_assert_max_num_queries(3):
        response = client.get(f"{BASE}/", {"q": "phuong thu", "page": 2})
    assert response.status_code == 200
    assert (response.json()["count"], len(response.json()["items"])) == (60, 10)

    assert [a["code"] for a in client.get(f"{BASE}/", {"kind": "city"}).json()["items"]] == ["H29"]
    assert [a["code"] for a in client.get(f"{BASE}/", {"q": "SÀI GÒN"}).json()["items"]] == ["H29.02"]
    assert client.get(f"{BASE}/", {"page": 50}).json()["items"] == []


@pytest.mark.parametrize(
    "params", [{"kind": "galaxy"}, {"page": 0}, {"page": "abc"}, {"page": 10**30}, {"q": "x" * 101}]
)
def test_directory_rejects_bad_parameters_with_structured_422(client, cast, params):
    response = client.get(f"{BASE}/", params)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid"


def test_tree(client, cast):
    response = client.get(f"{BASE}/tree")
    assert response.status_code == 200
    assert response.json() == [
        {
            "code": "H29",
            "name": "Ủy ban nhân dân Thành phố Hồ Chí Minh",
            "short_name": "",
            "kind": "city",
            "children": [
                {
                    "code": "H29.01",
                    "name": "Ủy ban nhân dân phường Bến Thành",
                    "short_name": "",
                    "kind": "commune",
                    "children": [],
                },
                {
                    "code": "H29.02",
                    "name": "Ủy ban nhân dân phường Sài Gòn",
                    "short_name": "",
                    "kind": "commune",
                    "children": [],
                },
            ],
        }
    ]


def test_agency_detail_and_404(client, cast):
    Agency.objects.filter(code="H29.02").update(phone="028 1234 5678", is_active=False)

    response = client.get(f"{BASE}/H29.01")
    assert response.status_code == 200
    assert (response.json()["code"], response.json()["parent"], response.json()["phone"]) == ("H29.01", "H29", "")

    for code in ("KHONG-CO", "H29.02"):
        response = client.get(f"{BASE}/{code}")
        assert response.status_code == 404
        assert response.json() == {"error": {"code": "not_found", "message": "Không tìm thấy", "fields": {}}}


# --- memberships: permission matrix ------------------------------------------------------------------


@pytest.mark.parametrize("name", EVERYONE)
def test_list_memberships_matrix(client, name, login_as):
    login_as(name)
    response = client.get(f"{BASE}/H29.01/memberships")
    expected = _expected_status(name, CAN_VIEW_A)
    if expected is None:
        assert response.status_code == 200
        assert [(m["username"], m["role"], m["agency"]) for m in response.json()] == [
            ("admin_a", "agency_admin", "H29.01"),
            ("desk_officer_a", "desk_officer", "H29.01"),
            ("leader_a", "leader", "H29.01"),
            ("specialist_a", "specialist", "H29.01"),
        ]
        assert response.json()[2]["role_label"] == "Lãnh đạo"
    else:
        assert response.status_code == expected
        assert response.json()["error"]["code"] == {401: "unauthenticated", 403: "forbidden"}[expected]


@pytest.mark.parametrize("name", EVERYONE)
def test_add_membership_matrix(client, name, login_as):
    login_as(name)
    before = memberships()
    response = client.post(
        f"{BASE}/H29.01/memberships", {"username": "newcomer", "role": "leader"}, content_type="application/json"
    )
    expected = _expected_status(name, CAN_MANAGE_A)
    if expected is None:
        assert response.status_code == 201
        assert (response.json()["username"], response.json()["role"], response.json()["full_name"]) == (
            "newcomer",
            "leader",
            "Lê Văn Mới",
        )
        assert memberships() == sorted([*before, ("newcomer", "H29.01", "leader")])
    else:
        assert response.status_code == expected
        assert memberships() == before


@pytest.mark.parametrize("name", EVERYONE)
def test_delete_membership_matrix(client, cast, name, login_as):
    login_as(name)
    membership = Membership.objects.get(user=cast.specialist_a)
    before = memberships()
    response = client.delete(f"{BASE}/H29.01/memberships/{membership.pk}")
    expected = _expected_status(name, CAN_MANAGE_A)
    if expected is None:
        assert response.status_code == 204
        assert Membership.objects.filter(pk=membership.pk).exists() is False
        assert AuditEntry.objects.filter(action="agencies.membership_revoke").count() == 1
    else:
        assert response.status_code == expected
        assert memberships() == before


def test_agency_admin_cannot_grant_or_revoke_agency_admin_role(client, login_staff, cast):
    login_staff(client, cast.admin_a)
    before = memberships()

    response = client.post(
        f"{BASE}/H29.01/memberships",
        {"username": "newcomer", "role": "agency_admin"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"

    admin_membership = Membership.objects.get(user=cast.admin_a)
    assert client.delete(f"{BASE}/H29.01/memberships/{admin_membership.pk}").status_code == 403
    assert memberships() == before


@pytest.mark.parametrize(
    ("payload", "code", "field"),
    [
        ({"username": "khong_co", "role": "leader"}, "unknown_user", "username"),
        ({"username": "newcomer", "role": "mayor"}, "invalid", "role"),
        ({"username": "", "role": "leader"}, "invalid", "username"),
        ({"role": "leader"}, "invalid", "username"),
        ({"username": "x" * 151, "role": "leader"}, "invalid", "username"),
    ],
)
def test_add_membership_bad_input(client, login_staff, cast, payload, code, field):
    login_staff(client, cast.admin_a)
    before = memberships()
    response = client.post(f"{BASE}/H29.01/memberships", payload, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == code
    assert field in response.json()["error"]["fields"]
    assert memberships() == before


def test_add_membership_for_a_citizen_is_unknown_user(client, login_staff, cast):
    login_staff(client, cast.platform_admin)
    response = client.post(
        f"{BASE}/H29.01/memberships",
        {"username": cast.citizen.username, "role": "leader"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["error"] == {
        "code": "unknown_user",
        "message": "Không tìm thấy tài khoản cán bộ đang hoạt động với tên đăng nhập này.",
        "fields": {"username": ["Không tìm thấy tài khoản cán bộ đang hoạt động với tên đăng nhập này."]},
    }


def test_add_membership_is_idempotent(client, login_staff, cast):
    login_staff(client, cast.admin_a)
    url = f"{BASE}/H29.01/memberships"
    first = client.post(url, {"username": "newcomer", "role": "leader"}, content_type="application/json")
    second = client.post(url, {"username": "newcomer", "role": "leader"}, content_type="application/json")
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["id"] == second.json()["id"]
    assert Membership.objects.filter(user=cast.newcomer).count() == 1


def test_unknown_agency_or_membership_is_404(client, login_staff, cast):
    login_staff(client, cast.admin_a)
    other = Membership.objects.get(user=cast.admin_b)
    before = memberships()
    assert client.get(f"{BASE}/KHONG-CO/memberships").status_code == 404
    assert client.delete(f"{BASE}/H29.01/memberships/{other.pk}").status_code == 404
    assert client.delete(f"{BASE}/H29.01/memberships/999999").status_code == 404
    assert client.delete(f"{BASE}/H29.01/memberships/{2**70}").status_code == 422
    assert client.delete(f"{BASE}/H29.01/memberships/abc").status_code == 422
    assert memberships() == before


def test_bearer_token_works_and_staff_session_without_otp_does_not(client, cast):
    _, key = api_token_create(user=cast.admin_a, name="thử nghiệm")
    response = client.get(f"{BASE}/H29.01/memberships", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200

    client.force_login(cast.admin_a)
    assert client.get(f"{BASE}/H29.01/memberships").status_code == 401


def test_session_writes_need_csrf(cast, login_staff):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    login_staff(csrf_client, cast.admin_a)
    before = memberships()
    response = csrf_client.post(
        f"{BASE}/H29.01/memberships", {"username": "newcomer", "role": "leader"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "csrf_failed"
    assert memberships() == before


def test_nul_in_a_code_or_username_is_refused_never_500(client, login_staff, cast):
    login_staff(client, cast.admin_a)
    before = memberships()

    assert client.get(f"{BASE}/H29.01%00").status_code == 400
    assert client.get(f"{BASE}/H29.01%00/memberships").status_code == 400
    response = client.post(
        f"{BASE}/H29.01/memberships", {"username": "newcomer\x00", "role": "leader"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "null_characters_not_allowed"
    assert memberships() == before
