"""Search and reads of the catalog."""

import pytest
from django.http import Http404

from congso.agencies.services import agency_upsert
from congso.procedures.selectors import (
    field_list,
    procedure_can_manage,
    procedure_get,
    procedure_get_manageable,
    procedure_search,
    procedures_manageable_by,
)
from congso.procedures.tests.factories import (
    AgencyFactory,
    FieldFactory,
    ProcedureFactory,
    RequiredDocumentFactory,
    StaffFactory,
    make_agency_admin,
    make_platform_admin,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog(ward):
    department = AgencyFactory(code="H29.S05", name="Sở Xây dựng")
    civil = FieldFactory(code="ho-tich", name="Hộ tịch")
    building = FieldFactory(code="xay-dung", name="Xây dựng")
    return {
        "birth": ProcedureFactory(code="1.001193", name="Đăng ký khai sinh", field=civil, agencies=[ward]),
        "marriage": ProcedureFactory(
            code="1.000894", name="Đăng ký kết hôn", field=civil, agencies=[ward], online_level="partial"
        ),
        "permit": ProcedureFactory(
            code="1.009994",
            name="Cấp giấy phép xây dựng nhà ở riêng lẻ",
            field=building,
            agencies=[department],
            level="city",
            online_level="none",
        ),
        "hidden": ProcedureFactory(
            code="1.000656", name="Đăng ký khai tử", field=civil, agencies=[ward], is_published=False
        ),
        "ward": ward,
        "department": department,
    }


def _codes(queryset) -> list[str]:
    return [procedure.code for procedure in queryset]


class TestProcedureSearch:
    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ("Đăng ký khai sinh", ["1.001193"]),
            ("dang ky khai sinh", ["1.001193"]),
            ("khai sinh", ["1.001193"]),
            ("KHAI  SINH ", ["1.001193"]),
            ("sinh khai", ["1.001193"]),
            ("1.001193", ["1.001193"]),
            ("đăng ký", ["1.000894", "1.001193"]),
            ("ho tich", ["1.000894", "1.001193"]),
            ("ben thanh ket hon", ["1.000894"]),
            ("so xay dung", ["1.009994"]),
            ("khai sinh xay dung", []),
            ("khai tu", []),
            ("", ["1.009994", "1.000894", "1.001193"]),
        ],
    )
    def test_every_word_must_match_without_diacritics(self, catalog, query, expected):
        assert _codes(procedure_search(query=query)) == expected

    def test_filters(self, catalog):
        assert _codes(procedure_search(field="ho-tich")) == ["1.000894", "1.001193"]
        assert _codes(procedure_search(agency="H29.S05")) == ["1.009994"]
        assert _codes(procedure_search(level="city")) == ["1.009994"]
        assert _codes(procedure_search(online_level="partial")) == ["1.000894"]
        assert _codes(procedure_search(query="dang ky", online_level="full", field="ho-tich")) == ["1.001193"]

    def test_unknown_filter_values_find_nothing(self, catalog):
        assert _codes(procedure_search(field="khong-co", level="tinh", query="%_")) == []


class TestReads:
    def test_procedure_get_only_published(self, catalog):
        RequiredDocumentFactory(procedure=catalog["birth"], name="Giấy chứng sinh")

        procedure = procedure_get("1.001193")

        assert [d.name for d in procedure.documents.all()] == ["Giấy chứng sinh"]
        with pytest.raises(Http404):
            procedure_get("1.000656")
        with pytest.raises(Http404):
            procedure_get("không có")

    def test_field_list_counts_published(self, catalog):
        assert [(f.code, f.procedure_count) for f in field_list()] == [("ho-tich", 2), ("xay-dung", 1)]

    def test_manageable_by_agency_admin(self, catalog):
        staff = StaffFactory()
        make_agency_admin(staff, catalog["ward"])

        assert _codes(procedures_manageable_by(staff)) == ["1.000894", "1.001193", "1.000656"]
        assert _codes(procedures_manageable_by(staff, query="khai")) == ["1.001193", "1.000656"]
        assert procedure_can_manage(staff, catalog["birth"]) is True
        assert procedure_can_manage(staff, catalog["permit"]) is False
        with pytest.raises(Http404):
            procedure_get_manageable(staff, "1.009994")

    def test_manageable_by_platform_admin_and_nobody_else(self, catalog):
        admin = StaffFactory()
        make_platform_admin(admin)

        assert len(_codes(procedures_manageable_by(admin))) == 4
        assert _codes(procedures_manageable_by(StaffFactory())) == []


def test_search_by_agency_name_follows_an_agency_rename(db):
    agency = agency_upsert(actor=None, code="000.00.01.H29", name="Sở Cũ", kind="department")
    ProcedureFactory(name="Cấp phép", agencies=[agency])

    agency_upsert(actor=None, code="000.00.01.H29", name="Sở Mới", kind="department")

    assert [procedure.name for procedure in procedure_search(query="so moi")] == ["Cấp phép"]
    assert not procedure_search(query="so cu").exists()
