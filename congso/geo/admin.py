"""Administrative units in the platform administration: read-only, searchable without diacritics."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from congso.core.admin_site import admin_site
from congso.core.text import fold
from congso.geo.models import AdministrativeUnit, UnitSuccession


class ReadOnlyAdmin(admin.ModelAdmin):
    """Units come from the national code list (``load_units``), never from hand edits."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(AdministrativeUnit, site=admin_site)
class AdministrativeUnitAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "division_type", "parent", "valid_from", "valid_to"]
    list_filter = ["level", "division_type", "valid_to"]
    list_select_related = ["parent"]
    search_fields = ["code", "name_search"]
    fields = ["code", "level", "division_type", "name", "codename", "parent", "valid_from", "valid_to"]
    readonly_fields = fields

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[AdministrativeUnit], search_term: str
    ) -> tuple[QuerySet[AdministrativeUnit], bool]:
        return super().get_search_results(request, queryset, fold(search_term))


@admin.register(UnitSuccession, site=admin_site)
class UnitSuccessionAdmin(ReadOnlyAdmin):
    list_display = ["old_code", "old_name", "old_level", "successor", "effective"]
    list_select_related = ["successor"]
    search_fields = ["old_code", "old_name", "successor__name_search", "successor__code"]
    fields = ["old_code", "old_name", "old_level", "successor", "effective"]
    readonly_fields = fields
