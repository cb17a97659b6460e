"""The open-data journey in a real browser (Debian chromium via Playwright).

An agency's data officer creates a dataset in the back office, uploads a CSV, checks the column types
the tabular store inferred, confirms and publishes; a visitor finds the dataset by typing without
diacritics and previews the table, filtering on a column and sorting by clicking a column header.
"""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from congso.accounts.tests.factories import StaffFactory
from congso.agencies.models import Membership
from congso.agencies.services import agency_upsert, membership_grant
from congso.opendata.models import Dataset

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

POPULATION = (
    "phuong,dan_so,dien_tich_km2,ngay_cap_nhat\n"
    "Bến Thành,11000,0.93,2025-12-31\n"
    "Sài Gòn,45000,1.2,2025-12-31\n"
    "Tân Định,38000,0.62,2025-12-31\n"
    "Đa Kao,20000,0.99,2025-12-31\n"
)


@pytest.fixture
def officer(tmp_path):
    """The data officer: the admin (quản trị cơ quan) of the city's statistics office."""
    settings.MEDIA_ROOT = tmp_path / "media"
    agency = agency_upsert(actor=None, code="000.00.40.H29", name="Cục Thống kê Thành phố", kind="department")
    user = StaffFactory(full_name="Nguyễn Thị Dữ Liệu")
    membership_grant(actor=None, user=user, agency=agency, role=Membership.Role.AGENCY_ADMIN)
    return user


def test_officer_uploads_publishes_and_a_visitor_previews(page, staff_page, officer, tmp_path):
    csv_file = tmp_path / "dan-so-phuong.csv"
    csv_file.write_text(POPULATION, encoding="utf-8")

    # The data officer creates the dataset (a draft).
    office = staff_page(officer)
    office.goto("/backoffice/")
    office.get_by_role("navigation", name="Trang quản lý").get_by_role("link", name="Dữ liệu mở").click()
    office.get_by_role("link", name="Tạo bộ dữ liệu", exact=True).click()
    office.get_by_label("Tên bộ dữ liệu").fill("Dân số các phường năm 2025")
    office.get_by_label("Tên định danh").fill("dan-so-phuong-2025")
    office.get_by_label("Mô tả", exact=True).fill("Số dân và diện tích của từng phường.")
    office.get_by_label("Chủ đề").select_option(label="Dân số và xã hội")
    office.locator("main").get_by_role("button", name="Tạo bộ dữ liệu").click()
    expect(office.locator("h1")).to_have_text("Dân số các phường năm 2025")
    dataset = Dataset.objects.get(name="dan-so-phuong-2025")
    assert dataset.state == Dataset.State.DRAFT

    # … uploads the CSV and sees the types inferred from it.
    office.get_by_role("link", name="Thêm tài nguyên").click()
    office.get_by_label("Tên tài nguyên").fill("Dân số theo phường")
    office.get_by_label("Tệp dữ liệu").set_input_files(str(csv_file))
    office.get_by_role("button", name="Tải lên").click()
    expect(office.locator("h1")).to_have_text("Kiểm tra các cột")
    expect(office.get_by_label("Kiểu dữ liệu của cột “phuong”")).to_have_value("text")
    expect(office.get_by_label("Kiểu dữ liệu của cột “dan_so”")).to_have_value("int")
    expect(office.get_by_label("Kiểu dữ liệu của cột “dien_tich_km2”")).to_have_value("numeric")
    expect(office.get_by_label("Kiểu dữ liệu của cột “ngay_cap_nhat”")).to_have_value("date")
    assert "Tân Định" in office.get_by_role("table", name="4 dòng đầu, đúng như trong tệp").inner_text()

    # … names a column, confirms, and publishes.
    office.get_by_label("Tên hiển thị của cột “dan_so”").fill("Dân số (người)")
    office.get_by_role("button", name="Xác nhận và nạp dữ liệu").click()
    expect(office.get_by_role("status").first).to_contain_text("Bảng tra cứu có 4 dòng.")
    office.get_by_role("navigation", name="Đường dẫn").get_by_role("link", name="Dân số các phường năm 2025").click()
    office.get_by_role("button", name="Công bố").click()
    expect(office.get_by_role("status").first).to_contain_text("Đã công bố bộ dữ liệu")
    dataset.refresh_from_db()
    assert dataset.state == Dataset.State.PUBLISHED

    # A visitor finds it typing without diacritics and opens the preview.
    page.goto("/")
    page.get_by_role("contentinfo").get_by_role("link", name="Dữ liệu mở").click()
    page.get_by_label("Tìm bộ dữ liệu").fill("dan so phuong")
    page.get_by_label("Tìm bộ dữ liệu").press("Enter")
    page.get_by_role("link", name="Dân số các phường năm 2025").click()
    page.get_by_role("link", name="Xem trước Dân số theo phường").click()
    table = page.get_by_role("table", name="Dân số theo phường: dòng 1–4. Bấm tên cột để sắp xếp.")
    expect(table.locator("tbody tr")).to_have_count(4)
    expect(table.get_by_role("columnheader", name="Dân số (người)", exact=False)).to_be_visible()

    # … filters on one column …
    page.get_by_text("Lọc theo từng cột").click()
    page.get_by_label("phuong", exact=True).fill("Sài Gòn")
    page.get_by_role("button", name="Áp dụng bộ lọc").click()
    rows = page.locator("#preview tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("45000")

    # … clears it, and sorts by population, largest first.
    page.get_by_role("link", name="Xóa bộ lọc").click()
    expect(rows).to_have_count(4)
    page.get_by_role("columnheader", name="Dân số (người)", exact=False).get_by_role("link").click()
    expect(page.locator("#preview th[aria-sort='ascending']")).to_have_count(1)
    expect(rows.first).to_contain_text("Bến Thành")
    page.get_by_role("columnheader", name="Dân số (người)", exact=False).get_by_role("link").click()
    expect(page.locator("#preview th[aria-sort='descending']")).to_have_count(1)
    expect(rows.first).to_contain_text("Sài Gòn")
    expect(rows.last).to_contain_text("Bến Thành")
