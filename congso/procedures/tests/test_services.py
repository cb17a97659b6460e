"""Catalog import, editing a procedure, fees and search-text upkeep."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from congso.agencies.models import Agency
from congso.core.models import AuditEntry
from congso.core.text import fold
from congso.procedures.models import Field, Procedure, ProcessingStep, RequiredDocument
from congso.procedures.services import (
    catalog_import,
    effective_fee,
    field_upsert,
    procedure_update,
)
from congso.procedures.tests.factories import (
    AgencyFactory,
    FieldFactory,
    ProcedureFactory,
    StaffFactory,
    catalog_record,
    make_agency_admin,
    make_platform_admin,
)

pytestmark = pytest.mark.django_db


def _state() -> list[tuple]:
    return list(
        Procedure.objects.order_by("code").values_list(
            "code", "name", "fee", "fee_online", "deadline_days", "online_level", "is_published", "name_search"
        )
    )


class TestCatalogImport:
    def test_creates_procedure_with_documents_steps_and_agencies(self, ward):
        counts = catalog_import(actor=None, records=[catalog_record()])

        assert counts == {"created": 1, "updated": 0, "unchanged": 0}
        procedure = Procedure.objects.get(code="1.001193")
        assert procedure.name == "Đăng ký khai sinh"
        assert procedure.field.name == "Hộ tịch"
        assert procedure.deadline_days == Decimal("0.5")
        assert procedure.fee == Decimal(8000)
        assert procedure.fee_online == Decimal(0)
        assert procedure.is_published is True
        assert list(procedure.agencies.all()) == [ward]
        assert procedure.name_search == "1.001193 dang ky khai sinh ho tich"
        assert list(procedure.documents.values_list("order", "name", "is_mandatory", "accepted_types")) == [
            (1, "Tờ khai đăng ký khai sinh", True, ["pdf"]),
            (2, "Giấy chứng sinh", True, ["pdf", "jpeg", "png"]),
            (3, "Văn bản ủy quyền", False, ["pdf"]),
        ]
        assert list(procedure.steps.values_list("order", "role", "share_percent")) == [
            (1, "desk_officer", 20),
            (2, "specialist", 60),
            (3, "leader", 20),
        ]
        assert AuditEntry.objects.get(action="procedures.catalog_import").data == {
            "created": 1,
            "updated": 0,
            "unchanged": 0,
            "codes": ["1.001193"],
        }

    def test_is_idempotent(self, ward):
        catalog_import(actor=None, records=[catalog_record()])
        before = Procedure.objects.get().updated_at

        counts = catalog_import(actor=None, records=[catalog_record()])

        assert counts == {"created": 0, "updated": 0, "unchanged": 1}
        assert Procedure.objects.count() == 1
        assert RequiredDocument.objects.count() == 3
        assert ProcessingStep.objects.count() == 3
        assert Procedure.objects.get().updated_at == before

    def test_updates_changed_record(self, ward):
        catalog_import(actor=None, records=[catalog_record()])
        steps = [{"name": "Xử lý", "role": "specialist", "share_percent": 100}]

        counts = catalog_import(actor=None, records=[catalog_record(fee="10000", steps=steps, documents=[])])

        assert counts == {"created": 0, "updated": 1, "unchanged": 0}
        procedure = Procedure.objects.get()
        assert procedure.fee == Decimal(10000)
        assert list(procedure.steps.values_list("name", flat=True)) == ["Xử lý"]
        assert procedure.documents.count() == 0

    def test_star_assigns_every_active_commune(self, ward):
        other = AgencyFactory(code="H29.P002", name="UBND xã Bình Chánh", kind=Agency.Kind.COMMUNE)
        AgencyFactory(code="H29.P003", kind=Agency.Kind.COMMUNE, is_active=False)
        AgencyFactory(code="H29.S01", kind=Agency.Kind.DEPARTMENT)

        catalog_import(actor=None, records=[catalog_record(agencies="*")])

        assert set(Procedure.objects.get().agencies.all()) == {ward, other}

    def test_all_or_nothing_with_messages_naming_each_record(self, ward):
        records = [
            catalog_record(code="1.000001", name="Hợp lệ"),
            catalog_record(code="1.000002", agencies=["H29.XXX"]),
            catalog_record(
                code="1.000003",
                level="district",
                steps=[{"name": "Xử lý", "role": "specialist", "share_percent": 90}],
                documents=[{"name": "Ảnh", "accepted_types": ["gif"]}],
            ),
            catalog_record(code="1.000004", deadline_days="0.25", fee="-5"),
            catalog_record(code="1.000005", form_schema=[{"name": "x", "label": "X", "type": "slider"}]),
            {"name": "Thiếu mã"},
            catalog_record(code="1.000001"),
        ]

        with pytest.raises(ValidationError) as caught:
            catalog_import(actor=None, records=records)

        messages = caught.value.messages
        assert "Thủ tục 1.000002: không có cơ quan mã H29.XXX." in messages
        assert "Thủ tục 1.000003: “level” phải là một trong: city, commune." in messages
        assert "Thủ tục 1.000003: tổng tỷ lệ thời hạn của các bước là 90%, phải bằng 100%." in messages
        assert (
            "Thủ tục 1.000003: thành phần hồ sơ “Ảnh”: định dạng gif không được chấp nhận (chỉ jpeg, pdf, png)."
            in messages
        )
        assert (
            "Thủ tục 1.000004: thời hạn giải quyết phải từ 0,5 đến 365 ngày làm việc, "
            "tối đa một chữ số thập phân (nhận “0.25”)." in messages
        )
        assert "Thủ tục 1.000004: “fee” phải là số đồng nguyên, không âm." in messages
        assert any(m.startswith("Thủ tục 1.000005: mẫu đơn: Trường “x”: kiểu “slider”") for m in messages)
        assert "Bản ghi thứ 6: thiếu “code”." in messages
        assert "Thủ tục 1.000001: mã bị trùng trong danh mục nhập." in messages
        assert Procedure.objects.count() == 0
        assert Field.objects.count() == 0
        assert not AuditEntry.objects.filter(action="procedures.catalog_import").exists()

    def test_star_is_only_for_commune_level(self, ward):
        with pytest.raises(ValidationError) as caught:
            catalog_import(actor=None, records=[catalog_record(level="city", agencies="*")])

        assert caught.value.messages == ["Thủ tục 1.001193: chỉ thủ tục cấp xã mới được giao cho mọi phường, xã (“*”)."]

    @pytest.mark.parametrize("records", [None, "abc", {"code": "1"}, [None], [[]]])
    def test_garbage_is_a_validation_error(self, records):
        with pytest.raises(ValidationError):
            catalog_import(actor=None, records=records)

        assert Procedure.objects.count() == 0

    def test_renaming_a_field_reindexes_its_other_procedures(self, ward):
        catalog_import(actor=None, records=[catalog_record(), catalog_record(code="1.000002", name="Đăng ký kết hôn")])

        catalog_import(actor=None, records=[catalog_record(field={"code": "ho-tich", "name": "Hộ tịch, quốc tịch"})])

        assert Procedure.objects.get(code="1.000002").name_search == ("1.000002 dang ky ket hon ho tich, quoc tich")

    def test_only_platform_admin_or_system_may_import(self, ward):
        staff = StaffFactory()
        make_agency_admin(staff, ward)

        with pytest.raises(PermissionDenied):
            catalog_import(actor=staff, records=[catalog_record()])

        assert Procedure.objects.count() == 0
        admin = StaffFactory()
        make_platform_admin(admin)
        assert catalog_import(actor=admin, records=[catalog_record()])["created"] == 1


class TestProcedureUpdate:
    @pytest.fixture
    def setting(self, two_agencies):
        return {
            "admin_a": two_agencies.admin_a,
            "procedure_a": ProcedureFactory(agencies=[two_agencies.agency_a], fee=Decimal(50000)),
            "procedure_b": ProcedureFactory(agencies=[two_agencies.agency_b], fee=Decimal(50000)),
        }

    def test_agency_admin_edits_own_agency_procedure(self, setting):
        procedure = procedure_update(
            actor=setting["admin_a"],
            procedure=setting["procedure_a"],
            fee="30000",
            fee_online=0,
            online_level="partial",
            deadline_days="2.5",
            is_published=False,
        )

        procedure.refresh_from_db()
        assert (procedure.fee, procedure.fee_online, procedure.online_level) == (Decimal(30000), 0, "partial")
        assert (procedure.deadline_days, procedure.is_published) == (Decimal("2.5"), False)
        entry = AuditEntry.objects.get(action="procedures.update")
        assert entry.actor == setting["admin_a"]
        assert entry.object_id == str(procedure.pk)
        assert entry.data["changes"]["fee"] == {"from": "50000", "to": "30000"}
        assert entry.data["changes"]["is_published"] == {"from": True, "to": False}

    def test_agency_admin_cannot_edit_other_agency_procedure(self, setting):
        before = _state()

        with pytest.raises(PermissionDenied):
            procedure_update(actor=setting["admin_a"], procedure=setting["procedure_b"], fee=0)

        assert _state() == before
        assert not AuditEntry.objects.filter(action="procedures.update").exists()

    def test_citizen_cannot_edit(self, setting):
        citizen = StaffFactory(kind="citizen")
        make_agency_admin(citizen, setting["procedure_a"].agencies.get())

        with pytest.raises(PermissionDenied):
            procedure_update(actor=citizen, procedure=setting["procedure_a"], fee=0)

    def test_platform_admin_edits_any(self, setting):
        admin = StaffFactory()
        make_platform_admin(admin)

        procedure_update(actor=admin, procedure=setting["procedure_b"], fee_note="Miễn phí cho người có công")

        setting["procedure_b"].refresh_from_db()
        assert setting["procedure_b"].fee_note == "Miễn phí cho người có công"

    @pytest.mark.parametrize(
        ("changes", "errors"),
        [
            ({"fee": "-1"}, {"fee": ["Phí, lệ phí không được âm."]}),
            ({"fee": "abc"}, {"fee": ["Giá trị phải là một số."]}),
            ({"deadline_days": "NaN"}, {"deadline_days": ["Giá trị phải là một số."]}),
            ({"deadline_days": None}, {"deadline_days": ["Vui lòng nhập thời hạn giải quyết."]}),
            ({"is_published": "yes"}, {"is_published": ["Giá trị phải là đúng hoặc sai."]}),
            (
                {"form_schema": [{"name": "x", "label": "X", "type": "integer", "min": 3, "max": 1}]},
                {"form_schema": ["Trường “x”: giá trị tối thiểu lớn hơn giá trị tối đa."]},
            ),
        ],
    )
    def test_invalid_changes_are_refused(self, setting, changes, errors):
        before = _state()

        with pytest.raises(ValidationError) as caught:
            procedure_update(actor=setting["admin_a"], procedure=setting["procedure_a"], **changes)

        assert caught.value.message_dict == errors
        assert _state() == before

    def test_model_rules_apply(self, setting):
        with pytest.raises(ValidationError) as caught:
            procedure_update(actor=None, procedure=setting["procedure_a"], deadline_days="400", online_level="x")

        assert set(caught.value.message_dict) == {"deadline_days", "online_level"}

    def test_unknown_field_is_a_programming_error(self, setting):
        with pytest.raises(TypeError):
            procedure_update(actor=None, procedure=setting["procedure_a"], code="1.2")

    def test_no_change_writes_nothing(self, setting):
        procedure_update(actor=setting["admin_a"], procedure=setting["procedure_a"], fee=Decimal(50000))

        assert not AuditEntry.objects.filter(action="procedures.update").exists()

    def test_renaming_refreshes_search_text(self, setting):
        procedure = procedure_update(actor=None, procedure=setting["procedure_a"], name="Cấp phép xây dựng")

        assert procedure.name_search == f"{procedure.code} cap phep xay dung {fold(procedure.field.name)}"


class TestEffectiveFee:
    @pytest.mark.parametrize(
        ("fee", "fee_online", "online", "expected"),
        [
            (Decimal(50000), None, True, Decimal(50000)),
            (Decimal(50000), None, False, Decimal(50000)),
            (Decimal(50000), Decimal(0), True, Decimal(0)),
            (Decimal(50000), Decimal(0), False, Decimal(50000)),
            (Decimal(50000), Decimal(25000), True, Decimal(25000)),
        ],
    )
    def test_online_fee_when_set(self, fee, fee_online, online, expected):
        procedure = Procedure(fee=fee, fee_online=fee_online)

        assert effective_fee(procedure, online=online) == expected


class TestReindex:
    def test_field_upsert_renames_and_reindexes(self):
        field = FieldFactory(code="xay-dung", name="Xây dựng")
        procedure = ProcedureFactory(name="Cấp phép", field=field)

        field_upsert(actor=None, code="xay-dung", name="Quy hoạch")

        procedure.refresh_from_db()
        assert procedure.name_search == f"{procedure.code} cap phep quy hoach"
        assert AuditEntry.objects.get(action="procedures.field_update").data == {
            "code": "xay-dung",
            "name": "Quy hoạch",
        }
