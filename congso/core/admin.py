"""Platform administration of the audit log (read-only) and of the calendar overrides (through the services)."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from congso.agencies.permissions import is_platform_admin
from congso.core.admin_site import admin_site
from congso.core.models import AuditEntry, CalendarOverride
from congso.core.services import calendar_override_check, calendar_override_delete, calendar_override_set


@admin.register(AuditEntry, site=admin_site)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit log can be searched and read; nobody can add, change or delete a line."""

    list_display = ["at", "actor_label", "action", "object_type", "object_id", "object_label", "ip"]
    list_filter = ["action", "object_type", "at"]
    search_fields = ["actor_label", "action", "object_type", "object_id", "object_label"]
    date_hierarchy = "at"
    list_select_related = False
    show_full_result_count = False
    fields = [
        "at",
        "actor",
        "actor_label",
        "action",
        "object_type",
        "object_id",
        "object_label",
        "ip",
        "user_agent",
        "data",
    ]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False


class CalendarOverrideForm(forms.ModelForm):
    class Meta:
        model = CalendarOverride
        fields = ["date", "kind", "reason"]

    def clean(self) -> dict:
        cleaned = super().clean()
        day = cleaned.get("date") or (self.instance.date if self.instance.pk else None)
        kind = cleaned.get("kind")
        if day and kind:
            try:
                calendar_override_check(date=day, kind=kind)
            except ValidationError as exc:
                self.add_error(None, exc)
        return cleaned


@admin.register(CalendarOverride, site=admin_site)
class CalendarOverrideAdmin(admin.ModelAdmin):
    """City days off and moved working days; every change goes through the audited services."""

    form = CalendarOverrideForm
    list_display = ["date", "kind", "reason", "created_by", "created_at"]
    list_filter = ["kind"]
    search_fields = ["reason"]
    date_hierarchy = "date"

    def get_readonly_fields(self, request: HttpRequest, obj: CalendarOverride | None = None) -> tuple[str, ...]:
        return ("date",) if obj is not None else ()

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_platform_admin(request.user) or super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: CalendarOverride | None = None) -> bool:
        return is_platform_admin(request.user) or super().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_platform_admin(request.user)

    def has_change_permission(self, request: HttpRequest, obj: CalendarOverride | None = None) -> bool:
        return is_platform_admin(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: CalendarOverride | None = None) -> bool:
        return is_platform_admin(request.user)

    def save_model(self, request: HttpRequest, obj: CalendarOverride, form: forms.ModelForm, change: bool) -> None:
        saved = calendar_override_set(actor=request.user, date=obj.date, kind=obj.kind, reason=obj.reason)
        obj.pk = saved.pk
        obj.created_by = saved.created_by
        obj.created_at = saved.created_at

    def delete_model(self, request: HttpRequest, obj: CalendarOverride) -> None:
        calendar_override_delete(actor=request.user, override=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[CalendarOverride]) -> None:
        for override in queryset:
            calendar_override_delete(actor=request.user, override=override)
