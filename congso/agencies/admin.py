"""Platform admin screens for agencies and roles; every write goes through the services.

Only platform admins see these screens. Roles are granted or revoked, never
edited in place; agencies are deactivated, never deleted.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from congso.agencies.models import Agency, CityRole, Membership
from congso.agencies.permissions import is_platform_admin
from congso.agencies.services import (
    agency_parent_check,
    agency_upsert,
    city_role_grant,
    city_role_revoke,
    ensure_can_hold_roles,
    membership_grant,
    membership_revoke,
)
from congso.core.admin_site import admin_site


class PlatformAdminOnly(admin.ModelAdmin):
    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_platform_admin(request.user)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_platform_admin(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_platform_admin(request.user)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_platform_admin(request.user)


class AgencyAdminForm(forms.ModelForm):
    class Meta:
        model = Agency
        fields = [
            "code",
            "name",
            "short_name",
            "kind",
            "parent",
            "administrative_unit",
            "address",
            "phone",
            "email",
            "is_active",
        ]

    def clean(self):
        cleaned = super().clean()
        try:
            agency_parent_check(agency=self.instance, parent=cleaned.get("parent"))
        except ValidationError as exc:
            self.add_error("parent", exc)
        return cleaned


@admin.register(Agency, site=admin_site)
class AgencyAdmin(PlatformAdminOnly):
    form = AgencyAdminForm
    list_display = ["code", "name", "kind", "parent", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name", "short_name", "search_text"]
    list_select_related = ["parent"]
    raw_id_fields = ["parent", "administrative_unit"]

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_platform_admin(request.user)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        return ["code"] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: Agency, form: forms.ModelForm, change: bool) -> None:
        saved = agency_upsert(
            actor=request.user,
            code=obj.code,
            name=obj.name,
            kind=obj.kind,
            short_name=obj.short_name,
            parent_code=obj.parent.code if obj.parent else None,
            unit_code=obj.administrative_unit.code if obj.administrative_unit else None,
            address=obj.address,
            phone=obj.phone,
            email=obj.email,
            is_active=obj.is_active,
        )
        obj.pk = saved.pk
        obj.search_text = saved.search_text


class RoleHolderForm(forms.ModelForm):
    def clean_user(self):
        user = self.cleaned_data["user"]
        ensure_can_hold_roles(user)
        return user


class MembershipAdminForm(RoleHolderForm):
    class Meta:
        model = Membership
        fields = ["user", "agency", "role"]


class CityRoleAdminForm(RoleHolderForm):
    class Meta:
        model = CityRole
        fields = ["user", "role"]


@admin.register(Membership, site=admin_site)
class MembershipAdmin(PlatformAdminOnly):
    form = MembershipAdminForm
    list_display = ["user", "agency", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__full_name", "agency__code", "agency__name"]
    list_select_related = ["user", "agency"]
    raw_id_fields = ["user", "agency"]

    def save_model(self, request: HttpRequest, obj: Membership, form: forms.ModelForm, change: bool) -> None:
        obj.pk = membership_grant(actor=request.user, user=obj.user, agency=obj.agency, role=obj.role).pk

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        membership_revoke(actor=request.user, membership=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        for membership in queryset.select_related("user", "agency"):
            membership_revoke(actor=request.user, membership=membership)


def _is_own_platform_admin_role(request: HttpRequest, city_role: CityRole) -> bool:
    """Nobody removes their own platform admin role (see ``city_role_revoke``)."""
    return city_role.user_id == request.user.pk and city_role.role == CityRole.Role.PLATFORM_ADMIN


@admin.register(CityRole, site=admin_site)
class CityRoleAdmin(PlatformAdminOnly):
    form = CityRoleAdminForm
    list_display = ["user", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__full_name"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        if obj is not None and _is_own_platform_admin_role(request, obj):
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: CityRole, form: forms.ModelForm, change: bool) -> None:
        obj.pk = city_role_grant(actor=request.user, user=obj.user, role=obj.role).pk

    def delete_model(self, request: HttpRequest, obj: CityRole) -> None:
        city_role_revoke(actor=request.user, city_role=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[CityRole]) -> None:
        for city_role in queryset.select_related("user"):
            if _is_own_platform_admin_role(request, city_role):
                continue
            city_role_revoke(actor=request.user, city_role=city_role)
