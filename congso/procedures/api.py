"""API router for the procedure catalog, mounted at /api/v1/procedures/.

Amounts and deadlines are decimal strings ("150000", "0.5") so nothing is lost
to floating point.
"""

from datetime import datetime
from decimal import Decimal
from math import ceil
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from pydantic import ConfigDict

from congso.accounts.auth import api_auth
from congso.api.errors import ApiError, ErrorOut
from congso.procedures import form_schema, selectors
from congso.procedures.models import Procedure
from congso.procedures.services import effective_fee, procedure_update

router = Router(tags=["procedures"])

Level = Literal["city", "commune"]
OnlineLevel = Literal["full", "partial", "none"]


def _decimal(value: Decimal | None) -> str | None:
    if value is None:
        return None
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


class FieldOut(Schema):
    code: str
    name: str


class FieldCountOut(FieldOut):
    procedure_count: int


class AgencyOut(Schema):
    code: str
    name: str


class ProcedureOut(Schema):
    code: str
    name: str
    field: FieldOut
    level: str
    online_level: str
    deadline_days: str = Field(description="Thời hạn giải quyết, ngày làm việc (0.5 = nửa ngày)")
    fee: str = Field(description="Phí, lệ phí khi nộp trực tiếp (đồng)")
    fee_online: str | None = Field(description="Phí khi nộp trực tuyến; null nếu bằng mức trực tiếp, 0 nếu miễn")

    @staticmethod
    def resolve_deadline_days(obj: Procedure) -> str:
        return _decimal(obj.deadline_days)

    @staticmethod
    def resolve_fee(obj: Procedure) -> str:
        return _decimal(obj.fee)

    @staticmethod
    def resolve_fee_online(obj: Procedure) -> str | None:
        return _decimal(obj.fee_online)


class ProcedurePageOut(Schema):
    count: int
    page: int
    pages: int
    items: list[ProcedureOut]


class DocumentOut(Schema):
    name: str
    is_mandatory: bool
    accepted_types: list[str]
    copies: str


class StepOut(Schema):
    order: int
    name: str
    role: str
    share_percent: int


class ProcedureDetailOut(ProcedureOut):
    fee_note: str
    effective_fee_direct: str = Field(description="Số tiền phải nộp khi nộp trực tiếp")
    effective_fee_online: str = Field(description="Số tiền phải nộp khi nộp trực tuyến")
    applicants: str
    result: str
    description: str
    legal_basis: str
    is_published: bool
    updated_at: datetime
    agencies: list[AgencyOut]
    documents: list[DocumentOut]
    steps: list[StepOut]
    form_schema: list[dict[str, Any]]

    @staticmethod
    def resolve_effective_fee_direct(obj: Procedure) -> str:
        return _decimal(effective_fee(obj, online=False))

    @staticmethod
    def resolve_effective_fee_online(obj: Procedure) -> str:
        return _decimal(effective_fee(obj, online=True))

    @staticmethod
    def resolve_agencies(obj: Procedure) -> list:
        return list(obj.agencies.all())

    @staticmethod
    def resolve_documents(obj: Procedure) -> list:
        return list(obj.documents.all())

    @staticmethod
    def resolve_steps(obj: Procedure) -> list:
        return list(obj.steps.all())


class SearchIn(Schema):
    q: str = Field("", max_length=200, description="Từ khóa, có dấu hoặc không dấu")
    field: str | None = Field(None, max_length=50, description="Mã lĩnh vực")
    agency: str | None = Field(None, max_length=30, description="Mã cơ quan thực hiện")
    level: Level | None = None
    online: OnlineLevel | None = None
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(20, ge=1, le=100)


class ValidateFormIn(Schema):
    data: dict[str, Any] = Field(description="Giá trị tờ khai: {tên trường: giá trị}")


class ValidateFormOut(Schema):
    data: dict[str, Any]


class ProcedurePatchIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, max_length=500)
    online_level: OnlineLevel | None = None
    deadline_days: Decimal | None = None
    fee: Decimal | None = None
    fee_online: Decimal | None = None
    fee_note: str | None = Field(None, max_length=500)
    is_published: bool | None = None
    description: str | None = None
    legal_basis: str | None = None
    result: str | None = Field(None, max_length=500)
    applicants: str | None = Field(None, max_length=300)
    form_schema: list[Any] | None = None


@router.get("/", response=ProcedurePageOut, summary="Tìm thủ tục hành chính")
def procedure_list(request: HttpRequest, filters: Query[SearchIn]) -> dict[str, Any]:
    """Published procedures; every word of ``q`` must match code, name, field or agency (diacritics optional)."""
    procedures = selectors.procedure_search(
        query=filters.q, field=filters.field, agency=filters.agency, level=filters.level, online_level=filters.online
    )
    count = procedures.count()
    start = (filters.page - 1) * filters.page_size
    return {
        "count": count,
        "page": filters.page,
        "pages": ceil(count / filters.page_size),
        "items": list(procedures[start : start + filters.page_size]),
    }


@router.get("/fields", response=list[FieldCountOut], summary="Các lĩnh vực có thủ tục")
def field_list(request: HttpRequest) -> list:
    return list(selectors.field_list())


@router.get("/{code}", response={200: ProcedureDetailOut, 404: ErrorOut}, summary="Chi tiết thủ tục")
def procedure_detail(request: HttpRequest, code: str) -> Procedure:
    return selectors.procedure_get(code)


@router.post(
    "/{code}/validate-form",
    response={200: ValidateFormOut, 404: ErrorOut, 422: ErrorOut},
    summary="Kiểm tra tờ khai",
)
def procedure_validate_form(request: HttpRequest, code: str, payload: ValidateFormIn) -> dict[str, Any]:
    """Validate application form values exactly as the web form does; nothing is stored."""
    procedure = selectors.procedure_get(code)
    try:
        cleaned = form_schema.clean_submission(procedure.form_schema, payload.data)
    except ValidationError as exc:
        fields = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        raise ApiError(422, "invalid_form", "Tờ khai chưa hợp lệ", fields) from None
    return {"data": cleaned}


@router.patch(
    "/{code}",
    response={200: ProcedureDetailOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=api_auth,
    summary="Sửa thủ tục (quản trị cơ quan, quản trị nền tảng)",
)
def procedure_patch(request: HttpRequest, code: str, payload: ProcedurePatchIn) -> Procedure:
    """Change fees, online level, deadline, publication or texts; only the fields sent are changed."""
    user = request.auth
    procedure = selectors.procedure_get_visible(user, code)
    procedure_update(actor=user, procedure=procedure, **payload.dict(exclude_unset=True))
    return selectors.procedure_get_visible(user, code)
