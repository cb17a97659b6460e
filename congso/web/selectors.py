"""Reads for the two front pages: the citizen home page and the back-office overview."""

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.functional import Promise

from congso.agencies.models import Agency, CityRole, Membership
from congso.agencies.permissions import is_platform_admin
from congso.procedures.models import Field, Procedure
from congso.procedures.selectors import field_list, procedure_search

FEATURED_PROCEDURES = 6


@dataclass(frozen=True)
class HomeCatalog:
    """What the home page shows of the procedure catalog (thủ tục hành chính)."""

    fields: list[Field]
    featured: list[Procedure]

    @property
    def is_empty(self) -> bool:
        return not self.fields and not self.featured


def home_catalog() -> HomeCatalog:
    """Published fields of administration with their counts, and full-online procedures first."""
    featured = list(procedure_search(online_level=Procedure.OnlineLevel.FULL)[:FEATURED_PROCEDURES])
    if len(featured) < FEATURED_PROCEDURES:
        shown = [procedure.pk for procedure in featured]
        featured += list(procedure_search().exclude(pk__in=shown)[: FEATURED_PROCEDURES - len(featured)])
    return HomeCatalog(fields=list(field_list()), featured=featured)


@dataclass
class AgencyRoles:
    """One agency (cơ quan) and the roles the staff member holds there."""

    agency: Agency
    roles: list[str | Promise] = field(default_factory=list)


@dataclass(frozen=True)
class StaffOverview:
    """The staff member's own roles, for the back-office overview (tổng quan)."""

    agencies: list[AgencyRoles]
    city_roles: list[str | Promise]
    is_platform_admin: bool


def _memberships(user) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("agency").order_by("agency__code", "role")


def staff_overview(*, user) -> StaffOverview:
    """The agencies and city-wide roles ``user`` holds (their own data only)."""
    by_agency: dict[int, AgencyRoles] = {}
    for membership in _memberships(user):
        entry = by_agency.setdefault(membership.agency_id, AgencyRoles(agency=membership.agency))
        entry.roles.append(membership.get_role_display())
    city_roles = [role.get_role_display() for role in CityRole.objects.filter(user=user).order_by("role")]
    return StaffOverview(
        agencies=list(by_agency.values()),
        city_roles=city_roles,
        is_platform_admin=is_platform_admin(user),
    )
