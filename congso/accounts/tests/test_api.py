"""The accounts API: registration, API keys, lockout and the caller's own profile."""

import datetime

import pytest
from django.conf import settings
from django.test import Client

from congso.accounts import services
from congso.accounts.models import ApiToken, User
from congso.accounts.tests.conftest import totp_code
from congso.accounts.tests.factories import PASSWORD, CitizenFactory
from congso.geo.models import AdministrativeUnit
from congso.geo.tests.factories import CommuneFactory

pytestmark = pytest.mark.django_db

BASE = "/api/v1/accounts"
CITIZEN = {
    "personal_id": "079090001234",
    "full_name": "Nguyễn Văn An",
    "date_of_birth": "1990-03-02",
    "phone": "0912345678",
    "email": "an@example.vn",
    "password": "Mat-khau-an-toan-2026",
    "consent": True,
}
BUSINESS = {
    "tax_code": "0301234567-001",
    "business_name": "Công ty TNHH Bến Thành",
    "full_name": "Trần Thị Bình",
    "phone": "02838296052",
    "email": "lienhe@benthanh.vn",
    "password": "Mat-khau-an-toan-2026",
    "consent": True,
}


def _post(client, path, data, **headers):
    return client.post(f"{BASE}{path}", data, content_type="application/json", headers=headers)


def _bearer(key):
    return {"Authorization": f"Bearer {key}"}


class TestRegister:
    def test_citizen(self, client):
        response = _post(client, "/register", CITIZEN)

        assert response.status_code == 201
        body = response.json()
        assert body["kind"] == "citizen"
        assert body["username"] == body["personal_id"] == "079090001234"
        assert body["date_of_birth"] == "1990-03-02"
        assert "password" not in body
        assert User.objects.get().check_password(CITIZEN["password"])

    @pytest.mark.parametrize(
        ("changes", "code", "field", "message"),
        [
            (
                {"personal_id": "0790"},
                "personal_id_format",
                "personal_id",
                "Số định danh cá nhân phải gồm đúng 12 chữ số.",
            ),
            (
                {"personal_id": "003090001234"},
                "personal_id_province",
                "personal_id",
                "Mã tỉnh nơi đăng ký khai sinh “003” (3 chữ số đầu) không hợp lệ.",
            ),
            (
                {"date_of_birth": "1991-03-02"},
                "personal_id_birth_mismatch",
                "date_of_birth",
                "Năm sinh 1991 không khớp với số định danh cá nhân (mã năm sinh 1990).",
            ),
            (
                {"date_of_birth": "hôm qua"},
                "date_format",
                "date_of_birth",
                "Ngày sinh không hợp lệ (ví dụ 1990-12-31).",
            ),
            ({"consent": False}, "consent_required", "consent", "Cần có sự đồng ý của bạn để mở tài khoản."),
        ],
    )
    def test_bad_citizen_input_is_a_structured_422(self, client, changes, code, field, message):
        response = _post(client, "/register", {**CITIZEN, **changes})

        assert response.status_code == 422
        error = response.json()["error"]
        assert error["code"] == code
        assert error["message"] == "Dữ liệu không hợp lệ"
        assert error["fields"][field] == [message]
        assert User.objects.count() == 0

    @pytest.mark.parametrize(
        "body",
        [{}, {"personal_id": 79090001234}, {**CITIZEN, "consent": "có"}, {**CITIZEN, "password": None}, []],
    )
    def test_malformed_bodies_are_422_not_500(self, client, body):
        response = _post(client, "/register", body)

        assert response.status_code == 422
        assert response.json()["error"]["code"] == "invalid"
        assert User.objects.count() == 0

    def test_not_json_at_all(self, client):
        response = client.post(f"{BASE}/register", "{khong phai json", content_type="application/json")

        assert response.status_code in (400, 422)
        assert User.objects.count() == 0

    def test_duplicate_citizen(self, client):
        _post(client, "/register", CITIZEN)

        response = _post(client, "/register", {**CITIZEN, "email": "khac@example.vn"})

        assert response.status_code == 422
        assert response.json()["error"] == {
            "code": "duplicate",
            "message": "Dữ liệu không hợp lệ",
            "fields": {"personal_id": ["Số định danh cá nhân này đã có tài khoản. Vui lòng đăng nhập."]},
        }
        assert User.objects.count() == 1

    def test_business(self, client):
        response = _post(client, "/register-business", BUSINESS)

        assert response.status_code == 201
        assert response.json()["tax_code"] == "0301234567001"

    def test_bad_tax_code(self, client):
        response = _post(client, "/register-business", {**BUSINESS, "tax_code": "12345"})

        assert response.status_code == 422
        assert response.json()["error"]["code"] == "tax_code_format"
        assert User.objects.count() == 0


class TestTokens:
    def test_citizen_exchanges_password_for_a_key_that_works(self, client, citizen):
        response = _post(
            client, "/tokens", {"username": citizen.personal_id, "password": PASSWORD, "name": "Điện thoại"}
        )

        assert response.status_code == 201
        body = response.json()
        assert body["token_type"] == "Bearer"
        assert body["token"].startswith(body["prefix"])
        assert body["expires_at"] is not None
        me = client.get(f"{BASE}/me", headers=_bearer(body["token"]))
        assert me.status_code == 200
        assert me.json()["personal_id"] == citizen.personal_id

    def test_wrong_password_is_401(self, client, citizen):
        response = _post(client, "/tokens", {"username": citizen.personal_id, "password": "sai"})

        assert response.status_code == 401
        assert response.json()["error"]["code"] == "invalid_credentials"
        assert ApiToken.objects.count() == 0

    def test_lockout_applies_to_the_api(self, client, citizen):
        statuses = [
            _post(client, "/tokens", {"username": citizen.personal_id, "password": "sai"}).status_code
            for _ in range(settings.AXES_FAILURE_LIMIT)
        ]

        response = _post(client, "/tokens", {"username": citizen.personal_id, "password": PASSWORD})

        assert statuses == [401] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
        assert response.status_code == 429
        error = response.json()["error"]
        assert error["code"] == "locked_out"
        assert error["message"].startswith("Tài khoản tạm khóa do đăng nhập sai nhiều lần.")
        assert ApiToken.objects.count() == 0

    def test_staff_need_a_valid_otp(self, client, staff):
        device = services.staff_totp_device_ensure(user=staff)
        credentials = {"username": staff.username, "password": PASSWORD}

        missing = _post(client, "/tokens", credentials)
        wrong = _post(client, "/tokens", {**credentials, "otp": totp_code(device, offset_steps=20)})
        device.refresh_from_db()
        device.throttling_failure_count = 0
        device.throttling_failure_timestamp = None
        device.save()
        right = _post(client, "/tokens", {**credentials, "otp": totp_code(device)})

        assert (missing.status_code, missing.json()["error"]["code"]) == (401, "otp_required")
        assert (wrong.status_code, wrong.json()["error"]["code"]) == (401, "otp_invalid")
        assert right.status_code == 201
        assert ApiToken.objects.filter(user=staff).count() == 1

    def test_staff_without_a_device_must_set_it_up_on_the_web(self, client, staff):
        response = _post(client, "/tokens", {"username": staff.username, "password": PASSWORD, "otp": "123456"})

        assert response.status_code == 403
        assert response.json()["error"]["code"] == "otp_setup_required"

    @pytest.mark.parametrize("days", [0, 366, -1])
    def test_expiry_out_of_range(self, client, citizen, days):
        response = _post(
            client, "/tokens", {"username": citizen.personal_id, "password": PASSWORD, "expires_in_days": days}
        )

        assert response.status_code == 422
        assert ApiToken.objects.count() == 0

    def test_list_and_revoke(self, client, citizen):
        token, key = services.api_token_create(user=citizen, name="Một")
        other, _ = services.api_token_create(user=CitizenFactory(), name="Người khác")

        listed = client.get(f"{BASE}/tokens", headers=_bearer(key))
        foreign = client.delete(f"{BASE}/tokens/{other.pk}", headers=_bearer(key))
        revoked = client.delete(f"{BASE}/tokens/{token.pk}", headers=_bearer(key))
        after = client.get(f"{BASE}/me", headers=_bearer(key))

        assert [t["name"] for t in listed.json()] == ["Một"]
        assert "token" not in listed.json()[0]
        assert foreign.status_code == 404
        assert ApiToken.objects.get(pk=other.pk).revoked_at is None
        assert revoked.status_code == 204
        assert after.status_code == 401


class TestMe:
    def test_anonymous_is_401(self, client):
        response = client.get(f"{BASE}/me")

        assert response.status_code == 401
        assert response.json()["error"]["code"] == "unauthenticated"

    @pytest.mark.parametrize("header", ["Bearer", "Bearer cs_sai", "Basic abc", "Bearer " + "x" * 500])
    def test_bad_bearer_is_401(self, client, header):
        assert client.get(f"{BASE}/me", headers={"Authorization": header}).status_code == 401

    def test_session_works_for_reads(self, client, citizen):
        client.force_login(citizen)

        assert client.get(f"{BASE}/me").json()["id"] == citizen.pk

    def test_session_writes_need_csrf(self, citizen):
        client = Client(enforce_csrf_checks=True)
        client.force_login(citizen)

        response = client.patch(f"{BASE}/me", {"full_name": "Tên mới"}, content_type="application/json")

        assert response.status_code == 403
        assert response.json()["error"]["code"] == "csrf_failed"
        citizen.refresh_from_db()
        assert citizen.full_name != "Tên mới"

    def test_unverified_staff_session_is_not_enough(self, client, staff):
        client.force_login(staff)

        assert client.get(f"{BASE}/me").status_code == 401

    def test_patch_updates_only_given_fields(self, client, citizen):
        ward = AdministrativeUnit.objects.create(
            code="26734",
            level=AdministrativeUnit.Level.COMMUNE,
            division_type=AdministrativeUnit.DivisionType.WARD,
            name="Phường Bến Thành",
            name_search="phuong ben thanh",
            codename="phuong_ben_thanh",
            valid_from=datetime.date(2025, 7, 1),
        )
        _, key = services.api_token_create(user=citizen, name="App")
        old_email = citizen.email

        response = client.patch(
            f"{BASE}/me",
            {"phone": "+84 987 654 321", "ward_code": "26734"},
            content_type="application/json",
            headers=_bearer(key),
        )

        assert response.status_code == 200
        body = response.json()
        assert (body["phone"], body["ward_code"], body["ward_name"], body["email"]) == (
            "0987654321",
            "26734",
            "Phường Bến Thành",
            old_email,
        )
        citizen.refresh_from_db()
        assert citizen.ward == ward

    @pytest.mark.parametrize(
        ("body", "code"),
        [
            ({"phone": "12"}, "phone_format"),
            ({"ward_code": "00000"}, "invalid_ward"),
            ({"business_name": "Không phải doanh nghiệp"}, "field_not_editable"),
            ({"full_name": None}, "required"),
            ({"email": "khong-hop-le"}, "email_format"),
        ],
    )
    def test_patch_bad_input_changes_nothing(self, client, citizen, body, code):
        _, key = services.api_token_create(user=citizen, name="App")
        before = User.objects.values().get(pk=citizen.pk)

        response = client.patch(f"{BASE}/me", body, content_type="application/json", headers=_bearer(key))

        assert response.status_code == 422
        assert response.json()["error"]["code"] == code
        assert User.objects.values().get(pk=citizen.pk) == before


def test_bearer_scheme_is_in_the_openapi_schema(client):
    schemes = client.get("/api/v1/openapi.json").json()["components"]["securitySchemes"]

    assert schemes["ApiTokenAuth"]["type"] == "http"
    assert schemes["ApiTokenAuth"]["scheme"] == "bearer"
    assert "Authorization: Bearer" in schemes["ApiTokenAuth"]["description"]


class TestNulCharacters:
    """PostgreSQL stores no NUL character: a request holding one is refused whole (400), nothing changes."""

    def test_registration_with_a_nul_in_the_name_is_refused(self, client):
        response = _post(client, "/register", {**CITIZEN, "full_name": "Nguyễn\x00Văn An"})

        assert response.status_code == 400
        assert response.json()["error"]["code"] == "null_characters_not_allowed"
        assert not User.objects.exists()

    def test_business_registration_with_a_nul_in_the_business_name_is_refused(self, client):
        response = _post(client, "/register-business", {**BUSINESS, "business_name": "Công ty\x00"})

        assert response.status_code == 400
        assert response.json()["error"]["code"] == "null_characters_not_allowed"
        assert not User.objects.exists()

    def test_profile_address_with_a_nul_is_refused(self, client):
        citizen = CitizenFactory(address="1 Lê Lợi")
        _token, key = services.api_token_create(user=citizen, name="Điện thoại")

        response = client.patch(
            f"{BASE}/me", {"address": "2 Lê\x00Lợi"}, content_type="application/json", headers=_bearer(key)
        )

        assert response.status_code == 400
        assert response.json()["error"]["code"] == "null_characters_not_allowed"
        citizen.refresh_from_db()
        assert citizen.address == "1 Lê Lợi"

    def test_token_for_a_login_with_a_nul_is_refused(self, client):
        response = _post(client, "/tokens", {"username": "canbo\x00", "password": PASSWORD})

        assert response.status_code == 400
        assert response.json()["error"]["code"] == "null_characters_not_allowed"
        assert not ApiToken.objects.exists()

    def test_token_for_a_login_longer_than_any_username_is_refused(self, client):
        response = _post(client, "/tokens", {"username": "a" * 151, "password": PASSWORD})

        assert response.status_code == 422
        assert list(response.json()["error"]["fields"]) == ["username"]

    def test_token_with_a_nul_in_its_name_is_refused(self, client, citizen):
        response = _post(client, "/tokens", {"username": citizen.username, "password": PASSWORD, "name": "A\x00"})

        assert response.status_code == 400
        assert response.json()["error"]["code"] == "null_characters_not_allowed"
        assert not ApiToken.objects.exists()


def test_profile_ward_code_with_a_nul_is_refused_and_the_ward_kept(client):
    ward = CommuneFactory()
    citizen = CitizenFactory(ward=ward)
    _token, key = services.api_token_create(user=citizen, name="Điện thoại")

    response = client.patch(
        f"{BASE}/me", {"ward_code": f"{ward.code}\x00"}, content_type="application/json", headers=_bearer(key)
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "null_characters_not_allowed"
    citizen.refresh_from_db()
    assert citizen.ward == ward
