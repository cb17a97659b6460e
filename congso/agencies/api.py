"""API router for agencies (mounted at /api/v1/agencies/): the public directory and role management."""

from datetime import datetime

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status

from congso.accounts.auth import api_auth
from congso.agencies.models import Agency, Membership
from congso.agencies.permissions import ensure_can_manage_agency
from congso.agencies.selectors import (
    AgencyNode,
    agency_get,
    agency_list,
    agency_members,
    agency_membership_get,
    agency_tree,
    staff_user_get,
)
from congso.agencies.services import membership_grant, membership_revoke
from congso.api.errors import ApiError, ErrorOut

router = Router(tags=["agencies"])

PAGE_SIZE = 50
MAX_PAGE = 10_000
MAX_ID = 2**63 - 1


class AgencyOut(Schema):
    code: str
    name: str
    short_name: str
    kind: str
    kind_label: str
    parent: str | None = Field(None, description="Mã cơ quan cấp trên")
    unit: str | None = Field(None, description="Mã đơn vị hành chính (địa bàn)")
    unit_name: str | None = None

    @staticmethod
    def resolve_kind_label(obj: Agency) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_parent(obj: Agency) -> str | None:
        return obj.parent.code if obj.parent_id else None

    @staticmethod
    def resolve_unit(obj: Agency) -> str | None:
        return obj.administrative_unit.code if obj.administrative_unit_id else None

    @staticmethod
    def resolve_unit_name(obj: Agency) -> str | None:
        return obj.administrative_unit.name if obj.administrative_unit_id else None


class AgencyDetailOut(AgencyOut):
    address: str
    phone: str
    email: str


class AgencyQuery(Schema):
    q: str = Field("", max_length=100, description="Tìm theo mã, tên, tên viết tắt (có dấu hoặc không dấu)")
    kind: Agency.Kind | None = None
    page: int = Field(1, ge=1, le=MAX_PAGE)


class AgencyPageOut(Schema):
    count: int
    page: int
    page_size: int
    items: list[AgencyOut]


class AgencyTreeOut(Schema):
    code: str
    name: str
    short_name: str
    kind: str
    children: list["AgencyTreeOut"]


AgencyTreeOut.model_rebuild()


class MembershipOut(Schema):
    id: int
    agency: str
    username: str
    full_name: str
    role: str
    role_label: str
    created_at: datetime

    @staticmethod
    def resolve_agency(obj: Membership) -> str:
        return obj.agency.code

    @staticmethod
    def resolve_username(obj: Membership) -> str:
        return obj.user.get_username()

    @staticmethod
    def resolve_full_name(obj: Membership) -> str:
        return obj.user.display_name

    @staticmethod
    def resolve_role_label(obj: Membership) -> str:
        return str(obj.get_role_display())


class MembershipIn(Schema):
    username: str = Field(..., min_length=1, max_length=150, description="Tên đăng nhập của cán bộ")
    role: Membership.Role


def _agency_or_404(code: str) -> Agency:
    agency = agency_get(code=code)
    if agency is None:
        raise Http404
    return agency


def _tree_out(nodes: list[AgencyNode]) -> list[dict]:
    return [
        {
            "code": node.agency.code,
            "name": node.agency.name,
            "short_name": node.agency.short_name,
            "kind": node.agency.kind,
            "children": _tree_out(node.children),
        }
        for node in nodes
    ]


@router.get("/", response=AgencyPageOut, summary="Danh bạ cơ quan")
def list_agencies(request: HttpRequest, params: Query[AgencyQuery]):
    """Active agencies, ordered by code, 50 per page."""
    agencies = agency_list(query=params.q, kind=params.kind.value if params.kind else None)
    paginator = Paginator(agencies, PAGE_SIZE)
    page = params.page
    items = list(paginator.page(page).object_list) if page <= paginator.num_pages else []
    return {"count": paginator.count, "page": page, "page_size": PAGE_SIZE, "items": items}


@router.get("/tree", response=list[AgencyTreeOut], summary="Cây cơ quan")
def get_tree(request: HttpRequest):
    return _tree_out(agency_tree())


@router.get("/{code}", response={200: AgencyDetailOut, 404: ErrorOut}, summary="Thông tin một cơ quan")
def get_agency(request: HttpRequest, code: str):
    agency = _agency_or_404(code)
    if not agency.is_active:
        raise Http404
    return agency


@router.get(
    "/{code}/memberships",
    response={200: list[MembershipOut], 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    auth=api_auth,
    summary="Cán bộ và vai trò của cơ quan",
)
def list_memberships(request: HttpRequest, code: str):
    """For the agency's own staff and platform admins."""
    return list(agency_members(actor=request.auth, agency=_agency_or_404(code)))


@router.post(
    "/{code}/memberships",
    response={201: MembershipOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=api_auth,
    summary="Giao vai trò cho cán bộ",
)
def add_membership(request: HttpRequest, code: str, payload: MembershipIn):
    """Idempotent: granting a role already held returns the existing membership."""
    agency = _agency_or_404(code)
    ensure_can_manage_agency(request.auth, agency)
    user = staff_user_get(username=payload.username)
    if user is None:
        message = _("Không tìm thấy tài khoản cán bộ đang hoạt động với tên đăng nhập này.")
        raise ApiError(422, "unknown_user", message, {"username": [message]})
    return Status(201, membership_grant(actor=request.auth, user=user, agency=agency, role=payload.role.value))


@router.delete(
    "/{code}/memberships/{membership_id}",
    response={204: None, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    auth=api_auth,
    summary="Thu hồi vai trò",
)
def remove_membership(request: HttpRequest, code: str, membership_id: int = Path(..., ge=1, le=MAX_ID)):
    agency = _agency_or_404(code)
    ensure_can_manage_agency(request.auth, agency)
    membership = agency_membership_get(agency=agency, pk=membership_id)
    if membership is None:
        raise Http404
    membership_revoke(actor=request.auth, membership=membership)
    return Status(204, None)
