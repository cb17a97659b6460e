"""Web pages of the procedure catalog: public search, detail and application form; back-office editing."""

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from congso.accounts.decorators import staff_required
from congso.accounts.models import User
from congso.dossiers.forms import ApplicantForm, DocumentsForm
from congso.dossiers.models import Dossier
from congso.dossiers.selectors import dossier_for_applicant, dossiers_of_applicant
from congso.dossiers.services import contact_from_account, dossier_submit
from congso.dossiers.views import add_service_errors, draft_save, own_draft
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
    """Nộp hồ sơ trực tuyến: fill in the form (autosaved as a draft), check it, attach the documents, submit.

    Step 1 (``apply.html``): the procedure's form, the contact details and the agency; "Lưu nháp" keeps a
    draft without JavaScript. Step 2 (``apply_check.html``, after "Kiểm tra thông tin"): the values to
    check, one file input per required document and "Nộp hồ sơ". Files are chosen on step 2 only, so
    nothing has to survive a round trip. The idempotency key rendered on step 1 travels with the form:
    a double click or a browser retry of "Nộp hồ sơ" answers with the same dossier.
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
    try:
        form_schema.validate_schema(procedure.form_schema)
    except ValidationError:
        return _unavailable(
            request, procedure, _("Mẫu đơn của thủ tục này đang được cập nhật. Vui lòng quay lại sau."), 200
        )
    if request.method != "POST":
        return _apply_start(request, procedure)
    action = request.POST.get("_action", "check")
    if action == "edit":
        return _apply_edit(request, procedure)
    if action == "draft":
        return _apply_draft(request, procedure)
    if action == "submit":
        return _apply_submit(request, procedure)
    return _apply_check(request, procedure)


def _apply_context(procedure: Procedure, form: Any, applicant: ApplicantForm, **extra: Any) -> dict[str, Any]:
    forms = [extra.get("documents_form"), form, applicant]
    return {
        "procedure": procedure,
        "form": form,
        "applicant_form": applicant,
        "documents": procedure.documents.all(),
        "error_forms": [f for f in forms if f is not None and f.is_bound and f.errors],
        **_fees(procedure),
        **extra,
    }


def _contact_initial(user: User) -> dict[str, Any]:
    return {"applicant_phone": user.phone, "applicant_email": user.email, "applicant_address": user.address}


def _apply_start(request: HttpRequest, procedure: Procedure) -> HttpResponse:
    """Step 1, first shown: empty, or resuming a draft (``?draft=<pk>``, 404 if not the user's)."""
    initial = _contact_initial(request.user)
    draft = None
    draft_id = request.GET.get("draft", "")
    if draft_id:
        pk = _positive_id(draft_id)
        if pk is None:
            raise Http404
        draft = dossier_for_applicant(request.user, pk)
        if draft.state != Dossier.State.DRAFT:
            return redirect("dossiers:detail", pk=draft.pk)
        if draft.procedure_id != procedure.pk:
            return redirect(reverse("procedures:apply", args=[draft.procedure.code]) + f"?draft={draft.pk}")
        initial.update(draft=str(draft.pk), agency=draft.agency_id)
    form = form_schema.build_form(procedure.form_schema)
    if draft is not None:
        form.initial = dict(draft.form_data)
    applicant = ApplicantForm(procedure=procedure, user=request.user, initial=initial)
    other_draft = None
    if draft is None:
        other_draft = dossiers_of_applicant(request.user, state="draft").filter(procedure=procedure).first()
    return render(
        request,
        "procedures/apply.html",
        _apply_context(procedure, form, applicant, draft=draft, other_draft=other_draft),
    )


def _positive_id(value: str) -> int | None:
    value = value.strip()
    if not value.isascii() or not value.isdigit() or len(value) > 18:
        return None
    return int(value) or None


def _apply_edit(request: HttpRequest, procedure: Procedure) -> HttpResponse:
    """Back from step 2: the values again, unvalidated."""
    form = form_schema.build_form(procedure.form_schema)
    form.initial = request.POST.dict()
    initial = {name: request.POST.get(f"hs-{name}", "") for name in ApplicantForm.base_fields}
    applicant = ApplicantForm(procedure=procedure, user=request.user, initial=initial)
    return render(request, "procedures/apply.html", _apply_context(procedure, form, applicant))


def _apply_draft(request: HttpRequest, procedure: Procedure) -> HttpResponse:
    """Save a draft without JavaScript ("Lưu nháp"): keep what was typed, come back to the form from the draft."""
    try:
        draft = draft_save(request, procedure)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        return _apply_edit(request, procedure)
    messages.success(request, _("Đã lưu nháp. Bạn có thể tiếp tục hồ sơ này bất cứ lúc nào từ mục “Hồ sơ của tôi”."))
    return redirect(reverse("procedures:apply", args=[procedure.code]) + f"?draft={draft.pk}")


def _bound_forms(request: HttpRequest, procedure: Procedure) -> tuple[Any, ApplicantForm]:
    form = form_schema.build_form(procedure.form_schema, data=request.POST)
    applicant = ApplicantForm(request.POST, procedure=procedure, user=request.user)
    return form, applicant


def _check_page(
    request: HttpRequest, procedure: Procedure, form: Any, applicant: ApplicantForm, documents: DocumentsForm
) -> HttpResponse:
    schema = procedure.form_schema
    context = _apply_context(
        procedure,
        form,
        applicant,
        rows=_check_rows(schema, form_schema.cleaned_values(schema, form.cleaned_data)),
        documents_form=documents,
        agency=applicant.chosen_agency(),
        carried=[(applicant.add_prefix(name), value) for name, value in _carried(applicant).items()],
    )
    return render(request, "procedures/apply_check.html", context)


def _carried(applicant: ApplicantForm) -> dict[str, Any]:
    """Step 1's contact details, agency, key and draft, cleaned, to post again with the files."""
    data = applicant.cleaned_data
    agency = applicant.chosen_agency()
    values = {
        "applicant_phone": data["applicant_phone"],
        "applicant_email": data["applicant_email"],
        "applicant_address": data["applicant_address"],
        "idempotency_key": data["idempotency_key"],
        "draft": data["draft"] or "",
    }
    if "agency" in applicant.fields and agency is not None:
        values["agency"] = agency.pk
    return values


def _apply_check(request: HttpRequest, procedure: Procedure) -> HttpResponse:
    """Check step 1 ("Kiểm tra thông tin"), keep it as a draft and show step 2 with the file inputs."""
    form, applicant = _bound_forms(request, procedure)
    if not (form.is_valid() and applicant.is_valid()):
        return render(request, "procedures/apply.html", _apply_context(procedure, form, applicant))
    try:
        draft = draft_save(request, procedure)
    except (ValidationError, PermissionDenied):
        draft = None
    if draft is not None:
        # The draft's id goes on with the form, so submitting turns this draft into the dossier.
        data = request.POST.copy()
        data["hs-draft"] = str(draft.pk)
        applicant = ApplicantForm(data, procedure=procedure, user=request.user)
        applicant.is_valid()
    documents = DocumentsForm(documents=list(procedure.documents.all()))
    return _check_page(request, procedure, form, applicant, documents)


def _apply_submit(request: HttpRequest, procedure: Procedure) -> HttpResponse:
    """Submit ("Nộp hồ sơ"): the values of step 1 (posted back) and the files of step 2 to ``dossier_submit``."""
    form, applicant = _bound_forms(request, procedure)
    # Mandatory documents are checked by the service, so that a retry without files still finds the dossier.
    documents = DocumentsForm(request.POST, request.FILES, documents=list(procedure.documents.all()), optional=True)
    if not (form.is_valid() and applicant.is_valid()):
        return render(request, "procedures/apply.html", _apply_context(procedure, form, applicant))
    if not documents.is_valid():
        return _check_page(request, procedure, form, applicant, documents)
    user = request.user
    contact = contact_from_account(
        user,
        phone=applicant.cleaned_data["applicant_phone"],
        email=applicant.cleaned_data["applicant_email"],
        address=applicant.cleaned_data["applicant_address"],
    )
    try:
        dossier = dossier_submit(
            applicant=user,
            procedure=procedure,
            data=form_schema.cleaned_values(procedure.form_schema, form.cleaned_data),
            files=documents.files_by_document(),
            contact=contact,
            agency=applicant.chosen_agency(),
            idempotency_key=applicant.cleaned_data["idempotency_key"],
            draft=own_draft(user, procedure, applicant.cleaned_data["draft"]),
        )
    except ValidationError as error:
        add_service_errors(error, documents, form, applicant)
    except PermissionDenied as error:
        documents.add_error(None, str(error))
    else:
        messages.success(
            request,
            _("Đã nộp hồ sơ thành công. Mã hồ sơ của bạn: {code}. Hãy ghi lại mã này để tra cứu.").format(
                code=dossier.receipt_code
            ),
        )
        return redirect("dossiers:detail", pk=dossier.pk)
    if form.errors or applicant.errors:
        return render(request, "procedures/apply.html", _apply_context(procedure, form, applicant))
    return _check_page(request, procedure, form, applicant, documents)


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
