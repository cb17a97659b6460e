"""Identity numbers of people and businesses: số định danh cá nhân and mã số thuế.

Every error is a ``ValidationError`` with a Vietnamese message and a stable
``code`` that API clients can rely on.
"""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Province of birth registration, first three digits of the personal
# identification number (Circular 59/2021/TT-BCA): the 63 provinces as they were
# before the 2025 merger. Numbers already issued keep these codes.
PERSONAL_ID_PROVINCES: dict[str, str] = {
    "001": "Hà Nội",
    "002": "Hà Giang",
    "004": "Cao Bằng",
    "006": "Bắc Kạn",
    "008": "Tuyên Quang",
    "010": "Lào Cai",
    "011": "Điện Biên",
    "012": "Lai Châu",
    "014": "Sơn La",
    "015": "Yên Bái",
    "017": "Hòa Bình",
    "019": "Thái Nguyên",
    "020": "Lạng Sơn",
    "022": "Quảng Ninh",
    "024": "Bắc Giang",
    "025": "Phú Thọ",
    "026": "Vĩnh Phúc",
    "027": "Bắc Ninh",
    "030": "Hải Dương",
    "031": "Hải Phòng",
    "033": "Hưng Yên",
    "034": "Thái Bình",
    "035": "Hà Nam",
    "036": "Nam Định",
    "037": "Ninh Bình",
    "038": "Thanh Hóa",
    "040": "Nghệ An",
    "042": "Hà Tĩnh",
    "044": "Quảng Bình",
    "045": "Quảng Trị",
    "046": "Thừa Thiên Huế",
    "048": "Đà Nẵng",
    "049": "Quảng Nam",
    "051": "Quảng Ngãi",
    "052": "Bình Định",
    "054": "Phú Yên",
    "056": "Khánh Hòa",
    "058": "Ninh Thuận",
    "060": "Bình Thuận",
    "062": "Kon Tum",
    "064": "Gia Lai",
    "066": "Đắk Lắk",
    "067": "Đắk Nông",
    "068": "Lâm Đồng",
    "070": "Bình Phước",
    "072": "Tây Ninh",
    "074": "Bình Dương",
    "075": "Đồng Nai",
    "077": "Bà Rịa - Vũng Tàu",
    "079": "TP. Hồ Chí Minh",
    "080": "Long An",
    "082": "Tiền Giang",
    "083": "Bến Tre",
    "084": "Trà Vinh",
    "086": "Vĩnh Long",
    "087": "Đồng Tháp",
    "089": "An Giang",
    "091": "Kiên Giang",
    "092": "Cần Thơ",
    "093": "Hậu Giang",
    "094": "Sóc Trăng",
    "095": "Bạc Liêu",
    "096": "Cà Mau",
}

# Fourth digit: century of birth (even digit male, odd digit female).
PERSONAL_ID_CENTURIES: dict[str, int] = {
    "0": 1900,
    "1": 1900,
    "2": 2000,
    "3": 2000,
    "4": 2100,
    "5": 2100,
    "6": 2200,
    "7": 2200,
    "8": 1800,
    "9": 1800,
}

_PERSONAL_ID = re.compile(r"[0-9]{12}")
_TAX_CODE = re.compile(r"[0-9]{10}(?:-?[0-9]{3})?")
_PHONE = re.compile(r"0[0-9]{9,10}")
_PHONE_SEPARATORS = re.compile(r"[\s.\-()]")
_WHITESPACE = re.compile(r"\s+")


def normalize_personal_id(value: str) -> str:
    """Drop the spaces people type between groups of digits."""
    return _WHITESPACE.sub("", value or "")


def personal_id_birth_year(value: str) -> int:
    """Birth year encoded in a (well-formed) personal identification number."""
    return PERSONAL_ID_CENTURIES[value[3]] + int(value[4:6])


def validate_personal_id(value: str) -> None:
    """Check a 12-digit personal identification number (số định danh cá nhân).

    Structure: province of birth registration (3 digits), century and sex
    (1 digit), year of birth (2 digits), then 6 digits. There is no official
    checksum, so none is checked.
    """
    if not isinstance(value, str) or not _PERSONAL_ID.fullmatch(value):
        raise ValidationError(
            _("Số định danh cá nhân phải gồm đúng 12 chữ số."),
            code="personal_id_format",
        )
    if value[:3] not in PERSONAL_ID_PROVINCES:
        raise ValidationError(
            _("Mã tỉnh nơi đăng ký khai sinh “{code}” (3 chữ số đầu) không hợp lệ.").format(code=value[:3]),
            code="personal_id_province",
        )
    if personal_id_birth_year(value) > timezone.localdate().year:
        raise ValidationError(
            _("Năm sinh trong số định danh cá nhân ({year}) không thể ở tương lai.").format(
                year=personal_id_birth_year(value)
            ),
            code="personal_id_future_year",
        )


def validate_personal_id_matches_birth(personal_id: str, date_of_birth: date) -> None:
    """The year of birth in the number must agree with the declared date of birth."""
    validate_personal_id(personal_id)
    if personal_id_birth_year(personal_id) != date_of_birth.year:
        raise ValidationError(
            _("Năm sinh {year} không khớp với số định danh cá nhân (mã năm sinh {encoded}).").format(
                year=date_of_birth.year, encoded=personal_id_birth_year(personal_id)
            ),
            code="personal_id_birth_mismatch",
        )


def normalize_tax_code(value: str) -> str:
    """Spaces dropped and a branch written "0123456789-001" turned into 13 digits."""
    compact = _WHITESPACE.sub("", value or "")
    if _TAX_CODE.fullmatch(compact):
        return compact.replace("-", "")
    return compact


def validate_tax_code(value: str) -> None:
    """Check a tax code (mã số thuế): 10 digits, or 13 digits for a branch ("0123456789-001" or "0123456789001")."""
    if not isinstance(value, str) or not _TAX_CODE.fullmatch(value):
        raise ValidationError(
            _("Mã số thuế phải gồm 10 chữ số, hoặc 13 chữ số đối với đơn vị phụ thuộc (ví dụ 0123456789-001)."),
            code="tax_code_format",
        )


def normalize_phone(value: str) -> str:
    """Separators dropped and the +84 / 84 country prefix turned into the leading 0."""
    compact = _PHONE_SEPARATORS.sub("", value or "")
    if compact.startswith("+84"):
        return "0" + compact[3:]
    if compact.startswith("84") and len(compact) in (11, 12):
        return "0" + compact[2:]
    return compact


def validate_phone(value: str) -> None:
    """A Vietnamese phone number, normalised: 10 digits (mobile) or 11 digits (landline), starting with 0."""
    if not isinstance(value, str) or not _PHONE.fullmatch(value):
        raise ValidationError(
            _("Số điện thoại không hợp lệ: cần 10 hoặc 11 chữ số, bắt đầu bằng 0 (ví dụ 0912345678)."),
            code="phone_format",
        )


def normalize_login(value: str) -> str:
    """The username behind what a person types to sign in.

    Citizens sign in with their personal identification number and businesses
    with their tax code (both stored as digits only); staff with their username.
    """
    compact = _WHITESPACE.sub("", value or "")
    if _TAX_CODE.fullmatch(compact) or _PERSONAL_ID.fullmatch(compact):
        return compact.replace("-", "")
    return (value or "").strip()
