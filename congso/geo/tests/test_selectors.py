"""Reading administrative units: search without diacritics, validity periods."""

import pytest

from congso.geo.selectors import province_get, province_units, provinces, unit_search

pytestmark = pytest.mark.django_db


def codes(units) -> list[str]:
    return [unit.code for unit in units]


@pytest.mark.parametrize(
    "query", ["phuong ben thanh", "Phường Bến Thành", "PHUONG  BEN   THANH", "ben thanh", "BếN tHàNh"]
)
def test_search_ignores_diacritics_case_and_spaces(loaded_units, query):
    assert codes(unit_search(query)) == ["26743"]


def test_every_word_must_match(loaded_units):
    assert codes(unit_search("ben thanh ha noi")) == []
    assert codes(unit_search("dac khu con dao")) == ["26732"]


def test_search_by_code(loaded_units):
    assert codes(unit_search("26743")) == ["26743"]


def test_search_filters_by_level_and_province(loaded_units):
    assert codes(unit_search("ho chi minh", level="province")) == ["79"]
    assert unit_search("", province_code="79").count() == 168
    assert unit_search("", province_code="079").count() == 168
    assert unit_search("xa", province_code="79").count() == 54
    assert unit_search("", level="province").count() == 34
    assert codes(unit_search("ben thanh", province_code="01")) == []


@pytest.mark.parametrize("query", ["\x00", "'; DROP TABLE geo;--", "%", "_", "a" * 500])
def test_odd_queries_do_not_fail(loaded_units, query):
    assert unit_search(query).count() >= 0


def test_province_code_that_is_not_digits_matches_nothing(loaded_units):
    assert unit_search("", province_code="7\x009").count() == 0
    assert province_get("ho chi minh") is None


def test_provinces_and_province_units(loaded_units):
    assert provinces().count() == 34
    assert codes(provinces())[:3] == ["01", "04", "08"]
    assert province_units("79").count() == 168
    assert province_get("79").name == "Thành phố Hồ Chí Minh"
