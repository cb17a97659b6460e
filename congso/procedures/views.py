"""Web pages of the procedure catalog: public search, detail and application form; back-office editing."""

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from congso.accounts.decorators import staff_required
from congso.accounts.models import User
from congso.procedures import form_schema
from congso.procedures.forms import ProcedureEditForm, SearchForm
from congso.procedures.models import Procedure
from congso.procedures.selectors import (
    agency_list_with_procedures,
    field_list,
    procedure_get,
    procedure_get_manageable,
    procedure_search,
    procedures_manageable_by,
)
from congso.procedures.services import effective_fee, procedure_update

PAGE_SIZE = 20


@require_http_methods(["GET", "HEAD"])
def search(request: HttpRequest) -> HttpResponse:
    """Thủ tục hành chính: search with facets; an htmx request gets only the results."""
    form = SearchForm(request.GET or None, fields=field_list(), agencies=agency_list_with_procedures())
    filters = form.filters()
    page_obj = Paginator(procedure_search(**filters), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page_obj": page_obj, "searched": any(filters.values())}
    template = "procedures/_results.html" if request.htmx else "procedures/search.html"
    return render(request, template, context)


def _fees(procedure: Procedure) -> dict[str, Any]:
    online = effective_fee(procedure, online=True)
    return {
        "fee_direct": effective_fee(procedure, online=False),
        "fee_online": online,
        "online_fee_differs": procedure.fee_online is not None and online != procedure.fee,
        "online_exempt": online == 0 and procedure.fee > 0,
    }


@require_http_methods(["GET", "HEAD"])
def detail(request: HttpRequest, code: str) -> HttpResponse:
    """One procedure as published: documents, deadline, fees, steps and the way to apply online."""
    procedure = procedure_get(code)
    context = {
        "procedure": procedure,
        "can_apply_online": procedure.online_level != Procedure.OnlineLevel.NONE,
        **_fees(procedure),
    }
    return render(request, "procedures/detail.html", context)


def _display(spec: dict, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if spec["type"] == "checkbox":
        return _("Có") if value else _("Không")
    if spec["type"] in form_schema.CHOICE_TYPES:
        return dict(spec["choices"]).get(value, value)
    if spec["type"] == "date":
        return date.fromisoformat(value).strftime("%d/%m/%Y")
    return str(value)


def _check_rows(schema: list[dict], values: dict[str, Any]) -> list[dict[str, Any]]:
    """Label, shown value and the raw value to post back for each field of the confirmation page."""
    rows = []
    for spec in schema:
        value = values.get(spec["name"])
        raw = None if value is None or value is False else "on" if value is True else str(value)
        rows.append({"name": spec["name"], "label": spec["label"], "display": _display(spec, value), "raw": raw})
    return rows


def _unavailable(request: HttpRequest, procedure: Procedure, reason: str, status: int) -> HttpResponse:
    return render(
        request, "procedures/apply_unavailable.html", {"procedure": procedure, "reason": reason}, status=status
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def apply(request: HttpRequest, code: str) -> HttpResponse:
    """Nộp hồ sơ trực tuyến, first part: fill in the form, validate it and check the values.

    Submitting the dossier itself plugs in after the "Kiểm tra thông tin" step
    once the dossier module is available.
    """
    procedure = procedure_get(code)
    if request.user.kind == User.Kind.STAFF:
        return _unavailable(
            request,
            procedure,
            _("Tài khoản cán bộ không nộp hồ sơ. Vui lòng đăng nhập bằng tài khoản công dân hoặc doanh nghiệp."),
            403,
        )
    if procedure.online_level == Procedure.OnlineLevel.NONE:
        return _unavailable(
            request,
            procedure,
            _("Thủ tục này chưa được cung cấp trực tuyến. Vui lòng nộp hồ sơ trực tiếp tại cơ quan thực hiện."),
            200,
        )
    schema = procedure.form_schema
    # "edit" comes back from the confirmation page: show the values again, unvalidated.
    editing = request.method == "POST" and request.POST.get("_action") == "edit"
    checking = request.method == "POST" and not editing
    try:
        form = form_schema.build_form(schema, data=request.POST if checking else None)
    except ValidationError:
        return _unavailable(
            request, procedure, _("Mẫu đơn của thủ tục này đang được cập nhật. Vui lòng quay lại sau."), 200
        )
    if editing:
        form.initial = request.POST.dict()
    context = {"procedure": procedure, "form": form, "documents": procedure.documents.all(), **_fees(procedure)}
    if checking and form.is_valid():
        context["rows"] = _check_rows(schema, form_schema.cleaned_values(schema, form.cleaned_data))
        return render(request, "procedures/apply_check.html", context)
    return render(request, "procedures/apply.html", context)


@staff_required
@require_http_methods(["GET", "HEAD"])
def manage_list(request: HttpRequest) -> HttpResponse:
    """Back office: the procedures this staff member may edit."""
    query = request.GET.get("q", "")[:200]
    page_obj = Paginator(procedures_manageable_by(request.user, query=query), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "procedures/manage_list.html", {"page_obj": page_obj, "query": query})


@staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def manage_edit(request: HttpRequest, code: str) -> HttpResponse:
    """Back office: change fees, online level, deadline and publication (404 if not the user's to manage)."""
    procedure = procedure_get_manageable(request.user, code)
    form = ProcedureEditForm.for_procedure(procedure, data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            procedure_update(actor=request.user, procedure=procedure, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Đã lưu thủ tục {code}.").format(code=procedure.code))
            return redirect("procedures:manage_list")
    return render(request, "procedures/manage_edit.html", {"procedure": procedure, "form": form})
