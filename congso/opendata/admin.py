"""Admin screens for the open-data catalog: read-only, for platform admins.

Datasets, resources, grants and keys are managed in the back office (``/backoffice/opendata/``)
through the services; here a platform admin looks things up and can revoke an API key at once.
"""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from congso.agencies.permissions import is_platform_admin
from congso.core.admin_site import admin_site
from congso.opendata.models import AccessGrant, ApiKey, ApiKeyUsage, Dataset, Resource, ResourceVersion
from congso.opendata.services import api_key_revoke


class _ReadOnlyAdmin(admin.ModelAdmin):
    """Visible to platform admins only; nothing is added, changed or deleted here."""

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        return [*self.get_fields(request, obj)]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_platform_admin(request.user)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_platform_admin(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class ResourceInline(_ReadOnlyInline):
    model = Resource
    fields = ["position", "name", "format", "datastore_active", "row_count", "modified_at"]
    readonly_fields = fields


class AccessGrantInline(_ReadOnlyInline):
    model = AccessGrant
    fields = ["agency", "granted_by", "granted_at"]
    readonly_fields = fields
    show_change_link = False


@admin.register(Dataset, site=admin_site)
class DatasetAdmin(_ReadOnlyAdmin):
    list_display = ["name", "title", "organization", "visibility", "state", "modified_at"]
    list_filter = ["state", "visibility", "theme", "licence"]
    list_select_related = ["organization"]
    search_fields = ["name", "title", "title_en", "organization__code", "organization__name", "publisher_key"]
    date_hierarchy = "modified_at"
    fields = [
        "name",
        "organization",
        "title",
        "title_en",
        "description",
        "description_en",
        "keywords",
        "theme",
        "licence",
        "visibility",
        "state",
        "contact_name",
        "contact_email",
        "frequency",
        "spatial",
        "temporal_start",
        "temporal_end",
        "publisher_key",
        "created_by",
        "created_at",
        "modified_at",
        "published_at",
    ]
    inlines = [ResourceInline, AccessGrantInline]


class ResourceVersionInline(_ReadOnlyInline):
    model = ResourceVersion
    fields = ["number", "original_name", "size", "sha256", "row_count", "note", "created_by", "created_at"]
    readonly_fields = fields
    show_change_link = False


@admin.register(Resource, site=admin_site)
class ResourceAdmin(_ReadOnlyAdmin):
    list_display = ["name", "dataset", "format", "datastore_active", "row_count", "modified_at"]
    list_filter = ["format", "datastore_active"]
    list_select_related = ["dataset"]
    search_fields = ["name", "name_en", "dataset__name", "dataset__title"]
    fields = [
        "dataset",
        "name",
        "name_en",
        "description",
        "format",
        "position",
        "datastore_active",
        "table_name",
        "fields",
        "row_count",
        "created_at",
        "modified_at",
    ]
    inlines = [ResourceVersionInline]


@admin.register(AccessGrant, site=admin_site)
class AccessGrantAdmin(_ReadOnlyAdmin):
    list_display = ["dataset", "agency", "granted_by", "granted_at"]
    list_select_related = ["dataset", "agency", "granted_by"]
    search_fields = ["dataset__name", "dataset__title", "agency__code", "agency__name"]
    fields = ["dataset", "agency", "granted_by", "granted_at"]


@admin.register(ApiKey, site=admin_site)
class ApiKeyAdmin(_ReadOnlyAdmin):
    """Keys are created in the back office (the raw key is shown once there); here they can be revoked."""

    list_display = ["prefix", "name", "agency", "daily_quota", "expires_at", "revoked_at", "last_used_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["agency"]
    search_fields = ["prefix", "name", "agency__code", "agency__name"]
    fields = [
        "agency",
        "name",
        "prefix",
        "daily_quota",
        "created_by",
        "created_at",
        "expires_at",
        "revoked_at",
        "last_used_at",
    ]
    actions = ["revoke"]

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        # Needed for the "revoke" action to be offered; every field stays read-only.
        return is_platform_admin(request.user)

    @admin.action(description=_("Thu hồi các khóa đã chọn"), permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        keys = list(queryset.filter(revoked_at__isnull=True).select_related("agency"))
        for key in keys:
            api_key_revoke(actor=request.user, key=key)
        self.message_user(request, _("Đã thu hồi {n} khóa.").format(n=len(keys)), messages.SUCCESS)


@admin.register(ApiKeyUsage, site=admin_site)
class ApiKeyUsageAdmin(_ReadOnlyAdmin):
    list_display = ["at", "key", "action", "dataset", "status"]
    list_filter = ["status", "action"]
    list_select_related = ["key", "dataset"]
    search_fields = ["key__prefix", "key__name", "action"]
    date_hierarchy = "at"
    show_full_result_count = False
    fields = ["at", "key", "action", "dataset", "status"]
