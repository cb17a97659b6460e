"""Public catalog pages, the application form and the back-office editor, through the Django test client."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from congso.core.models import AuditEntry
from congso.procedures.models import Procedure
from congso.procedures.tests.factories import (
    AgencyFactory,
    CitizenFactory,
    FieldFactory,
    ProcedureFactory,
    RequiredDocumentFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db

SEARCH = reverse("procedures:search")


@pytest.fixture
def birth(birth_procedure):
    procedure = birth_procedure
    RequiredDocumentFactory(procedure=procedure, name="Tờ khai đăng ký khai sinh", accepted_types=["pdf"], order=1)
    RequiredDocumentFactory(
        procedure=procedure, name="Văn bản ủy quyền", is_mandatory=False, accepted_types=["pdf", "png"], order=2
    )
    return procedure


class TestSearchPage:
    def test_lists_matches_without_diacritics(self, client, birth):
        ProcedureFactory(name="Cấp giấy phép xây dựng")

        response = client.get(SEARCH, {"q": "dang ky khai sinh"})

        assert response.status_code == 200
        html = response.content.decode()
        assert "Tìm thấy 1 thủ tục" in html
        assert "Đăng ký khai sinh" in html
        assert reverse("procedures:detail", args=["1.001193"]) in html
        assert "Cấp giấy phép xây dựng" not in html
        assert list(response.context["page_obj"].object_list) == [birth]

    def test_facets_filter(self, client, birth):
        ProcedureFactory(name="Đăng ký kết hôn", online_level="partial")

        response = client.get(SEARCH, {"q": "đăng ký", "field": "ho-tich", "online": "full", "level": "commune"})

        assert list(response.context["page_obj"].object_list) == [birth]
        assert 'value="ho-tich" selected' in response.content.decode()

    def test_empty_state_gives_advice(self, client, birth):
        response = client.get(SEARCH, {"q": "khong co thu tuc nao"})

        html = response.content.decode()
        assert "Tìm thấy 0 thủ tục" in html
        assert "Không tìm thấy thủ tục phù hợp" in html
        assert "gõ không dấu" in html

    def test_paginates_by_twenty(self, client):
        field = FieldFactory()
        for number in range(45):
            ProcedureFactory(name=f"Thủ tục {number:02d}", field=field)

        first = client.get(SEARCH)
        last = client.get(SEARCH, {"page": "3"})

        assert len(first.context["page_obj"].object_list) == 20
        assert [p.name for p in last.context["page_obj"].object_list] == [f"Thủ tục {n}" for n in range(40, 45)]
        assert "Đang xem 41–45 trên tổng số 45" in last.content.decode()

    @pytest.mark.parametrize(
        "params",
        [
            {"page": "abc"},
            {"page": "-1"},
            {"page": "99999999999999999999"},
            {"field": "khong-co", "agency": "<script>", "level": "x", "online": "y"},
            {"q": "x" * 1000},
            {"q": "%_\\'\"; DROP TABLE"},
            {"q": "\x01\x1f"},
        ],
    )
    def test_garbage_parameters_never_fail(self, client, birth, params):
        response = client.get(SEARCH, params)

        assert response.status_code == 200

    def test_htmx_gets_only_the_results(self, client, birth):
        response = client.get(SEARCH, {"q": "khai sinh"}, headers={"HX-Request": "true"})

        html = response.content.decode()
        assert "Tìm thấy 1 thủ tục" in html
        assert "<html" not in html
        assert response.templates[0].name == "procedures/_results.html"

    def test_query_count_does_not_grow_with_results(self, client):
        agency = AgencyFactory()
        for number in range(3):
            ProcedureFactory(name=f"Thủ tục {number}", agencies=[agency])
        with CaptureQueriesContext(connection) as few:
            client.get(SEARCH, {"q": "thu tuc"})
        for number in range(3, 25):
            ProcedureFactory(name=f"Thủ tục {number}", agencies=[agency], field=FieldFactory())

        with CaptureQueriesContext(connection) as many:
            response = client.get(SEARCH, {"q": "thu tuc"})

        assert len(response.context["page_obj"].object_list) == 20
        assert len(many) == len(few)
        assert len(many) <= 6


class TestDetailPage:
    def test_shows_fee_deadline_and_documents(self, client, birth):
        response = client.get(reverse("procedures:detail", args=["1.001193"]))

        assert response.status_code == 200
        html = response.content.decode()
        assert "<h1>Đăng ký khai sinh</h1>" in html
        assert "0,5 ngày làm việc" in html
        assert "8.000\xa0đ" in html
        assert "Miễn phí khi nộp trực tuyến" in html
        assert "Tờ khai đăng ký khai sinh" in html
        assert "Không bắt buộc" in html
        assert "PDF, PNG" in html
        assert "UBND phường Bến Thành" in html
        assert "Luật Hộ tịch 2014" in html
        assert reverse("procedures:apply", args=["1.001193"]) in html
        assert "Nộp hồ sơ trực tuyến" in html

    def test_whole_day_deadline_and_paid_online(self, client):
        ProcedureFactory(code="2.1", deadline_days=Decimal(15), fee=Decimal(1500000), online_level="partial")

        html = client.get(reverse("procedures:detail", args=["2.1"])).content.decode()

        assert "15 ngày làm việc" in html
        assert "1.500.000\xa0đ" in html
        assert "Miễn phí khi nộp trực tuyến" not in html

    def test_no_online_service_hides_the_button(self, client):
        ProcedureFactory(code="2.2", online_level="none")

        html = client.get(reverse("procedures:detail", args=["2.2"])).content.decode()

        assert "Thủ tục này chưa được cung cấp trực tuyến" in html
        assert reverse("procedures:apply", args=["2.2"]) not in html

    def test_unpublished_and_unknown_are_404(self, client):
        ProcedureFactory(code="2.3", is_published=False)

        assert client.get(reverse("procedures:detail", args=["2.3"])).status_code == 404
        assert client.get(reverse("procedures:detail", args=["không-có"])).status_code == 404


VALID = {
    "child_full_name": "Nguyễn Thị An",
    "child_birth_date": "2026-03-01",
    "child_sex": "nu",
    "mother_personal_id": "079190012345",
    "phone": "0912 345 678",
    "copies": "2",
    "agree": "on",
    "hs-applicant_phone": "0912 345 678",
    "_action": "check",
}


class TestApplyPage:
    def url(self, code="1.001193"):
        return reverse("procedures:apply", args=[code])

    def test_requires_login(self, client, birth):
        response = client.get(self.url())

        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))

    def test_renders_form_and_documents(self, client, birth):
        client.force_login(CitizenFactory())

        response = client.get(self.url())

        html = response.content.decode()
        assert response.status_code == 200
        assert '<label for="id_child_full_name">Họ, chữ đệm, tên của trẻ' in html
        assert 'type="date"' in html
        assert 'type="tel"' in html
        assert "Tờ khai đăng ký khai sinh" in html
        assert "Kiểm tra thông tin" in html

    def test_errors_in_vietnamese(self, client, birth):
        client.force_login(CitizenFactory())

        response = client.post(self.url(), {"child_full_name": "", "mother_personal_id": "12", "copies": "11"})

        html = response.content.decode()
        assert response.status_code == 200
        assert 'class="error-summary"' in html
        assert "Vui lòng nhập “Họ, chữ đệm, tên của trẻ”." in html
        assert "Vui lòng chọn “Giới tính”." in html
        assert "Số định danh cá nhân phải gồm đúng 12 chữ số." in html
        assert "Giá trị phải nhỏ hơn hoặc bằng 10." in html

    @pytest.mark.parametrize(
        "data",
        [
            {"child_birth_date": "99999-99-99", "copies": "1e999", "child_sex": ["a", "b"]},
            {"child_full_name": "\x01\x1f", "mother_personal_id": "x" * 5000, "agree": "maybe"},
            {"_action": "edit", "child_birth_date": "not a date"},
        ],
    )
    def test_garbage_never_fails(self, client, birth, data):
        client.force_login(CitizenFactory())

        assert client.post(self.url(), data).status_code == 200

    def test_valid_form_shows_check_page(self, client, birth):
        client.force_login(CitizenFactory())

        response = client.post(self.url(), VALID)

        html = response.content.decode()
        assert response.templates[0].name == "procedures/apply_check.html"
        assert "<h1>Kiểm tra thông tin</h1>" in html
        assert "<dd>01/03/2026</dd>" in html
        assert "<dd>Nữ</dd>" in html
        assert "<dd>0912345678</dd>" in html
        assert "<dd>Có</dd>" in html
        assert '<input type="hidden" name="child_birth_date" value="2026-03-01">' in html
        assert 'enctype="multipart/form-data"' in html
        assert "Nộp hồ sơ" in html

    def test_edit_brings_values_back_without_errors(self, client, birth):
        client.force_login(CitizenFactory())

        response = client.post(self.url(), {**VALID, "_action": "edit"})

        html = response.content.decode()
        assert response.templates[0].name == "procedures/apply.html"
        assert 'value="Nguyễn Thị An"' in html
        assert "error-summary" not in html

    def test_staff_cannot_apply(self, client, birth):
        client.force_login(StaffFactory())

        response = client.get(self.url())

        assert response.status_code == 403
        assert "Tài khoản cán bộ không nộp hồ sơ" in response.content.decode()

    def test_not_online(self, client):
        ProcedureFactory(code="2.2", online_level="none")
        client.force_login(CitizenFactory())

        response = client.get(self.url("2.2"))

        assert "chưa được cung cấp trực tuyến" in response.content.decode()
        assert "<form" not in response.content.decode().split('id="main"')[1]


class TestBackOffice:
    @pytest.fixture
    def setting(self, client, login_staff, two_agencies):
        login_staff(client, two_agencies.admin_a)
        agency_a, agency_b = two_agencies.agency_a, two_agencies.agency_b
        return {
            "admin_a": two_agencies.admin_a,
            "procedure_a": ProcedureFactory(code="3.A", name="Thủ tục A", agencies=[agency_a], fee=Decimal(100)),
            "procedure_b": ProcedureFactory(code="3.B", name="Thủ tục B", agencies=[agency_b], fee=Decimal(100)),
        }

    def test_list_shows_only_manageable(self, client, setting):
        response = client.get(reverse("procedures:manage_list"))

        assert response.status_code == 200
        assert list(response.context["page_obj"].object_list) == [setting["procedure_a"]]

    def test_edit_own_procedure(self, client, setting):
        url = reverse("procedures:manage_edit", args=["3.A"])
        assert client.get(url).status_code == 200

        response = client.post(
            url, {"online_level": "partial", "deadline_days": "2.5", "fee": "20000", "fee_online": "0", "fee_note": ""}
        )

        assert response.status_code == 302
        assert response["Location"] == reverse("procedures:manage_list")
        procedure = Procedure.objects.get(code="3.A")
        assert (procedure.online_level, procedure.deadline_days, procedure.fee) == ("partial", Decimal("2.5"), 20000)
        assert procedure.fee_online == 0
        assert procedure.is_published is False
        assert AuditEntry.objects.filter(action="procedures.update", actor=setting["admin_a"]).count() == 1

    def test_invalid_edit_shows_errors_and_changes_nothing(self, client, setting):
        response = client.post(
            reverse("procedures:manage_edit", args=["3.A"]),
            {"online_level": "x", "deadline_days": "0.2", "fee": "-5", "is_published": "on"},
        )

        assert response.status_code == 200
        assert 'class="error-summary"' in response.content.decode()
        assert set(response.context["form"].errors) == {"online_level", "deadline_days", "fee"}
        assert Procedure.objects.get(code="3.A").fee == 100

    def test_other_agency_procedure_is_404(self, client, setting):
        url = reverse("procedures:manage_edit", args=["3.B"])

        assert client.get(url).status_code == 404
        assert client.post(url, {"online_level": "none", "deadline_days": "1", "fee": "0"}).status_code == 404
        procedure = Procedure.objects.get(code="3.B")
        assert (procedure.online_level, procedure.fee) == ("full", 100)

    def test_citizen_is_refused(self, client, birth):
        client.force_login(CitizenFactory())

        assert client.get(reverse("procedures:manage_list")).status_code == 403

    def test_anonymous_goes_to_login(self, client):
        response = client.get(reverse("procedures:manage_list"))

        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


class TestNulInTheCode:
    """A code holding a NUL character is refused before any query (PostgreSQL would fail on it): 400."""

    def test_public_pages(self, client, birth):
        client.force_login(CitizenFactory())

        assert client.get("/procedures/1.001193%00/").status_code == 400
        assert client.get("/procedures/1.001193%00/apply/").status_code == 400

    def test_back_office_editor(self, client, login_staff, two_agencies):
        ProcedureFactory(code="3.A", agencies=[two_agencies.agency_a])
        login_staff(client, two_agencies.admin_a)

        assert client.get("/procedures/manage/3.A%00/").status_code == 400
        assert client.post("/procedures/manage/3.A%00/", {"fee": "1"}).status_code == 400
