"""Test data for dossiers (hồ sơ), built through the real services so every dossier is one the platform could hold.

Shared by every dossier test module (web, back office, API, notifications). Signatures are stable:

- files: ``pdf_bytes()``, ``png_bytes()``, ``pdf_upload()``, ``png_upload()``;
- a procedure ready for online submission: ``online_procedure()`` (one mandatory PDF document, one optional
  PDF/PNG document, a two-field form, steps desk → specialist → leader);
- the handling agency's people: ``agency_staff(agency)`` → ``AgencyStaff(desk, specialist, leader)``;
- valid input: ``form_values(procedure)``, ``files_for(procedure)``;
- dossiers in each state: ``draft_dossier``, ``submitted_dossier`` (also ``DossierFactory``), ``counter_dossier``,
  ``processing_dossier``, ``supplement_requested_dossier``, ``awaiting_approval_dossier``,
  ``released_dossier``, ``returned_dossier``.

Each state helper takes the same keyword arguments as ``submitted_dossier`` and returns the dossier
reloaded from the database.
"""

import io
import itertools
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from reportlab.pdfgen import canvas

from congso.accounts.models import User
from congso.accounts.tests.factories import CitizenFactory, StaffFactory
from congso.agencies.models import Agency, Membership
from congso.agencies.tests.factories import AgencyFactory, MembershipFactory
from congso.dossiers import services
from congso.dossiers.models import Dossier
from congso.procedures.models import Procedure
from congso.procedures.tests.factories import ProcedureFactory, ProcessingStepFactory, RequiredDocumentFactory

_keys = itertools.count(1)

SIMPLE_FORM = [
    {"name": "full_name", "label": "Họ và tên", "type": "text", "required": True, "max_length": 100},
    {"name": "purpose", "label": "Mục đích", "type": "textarea"},
]


# --- files ---------------------------------------------------------------------------------------


def pdf_bytes(text: str = "Giấy tờ thử nghiệm") -> bytes:
    """A small, valid one-page PDF (made with reportlab)."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.drawString(72, 720, text)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def png_bytes(size: tuple[int, int] = (8, 8)) -> bytes:
    """A small, valid PNG image."""
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def pdf_upload(name: str = "giay-to.pdf", text: str = "Giấy tờ thử nghiệm") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(text), content_type="application/pdf")


def png_upload(name: str = "anh.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


# --- procedure and people ------------------------------------------------------------------------


def online_procedure(
    *,
    agencies: list[Agency] | None = None,
    form_schema: list[dict] | None = None,
    fee: Decimal = Decimal(0),
    fee_online: Decimal | None = None,
    with_steps: bool = True,
    **overrides: Any,
) -> Procedure:
    """A published, full-online procedure: documents "Đơn đề nghị" (mandatory, PDF) and "Giấy tờ khác"
    (optional, PDF/PNG), the ``SIMPLE_FORM`` and, unless ``with_steps=False``, steps desk 20% → specialist
    60% → leader 20%. One new agency unless ``agencies`` is given.
    """
    procedure = ProcedureFactory(
        agencies=agencies if agencies is not None else [AgencyFactory()],
        form_schema=SIMPLE_FORM if form_schema is None else form_schema,
        fee=fee,
        fee_online=fee_online,
        **overrides,
    )
    RequiredDocumentFactory(procedure=procedure, name="Đơn đề nghị", is_mandatory=True, accepted_types=["pdf"])
    RequiredDocumentFactory(procedure=procedure, name="Giấy tờ khác", is_mandatory=False, accepted_types=["pdf", "png"])
    if with_steps:
        ProcessingStepFactory(procedure=procedure, order=1, role=Membership.Role.DESK_OFFICER, share_percent=20)
        ProcessingStepFactory(procedure=procedure, order=2, role=Membership.Role.SPECIALIST, share_percent=60)
        ProcessingStepFactory(procedure=procedure, order=3, role=Membership.Role.LEADER, share_percent=20)
    return procedure


@dataclass(frozen=True)
class AgencyStaff:
    """The people of one agency a dossier meets: desk officer, specialist, leader."""

    agency: Agency
    desk: User
    specialist: User
    leader: User


def _member(agency: Agency, role: str) -> User:
    membership = Membership.objects.filter(agency=agency, role=role).select_related("user").first()
    if membership is None:
        membership = MembershipFactory(agency=agency, role=role, user=StaffFactory())
    return membership.user


def agency_staff(agency: Agency) -> AgencyStaff:
    """The agency's desk officer, specialist and leader (created once, then reused)."""
    return AgencyStaff(
        agency=agency,
        desk=_member(agency, Membership.Role.DESK_OFFICER),
        specialist=_member(agency, Membership.Role.SPECIALIST),
        leader=_member(agency, Membership.Role.LEADER),
    )


# --- valid input -----------------------------------------------------------------------------------

_SAMPLE = {
    "text": "Nguyễn Văn An",
    "textarea": "Nội dung thử nghiệm",
    "email": "an@example.vn",
    "phone": "0901234567",
    "integer": "1",
    "decimal": "1",
    "date": "2026-01-15",
    "personal_id": "079090012345",
}


def form_values(procedure: Procedure, **overrides: Any) -> dict[str, Any]:
    """Valid values for every field of the procedure's form (as a web form or the API would post them)."""
    values: dict[str, Any] = {}
    for spec in procedure.form_schema:
        kind = spec["type"]
        if kind in ("select", "radio"):
            values[spec["name"]] = spec["choices"][0][0]
        elif kind == "checkbox":
            values[spec["name"]] = True
        elif kind == "integer" and "min" in spec:
            values[spec["name"]] = str(spec["min"])
        else:
            values[spec["name"]] = _SAMPLE[kind]
    values.update(overrides)
    return values


def files_for(procedure: Procedure, *, mandatory_only: bool = True) -> dict[int, list[SimpleUploadedFile]]:
    """One small valid file per required document (a PDF, or a PNG if PDF is not accepted)."""
    files: dict[int, list[SimpleUploadedFile]] = {}
    for document in procedure.documents.all():
        if mandatory_only and not document.is_mandatory:
            continue
        accepted = document.accepted_types or ["pdf"]
        files[document.pk] = [pdf_upload(f"tai-lieu-{document.pk}.pdf") if "pdf" in accepted else png_upload()]
    return files


# --- dossiers in each state ----------------------------------------------------------------------------


def draft_dossier(
    *,
    applicant: User | None = None,
    procedure: Procedure | None = None,
    data: dict[str, Any] | None = None,
    agency: Agency | None = None,
) -> Dossier:
    """A draft (hồ sơ nháp) saved by ``dossier_draft_save``."""
    applicant = applicant or CitizenFactory()
    procedure = procedure or online_procedure()
    values = form_values(procedure) if data is None else data
    return services.dossier_draft_save(applicant=applicant, procedure=procedure, data=values, agency=agency)


def submitted_dossier(
    *,
    applicant: User | None = None,
    procedure: Procedure | None = None,
    data: dict[str, Any] | None = None,
    files: dict[int, list] | None = None,
    agency: Agency | None = None,
    contact: services.Contact | None = None,
    idempotency_key: str | None = None,
) -> Dossier:
    """An online dossier just submitted (Mới đăng ký) through ``dossier_submit``, with its mandatory files."""
    applicant = applicant or CitizenFactory()
    procedure = procedure or online_procedure()
    dossier = services.dossier_submit(
        applicant=applicant,
        procedure=procedure,
        data=form_values(procedure) if data is None else data,
        files=files_for(procedure) if files is None else files,
        contact=contact,
        agency=agency,
        idempotency_key=idempotency_key or f"test-key-{next(_keys):08d}",
    )
    return Dossier.objects.get(pk=dossier.pk)


def counter_dossier(
    *,
    procedure: Procedure | None = None,
    agency: Agency | None = None,
    applicant: User | None = None,
    data: dict[str, Any] | None = None,
    files: dict[int, list] | None = None,
    contact: services.Contact | None = None,
    accept: bool = True,
) -> Dossier:
    """A walk-in dossier entered by the agency's desk officer (``dossier_intake``), accepted unless ``accept=False``.

    ``agency`` defaults to the procedure's first agency; the contact to "Trần Văn Quầy", 0987654321.
    """
    procedure = procedure or online_procedure()
    agency = agency or procedure.agencies.order_by("pk").first()
    dossier = services.dossier_intake(
        officer=agency_staff(agency).desk,
        agency=agency,
        procedure=procedure,
        data=form_values(procedure) if data is None else data,
        files=files_for(procedure) if files is None else files,
        contact=contact or services.Contact(name="Trần Văn Quầy", phone="0987654321"),
        applicant=applicant,
        accept=accept,
        idempotency_key=f"test-key-{next(_keys):08d}",
    )
    return Dossier.objects.get(pk=dossier.pk)


def processing_dossier(**kwargs: Any) -> Dossier:
    """Submitted, then accepted by the agency's desk officer (Đang xử lý; slip issued, clock running)."""
    dossier = submitted_dossier(**kwargs)
    services.dossier_accept(actor=agency_staff(dossier.agency).desk, dossier=dossier)
    return Dossier.objects.get(pk=dossier.pk)


def supplement_requested_dossier(*, items: list[str] | None = None, note: str = "", **kwargs: Any) -> Dossier:
    """Processing, then asked by the desk officer to supplement ``items`` (Yêu cầu bổ sung giấy tờ)."""
    dossier = processing_dossier(**kwargs)
    services.dossier_request_supplement(
        actor=agency_staff(dossier.agency).desk,
        dossier=dossier,
        items=items or ["Bản sao giấy khai sinh"],
        note=note,
    )
    return Dossier.objects.get(pk=dossier.pk)


def awaiting_approval_dossier(**kwargs: Any) -> Dossier:
    """Processing, every specialist step done (Chờ lãnh đạo phê duyệt)."""
    dossier = processing_dossier(**kwargs)
    specialist = agency_staff(dossier.agency).specialist
    for _ in range(20):
        if dossier.state != Dossier.State.PROCESSING:
            break
        services.dossier_complete_step(actor=specialist, dossier=dossier)
        dossier = Dossier.objects.get(pk=dossier.pk)
    return dossier


def released_dossier(**kwargs: Any) -> Dossier:
    """Approved by the leader: the result PDF is issued (Đã xử lý xong – chờ trả kết quả)."""
    dossier = awaiting_approval_dossier(**kwargs)
    services.dossier_approve(actor=agency_staff(dossier.agency).leader, dossier=dossier)
    return Dossier.objects.get(pk=dossier.pk)


def returned_dossier(**kwargs: Any) -> Dossier:
    """Released, then the result returned at the counter by the desk officer (Đã trả kết quả)."""
    dossier = released_dossier(**kwargs)
    desk = agency_staff(dossier.agency).desk
    if dossier.payment_status == Dossier.Payment.UNPAID:
        services.dossier_record_payment(actor=desk, dossier=dossier)
        dossier = Dossier.objects.get(pk=dossier.pk)
    services.dossier_return(actor=desk, dossier=dossier, method=Dossier.ReturnMethod.COUNTER)
    return Dossier.objects.get(pk=dossier.pk)


class DossierFactory(factory.Factory):
    """``DossierFactory(applicant=..., procedure=..., ...)``: a submitted online dossier (see ``submitted_dossier``).

    Only ``create`` makes sense (the services write it); ``build`` is not supported.
    """

    class Meta:
        model = Dossier

    applicant = factory.LazyFunction(CitizenFactory)
    procedure = factory.LazyFunction(online_procedure)

    @classmethod
    def _create(cls, model_class: type[Dossier], **kwargs: Any) -> Dossier:
        return submitted_dossier(**kwargs)

    @classmethod
    def _build(cls, model_class: type[Dossier], **kwargs: Any) -> Dossier:
        raise NotImplementedError("DossierFactory only creates dossiers through the services.")
