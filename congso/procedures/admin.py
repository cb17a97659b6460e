"""Admin screens for the procedure catalog; every write goes through the services.

Procedures come from the catalog import: here they are edited (the fields
``procedure_update`` allows) but never added or deleted; documents and steps
are shown read-only.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from congso.agencies.models import Membership
from congso.agencies.permissions import agencies_for, is_platform_admin
from congso.core.admin_site import admin_site
from congso.procedures.models import Field, Procedure, ProcessingStep, RequiredDocument
from congso.procedures.selectors import procedure_can_manage, procedures_manageable_by
from congso.procedures.services import EDITABLE_FIELDS, field_upsert, procedure_changes_clean, procedure_update


@admin.register(Field, site=admin_site)
class FieldAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        return ["code"] if obj is not None else []

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_platform_admin(request.user)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_platform_admin(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_platform_admin(request.user)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_platform_admin(request.user)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Field, form, change: bool) -> None:
        saved = field_upsert(actor=request.user, code=obj.code, name=obj.name)
        obj.pk = saved.pk


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class RequiredDocumentInline(_ReadOnlyInline):
    model = RequiredDocument
    fields = ["order", "name", "is_mandatory", "accepted_types", "copies"]
    readonly_fields = fields


class ProcessingStepInline(_ReadOnlyInline):
    model = ProcessingStep
    fields = ["order", "name", "role", "share_percent"]
    readonly_fields = fields


class ProcedureAdminForm(forms.ModelForm):
    class Meta:
        model = Procedure
        fields = list(EDITABLE_FIELDS)

    def clean(self) -> dict:
        cleaned = super().clean()
        changes = {name: cleaned[name] for name in self.changed_data if name in cleaned}
        try:
            procedure_changes_clean(changes)
        except ValidationError as exc:
            self.add_error(None, exc)
        return cleaned


def _can_manage_any(user) -> bool:
    return is_platform_admin(user) or agencies_for(user, Membership.Role.AGENCY_ADMIN).exists()


@admin.register(Procedure, site=admin_site)
class ProcedureAdmin(admin.ModelAdmin):
    form = ProcedureAdminForm
    list_display = ["code", "name", "field", "level", "online_level", "deadline_days", "fee", "is_published"]
    list_filter = ["level", "online_level", "is_published", "field"]
    search_fields = ["code", "name", "name_search"]
    list_select_related = ["field"]
    readonly_fields = ["code", "field", "level", "agency_names", "updated_at"]
    fieldsets = [
        (None, {"fields": ["code", "name", "field", "level", "agency_names", "is_published", "updated_at"]}),
        (
            _("Trực tuyến, thời hạn và phí"),
            {"fields": ["online_level", "deadline_days", "fee", "fee_online", "fee_note"]},
        ),
        (_("Nội dung"), {"fields": ["applicants", "result", "description", "legal_basis", "form_schema"]}),
    ]
    inlines = [RequiredDocumentInline, ProcessingStepInline]

    @admin.display(description=_("cơ quan thực hiện"))
    def agency_names(self, obj: Procedure) -> str:
        return "; ".join(agency.name for agency in obj.agencies.order_by("name"))

    def get_queryset(self, request: HttpRequest) -> QuerySet[Procedure]:
        return procedures_manageable_by(request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _can_manage_any(request.user)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return _can_manage_any(request.user) if obj is None else procedure_can_manage(request.user, obj)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return self.has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Procedure, form, change: bool) -> None:
        changes = {name: form.cleaned_data[name] for name in form.changed_data if name in EDITABLE_FIELDS}
        procedure_update(actor=request.user, procedure=obj, **changes)

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        """Documents, steps and agencies come from the catalog import and are not edited here."""
