"""Reads for agencies (cơ quan) and their members, permission-scoped where they show people."""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from congso.accounts.models import User
from congso.agencies.models import Agency, Membership
from congso.agencies.permissions import AnyUser, agencies_for, can_view_agency_members, is_platform_admin
from congso.core.services import audit_record
from congso.core.text import search_terms


@dataclass
class AgencyNode:
    """One agency in the tree with its active sub-agencies, ordered by code."""

    agency: Agency
    children: list["AgencyNode"] = field(default_factory=list)


def agency_tree() -> list[AgencyNode]:
    """Active agencies as a nested list (one query); an agency whose parent is inactive becomes a root."""
    agencies = list(Agency.objects.filter(is_active=True).select_related("administrative_unit").order_by("code"))
    nodes = {agency.pk: AgencyNode(agency=agency) for agency in agencies}
    roots: list[AgencyNode] = []
    for agency in agencies:
        parent = nodes.get(agency.parent_id)
        (parent.children if parent is not None else roots).append(nodes[agency.pk])
    return roots


def agency_list(*, query: str = "", kind: str | None = None, include_inactive: bool = False) -> QuerySet[Agency]:
    """Agencies matching every word of ``query`` in code, name or short name, with or without diacritics."""
    agencies = Agency.objects.select_related("parent", "administrative_unit").order_by("code")
    if not include_inactive:
        agencies = agencies.filter(is_active=True)
    if kind:
        agencies = agencies.filter(kind=kind)
    for term in search_terms(query):
        agencies = agencies.filter(search_text__contains=term)
    return agencies


def agencies_manageable(*, actor: AnyUser, query: str = "", kind: str | None = None) -> QuerySet[Agency]:
    """The agencies ``actor`` administers (all for a platform admin), inactive ones included, searchable."""
    agencies = agency_list(query=query, kind=kind, include_inactive=True)
    if is_platform_admin(actor):
        return agencies
    return agencies.filter(pk__in=agencies_for(actor, Membership.Role.AGENCY_ADMIN).values("pk"))


def agency_get(*, code: str) -> Agency | None:
    """The agency with this code, or None."""
    return Agency.objects.select_related("parent", "administrative_unit").filter(code=code).first()


def agency_members(*, actor: AnyUser, agency: Agency) -> QuerySet[Membership]:
    """The roles held in ``agency``, for its own staff and platform admins; the read is audited.

    Raises ``PermissionDenied`` for anybody else.
    """
    if not can_view_agency_members(actor, agency):
        raise PermissionDenied(_("Bạn không có quyền xem danh sách cán bộ của cơ quan này."))
    audit_record(actor=actor, action="agencies.members_view", obj=agency, data={"code": agency.code})
    return (
        Membership.objects.filter(agency=agency)
        .select_related("user", "agency")
        .order_by("role", "user__full_name", "user__username")
    )


def staff_user_get(*, username: str) -> User | None:
    """The active staff account with this username, or None."""
    username = (username or "").strip()
    if not username:
        return None
    return User.objects.filter(username=username, kind=User.Kind.STAFF, is_active=True).first()


def agency_membership_get(*, agency: Agency, pk: int) -> Membership | None:
    """One role held in ``agency``, or None (also for a role held in another agency)."""
    return Membership.objects.select_related("user", "agency").filter(agency=agency, pk=pk).first()
