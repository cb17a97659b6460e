"""Every write to a dossier (hồ sơ): submission, reception, processing, result, return, rating.

Each service checks the input, then performs one transition of the dossier
workflow (state + event + audit in one transaction), stores the files it
issues and tells the applicant. The web, the API, the demo history and the
benchmarks all go through these functions.
"""

import hashlib
import secrets
from collections.abc import Callable, Iterable, Mapping
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from congso.accounts.models import User
from congso.accounts.validators import normalize_phone, validate_phone
from congso.agencies.models import Agency, Membership
from congso.agencies.permissions import has_agency_role
from congso.core import calendar, uploads
from congso.core.cases import CREATE
from congso.core.services import code_next
from congso.core.text import fold
from congso.dossiers import documents
from congso.dossiers.links import tracking_url
from congso.dossiers.models import (
    Dossier,
    DossierApology,
    DossierFile,
    DossierMessage,
    DossierRating,
    DossierStep,
)
from congso.dossiers.workflow import dossier_workflow, is_applicant, is_receiving_desk
from congso.notify.channels import Delivery
from congso.notify.services import notify_deliver, notify_prepare, notify_send
from congso.procedures import form_schema
from congso.procedures.models import Procedure, RequiredDocument
from congso.procedures.services import effective_fee

State = Dossier.State
Files = Mapping[int, Iterable[UploadedFile]]
"""Uploaded files by required-document id (``RequiredDocument.pk``)."""

IDEMPOTENCY_KEY_MAX = 100


@dataclass(frozen=True)
class Contact:
    """Who the dossier is for, as written on it (người nộp hồ sơ)."""

    name: str
    phone: str
    id_number: str = ""
    email: str = ""
    address: str = ""


def contact_from_account(user: User, *, phone: str = "", email: str = "", address: str = "") -> Contact:
    """The applicant's contact details from their account, overridden by what they typed."""
    return Contact(
        name=user.display_name,
        phone=phone or user.phone,
        id_number=user.personal_id or user.tax_code or "",
        email=email or user.email,
        address=address or user.address,
    )


def _clean_contact(contact: Contact) -> Contact:
    errors: dict[str, list[ValidationError]] = {}
    name = " ".join((contact.name or "").split())
    if not name:
        errors["applicant_name"] = [ValidationError(_("Vui lòng nhập họ tên người nộp hồ sơ."), code="required")]
    phone = normalize_phone(contact.phone or "")
    if not phone:
        errors["applicant_phone"] = [
            ValidationError(_("Vui lòng nhập số điện thoại: cần để tra cứu hồ sơ và nhận thông báo."), code="required")
        ]
    else:
        try:
            validate_phone(phone)
        except ValidationError as error:
            errors["applicant_phone"] = error.error_list
    email = (contact.email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["applicant_email"] = [ValidationError(_("Địa chỉ thư điện tử không hợp lệ."), code="invalid_email")]
    if errors:
        raise ValidationError(errors)
    return Contact(
        name=name[:255],
        phone=phone,
        id_number=(contact.id_number or "").strip()[:20],
        email=(contact.email or "").strip()[:254],
        address=(contact.address or "").strip()[:255],
    )


def _check_idempotency_key(key: str | None) -> str | None:
    if key is None:
        return None
    key = key.strip()
    if not 8 <= len(key) <= IDEMPOTENCY_KEY_MAX or not key.isprintable():
        raise ValidationError(
            {
                "idempotency_key": ValidationError(
                    _("Khóa chống nộp trùng (Idempotency-Key) phải dài 8–100 ký tự in được."),
                    code="invalid_idempotency_key",
                )
            }
        )
    return key


def _handling_agency(procedure: Procedure, agency: Agency | None) -> Agency:
    """The agency the dossier is filed with: one of the procedure's agencies (the only one if there is one)."""
    agencies = [a for a in procedure.agencies.all() if a.is_active]
    if agency is None and len(agencies) == 1:
        return agencies[0]
    if agency is None or agency.pk not in {a.pk for a in agencies}:
        raise ValidationError(
            {"agency": ValidationError(_("Vui lòng chọn cơ quan tiếp nhận hồ sơ của thủ tục này."), code="agency")}
        )
    return agency


@dataclass(frozen=True)
class _Upload:
    document: RequiredDocument | None
    source: UploadedFile
    checked: uploads.CheckedUpload


def _check_files(procedure: Procedure, files: Files, *, require_mandatory: bool) -> list[_Upload]:
    """Every file type-checked by content and size-limited; every mandatory document present."""
    documents_by_id = {d.pk: d for d in procedure.documents.all()}
    errors: dict[str, list[ValidationError]] = {}
    checked: list[_Upload] = []
    for document_id, given in files.items():
        document = documents_by_id.get(document_id)
        field = f"doc_{document_id}"
        if document is None:
            errors[field] = [ValidationError(_("Thành phần hồ sơ không thuộc thủ tục này."), code="unknown_document")]
            continue
        allowed = set(document.accepted_types or ["pdf", "jpeg", "png"])
        for upload in given:
            try:
                checked.append(_Upload(document, upload, uploads.check_upload(upload, allowed=allowed)))
            except ValidationError as error:
                errors.setdefault(field, []).extend(error.error_list)
    if require_mandatory:
        present = {u.document.pk for u in checked if u.document is not None} | {
            int(f.removeprefix("doc_")) for f in errors
        }
        for document in documents_by_id.values():
            if document.is_mandatory and document.pk not in present:
                errors[f"doc_{document.pk}"] = [
                    ValidationError(
                        _("Thiếu giấy tờ bắt buộc: {name}.").format(name=document.name), code="missing_document"
                    )
                ]
    if not errors:
        try:
            uploads.check_total(u.checked.size for u in checked)
        except ValidationError as error:
            errors["files"] = error.error_list
    if errors:
        raise ValidationError(errors)
    return checked


def _store(dossier: Dossier, upload: _Upload, *, kind: str, actor: AbstractBaseUser | None) -> DossierFile:
    row = _file_row(dossier, upload, _save_file(upload), kind=kind, actor=actor)
    row.save()
    return row


def _save_file(upload: _Upload) -> str:
    """Write the upload to storage under a random name; the name stored."""
    return default_storage.save(uploads.storage_name("dossiers", upload.checked.extension), upload.source)


def _file_row(
    dossier: Dossier, upload: _Upload, name: str, *, kind: str, actor: AbstractBaseUser | None
) -> DossierFile:
    """The (unsaved) row of a file already in storage under ``name``."""
    return DossierFile(
        dossier=dossier,
        kind=kind,
        document=upload.document,
        file=name,
        original_name=upload.checked.safe_name,
        content_type=upload.checked.content_type,
        size=upload.checked.size,
        sha256=upload.checked.sha256,
        uploaded_by=actor if actor is not None and actor.is_authenticated else None,
    )


def _issue(dossier: Dossier, *, kind: str, content: bytes, name: str) -> DossierFile:
    """Store a document the agency issued (PDF) as a file of the dossier."""
    stored = default_storage.save(uploads.storage_name("issued", "pdf"), ContentFile(content))
    return DossierFile.objects.create(
        dossier=dossier,
        kind=kind,
        file=stored,
        original_name=name,
        content_type="application/pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )


def _receipt_code(agency: Agency, at: datetime) -> str:
    """``{agency code}-{yyMMdd}-{NNNN}``: a counter per receiving agency per local day (DOMAIN.md)."""
    day = timezone.localtime(at).date()
    number = code_next(scope=f"receipt:{agency.pk}", day=day)
    return f"{agency.code}-{day:%y%m%d}-{number:04d}"


def _clean_form(procedure: Procedure, data: Any) -> dict[str, Any]:
    try:
        return form_schema.clean_submission(procedure.form_schema, data)
    except ValidationError as error:
        if getattr(error, "code", None) == "invalid_form_schema":
            raise ValidationError(
                _("Mẫu đơn của thủ tục này đang được cập nhật. Vui lòng quay lại sau."), code="form_unavailable"
            ) from error
        raise


def _ensure_online(procedure: Procedure) -> None:
    if not procedure.is_published or procedure.online_level == Procedure.OnlineLevel.NONE:
        raise ValidationError(
            _("Thủ tục này chưa được cung cấp trực tuyến. Vui lòng nộp hồ sơ trực tiếp tại cơ quan thực hiện."),
            code="not_online",
        )


def _applicant_only(applicant: AbstractBaseUser) -> None:
    if not applicant.is_authenticated or applicant.kind == User.Kind.STAFF:
        raise PermissionDenied(_("Tài khoản cán bộ không nộp hồ sơ trực tuyến."))


def _fee_fields(procedure: Procedure, *, online: bool) -> dict[str, Any]:
    fee = effective_fee(procedure, online=online)
    return {
        "fee_amount": fee,
        "payment_status": Dossier.Payment.UNPAID if fee > 0 else Dossier.Payment.NOT_REQUIRED,
    }


def _tell_applicant(dossier: Dossier, subject: str, body: str) -> None:
    """Notify the applicant of a change (inbox if they have an account, e-mail if they gave one)."""
    delivery = _applicant_delivery(dossier, subject, body)
    if delivery is not None:
        notify_send(delivery)


def _applicant_delivery(dossier: Dossier, subject: str, body: str) -> Delivery | None:
    """The applicant's notification, its rows built but not saved (``notify_prepare``)."""
    has_account = dossier.applicant_id is not None
    url = reverse("dossiers:detail", args=[dossier.pk]) if has_account else tracking_url(dossier)
    return notify_prepare(
        user=dossier.applicant,
        email=dossier.applicant_email if dossier.applicant_id is None else "",
        subject=_("Hồ sơ {code}: {subject}").format(code=dossier.receipt_code, subject=subject),
        body=body,
        url=url,
        kind="dossier",
    )


def _status_line(dossier: Dossier) -> str:
    return _("Trạng thái mới: {state}.").format(state=dossier.get_state_display())


# --- drafts and submission ---------------------------------------------------------------------


@transaction.atomic
def dossier_draft_save(
    *,
    applicant: User,
    procedure: Procedure,
    data: Mapping[str, Any],
    draft: Dossier | None = None,
    agency: Agency | None = None,
) -> Dossier:
    """Save what the applicant has typed so far (lưu nháp); nothing is validated but the shape.

    Creates the draft on first save (through the workflow), then only updates
    its values. Resumable from "my dossiers".
    """
    _applicant_only(applicant)
    _ensure_online(procedure)
    if not isinstance(data, Mapping):
        raise ValidationError(_("Dữ liệu tờ khai không hợp lệ."), code="invalid")
    names = {spec.get("name") for spec in procedure.form_schema if isinstance(spec, dict)}
    values = {k: str(v)[:2000] for k, v in data.items() if k in names and v not in (None, "")}
    if draft is None:
        draft = _open_draft(applicant, procedure)
    if draft is not None:
        draft = Dossier.objects.select_for_update().get(pk=draft.pk)
        if draft.applicant_id != applicant.pk or draft.state != State.DRAFT:
            raise PermissionDenied(_("Không tìm thấy hồ sơ nháp này."))
        draft.form_data = values
        if agency is not None:
            draft.agency = draft.received_by = _handling_agency(procedure, agency)
        draft.save(update_fields=["form_data", "agency", "received_by", "updated_at"])
        return draft
    try:
        handling = _handling_agency(procedure, agency)
    except ValidationError:
        handling = procedure.agencies.filter(is_active=True).first()
        if handling is None:
            raise
    draft = Dossier(
        procedure=procedure,
        agency=handling,
        received_by=handling,
        applicant=applicant,
        created_by=applicant,
        applicant_name=applicant.display_name,
        applicant_phone=applicant.phone,
        channel=Dossier.Channel.ONLINE,
        form_data=values,
        state=CREATE,
    )
    try:
        with transaction.atomic():
            dossier_workflow.perform(draft, "draft", actor=applicant)
    except IntegrityError:
        # A second tab (or an autosave racing the form) created this procedure's draft first: update that one.
        return dossier_draft_save(applicant=applicant, procedure=procedure, data=data, agency=agency)
    return draft


def _open_draft(applicant: User, procedure: Procedure) -> Dossier | None:
    """The applicant keeps one draft per procedure."""
    return Dossier.objects.filter(applicant=applicant, procedure=procedure, state=State.DRAFT).first()


def _all_or_errors(*checks: Callable[[], Any]) -> list[Any]:
    """Run every check and raise one ValidationError with all their messages, so the form shows them at once."""
    results: list[Any] = []
    errors: dict[str, list[ValidationError]] = {}
    for check in checks:
        try:
            results.append(check())
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, messages in error.error_dict.items():
                    errors.setdefault(field, []).extend(messages)
            else:
                errors.setdefault(NON_FIELD_ERRORS, []).extend(error.error_list)
    if errors:
        raise ValidationError(errors)
    return results


def _earlier_submission(applicant: User, procedure: Procedure, key: str | None) -> Dossier | int | None:
    """In one query: the dossier an earlier call with this key created (replayed), else the id of the
    applicant's open draft of this procedure (it becomes the dossier), else ``None``."""
    wanted = Q(applicant=applicant, procedure=procedure, state=State.DRAFT)
    if key is not None:
        wanted |= Q(created_by=applicant, idempotency_key=key)
    found = dict(Dossier.objects.filter(wanted).values_list("idempotency_key", "pk")[:2])
    if key is not None and key in found:
        return _existing(applicant, key)
    return next(iter(found.values()), None)


def _existing(created_by: AbstractBaseUser, key: str | None) -> Dossier | None:
    """The dossier an earlier call with this key created, marked ``replayed`` for the caller's answer."""
    if key is None:
        return None
    dossier = (
        Dossier.objects.select_related("procedure", "agency").filter(created_by=created_by, idempotency_key=key).first()
    )
    if dossier is not None:
        dossier.replayed = True
    return dossier


def dossier_submit(
    *,
    applicant: User,
    procedure: Procedure,
    data: Mapping[str, Any],
    files: Files,
    contact: Contact | None = None,
    agency: Agency | None = None,
    idempotency_key: str | None = None,
    draft: Dossier | None = None,
) -> Dossier:
    """Nộp hồ sơ trực tuyến: validate the form and the documents, give the dossier its receipt code.

    Idempotent by ``idempotency_key`` (per applicant): a retry with the same key
    returns the dossier the first call created, whatever it carries now. A
    draft passed in becomes the dossier. Raises ``ValidationError`` with a
    message per field (form fields by name, files as ``doc_<id>``).
    """
    _applicant_only(applicant)
    key = _check_idempotency_key(idempotency_key)
    earlier = _earlier_submission(applicant, procedure, key)
    if isinstance(earlier, Dossier):
        return earlier
    _ensure_online(procedure)
    values, clean_contact, handling, checked = _all_or_errors(
        lambda: _clean_form(procedure, data),
        lambda: _clean_contact(contact or contact_from_account(applicant)),
        lambda: _handling_agency(procedure, agency or (draft.agency if draft is not None else None)),
        lambda: _check_files(procedure, files, require_mandatory=True),
    )
    # The number is taken in its own short transaction so that submissions to one agency do not queue on the
    # counter row while the rest is written (a failure below leaves a gap in the day's numbers).
    receipt_code = _receipt_code(handling, timezone.now())
    if draft is None and earlier is not None:
        draft = Dossier(pk=earlier, state=State.DRAFT)
    try:
        # A new dossier is written in one statement; a draft becoming the dossier takes a transaction.
        with transaction.atomic() if draft is not None else nullcontext():
            return _create_submitted(
                receipt_code=receipt_code,
                applicant=applicant,
                procedure=procedure,
                values=values,
                contact=clean_contact,
                agency=handling,
                key=key,
                draft=draft,
                checked=checked,
            )
    except IntegrityError:
        # Two identical requests raced: the other one won; answer with its dossier.
        existing = _existing(applicant, key)
        if existing is None:
            raise
        return existing


def _create_submitted(
    *,
    applicant: User,
    procedure: Procedure,
    values: dict[str, Any],
    contact: Contact,
    agency: Agency,
    key: str | None,
    draft: Dossier | None,
    checked: list[_Upload],
    receipt_code: str,
) -> Dossier:
    now = timezone.now()
    if draft is not None:
        dossier = Dossier.objects.select_for_update().get(pk=draft.pk)
        if dossier.applicant_id != applicant.pk:
            raise PermissionDenied(_("Không tìm thấy hồ sơ nháp này."))
        if dossier.state != State.DRAFT:
            return dossier
    else:
        dossier = Dossier(procedure=procedure, applicant=applicant, created_by=applicant, state=CREATE)
    dossier.agency = dossier.received_by = agency
    dossier.procedure = procedure
    dossier.channel = Dossier.Channel.ONLINE
    dossier.form_data = values
    dossier.idempotency_key = key
    dossier.submitted_at = now
    dossier.receipt_code = receipt_code
    _apply_contact(dossier, contact)
    for name, value in _fee_fields(procedure, online=True).items():
        setattr(dossier, name, value)
    stored = [(upload, _save_file(upload)) for upload in checked]
    deliveries: list[Delivery] = []

    def rows(case: Dossier) -> list[models.Model]:
        """The files and the applicant's notification, written with the dossier (one round trip when new)."""
        delivery = _applicant_delivery(
            case,
            _("đã nộp thành công"),
            _(
                "Hồ sơ “{procedure}” đã được gửi tới {agency}. Mã hồ sơ: {code}. Cơ quan sẽ kiểm tra và tiếp nhận."
            ).format(procedure=procedure.name, agency=agency.name, code=case.receipt_code),
        )
        deliveries.extend([delivery] if delivery is not None else [])
        files = [
            _file_row(case, upload, name, kind=DossierFile.Kind.DOCUMENT, actor=applicant) for upload, name in stored
        ]
        return [*files, *(delivery.rows if delivery is not None else [])]

    try:
        if dossier.pk is None:
            dossier_workflow.perform(dossier, "submit", actor=applicant, at=now, with_rows=rows)
        else:
            dossier_workflow.perform(dossier, "submit", actor=applicant, at=now)
            for row in rows(dossier):
                row.save()
    except Exception:
        # Nothing refers to the files written above: do not leave them behind.
        for _upload, name in stored:
            default_storage.delete(name)
        raise
    for delivery in deliveries:
        notify_deliver(delivery)
    return dossier


def _apply_contact(dossier: Dossier, contact: Contact) -> None:
    dossier.applicant_name = contact.name
    dossier.applicant_search = fold(contact.name)
    dossier.applicant_phone = contact.phone
    dossier.applicant_id_number = contact.id_number
    dossier.applicant_email = contact.email
    dossier.applicant_address = contact.address


def dossier_intake(
    *,
    officer: User,
    agency: Agency,
    procedure: Procedure,
    data: Mapping[str, Any],
    files: Files,
    contact: Contact,
    applicant: User | None = None,
    accept: bool = True,
    idempotency_key: str | None = None,
) -> Dossier:
    """A walk-in dossier entered by the desk officer (tiếp nhận trực tiếp), accepted at once by default.

    Paper documents may be scanned later, so missing files do not block the
    intake; the form values are validated as online.
    """
    if not has_agency_role(officer, agency, Membership.Role.DESK_OFFICER):
        raise PermissionDenied(_("Chỉ cán bộ một cửa của cơ quan mới nhận hồ sơ tại quầy."))
    key = _check_idempotency_key(idempotency_key)
    existing = _existing(officer, key)
    if existing is not None:
        return existing
    if not procedure.agencies.filter(pk=agency.pk).exists():
        raise ValidationError(
            {"procedure": ValidationError(_("Cơ quan của bạn không thực hiện thủ tục này."), code="agency")}
        )
    values, clean_contact, checked = _all_or_errors(
        lambda: _clean_form(procedure, data),
        lambda: _clean_contact(contact),
        lambda: _check_files(procedure, files, require_mandatory=False),
    )
    with transaction.atomic():
        now = timezone.now()
        dossier = Dossier(
            procedure=procedure,
            agency=agency,
            received_by=agency,
            applicant=applicant,
            created_by=officer,
            channel=Dossier.Channel.COUNTER,
            form_data=values,
            idempotency_key=key,
            submitted_at=now,
            receipt_code=_receipt_code(agency, now),
            state=CREATE,
            **_fee_fields(procedure, online=False),
        )
        _apply_contact(dossier, clean_contact)
        dossier_workflow.perform(dossier, "intake", actor=officer, at=now)
        for upload in checked:
            _store(dossier, upload, kind=DossierFile.Kind.DOCUMENT, actor=officer)
        if accept:
            dossier_accept(actor=officer, dossier=dossier)
    return dossier


# --- reception -----------------------------------------------------------------------------------


def _steps_from_procedure(dossier: Dossier) -> None:
    """Copy the procedure's steps with their share of the deadline; the reception step is done now."""
    start, due = dossier.clock_started_at, dossier.due_at
    total = calendar.working_days_between(start, due) if start and due else Decimal(0)
    elapsed = Decimal(0)
    steps = []
    for step in dossier.procedure.steps.all():
        elapsed += total * step.share_percent / 100
        steps.append(
            DossierStep(
                dossier=dossier,
                order=step.order,
                name=step.name,
                role=step.role,
                agency=dossier.agency,
                due_at=calendar.add_working_days(start, elapsed) if start else None,
            )
        )
    DossierStep.objects.bulk_create(steps)


def _complete_desk_steps(dossier: Dossier, actor: AbstractBaseUser | None, at: datetime) -> None:
    """Mark the reception steps (desk officer's) done and point at the next step."""
    pending = list(dossier.steps.filter(completed_at__isnull=True).order_by("order"))
    for step in pending:
        if step.role != Membership.Role.DESK_OFFICER:
            dossier.current_step = step.order
            break
        step.completed_at, step.completed_by = at, actor
        step.save(update_fields=["completed_at", "completed_by"])
    else:
        dossier.current_step = None
    Dossier.objects.filter(pk=dossier.pk).update(current_step=dossier.current_step)


def _validate_assignee(dossier: Dossier, assignee: User | None) -> None:
    if assignee is not None and not has_agency_role(assignee, dossier.agency_id, Membership.Role.SPECIALIST):
        raise ValidationError(
            {"assignee": ValidationError(_("Người được phân công phải là chuyên viên của cơ quan."), code="assignee")}
        )


@transaction.atomic
def dossier_accept(*, actor: User, dossier: Dossier, assignee: User | None = None) -> Dossier:
    """Tiếp nhận: the deadline starts, the steps are laid out and the appointment slip (mẫu 01) is issued."""
    _validate_assignee(dossier, assignee)
    now = timezone.now()
    dossier_workflow.perform(dossier, "accept", actor=actor, at=now, changes={"accepted_at": now, "assignee": assignee})
    dossier.appointment_at = dossier.due_at
    dossier.save(update_fields=["appointment_at"])
    _steps_from_procedure(dossier)
    _complete_desk_steps(dossier, actor, now)
    _issue(dossier, kind=DossierFile.Kind.SLIP, content=documents.slip_pdf(dossier), name="giay-tiep-nhan.pdf")
    _tell_applicant(
        dossier,
        _("đã được tiếp nhận"),
        _("Hồ sơ đã được tiếp nhận. Ngày hẹn trả kết quả: {date}.").format(date=_local(dossier.appointment_at)),
    )
    return dossier


def _local(at: datetime | None) -> str:
    return "" if at is None else timezone.localtime(at).strftime("%H:%M %d/%m/%Y")


def _clean_items(items: Iterable[str]) -> list[str]:
    cleaned = [" ".join(str(item).split())[:300] for item in items if str(item).strip()]
    if not cleaned:
        raise ValidationError(
            {"items": ValidationError(_("Vui lòng nêu ít nhất một giấy tờ cần bổ sung."), code="required")}
        )
    return cleaned[:30]


@transaction.atomic
def dossier_request_supplement(*, actor: User, dossier: Dossier, items: Iterable[str], note: str = "") -> Dossier:
    """Yêu cầu bổ sung (mẫu 02): the clock stands still until the applicant supplements."""
    wanted = _clean_items(items)
    note = (note or "").strip()[:2000]
    reason = "; ".join(wanted) + (f". {note}" if note else "")
    dossier_workflow.perform(
        dossier,
        "request_supplement",
        actor=actor,
        reason=reason,
        data={"items": wanted, "note": note},
        changes={
            "supplement_request": {"items": wanted, "note": note},
            "supplement_count": dossier.supplement_count + 1,
        },
    )
    _issue(
        dossier,
        kind=DossierFile.Kind.SUPPLEMENT_REQUEST,
        content=documents.supplement_request_pdf(dossier),
        name="phieu-yeu-cau-bo-sung.pdf",
    )
    _tell_applicant(
        dossier,
        _("cần bổ sung giấy tờ"),
        _("Cơ quan yêu cầu bổ sung: {items}. {note}").format(items="; ".join(wanted), note=note).strip(),
    )
    return dossier


def dossier_supplement(*, actor: User, dossier: Dossier, files: Files, note: str = "") -> Dossier:
    """The applicant (or the desk officer at the counter) hands in what was asked; the clock runs again."""
    dossier_workflow.ensure(actor, dossier, "supplement")
    checked = _check_files(dossier.procedure, files, require_mandatory=False)
    if not checked and not (note or "").strip():
        raise ValidationError(
            {"files": ValidationError(_("Vui lòng đính kèm giấy tờ bổ sung hoặc ghi chú."), code="required")}
        )
    existing = sum(f.size for f in dossier.files.all())
    uploads.check_total([existing, *(u.checked.size for u in checked)])
    with transaction.atomic():
        promised_deadline = dossier.appointment_at is not None and dossier.appointment_at == dossier.due_at
        dossier_workflow.perform(
            dossier,
            "supplement",
            actor=actor,
            reason=(note or "").strip()[:2000],
            data={"files": len(checked)},
            changes={"supplement_request": {}},
        )
        if promised_deadline:
            # The time given back moves the promised date too (unless an apology letter set its own).
            dossier.appointment_at = dossier.due_at
            dossier.save(update_fields=["appointment_at"])
        for upload in checked:
            _store(dossier, upload, kind=DossierFile.Kind.SUPPLEMENT, actor=actor)
        _tell_applicant(
            dossier,
            _("đã nhận giấy tờ bổ sung"),
            _("Cơ quan đã nhận giấy tờ bổ sung; hồ sơ được xử lý tiếp. {status}").format(status=_status_line(dossier)),
        )
    return dossier


@transaction.atomic
def dossier_refuse(*, actor: User, dossier: Dossier, reason: str) -> Dossier:
    """Từ chối tiếp nhận (mẫu 03) with the reason, shown to the applicant."""
    dossier_workflow.perform(dossier, "refuse", actor=actor, reason=reason, changes={"refusal_reason": reason.strip()})
    _issue(dossier, kind=DossierFile.Kind.REFUSAL, content=documents.refusal_pdf(dossier), name="phieu-tu-choi.pdf")
    _tell_applicant(dossier, _("không được tiếp nhận"), _("Lý do: {reason}").format(reason=dossier.refusal_reason))
    return dossier


# --- processing ----------------------------------------------------------------------------------


@transaction.atomic
def dossier_assign(*, actor: User, dossier: Dossier, assignee: User) -> Dossier:
    """Phân công: the specialist who processes the dossier."""
    _validate_assignee(dossier, assignee)
    dossier_workflow.perform(
        dossier,
        "assign",
        actor=actor,
        data={"assignee": assignee.get_username()},
        changes={"assignee": assignee},
    )
    return dossier


@transaction.atomic
def dossier_complete_step(*, actor: User, dossier: Dossier, note: str = "") -> Dossier:
    """The specialist finishes the current step; after the last one the leader approves."""
    dossier_workflow.ensure(actor, dossier, "complete_step")
    now = timezone.now()
    step = (
        dossier.steps.filter(completed_at__isnull=True).exclude(role=Membership.Role.LEADER).order_by("order").first()
    )
    if step is not None:
        step.completed_at, step.completed_by = now, actor
        step.save(update_fields=["completed_at", "completed_by"])
    following = dossier.steps.filter(completed_at__isnull=True).order_by("order").first()
    dossier_workflow.perform(
        dossier,
        "complete_step",
        actor=actor,
        at=now,
        reason=(note or "").strip()[:2000],
        data={"step": step.name if step else ""},
        changes={"current_step": following.order if following else None},
    )
    return dossier


@transaction.atomic
def dossier_send_back(*, actor: User, dossier: Dossier, reason: str) -> Dossier:
    """The leader returns the dossier to the specialist to process again."""
    dossier_workflow.perform(dossier, "send_back", actor=actor, reason=reason)
    last = dossier.steps.exclude(role=Membership.Role.LEADER).filter(completed_at__isnull=False).order_by("-order")
    step = last.first()
    if step is not None:
        step.completed_at = step.completed_by = None
        step.save(update_fields=["completed_at", "completed_by"])
        Dossier.objects.filter(pk=dossier.pk).update(current_step=step.order)
        dossier.current_step = step.order
    return dossier


@transaction.atomic
def dossier_approve(*, actor: User, dossier: Dossier, note: str = "") -> Dossier:
    """Phê duyệt: the clock stops, the result is issued as a PDF with a QR verification link."""
    now = timezone.now()
    dossier_workflow.perform(
        dossier,
        "approve",
        actor=actor,
        at=now,
        reason=(note or "").strip()[:2000],
        changes={"result_token": secrets.token_urlsafe(24), "result_issued_at": now, "current_step": None},
    )
    dossier.steps.filter(completed_at__isnull=True).update(completed_at=now, completed_by=actor)
    _issue(dossier, kind=DossierFile.Kind.RESULT, content=documents.result_pdf(dossier), name="ket-qua.pdf")
    if returns_online(dossier):
        how = _("Kết quả đã sẵn sàng để tải về trên Cổng dịch vụ công.")
    else:
        how = _("Mời ông/bà đến bộ phận một cửa để nhận kết quả.")
    _tell_applicant(dossier, _("đã có kết quả"), how)
    return dossier


@transaction.atomic
def dossier_stop(*, actor: User, dossier: Dossier, reason: str) -> Dossier:
    """Dừng xử lý, with the reason shown to the applicant."""
    dossier_workflow.perform(dossier, "stop", actor=actor, reason=reason)
    _tell_applicant(dossier, _("dừng xử lý"), _("Lý do: {reason}").format(reason=reason.strip()))
    return dossier


@transaction.atomic
def dossier_transfer(*, actor: User, dossier: Dossier, to_agency: Agency, reason: str) -> Dossier:
    """Chuyển liên thông: the dossier goes to the competent agency; the receiving agency keeps sight of it."""
    if to_agency.pk == dossier.agency_id or not to_agency.is_active:
        raise ValidationError(
            {"to_agency": ValidationError(_("Vui lòng chọn một cơ quan khác đang hoạt động."), code="to_agency")}
        )
    previous = dossier.agency
    dossier_workflow.perform(
        dossier,
        "transfer",
        actor=actor,
        reason=reason,
        data={"from_agency": previous.code, "to_agency": to_agency.code},
        changes={"agency": to_agency, "assignee": None, "current_step": None},
    )
    dossier.steps.filter(completed_at__isnull=True).delete()
    _tell_applicant(
        dossier,
        _("được chuyển liên thông"),
        _("Hồ sơ được chuyển từ {source} tới {target} để giải quyết.").format(
            source=previous.name, target=to_agency.name
        ),
    )
    return dossier


@transaction.atomic
def dossier_receive_transfer(*, actor: User, dossier: Dossier, assignee: User | None = None) -> Dossier:
    """The competent agency takes the transferred dossier into processing (its own steps)."""
    _validate_assignee(dossier, assignee)
    now = timezone.now()
    started = dossier.clock_started_at is not None
    dossier_workflow.perform(
        dossier,
        "receive_transfer",
        actor=actor,
        at=now,
        changes={"assignee": assignee, "accepted_at": dossier.accepted_at or now},
    )
    if not started:
        dossier.appointment_at = dossier.due_at
        dossier.save(update_fields=["appointment_at"])
    last = dossier.steps.order_by("-order").values_list("order", flat=True).first() or 0
    steps = [
        DossierStep(dossier=dossier, order=last + step.order, name=step.name, role=step.role, agency=dossier.agency)
        for step in dossier.procedure.steps.all()
        if step.role != Membership.Role.DESK_OFFICER
    ]
    DossierStep.objects.bulk_create(steps)
    if steps:
        Dossier.objects.filter(pk=dossier.pk).update(current_step=steps[0].order)
        dossier.current_step = steps[0].order
    _tell_applicant(
        dossier,
        _("đang được xử lý"),
        _("{agency} đã nhận hồ sơ liên thông và đang xử lý. Ngày hẹn trả kết quả: {date}.").format(
            agency=dossier.agency.name, date=_local(dossier.appointment_at)
        ),
    )
    return dossier


@transaction.atomic
def dossier_apologise(*, actor: User, dossier: Dossier, reason: str, new_appointment_at: datetime) -> DossierApology:
    """Thư xin lỗi (mẫu 04, Quyết định 5157/QĐ-UBND): the reason for the delay and a new appointment date.

    The legal deadline is not moved: a dossier that needed an apology counts as late.
    """
    now = timezone.now()
    if new_appointment_at <= now or (dossier.appointment_at and new_appointment_at <= dossier.appointment_at):
        raise ValidationError(
            {
                "new_appointment_at": ValidationError(
                    _("Ngày hẹn mới phải sau ngày hẹn hiện tại và sau thời điểm hiện tại."), code="date"
                )
            }
        )
    if not calendar.is_working_day(timezone.localtime(new_appointment_at).date()):
        raise ValidationError(
            {"new_appointment_at": ValidationError(_("Ngày hẹn mới phải là ngày làm việc."), code="date")}
        )
    previous = dossier.appointment_at
    dossier_workflow.perform(
        dossier,
        "apologise",
        actor=actor,
        at=now,
        reason=reason,
        data={"new_appointment_at": new_appointment_at.isoformat()},
        changes={"appointment_at": new_appointment_at},
    )
    apology = DossierApology.objects.create(
        dossier=dossier,
        reason=reason.strip(),
        previous_appointment_at=previous,
        new_appointment_at=new_appointment_at,
        issued_by=actor,
        issued_at=now,
    )
    _issue(dossier, kind=DossierFile.Kind.APOLOGY, content=documents.apology_pdf(apology), name="thu-xin-loi.pdf")
    _tell_applicant(
        dossier,
        _("thư xin lỗi và hẹn lại ngày trả kết quả"),
        _("Cơ quan xin lỗi vì hồ sơ chậm so với hẹn. Lý do: {reason}. Ngày hẹn mới: {date}.").format(
            reason=apology.reason, date=_local(new_appointment_at)
        ),
    )
    return apology


# --- fees, result, withdrawal, rating, messages ----------------------------------------------------


@transaction.atomic
def dossier_record_payment(*, actor: User, dossier: Dossier, reference: str = "") -> Dossier:
    """The desk officer records the fee paid at the counter (thu phí tại quầy)."""
    if dossier.payment_status != Dossier.Payment.UNPAID:
        raise ValidationError(_("Hồ sơ này không có khoản phí nào chưa nộp."), code="nothing_to_pay")
    now = timezone.now()
    dossier_workflow.perform(
        dossier,
        "record_payment",
        actor=actor,
        at=now,
        data={"amount": str(dossier.fee_amount), "reference": reference.strip()[:60]},
        changes={
            "payment_status": Dossier.Payment.PAID,
            "payment_method": Dossier.PaymentMethod.COUNTER,
            "payment_reference": reference.strip()[:60],
            "paid_at": now,
        },
    )
    return dossier


@transaction.atomic
def dossier_return(*, actor: User, dossier: Dossier, method: str) -> Dossier:
    """Trả kết quả: online (the applicant downloads it) or at the counter; any fee must be paid first."""
    if method not in Dossier.ReturnMethod.values:
        raise ValidationError({"method": ValidationError(_("Hình thức trả kết quả không hợp lệ."), code="method")})
    if method == Dossier.ReturnMethod.ONLINE and not is_applicant(actor, dossier):
        raise PermissionDenied(_("Chỉ người nộp hồ sơ mới nhận kết quả trực tuyến."))
    if method == Dossier.ReturnMethod.ONLINE and not returns_online(dossier):
        raise ValidationError(_("Kết quả của hồ sơ này được trả tại bộ phận một cửa."), code="counter_only")
    if method == Dossier.ReturnMethod.COUNTER and not is_receiving_desk(actor, dossier):
        raise PermissionDenied(_("Chỉ cán bộ một cửa mới trả kết quả tại quầy."))
    if dossier.payment_status == Dossier.Payment.UNPAID:
        raise ValidationError(
            _("Vui lòng nộp phí, lệ phí ({amount} đồng) trước khi nhận kết quả.").format(
                amount=f"{dossier.fee_amount:,.0f}".replace(",", ".")
            ),
            code="unpaid",
        )
    now = timezone.now()
    dossier_workflow.perform(
        dossier,
        "return_result",
        actor=actor,
        at=now,
        data={"method": method},
        changes={"returned_at": now, "return_method": method},
    )
    _tell_applicant(
        dossier,
        _("đã trả kết quả"),
        _("Cảm ơn ông/bà đã sử dụng dịch vụ. Mời đánh giá mức độ hài lòng với việc giải quyết hồ sơ."),
    )
    return dossier


def returns_online(dossier: Dossier) -> bool:
    """The result goes back online only for a dossier filed online under a full-online procedure (toàn trình)."""
    return dossier.channel == Dossier.Channel.ONLINE and dossier.procedure.online_level == Procedure.OnlineLevel.FULL


def result_file(*, actor: User, dossier: Dossier) -> DossierFile:
    """The result file for a download; the applicant's first download online counts as the return."""
    result = dossier.files.filter(kind=DossierFile.Kind.RESULT).order_by("-created_at").first()
    if result is None or dossier.state not in (State.RELEASED, State.RETURNED):
        raise ValidationError(_("Hồ sơ chưa có kết quả."), code="no_result")
    if dossier.state == State.RELEASED and is_applicant(actor, dossier):
        with transaction.atomic():
            if Dossier.objects.select_for_update().filter(pk=dossier.pk, state=State.RELEASED).exists():
                dossier_return(actor=actor, dossier=dossier, method=Dossier.ReturnMethod.ONLINE)
    return result


@transaction.atomic
def dossier_withdraw(*, actor: User, dossier: Dossier, reason: str = "") -> Dossier:
    """Rút hồ sơ at the applicant's request; the dossier ends and is no longer counted as open."""
    dossier_workflow.perform(dossier, "withdraw", actor=actor, reason=reason)
    _tell_applicant(dossier, _("đã rút"), _("Hồ sơ đã được rút theo yêu cầu."))
    return dossier


@transaction.atomic
def dossier_rate(*, actor: User, dossier: Dossier, score: int, comment: str = "") -> DossierRating:
    """Đánh giá mức độ hài lòng (1–5 and a comment), once, after the result is returned."""
    if not isinstance(score, int) or isinstance(score, bool) or not 1 <= score <= 5:
        raise ValidationError({"score": ValidationError(_("Vui lòng chọn mức từ 1 đến 5."), code="score")})
    comment = (comment or "").strip()
    if len(comment) > 2000:
        raise ValidationError({"comment": ValidationError(_("Góp ý tối đa 2.000 ký tự."), code="max_length")})
    if DossierRating.objects.filter(dossier=dossier).exists():
        raise ValidationError(_("Hồ sơ này đã được đánh giá."), code="already_rated")
    now = timezone.now()
    dossier_workflow.perform(dossier, "rate", actor=actor, at=now, data={"score": score})
    return DossierRating.objects.create(dossier=dossier, score=score, comment=comment, created_at=now)


@transaction.atomic
def dossier_message_post(*, actor: User, dossier: Dossier, body: str) -> DossierMessage:
    """A message on the dossier from the applicant or from a staff member of a handling agency."""
    if dossier.state == State.DRAFT:
        raise ValidationError(_("Hồ sơ nháp chưa gửi tới cơ quan."), code="draft")
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": ValidationError(_("Vui lòng nhập nội dung."), code="required")})
    if len(body) > 4000:
        raise ValidationError({"body": ValidationError(_("Nội dung tối đa 4.000 ký tự."), code="max_length")})
    from_agency = not is_applicant(actor, dossier)
    if from_agency and not (
        has_agency_role(actor, dossier.agency_id) or has_agency_role(actor, dossier.received_by_id)
    ):
        raise PermissionDenied(_("Bạn không có quyền trao đổi về hồ sơ này."))
    message = DossierMessage.objects.create(
        dossier=dossier,
        author=actor,
        author_label=actor.display_name,
        from_agency=from_agency,
        body=body,
    )
    if from_agency:
        _tell_applicant(dossier, _("có tin nhắn mới từ cơ quan"), body[:500])
    return message
