"""Registration, profile, password, staff accounts, TOTP devices and API keys, through the services."""

import datetime
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from congso.accounts import services
from congso.accounts.models import ApiToken, User
from congso.accounts.tests.conftest import totp_code
from congso.accounts.tests.factories import PASSWORD, CitizenFactory
from congso.core.models import AuditEntry
from congso.geo.models import AdministrativeUnit

pytestmark = pytest.mark.django_db

CITIZEN = {
    "personal_id": "079 090 001 234",
    "full_name": "  Nguyễn Văn An ",
    "date_of_birth": datetime.date(1990, 3, 2),
    "phone": "+84 912 345 678",
    "email": "an@example.vn",
    "password": "Mat-khau-an-toan-2026",
}
BUSINESS = {
    "tax_code": "0301234567-001",
    "business_name": "Công ty TNHH Bến Thành",
    "full_name": "Trần Thị Bình",
    "phone": "028 3829 6052",
    "email": "lienhe@benthanh.vn",
    "password": "Mat-khau-an-toan-2026",
}


def _fields(error: ValidationError) -> dict[str, list[str]]:
    return {name: [str(m) for e in errors for m in e.messages] for name, errors in error.error_dict.items()}


class TestCitizenRegister:
    def test_creates_a_citizen_who_logs_in_with_the_personal_id(self):
        user = services.citizen_register(**CITIZEN, consent=True)

        user.refresh_from_db()
        assert user.username == "079090001234"
        assert user.personal_id == "079090001234"
        assert user.kind == User.Kind.CITIZEN
        assert user.full_name == "Nguyễn Văn An"
        assert user.phone == "0912345678"
        assert user.check_password(CITIZEN["password"])
        assert not user.is_staff
        entry = AuditEntry.objects.get(action="accounts.citizen_register")
        assert entry.object_id == str(user.pk)
        assert entry.data == {"consent": True}

    def test_duplicate_personal_id_is_refused_and_nothing_changes(self, citizen):
        before = User.objects.count()

        with pytest.raises(ValidationError) as info:
            services.citizen_register(
                **{**CITIZEN, "personal_id": citizen.personal_id, "date_of_birth": citizen.date_of_birth}
            )

        assert info.value.code == "duplicate"
        assert _fields(info.value) == {"personal_id": ["Số định danh cá nhân này đã có tài khoản. Vui lòng đăng nhập."]}
        assert User.objects.count() == before
        assert not AuditEntry.objects.filter(action="accounts.citizen_register").exists()

    def test_every_bad_field_is_reported_at_once(self):
        with pytest.raises(ValidationError) as info:
            services.citizen_register(
                personal_id="079090",
                full_name=" ",
                date_of_birth=None,
                phone="12345",
                email="khong-phai-email",
                password="123",
            )

        fields = _fields(info.value)
        assert info.value.code == "personal_id_format"
        assert fields["personal_id"] == ["Số định danh cá nhân phải gồm đúng 12 chữ số."]
        assert fields["full_name"] == ["Vui lòng nhập họ và tên."]
        assert fields["date_of_birth"] == ["Vui lòng nhập ngày sinh."]
        assert fields["phone"] == [
            "Số điện thoại không hợp lệ: cần 10 hoặc 11 chữ số, bắt đầu bằng 0 (ví dụ 0912345678)."
        ]
        assert fields["email"] == ["Địa chỉ thư điện tử không hợp lệ."]
        assert len(fields["password"]) >= 1
        assert User.objects.count() == 0

    def test_birth_date_must_match_the_personal_id(self):
        with pytest.raises(ValidationError) as info:
            services.citizen_register(**{**CITIZEN, "date_of_birth": datetime.date(1991, 3, 2)})

        assert info.value.code == "personal_id_birth_mismatch"
        assert User.objects.count() == 0

    def test_birth_date_in_the_future_is_refused(self):
        with pytest.raises(ValidationError) as info:
            services.citizen_register(**{**CITIZEN, "date_of_birth": timezone.localdate() + timedelta(days=1)})

        assert _fields(info.value) == {"date_of_birth": ["Ngày sinh không thể ở tương lai."]}

    def test_email_is_optional(self):
        user = services.citizen_register(**{**CITIZEN, "email": ""})

        assert user.email == ""


class TestBusinessRegister:
    def test_creates_a_business_with_the_normalised_tax_code(self):
        user = services.business_register(**BUSINESS, consent=True)

        user.refresh_from_db()
        assert user.username == "0301234567001"
        assert user.tax_code == "0301234567001"
        assert user.personal_id is None
        assert user.kind == User.Kind.BUSINESS
        assert user.display_name == "Công ty TNHH Bến Thành"
        assert AuditEntry.objects.filter(action="accounts.business_register", object_id=str(user.pk)).count() == 1

    def test_the_same_tax_code_written_differently_is_a_duplicate(self):
        services.business_register(**BUSINESS)

        with pytest.raises(ValidationError) as info:
            services.business_register(**{**BUSINESS, "tax_code": "0301234567001", "email": "khac@example.vn"})

        assert info.value.code == "duplicate"
        assert User.objects.count() == 1

    def test_invalid_tax_code_and_missing_email(self):
        with pytest.raises(ValidationError) as info:
            services.business_register(**{**BUSINESS, "tax_code": "03012", "email": ""})

        fields = _fields(info.value)
        assert fields["tax_code"] == [
            "Mã số thuế phải gồm 10 chữ số, hoặc 13 chữ số đối với đơn vị phụ thuộc (ví dụ 0123456789-001)."
        ]
        assert fields["email"] == ["Vui lòng nhập địa chỉ thư điện tử."]
        assert User.objects.count() == 0


class TestProfileUpdate:
    def test_updates_contact_details_and_audits_the_changed_fields(self, citizen):
        ward = AdministrativeUnit.objects.create(
            code="26734",
            level=AdministrativeUnit.Level.COMMUNE,
            division_type=AdministrativeUnit.DivisionType.WARD,
            name="Phường Bến Thành",
            name_search="phuong ben thanh",
            codename="phuong_ben_thanh",
            valid_from=datetime.date(2025, 7, 1),
        )

        services.profile_update(
            user=citizen, phone="0987 654 321", address=" 1 Lê Lợi ", ward=ward, email=citizen.email
        )

        citizen.refresh_from_db()
        assert citizen.phone == "0987654321"
        assert citizen.address == "1 Lê Lợi"
        assert citizen.ward == ward
        entry = AuditEntry.objects.get(action="accounts.profile_update")
        assert entry.data == {"fields": ["address", "phone", "ward"]}

    def test_identity_fields_cannot_be_changed(self, citizen):
        with pytest.raises(ValidationError) as info:
            services.profile_update(user=citizen, personal_id="079090009999", business_name="X")

        assert info.value.code == "field_not_editable"
        citizen.refresh_from_db()
        assert citizen.personal_id.startswith("0790900")
        assert not AuditEntry.objects.exists()

    def test_bad_phone_changes_nothing(self, citizen):
        old_phone = citizen.phone

        with pytest.raises(ValidationError) as info:
            services.profile_update(user=citizen, phone="abc", full_name="Tên Mới")

        assert info.value.code == "phone_format"
        citizen.refresh_from_db()
        assert citizen.phone == old_phone
        assert citizen.full_name != "Tên Mới"

    def test_no_change_writes_no_audit_entry(self, citizen):
        services.profile_update(user=citizen, full_name=citizen.full_name)

        assert not AuditEntry.objects.exists()


class TestPasswordChange:
    def test_changes_the_password(self, citizen):
        services.password_change(user=citizen, old_password=PASSWORD, new_password="Mot-mat-khau-moi-2026")

        citizen.refresh_from_db()
        assert citizen.check_password("Mot-mat-khau-moi-2026")
        assert AuditEntry.objects.filter(action="accounts.password_change").count() == 1

    def test_wrong_current_password_is_refused(self, citizen):
        with pytest.raises(ValidationError) as info:
            services.password_change(user=citizen, old_password="sai", new_password="Mot-mat-khau-moi-2026")

        assert info.value.code == "wrong_password"
        citizen.refresh_from_db()
        assert citizen.check_password(PASSWORD)

    def test_weak_new_password_is_refused(self, citizen):
        with pytest.raises(ValidationError) as info:
            services.password_change(user=citizen, old_password=PASSWORD, new_password="12345678")

        assert "new_password" in info.value.error_dict
        citizen.refresh_from_db()
        assert citizen.check_password(PASSWORD)


class TestStaffCreate:
    def test_creates_then_updates_by_username_keeping_the_password(self):
        created = services.staff_create(
            username="canbo.benthanh", full_name="Lê Văn Cường", email="cuong@tphcm.gov.vn", password="Mk-can-bo-2026"
        )
        updated = services.staff_create(
            username="canbo.benthanh", full_name="Lê Văn Cường (Tổ một cửa)", email="cuong2@tphcm.gov.vn", password=""
        )

        assert updated.pk == created.pk
        updated.refresh_from_db()
        assert updated.kind == User.Kind.STAFF
        assert updated.full_name == "Lê Văn Cường (Tổ một cửa)"
        assert updated.email == "cuong2@tphcm.gov.vn"
        assert updated.check_password("Mk-can-bo-2026")
        assert list(AuditEntry.objects.order_by("id").values_list("action", flat=True)) == [
            "accounts.staff_create",
            "accounts.staff_update",
        ]

    def test_repeating_the_same_account_writes_nothing(self):
        services.staff_create(username="canbo.q1", full_name="Lê Văn Cường", email="cuong@tphcm.gov.vn", password="")

        services.staff_create(username="canbo.q1", full_name="Lê Văn Cường", email="cuong@tphcm.gov.vn", password="")

        assert list(AuditEntry.objects.values_list("action", flat=True)) == ["accounts.staff_create"]

    def test_new_staff_without_password_cannot_log_in(self):
        user = services.staff_create(username="canbo.moi", full_name="Cán Bộ Mới", email="", password="")

        assert not user.has_usable_password()

    def test_all_digit_usernames_are_reserved(self):
        with pytest.raises(ValidationError) as info:
            services.staff_create(username="079090001234", full_name="A", email="", password="x")

        assert info.value.code == "username_digits"
        assert User.objects.count() == 0

    def test_a_citizen_account_is_never_turned_into_staff(self):
        CitizenFactory(username="nguoidan", personal_id="079090001111")

        with pytest.raises(ValidationError) as info:
            services.staff_create(username="nguoidan", full_name="A", email="", password="x")

        assert info.value.code == "kind"
        assert User.objects.get(username="nguoidan").kind == User.Kind.CITIZEN


class TestTotpDevices:
    def test_ensure_is_idempotent_and_can_set_the_key(self, staff):
        first = services.staff_totp_device_ensure(user=staff)
        again = services.staff_totp_device_ensure(user=staff)
        keyed = services.staff_totp_device_ensure(user=staff, key_hex="AB" * 20)

        assert first.pk == again.pk == keyed.pk
        assert TOTPDevice.objects.filter(user=staff).count() == 1
        keyed.refresh_from_db()
        assert keyed.confirmed is True
        assert keyed.key == "ab" * 20

    def test_ensuring_the_same_key_again_writes_nothing(self, staff):
        services.staff_totp_device_ensure(user=staff, key_hex="ab" * 20)

        services.staff_totp_device_ensure(user=staff, key_hex="AB" * 20)

        assert AuditEntry.objects.filter(action="accounts.totp_device_ensure").count() == 1

    def test_confirm_with_a_valid_code(self, staff):
        device = services.staff_totp_device_start(user=staff)
        assert services.staff_totp_device_start(user=staff).pk == device.pk

        confirmed = services.staff_totp_device_confirm(user=staff, device=device, token=totp_code(device))

        assert confirmed.confirmed is True
        assert AuditEntry.objects.filter(action="accounts.totp_device_confirm").count() == 1

    def test_confirm_with_a_wrong_code_leaves_the_device_unconfirmed(self, staff):
        device = services.staff_totp_device_start(user=staff)
        wrong = totp_code(device, offset_steps=10)

        with pytest.raises(ValidationError) as info:
            services.staff_totp_device_confirm(user=staff, device=device, token=wrong)

        assert info.value.code == "otp_invalid"
        device.refresh_from_db()
        assert device.confirmed is False

    def test_someone_elses_device_cannot_be_confirmed(self, staff):
        other = services.staff_totp_device_start(user=CitizenFactory())

        with pytest.raises(PermissionDenied):
            services.staff_totp_device_confirm(user=staff, device=other, token=totp_code(other))

    def test_verify_accepts_a_code_once(self, staff):
        device = services.staff_totp_device_ensure(user=staff)
        code = totp_code(device)

        assert services.staff_otp_verify(user=staff, token=code).pk == device.pk
        with pytest.raises(ValidationError):
            services.staff_otp_verify(user=staff, token=code)

    @pytest.mark.parametrize("token", ["", "abcdef", "12 34", "9" * 10])
    def test_verify_refuses_garbage(self, staff, token):
        services.staff_totp_device_ensure(user=staff)

        with pytest.raises(ValidationError) as info:
            services.staff_otp_verify(user=staff, token=token)
        assert info.value.code == "otp_invalid"


class TestApiTokens:
    def test_only_a_hash_is_stored_and_the_key_authenticates(self, citizen):
        token, key = services.api_token_create(user=citizen, name="Điện thoại")

        assert key.startswith("cs_")
        assert token.prefix == key[:11]
        assert key not in token.key_hash
        assert ApiToken.objects.filter(key_hash=key).count() == 0
        assert services.api_token_authenticate(key=key) == citizen
        token.refresh_from_db()
        assert token.last_used_at is not None

    def test_revoked_expired_and_unknown_keys_do_not_authenticate(self, citizen):
        revoked, revoked_key = services.api_token_create(user=citizen, name="Cũ")
        services.api_token_revoke(actor=citizen, token=revoked)
        expiring, expiring_key = services.api_token_create(
            user=citizen, name="Ngắn hạn", expires_at=timezone.now() + timedelta(seconds=1)
        )
        ApiToken.objects.filter(pk=expiring.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

        assert services.api_token_authenticate(key=revoked_key) is None
        assert services.api_token_authenticate(key=expiring_key) is None
        assert services.api_token_authenticate(key="cs_khong-ton-tai") is None
        assert services.api_token_authenticate(key="") is None

    def test_inactive_users_keys_do_not_authenticate(self, citizen):
        _, key = services.api_token_create(user=citizen, name="Điện thoại")
        User.objects.filter(pk=citizen.pk).update(is_active=False)

        assert services.api_token_authenticate(key=key) is None

    def test_only_the_owner_may_revoke(self, citizen):
        token, key = services.api_token_create(user=citizen, name="Điện thoại")

        with pytest.raises(PermissionDenied):
            services.api_token_revoke(actor=CitizenFactory(), token=token)

        token.refresh_from_db()
        assert token.revoked_at is None
        assert services.api_token_authenticate(key=key) == citizen

    def test_past_expiry_and_empty_name_are_refused(self, citizen):
        with pytest.raises(ValidationError) as info:
            services.api_token_create(user=citizen, name=" ", expires_at=timezone.now() - timedelta(days=1))

        assert set(info.value.error_dict) == {"name", "expires_at"}
        assert ApiToken.objects.count() == 0

    def test_at_most_twenty_active_keys(self, citizen):
        for number in range(services.API_TOKENS_PER_USER):
            services.api_token_create(user=citizen, name=f"Khóa {number}")

        with pytest.raises(ValidationError) as info:
            services.api_token_create(user=citizen, name="Một khóa nữa")

        assert info.value.code == "too_many_tokens"
        assert ApiToken.objects.filter(user=citizen).count() == services.API_TOKENS_PER_USER
