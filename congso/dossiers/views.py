"""The applicant's side of dossiers (hồ sơ): my dossiers, one dossier and what its applicant may do now,
file downloads, drafts saved as one types, public tracking and result verification.

Every page works without JavaScript; htmx only autosaves drafts. Reads go
through ``congso.dossiers.selectors`` (someone else's dossier is a 404, like
one that does not exist), writes through ``congso.dossiers.services``, whose
``ValidationError`` / ``PermissionDenied`` become form errors or messages.
"""

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from congso.accounts.decorators import account_required
from congso.accounts.models import User
from congso.agencies.models import Agency
from congso.core.cases import SlaStatus
from congso.dossiers import selectors, services
from congso.dossiers.forms import (
    MessageForm,
    RatingForm,
    SupplementForm,
    TrackForm,
    WithdrawForm,
)
from congso.dossiers.models import Dossier, DossierFile, DossierRating
from congso.dossiers.workflow import TRANSITIONS, dossier_workflow
from congso.procedures.models import Procedure
from congso.procedures.selectors import procedure_get

PAGE_SIZE = 20
MAX_ID = 2**63 - 1
TABS = ("", "draft", "open", "closed")
ACTION_LABELS = {transition.name: transition.label for transition in TRANSITIONS}
# Reasons the applicant reads in the history; the others are notes between staff.
PUBLIC_REASONS = frozenset({"request_supplement", "supplement", "refuse", "withdraw", "stop", "apologise", "transfer"})
SLA_BADGES = {
    SlaStatus.ON_TIME: "badge-success",
    SlaStatus.DUE_SOON: "badge-warning",
    SlaStatus.LATE: "badge-danger",
    SlaStatus.PAUSED: "badge-info",
}
STATE_BADGES = {
    Dossier.State.DRAFT: "badge-neutral",
    Dossier.State.REFUSED: "badge-danger",
    Dossier.State.STOPPED: "badge-danger",
    Dossier.State.WITHDRAWN: "badge-neutral",
    Dossier.State.SUPPLEMENT_REQUESTED: "badge-warning",
    Dossier.State.RELEASED: "badge-success",
    Dossier.State.RETURNED: "badge-success",
}


# --- helpers shared with the application form (procedures:apply) ----------------------------------


def add_service_errors(error: ValidationError, *forms: Any) -> None:
    """Put each message of a service's ``ValidationError`` on the form that has that field.

    Messages for no field (or a field none of the forms shows) go to the first form as non-field errors.
    Every form must be bound and validated.
    """
    if not hasattr(error, "error_dict"):
        forms[0].add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        target = next((form for form in forms if field in form.fields), None)
        if target is None:
            forms[0].add_error(None, errors)
        else:
            target.add_error(field, errors)


def is_applicant_account(user: Any) -> bool:
    return bool(user.is_authenticated and user.kind != User.Kind.STAFF)


def draft_values(procedure: Procedure, data: Any) -> dict[str, str]:
    """The procedure's form values as typed (unvalidated), for a draft."""
    names = [spec.get("name") for spec in procedure.form_schema if isinstance(spec, dict)]
    return {name: data.get(name, "") for name in names if isinstance(name, str) and data.get(name, "")}


def _valid_id(value: Any) -> int | None:
    text = str(value or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 19:
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def own_draft(user: Any, procedure: Procedure, value: Any) -> Dossier | None:
    """The user's draft of this procedure whose id was posted back, if it still is one."""
    pk = _valid_id(value)
    if pk is None:
        return None
    return selectors.dossiers_of_applicant(user, state="draft").filter(pk=pk, procedure=procedure).first()


def posted_agency(procedure: Procedure, value: Any) -> Agency | None:
    pk = _valid_id(value)
    if pk is None:
        return None
    return procedure.agencies.filter(pk=pk, is_active=True).first()


def draft_save(request: HttpRequest, procedure: Procedure) -> Dossier:
    """Save the posted values as the applicant's draft (the posted draft if it is theirs, else a new one)."""
    return services.dossier_draft_save(
        applicant=request.user,
        procedure=procedure,
        data=draft_values(procedure, request.POST),
        draft=own_draft(request.user, procedure, request.POST.get("hs-draft")),
        agency=posted_agency(procedure, request.POST.get("hs-agency")),
    )


def _staff_refused(request: HttpRequest) -> HttpResponse:
    return render(request, "dossiers/staff_refused.html", status=403)


# --- my dossiers ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD"])
def mine(request: HttpRequest) -> HttpResponse:
    """Hồ sơ của tôi: the applicant's dossiers and drafts, filtered by tab, newest change first."""
    if not is_applicant_account(request.user):
        return _staff_refused(request)
    tab = request.GET.get("state", "")
    tab = tab if tab in TABS else ""
    page_obj = Paginator(selectors.dossiers_of_applicant(request.user, state=tab), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    now = timezone.now()
    rows = [_row(dossier, now) for dossier in page_obj.object_list]
    tabs = [
        (value, label, reverse("dossiers:mine") + (f"?{urlencode({'state': value})}" if value else ""))
        for value, label in (
            ("", _("Tất cả")),
            ("draft", _("Hồ sơ nháp")),
            ("open", _("Đang giải quyết")),
            ("closed", _("Đã kết thúc")),
        )
    ]
    return render(request, "dossiers/mine.html", {"page_obj": page_obj, "rows": rows, "tab": tab, "tabs": tabs})


def _row(dossier: Dossier, now: Any) -> dict[str, Any]:
    sla = selectors.sla_of(dossier, now) if dossier.is_open else None
    if dossier.state == Dossier.State.DRAFT:
        url = reverse("procedures:apply", args=[dossier.procedure.code]) + f"?draft={dossier.pk}"
    else:
        url = reverse("dossiers:detail", args=[dossier.pk])
    return {
        "dossier": dossier,
        "url": url,
        "state_badge": STATE_BADGES.get(dossier.state, "badge-info"),
        "sla": sla,
        "sla_label": sla.label if sla else "",
        "sla_badge": SLA_BADGES.get(sla, ""),
    }


# --- one dossier -----------------------------------------------------------------------------------


def _history(dossier: Dossier, *, with_reasons: bool) -> list[dict[str, Any]]:
    return [
        {
            "at": event.at,
            "label": ACTION_LABELS.get(event.action, event.action),
            "state": dossier_workflow.state_label(event.to_state),
            "reason": event.reason if with_reasons and event.action in PUBLIC_REASONS else "",
        }
        for event in dossier.events.order_by("seq")
    ]


def _shown(spec: dict, value: Any) -> str:
    """A stored form value as the applicant typed it (dates dd/mm/yyyy, choices by label)."""
    if value is None or value == "":
        return "—"
    kind = spec.get("type")
    if kind == "checkbox":
        return _("Có") if value in (True, "on", "true", "True") else _("Không")
    if kind in ("select", "radio"):
        choices = {str(pair[0]): pair[1] for pair in spec.get("choices") or [] if isinstance(pair, list | tuple)}
        return str(choices.get(str(value), value))
    if kind == "date":
        try:
            return date.fromisoformat(str(value)).strftime("%d/%m/%Y")
        except ValueError:
            return str(value)
    return str(value)


def form_rows(dossier: Dossier) -> list[tuple[str, str]]:
    """(label, value) of what the applicant declared, in the order of the procedure's form."""
    values = dossier.form_data if isinstance(dossier.form_data, dict) else {}
    return [
        (str(spec.get("label", spec.get("name"))), _shown(spec, values.get(spec.get("name"))))
        for spec in dossier.procedure.form_schema
        if isinstance(spec, dict) and spec.get("name") in values
    ]


def result_online(dossier: Dossier) -> bool:
    """The result may be taken online: filed online for a full-online procedure (toàn trình)."""
    return dossier.channel == Dossier.Channel.ONLINE and dossier.procedure.online_level == Procedure.OnlineLevel.FULL


def _rating_of(dossier: Dossier) -> DossierRating | None:
    if dossier.state != Dossier.State.RETURNED:
        return None
    try:
        return dossier.rating
    except DossierRating.DoesNotExist:
        return None


def _detail_context(request: HttpRequest, dossier: Dossier, **forms: Any) -> dict[str, Any]:
    user = request.user
    files = list(dossier.files.select_related("document"))
    documents = list(dossier.procedure.documents.all())
    rating = _rating_of(dossier)
    can = {
        "supplement": dossier_workflow.may(user, dossier, "supplement"),
        "withdraw": dossier_workflow.may(user, dossier, "withdraw"),
        "rate": dossier_workflow.may(user, dossier, "rate") and rating is None,
        "receive_result": dossier_workflow.may(user, dossier, "return_result") and result_online(dossier),
        "download_result": dossier.state == Dossier.State.RETURNED
        and any(f.kind == DossierFile.Kind.RESULT for f in files),
        "message": dossier.state != Dossier.State.DRAFT,
    }
    sla = selectors.sla_of(dossier) if dossier.is_open else None
    return {
        "dossier": dossier,
        "sla": sla,
        "sla_badge": SLA_BADGES.get(sla, ""),
        "state_badge": STATE_BADGES.get(dossier.state, "badge-info"),
        "submitted_files": [f for f in files if f.kind in (DossierFile.Kind.DOCUMENT, DossierFile.Kind.SUPPLEMENT)],
        "issued_files": [f for f in files if f.kind in DossierFile.ISSUED_KINDS and f.kind != DossierFile.Kind.RESULT],
        "apologies": list(dossier.apologies.all()),
        "steps": list(dossier.steps.all()),
        "history": _history(dossier, with_reasons=True),
        "form_rows": form_rows(dossier),
        "thread": list(dossier.messages.all()),
        "rating": rating,
        "can": can,
        "result_waiting_at_counter": dossier.state == Dossier.State.RELEASED and not result_online(dossier),
        "supplement_items": (dossier.supplement_request or {}).get("items") or [],
        "supplement_note": (dossier.supplement_request or {}).get("note") or "",
        "message_form": forms.get("message_form") or MessageForm(),
        "supplement_form": forms.get("supplement_form") or SupplementForm(documents=documents),
        "rating_form": forms.get("rating_form") or RatingForm(),
    }


def _load(request: HttpRequest, pk: int) -> Dossier:
    """The applicant's own dossier or 404 (ids out of range included)."""
    if not 0 < pk <= MAX_ID:
        raise Http404
    return selectors.dossier_for_applicant(request.user, pk)


@login_required
@require_http_methods(["GET", "HEAD"])
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One of the applicant's dossiers: where it stands, its files and letters, history, messages, actions."""
    dossier = _load(request, pk)
    if dossier.state == Dossier.State.DRAFT:
        return redirect(reverse("procedures:apply", args=[dossier.procedure.code]) + f"?draft={dossier.pk}")
    return render(request, "dossiers/detail.html", _detail_context(request, dossier))


def _invalid(request: HttpRequest, dossier: Dossier, **forms: Any) -> HttpResponse:
    return render(request, "dossiers/detail.html", _detail_context(request, dossier, **forms))


def _back(dossier: Dossier, anchor: str = "") -> HttpResponse:
    return redirect(reverse("dossiers:detail", args=[dossier.pk]) + (f"#{anchor}" if anchor else ""))


def _refused(request: HttpRequest, dossier: Dossier, error: Exception) -> HttpResponse:
    """A service said no (wrong state, not allowed): say why on the dossier page."""
    text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
    messages.error(request, text or _("Không thực hiện được thao tác này."))
    return _back(dossier)


@login_required
@require_POST
def message_post(request: HttpRequest, pk: int) -> HttpResponse:
    """Send a message to the agency about the dossier."""
    dossier = _load(request, pk)
    if dossier.state == Dossier.State.DRAFT:
        raise Http404
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            services.dossier_message_post(actor=request.user, dossier=dossier, body=form.cleaned_data["body"])
        except ValidationError as error:
            add_service_errors(error, form)
        except PermissionDenied as error:
            return _refused(request, dossier, error)
        else:
            messages.success(request, _("Đã gửi tin nhắn tới cơ quan."))
            return _back(dossier, "trao-doi")
    return _invalid(request, dossier, message_form=form)


@login_required
@require_POST
def supplement(request: HttpRequest, pk: int) -> HttpResponse:
    """Bổ sung hồ sơ: upload what the agency asked for; the deadline clock runs again."""
    dossier = _load(request, pk)
    form = SupplementForm(request.POST, request.FILES, documents=list(dossier.procedure.documents.all()))
    if form.is_valid():
        try:
            services.dossier_supplement(
                actor=request.user, dossier=dossier, files=form.files_by_document(), note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            if getattr(error, "code", None) == "invalid_transition":
                return _refused(request, dossier, error)
            add_service_errors(error, form)
        except PermissionDenied as error:
            return _refused(request, dossier, error)
        else:
            messages.success(request, _("Đã gửi giấy tờ bổ sung. Cơ quan sẽ tiếp tục giải quyết hồ sơ."))
            return _back(dossier)
    return _invalid(request, dossier, supplement_form=form)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Rút hồ sơ: a confirmation page with the reason, then the withdrawal."""
    dossier = _load(request, pk)
    if not dossier_workflow.may(request.user, dossier, "withdraw"):
        messages.error(request, _("Hồ sơ ở trạng thái này không thể rút."))
        return _back(dossier)
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.dossier_withdraw(actor=request.user, dossier=dossier, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            if getattr(error, "code", None) == "invalid_transition":
                return _refused(request, dossier, error)
            add_service_errors(error, form)
        except PermissionDenied as error:
            return _refused(request, dossier, error)
        else:
            messages.success(request, _("Đã rút hồ sơ {code}.").format(code=dossier.receipt_code))
            return _back(dossier)
    return render(request, "dossiers/withdraw.html", {"dossier": dossier, "form": form})


@login_required
@require_POST
def rate(request: HttpRequest, pk: int) -> HttpResponse:
    """Đánh giá mức độ hài lòng, once, after the result is returned."""
    dossier = _load(request, pk)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            services.dossier_rate(
                actor=request.user,
                dossier=dossier,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            if getattr(error, "code", None) in ("invalid_transition", "already_rated"):
                return _refused(request, dossier, error)
            add_service_errors(error, form)
        except PermissionDenied as error:
            return _refused(request, dossier, error)
        else:
            messages.success(request, _("Cảm ơn ông/bà đã đánh giá."))
            return _back(dossier, "danh-gia")
    return _invalid(request, dossier, rating_form=form)


# --- files ---------------------------------------------------------------------------------------------


def _stream(dossier_file: DossierFile) -> FileResponse:
    """The stored file as an attachment under its safe display name; never rendered inline."""
    try:
        handle = dossier_file.file.open("rb")
    except (FileNotFoundError, OSError, ValueError):
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=dossier_file.original_name or "tep-dinh-kem",
        content_type=dossier_file.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@account_required
@require_http_methods(["GET", "HEAD"])
def file_download(request: HttpRequest, pk: int) -> HttpResponse:
    """A file of a dossier for its applicant, or for staff who may see the dossier (audited); 404 otherwise.

    The applicant gets the result only through ``dossiers:result``, which records the online return.
    """
    dossier_file = selectors.file_for(request.user, pk)
    return _stream(dossier_file)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def result(request: HttpRequest, pk: int) -> HttpResponse:
    """Download the result; the applicant's first download (a POST) is the online return of the result."""
    dossier = _load(request, pk)
    if dossier.state == Dossier.State.RELEASED:
        if request.method != "POST":
            return _back(dossier)
        if not result_online(dossier):
            messages.error(request, _("Kết quả của hồ sơ này được trả tại bộ phận một cửa."))
            return _back(dossier)
    try:
        result_file = services.result_file(actor=request.user, dossier=dossier)
    except (ValidationError, PermissionDenied) as error:
        return _refused(request, dossier, error)
    return _stream(result_file)


@login_required
@require_http_methods(["GET", "HEAD"])
def slip(request: HttpRequest, pk: int) -> HttpResponse:
    """The receipt and appointment slip (giấy tiếp nhận, mẫu 01) as PDF, once the dossier is accepted."""
    dossier = _load(request, pk)
    slip_file = dossier.files.filter(kind=DossierFile.Kind.SLIP).order_by("-created_at", "-id").first()
    if slip_file is None:
        raise Http404
    return _stream(slip_file)


# --- drafts ---------------------------------------------------------------------------------------------


@require_POST
def draft_autosave(request: HttpRequest, code: str) -> HttpResponse:
    """htmx: save the application form as typed into the applicant's draft; answers a status line.

    Signed out (an expired session), it answers 204: htmx leaves the page alone rather than swapping the
    login page into the status line; the next real submission asks to sign in.
    """
    if not request.user.is_authenticated:
        return HttpResponse(status=204)
    procedure = procedure_get(code)
    if not is_applicant_account(request.user):
        raise PermissionDenied
    try:
        draft = draft_save(request, procedure)
    except (ValidationError, PermissionDenied):
        return render(request, "dossiers/_autosave_status.html", {"draft": None})
    return render(request, "dossiers/_autosave_status.html", {"draft": draft, "saved_at": timezone.now()})


# --- public: tracking and verification --------------------------------------------------------------------


def initials(name: str) -> str:
    """``Nguyễn Thị Công Dân`` → ``N. T. C. D.``: who it is, without the name."""
    return " ".join(f"{word[0]}." for word in (name or "").split() if word[0].isalpha())


def masked_name(name: str) -> str:
    """``Nguyễn Thị Lan`` → ``Nguyễn T** L**``: the family name and the initials of the rest."""
    words = (name or "").split()
    if not words:
        return ""
    return " ".join([words[0], *(word[0] + "*" * (len(word) - 1) for word in words[1:])])


@require_http_methods(["GET", "HEAD"])
def track(request: HttpRequest) -> HttpResponse:
    """Tra cứu hồ sơ, no login: receipt code + last 4 digits of the phone; one neutral answer for any mismatch."""
    searched = "last4" in request.GET
    form = TrackForm(request.GET if searched else None, initial={"code": request.GET.get("code", "")[:60]})
    context: dict[str, Any] = {"form": form, "searched": searched}
    if searched and form.is_valid():
        dossier = selectors.dossier_track(form.cleaned_data["code"], form.cleaned_data["last4"])
        context["dossier"] = dossier
        if dossier is not None:
            context.update(
                applicant_initials=initials(dossier.applicant_name),
                history=_history(dossier, with_reasons=False),
                apologies=list(dossier.apologies.all()),
                state_badge=STATE_BADGES.get(dossier.state, "badge-info"),
            )
    response = render(request, "dossiers/track.html", context)
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_http_methods(["GET", "HEAD"])
def verify(request: HttpRequest, token: str) -> HttpResponse:
    """Xác thực kết quả (the QR code on a result): was this result really issued, and by whom."""
    dossier = selectors.dossier_by_result_token(token)
    if dossier is None:
        return render(request, "dossiers/verify.html", {"dossier": None}, status=404)
    result_file = dossier.files.filter(kind=DossierFile.Kind.RESULT).order_by("-created_at", "-id").first()
    context = {"dossier": dossier, "result_file": result_file, "applicant": masked_name(dossier.applicant_name)}
    response = render(request, "dossiers/verify.html", context)
    response["Referrer-Policy"] = "no-referrer"
    return response
