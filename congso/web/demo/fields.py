"""Short builders for application form fields (trường của tờ khai) in the procedure catalog's schema format.

Each returns one field dict as ``congso.procedures.form_schema`` expects, so the
procedure data stays readable: ``text("child_full_name", "Họ, chữ đệm, tên của trẻ")``.
"""

from typing import Any

Field = dict[str, Any]

SEX_CHOICES = [["nam", "Nam"], ["nu", "Nữ"]]
ETHNICITY_CHOICES = [["kinh", "Kinh"], ["hoa", "Hoa"], ["khmer", "Khmer"], ["cham", "Chăm"], ["khac", "Dân tộc khác"]]
COPIES_HELP = "Số bản sao trích lục cần cấp, mỗi bản 8.000 đồng."


def _field(name: str, label: str, kind: str, required: bool, help_text: str) -> Field:
    field: Field = {"name": name, "label": label, "type": kind, "required": required}
    if help_text:
        field["help"] = help_text
    return field


def text(name: str, label: str, *, required: bool = True, max_length: int = 100, help_text: str = "") -> Field:
    return {**_field(name, label, "text", required, help_text), "max_length": max_length}


def textarea(name: str, label: str, *, required: bool = True, max_length: int = 1000, help_text: str = "") -> Field:
    return {**_field(name, label, "textarea", required, help_text), "max_length": max_length}


def date(name: str, label: str, *, required: bool = True, help_text: str = "") -> Field:
    return _field(name, label, "date", required, help_text)


def integer(name: str, label: str, *, minimum: int, maximum: int, required: bool = True, help_text: str = "") -> Field:
    return {**_field(name, label, "integer", required, help_text), "min": minimum, "max": maximum}


def decimal(name: str, label: str, *, minimum: int, maximum: int, required: bool = True, help_text: str = "") -> Field:
    return {**_field(name, label, "decimal", required, help_text), "min": minimum, "max": maximum}


def select(name: str, label: str, choices: list[list[str]], *, required: bool = True, help_text: str = "") -> Field:
    return {**_field(name, label, "select", required, help_text), "choices": choices}


def radio(name: str, label: str, choices: list[list[str]], *, required: bool = True, help_text: str = "") -> Field:
    return {**_field(name, label, "radio", required, help_text), "choices": choices}


def checkbox(name: str, label: str, *, required: bool = False, help_text: str = "") -> Field:
    return _field(name, label, "checkbox", required, help_text)


def personal_id(name: str, label: str, *, required: bool = True, help_text: str = "") -> Field:
    return _field(name, label, "personal_id", required, help_text)


def phone(name: str, label: str, *, required: bool = True) -> Field:
    return _field(name, label, "phone", required, "")


def email(name: str, label: str, *, required: bool = False) -> Field:
    return _field(name, label, "email", required, "")


def applicant(*, relationship: list[list[str]] | None = None) -> list[Field]:
    """The requester block (người yêu cầu) that opens almost every form."""
    fields = [
        text("applicant_full_name", "Họ, chữ đệm, tên người yêu cầu"),
        personal_id("applicant_personal_id", "Số định danh cá nhân của người yêu cầu"),
        text("applicant_address", "Nơi cư trú của người yêu cầu", max_length=255),
        phone("applicant_phone", "Số điện thoại liên hệ"),
        email("applicant_email", "Thư điện tử"),
    ]
    if relationship:
        fields.append(select("applicant_relationship", "Quan hệ với người được đăng ký", relationship))
    return fields


def business_owner() -> list[Field]:
    """The household-business owner block (chủ hộ kinh doanh)."""
    return [
        text("owner_full_name", "Họ, chữ đệm, tên chủ hộ kinh doanh"),
        personal_id("owner_personal_id", "Số định danh cá nhân của chủ hộ"),
        date("owner_date_of_birth", "Ngày sinh của chủ hộ"),
        text("owner_address", "Nơi cư trú của chủ hộ", max_length=255),
        phone("owner_phone", "Số điện thoại liên hệ"),
        email("owner_email", "Thư điện tử"),
    ]


def company_representative() -> list[Field]:
    """The legal representative block (người đại diện theo pháp luật) of an organisation."""
    return [
        text("organisation_name", "Tên tổ chức, doanh nghiệp", max_length=255),
        text("tax_code", "Mã số doanh nghiệp / mã số thuế", max_length=14),
        text("organisation_address", "Địa chỉ trụ sở chính", max_length=255),
        text("representative_full_name", "Họ, chữ đệm, tên người đại diện theo pháp luật"),
        personal_id("representative_personal_id", "Số định danh cá nhân của người đại diện"),
        text("representative_title", "Chức danh của người đại diện", max_length=100),
        phone("contact_phone", "Số điện thoại liên hệ"),
        email("contact_email", "Thư điện tử", required=True),
    ]
