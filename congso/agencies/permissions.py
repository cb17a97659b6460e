"""Who may do what, by agency (cơ quan) role and city-wide role.

Rules:

- an inactive or anonymous user has no rights;
- a platform admin (``CityRole`` ``platform_admin`` or ``is_superuser``) holds every role everywhere;
- otherwise a membership gives rights in that one agency only, never in its children;
- roles count only for staff accounts (``User.kind == "staff"``), whatever the database says.

The user's roles are loaded once (two queries) and cached on the user object
for the rest of the request; services that change roles call
``clear_permission_cache`` on the user they changed.
"""

from dataclasses import dataclass, field
from typing import TypeAlias

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from congso.agencies.models import Agency, CityRole, Membership

_CACHE_ATTR = "_congso_roles"

AnyUser: TypeAlias = AbstractBaseUser | AnonymousUser | None


@dataclass(frozen=True)
class _Roles:
    city: frozenset[str] = frozenset()
    by_agency: dict[int, frozenset[str]] = field(default_factory=dict)
    platform_admin: bool = False


_NO_ROLES = _Roles()


def _roles(user: AnyUser) -> _Roles:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return _NO_ROLES
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    city: frozenset[str] = frozenset()
    by_agency: dict[int, set[str]] = {}
    if user.kind == user.Kind.STAFF:
        city = frozenset(CityRole.objects.filter(user=user).values_list("role", flat=True))
        for agency_id, role in Membership.objects.filter(user=user).values_list("agency_id", "role"):
            by_agency.setdefault(agency_id, set()).add(role)
    roles = _Roles(
        city=city,
        by_agency={agency_id: frozenset(held) for agency_id, held in by_agency.items()},
        platform_admin=user.is_superuser or CityRole.Role.PLATFORM_ADMIN in city,
    )
    setattr(user, _CACHE_ATTR, roles)
    return roles


def clear_permission_cache(user: AnyUser) -> None:
    """Forget the roles cached on this user object (after a grant or revoke)."""
    if user is not None and hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def _agency_id(agency: Agency | int) -> int:
    return agency if isinstance(agency, int) else agency.pk


def is_platform_admin(user: AnyUser) -> bool:
    """Quản trị nền tảng: the ``platform_admin`` city role or a superuser, and active."""
    return _roles(user).platform_admin


def has_city_role(user: AnyUser, *roles: str) -> bool:
    """The user holds one of these city-wide roles (any city role if none is named).

    A platform admin holds every role.
    """
    held = _roles(user)
    if held.platform_admin:
        return True
    return bool(held.city & set(roles)) if roles else bool(held.city)


def has_agency_role(user: AnyUser, agency: Agency | int | None, *roles: str) -> bool:
    """The user holds one of these roles in this very agency (any role if none is named).

    A platform admin holds every role in every agency; nobody holds a role in no agency (``None``).
    """
    if agency is None:
        return False
    held = _roles(user)
    if held.platform_admin:
        return True
    in_agency = held.by_agency.get(_agency_id(agency), frozenset())
    return bool(in_agency & set(roles)) if roles else bool(in_agency)


def agencies_for(user: AnyUser, *roles: str) -> QuerySet[Agency]:
    """Agencies where the user holds one of these roles (any role if none is named); all for a platform admin."""
    held = _roles(user)
    if held.platform_admin:
        return Agency.objects.all()
    wanted = set(roles)
    ids = [agency_id for agency_id, in_agency in held.by_agency.items() if not wanted or in_agency & wanted]
    return Agency.objects.filter(pk__in=ids)


def can_manage_agency(user: AnyUser, agency: Agency | int | None) -> bool:
    """The user is this agency's admin (quản trị cơ quan) or a platform admin."""
    return has_agency_role(user, agency, Membership.Role.AGENCY_ADMIN)


def ensure_can_manage_agency(user: AnyUser, agency: Agency | int | None) -> None:
    """Raise ``PermissionDenied`` unless ``can_manage_agency``."""
    if not can_manage_agency(user, agency):
        raise PermissionDenied(_("Bạn không có quyền quản lý cơ quan này."))


def can_view_agency_members(user: AnyUser, agency: Agency | int | None) -> bool:
    """Anyone holding a role in this agency, or a platform admin, may see who else works there."""
    return has_agency_role(user, agency)


def can_assign_role(user: AnyUser, agency: Agency | int | None, role: str) -> bool:
    """May grant or revoke ``role`` in ``agency``: the agency admin role only for a platform admin,
    the other roles also for the agency's own admin.
    """
    if role == Membership.Role.AGENCY_ADMIN:
        return is_platform_admin(user)
    return can_manage_agency(user, agency)
