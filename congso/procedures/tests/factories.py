"""Test data for the procedure catalog (small and self-contained; no demo data)."""

from decimal import Decimal
from typing import Any

import factory
from factory.django import DjangoModelFactory

from congso.accounts.models import User
from congso.accounts.tests.factories import CitizenFactory as CitizenFactory
from congso.accounts.tests.factories import StaffFactory as StaffFactory
from congso.agencies.models import Agency, CityRole, Membership
from congso.agencies.tests.factories import AgencyFactory as AgencyFactory
from congso.agencies.tests.factories import CityRoleFactory, MembershipFactory
from congso.procedures.models import Field, Procedure, ProcessingStep, RequiredDocument
from congso.procedures.services import procedure_search_text, procedure_sort_key


class FieldFactory(DjangoModelFactory):
    class Meta:
        model = Field
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"linh-vuc-{n}")
    name = factory.Sequence(lambda n: f"Lĩnh vực {n}")


class ProcedureFactory(DjangoModelFactory):
    """A published procedure; pass ``agencies=[...]``; ``name_search`` is computed as the import does."""

    class Meta:
        model = Procedure
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"9.{n:06d}")
    name = factory.Sequence(lambda n: f"Thủ tục thử nghiệm {n}")
    field = factory.SubFactory(FieldFactory)
    level = Procedure.Level.COMMUNE
    online_level = Procedure.OnlineLevel.FULL
    deadline_days = Decimal(3)
    fee = Decimal(0)
    form_schema = factory.LazyFunction(list)
    name_sort = factory.LazyAttribute(lambda procedure: procedure_sort_key(procedure.name))

    @factory.post_generation
    def agencies(self, create: bool, extracted: list[Agency] | None, **kwargs: Any) -> None:
        if create and extracted:
            self.agencies.set(extracted)
        if create:
            self.name_search = procedure_search_text(
                code=self.code,
                name=self.name,
                field_name=self.field.name,
            )
            self.save(update_fields=["name_search"])


class RequiredDocumentFactory(DjangoModelFactory):
    class Meta:
        model = RequiredDocument

    procedure = factory.SubFactory(ProcedureFactory)
    name = factory.Sequence(lambda n: f"Giấy tờ {n}")
    accepted_types = factory.LazyFunction(lambda: ["pdf"])
    copies = "01 bản chính"
    order = factory.Sequence(int)


class ProcessingStepFactory(DjangoModelFactory):
    class Meta:
        model = ProcessingStep

    procedure = factory.SubFactory(ProcedureFactory)
    order = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"Bước {n}")
    role = Membership.Role.SPECIALIST
    share_percent = 100


def make_agency_admin(user: User, agency: Agency) -> Membership:
    return MembershipFactory(user=user, agency=agency, role=Membership.Role.AGENCY_ADMIN)


def make_platform_admin(user: User) -> CityRole:
    return CityRoleFactory(user=user, role=CityRole.Role.PLATFORM_ADMIN)


def catalog_record(**overrides: Any) -> dict[str, Any]:
    """One valid catalog import record (Đăng ký khai sinh), with overrides."""
    record: dict[str, Any] = {
        "code": "1.001193",
        "name": "Đăng ký khai sinh",
        "field": {"code": "ho-tich", "name": "Hộ tịch"},
        "level": "commune",
        "online_level": "full",
        "agencies": ["H29.P001"],
        "deadline_days": "0.5",
        "fee": "8000",
        "fee_online": "0",
        "fee_note": "Miễn lệ phí với trẻ em thuộc hộ nghèo",
        "description": "Bước 1: Nộp hồ sơ.\nBước 2: Nhận kết quả.",
        "legal_basis": "Luật Hộ tịch 2014",
        "result": "Giấy khai sinh",
        "applicants": "Công dân Việt Nam",
        "documents": [
            {"name": "Tờ khai đăng ký khai sinh", "is_mandatory": True, "accepted_types": ["pdf"], "copies": "01 bản"},
            {"name": "Giấy chứng sinh", "is_mandatory": True, "accepted_types": ["pdf", "jpeg", "png"], "copies": ""},
            {"name": "Văn bản ủy quyền", "is_mandatory": False, "accepted_types": ["pdf"], "copies": "01 bản"},
        ],
        "steps": [
            {"name": "Tiếp nhận hồ sơ", "role": "desk_officer", "share_percent": 20},
            {"name": "Xử lý hồ sơ", "role": "specialist", "share_percent": 60},
            {"name": "Ký duyệt", "role": "leader", "share_percent": 20},
        ],
        "form_schema": [
            {
                "name": "child_full_name",
                "label": "Họ, chữ đệm, tên của trẻ",
                "type": "text",
                "required": True,
                "max_length": 100,
            },
            {"name": "child_birth_date", "label": "Ngày sinh của trẻ", "type": "date", "required": True},
            {
                "name": "child_sex",
                "label": "Giới tính",
                "type": "radio",
                "required": True,
                "choices": [["nam", "Nam"], ["nu", "Nữ"]],
            },
            {"name": "mother_personal_id", "label": "Số định danh của mẹ", "type": "personal_id", "required": True},
            {"name": "phone", "label": "Số điện thoại liên hệ", "type": "phone"},
            {"name": "copies", "label": "Số bản sao", "type": "integer", "min": 0, "max": 10},
            {"name": "agree", "label": "Tôi cam đoan nội dung khai là đúng", "type": "checkbox", "required": True},
        ],
    }
    record.update(overrides)
    return record
