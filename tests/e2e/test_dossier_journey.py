"""The whole online dossier journey in a real browser (Debian chromium via Playwright).

A citizen applies online for birth registration with a document → the desk officer accepts → a specialist
processes → a leader approves → the citizen sees the notification, downloads the result, verifies it through
the link its QR code carries, and rates the service.
"""

import hashlib
import re
from decimal import Decimal

import pytest
from django.conf import settings

from congso.accounts.tests.factories import CitizenFactory, StaffFactory
from congso.agencies.models import Membership
from congso.agencies.services import agency_upsert, membership_grant
from congso.dossiers.links import verify_url
from congso.dossiers.models import Dossier, DossierRating
from congso.dossiers.tests.factories import pdf_bytes
from congso.notify.models import Notification
from congso.procedures.services import catalog_import

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Khai-Sinh-2026"
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
    "result": "Giấy khai sinh",
    "documents": [{"name": "Giấy chứng sinh", "is_mandatory": True, "accepted_types": ["pdf"], "copies": "01"}],
    "steps": [
        {"name": "Tiếp nhận", "role": "desk_officer", "share_percent": 20},
        {"name": "Kiểm tra, ghi Sổ hộ tịch", "role": "specialist", "share_percent": 60},
        {"name": "Ký Giấy khai sinh", "role": "leader", "share_percent": 20},
    ],
    "form_schema": [
        {"name": "child_full_name", "label": "Họ, chữ đệm, tên của trẻ", "type": "text", "required": True},
        {"name": "child_birth_date", "label": "Ngày sinh của trẻ", "type": "date", "required": True},
    ],
}


@pytest.fixture
def ward(tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    agency = agency_upsert(actor=None, code="267.43.99.H29", name="UBND Phường Bến Thành", kind="commune")
    catalog_import(actor=None, records=[BIRTH_REGISTRATION])
    staff = {}
    for role in (Membership.Role.DESK_OFFICER, Membership.Role.SPECIALIST, Membership.Role.LEADER):
        staff[role] = StaffFactory()
        membership_grant(actor=None, user=staff[role], agency=agency, role=role)
    citizen = CitizenFactory(personal_id="079302004215", phone="0903123456", full_name="Trần Thị Bích")
    citizen.set_password(PASSWORD)
    citizen.save()
    return agency, staff, citizen


def act(page, dossier: Dossier, action: str, button: str) -> None:
    page.goto(f"/backoffice/dossiers/{dossier.pk}/")
    page.goto(f"/backoffice/dossiers/{dossier.pk}/{action}/")
    page.locator("main").get_by_role("button", name=button).click()
    page.wait_for_url(f"**/backoffice/dossiers/{dossier.pk}/")


def test_birth_registration_from_application_to_rating(page, staff_page, ward, tmp_path):
    _agency, staff, citizen = ward
    certificate = tmp_path / "giay-chung-sinh.pdf"
    certificate.write_bytes(pdf_bytes("Giấy chứng sinh số 123"))

    # The citizen signs in and applies online.
    page.goto("/accounts/login/")
    page.get_by_label("Số định danh cá nhân / mã số thuế / tên đăng nhập").fill("079302004215")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.goto("/procedures/1.001193/")
    page.get_by_role("link", name="Nộp hồ sơ trực tuyến").click()
    page.get_by_label("Họ, chữ đệm, tên của trẻ").fill("Trần Minh An")
    page.get_by_label("Ngày sinh của trẻ").fill("2026-11-10")
    assert "Miễn phí khi nộp trực tuyến" in page.locator("main").inner_text()
    page.get_by_role("button", name="Kiểm tra thông tin").click()
    page.locator("input[type=file]").first.set_input_files(str(certificate))
    page.get_by_role("button", name="Nộp hồ sơ").click()
    page.wait_for_url(re.compile(r"/ho-so/\d+/$"))
    dossier = Dossier.objects.get(applicant=citizen)
    assert dossier.receipt_code in page.locator("main").inner_text()
    assert dossier.state == Dossier.State.SUBMITTED and dossier.fee_amount == Decimal(0)

    # The desk officer accepts, the specialist processes, the leader approves.
    desk = staff_page(staff[Membership.Role.DESK_OFFICER])
    desk.goto("/backoffice/dossiers/")
    assert dossier.receipt_code in desk.locator("main").inner_text()
    act(desk, dossier, "accept", "Tiếp nhận")
    specialist = staff_page(staff[Membership.Role.SPECIALIST])
    act(specialist, dossier, "complete_step", "Hoàn thành bước xử lý")
    leader = staff_page(staff[Membership.Role.LEADER])
    act(leader, dossier, "approve", "Phê duyệt")
    dossier.refresh_from_db()
    assert dossier.state == Dossier.State.RELEASED
    history = [e.action for e in dossier.events.order_by("seq")]
    assert history == ["draft", "submit", "accept", "complete_step", "approve"]

    # The citizen is notified, downloads the result, verifies it and rates the service.
    page.goto("/hop-thu/")
    assert "đã có kết quả" in page.locator("main").inner_text()
    assert Notification.objects.filter(user=citizen, subject__contains="đã có kết quả").exists()
    page.goto(f"/ho-so/{dossier.pk}/")
    with page.expect_download() as download:
        page.get_by_role("button", name="Nhận kết quả (tải tệp PDF)").click()
    result = download.value.path().read_bytes()
    assert result.startswith(b"%PDF")
    dossier.refresh_from_db()
    assert dossier.state == Dossier.State.RETURNED

    verify = verify_url(dossier).removeprefix(settings.CONGSO_PUBLIC_URL.rstrip("/"))
    page.goto(verify)
    verified = page.locator("main").inner_text()
    assert "Kết quả đã được xác thực" in verified
    assert hashlib.sha256(result).hexdigest() in verified

    page.goto(f"/ho-so/{dossier.pk}/")
    page.get_by_label("5 – Rất hài lòng").check()
    page.get_by_label("Góp ý").fill("Nhanh, không phải đi lại")
    page.get_by_role("button", name="Gửi đánh giá").click()
    page.get_by_text("Cảm ơn ông/bà đã đánh giá.").first.wait_for()
    assert DossierRating.objects.get(dossier=dossier).score == 5
