"""API router for dossiers (hồ sơ), mounted at /api/v1/dossiers/.

The applicant files and follows their dossiers; anybody tracks one by its
receipt code and the last four digits of the phone, or verifies a result by
the token of its QR code; staff work through a queue and perform the actions
of the workflow. Every write is one service call (``congso.dossiers.services``),
every read one selector, so the API, the web and scripts behave the same.

Submissions are ``multipart/form-data``: form values as a JSON string in
``data`` and files as ``doc_<RequiredDocument id>`` (several per document
allowed). They need an ``Idempotency-Key`` header: a retry with the same key
answers 200 with the dossier the first call created (201), never a second one.

Errors keep the shared shape ``{"error": {code, message, fields}}``: a
service's ValidationError is 422 with ``fields`` (form field names,
``doc_<id>``, ``reason``…; code ``invalid_transition`` for an action the state
does not allow), PermissionDenied is 403 on a dossier the caller can see, and
a dossier they cannot see is 404.
"""

import json
import re
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal, TypeVar

import pydantic
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from ninja import Field, Header, Path, Query, Router, Schema, Status
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import ConfigDict, WithJsonSchema, field_validator
from pydantic_core import PydanticCustomError

from congso.accounts.auth import api_auth
from congso.accounts.models import User
from congso.agencies.models import Agency, Membership
from congso.agencies.permissions import agencies_for
from congso.agencies.selectors import agency_get, staff_user_get
from congso.api.errors import ApiError, ErrorOut
from congso.core.cases import SlaStatus
from congso.dossiers import services, tracking
from congso.dossiers.links import verify_url
from congso.dossiers.models import Dossier, DossierFile, DossierMessage, DossierRating
from congso.dossiers.selectors import (
    QUEUE_STATES,
    QueueFilter,
    dossier_by_result_token,
    dossier_for_applicant,
    dossier_for_staff,
    dossier_queue,
    dossier_track,
    dossiers_of_applicant,
    dossiers_visible_to,
    file_for,
    sla_of,
)
from congso.dossiers.workflow import dossier_workflow
from congso.procedures.models import Procedure
from congso.procedures.selectors import procedure_for_application, procedure_get_visible

router = Router(tags=["dossiers"], auth=api_auth)

State = Dossier.State
PAGE_SIZE = 20
PAGE_SIZE_MAX = 100
MAX_PAGE = 10_000
MAX_ID = 2**63 - 1
DOC_FIELD = re.compile(r"doc_([1-9][0-9]{0,17})")
RECEIPT_CODE = re.compile(r"[A-Za-z0-9._-]{1,60}")
# What an applicant does not need to read in the history: the agency's internal notes.
INTERNAL_ACTIONS = frozenset({"assign", "complete_step", "send_back", "approve"})

IDEMPOTENCY_DESCRIPTION = (
    "Bắt buộc. Khóa chống nộp trùng: 8–100 ký tự in được, do ứng dụng tự sinh (ví dụ một UUID) cho mỗi lần nộp "
    "và gửi lại y nguyên khi thử lại. Cùng khóa thì trả về cùng hồ sơ (200), không tạo hồ sơ thứ hai. "
    "Thiếu khóa: lỗi 400 `idempotency_key_required`. / "
    "Required. Idempotency key: 8–100 printable characters the client generates (e.g. a UUID) for each "
    "submission and resends unchanged on a retry. The same key returns the same dossier (200) and never creates "
    "a second one. Missing key: 400 `idempotency_key_required`."
)
FILES_DESCRIPTION = (
    "Tệp của thành phần hồ sơ: trường `doc_<mã thành phần hồ sơ>` (id trong danh sách `documents` của thủ tục), "
    "có thể gửi nhiều tệp cho một thành phần. PDF, JPEG hoặc PNG theo quy định của thành phần, kiểm tra theo nội "
    "dung tệp. / Files of a required document: field `doc_<required document id>`, repeatable."
)


def _decimal(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _is_staff(user: User) -> bool:
    return user.kind == User.Kind.STAFF


def _sla_label(status: str | None) -> str | None:
    return str(SlaStatus(status).label) if status else None


def _action_label(name: str) -> str:
    try:
        return str(dossier_workflow.transition(name).label)
    except ValidationError:
        return name


# --- schemas: output ----------------------------------------------------------------------------


class CodeNameOut(Schema):
    code: str
    name: str


class DossierSummaryOut(Schema):
    id: int
    receipt_code: str | None = Field(description="Mã hồ sơ; null khi còn là bản nháp")
    state: str = Field(description="Trạng thái nội bộ (draft, submitted, processing…)")
    state_label: str
    national_code: int | None = Field(description="Mã trạng thái theo Cổng Dịch vụ công quốc gia (0–10)")
    channel: str
    procedure: CodeNameOut
    agency: CodeNameOut = Field(description="Cơ quan đang giải quyết")
    created_at: datetime
    submitted_at: datetime | None
    appointment_at: datetime | None = Field(description="Ngày hẹn trả kết quả")
    updated_at: datetime
    fee_amount: str = Field(description="Phí, lệ phí phải nộp (đồng)")
    payment_status: str
    sla: SlaStatus | None = Field(description="Tình trạng hạn xử lý; null khi chưa tính hạn")

    @staticmethod
    def resolve_state_label(obj: Dossier) -> str:
        return str(obj.get_state_display())

    @staticmethod
    def resolve_fee_amount(obj: Dossier) -> str:
        return _decimal(obj.fee_amount)

    @staticmethod
    def resolve_sla(obj: Dossier) -> str | None:
        return sla_of(obj)


class QueueItemOut(DossierSummaryOut):
    applicant_name: str
    due_at: datetime | None = Field(description="Hạn giải quyết theo quy định")
    supplement_count: int
    assignee: str | None = Field(description="Tên đăng nhập của chuyên viên được phân công")

    @staticmethod
    def resolve_assignee(obj: Dossier) -> str | None:
        return obj.assignee.get_username() if obj.assignee_id else None


class DossierPageOut(Schema):
    count: int
    page: int
    page_size: int
    items: list[DossierSummaryOut]


class QueuePageOut(Schema):
    count: int
    page: int
    page_size: int
    items: list[QueueItemOut]


class EventOut(Schema):
    seq: int
    at: datetime
    action: str
    action_label: str
    from_state: str
    to_state: str
    state_label: str
    reason: str
    actor: str


class FileOut(Schema):
    id: int
    kind: str
    kind_label: str
    document_id: int | None = Field(description="Thành phần hồ sơ (RequiredDocument id), nếu có")
    name: str
    content_type: str
    size: int
    sha256: str
    created_at: datetime
    url: str = Field(description="Đường dẫn tải tệp qua API (cần đăng nhập)")


class StepOut(Schema):
    order: int
    name: str
    role: str
    due_at: datetime | None
    completed_at: datetime | None
    is_current: bool


class ApplicantOut(Schema):
    name: str
    id_number: str
    phone: str
    email: str
    address: str


class AssigneeOut(Schema):
    username: str
    name: str


class FeeOut(Schema):
    amount: str = Field(description="Số tiền (đồng)")
    status: str
    status_label: str
    method: str
    reference: str
    paid_at: datetime | None


class SupplementRequestOut(Schema):
    items: list[str]
    note: str


class ApologyOut(Schema):
    reason: str
    previous_appointment_at: datetime | None
    new_appointment_at: datetime
    issued_at: datetime


class RatingOut(Schema):
    score: int
    comment: str
    created_at: datetime


class MessageOut(Schema):
    id: int
    author: str
    from_agency: bool
    body: str
    created_at: datetime

    @staticmethod
    def resolve_author(obj: DossierMessage) -> str:
        return obj.author_label


class ActionOut(Schema):
    name: str
    label: str


class DossierOut(Schema):
    id: int
    receipt_code: str | None
    state: str
    state_label: str
    national_code: int | None
    channel: str
    channel_label: str
    procedure: CodeNameOut
    agency: CodeNameOut = Field(description="Cơ quan đang giải quyết")
    received_by: CodeNameOut = Field(description="Cơ quan tiếp nhận")
    applicant: ApplicantOut
    form_data: dict[str, Any]
    created_at: datetime
    submitted_at: datetime | None
    accepted_at: datetime | None
    due_at: datetime | None = Field(description="Hạn giải quyết theo quy định")
    appointment_at: datetime | None = Field(description="Ngày hẹn trả kết quả (đổi khi có thư xin lỗi)")
    result_issued_at: datetime | None
    returned_at: datetime | None
    return_method: str
    sla: SlaStatus | None
    sla_label: str | None
    supplement_count: int
    supplement_request: SupplementRequestOut | None
    refusal_reason: str
    assignee: AssigneeOut | None = Field(description="Chuyên viên xử lý (chỉ cán bộ thấy)")
    fee: FeeOut
    result_url: str | None = Field(
        description="Tải kết quả (PDF); lần tải đầu của người nộp là nhận kết quả trực tuyến"
    )
    verification_url: str | None = Field(description="Trang xác thực kết quả (mã QR)")
    actions: list[ActionOut] = Field(
        description=(
            "Thao tác người đang gọi được thực hiện lúc này. Cán bộ: POST /{id}/actions/{name}. Người nộp: "
            "submit → POST /drafts/{id}/submit, supplement → POST /{id}/supplement, withdraw → POST /{id}/withdraw, "
            "return_result → GET /{id}/result, rate → POST /{id}/rate."
        )
    )
    events: list[EventOut] = Field(description="Quá trình xử lý")
    files: list[FileOut]
    steps: list[StepOut]
    apologies: list[ApologyOut]
    rating: RatingOut | None
    messages: list[MessageOut]


class TrackingEventOut(Schema):
    at: datetime
    action: str
    action_label: str
    state: str
    state_label: str


class TrackingOut(Schema):
    receipt_code: str
    state: str
    state_label: str
    national_code: int | None
    channel: str
    procedure: CodeNameOut
    agency: CodeNameOut
    received_by: CodeNameOut
    submitted_at: datetime | None
    accepted_at: datetime | None
    appointment_at: datetime | None
    returned_at: datetime | None
    sla: SlaStatus | None
    history: list[TrackingEventOut]


class VerificationOut(Schema):
    receipt_code: str
    procedure: CodeNameOut
    agency: CodeNameOut
    applicant_name: str
    result_issued_at: datetime | None
    state: str
    state_label: str
    result_sha256: str | None = Field(description="SHA-256 của tệp kết quả, để đối chiếu bản điện tử")


# --- schemas: input ------------------------------------------------------------------------------


class IdempotencyHeader(Schema):
    # Required in the published contract; checked by the endpoint so that a missing key gets its own 400.
    model_config = ConfigDict(json_schema_extra={"required": ["Idempotency-Key"]})

    key: Annotated[
        str | None,
        WithJsonSchema({"type": "string", "minLength": 8, "maxLength": 100, "example": "5f0c1e0a-7d7e-4f3b"}),
    ] = Field(None, alias="Idempotency-Key", description=IDEMPOTENCY_DESCRIPTION)


def _email(value: str) -> str:
    value = value.strip()
    if value:
        try:
            validate_email(value)
        except ValidationError:
            raise PydanticCustomError("email", gettext("Địa chỉ thư điện tử không hợp lệ.")) from None
    return value


class ContactForm(Schema):
    applicant_phone: str = Field("", max_length=20, description="Số điện thoại; mặc định lấy từ tài khoản")
    applicant_email: str = Field("", max_length=254, description="Thư điện tử; mặc định lấy từ tài khoản")
    applicant_address: str = Field("", max_length=255, description="Địa chỉ; mặc định lấy từ tài khoản")

    _check_email = field_validator("applicant_email")(_email)


class SubmitForm(ContactForm):
    procedure: str = Field(..., min_length=1, max_length=40, description="Mã thủ tục")
    agency: str = Field("", max_length=30, description="Mã cơ quan tiếp nhận; bỏ trống nếu thủ tục chỉ có một")
    data: str = Field("{}", description="Giá trị tờ khai, chuỗi JSON {tên trường: giá trị}")


class DraftSubmitForm(ContactForm):
    agency: str = Field("", max_length=30, description="Mã cơ quan tiếp nhận; bỏ trống để giữ như bản nháp")
    data: str | None = Field(None, description="Giá trị tờ khai (chuỗi JSON); bỏ trống để dùng bản nháp")


class IntakeForm(Schema):
    procedure: str = Field(..., min_length=1, max_length=40, description="Mã thủ tục")
    agency: str = Field("", max_length=30, description="Mã cơ quan; bỏ trống nếu cán bộ chỉ làm một cửa ở một nơi")
    data: str = Field("{}", description="Giá trị tờ khai, chuỗi JSON {tên trường: giá trị}")
    applicant_name: str = Field("", max_length=255)
    applicant_phone: str = Field("", max_length=20)
    applicant_id_number: str = Field("", max_length=20)
    applicant_email: str = Field("", max_length=254)
    applicant_address: str = Field("", max_length=255)
    accept: bool = Field(True, description="Tiếp nhận ngay (cấp giấy tiếp nhận và hẹn trả kết quả)")

    _check_email = field_validator("applicant_email")(_email)


class SupplementForm(Schema):
    note: str = Field("", max_length=2000, description="Ghi chú gửi cơ quan")


class _Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class DraftIn(_Strict):
    procedure: str = Field(..., min_length=1, max_length=40, description="Mã thủ tục")
    agency: str | None = Field(None, max_length=30, description="Mã cơ quan tiếp nhận")
    data: dict[str, Any] = Field(default_factory=dict, description="Giá trị tờ khai đã nhập")


class DraftUpdateIn(_Strict):
    agency: str | None = Field(None, max_length=30)
    data: dict[str, Any] = Field(default_factory=dict)


class WithdrawIn(_Strict):
    reason: str = Field("", max_length=2000)


class RateIn(_Strict):
    score: int = Field(..., description="Mức độ hài lòng, 1 (rất không hài lòng) đến 5 (rất hài lòng)")
    comment: str = Field("", max_length=4000)


class MessageIn(_Strict):
    body: str = Field(..., max_length=8000)


class MineQuery(Schema):
    state: Literal["draft", "open", "closed"] | None = None
    page: int = Field(1, ge=1, le=MAX_PAGE)
    page_size: int = Field(PAGE_SIZE, ge=1, le=PAGE_SIZE_MAX)


QueueState = Literal[(*QUEUE_STATES, *(s for s in State.values if s != State.DRAFT))]  # type: ignore[valid-type]


class QueueQuery(Schema):
    agency: str | None = Field(None, max_length=30, description="Mã cơ quan (đang xử lý hoặc đã tiếp nhận)")
    state: QueueState | None = Field(  # type: ignore[valid-type]
        None, description="Nhóm (reception, processing, approval, waiting, release, open) hoặc một trạng thái"
    )
    sla: SlaStatus | None = None
    procedure: str | None = Field(None, max_length=40, description="Mã thủ tục")
    channel: Dossier.Channel | None = None
    assigned_to_me: bool = False
    q: str = Field("", max_length=100, description="Mã hồ sơ, số điện thoại, số định danh hoặc tên người nộp")
    page: int = Field(1, ge=1, le=MAX_PAGE)
    page_size: int = Field(PAGE_SIZE, ge=1, le=PAGE_SIZE_MAX)


class AcceptIn(_Strict):
    assignee: str | None = Field(None, max_length=150, description="Tên đăng nhập của chuyên viên (tùy chọn)")


class RequestSupplementIn(_Strict):
    items: list[Annotated[str, Field(max_length=300)]] = Field(..., max_length=30, description="Giấy tờ cần bổ sung")
    note: str = Field("", max_length=2000)


class ReasonIn(_Strict):
    reason: str = Field("", max_length=2000)


class AssignIn(_Strict):
    assignee: str = Field(..., max_length=150, description="Tên đăng nhập của chuyên viên")


class NoteIn(_Strict):
    note: str = Field("", max_length=2000)


class TransferIn(_Strict):
    to_agency: str = Field(..., max_length=30, description="Mã cơ quan có thẩm quyền")
    reason: str = Field("", max_length=2000)


class ReceiveTransferIn(_Strict):
    assignee: str | None = Field(None, max_length=150)


class RecordPaymentIn(_Strict):
    reference: str = Field("", max_length=60, description="Số biên lai")


class ReturnResultIn(_Strict):
    method: Literal["counter"] = Field("counter", description="Trả tại quầy (trả trực tuyến: người nộp tải kết quả)")


class ApologiseIn(_Strict):
    reason: str = Field("", max_length=2000, description="Lý do chậm trễ")
    new_appointment_at: datetime = Field(
        ...,
        description="Ngày hẹn mới: ngày làm việc, sau ngày hẹn hiện tại; không ghi múi giờ thì hiểu là giờ Việt Nam",
    )


# --- request helpers -----------------------------------------------------------------------------

S = TypeVar("S", bound=Schema)


def _invalid(field: str, message: str, code: str = "invalid") -> ApiError:
    return ApiError(422, code, gettext("Dữ liệu không hợp lệ"), {field: [message]})


def _form(request: HttpRequest, schema: type[S]) -> S:
    """The multipart form fields validated by ``schema`` (files are read by ``_files``)."""
    try:
        post = request.POST
    except MultiPartParserError:
        raise ApiError(
            400, "bad_request", gettext("Không đọc được nội dung yêu cầu (multipart không hợp lệ)")
        ) from None
    try:
        return schema.model_validate({name: post.get(name) for name in post})
    except pydantic.ValidationError as exc:
        raise NinjaValidationError(exc.errors(include_url=False, include_context=False)) from None


def _files(request: HttpRequest) -> dict[int, list]:
    """Uploaded files by required-document id, from the ``doc_<id>`` fields."""
    files: dict[int, list] = {}
    errors: dict[str, list[str]] = {}
    for name in request.FILES:
        match = DOC_FIELD.fullmatch(name)
        if match is None:
            errors[name[:60]] = [gettext("Tên trường tệp phải có dạng doc_<mã thành phần hồ sơ>.")]
        else:
            files[int(match[1])] = request.FILES.getlist(name)
    if errors:
        raise ApiError(422, "invalid", gettext("Dữ liệu không hợp lệ"), errors)
    return files


def _form_values(text: str) -> dict[str, Any]:
    try:
        values = json.loads(text or "{}")
    except (ValueError, RecursionError):
        values = None
    if not isinstance(values, dict):
        raise _invalid(
            "data", gettext("Tờ khai (data) phải là một đối tượng JSON {tên trường: giá trị}."), "invalid_json"
        )
    return values


def _idempotency_key(header: IdempotencyHeader) -> str:
    if header.key is None or not header.key.strip():
        raise ApiError(
            400,
            "idempotency_key_required",
            gettext("Thiếu tiêu đề Idempotency-Key: mỗi lần nộp cần một khóa chống nộp trùng (8–100 ký tự)."),
        )
    return header.key


def _created_or_replayed(dossier: Dossier) -> Status:
    """201 for a dossier this call created; 200 for one an earlier call with the same key created."""
    return Status(200 if getattr(dossier, "replayed", False) else 201, dossier)


def _procedure(code: str) -> Procedure:
    try:
        return procedure_for_application(code)
    except Http404:
        raise _invalid("procedure", gettext("Không tìm thấy thủ tục đang công bố với mã này."), "unknown") from None


def _agency(code: str | None, field: str = "agency", procedure: Procedure | None = None) -> Agency | None:
    """The agency with this code; looked up among the procedure's own agencies first (already loaded)."""
    if not code:
        return None
    known = [a for a in procedure.agencies.all() if a.code == code] if procedure is not None else []
    agency = known[0] if known else agency_get(code=code)
    if agency is None:
        raise _invalid(field, gettext("Không tìm thấy cơ quan với mã này."), "unknown")
    return agency


def _staff_user(username: str | None, field: str = "assignee") -> User | None:
    if not username:
        return None
    user = staff_user_get(username=username)
    if user is None:
        raise _invalid(
            field, gettext("Không tìm thấy tài khoản cán bộ đang hoạt động với tên đăng nhập này."), "unknown"
        )
    return user


def _staff_only(user: User) -> None:
    if not _is_staff(user):
        raise PermissionDenied


def _readable(user: User, dossier_id: int) -> Dossier:
    """A dossier to show: the applicant's own, or a visible one for staff (audited); 404 otherwise."""
    if _is_staff(user):
        return dossier_for_staff(user, dossier_id)
    return dossier_for_applicant(user, dossier_id)


def _actionable(user: User, dossier_id: int) -> Dossier:
    """A dossier to act on, if the user can see it (the action itself is audited); 404 otherwise."""
    dossier = (
        dossiers_visible_to(user)
        .select_related("procedure", "agency", "received_by", "applicant", "assignee")
        .filter(pk=dossier_id)
        .first()
    )
    if dossier is None:
        raise Http404
    return dossier


def _aware(at: datetime) -> datetime:
    return timezone.make_aware(at) if timezone.is_naive(at) else at


def _page(items: Any, page: int, page_size: int) -> dict[str, Any]:
    start = (page - 1) * page_size
    return {
        "count": items.count(),
        "page": page,
        "page_size": page_size,
        "items": list(items[start : start + page_size]),
    }


def _file_response(dossier_file: DossierFile) -> FileResponse:
    try:
        handle = dossier_file.file.open("rb")
    except OSError:
        raise Http404 from None
    return FileResponse(
        handle, as_attachment=True, filename=dossier_file.original_name, content_type=dossier_file.content_type
    )


# --- output builders -----------------------------------------------------------------------------


def _code_name(obj: Any) -> dict[str, str]:
    return {"code": obj.code, "name": obj.name}


def _detail(dossier: Dossier, user: User) -> dict[str, Any]:
    """The full dossier for its applicant or for staff (a few queries: events, files, steps, letters, messages)."""
    staff = _is_staff(user)
    steps = list(dossier.steps.all())
    sla = sla_of(dossier)
    released = dossier.state in (State.RELEASED, State.RETURNED)
    return {
        "id": dossier.pk,
        "receipt_code": dossier.receipt_code,
        "state": dossier.state,
        "state_label": str(dossier.get_state_display()),
        "national_code": dossier.national_code,
        "channel": dossier.channel,
        "channel_label": str(dossier.get_channel_display()),
        "procedure": _code_name(dossier.procedure),
        "agency": _code_name(dossier.agency),
        "received_by": _code_name(dossier.received_by),
        "applicant": {
            "name": dossier.applicant_name,
            "id_number": dossier.applicant_id_number,
            "phone": dossier.applicant_phone,
            "email": dossier.applicant_email,
            "address": dossier.applicant_address,
        },
        "form_data": dossier.form_data or {},
        "created_at": dossier.created_at,
        "submitted_at": dossier.submitted_at,
        "accepted_at": dossier.accepted_at,
        "due_at": dossier.due_at,
        "appointment_at": dossier.appointment_at,
        "result_issued_at": dossier.result_issued_at,
        "returned_at": dossier.returned_at,
        "return_method": dossier.return_method,
        "sla": sla,
        "sla_label": _sla_label(sla),
        "supplement_count": dossier.supplement_count,
        "supplement_request": (
            {
                "items": list(dossier.supplement_request.get("items") or []),
                "note": str(dossier.supplement_request.get("note") or ""),
            }
            if dossier.supplement_request
            else None
        ),
        "refusal_reason": dossier.refusal_reason,
        "assignee": (
            {"username": dossier.assignee.get_username(), "name": dossier.assignee.display_name}
            if staff and dossier.assignee_id
            else None
        ),
        "fee": {
            "amount": _decimal(dossier.fee_amount),
            "status": dossier.payment_status,
            "status_label": str(dossier.get_payment_status_display()),
            "method": dossier.payment_method,
            "reference": dossier.payment_reference,
            "paid_at": dossier.paid_at,
        },
        "result_url": reverse("api:dossier_result", kwargs={"dossier_id": dossier.pk}) if released else None,
        "verification_url": verify_url(dossier) if released and dossier.result_token else None,
        "actions": [{"name": t.name, "label": str(t.label)} for t in dossier_workflow.available(dossier, user)],
        "events": [
            {
                "seq": event.seq,
                "at": event.at,
                "action": event.action,
                "action_label": _action_label(event.action),
                "from_state": event.from_state,
                "to_state": event.to_state,
                "state_label": dossier_workflow.state_label(event.to_state),
                "reason": event.reason if staff or event.action not in INTERNAL_ACTIONS else "",
                "actor": event.actor_label,
            }
            for event in dossier.events.order_by("seq")
        ],
        "files": [
            {
                "id": f.pk,
                "kind": f.kind,
                "kind_label": str(f.get_kind_display()),
                "document_id": f.document_id,
                "name": f.original_name,
                "content_type": f.content_type,
                "size": f.size,
                "sha256": f.sha256,
                "created_at": f.created_at,
                "url": reverse("api:dossier_file", kwargs={"file_id": f.pk}),
            }
            for f in dossier.files.all()
        ],
        "steps": [
            {
                "order": step.order,
                "name": step.name,
                "role": step.role,
                "due_at": step.due_at,
                "completed_at": step.completed_at,
                "is_current": step.order == dossier.current_step,
            }
            for step in steps
        ],
        "apologies": list(dossier.apologies.all()),
        "rating": DossierRating.objects.filter(dossier=dossier).first(),
        "messages": list(dossier.messages.all()),
    }


def _detail_after(user: User, dossier: Dossier) -> dict[str, Any]:
    """The dossier as it stands after an action (the in-memory one if the actor can no longer see it)."""
    fresh = (
        dossiers_visible_to(user)
        .select_related("procedure", "agency", "received_by", "applicant", "assignee")
        .filter(pk=dossier.pk)
        .first()
    )
    return _detail(fresh or dossier, user)


ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def _multipart(form: type[Schema]) -> dict[str, Any]:
    """The OpenAPI request body of a multipart endpoint: ``form``'s fields plus the ``doc_<id>`` files."""
    schema = form.model_json_schema()
    schema["patternProperties"] = {
        "^doc_[0-9]+$": {
            "type": "array",
            "items": {"type": "string", "format": "binary"},
            "description": FILES_DESCRIPTION,
        }
    }
    return {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": schema}}}}


def _created_responses(what: str) -> dict[str, Any]:
    return {
        "responses": {
            201: {"description": f"{what} / Created."},
            200: {
                "description": (
                    "Gửi lại với cùng Idempotency-Key: trả về hồ sơ đã tạo ở lần đầu, không tạo hồ sơ mới. / "
                    "Retry with the same Idempotency-Key: the dossier created the first time, nothing new."
                )
            },
        }
    }


def _download_responses(what: str) -> dict[str, Any]:
    return {
        "responses": {
            200: {
                "description": what,
                "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    }


# --- applicant: submission and drafts ----------------------------------------------------------


@router.post(
    "/",
    response={200: DossierSummaryOut, 201: DossierSummaryOut, **ERRORS},
    summary="Nộp hồ sơ trực tuyến",
    openapi_extra={**_multipart(SubmitForm), **_created_responses("Hồ sơ mới đã được nộp")},
)
def dossier_create(request: HttpRequest, idempotency: Header[IdempotencyHeader]) -> Status:
    """Submit a dossier online (citizen or business account; staff get 403).

    Multipart form: `procedure`, `agency`, `data` (JSON), contact overrides and `doc_<id>` files.
    A missing mandatory document, a wrong file type or an oversize file is 422 with `fields["doc_<id>"]`.
    """
    key = _idempotency_key(idempotency)
    form = _form(request, SubmitForm)
    values = _form_values(form.data)
    files = _files(request)
    user = request.auth
    dossier = services.dossier_submit(
        applicant=user,
        procedure=(procedure := _procedure(form.procedure)),
        agency=_agency(form.agency, procedure=procedure),
        data=values,
        files=files,
        contact=services.contact_from_account(
            user, phone=form.applicant_phone, email=form.applicant_email, address=form.applicant_address
        ),
        idempotency_key=key,
    )
    return _created_or_replayed(dossier)


@router.get("/mine", response={200: DossierPageOut, **ERRORS}, summary="Hồ sơ của tôi")
def dossier_mine(request: HttpRequest, params: Query[MineQuery]) -> dict[str, Any]:
    """The signed-in applicant's dossiers, last changed first; `state` = draft, open or closed."""
    dossiers = dossiers_of_applicant(request.auth, state=params.state or "")
    return _page(dossiers, params.page, params.page_size)


@router.get("/queue", response={200: QueuePageOut, **ERRORS}, summary="Danh sách hồ sơ cần xử lý (cán bộ)")
def dossier_queue_list(request: HttpRequest, params: Query[QueueQuery]) -> dict[str, Any]:
    """Dossiers the staff member can see, most urgent deadline first, each with its SLA status."""
    user = request.auth
    _staff_only(user)
    agency = _agency(params.agency)
    procedure_id = None
    if params.procedure:
        try:
            procedure_id = procedure_get_visible(user, params.procedure).pk
        except Http404:
            raise _invalid("procedure", gettext("Không tìm thấy thủ tục với mã này."), "unknown") from None
    filters = QueueFilter(
        agency_id=agency.pk if agency else None,
        state=params.state or "",
        sla=params.sla or "",
        procedure_id=procedure_id,
        channel=params.channel or "",
        assigned_to_me=params.assigned_to_me,
        q=params.q,
    )
    return _page(dossier_queue(user, filters), params.page, params.page_size)


@router.post("/drafts", response={201: DossierOut, **ERRORS}, summary="Lưu hồ sơ nháp")
def draft_create(request: HttpRequest, payload: DraftIn) -> Status:
    """Save what the applicant typed so far; only the form's own fields are kept, nothing is validated."""
    user = request.auth
    draft = services.dossier_draft_save(
        applicant=user, procedure=_procedure(payload.procedure), agency=_agency(payload.agency), data=payload.data
    )
    return Status(201, _detail(draft, user))


def _own_draft(user: User, draft_id: int) -> Dossier:
    draft = dossier_for_applicant(user, draft_id)
    if draft.state != State.DRAFT:
        raise Http404
    return draft


@router.put("/drafts/{draft_id}", response={200: DossierOut, **ERRORS}, summary="Cập nhật hồ sơ nháp")
def draft_update(request: HttpRequest, payload: DraftUpdateIn, draft_id: int = Path(..., ge=1, le=MAX_ID)) -> dict:
    """Replace the draft's form values (and optionally its agency); 404 once it has been submitted."""
    user = request.auth
    draft = _own_draft(user, draft_id)
    draft = services.dossier_draft_save(
        applicant=user, procedure=draft.procedure, draft=draft, agency=_agency(payload.agency), data=payload.data
    )
    return _detail(draft, user)


@router.post(
    "/drafts/{draft_id}/submit",
    response={200: DossierSummaryOut, 201: DossierSummaryOut, **ERRORS},
    summary="Nộp hồ sơ nháp",
    openapi_extra={**_multipart(DraftSubmitForm), **_created_responses("Hồ sơ nháp đã được nộp")},
)
def draft_submit(
    request: HttpRequest, idempotency: Header[IdempotencyHeader], draft_id: int = Path(..., ge=1, le=MAX_ID)
) -> Status:
    """Submit a draft with its files; the form values are the draft's unless `data` is sent."""
    key = _idempotency_key(idempotency)
    user = request.auth
    draft = dossier_for_applicant(user, draft_id)
    form = _form(request, DraftSubmitForm)
    values = draft.form_data if form.data is None else _form_values(form.data)
    files = _files(request)
    dossier = services.dossier_submit(
        applicant=user,
        procedure=draft.procedure,
        agency=_agency(form.agency),
        data=values,
        files=files,
        contact=services.contact_from_account(
            user, phone=form.applicant_phone, email=form.applicant_email, address=form.applicant_address
        ),
        idempotency_key=key,
        draft=draft,
    )
    return _created_or_replayed(dossier)


# --- staff: walk-in intake -------------------------------------------------------------------------


@router.post(
    "/intake",
    response={200: DossierSummaryOut, 201: DossierSummaryOut, **ERRORS},
    summary="Nhận hồ sơ trực tiếp tại quầy (cán bộ một cửa)",
    openapi_extra={**_multipart(IntakeForm), **_created_responses("Hồ sơ đã được nhận tại quầy")},
)
def dossier_intake(request: HttpRequest, idempotency: Header[IdempotencyHeader]) -> Status:
    """A walk-in dossier typed in by the desk officer, accepted at once unless `accept=false`.

    Paper documents may be scanned later: missing files do not block the intake.
    """
    key = _idempotency_key(idempotency)
    user = request.auth
    _staff_only(user)
    form = _form(request, IntakeForm)
    values = _form_values(form.data)
    files = _files(request)
    agency = _agency(form.agency)
    if agency is None:
        desks = list(agencies_for(user, Membership.Role.DESK_OFFICER)[:2])
        if not desks:
            raise PermissionDenied
        if len(desks) > 1:
            raise _invalid("agency", gettext("Vui lòng chọn cơ quan tiếp nhận hồ sơ."), "required")
        agency = desks[0]
    dossier = services.dossier_intake(
        officer=user,
        agency=agency,
        procedure=_procedure(form.procedure),
        data=values,
        files=files,
        contact=services.Contact(
            name=form.applicant_name,
            phone=form.applicant_phone,
            id_number=form.applicant_id_number,
            email=form.applicant_email,
            address=form.applicant_address,
        ),
        accept=form.accept,
        idempotency_key=key,
    )
    return _created_or_replayed(dossier)


# --- public: tracking and result verification ----------------------------------------------------


@router.get(
    "/tracking/{receipt_code}",
    response={200: TrackingOut, 404: ErrorOut, 422: ErrorOut},
    auth=None,
    summary="Tra cứu hồ sơ (không cần đăng nhập)",
)
def dossier_tracking(
    request: HttpRequest,
    receipt_code: str = Path(..., max_length=60),
    phone_last4: str = Query(..., max_length=4, description="4 số cuối của số điện thoại người nộp"),
) -> HttpResponse:
    """Status, dates and history of a dossier, without personal data; 404 on any mismatch.

    Repeated wrong guesses lock the receipt code for a while. The answer is cached briefly
    (``congso.dossiers.tracking``) and dropped whenever the dossier moves.
    """
    body = tracking.cached(receipt_code, phone_last4)
    if body is None:
        dossier = dossier_track(receipt_code, phone_last4) if RECEIPT_CODE.fullmatch(receipt_code) else None
        if dossier is None:
            raise Http404
        body = TrackingOut.model_validate(_tracking(dossier)).model_dump_json().encode()
        tracking.remember(dossier.receipt_code, dossier.applicant_phone, body)
    return HttpResponse(body, content_type="application/json")


def _tracking(dossier: Dossier) -> dict[str, Any]:
    return {
        "receipt_code": dossier.receipt_code,
        "state": dossier.state,
        "state_label": str(dossier.get_state_display()),
        "national_code": dossier.national_code,
        "channel": dossier.channel,
        "procedure": _code_name(dossier.procedure),
        "agency": _code_name(dossier.agency),
        "received_by": _code_name(dossier.received_by),
        "submitted_at": dossier.submitted_at,
        "accepted_at": dossier.accepted_at,
        "appointment_at": dossier.appointment_at,
        "returned_at": dossier.returned_at,
        "sla": sla_of(dossier),
        "history": [
            {
                "at": at,
                "action": action,
                "action_label": _action_label(action),
                "state": to_state,
                "state_label": dossier_workflow.state_label(to_state),
            }
            for at, action, to_state in dossier.events.order_by("seq").values_list("at", "action", "to_state")
        ],
    }


@router.get(
    "/verify/{token}",
    response={200: VerificationOut, 404: ErrorOut},
    auth=None,
    summary="Xác thực kết quả giải quyết (mã QR)",
)
def result_verify(request: HttpRequest, token: str = Path(..., max_length=40)) -> dict[str, Any]:
    """Confirms that the agency issued this result: what the QR code on the result PDF links to."""
    dossier = dossier_by_result_token(token)
    if dossier is None:
        raise Http404
    result = dossier.files.filter(kind=DossierFile.Kind.RESULT).order_by("-created_at").first()
    return {
        "receipt_code": dossier.receipt_code,
        "procedure": _code_name(dossier.procedure),
        "agency": _code_name(dossier.agency),
        "applicant_name": dossier.applicant_name,
        "result_issued_at": dossier.result_issued_at,
        "state": dossier.state,
        "state_label": str(dossier.get_state_display()),
        "result_sha256": result.sha256 if result else None,
    }


@router.get(
    "/files/{file_id}",
    response={401: ErrorOut, 404: ErrorOut},
    url_name="dossier_file",
    summary="Tải một tệp của hồ sơ",
    openapi_extra=_download_responses("Nội dung tệp (PDF, JPEG hoặc PNG)"),
)
def file_download(request: HttpRequest, file_id: int = Path(..., ge=1, le=MAX_ID)) -> FileResponse:
    """A file of the caller's own dossier, or of a dossier a staff member can see (audited); 404 otherwise."""
    return _file_response(file_for(request.auth, file_id))


# --- one dossier -----------------------------------------------------------------------------------


@router.get("/{dossier_id}", response={200: DossierOut, **ERRORS}, summary="Chi tiết hồ sơ")
def dossier_detail(request: HttpRequest, dossier_id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:
    """The applicant's own dossier, or one a staff member can see (the read is audited); 404 otherwise."""
    return _detail(_readable(request.auth, dossier_id), request.auth)


@router.post(
    "/{dossier_id}/supplement",
    response={200: DossierOut, **ERRORS},
    summary="Bổ sung hồ sơ",
    openapi_extra=_multipart(SupplementForm),
)
def dossier_supplement(request: HttpRequest, dossier_id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:
    """Hand in what the agency asked for: `doc_<id>` files and/or a `note`; the deadline runs again."""
    user = request.auth
    dossier = _actionable(user, dossier_id)
    form = _form(request, SupplementForm)
    services.dossier_supplement(actor=user, dossier=dossier, files=_files(request), note=form.note)
    return _detail_after(user, dossier)


@router.post("/{dossier_id}/withdraw", response={200: DossierOut, **ERRORS}, summary="Rút hồ sơ")
def dossier_withdraw(
    request: HttpRequest, payload: WithdrawIn | None = None, dossier_id: int = Path(..., ge=1, le=MAX_ID)
) -> dict[str, Any]:
    """Withdraw a dossier still being handled (the applicant, or the desk officer at their request)."""
    user = request.auth
    payload = payload or WithdrawIn()
    dossier = _actionable(user, dossier_id)
    services.dossier_withdraw(actor=user, dossier=dossier, reason=payload.reason)
    return _detail_after(user, dossier)


@router.post("/{dossier_id}/rate", response={201: RatingOut, **ERRORS}, summary="Đánh giá mức độ hài lòng")
def dossier_rate(request: HttpRequest, payload: RateIn, dossier_id: int = Path(..., ge=1, le=MAX_ID)) -> Status:
    """Once, after the result is returned: a score from 1 to 5 and an optional comment."""
    user = request.auth
    dossier = _actionable(user, dossier_id)
    return Status(201, services.dossier_rate(actor=user, dossier=dossier, score=payload.score, comment=payload.comment))


@router.get(
    "/{dossier_id}/result",
    response=ERRORS,
    url_name="dossier_result",
    summary="Tải kết quả giải quyết (PDF)",
    openapi_extra=_download_responses(
        "Kết quả (PDF). Lần tải đầu của người nộp được ghi nhận là đã trả kết quả trực tuyến. / "
        "The result PDF; the applicant's first download counts as the online return."
    ),
)
def dossier_result(request: HttpRequest, dossier_id: int = Path(..., ge=1, le=MAX_ID)) -> FileResponse:
    """422 `no_result` before the result is issued; 422 `unpaid` while a fee is due."""
    user = request.auth
    dossier = _readable(user, dossier_id)
    return _file_response(services.result_file(actor=user, dossier=dossier))


@router.get("/{dossier_id}/messages", response={200: list[MessageOut], **ERRORS}, summary="Trao đổi về hồ sơ")
def message_list(request: HttpRequest, dossier_id: int = Path(..., ge=1, le=MAX_ID)) -> list[DossierMessage]:
    return list(_readable(request.auth, dossier_id).messages.all())


@router.post("/{dossier_id}/messages", response={201: MessageOut, **ERRORS}, summary="Gửi tin nhắn về hồ sơ")
def message_post(request: HttpRequest, payload: MessageIn, dossier_id: int = Path(..., ge=1, le=MAX_ID)) -> Status:
    """From the applicant, or from staff of an agency that can see the dossier (the applicant is notified)."""
    user = request.auth
    dossier = _actionable(user, dossier_id)
    return Status(201, services.dossier_message_post(actor=user, dossier=dossier, body=payload.body))


# --- staff: workflow actions -------------------------------------------------------------------------
# One typed endpoint per action, so each body has its own schema. All answer the dossier as it stands after.

ACTION = {"response": {200: DossierOut, **ERRORS}}
DossierId = Annotated[int, Path(..., ge=1, le=MAX_ID)]


@router.post("/{dossier_id}/actions/accept", summary="Tiếp nhận hồ sơ", **ACTION)
def action_accept(request: HttpRequest, dossier_id: DossierId, payload: AcceptIn | None = None) -> dict[str, Any]:
    """Desk officer: the deadline starts, steps are laid out, the appointment slip (mẫu 01) is issued."""
    user = request.auth
    payload = payload or AcceptIn()
    dossier = _actionable(user, dossier_id)
    services.dossier_accept(actor=user, dossier=dossier, assignee=_staff_user(payload.assignee))
    return _detail_after(user, dossier)


@router.post("/{dossier_id}/actions/request_supplement", summary="Yêu cầu bổ sung hồ sơ", **ACTION)
def action_request_supplement(
    request: HttpRequest, dossier_id: DossierId, payload: RequestSupplementIn
) -> dict[str, Any]:
    """Desk officer or specialist: the clock pauses until the applicant supplements (mẫu 02)."""
    user = request.auth
    dossier = _actionable(user, dossier_id)
    services.dossier_request_supplement(actor=user, dossier=dossier, items=payload.items, note=payload.note)
    return _detail_after(user, dossier)


@router.post("/{dossier_id}/actions/refuse", summary="Từ chối tiếp nhận", **ACTION)
def action_refuse(request: HttpRequest, dossier_id: DossierId, payload: ReasonIn | None = None) -> dict[str, Any]:
    """Desk officer, with the reason shown to the applicant (mẫu 03)."""
    user = request.auth
    payload = payload or ReasonIn()
    dossier = _actionable(user, dossier_id)
    services.dossier_refuse(actor=user, dossier=dossier, reason=payload.reason)
    return _detail_after(user, dossier)


@router.post("/{dossier_id}/actions/assign", summary="Phân công chuyên viên", **ACTION)
def action_assign(request: HttpRequest, dossier_id: DossierId, payload: AssignIn) -> dict[str, Any]:
    user = request.auth
    dossier = _actionable(user, dossier_id)
    assignee = _staff_user(payload.assignee)
    if assignee is None:
        raise _invalid("assignee", gettext("Vui lòng chọn chuyên viên."), "required")
    services.dossier_assign(actor=user, dossier=dossier, assignee=assignee)
    return _detail_after(user, dossier)


@router.post("/{dossier_id}/actions/complete_step", summary="Hoàn thành bước xử lý", **ACTION)
def action_complete_step(request: HttpRequest, dossier_id: DossierId, payload: NoteIn | None = None) -> dict[str, Any]:
    """Specialist: after the last step the dossier waits for the leader's approval."""
    user = request.auth
    payload = payload or NoteIn()
    dossier = _actionable(user, dossier_id)
    services.dossier_complete_step(actor=user, dossier=dossier, note=payload.note)
    return _detail_after(user, dossier)


@router.post("/{dossier_id}/actions/approve", summary="Phê duyệt, cấp kết quả", **ACTION)
def action_approve(request: HttpRequest, dossier_id: DossierId, payload: NoteIn | None = None) -> dict[str, Any]:
    """Leader: the clock stops and the result PDF (with its QR verification code) is issued."""
    user = request.auth
    payload = payload or NoteIn()
    dossier = _actionable(user, dossier_id)
    services.dossier_approve(actor=user, dossier=dossier, note=payload.note)
    return _detail_after(user, dossier)


@router.post("/{dossier_id}/actions/send_back", summary="Trả lại để xử lý lại", **ACTION)
def action_send_back(request: HttpRequest, dossier_id: DossierId, payload: ReasonIn | None = None) -> dict[str, Any]:
    user = request.auth
    payload = payload or ReasonIn()
    dossier = _actionable(user, dossier_id)
    services.dossier_send_back(actor=user, dossier=dossier, reason=payload.reason)
    return _detail_after(user, dossier)


@router.post("/{dossier_id}/actions/stop", summary="Dừng xử lý", **ACTION)
def action_stop(request: HttpRequest, dossier_id: DossierId, payload: ReasonIn | None = None) -> dict[str, Any]:
    user = request.auth
    payload = payload or ReasonIn()
    dossier = _actionable(user, dossier_id)
    services.dossier_stop(actor=user, dossier=dossier, reason=payload.reason)
    return _detail_after(user, dossier)


@router.post("/{dossier_id}/actions/transfer", summary="Chuyển liên thông", **ACTION)
def action_transfer(request: HttpRequest, dossier_id: DossierId, payload: TransferIn) -> dict[str, Any]:
    """The dossier goes to the competent agency; the receiving agency keeps sight of it."""
    user = request.auth
    dossier = _actionable(user, dossier_id)
    to_agency = _agency(payload.to_agency, "to_agency")
    if to_agency is None:
        raise _invalid("to_agency", gettext("Vui lòng chọn một cơ quan khác đang hoạt động."), "required")
    services.dossier_transfer(actor=user, dossier=dossier, to_agency=to_agency, reason=payload.reason)
    return _detail_after(user, dossier)


@router.post("/{dossier_id}/actions/receive_transfer", summary="Nhận hồ sơ liên thông", **ACTION)
def action_receive_transfer(
    request: HttpRequest, dossier_id: DossierId, payload: ReceiveTransferIn | None = None
) -> dict[str, Any]:
    user = request.auth
    payload = payload or ReceiveTransferIn()
    dossier = _actionable(user, dossier_id)
    services.dossier_receive_transfer(actor=user, dossier=dossier, assignee=_staff_user(payload.assignee))
    return _detail_after(user, dossier)


@router.post("/{dossier_id}/actions/record_payment", summary="Ghi nhận nộp phí tại quầy", **ACTION)
def action_record_payment(
    request: HttpRequest, dossier_id: DossierId, payload: RecordPaymentIn | None = None
) -> dict[str, Any]:
    user = request.auth
    payload = payload or RecordPaymentIn()
    dossier = _actionable(user, dossier_id)
    services.dossier_record_payment(actor=user, dossier=dossier, reference=payload.reference)
    return _detail_after(user, dossier)


@router.post("/{dossier_id}/actions/return_result", summary="Trả kết quả tại quầy", **ACTION)
def action_return_result(
    request: HttpRequest, dossier_id: DossierId, payload: ReturnResultIn | None = None
) -> dict[str, Any]:
    """Desk officer of the handling or receiving agency; any fee must be paid first (422 `unpaid`)."""
    user = request.auth
    payload = payload or ReturnResultIn()
    dossier = _actionable(user, dossier_id)
    services.dossier_return(actor=user, dossier=dossier, method=payload.method)
    return _detail_after(user, dossier)


@router.post("/{dossier_id}/actions/apologise", summary="Gửi thư xin lỗi, hẹn lại ngày trả", **ACTION)
def action_apologise(request: HttpRequest, dossier_id: DossierId, payload: ApologiseIn) -> dict[str, Any]:
    """Leader: the reason for the delay and a new appointment (mẫu 04); the dossier still counts as late."""
    user = request.auth
    dossier = _actionable(user, dossier_id)
    services.dossier_apologise(
        actor=user, dossier=dossier, reason=payload.reason, new_appointment_at=_aware(payload.new_appointment_at)
    )
    return _detail_after(user, dossier)


@router.post("/{dossier_id}/actions/withdraw", summary="Rút hồ sơ theo yêu cầu của người nộp", **ACTION)
def action_withdraw(request: HttpRequest, dossier_id: DossierId, payload: WithdrawIn | None = None) -> dict[str, Any]:
    user = request.auth
    payload = payload or WithdrawIn()
    dossier = _actionable(user, dossier_id)
    services.dossier_withdraw(actor=user, dossier=dossier, reason=payload.reason)
    return _detail_after(user, dossier)
