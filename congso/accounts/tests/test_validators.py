"""Personal identification numbers, tax codes, phone numbers: examples and properties."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from congso.accounts.validators import (
    PERSONAL_ID_CENTURIES,
    PERSONAL_ID_PROVINCES,
    normalize_login,
    normalize_phone,
    normalize_tax_code,
    personal_id_birth_year,
    validate_personal_id,
    validate_personal_id_matches_birth,
    validate_phone,
    validate_tax_code,
)

digits = st.text(alphabet="0123456789", min_size=1, max_size=1)


def _code(value, validator) -> str | None:
    try:
        validator(value)
    except ValidationError as error:
        return error.code
    return None


def test_the_province_list_has_the_63_pre_2025_provinces():
    assert len(PERSONAL_ID_PROVINCES) == 63
    assert PERSONAL_ID_PROVINCES["001"] == "Hà Nội"
    assert PERSONAL_ID_PROVINCES["079"] == "TP. Hồ Chí Minh"
    assert PERSONAL_ID_PROVINCES["096"] == "Cà Mau"


@pytest.mark.parametrize(
    ("value", "year"),
    [
        ("079090001234", 1990),  # TP.HCM, male born 1990
        ("001185012345", 1985),  # Hà Nội, female born 1985
        ("096205000001", 2005),  # Cà Mau, male born 2005
        ("048300123456", 2000),  # Đà Nẵng, female born 2000
        ("079899123456", 1899),  # born in the 1800s
    ],
)
def test_valid_personal_ids(value, year):
    validate_personal_id(value)
    assert personal_id_birth_year(value) == year


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", "personal_id_format"),
        ("07909000123", "personal_id_format"),  # 11 digits
        ("0790900012345", "personal_id_format"),  # 13 digits
        ("07909000123a", "personal_id_format"),
        ("079 090 001 234", "personal_id_format"),  # spaces are removed by normalize, not accepted here
        ("０７９０９０００１２３４", "personal_id_format"),  # full-width digits
        ("003090001234", "personal_id_province"),  # 003 is not a province code
        ("000090001234", "personal_id_province"),
        ("097090001234", "personal_id_province"),
        ("079499001234", "personal_id_future_year"),  # 2199
    ],
)
def test_invalid_personal_ids_have_a_stable_code(value, code):
    assert _code(value, validate_personal_id) == code


def test_personal_id_messages_are_vietnamese():
    with pytest.raises(ValidationError) as info:
        validate_personal_id("12345")
    assert info.value.messages == ["Số định danh cá nhân phải gồm đúng 12 chữ số."]
    with pytest.raises(ValidationError) as info:
        validate_personal_id("003090001234")
    assert info.value.messages == ["Mã tỉnh nơi đăng ký khai sinh “003” (3 chữ số đầu) không hợp lệ."]


def test_birth_year_of_this_year_is_accepted_and_next_year_refused():
    this_year = timezone.localdate().year
    assert this_year < 2100
    accepted = f"0793{this_year % 100:02d}000001"
    refused = f"0793{(this_year + 1) % 100:02d}000001"
    validate_personal_id(accepted)
    assert _code(refused, validate_personal_id) == "personal_id_future_year"


def test_birth_date_must_agree_with_the_encoded_year():
    validate_personal_id_matches_birth("079090001234", datetime.date(1990, 1, 1))
    with pytest.raises(ValidationError) as info:
        validate_personal_id_matches_birth("079090001234", datetime.date(1991, 1, 1))
    assert info.value.code == "personal_id_birth_mismatch"
    assert info.value.messages == ["Năm sinh 1991 không khớp với số định danh cá nhân (mã năm sinh 1990)."]


@given(
    province=st.sampled_from(sorted(PERSONAL_ID_PROVINCES)),
    century=st.sampled_from(["0", "1", "8", "9"]),
    year=st.integers(0, 99),
    serial=st.integers(0, 999_999),
)
def test_any_well_formed_past_personal_id_is_valid(province, century, year, serial):
    value = f"{province}{century}{year:02d}{serial:06d}"
    validate_personal_id(value)
    assert personal_id_birth_year(value) == PERSONAL_ID_CENTURIES[century] + year


@given(value=st.text(max_size=20).filter(lambda v: not (len(v) == 12 and v.isascii() and v.isdigit())))
def test_anything_but_twelve_ascii_digits_is_a_format_error(value):
    assert _code(value, validate_personal_id) == "personal_id_format"


@given(province=st.text(alphabet="0123456789", min_size=3, max_size=3), rest=st.integers(0, 999_999_999))
def test_unknown_province_codes_are_refused(province, rest):
    value = f"{province}{rest:09d}"
    if province not in PERSONAL_ID_PROVINCES:
        assert _code(value, validate_personal_id) == "personal_id_province"


@given(century=st.sampled_from(["4", "5", "6", "7"]), year=st.integers(0, 99))
def test_births_after_2100_are_in_the_future(century, year):
    assert _code(f"079{century}{year:02d}000001", validate_personal_id) == "personal_id_future_year"


@pytest.mark.parametrize("value", ["0301234567", "0301234567001", "0301234567-001"])
def test_valid_tax_codes(value):
    validate_tax_code(value)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "030123456",
        "03012345678",
        "030123456700",
        "0301234567-01",
        "0301234567_001",
        "030123456a",
        "0301234567 -001",
    ],
)
def test_invalid_tax_codes(value):
    with pytest.raises(ValidationError) as info:
        validate_tax_code(value)
    assert info.value.code == "tax_code_format"
    assert info.value.messages == [
        "Mã số thuế phải gồm 10 chữ số, hoặc 13 chữ số đối với đơn vị phụ thuộc (ví dụ 0123456789-001)."
    ]


@given(head=st.integers(0, 9_999_999_999), branch=st.integers(0, 999))
def test_tax_code_forms_normalise_to_digits(head, branch):
    ten = f"{head:010d}"
    assert normalize_tax_code(ten) == ten
    assert normalize_tax_code(f"{ten}-{branch:03d}") == f"{ten}{branch:03d}"
    assert normalize_tax_code(f" {ten}{branch:03d} ") == f"{ten}{branch:03d}"
    validate_tax_code(normalize_tax_code(f"{ten}-{branch:03d}"))


@given(value=st.text(max_size=16).filter(lambda v: not v.isascii() or not v.replace("-", "").isdigit()))
def test_tax_codes_with_other_characters_are_refused(value):
    assert _code(value, validate_tax_code) == "tax_code_format"


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("0912 345 678", "0912345678"),
        ("+84 912.345.678", "0912345678"),
        ("84912345678", "0912345678"),
        ("(028) 3829-6052", "02838296052"),
    ],
)
def test_phone_numbers_are_normalised_and_valid(raw, normalised):
    assert normalize_phone(raw) == normalised
    validate_phone(normalised)


@pytest.mark.parametrize("value", ["", "912345678", "1912345678", "09123456789012", "09123abc78"])
def test_invalid_phone_numbers(value):
    assert _code(normalize_phone(value), validate_phone) == "phone_format"


@pytest.mark.parametrize(
    ("typed", "username"),
    [
        (" 079 090 001 234 ", "079090001234"),
        ("0301234567-001", "0301234567001"),
        ("0301234567", "0301234567"),
        ("  canbo.benthanh ", "canbo.benthanh"),
    ],
)
def test_login_identifier_is_normalised(typed, username):
    assert normalize_login(typed) == username
