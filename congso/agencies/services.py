"""Writes for agencies (cơ quan) and roles: every change is permission-checked, validated and audited.

``actor=None`` means a system action (an import or a management command); it
is allowed only from code, never on behalf of a request.

Who may do what:

- agencies are created and changed by a platform admin;
- an agency admin (quản trị cơ quan) grants and revokes the roles desk officer,
  specialist and leader in their own agency;
- only a platform admin grants or revokes the agency admin role and city roles;
- only active staff accounts may hold a role.
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from congso.accounts.models import User
from congso.agencies.models import Agency, CityRole, Membership
from congso.agencies.permissions import (
    can_assign_role,
    can_manage_agency,
    clear_permission_cache,
    is_platform_admin,
)
from congso.core.services import audit_record
from congso.core.text import fold
from congso.geo.models import AdministrativeUnit

_AGENCY_FIELDS = ("name", "short_name", "kind", "parent_id", "administrative_unit_id", "address", "phone", "email")


def _ensure_platform_admin(actor: User | None) -> None:
    if actor is not None and not is_platform_admin(actor):
        raise PermissionDenied(_("Chỉ quản trị nền tảng được thực hiện thao tác này."))


def agency_search_text(*, code: str, name: str, short_name: str = "") -> str:
    """The folded text that ``agency_list`` searches: code, name and short name without diacritics."""
    limit = Agency._meta.get_field("search_text").max_length
    return fold(" ".join(part for part in (code, name, short_name) if part))[:limit]


def agency_parent_check(*, agency: Agency | None, parent: Agency | None) -> None:
    """Refuse a parent that is the agency itself or one of its descendants (a loop in the tree)."""
    if agency is None or agency.pk is None or parent is None:
        return
    seen: set[int] = set()
    current: Agency | None = parent
    while current is not None and current.pk not in seen:
        if current.pk == agency.pk:
            raise ValidationError(
                _("Cơ quan cấp trên không được là chính cơ quan này hoặc một đơn vị trực thuộc nó."),
                code="parent_cycle",
            )
        seen.add(current.pk)
        current = current.parent


def ensure_can_hold_roles(user: User | None) -> None:
    """Only active staff accounts (cán bộ, công chức) may hold a role."""
    if user is None or not user.is_active or user.kind != User.Kind.STAFF:
        raise ValidationError(
            _("Chỉ tài khoản cán bộ, công chức đang hoạt động mới được giao vai trò."), code="not_staff"
        )


def _current_unit(unit_code: str) -> AdministrativeUnit:
    """The unit with this code that is in force now, else its latest version."""
    units = AdministrativeUnit.objects.filter(code=unit_code)
    unit = units.filter(valid_to__isnull=True).first() or units.order_by("-valid_from").first()
    if unit is None:
        raise ValidationError(_("Không có đơn vị hành chính mã {code}.").format(code=unit_code), code="unknown_unit")
    return unit


@transaction.atomic
def agency_upsert(
    *,
    actor: User | None,
    code: str,
    name: str,
    kind: str,
    short_name: str = "",
    parent_code: str | None = None,
    unit_code: str | None = None,
    address: str = "",
    phone: str = "",
    email: str = "",
    is_active: bool | None = None,
) -> Agency:
    """Create or update the agency with this code (idempotent: an unchanged agency is not written).

    Every field is set as given, so an omitted parent, unit or contact detail is cleared.

    ``parent_code`` and ``unit_code`` (administrative unit code) may be empty;
    ``is_active=None`` keeps the current state (new agencies are active).
    """
    _ensure_platform_admin(actor)
    code = (code or "").strip()
    agency = Agency.objects.select_for_update().filter(code=code).first() if code else None
    created = agency is None
    if created:
        agency = Agency(code=code)
    parent = None
    if parent_code:
        parent = Agency.objects.filter(code=parent_code).first()
        if parent is None:
            raise ValidationError(
                _("Không có cơ quan cấp trên mã {code}.").format(code=parent_code), code="unknown_parent"
            )
    unit = _current_unit(unit_code) if unit_code else None
    agency_parent_check(agency=agency, parent=parent)

    before = {name_: getattr(agency, name_) for name_ in (*_AGENCY_FIELDS, "is_active")}
    agency.name = (name or "").strip()
    agency.short_name = (short_name or "").strip()
    agency.kind = kind
    agency.parent = parent
    agency.administrative_unit = unit
    agency.address = (address or "").strip()
    agency.phone = (phone or "").strip()
    agency.email = (email or "").strip()
    if is_active is not None:
        agency.is_active = is_active
    agency.search_text = agency_search_text(code=agency.code, name=agency.name, short_name=agency.short_name)
    changes: dict[str, Any] = {
        name_: getattr(agency, name_)
        for name_ in (*_AGENCY_FIELDS, "is_active")
        if created or getattr(agency, name_) != before[name_]
    }
    if not changes:
        return agency
    agency.full_clean()
    agency.save()
    audit_record(
        actor=actor,
        action="agencies.agency_create" if created else "agencies.agency_update",
        obj=agency,
        data={"code": agency.code, "changes": changes},
    )
    return agency


def _ensure_can_manage_role(actor: User | None, agency: Agency, role: str) -> None:
    if actor is None or can_assign_role(actor, agency, role):
        return
    if role == Membership.Role.AGENCY_ADMIN and can_manage_agency(actor, agency):
        raise PermissionDenied(_("Chỉ quản trị nền tảng được giao hoặc thu hồi vai trò quản trị cơ quan."))
    raise PermissionDenied(_("Bạn không có quyền quản lý vai trò của cơ quan này."))


def _ensure_role(role: str, choices: type) -> None:
    if role not in choices.values:
        raise ValidationError(_("Vai trò không hợp lệ."), code="invalid_role")


@transaction.atomic
def membership_grant(*, actor: User | None, user: User, agency: Agency, role: str) -> Membership:
    """Give ``user`` the ``role`` in ``agency`` (idempotent: an existing membership is returned as is)."""
    _ensure_role(role, Membership.Role)
    _ensure_can_manage_role(actor, agency, role)
    ensure_can_hold_roles(user)
    existing = Membership.objects.filter(user=user, agency=agency, role=role).first()
    if existing is not None:
        return existing
    membership = Membership(user=user, agency=agency, role=role)
    membership.full_clean()
    membership.save()
    clear_permission_cache(user)
    audit_record(
        actor=actor,
        action="agencies.membership_grant",
        obj=membership,
        data={"agency": agency.code, "username": user.get_username(), "role": role},
    )
    return membership


@transaction.atomic
def membership_revoke(*, actor: User | None, membership: Membership) -> None:
    """Take a role away (idempotent: a membership already gone is left alone)."""
    _ensure_can_manage_role(actor, membership.agency, membership.role)
    locked = Membership.objects.select_for_update().filter(pk=membership.pk).first()
    if locked is None:
        return
    data = {"agency": membership.agency.code, "username": membership.user.get_username(), "role": membership.role}
    audit_record(actor=actor, action="agencies.membership_revoke", obj=locked, data=data)
    locked.delete()
    clear_permission_cache(membership.user)


@transaction.atomic
def city_role_grant(*, actor: User | None, user: User, role: str) -> CityRole:
    """Give ``user`` a city-wide role (idempotent). Only a platform admin may."""
    _ensure_role(role, CityRole.Role)
    _ensure_platform_admin(actor)
    ensure_can_hold_roles(user)
    existing = CityRole.objects.filter(user=user, role=role).first()
    if existing is not None:
        return existing
    city_role = CityRole(user=user, role=role)
    city_role.full_clean()
    city_role.save()
    clear_permission_cache(user)
    audit_record(
        actor=actor,
        action="agencies.city_role_grant",
        obj=city_role,
        data={"username": user.get_username(), "role": role},
    )
    return city_role


@transaction.atomic
def city_role_revoke(*, actor: User | None, city_role: CityRole) -> None:
    """Take a city-wide role away (idempotent). A platform admin cannot remove their own platform admin role."""
    _ensure_platform_admin(actor)
    if actor is not None and city_role.user_id == actor.pk and city_role.role == CityRole.Role.PLATFORM_ADMIN:
        raise ValidationError(
            _("Bạn không thể tự thu hồi vai trò quản trị nền tảng của chính mình."), code="self_revoke"
        )
    locked = CityRole.objects.select_for_update().filter(pk=city_role.pk).first()
    if locked is None:
        return
    data = {"username": city_role.user.get_username(), "role": city_role.role}
    audit_record(actor=actor, action="agencies.city_role_revoke", obj=locked, data=data)
    locked.delete()
    clear_permission_cache(city_role.user)
