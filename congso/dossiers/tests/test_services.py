"""The dossier lifecycle through its services: submission, reception, processing, result, late path."""

import io
import re
import zoneinfo
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from reportlab.pdfgen import canvas

from congso.accounts.tests.factories import CitizenFactory, StaffFactory
from congso.agencies.models import Membership
from congso.agencies.tests.factories import AgencyFactory, MembershipFactory
from congso.core import calendar
from congso.core.cases import InvalidTransition, SlaStatus, TransitionNotAllowed
from congso.core.models import AuditEntry
from congso.dossiers import services
from congso.dossiers.models import Dossier, DossierEvent, DossierFile
from congso.dossiers.selectors import dossier_track, sla_of
from congso.dossiers.workflow import dossier_workflow
from congso.notify.models import Notification
from congso.procedures.tests.factories import ProcedureFactory, ProcessingStepFactory, RequiredDocumentFactory

HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
State = Dossier.State
FORM = [
    {"name": "child_name", "label": "Họ tên trẻ", "type": "text", "required": True},
    {"name": "birth_date", "label": "Ngày sinh", "type": "date", "required": True},
]
VALUES = {"child_name": "Nguyễn Văn An", "birth_date": "2026-11-01"}

pytestmark = pytest.mark.django_db


def pdf_bytes(text: str = "Giấy chứng sinh") -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, text)
    page.save()
    return buffer.getvalue()


def pdf_upload(name: str = "giay-chung-sinh.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


@pytest.fixture
def office(settings, tmp_path):
    """A ward committee with a birth-registration-like procedure and one staff member per role."""
    settings.MEDIA_ROOT = tmp_path
    agency = AgencyFactory(code="H29.99.01", name="UBND phường Thử Nghiệm")
    procedure = ProcedureFactory(agencies=[agency], form_schema=FORM, deadline_days=Decimal(3), fee=Decimal(8000))
    procedure.fee_online = Decimal(0)
    procedure.save()
    document = RequiredDocumentFactory(procedure=procedure, name="Giấy chứng sinh", accepted_types=["pdf", "png"])
    ProcessingStepFactory(procedure=procedure, order=1, role=Membership.Role.DESK_OFFICER, share_percent=20)
    ProcessingStepFactory(procedure=procedure, order=2, role=Membership.Role.SPECIALIST, share_percent=60)
    ProcessingStepFactory(procedure=procedure, order=3, role=Membership.Role.LEADER, share_percent=20)
    staff = {}
    for role in (Membership.Role.DESK_OFFICER, Membership.Role.SPECIALIST, Membership.Role.LEADER):
        user = StaffFactory()
        MembershipFactory(user=user, agency=agency, role=role)
        staff[role] = user
    citizen = CitizenFactory(phone="0912345678")
    return type(
        "Office",
        (),
        {
            "agency": agency,
            "procedure": procedure,
            "document": document,
            "desk": staff[Membership.Role.DESK_OFFICER],
            "specialist": staff[Membership.Role.SPECIALIST],
            "leader": staff[Membership.Role.LEADER],
            "citizen": citizen,
        },
    )


def submit(office, key: str | None = "khoa-0001", **kwargs) -> Dossier:
    return services.dossier_submit(
        applicant=office.citizen,
        procedure=office.procedure,
        data=kwargs.pop("data", VALUES),
        files=kwargs.pop("files", {office.document.pk: [pdf_upload()]}),
        idempotency_key=key,
        **kwargs,
    )


def processing(office) -> Dossier:
    dossier = submit(office)
    return services.dossier_accept(actor=office.desk, dossier=dossier, assignee=office.specialist)


def actions(dossier: Dossier) -> list[str]:
    return list(dossier.events.order_by("seq").values_list("action", flat=True))


def test_submission_gets_a_receipt_code_an_event_a_file_and_a_notification(office):
    dossier = submit(office)

    local_day = datetime.now(HCM).strftime("%y%m%d")
    assert re.fullmatch(rf"H29\.99\.01-{local_day}-0001", dossier.receipt_code)
    assert dossier.state == State.SUBMITTED
    assert dossier.national_code == 1
    assert dossier.fee_amount == 0 and dossier.payment_status == Dossier.Payment.NOT_REQUIRED
    assert actions(dossier) == ["submit"]
    event = dossier.events.get()
    assert (event.from_state, event.to_state, event.actor) == ("", State.SUBMITTED, office.citizen)
    stored = dossier.files.get()
    assert stored.kind == DossierFile.Kind.DOCUMENT and stored.content_type == "application/pdf"
    assert "giay-chung-sinh" not in stored.file.name
    assert Notification.objects.filter(user=office.citizen, subject__contains=dossier.receipt_code).exists()
    assert AuditEntry.objects.filter(action="dossiers.submit", object_id=str(dossier.pk)).exists()
    assert submit(office, key="khoa-0002").receipt_code.endswith("-0002")


def test_same_idempotency_key_returns_the_same_dossier(office):
    first = submit(office)
    again = submit(office, data={"child_name": "Khác"})

    assert again.pk == first.pk
    assert Dossier.objects.count() == 1


def test_missing_document_and_fields_are_refused_with_messages_and_nothing_saved(office):
    with pytest.raises(ValidationError) as refused:
        submit(office, data={"child_name": ""}, files={})

    fields = refused.value.message_dict
    assert "child_name" in fields and f"doc_{office.document.pk}" in fields
    assert "Giấy chứng sinh" in " ".join(fields[f"doc_{office.document.pk}"])
    assert not Dossier.objects.exists()


def test_a_renamed_executable_is_refused(office):
    fake = SimpleUploadedFile("giay.pdf", b"MZ\x90\x00" + b"\x00" * 200, content_type="application/pdf")

    with pytest.raises(ValidationError) as refused:
        submit(office, files={office.document.pk: [fake]})

    assert f"doc_{office.document.pk}" in refused.value.message_dict
    assert not Dossier.objects.exists()


def test_staff_cannot_submit_online(office):
    with pytest.raises(PermissionDenied):
        services.dossier_submit(
            applicant=office.desk, procedure=office.procedure, data=VALUES, files={}, idempotency_key="k" * 10
        )


def test_full_journey_to_rating(office):
    dossier = processing(office)
    assert dossier.state == State.PROCESSING
    assert dossier.clock_started_at is not None
    assert dossier.due_at == calendar.add_working_days(dossier.clock_started_at, Decimal(3))
    assert dossier.appointment_at == dossier.due_at
    assert dossier.files.filter(kind=DossierFile.Kind.SLIP).exists()
    assert dossier.current_step == 2

    services.dossier_complete_step(actor=office.specialist, dossier=dossier, note="Đã kiểm tra")
    assert dossier.state == State.AWAITING_APPROVAL
    services.dossier_approve(actor=office.leader, dossier=dossier)
    assert dossier.state == State.RELEASED and dossier.result_token
    assert dossier.clock_ended_at is not None
    assert sla_of(dossier) == SlaStatus.ON_TIME

    result = services.result_file(actor=office.citizen, dossier=dossier)
    dossier.refresh_from_db()
    assert result.kind == DossierFile.Kind.RESULT
    assert dossier.state == State.RETURNED and dossier.return_method == Dossier.ReturnMethod.ONLINE
    rating = services.dossier_rate(actor=office.citizen, dossier=dossier, score=5, comment="Nhanh")
    assert rating.score == 5
    assert actions(dossier) == ["submit", "accept", "complete_step", "approve", "return_result", "rate"]
    with pytest.raises(ValidationError):
        services.dossier_rate(actor=office.citizen, dossier=dossier, score=4)


def test_approving_a_dossier_not_yet_processed_is_an_invalid_transition(office):
    dossier = processing(office)

    with pytest.raises(InvalidTransition):
        services.dossier_approve(actor=office.leader, dossier=dossier)

    dossier.refresh_from_db()
    assert dossier.state == State.PROCESSING
    assert actions(dossier) == ["submit", "accept"]


def test_wrong_role_is_refused_and_nothing_changes(office):
    dossier = submit(office)

    with pytest.raises(TransitionNotAllowed):
        services.dossier_accept(actor=office.specialist, dossier=dossier)
    other_desk = StaffFactory()
    MembershipFactory(user=other_desk, agency=AgencyFactory(), role=Membership.Role.DESK_OFFICER)
    with pytest.raises(TransitionNotAllowed):
        services.dossier_accept(actor=other_desk, dossier=dossier)

    dossier.refresh_from_db()
    assert dossier.state == State.SUBMITTED
    assert DossierEvent.objects.filter(dossier=dossier).count() == 1


def test_supplement_request_pauses_the_clock_and_pushes_the_deadline(office, monkeypatch):
    dossier = processing(office)
    due_before = dossier.due_at
    services.dossier_request_supplement(
        actor=office.specialist, dossier=dossier, items=["Bản sao giấy kết hôn"], note="Bản rõ nét"
    )
    assert dossier.state == State.SUPPLEMENT_REQUESTED and dossier.national_code == 5
    assert dossier.clock_paused_at is not None
    assert sla_of(dossier) == SlaStatus.PAUSED
    assert dossier.files.filter(kind=DossierFile.Kind.SUPPLEMENT_REQUEST).exists()

    later = dossier.clock_paused_at + timedelta(days=7)
    monkeypatch.setattr("django.utils.timezone.now", lambda: later)
    services.dossier_supplement(actor=office.citizen, dossier=dossier, files={office.document.pk: [pdf_upload()]})

    dossier.refresh_from_db()
    waited = calendar.working_days_between(dossier.events.get(action="request_supplement").at, later)
    assert waited >= 4
    assert dossier.state == State.PROCESSING and dossier.clock_paused_at is None
    assert dossier.paused_days == waited
    assert dossier.due_at == calendar.add_working_days(due_before, waited)
    assert dossier.appointment_at == dossier.due_at


def test_supplement_before_acceptance_goes_back_to_reception(office):
    dossier = submit(office)
    services.dossier_request_supplement(actor=office.desk, dossier=dossier, items=["Tờ khai có chữ ký"])
    services.dossier_supplement(actor=office.citizen, dossier=dossier, files={}, note="Đã ký bổ sung tại quầy")

    assert dossier.state == State.SUBMITTED and dossier.clock_started_at is None


def test_two_supplement_requests_count_as_late(office):
    dossier = processing(office)
    for _ in range(2):
        services.dossier_request_supplement(actor=office.specialist, dossier=dossier, items=["Giấy tờ"])
        services.dossier_supplement(actor=office.citizen, dossier=dossier, files={}, note="Đã bổ sung")

    assert dossier.supplement_count == 2
    assert sla_of(dossier) == SlaStatus.LATE


def test_late_path_apology_letter_keeps_the_dossier_late(office, monkeypatch):
    dossier = processing(office)
    after_deadline = dossier.due_at + timedelta(hours=1)
    monkeypatch.setattr("django.utils.timezone.now", lambda: after_deadline)
    assert sla_of(dossier) == SlaStatus.LATE

    new_date = calendar.add_working_days(after_deadline, Decimal(2))
    apology = services.dossier_apologise(
        actor=office.leader, dossier=dossier, reason="Chờ xác minh từ cơ quan khác", new_appointment_at=new_date
    )

    dossier.refresh_from_db()
    assert apology.new_appointment_at == new_date and dossier.appointment_at == new_date
    assert dossier.files.filter(kind=DossierFile.Kind.APOLOGY).exists()
    assert Notification.objects.filter(user=office.citizen, subject__contains="xin lỗi").exists()
    services.dossier_complete_step(actor=office.specialist, dossier=dossier)
    services.dossier_approve(actor=office.leader, dossier=dossier)
    assert sla_of(dossier) == SlaStatus.LATE


def test_apology_needs_a_later_working_day(office):
    dossier = processing(office)
    with pytest.raises(ValidationError):
        services.dossier_apologise(
            actor=office.leader, dossier=dossier, reason="Chậm", new_appointment_at=dossier.appointment_at
        )
    with pytest.raises(TransitionNotAllowed):
        services.dossier_apologise(
            actor=office.specialist,
            dossier=dossier,
            reason="Chậm",
            new_appointment_at=calendar.add_working_days(dossier.appointment_at, 2),
        )


def test_transfer_moves_the_dossier_to_the_competent_agency(office):
    dossier = processing(office)
    target = AgencyFactory(name="Sở Tư pháp")
    target_desk = StaffFactory()
    MembershipFactory(user=target_desk, agency=target, role=Membership.Role.DESK_OFFICER)

    services.dossier_transfer(actor=office.desk, dossier=dossier, to_agency=target, reason="Thẩm quyền cấp tỉnh")
    assert dossier.state == State.TRANSFERRED and dossier.national_code == 0
    assert dossier.agency == target and dossier.received_by == office.agency
    with pytest.raises(TransitionNotAllowed):
        services.dossier_receive_transfer(actor=office.desk, dossier=dossier)

    services.dossier_receive_transfer(actor=target_desk, dossier=dossier)
    assert dossier.state == State.PROCESSING
    assert dossier.steps.filter(agency=target).exists()
    event = dossier.events.get(action="transfer")
    assert event.data == {"from_agency": office.agency.code, "to_agency": target.code}


def test_refusal_needs_a_reason_and_issues_form_03(office):
    dossier = submit(office)
    with pytest.raises(ValidationError):
        services.dossier_refuse(actor=office.desk, dossier=dossier, reason="  ")
    services.dossier_refuse(actor=office.desk, dossier=dossier, reason="Không thuộc thẩm quyền")
    assert dossier.state == State.REFUSED
    assert dossier.files.filter(kind=DossierFile.Kind.REFUSAL).exists()


def test_withdrawal_by_the_applicant_stops_the_clock(office):
    dossier = processing(office)
    services.dossier_withdraw(actor=office.citizen, dossier=dossier, reason="Nộp nhầm")
    assert dossier.state == State.WITHDRAWN and dossier.clock_ended_at is not None
    other = CitizenFactory()
    with pytest.raises(InvalidTransition):
        services.dossier_withdraw(actor=other, dossier=dossier)


def test_walk_in_with_fee_is_paid_at_the_counter_before_the_result(office):
    dossier = services.dossier_intake(
        officer=office.desk,
        agency=office.agency,
        procedure=office.procedure,
        data=VALUES,
        files={},
        contact=services.Contact(name="Trần Thị Bình", phone="0987654321"),
        idempotency_key="quay-000001",
    )
    assert dossier.state == State.PROCESSING and dossier.channel == Dossier.Channel.COUNTER
    assert dossier.fee_amount == Decimal(8000) and dossier.payment_status == Dossier.Payment.UNPAID
    assert actions(dossier) == ["intake", "accept"]
    services.dossier_complete_step(actor=office.specialist, dossier=dossier)
    services.dossier_approve(actor=office.leader, dossier=dossier)
    with pytest.raises(ValidationError):
        services.dossier_return(actor=office.desk, dossier=dossier, method=Dossier.ReturnMethod.COUNTER)
    services.dossier_record_payment(actor=office.desk, dossier=dossier, reference="BL-0001")
    services.dossier_return(actor=office.desk, dossier=dossier, method=Dossier.ReturnMethod.COUNTER)
    assert dossier.state == State.RETURNED and dossier.paid_at is not None


def test_public_tracking_needs_the_last_four_phone_digits(office):
    dossier = submit(office)

    assert dossier_track(dossier.receipt_code.lower(), "5678") == dossier
    assert dossier_track(dossier.receipt_code, "0000") is None
    assert dossier_track("KHONG-CO", "5678") is None


def test_tracking_locks_a_code_after_repeated_wrong_guesses(office):
    dossier = submit(office)
    for guess in range(10):
        assert dossier_track(dossier.receipt_code, f"{guess:04d}") is None

    assert dossier_track(dossier.receipt_code, "5678") is None


def test_sla_status_due_soon_and_late(office):
    dossier = processing(office)
    assert dossier_workflow.sla_status(dossier, at=dossier.clock_started_at) == SlaStatus.ON_TIME
    assert dossier_workflow.sla_status(dossier, at=dossier.due_at - timedelta(minutes=30)) == SlaStatus.DUE_SOON
    assert dossier_workflow.sla_status(dossier, at=dossier.due_at + timedelta(minutes=1)) == SlaStatus.LATE
    late = Dossier.objects.filter(dossier_workflow.sla_q(SlaStatus.LATE, at=dossier.due_at + timedelta(minutes=1)))
    assert list(late) == [dossier]


def test_events_are_append_only(office):
    event = submit(office).events.get()
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()


def test_draft_is_saved_then_submitted(office):
    draft = services.dossier_draft_save(applicant=office.citizen, procedure=office.procedure, data={"child_name": "An"})
    assert draft.state == State.DRAFT and draft.receipt_code is None
    draft = services.dossier_draft_save(
        applicant=office.citizen, procedure=office.procedure, data={"child_name": "An Bình"}, draft=draft
    )
    assert draft.form_data == {"child_name": "An Bình"}

    dossier = submit(office, draft=draft)
    assert dossier.pk == draft.pk and dossier.state == State.SUBMITTED
    assert actions(dossier) == ["draft", "submit"]
