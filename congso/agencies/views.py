"""Back office (mounted at /backoffice/agencies/): agencies the user administers and their members."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from congso.accounts.decorators import staff_required
from congso.agencies.forms import AgencySearchForm, MembershipAddForm
from congso.agencies.models import Agency, Membership
from congso.agencies.permissions import can_assign_role, can_manage_agency
from congso.agencies.selectors import agencies_manageable, agency_get, agency_members, agency_membership_get
from congso.agencies.services import membership_grant, membership_revoke

PAGE_SIZE = 25


def _managed_agency(request: HttpRequest, code: str) -> Agency:
    """The agency, or 404 when it does not exist or the user cannot manage it (existence is not leaked)."""
    agency = agency_get(code=code)
    if agency is None or not can_manage_agency(request.user, agency):
        raise Http404(_("Không tìm thấy cơ quan."))
    return agency


@staff_required
@require_http_methods(["GET"])
def agency_list_view(request: HttpRequest) -> HttpResponse:
    form = AgencySearchForm(request.GET or None)
    query, kind = "", None
    if form.is_valid():
        query, kind = form.cleaned_data["q"], form.cleaned_data["kind"] or None
    agencies = agencies_manageable(actor=request.user, query=query, kind=kind)
    page_obj = Paginator(agencies, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "agencies/agency_list.html",
        {"form": form, "page_obj": page_obj, "agencies": page_obj.object_list, "query": query},
    )


@staff_required
@require_http_methods(["GET"])
def agency_detail_view(request: HttpRequest, code: str) -> HttpResponse:
    agency = _managed_agency(request, code)
    members = list(agency_members(actor=request.user, agency=agency))
    groups = [
        {
            "role": role,
            "label": label,
            "members": [
                {"membership": m, "can_remove": can_assign_role(request.user, agency, m.role)}
                for m in members
                if m.role == role
            ],
        }
        for role, label in Membership.Role.choices
    ]
    return render(
        request,
        "agencies/agency_detail.html",
        {"agency": agency, "groups": groups, "member_count": len(members)},
    )


@staff_required
@require_http_methods(["GET", "POST"])
def membership_add_view(request: HttpRequest, code: str) -> HttpResponse:
    agency = _managed_agency(request, code)
    form = MembershipAddForm(request.POST if request.method == "POST" else None, actor=request.user, agency=agency)
    if request.method == "POST" and form.is_valid():
        try:
            membership = membership_grant(
                actor=request.user, user=form.staff_user, agency=agency, role=form.cleaned_data["role"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Đã giao vai trò {role} cho {name}.").format(
                    role=membership.get_role_display(), name=membership.user.display_name
                ),
            )
            return redirect("agencies:detail", code=agency.code)
    return render(request, "agencies/membership_add.html", {"agency": agency, "form": form})


@staff_required
@require_http_methods(["GET", "POST"])
def membership_remove_view(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    agency = _managed_agency(request, code)
    membership = agency_membership_get(agency=agency, pk=pk)
    if membership is None:
        raise Http404(_("Không tìm thấy vai trò này."))
    if not can_assign_role(request.user, agency, membership.role):
        raise PermissionDenied(_("Chỉ quản trị nền tảng được thu hồi vai trò quản trị cơ quan."))
    if request.method == "POST":
        membership_revoke(actor=request.user, membership=membership)
        messages.success(
            request,
            _("Đã thu hồi vai trò {role} của {name}.").format(
                role=membership.get_role_display(), name=membership.user.display_name
            ),
        )
        return redirect("agencies:detail", code=agency.code)
    return render(request, "agencies/membership_remove.html", {"agency": agency, "membership": membership})
