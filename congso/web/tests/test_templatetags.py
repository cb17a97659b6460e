"""The ``congso`` template library: money, dates and pagination helpers."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.core.paginator import Paginator
from django.template import Context, Template
from django.utils import translation

from congso.web.templatetags.congso import elided_pages, nfc, startswith, vn_date, vnd

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1500000, f"1.500.000{NBSP}đ"),
        (Decimal("1500000"), f"1.500.000{NBSP}đ"),
        ("250000", f"250.000{NBSP}đ"),
        (0, f"0{NBSP}đ"),
        (999, f"999{NBSP}đ"),
        (1000, f"1.000{NBSP}đ"),
        (Decimal("-20000"), f"-20.000{NBSP}đ"),
        (Decimal("1499.5"), f"1.500{NBSP}đ"),
        (1500000.4, f"1.500.000{NBSP}đ"),
        (Decimal("1234567890123"), f"1.234.567.890.123{NBSP}đ"),
    ],
)
def test_vnd_formats_dong_with_dot_thousands(value, expected):
    assert vnd(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"), [(1500000, f"1,500,000{NBSP}VND"), (Decimal("-20000"), f"-20,000{NBSP}VND")]
)
def test_vnd_in_english_uses_comma_thousands_and_the_currency_code(value, expected):
    with translation.override("en"):
        assert vnd(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"), [(None, ""), ("", ""), ("miễn phí", "miễn phí"), ("Infinity", "Infinity")]
)
def test_vnd_leaves_empty_and_non_numbers_alone(value, expected):
    assert vnd(value) == expected


def test_vnd_in_a_template_is_not_escaped_away():
    rendered = Template("{% load congso %}{{ fee|vnd }}").render(Context({"fee": 1500000}))

    assert rendered == f"1.500.000{NBSP}đ"


def test_vn_date_formats_a_date():
    assert vn_date(date(2026, 3, 5)) == "05/03/2026"


def test_vn_date_shows_an_aware_datetime_in_ho_chi_minh_time():
    # 17:30 UTC is 00:30 the next day in Asia/Ho_Chi_Minh (UTC+7).
    moment = datetime(2026, 3, 5, 17, 30, tzinfo=UTC)

    assert vn_date(moment) == "06/03/2026 00:30"
    assert vn_date(moment, "date") == "06/03/2026"


def test_vn_date_keeps_a_naive_datetime_as_given():
    assert vn_date(datetime(2026, 1, 2, 8, 5)) == "02/01/2026 08:05"


@pytest.mark.parametrize("value", [None, "", "2026-03-05", 20260305])
def test_vn_date_gives_empty_text_for_anything_else(value):
    assert vn_date(value) == ""


def test_elided_pages_marks_gaps_around_the_current_page():
    page = Paginator(list(range(200)), 10).page(10)

    pages = elided_pages(page)

    assert pages == [1, "…", 9, 10, 11, "…", 20]


def test_elided_pages_of_a_non_page_is_empty():
    assert elided_pages("1") == []


@pytest.mark.parametrize(
    ("value", "prefix", "expected"),
    [("/procedures/1.001193/", "/procedures/", True), ("/", "/procedures/", False), ("/procedures/", "", False)],
)
def test_startswith(value, prefix, expected):
    assert startswith(value, prefix) is expected


def test_nfc_composes_decomposed_vietnamese():
    decomposed = "Ti\u00ea\u0301ng Vi\u00ea\u0323t"

    assert nfc(decomposed) == "Tiếng Việt"
    assert len(nfc(decomposed)) == 10
