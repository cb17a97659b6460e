"""The foundation's whole citizen journey in a real browser (Debian chromium via Playwright):
register, search the catalog without diacritics, open a procedure, read its fee and deadline.
"""

import re

import pytest

from congso.accounts.models import User
from congso.agencies.services import agency_upsert
from congso.procedures.services import catalog_import

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BIRTH_REGISTRATION = {
    "code": "1.001193",
    "name": "Đăng ký khai sinh",
    "field": {"code": "ho-tich", "name": "Hộ tịch"},
    "level": "commune",
    "online_level": "full",
    "agencies": "*",
    "deadline_days": "1",
    "fee": "8000",
    "fee_online": "0",
    "documents": [
        {"name": "Giấy chứng sinh", "is_mandatory": True, "accepted_types": ["pdf", "jpeg"], "copies": "01 bản chính"}
    ],
    "steps": [
        {"name": "Tiếp nhận", "role": "desk_officer", "share_percent": 20},
        {"name": "Xử lý", "role": "specialist", "share_percent": 60},
        {"name": "Ký duyệt", "role": "leader", "share_percent": 20},
    ],
    "form_schema": [{"name": "child_full_name", "label": "Họ, chữ đệm, tên của trẻ", "type": "text", "required": True}],
}
MARRIAGE_REGISTRATION = {
    **BIRTH_REGISTRATION,
    "code": "1.000894",
    "name": "Đăng ký kết hôn",
    "fee": "0",
    "fee_online": None,
    "deadline_days": "3",
}


@pytest.fixture
def catalog():
    agency_upsert(actor=None, code="267.43.99.H29", name="UBND Phường Bến Thành", kind="commune")
    catalog_import(actor=None, records=[BIRTH_REGISTRATION, MARRIAGE_REGISTRATION])


def register_citizen(page):
    page.goto("/")
    page.get_by_role("link", name="Đăng ký").first.click()
    page.get_by_label("Số định danh cá nhân").fill("079302004215")
    page.get_by_label("Họ và tên").fill("Trần Thị Bích")
    page.get_by_label("Ngày sinh").fill("2002-04-15")
    page.get_by_label("Số điện thoại").fill("0903123456")
    page.get_by_label("Mật khẩu", exact=False).first.fill("Bich-Sai-Gon-2026")
    page.get_by_label("Nhập lại mật khẩu").fill("Bich-Sai-Gon-2026")
    page.get_by_label(re.compile("Tôi đồng ý")).check()
    page.get_by_role("button", name="Đăng ký").click()
    page.wait_for_url("**/accounts/profile/")


@pytest.mark.parametrize("query", ["khai sinh", "dang ky khai sinh"])
def test_citizen_registers_finds_birth_registration_and_reads_fee_and_deadline(page, catalog, query):
    register_citizen(page)
    assert User.objects.get(personal_id="079302004215").kind == User.Kind.CITIZEN

    page.goto("/")
    page.get_by_role("searchbox").first.fill(query)
    page.get_by_role("searchbox").first.press("Enter")
    page.wait_for_url(re.compile(r"/procedures/\?"))
    results = page.locator("main")
    assert results.get_by_role("link", name="Đăng ký khai sinh").is_visible()
    assert results.get_by_role("link", name="Đăng ký kết hôn").count() == 0

    results.get_by_role("link", name="Đăng ký khai sinh").click()
    page.get_by_role("heading", level=1, name="Đăng ký khai sinh").wait_for()
    details = page.locator("main").inner_text().replace("\xa0", " ")
    assert "1 ngày làm việc" in details
    assert "8.000 đ" in details
    assert "Miễn phí khi nộp trực tuyến" in details
    assert page.get_by_role("link", name="Nộp hồ sơ trực tuyến").is_visible()
