"""Whole journey in a real browser: find a procedure typed without diacritics, open it."""

import pytest

from congso.procedures.tests.factories import FieldFactory, ProcedureFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_live_search_then_detail(page):
    field = FieldFactory(name="Hộ tịch")
    ProcedureFactory(code="1.001193", name="Đăng ký khai sinh", field=field)
    ProcedureFactory(code="1.000894", name="Đăng ký kết hôn", field=field)

    page.goto("/procedures/")
    page.get_by_label("Tìm thủ tục").fill("khai sinh")
    page.get_by_text("Tìm thấy 1 thủ tục").wait_for()
    page.get_by_role("link", name="Đăng ký khai sinh").click()

    page.get_by_role("heading", level=1, name="Đăng ký khai sinh").wait_for()
    assert page.get_by_role("link", name="Nộp hồ sơ trực tuyến").is_visible()
