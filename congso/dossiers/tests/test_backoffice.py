"""The back office for dossiers: queue, export, detail, every staff action through the views, walk-in intake."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from congso.accounts.tests.factories import StaffFactory
from congso.agencies.models import CityRole, Membership
from congso.agencies.tests.factories import AgencyFactory, CityRoleFactory, MembershipFactory
from congso.core.models import AuditEntry
from congso.dossiers import services
from congso.dossiers.backoffice_forms import next_working_day
from congso.dossiers.models import Dossier, DossierApology, DossierFile, DossierMessage
from congso.dossiers.tests.factories import (
    agency_staff,
    awaiting_approval_dossier,
    online_procedure,
    pdf_upload,
    processing_dossier,
    released_dossier,
    submitted_dossier,
    supplement_requested_dossier,
)

pytestmark = pytest.mark.django_db
State = Dossier.State
QUEUE = "/backoffice/dossiers/"


@pytest.fixture
def office():
    """Ward A with its desk officer, specialist and leader, a free and a paid procedure; ward B next door."""
    agency = AgencyFactory(code="H29.90", name="UBND phường Thử Nghiệm")
    other = AgencyFactory(code="H29.91", name="UBND phường Bên Cạnh")
    procedure = online_procedure(agencies=[agency], name="Cấp bản sao trích lục")
    paid = online_procedure(agencies=[agency], name="Chứng thực chữ ký", fee=Decimal(20000))
    return type(
        "Office",
        (),
        {
            "agency": agency,
            "other": other,
            "procedure": procedure,
            "paid": paid,
            "staff": agency_staff(agency),
            "other_staff": agency_staff(other),
        },
    )


def _action_url(dossier: Dossier, name: str) -> str:
    return reverse("backoffice_dossiers:action", args=[dossier.pk, name])


def _detail_url(dossier: Dossier) -> str:
    return reverse("backoffice_dossiers:detail", args=[dossier.pk])


def _snapshot(dossier: Dossier) -> tuple:
    fresh = Dossier.objects.get(pk=dossier.pk)
    return (
        fresh.state,
        fresh.events.count(),
        fresh.assignee_id,
        fresh.agency_id,
        fresh.payment_status,
        fresh.appointment_at,
        fresh.files.count(),
    )


def _set_due(dossier: Dossier, due_at) -> None:
    Dossier.objects.filter(pk=dossier.pk).update(due_at=due_at)


# --- queue --------------------------------------------------------------------------------------------------


def test_queue_sorts_by_deadline_and_colours_rows_with_text_labels(client, login_staff, office):
    # Given three dossiers in processing: one late, one due within a working day, one with time to spare
    now = timezone.now()
    late = processing_dossier(procedure=office.procedure)
    soon = processing_dossier(procedure=office.procedure)
    spare = processing_dossier(procedure=office.procedure)
    _set_due(late, now - timedelta(days=2))
    _set_due(soon, now + timedelta(minutes=30))
    _set_due(spare, now + timedelta(days=60))
    login_staff(client, office.staff.leader)

    # When the leader opens the "processing" tab
    html = client.get(QUEUE, {"tab": "processing"}).content.decode()

    # Then the most urgent comes first, each row coloured and labelled
    positions = [html.index(d.receipt_code) for d in (late, soon, spare)]
    assert positions == sorted(positions)
    assert 'class="queue-row queue-row--late"' in html
    assert 'class="queue-row queue-row--due-soon"' in html
    assert 'class="queue-row queue-row--on-time"' in html
    assert html.count("Quá hạn</span>") == 1
    assert html.count("Sắp đến hạn</span>") == 1
    assert html.count("Trong hạn</span>") == 1


def test_queue_default_tab_follows_the_role_and_counts_every_tab(client, login_staff, office):
    # Given one submitted dossier, one in processing assigned to the specialist, one awaiting approval
    submitted_dossier(procedure=office.procedure)
    mine = processing_dossier(procedure=office.procedure)
    services.dossier_assign(actor=office.staff.leader, dossier=mine, assignee=office.staff.specialist)
    awaiting_approval_dossier(procedure=office.procedure)

    # When each role opens the queue without choosing a tab
    login_staff(client, office.staff.desk)
    desk = client.get(QUEUE)
    login_staff(client, office.staff.specialist)
    specialist = client.get(QUEUE)
    login_staff(client, office.staff.leader)
    leader = client.get(QUEUE)

    # Then each lands on their own work, with the count of every tab
    assert desk.context["tab"].key == "reception"
    assert specialist.context["tab"].key == "mine"
    assert leader.context["tab"].key == "approval"
    counts = {tab.key: count for tab, count in desk.context["tabs"]}
    assert counts == {
        "reception": 1,
        "mine": 0,
        "processing": 1,
        "approval": 1,
        "waiting": 0,
        "release": 0,
        "open": 3,
        "all": 3,
    }
    assert {t.key: c for t, c in specialist.context["tabs"]}["mine"] == 1
    assert [d.pk for d in specialist.context["page_obj"].object_list] == [mine.pk]


def test_queue_filters_by_text_channel_procedure_deadline_and_date(client, login_staff, office):
    # Given an online dossier for the free procedure and a walk-in for the paid one
    online = submitted_dossier(
        procedure=office.procedure, contact=services.Contact(name="Trần Thị Bích", phone="0987654321")
    )
    walk_in = services.dossier_intake(
        officer=office.staff.desk,
        agency=office.agency,
        procedure=office.paid,
        data={"full_name": "Lê Văn Cường"},
        files={},
        contact=services.Contact(name="Lê Văn Cường", phone="0911222333", id_number="079090012345"),
    )
    login_staff(client, office.staff.desk)

    def codes(**params) -> set[str]:
        response = client.get(QUEUE, {"tab": "all", **params})
        assert response.status_code == 200
        return {d.receipt_code for d in response.context["page_obj"].object_list}

    # Then each filter narrows the list
    assert codes() == {online.receipt_code, walk_in.receipt_code}
    assert codes(q=online.receipt_code.lower()) == {online.receipt_code}
    assert codes(q="0911222333") == {walk_in.receipt_code}
    assert codes(q="079090012345") == {walk_in.receipt_code}
    assert codes(channel="counter") == {walk_in.receipt_code}
    assert codes(procedure=office.procedure.pk) == {online.receipt_code}
    assert codes(sla="on_time") | codes(sla="due_soon") == {walk_in.receipt_code}
    assert codes(sla="late") == set()
    today = timezone.localdate()
    assert codes(submitted_from=today.isoformat(), submitted_to=today.isoformat()) == {
        online.receipt_code,
        walk_in.receipt_code,
    }
    assert codes(submitted_to=(today - timedelta(days=1)).isoformat()) == set()


@pytest.mark.parametrize("query", ["Trần Thị Bích", "tran thi bich"])
def test_queue_finds_an_applicant_by_name_with_or_without_accents(client, login_staff, office, query):
    wanted = submitted_dossier(
        procedure=office.procedure, contact=services.Contact(name="Trần Thị Bích", phone="0987654321")
    )
    submitted_dossier(procedure=office.procedure, contact=services.Contact(name="Trần Văn Thi", phone="0987654322"))
    login_staff(client, office.staff.desk)

    response = client.get(QUEUE, {"tab": "all", "q": query})

    assert [d.pk for d in response.context["page_obj"].object_list] == [wanted.pk]


def test_queue_bad_filters_are_reported_and_ignored(client, login_staff, office):
    dossier = submitted_dossier(procedure=office.procedure)
    login_staff(client, office.staff.desk)

    response = client.get(
        QUEUE,
        {"tab": "nonsense", "procedure": "x" * 50, "submitted_from": "31/12/9999", "sla": "<script>", "page": "-1"},
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Có lỗi cần sửa" in html
    assert "<script>" not in html
    assert dossier.receipt_code in html


def test_queue_agency_filter_offers_only_the_users_agencies(client, login_staff, office):
    other_procedure = online_procedure(agencies=[office.other])
    mine = submitted_dossier(procedure=office.procedure)
    theirs = submitted_dossier(procedure=other_procedure)
    MembershipFactory(user=office.staff.desk, agency=office.other, role=Membership.Role.DESK_OFFICER)
    login_staff(client, office.staff.desk)

    response = client.get(QUEUE, {"tab": "all", "agency": office.other.pk})

    assert [d.pk for d in response.context["page_obj"].object_list] == [theirs.pk]
    choices = [value for value, _label in response.context["form"].fields["agency"].choices]
    assert choices == ["", str(office.agency.pk), str(office.other.pk)]
    assert mine.receipt_code not in response.content.decode()


def test_queue_hides_other_agencies_dossiers_and_shows_an_empty_state(client, login_staff, office):
    submitted_dossier(procedure=office.procedure)
    login_staff(client, office.other_staff.desk)

    html = client.get(QUEUE, {"tab": "all"}).content.decode()

    assert "Không có hồ sơ nào trong nhóm này" in html


def test_queue_paginates_by_25_with_a_bounded_number_of_queries(
    client, login_staff, office, django_assert_max_num_queries
):
    for _ in range(27):
        submitted_dossier(procedure=office.procedure)
    login_staff(client, office.staff.desk)
    client.get(QUEUE)  # warm the session and the calendar caches

    with django_assert_max_num_queries(17):
        first = client.get(QUEUE, {"tab": "reception"})
    with django_assert_max_num_queries(17):
        second = client.get(QUEUE, {"tab": "reception", "page": 2})

    assert len(first.context["page_obj"].object_list) == 25
    assert len(second.context["page_obj"].object_list) == 2
    assert 'rel="next"' in first.content.decode()


def test_queue_answers_htmx_with_the_results_only(client, login_staff, office):
    submitted_dossier(procedure=office.procedure)
    login_staff(client, office.staff.desk)

    html = client.get(QUEUE, {"tab": "reception"}, HTTP_HX_REQUEST="true").content.decode()

    assert 'id="queue-tabs"' in html
    assert "<html" not in html


def test_back_office_navigation_links_to_the_queue(client, login_staff, office):
    login_staff(client, office.staff.desk)

    html = client.get("/backoffice/").content.decode()

    assert f'<li><a href="{QUEUE}">Hồ sơ</a></li>' in html


# --- export ---------------------------------------------------------------------------------------------------


def test_csv_export_has_a_bom_the_columns_and_only_the_filtered_rows_and_is_audited(client, login_staff, office):
    # Given a paid walk-in and a free online dossier
    walk_in = services.dossier_intake(
        officer=office.staff.desk,
        agency=office.agency,
        procedure=office.paid,
        data={"full_name": "=HYPERLINK(1)"},
        files={},
        contact=services.Contact(name="=cmd|' /C calc'!A0", phone="0911222333"),
    )
    submitted_dossier(procedure=office.procedure)
    login_staff(client, office.staff.desk)

    # When the desk officer exports the counter dossiers
    response = client.get(reverse("backoffice_dossiers:export_csv"), {"tab": "all", "channel": "counter"})

    # Then the CSV opens in Excel (BOM), has the columns and one row, formulas neutralised
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="ho-so-')
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(content.lstrip("\ufeff"))))
    assert rows[0][:3] == ["Mã hồ sơ", "Mã thủ tục", "Tên thủ tục"]
    assert len(rows) == 2
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["Mã hồ sơ"] == walk_in.receipt_code
    assert record["Người nộp"] == "'=cmd|' /C calc'!A0"
    assert record["Hình thức nộp"] == "Trực tiếp tại bộ phận một cửa"
    assert record["Trạng thái"] == "Đang xử lý"
    assert record["Mã trạng thái quốc gia"] == "4"
    assert record["Phí, lệ phí (đồng)"] == "20000"
    assert record["Tình trạng nộp phí"] == "Chưa nộp"
    assert record["Hạn giải quyết"]
    entry = AuditEntry.objects.filter(action="dossiers.export").get()
    assert entry.actor == office.staff.desk
    assert entry.data["count"] == 1
    assert entry.data["format"] == "csv"
    assert entry.data["filters"] == {"channel": "counter"}


def test_xlsx_export_has_the_same_columns_and_rows(client, login_staff, office):
    dossier = released_dossier(procedure=office.procedure)
    login_staff(client, office.staff.leader)

    response = client.get(reverse("backoffice_dossiers:export_xlsx"), {"tab": "release"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["Mã hồ sơ"] == dossier.receipt_code
    assert record["Mã trạng thái quốc gia"] == 9
    assert record["Đánh giá tiến độ"] in ("Đúng hạn", "Trễ hạn")
    assert record["Kết thúc lúc"] is not None
    assert AuditEntry.objects.filter(action="dossiers.export", data__format="xlsx").count() == 1


def test_export_is_capped(client, login_staff, office, monkeypatch):
    from congso.dossiers import exports

    for _ in range(3):
        submitted_dossier(procedure=office.procedure)
    monkeypatch.setattr(exports, "EXPORT_MAX_ROWS", 2)
    login_staff(client, office.staff.desk)

    response = client.get(reverse("backoffice_dossiers:export_csv"), {"tab": "all"})

    content = b"".join(response.streaming_content).decode("utf-8")
    assert len(content.strip().splitlines()) == 3
    assert AuditEntry.objects.get(action="dossiers.export").data["truncated"] is True


# --- detail ---------------------------------------------------------------------------------------------------


def test_detail_shows_the_dossier_and_is_an_audited_read(client, login_staff, office):
    dossier = processing_dossier(procedure=office.procedure)
    login_staff(client, office.staff.desk)

    response = client.get(_detail_url(dossier))

    assert response.status_code == 200
    html = response.content.decode()
    assert dossier.receipt_code in html
    assert "Họ và tên" in html  # label from the procedure's form
    slip = dossier.files.get(kind=DossierFile.Kind.SLIP)
    assert reverse("dossiers:file", args=[slip.pk]) in html
    document = dossier.files.filter(kind=DossierFile.Kind.DOCUMENT).first()
    assert reverse("dossiers:file", args=[document.pk]) in html
    assert "Tiếp nhận" in html  # history
    assert AuditEntry.objects.filter(action="dossiers.view", actor=office.staff.desk).count() == 1
    offered = [action.name for action, _form in response.context["actions"]]
    assert offered == ["request_supplement", "assign", "transfer", "withdraw"]


def test_detail_of_another_agencys_dossier_is_not_found(client, login_staff, office):
    dossier = submitted_dossier(procedure=office.procedure)
    login_staff(client, office.other_staff.desk)

    assert client.get(_detail_url(dossier)).status_code == 404
    assert client.post(_action_url(dossier, "accept")).status_code == 404
    assert not AuditEntry.objects.filter(action="dossiers.view").exists()


def test_city_inspector_reads_but_has_no_actions(client, login_staff, office):
    dossier = processing_dossier(procedure=office.procedure)
    inspector = CityRoleFactory(role=CityRole.Role.INSPECTOR).user
    login_staff(client, inspector)

    response = client.get(_detail_url(dossier))

    assert response.status_code == 200
    assert response.context["actions"] == []
    assert response.context["message_form"] is None


def test_record_payment_is_offered_only_while_a_fee_is_unpaid(client, login_staff, office):
    free = processing_dossier(procedure=office.procedure)
    paid = processing_dossier(procedure=office.paid)
    login_staff(client, office.staff.desk)

    def offered(dossier):
        return [action.name for action, _form in client.get(_detail_url(dossier)).context["actions"]]

    assert "record_payment" not in offered(free)
    assert "record_payment" in offered(paid)
    response = client.get(_action_url(free, "record_payment"))
    assert response.status_code == 409
    assert "không có khoản phí nào chưa nộp" in response.content.decode()


# --- actions, happy paths ---------------------------------------------------------------------------------------


def _post(client, dossier, name, data=None):
    response = client.post(_action_url(dossier, name), data or {})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == _detail_url(dossier)
    return Dossier.objects.get(pk=dossier.pk)


def test_accept_with_an_assignee_issues_the_slip(client, login_staff, office):
    dossier = submitted_dossier(procedure=office.procedure)
    login_staff(client, office.staff.desk)

    dossier = _post(client, dossier, "accept", {"assignee": office.staff.specialist.pk})

    assert dossier.state == State.PROCESSING
    assert dossier.assignee == office.staff.specialist
    assert dossier.files.filter(kind=DossierFile.Kind.SLIP).exists()
    page = client.get(_detail_url(dossier)).content.decode()
    assert f"Đã tiếp nhận hồ sơ {dossier.receipt_code}" in page


def test_request_supplement_then_supplement_at_the_counter(client, login_staff, office):
    dossier = processing_dossier(procedure=office.procedure)
    document = office.procedure.documents.get(name="Giấy tờ khác")
    login_staff(client, office.staff.desk)

    dossier = _post(
        client,
        dossier,
        "request_supplement",
        {"documents": [str(document.pk)], "other": "Bản sao CCCD\n\n", "note": "Nộp trong 5 ngày"},
    )
    assert dossier.state == State.SUPPLEMENT_REQUESTED
    assert dossier.supplement_request == {"items": ["Giấy tờ khác", "Bản sao CCCD"], "note": "Nộp trong 5 ngày"}

    response = client.post(_action_url(dossier, "supplement"), {f"doc_{document.pk}": pdf_upload(), "note": "Quầy"})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == State.PROCESSING
    assert dossier.files.filter(kind=DossierFile.Kind.SUPPLEMENT).count() == 1


def test_refuse_with_a_reason(client, login_staff, office):
    dossier = submitted_dossier(procedure=office.procedure)
    login_staff(client, office.staff.desk)

    dossier = _post(client, dossier, "refuse", {"reason": "Không thuộc thẩm quyền"})

    assert dossier.state == State.REFUSED
    assert dossier.refusal_reason == "Không thuộc thẩm quyền"
    assert dossier.files.filter(kind=DossierFile.Kind.REFUSAL).exists()


def test_assign_complete_step_send_back_approve(client, login_staff, office):
    dossier = processing_dossier(procedure=office.procedure)
    login_staff(client, office.staff.leader)
    dossier = _post(client, dossier, "assign", {"assignee": office.staff.specialist.pk})
    assert dossier.assignee == office.staff.specialist

    login_staff(client, office.staff.specialist)
    dossier = _post(client, dossier, "complete_step", {"note": "Đã thẩm định"})
    assert dossier.state == State.AWAITING_APPROVAL

    login_staff(client, office.staff.leader)
    dossier = _post(client, dossier, "send_back", {"reason": "Bổ sung ý kiến thẩm định"})
    assert dossier.state == State.PROCESSING

    login_staff(client, office.staff.specialist)
    dossier = _post(client, dossier, "complete_step")
    login_staff(client, office.staff.leader)
    dossier = _post(client, dossier, "approve", {"note": "Đồng ý"})
    assert dossier.state == State.RELEASED
    assert dossier.files.filter(kind=DossierFile.Kind.RESULT).exists()


def test_stop(client, login_staff, office):
    dossier = processing_dossier(procedure=office.procedure)
    login_staff(client, office.staff.leader)

    dossier = _post(client, dossier, "stop", {"reason": "Người nộp không còn nhu cầu"})

    assert dossier.state == State.STOPPED


def test_transfer_then_receive_at_the_competent_agency(client, login_staff, office):
    dossier = processing_dossier(procedure=office.procedure)
    login_staff(client, office.staff.desk)

    dossier = _post(client, dossier, "transfer", {"to_agency": office.other.pk, "reason": "Đúng thẩm quyền"})
    assert dossier.state == State.TRANSFERRED
    assert dossier.agency == office.other

    login_staff(client, office.other_staff.desk)
    dossier = _post(client, dossier, "receive_transfer", {"assignee": office.other_staff.specialist.pk})
    assert dossier.state == State.PROCESSING
    assert dossier.assignee == office.other_staff.specialist


def test_record_payment_then_return_at_the_counter(client, login_staff, office):
    dossier = released_dossier(procedure=office.paid)
    assert dossier.payment_status == Dossier.Payment.UNPAID
    login_staff(client, office.staff.desk)

    dossier = _post(client, dossier, "record_payment", {"reference": "BL-000123"})
    assert dossier.payment_status == Dossier.Payment.PAID
    assert dossier.payment_reference == "BL-000123"

    dossier = _post(client, dossier, "return_result")
    assert dossier.state == State.RETURNED
    assert dossier.return_method == Dossier.ReturnMethod.COUNTER


def test_return_before_payment_is_a_form_error(client, login_staff, office):
    dossier = released_dossier(procedure=office.paid)
    before = _snapshot(dossier)
    login_staff(client, office.staff.desk)

    response = client.post(_action_url(dossier, "return_result"))

    assert response.status_code == 200
    assert "Vui lòng nộp phí, lệ phí (20.000 đồng)" in response.content.decode()
    assert _snapshot(dossier) == before


def test_apologise_with_a_new_appointment(client, login_staff, office):
    dossier = processing_dossier(procedure=office.procedure)
    new_day = next_working_day(timezone.localtime(dossier.appointment_at).date())
    login_staff(client, office.staff.leader)

    dossier = _post(
        client, dossier, "apologise", {"reason": "Chờ ý kiến cơ quan khác", "new_appointment": new_day.isoformat()}
    )

    apology = DossierApology.objects.get(dossier=dossier)
    assert timezone.localtime(apology.new_appointment_at).date() == new_day
    assert timezone.localtime(dossier.appointment_at).date() == new_day
    assert dossier.files.filter(kind=DossierFile.Kind.APOLOGY).exists()


def test_withdraw_at_the_applicants_written_request(client, login_staff, office):
    dossier = processing_dossier(procedure=office.procedure)
    login_staff(client, office.staff.desk)

    dossier = _post(client, dossier, "withdraw", {"confirm": "on", "reason": "Theo đơn ngày 05/01/2027"})

    assert dossier.state == State.WITHDRAWN


def test_message_to_the_applicant(client, login_staff, office):
    dossier = processing_dossier(procedure=office.procedure)
    login_staff(client, office.staff.specialist)

    response = client.post(reverse("backoffice_dossiers:message", args=[dossier.pk]), {"body": "Mời ông bà đến"})

    assert response.status_code == 302
    assert response["Location"] == _detail_url(dossier) + "#messages"
    message = DossierMessage.objects.get(dossier=dossier)
    assert message.from_agency is True
    assert message.body == "Mời ông bà đến"


def test_action_page_works_without_javascript(client, login_staff, office):
    dossier = submitted_dossier(procedure=office.procedure)
    login_staff(client, office.staff.desk)

    response = client.get(_action_url(dossier, "refuse"))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="reason"' in html
    assert "<h1>Từ chối tiếp nhận</h1>" in html


# --- actions, bad input and invalid transitions --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("builder", "role", "name", "data", "message"),
    [
        ("submitted", "desk", "refuse", {"reason": "   "}, "bắt buộc"),
        ("processing", "desk", "request_supplement", {"other": ""}, "ít nhất một giấy tờ"),
        ("processing", "desk", "transfer", {"to_agency": "999999", "reason": "x"}, "Chuyển tới cơ quan"),
        ("processing", "leader", "assign", {"assignee": "abc"}, "Chuyên viên xử lý"),
        ("processing", "leader", "apologise", {"reason": "Chậm", "new_appointment": "2000-01-03"}, "sau ngày hẹn"),
        ("processing", "leader", "apologise", {"reason": "Chậm", "new_appointment": "30/02/2026"}, "Ngày hẹn trả mới"),
        ("processing", "desk", "withdraw", {"reason": "Theo đơn"}, "văn bản đề nghị"),
        ("processing", "desk", "record_payment", {"reference": "x" * 61}, "Số biên lai"),
        ("supplement_requested", "desk", "supplement", {}, "giấy tờ bổ sung hoặc ghi chú"),
        ("awaiting_approval", "leader", "send_back", {"reason": ""}, "bắt buộc"),
    ],
)
def test_bad_input_is_a_form_error_and_nothing_changes(client, login_staff, office, builder, role, name, data, message):
    build = {
        "submitted": submitted_dossier,
        "processing": processing_dossier,
        "supplement_requested": supplement_requested_dossier,
        "awaiting_approval": awaiting_approval_dossier,
    }[builder]
    dossier = build(procedure=office.paid if name == "record_payment" else office.procedure)
    before = _snapshot(dossier)
    login_staff(client, getattr(office.staff, role))

    response = client.post(_action_url(dossier, name), data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Có lỗi cần sửa" in html
    assert message in html
    assert _snapshot(dossier) == before


def test_assigning_someone_who_is_not_a_specialist_is_refused_by_the_form(client, login_staff, office):
    dossier = processing_dossier(procedure=office.procedure)
    before = _snapshot(dossier)
    login_staff(client, office.staff.leader)

    response = client.post(_action_url(dossier, "assign"), {"assignee": office.staff.desk.pk})

    assert response.status_code == 200
    assert "Có lỗi cần sửa" in response.content.decode()
    assert _snapshot(dossier) == before


def test_approving_a_dossier_not_yet_processed_is_refused_clearly(client, login_staff, office):
    dossier = processing_dossier(procedure=office.procedure)
    before = _snapshot(dossier)
    login_staff(client, office.staff.leader)

    response = client.post(_action_url(dossier, "approve"), {"note": "Đồng ý"})

    assert response.status_code == 409
    assert "Không thể “Phê duyệt” khi hồ sơ đang ở trạng thái “Đang xử lý”." in response.content.decode()
    assert _snapshot(dossier) == before


def test_wrong_role_gets_a_403_page_with_the_reason(client, login_staff, office):
    dossier = submitted_dossier(procedure=office.procedure)
    before = _snapshot(dossier)
    login_staff(client, office.staff.specialist)

    response = client.post(_action_url(dossier, "accept"))

    assert response.status_code == 403
    assert "Bạn không có quyền “Tiếp nhận” đối với hồ sơ này." in response.content.decode()
    assert _snapshot(dossier) == before


def test_unknown_action_is_not_found(client, login_staff, office):
    dossier = submitted_dossier(procedure=office.procedure)
    login_staff(client, office.staff.desk)

    assert client.post(_action_url(dossier, "delete")).status_code == 404
    assert client.post(_action_url(dossier, "rate")).status_code == 404


# --- walk-in intake ---------------------------------------------------------------------------------------------


def _intake_data(office, **overrides):
    data = {
        "agency": office.agency.pk,
        "procedure": office.paid.pk,
        "idempotency_key": "quay-so-1-0001",
        "applicant_name": "Phạm Thị Dung",
        "applicant_phone": "0903 111 222",
        "applicant_id_number": "079190012345",
        "applicant_email": "",
        "applicant_address": "12 Lê Lợi",
        "accept": "on",
        "tk-full_name": "Phạm Thị Dung",
        "tk-purpose": "Chứng thực hợp đồng",
    }
    data.update(overrides)
    return data


def test_intake_choose_then_fill_then_accept(client, login_staff, office):
    login_staff(client, office.staff.desk)
    url = reverse("backoffice_dossiers:intake")

    choose = client.get(url)
    assert choose.status_code == 200
    assert office.paid.name in choose.content.decode()

    form = client.get(url, {"procedure": office.paid.pk})
    html = form.content.decode()
    assert 'name="tk-full_name"' in html
    assert 'name="idempotency_key"' in html
    assert "Đơn đề nghị" in html  # scan of a required document

    document = office.paid.documents.get(name="Đơn đề nghị")
    response = client.post(url, {**_intake_data(office), f"doc_{document.pk}": pdf_upload()})

    dossier = Dossier.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _detail_url(dossier)
    assert dossier.channel == Dossier.Channel.COUNTER
    assert dossier.state == State.PROCESSING
    assert dossier.applicant_phone == "0903111222"
    assert dossier.form_data == {"full_name": "Phạm Thị Dung", "purpose": "Chứng thực hợp đồng"}
    assert dossier.files.filter(kind=DossierFile.Kind.DOCUMENT).count() == 1
    slip = dossier.files.get(kind=DossierFile.Kind.SLIP)
    assert reverse("dossiers:file", args=[slip.pk]) in client.get(response["Location"]).content.decode()


def test_intake_retry_with_the_same_key_does_not_duplicate(client, login_staff, office):
    login_staff(client, office.staff.desk)
    url = reverse("backoffice_dossiers:intake")

    first = client.post(url, _intake_data(office))
    second = client.post(url, _intake_data(office))

    assert Dossier.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_intake_without_accepting_waits_in_reception(client, login_staff, office):
    login_staff(client, office.staff.desk)

    data = _intake_data(office)
    del data["accept"]
    client.post(reverse("backoffice_dossiers:intake"), data)

    assert Dossier.objects.get().state == State.SUBMITTED


def test_intake_bad_input_shows_errors_and_saves_nothing(client, login_staff, office):
    login_staff(client, office.staff.desk)

    response = client.post(
        reverse("backoffice_dossiers:intake"),
        _intake_data(office, applicant_name="", applicant_phone="123", **{"tk-full_name": ""}),
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Có lỗi cần sửa" in html
    assert "Họ tên người nộp" in html
    assert "Vui lòng nhập “Họ và tên”" in html
    assert not Dossier.objects.exists()


def test_intake_service_errors_land_on_the_fields(client, login_staff, office):
    login_staff(client, office.staff.desk)
    document = office.paid.documents.get(name="Đơn đề nghị")

    response = client.post(
        reverse("backoffice_dossiers:intake"),
        {**_intake_data(office, applicant_phone="0123"), f"doc_{document.pk}": pdf_upload(name="x.pdf", text="")},
    )

    assert response.status_code == 200
    assert "Có lỗi cần sửa" in response.content.decode()
    assert not Dossier.objects.exists()


def test_intake_is_for_desk_officers_only(client, login_staff, office):
    login_staff(client, office.staff.specialist)

    response = client.get(reverse("backoffice_dossiers:intake"))

    assert response.status_code == 403
    assert "Chỉ cán bộ một cửa mới nhận hồ sơ tại quầy." in response.content.decode()


def test_intake_refuses_a_procedure_of_another_agency(client, login_staff, office):
    foreign = online_procedure(agencies=[office.other])
    login_staff(client, office.staff.desk)

    response = client.post(reverse("backoffice_dossiers:intake"), _intake_data(office, procedure=foreign.pk))

    assert response.status_code == 200
    assert not Dossier.objects.exists()


def test_intake_with_several_counters_asks_for_the_agency_first(client, login_staff, office):
    desk = StaffFactory()
    MembershipFactory(user=desk, agency=office.agency, role=Membership.Role.DESK_OFFICER)
    MembershipFactory(user=desk, agency=office.other, role=Membership.Role.DESK_OFFICER)
    login_staff(client, desk)
    url = reverse("backoffice_dossiers:intake")

    first = client.get(url).content.decode()
    second = client.get(url, {"agency": office.agency.pk}).content.decode()

    assert 'name="agency"' in first
    assert office.paid.name not in first
    assert office.paid.name in second


# --- garbage in, never a 500 ------------------------------------------------------------------------------------

GARBAGE = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        ["", "0", "-1", "9" * 40, "x" * 5000, "NaN", "2026-02-30", "31/12/9999", "0000-00-00", "on", "<b>", "1e309"]
    ),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)
ACTION_FIELDS = [
    "assignee", "documents", "other", "note", "reason", "to_agency", "reference", "confirm", "new_appointment",
    "body", "doc_1", "idempotency_key",
]  # fmt: skip
STATE_OF_ACTION = {
    "accept": ("submitted", "desk"),
    "refuse": ("submitted", "desk"),
    "request_supplement": ("processing", "desk"),
    "assign": ("processing", "leader"),
    "complete_step": ("processing", "specialist"),
    "transfer": ("processing", "desk"),
    "withdraw": ("processing", "desk"),
    "stop": ("processing", "leader"),
    "apologise": ("processing", "leader"),
    "record_payment": ("processing", "desk"),
    "supplement": ("supplement_requested", "desk"),
    "approve": ("awaiting_approval", "leader"),
    "send_back": ("awaiting_approval", "leader"),
    "return_result": ("released", "desk"),
    "message": ("processing", "desk"),
}


@pytest.fixture
def _no_pdf_rendering(monkeypatch):
    """Rendering real letters is slow and not what these tests are about."""
    monkeypatch.setattr("congso.dossiers.documents.render_official", lambda **kwargs: b"%PDF-1.4\n%%EOF\n")


@pytest.mark.usefixtures("_no_pdf_rendering")
@pytest.mark.parametrize("name", list(STATE_OF_ACTION))
def test_garbage_posted_to_an_action_never_answers_500(client, login_staff, office, name):
    state, role = STATE_OF_ACTION[name]
    build = {
        "submitted": submitted_dossier,
        "processing": processing_dossier,
        "supplement_requested": supplement_requested_dossier,
        "awaiting_approval": awaiting_approval_dossier,
        "released": released_dossier,
    }[state]
    dossier = build(procedure=office.paid)
    login_staff(client, getattr(office.staff, role))
    url = reverse("backoffice_dossiers:message", args=[dossier.pk]) if name == "message" else _action_url(dossier, name)

    @settings(max_examples=10, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(data=st.dictionaries(st.sampled_from(ACTION_FIELDS), st.one_of(GARBAGE, st.lists(GARBAGE, max_size=3))))
    def check(data):
        for method in ("get", "post"):
            response = getattr(client, method)(url, data)
            assert response.status_code < 500, (method, data)

    check()


@pytest.mark.usefixtures("_no_pdf_rendering")
def test_garbage_posted_to_the_intake_never_answers_500(client, login_staff, office):
    login_staff(client, office.staff.desk)
    url = reverse("backoffice_dossiers:intake")
    fields = [
        "agency", "procedure", "applicant_name", "applicant_phone", "applicant_id_number", "applicant_email",
        "applicant_address", "accept", "idempotency_key", "tk-full_name", "tk-purpose",
    ]  # fmt: skip

    @settings(max_examples=30, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(
        data=st.dictionaries(st.sampled_from(fields), GARBAGE),
        procedure=st.sampled_from([office.paid.pk, office.procedure.pk, "x", ""]),
    )
    def check(data, procedure):
        for method in ("get", "post"):
            response = getattr(client, method)(url, {"procedure": procedure, **data})
            assert response.status_code < 500, (method, data)

    check()
