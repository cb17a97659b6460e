"""The account pages through the Django test client: login, lockout, registration, profile, staff second factor."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from congso.accounts import services
from congso.accounts.decorators import staff_required
from congso.accounts.models import ApiToken, User
from congso.accounts.tests.conftest import totp_code
from congso.accounts.tests.factories import PASSWORD, BusinessFactory, CitizenFactory, StaffFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")


def _login(client, username, password=PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password, **extra})


def _logged_in_user_id(client):
    return client.session.get("_auth_user_id")


class TestLogin:
    def test_page_has_one_labelled_identifier_field(self, client):
        response = client.get(LOGIN)

        html = response.content.decode()
        assert response.status_code == 200
        assert "Số định danh cá nhân / mã số thuế / tên đăng nhập" in html
        assert '<label for="id_username">' in html
        assert '<label for="id_password">' in html

    def test_citizen_logs_in_with_the_personal_id_typed_with_spaces(self, client, citizen):
        spaced = " ".join([citizen.personal_id[:3], citizen.personal_id[3:6], citizen.personal_id[6:]])

        response = _login(client, spaced)

        assert response.status_code == 302
        assert response.url == reverse("web:home")
        assert _logged_in_user_id(client) == str(citizen.pk)

    def test_business_logs_in_with_the_dashed_tax_code(self, client):
        business = BusinessFactory(tax_code="0301234567001", username="0301234567001")

        response = _login(client, "0301234567-001")

        assert response.status_code == 302
        assert _logged_in_user_id(client) == str(business.pk)

    def test_wrong_password_shows_a_vietnamese_error_summary(self, client, citizen):
        response = _login(client, citizen.personal_id, "sai-mat-khau")

        html = response.content.decode()
        assert response.status_code == 200
        assert 'class="error-summary" role="alert"' in html
        assert "Thông tin đăng nhập hoặc mật khẩu không đúng." in html
        assert _logged_in_user_id(client) is None

    def test_safe_next_is_followed_and_foreign_next_ignored(self, client, citizen):
        assert _login(client, citizen.personal_id, next="/accounts/profile/").url == "/accounts/profile/"
        client.logout()
        assert _login(client, citizen.personal_id, next="https://evil.example/").url == reverse("web:home")

    def test_empty_and_oversized_input_never_crashes(self, client):
        assert client.post(LOGIN, {}).status_code == 200
        assert client.post(LOGIN, {"username": "x" * 5000, "password": "y" * 5000}).status_code == 200

    def test_session_lasts_session_cookie_age_and_is_renewed(self, client, citizen):
        response = _login(client, citizen.personal_id)

        assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE
        assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == settings.SESSION_COOKIE_AGE
        again = client.get(reverse("accounts:profile"))
        assert again.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == settings.SESSION_COOKIE_AGE

    def test_an_expired_session_must_log_in_again(self, client, citizen):
        _login(client, citizen.personal_id)
        Session.objects.filter(session_key=client.session.session_key).update(
            expire_date=timezone.now() - timedelta(seconds=1)
        )

        response = client.get(reverse("accounts:profile"))

        assert response.status_code == 302
        assert response.url == f"{LOGIN}?next=/accounts/profile/"


class TestLockout:
    def test_locked_after_the_failure_limit_even_with_the_right_password(self, client, citizen):
        limit = settings.AXES_FAILURE_LIMIT
        statuses = [_login(client, citizen.personal_id, "sai-mat-khau").status_code for _ in range(limit)]

        assert statuses == [200] * (limit - 1) + [429]
        response = _login(client, citizen.personal_id)
        html = response.content.decode()
        assert response.status_code == 429
        assert "Tài khoản tạm khóa do đăng nhập sai nhiều lần. Vui lòng thử lại sau 15 phút" in html
        assert response["Retry-After"] == str(15 * 60)
        assert _logged_in_user_id(client) is None
        citizen.refresh_from_db()
        assert citizen.last_login is None
        assert citizen.check_password(PASSWORD)

    def test_lockout_is_per_account(self, client, citizen):
        other = CitizenFactory()
        for _ in range(settings.AXES_FAILURE_LIMIT):
            _login(client, citizen.personal_id, "sai-mat-khau")

        response = _login(client, other.personal_id)

        assert response.status_code == 302
        assert _logged_in_user_id(client) == str(other.pk)

    def test_a_success_before_the_limit_resets_the_count(self, client, citizen):
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            _login(client, citizen.personal_id, "sai-mat-khau")
        _login(client, citizen.personal_id)
        client.post(reverse("accounts:logout"))

        statuses = [
            _login(client, citizen.personal_id, "sai").status_code for _ in range(settings.AXES_FAILURE_LIMIT - 1)
        ]

        assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1)


class TestLogout:
    def test_logout_only_by_post(self, client, citizen):
        client.force_login(citizen)

        assert client.get(reverse("accounts:logout")).status_code == 405
        assert _logged_in_user_id(client) == str(citizen.pk)
        response = client.post(reverse("accounts:logout"))
        assert response.status_code == 302
        assert _logged_in_user_id(client) is None


CITIZEN_FORM = {
    "personal_id": "079090001234",
    "full_name": "Nguyễn Văn An",
    "date_of_birth": "1990-03-02",
    "phone": "0912 345 678",
    "email": "",
    "password": "Mat-khau-an-toan-2026",
    "password_confirm": "Mat-khau-an-toan-2026",
    "consent": "on",
}


class TestRegister:
    url = reverse("accounts:register")

    def test_form_is_accessible(self, client):
        html = client.get(self.url).content.decode()

        for name in ("personal_id", "full_name", "date_of_birth", "phone", "email", "password", "consent"):
            assert f'for="id_{name}"' in html
        assert 'aria-describedby="id_personal_id_helptext"' in html

    def test_registers_and_logs_in(self, client):
        response = client.post(self.url, CITIZEN_FORM)

        assert response.status_code == 302
        assert response.url == reverse("accounts:profile")
        user = User.objects.get(personal_id="079090001234")
        assert user.phone == "0912345678"
        assert _logged_in_user_id(client) == str(user.pk)

    def test_accepts_the_vietnamese_date_format(self, client):
        response = client.post(self.url, {**CITIZEN_FORM, "date_of_birth": "02/03/1990"})

        assert response.status_code == 302
        assert User.objects.get().date_of_birth.isoformat() == "1990-03-02"

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"personal_id": "12345"}, "Số định danh cá nhân phải gồm đúng 12 chữ số."),
            ({"personal_id": "003090001234"}, "Mã tỉnh nơi đăng ký khai sinh “003” (3 chữ số đầu) không hợp lệ."),
            ({"date_of_birth": "1991-03-02"}, "Năm sinh 1991 không khớp với số định danh cá nhân (mã năm sinh 1990)."),
            ({"date_of_birth": "31/02/1990"}, "Ngày sinh không hợp lệ (ví dụ 31/12/1990)."),
            ({"phone": "12"}, "Số điện thoại không hợp lệ"),
            ({"password_confirm": "khac"}, "Hai mật khẩu không khớp."),
            ({"consent": ""}, "Cần có sự đồng ý của bạn để mở tài khoản."),
        ],
    )
    def test_bad_input_is_explained_and_nothing_is_created(self, client, changes, message):
        response = client.post(self.url, {**CITIZEN_FORM, **changes})

        html = response.content.decode()
        assert response.status_code == 200
        assert message in html
        assert 'class="error-summary" role="alert"' in html
        assert User.objects.count() == 0
        assert _logged_in_user_id(client) is None

    def test_duplicate_personal_id(self, client):
        CitizenFactory(personal_id="079090001234", username="079090001234")

        response = client.post(self.url, CITIZEN_FORM)

        assert response.status_code == 200
        assert "Số định danh cá nhân này đã có tài khoản. Vui lòng đăng nhập." in response.content.decode()
        assert User.objects.count() == 1

    def test_weak_password_is_refused(self, client):
        response = client.post(self.url, {**CITIZEN_FORM, "password": "12345678", "password_confirm": "12345678"})

        assert response.status_code == 200
        assert 'id="id_password_error"' in response.content.decode()
        assert User.objects.count() == 0

    def test_logged_in_users_go_to_their_profile(self, client, citizen):
        client.force_login(citizen)

        assert client.get(self.url).url == reverse("accounts:profile")


class TestRegisterBusiness:
    url = reverse("accounts:register_business")
    form = {
        "tax_code": "0301234567-001",
        "business_name": "Công ty TNHH Bến Thành",
        "full_name": "Trần Thị Bình",
        "phone": "028 3829 6052",
        "email": "lienhe@benthanh.vn",
        "password": "Mat-khau-an-toan-2026",
        "password_confirm": "Mat-khau-an-toan-2026",
        "consent": "on",
    }

    def test_registers_with_a_branch_tax_code(self, client):
        response = client.post(self.url, self.form)

        assert response.status_code == 302
        assert User.objects.get().username == "0301234567001"

    def test_invalid_tax_code(self, client):
        response = client.post(self.url, {**self.form, "tax_code": "0301-234"})

        assert response.status_code == 200
        assert "Mã số thuế phải gồm 10 chữ số" in response.content.decode()
        assert User.objects.count() == 0


class TestProfile:
    def test_requires_login(self, client):
        response = client.get(reverse("accounts:profile"))

        assert response.status_code == 302
        assert response.url.startswith(LOGIN)

    def test_shows_the_users_own_data_and_keys(self, client, citizen):
        services.api_token_create(user=citizen, name="Điện thoại của tôi")
        client.force_login(citizen)

        html = client.get(reverse("accounts:profile")).content.decode()

        assert citizen.personal_id in html
        assert citizen.full_name in html
        assert "17/05/1990" in html
        assert "Điện thoại của tôi" in html

    def test_empty_state_without_keys(self, client, citizen):
        client.force_login(citizen)

        html = client.get(reverse("accounts:profile")).content.decode()

        assert "Bạn chưa có khóa truy cập API nào." in html

    def test_edit(self, client, citizen):
        client.force_login(citizen)

        response = client.post(
            reverse("accounts:profile_edit"),
            {"full_name": "Nguyễn Thị Mới", "phone": "0987654321", "email": "", "address": "1 Lê Lợi", "ward": ""},
        )

        assert response.status_code == 302
        citizen.refresh_from_db()
        assert (citizen.full_name, citizen.phone, citizen.email, citizen.address) == (
            "Nguyễn Thị Mới",
            "0987654321",
            "",
            "1 Lê Lợi",
        )

    def test_edit_with_bad_input_changes_nothing(self, client, citizen):
        client.force_login(citizen)
        before = (citizen.full_name, citizen.phone)

        response = client.post(
            reverse("accounts:profile_edit"),
            {"full_name": "", "phone": "abc", "email": "x", "address": "", "ward": "999999"},
        )

        html = response.content.decode()
        assert response.status_code == 200
        assert "Vui lòng chọn một phường, xã trong danh sách." in html
        citizen.refresh_from_db()
        assert (citizen.full_name, citizen.phone) == before

    def test_business_edits_its_name_and_needs_an_email(self, client, business):
        client.force_login(business)
        data = {"full_name": "A", "business_name": "Tên mới", "phone": "0283829605", "email": "", "address": ""}

        assert client.post(reverse("accounts:profile_edit"), data).status_code == 200
        assert client.post(reverse("accounts:profile_edit"), {**data, "email": "a@b.vn"}).status_code == 302
        business.refresh_from_db()
        assert business.business_name == "Tên mới"


class TestPasswordChange:
    url = reverse("accounts:password_change")

    def test_changes_password_and_stays_logged_in(self, client, citizen):
        client.force_login(citizen)
        new = "Mot-mat-khau-moi-2026"

        response = client.post(self.url, {"old_password": PASSWORD, "new_password": new, "new_password_confirm": new})

        assert response.status_code == 302
        citizen.refresh_from_db()
        assert citizen.check_password(new)
        assert client.get(reverse("accounts:profile")).status_code == 200

    def test_wrong_current_password(self, client, citizen):
        client.force_login(citizen)
        new = "Mot-mat-khau-moi-2026"

        response = client.post(self.url, {"old_password": "sai", "new_password": new, "new_password_confirm": new})

        assert response.status_code == 200
        assert "Mật khẩu hiện tại không đúng." in response.content.decode()
        citizen.refresh_from_db()
        assert citizen.check_password(PASSWORD)


class TestTokenRevoke:
    def test_revokes_own_key_only(self, client, citizen):
        own, _ = services.api_token_create(user=citizen, name="Của tôi")
        other, _ = services.api_token_create(user=CitizenFactory(), name="Của người khác")
        client.force_login(citizen)

        client.post(reverse("accounts:token_revoke", args=[own.pk]))
        response = client.post(reverse("accounts:token_revoke", args=[other.pk]), follow=True)

        assert "Không tìm thấy khóa truy cập này." in response.content.decode()
        assert ApiToken.objects.get(pk=own.pk).revoked_at is not None
        assert ApiToken.objects.get(pk=other.pk).revoked_at is None


class TestStaffSecondFactor:
    def test_first_login_goes_to_setup_then_the_back_office(self, client, staff):
        response = _login(client, staff.username)
        assert response.status_code == 302
        assert response.url == reverse("accounts:otp_setup")

        page = client.get(response.url)
        html = page.content.decode()
        device = TOTPDevice.objects.get(user=staff, confirmed=False)
        assert "<svg" in html
        assert 'id="totp-secret"' in html
        wrong = client.post(response.url, {"token": totp_code(device, offset_steps=20)})
        assert "Mã xác thực không đúng hoặc đã hết hạn." in wrong.content.decode()

        device.refresh_from_db()
        device.throttling_failure_count = 0
        device.throttling_failure_timestamp = None
        device.save()
        done = client.post(response.url, {"token": totp_code(device)})

        assert done.status_code == 302
        assert done.url == "/backoffice/"
        device.refresh_from_db()
        assert device.confirmed is True
        assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id

    def test_later_logins_go_to_verify(self, client, staff):
        device = services.staff_totp_device_ensure(user=staff)

        response = _login(client, staff.username, next="/backoffice/agencies/")
        assert response.url == f"{reverse('accounts:otp_verify')}?next=%2Fbackoffice%2Fagencies%2F"

        verified = client.post(response.url, {"token": totp_code(device), "next": "/backoffice/agencies/"})
        assert verified.status_code == 302
        assert verified.url == "/backoffice/agencies/"
        assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id

    def test_wrong_code_keeps_the_session_unverified(self, client, staff):
        device = services.staff_totp_device_ensure(user=staff)
        _login(client, staff.username)

        response = client.post(reverse("accounts:otp_verify"), {"token": totp_code(device, offset_steps=20)})

        assert response.status_code == 200
        assert "Mã xác thực không đúng hoặc đã hết hạn." in response.content.decode()
        assert DEVICE_ID_SESSION_KEY not in client.session

    def test_a_new_device_cannot_be_added_without_the_existing_one(self, client, staff):
        services.staff_totp_device_ensure(user=staff)
        _login(client, staff.username)

        response = client.get(reverse("accounts:otp_setup"))

        assert response.status_code == 302
        assert response.url == reverse("accounts:otp_verify")
        assert TOTPDevice.objects.filter(user=staff).count() == 1

    def test_citizens_have_no_second_factor_pages(self, client, citizen):
        client.force_login(citizen)

        assert client.get(reverse("accounts:otp_setup")).status_code == 403
        assert client.get(reverse("accounts:otp_verify")).status_code == 403

    def test_back_office_redirects(self, client, citizen, staff):
        backoffice = reverse("web:backoffice")
        assert client.get(backoffice).url == f"{LOGIN}?next=/backoffice/"

        client.force_login(citizen)
        assert client.get(backoffice).status_code == 403

        client.force_login(staff)
        assert client.get(backoffice).url == f"{reverse('accounts:otp_setup')}?next=%2Fbackoffice%2F"


class TestStaffRequired:
    @staticmethod
    def _call(user, verified=False):
        request = RequestFactory().get("/backoffice/x/?a=1")
        request.user = user
        if user.is_authenticated:
            user.is_verified = lambda: verified
        return staff_required(lambda request: HttpResponse("ok"))(request)

    def test_anonymous_goes_to_login_with_next(self):
        response = self._call(AnonymousUser())

        assert response.status_code == 302
        assert response.url == f"{LOGIN}?next=/backoffice/x/%3Fa%3D1"

    def test_non_staff_is_forbidden(self, citizen):
        with pytest.raises(PermissionDenied):
            self._call(citizen)

    def test_unverified_staff_goes_to_verify(self, staff):
        services.staff_totp_device_ensure(user=staff)

        response = self._call(staff)

        assert response.url == f"{reverse('accounts:otp_verify')}?next=%2Fbackoffice%2Fx%2F%3Fa%3D1"

    def test_verified_staff_passes(self):
        response = self._call(StaffFactory(), verified=True)

        assert response.content == b"ok"

    def test_inactive_staff_is_forbidden(self):
        with pytest.raises(PermissionDenied):
            self._call(StaffFactory(is_active=False), verified=True)


class TestOwnAccountPagesNeedTheSecondFactorForStaff:
    """A staff password alone (second factor not passed) reaches none of the account pages."""

    @pytest.mark.parametrize("name", ["accounts:profile", "accounts:profile_edit", "accounts:password_change"])
    def test_pages_send_unverified_staff_to_the_second_factor(self, client, staff, name):
        services.staff_totp_device_ensure(user=staff)
        client.force_login(staff)

        response = client.get(reverse(name))

        assert response.status_code == 302
        assert response.url == f"{reverse('accounts:otp_verify')}?next={reverse(name).replace('/', '%2F')}"

    def test_unverified_staff_cannot_change_the_password(self, client, staff):
        client.force_login(staff)
        new_password = "Mat-khau-moi-2026!"

        response = client.post(
            reverse("accounts:password_change"),
            {"old_password": PASSWORD, "new_password": new_password, "new_password_confirm": new_password},
        )

        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:otp_setup"))
        staff.refresh_from_db()
        assert staff.check_password(PASSWORD)

    def test_unverified_staff_cannot_revoke_a_key(self, client, staff):
        token, _key = services.api_token_create(user=staff, name="Máy trạm")
        client.force_login(staff)

        response = client.post(reverse("accounts:token_revoke", args=[token.pk]))

        assert response.url.startswith(reverse("accounts:otp_setup"))
        assert ApiToken.objects.get(pk=token.pk).revoked_at is None

    def test_verified_staff_and_citizens_see_their_profile(self, client, login_staff, staff, citizen):
        login_staff(client, staff)
        assert client.get(reverse("accounts:profile")).status_code == 200

        client.force_login(citizen)
        assert client.get(reverse("accounts:profile")).status_code == 200
