"""Administration of accounts and API keys on the platform admin site."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from congso.accounts import services
from congso.accounts.models import ApiToken, User
from congso.core.admin_site import admin_site
from congso.core.services import audit_record


@admin.register(User, site=admin_site)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "display_name", "kind", "personal_id", "tax_code", "phone", "is_active")
    list_filter = ("kind", "is_active", "is_staff", "is_superuser")
    search_fields = ("username", "full_name", "business_name", "personal_id", "tax_code", "email", "phone")
    ordering = ("username",)
    autocomplete_fields = ("ward",)
    fieldsets = (
        (None, {"fields": ("username", "password", "kind")}),
        (
            _("Thông tin cá nhân"),
            {
                "fields": (
                    "full_name",
                    "personal_id",
                    "date_of_birth",
                    "business_name",
                    "tax_code",
                    "email",
                    "phone",
                    "address",
                    "ward",
                )
            },
        ),
        (_("Quyền"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Thời điểm"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "kind", "full_name", "email", "password1", "password2")}),
    )

    @admin.display(description=_("tên hiển thị"))
    def display_name(self, obj: User) -> str:
        return obj.display_name

    def save_model(self, request: HttpRequest, obj: User, form: forms.ModelForm, change: bool) -> None:
        super().save_model(request, obj, form, change)
        # Names of the changed fields only: never a password.
        audit_record(
            actor=request.user,
            action="accounts.user_update" if change else "accounts.user_create",
            obj=obj,
            data={"fields": sorted(form.changed_data)},
        )

    def delete_model(self, request: HttpRequest, obj: User) -> None:
        audit_record(actor=request.user, action="accounts.user_delete", obj=obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            audit_record(actor=request.user, action="accounts.user_delete", obj=user)
        super().delete_queryset(request, queryset)

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            changed = self.get_object(request, unquote(id))
            if changed is not None:
                audit_record(actor=request.user, action="accounts.user_password_set", obj=changed)
        return response

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[User], search_term: str
    ) -> tuple[QuerySet[User], bool]:
        query = search_term.strip()
        if query:
            # Searching people by identity number or name is a staff read of personal data,
            # from the list page or from an autocomplete box alike.
            audit_record(actor=request.user, action="accounts.user_search", data={"query": query[:100]})
        return super().get_search_results(request, queryset, search_term)

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", None) and response.context_data.get("cl")
        if request.method == "GET" and changelist is not None:
            # The list shows identity numbers and phones: record whose rows a staff member saw.
            audit_record(
                actor=request.user,
                action="accounts.user_list",
                data={
                    "filters": {key: value[:100] for key, value in request.GET.items()},
                    "shown": [user.pk for user in changelist.result_list],
                },
            )
        return response

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            # A staff read of personal data is audited.
            viewed = self.get_object(request, object_id)
            if viewed is not None:
                audit_record(actor=request.user, action="accounts.user_view", obj=viewed)
        return response


@admin.register(ApiToken, site=admin_site)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("prefix", "name", "user", "created_at", "expires_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at", "expires_at")
    search_fields = ("prefix", "name", "user__username", "user__full_name")
    readonly_fields = ("user", "name", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at")
    fields = readonly_fields
    list_select_related = ("user",)
    actions = ("revoke",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: ApiToken) -> None:
        audit_record(actor=request.user, action="accounts.api_token_delete", obj=obj, data={"prefix": obj.prefix})
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset:
            audit_record(
                actor=request.user, action="accounts.api_token_delete", obj=token, data={"prefix": token.prefix}
            )
        super().delete_queryset(request, queryset)

    @admin.action(description=_("Thu hồi các khóa đã chọn"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset.filter(revoked_at__isnull=True):
            services.api_token_revoke(actor=request.user, token=token)
        self.message_user(request, _("Đã thu hồi các khóa đã chọn."), messages.SUCCESS)
