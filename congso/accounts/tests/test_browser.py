"""Whole journeys in a real browser: a citizen registers, signs out and signs in again; a staff member pairs TOTP."""

import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from congso.accounts.models import User
from congso.accounts.tests.conftest import totp_code
from congso.accounts.tests.factories import PASSWORD, StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_citizen_registers_signs_out_and_signs_in(page):
    page.goto("/accounts/register/")
    page.get_by_label("Số định danh cá nhân").fill("079 090 001 234")
    page.get_by_label("Họ và tên").fill("Nguyễn Văn An")
    page.get_by_label("Ngày sinh").fill("1990-03-02")
    page.get_by_label("Số điện thoại").fill("0912 345 678")
    page.get_by_label("Mật khẩu", exact=False).first.fill("Mat-khau-an-toan-2026")
    page.get_by_label("Nhập lại mật khẩu").fill("Mat-khau-an-toan-2026")
    page.get_by_label(re.compile("Tôi đồng ý")).check()
    page.get_by_role("button", name="Đăng ký").click()

    page.wait_for_url("**/accounts/profile/")
    assert page.get_by_role("heading", name="Tài khoản của tôi").is_visible()
    assert User.objects.get().personal_id == "079090001234"

    page.locator("main").get_by_role("button", name="Đăng xuất").click()
    page.goto("/accounts/login/")
    page.get_by_label("Số định danh cá nhân / mã số thuế / tên đăng nhập").fill("079090001234")
    page.get_by_label("Mật khẩu").fill("Mat-khau-an-toan-2026")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(re.compile(r"/$"))


def test_staff_member_pairs_an_authenticator_on_first_sign_in(page):
    staff = StaffFactory()
    page.goto("/accounts/login/?next=/accounts/profile/")
    page.get_by_label("Số định danh cá nhân / mã số thuế / tên đăng nhập").fill(staff.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()

    page.wait_for_url("**/accounts/otp/setup/**")
    assert page.locator("svg").first.is_visible()
    device = TOTPDevice.objects.get(user=staff)
    page.get_by_label("Mã xác thực 6 chữ số").fill(totp_code(device))
    page.get_by_role("button", name="Xác nhận").click()

    page.wait_for_url("**/accounts/profile/")
    device.refresh_from_db()
    assert device.confirmed is True
