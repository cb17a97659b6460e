"""The /api/v1/procedures/ endpoints."""

import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from congso.accounts.services import api_token_create
from congso.core.models import AuditEntry
from congso.procedures.models import Procedure
from congso.procedures.tests.factories import (
    FieldFactory,
    ProcedureFactory,
    ProcessingStepFactory,
    RequiredDocumentFactory,
)

pytestmark = pytest.mark.django_db

BASE = "/api/v1/procedures/"


@pytest.fixture
def birth(birth_procedure):
    procedure = birth_procedure
    RequiredDocumentFactory(procedure=procedure, name="Tờ khai", accepted_types=["pdf", "png"], order=1)
    ProcessingStepFactory(procedure=procedure, order=1, name="Xử lý", role="specialist", share_percent=100)
    return procedure


class TestList:
    def test_search_without_diacritics(self, client, birth):
        ProcedureFactory(name="Cấp giấy phép xây dựng")

        response = client.get(BASE, {"q": "dang ky khai sinh"})

        assert response.status_code == 200
        assert response.json() == {
            "count": 1,
            "page": 1,
            "pages": 1,
            "items": [
                {
                    "code": "1.001193",
                    "name": "Đăng ký khai sinh",
                    "field": {"code": "ho-tich", "name": "Hộ tịch"},
                    "level": "commune",
                    "online_level": "full",
                    "deadline_days": "0.5",
                    "fee": "8000",
                    "fee_online": "0",
                }
            ],
        }

    def test_filters_and_pagination(self, client, birth):
        field = FieldFactory(code="xay-dung")
        for number in range(5):
            ProcedureFactory(name=f"Cấp phép {number}", field=field, level="city")

        page = client.get(BASE, {"field": "xay-dung", "level": "city", "page": 2, "page_size": 2}).json()

        assert (page["count"], page["page"], page["pages"]) == (5, 2, 3)
        assert [item["name"] for item in page["items"]] == ["Cấp phép 2", "Cấp phép 3"]
        assert client.get(BASE, {"page": 9}).json()["items"] == []
        assert client.get(BASE, {"agency": "H29.P001"}).json()["count"] == 1
        assert client.get(BASE, {"online": "none"}).json()["count"] == 0

    @pytest.mark.parametrize(
        "params", [{"page": "abc"}, {"page": 0}, {"page_size": 1000}, {"level": "tinh"}, {"q": "x" * 300}]
    )
    def test_bad_parameters_are_422(self, client, params):
        response = client.get(BASE, params)

        assert response.status_code == 422
        assert response.json()["error"]["code"] == "invalid"

    def test_query_count_is_bounded(self, client):
        for number in range(30):
            ProcedureFactory(name=f"Thủ tục {number}")

        with CaptureQueriesContext(connection) as queries:
            response = client.get(BASE, {"page_size": 30})

        assert len(response.json()["items"]) == 30
        assert len(queries) <= 3


def test_fields_with_counts(client, birth):
    ProcedureFactory(field=FieldFactory(code="an", name="An ninh"), is_published=False)

    response = client.get(f"{BASE}fields")

    assert response.json() == [{"code": "ho-tich", "name": "Hộ tịch", "procedure_count": 1}]


class TestDetail:
    def test_full_detail(self, client, birth):
        body = client.get(f"{BASE}1.001193").json()

        assert body["code"] == "1.001193"
        assert body["effective_fee_direct"] == "8000"
        assert body["effective_fee_online"] == "0"
        assert body["agencies"] == [{"code": "H29.P001", "name": "UBND phường Bến Thành"}]
        assert body["documents"] == [
            {"name": "Tờ khai", "is_mandatory": True, "accepted_types": ["pdf", "png"], "copies": "01 bản chính"}
        ]
        assert body["steps"] == [{"order": 1, "name": "Xử lý", "role": "specialist", "share_percent": 100}]
        assert [field["name"] for field in body["form_schema"]][:2] == ["child_full_name", "child_birth_date"]

    def test_unknown_and_unpublished_are_404(self, client):
        ProcedureFactory(code="2.1", is_published=False)

        for code in ("2.1", "khong-co"):
            response = client.get(f"{BASE}{code}")
            assert response.status_code == 404
            assert response.json()["error"]["code"] == "not_found"


class TestValidateForm:
    url = f"{BASE}1.001193/validate-form"

    def post(self, client, body):
        return client.post(self.url, data=json.dumps(body), content_type="application/json")

    def test_valid_returns_cleaned_values(self, client, birth):
        data = {
            "child_full_name": "Nguyễn Thị An",
            "child_birth_date": "2026-03-01",
            "child_sex": "nu",
            "mother_personal_id": "079190012345",
            "copies": 1,
            "agree": True,
        }

        response = self.post(client, {"data": data})

        assert response.status_code == 200
        assert response.json() == {"data": {**data, "phone": ""}}

    def test_invalid_returns_field_errors(self, client, birth):
        response = self.post(client, {"data": {"child_sex": "x", "copies": "ba", "agree": "maybe"}})

        assert response.status_code == 422
        error = response.json()["error"]
        assert error["code"] == "invalid_form"
        assert error["message"] == "Tờ khai chưa hợp lệ"
        assert error["fields"]["child_full_name"] == ["Vui lòng nhập “Họ, chữ đệm, tên của trẻ”."]
        assert error["fields"]["child_sex"] == ["Lựa chọn không hợp lệ."]
        assert error["fields"]["copies"] == ["Vui lòng nhập một số nguyên."]
        assert error["fields"]["agree"] == ["Giá trị không hợp lệ."]

    @pytest.mark.parametrize(
        ("body", "status"),
        [("không phải JSON", 400), ("[]", 422), ('{"data": 5}', 422), ('{"data": {"copies": {"a": [1]}}}', 422)],
    )
    def test_garbage_body_is_refused(self, client, birth, body, status):
        response = client.post(self.url, data=body, content_type="application/json")

        assert response.status_code == status
        assert set(response.json()["error"]) == {"code", "message", "fields"}


class TestPatch:
    @pytest.fixture
    def setting(self, two_agencies):
        ProcedureFactory(code="3.A", agencies=[two_agencies.agency_a], fee=Decimal(100))
        ProcedureFactory(code="3.B", agencies=[two_agencies.agency_b], fee=Decimal(100))
        ProcedureFactory(code="3.C", agencies=[two_agencies.agency_b], is_published=False)
        return two_agencies.admin_a

    def patch(self, client, code, body, **headers):
        return client.patch(f"{BASE}{code}", data=json.dumps(body), content_type="application/json", headers=headers)

    def test_requires_authentication(self, client, setting):
        response = self.patch(client, "3.A", {"fee": "0"})

        assert response.status_code == 401
        assert Procedure.objects.get(code="3.A").fee == 100

    def test_agency_admin_edits_own_procedure_with_session(self, client, login_staff, setting):
        login_staff(client, setting)

        response = self.patch(client, "3.A", {"fee": "25000", "fee_online": "0", "is_published": False})

        assert response.status_code == 200
        body = response.json()
        assert (body["fee"], body["fee_online"], body["is_published"]) == ("25000", "0", False)
        assert body["effective_fee_online"] == "0"
        assert AuditEntry.objects.filter(action="procedures.update", actor=setting).count() == 1

    def test_agency_admin_edits_with_bearer_token(self, client, setting):
        _token, key = api_token_create(user=setting, name="ứng dụng")

        response = self.patch(client, "3.A", {"deadline_days": "1.5"}, Authorization=f"Bearer {key}")

        assert response.status_code == 200
        assert response.json()["deadline_days"] == "1.5"

    def test_other_agency_procedure_is_refused(self, client, login_staff, setting):
        login_staff(client, setting)

        published = self.patch(client, "3.B", {"fee": "0"})
        unpublished = self.patch(client, "3.C", {"fee": "0"})

        assert published.status_code == 403
        assert published.json()["error"]["code"] == "forbidden"
        assert unpublished.status_code == 404
        assert Procedure.objects.get(code="3.B").fee == 100
        assert not AuditEntry.objects.filter(action="procedures.update").exists()

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"fee": "-1"}, "fee"),
            ({"fee": "abc"}, "fee"),
            ({"online_level": "tinh"}, "online_level"),
            ({"deadline_days": "400"}, "deadline_days"),
            ({"code": "1.2"}, "code"),
            ({"form_schema": [{"name": "x", "label": "X", "type": "slider"}]}, "form_schema"),
        ],
    )
    def test_invalid_changes_are_422(self, client, login_staff, setting, body, field):
        login_staff(client, setting)

        response = self.patch(client, "3.A", body)

        assert response.status_code == 422
        assert field in response.json()["error"]["fields"]
        assert Procedure.objects.get(code="3.A").fee == 100


class TestNulCharacters:
    """PostgreSQL stores no NUL character: a code, filter or text holding one is refused whole (400), never a 500."""

    def test_code_with_a_nul_is_not_found(self, client, birth):
        assert client.get(f"{BASE}1.001193%00").status_code == 400
        assert (
            client.post(f"{BASE}1.0%00/validate-form", {"data": {}}, content_type="application/json").status_code == 400
        )

    def test_filters_with_a_nul_find_nothing(self, client, birth):
        for params in ({"agency": "H29.P001\x00"}, {"field": "ho-tich\x00"}):
            response = client.get(BASE, params)

            assert response.status_code == 400
            assert response.json()["error"]["code"] == "null_characters_not_allowed"

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"name": "Đăng ký\x00"}, "name"),
            ({"fee_note": "\x00"}, "fee_note"),
            ({"form_schema": [{"name": "x", "label": "X\x00", "type": "text"}]}, "form_schema"),
            (
                {"form_schema": [{"name": "x", "label": "X", "type": "select", "choices": [["a", "\x00"]]}]},
                "form_schema",
            ),
        ],
    )
    def test_texts_with_a_nul_are_refused(self, client, login_staff, two_agencies, body, field):
        ProcedureFactory(code="3.A", name="Thủ tục A", agencies=[two_agencies.agency_a])
        login_staff(client, two_agencies.admin_a)

        response = client.patch(f"{BASE}3.A", data=json.dumps(body), content_type="application/json")

        assert response.status_code == 400
        assert response.json()["error"]["code"] == "null_characters_not_allowed"
        assert Procedure.objects.get(code="3.A").name == "Thủ tục A"
        assert not AuditEntry.objects.filter(action="procedures.update").exists()
