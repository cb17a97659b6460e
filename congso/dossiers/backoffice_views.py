"""Back office for dossiers (mounted at /backoffice/dossiers/): the queue, its export, one dossier and
the staff actions on it, and the walk-in intake at the counter.

Every page is for staff who passed the second factor (``staff_required``).
A dossier the user may not see is "not found" (404); an action the user's
role does not allow is refused with a 403 page that says why. Each action is
one service call; its ``ValidationError`` becomes form errors, and a
successful POST redirects (post/redirect/get).
"""

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from congso.accounts.decorators import staff_required
from congso.agencies.models import Agency, Membership
from congso.agencies.permissions import agencies_for, has_agency_role, has_city_role, is_platform_admin
from congso.core.cases import SlaStatus
from congso.core.services import audit_record
from congso.dossiers import backoffice_forms as bf
from congso.dossiers import exports, selectors, services
from congso.dossiers.models import Dossier, DossierFile
from congso.dossiers.workflow import TRANSITIONS, dossier_workflow
from congso.procedures import form_schema
from congso.procedures.models import Procedure

PAGE_SIZE = 25
Role = Membership.Role
State = Dossier.State


# --- queue ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tab:
    key: str
    label: str | Promise
    state: str
    mine: bool = False

    def q(self, user) -> Q:
        """The same narrowing as ``QueueFilter(state=…, assigned_to_me=…)``, for counting all tabs at once."""
        states = selectors.QUEUE_STATES.get(self.state)
        condition = Q(state__in=states) if states else Q()
        if self.mine:
            condition &= Q(assignee=user)
        return condition


TABS = [
    Tab("reception", gettext_lazy("Chờ tiếp nhận"), "reception"),
    Tab("mine", gettext_lazy("Được giao cho tôi"), "open", mine=True),
    Tab("processing", gettext_lazy("Đang xử lý"), "processing"),
    Tab("approval", gettext_lazy("Chờ phê duyệt"), "approval"),
    Tab("waiting", gettext_lazy("Chờ bổ sung"), "waiting"),
    Tab("release", gettext_lazy("Chờ trả kết quả"), "release"),
    Tab("open", gettext_lazy("Tất cả hồ sơ đang giải quyết"), "open"),
    Tab("all", gettext_lazy("Tất cả"), ""),
]
TABS_BY_KEY = {tab.key: tab for tab in TABS}
DEFAULT_TAB_BY_ROLE = [(Role.DESK_OFFICER, "reception"), (Role.SPECIALIST, "mine"), (Role.LEADER, "approval")]

SLA_STYLE = {
    SlaStatus.LATE: "late",
    SlaStatus.DUE_SOON: "due-soon",
    SlaStatus.ON_TIME: "on-time",
    SlaStatus.PAUSED: "paused",
}


def _default_tab(roles: set[str]) -> str:
    for role, key in DEFAULT_TAB_BY_ROLE:
        if role in roles:
            return key
    return "open"


def _roles(user) -> set[str]:
    """The agency roles the user holds anywhere (one query)."""
    return set(Membership.objects.filter(user=user).values_list("role", flat=True))


def _filter_agencies(user) -> list[Agency]:
    """The agencies a user may narrow the queue to: theirs, or all for a city-wide reader."""
    agencies = Agency.objects.all() if has_city_role(user, *selectors.CITY_READERS) else agencies_for(user)
    return list(agencies.only("pk", "code", "name").order_by("code"))


def _filter_procedures(user) -> list[Procedure]:
    visible = selectors.dossiers_visible_to(user).values("procedure_id")
    return list(Procedure.objects.filter(pk__in=visible).only("pk", "code", "name").order_by("code"))


@dataclass
class Queue:
    form: bf.QueueFilterForm
    tab: Tab
    base: selectors.QueueFilter
    filters: dict[str, Any] = field(default_factory=dict)

    @property
    def current(self) -> selectors.QueueFilter:
        return replace(self.base, state=self.tab.state, assigned_to_me=self.tab.mine)


def _queue(request: HttpRequest, roles: set[str]) -> Queue:
    user = request.user
    form = bf.QueueFilterForm(request.GET or None, agencies=_filter_agencies(user), procedures=_filter_procedures(user))
    values = form.values()
    tab = TABS_BY_KEY.get(values.get("tab") or "") or TABS_BY_KEY[_default_tab(roles)]
    start, end = values.get("submitted_from"), values.get("submitted_to")
    base = selectors.QueueFilter(
        agency_id=values.get("agency"),
        procedure_id=values.get("procedure"),
        channel=values.get("channel", ""),
        sla=values.get("sla", ""),
        q=values.get("q", ""),
        submitted_from=bf.local_start(start) if start else None,
        submitted_to=bf.local_start(end + timedelta(days=1)) if end else None,
    )
    filters = {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items() if k != "tab"}
    return Queue(form=form, tab=tab, base=base, filters=filters)


def _sla(dossier: Dossier, at) -> tuple[str, str]:
    """The deadline label and the style of a dossier's row: text as well as colour."""
    status = selectors.sla_of(dossier, at=at)
    if status is None:
        return _("Chưa tính hạn"), "none"
    return str(status.label), SLA_STYLE[status]


@staff_required
@require_safe
def queue(request: HttpRequest) -> HttpResponse:
    """Danh sách hồ sơ: the dossiers this staff member sees, by tab, filtered, the nearest deadline first."""
    user = request.user
    roles = _roles(user)
    current = _queue(request, roles)
    counts = selectors.dossier_queue(user, current.base).aggregate(
        **{tab.key: Count("pk", filter=tab.q(user)) for tab in TABS}
    )
    page_obj = Paginator(selectors.dossier_queue(user, current.current), PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    for dossier in page_obj.object_list:
        dossier.sla_label, dossier.sla_style = _sla(dossier, now)
    context = {
        "form": current.form,
        "tab": current.tab,
        "tabs": [(tab, counts[tab.key]) for tab in TABS],
        "page_obj": page_obj,
        "filtered": bool(current.filters),
        "show_agency": len(current.form.fields["agency"].choices) > 2,
        "can_intake": Role.DESK_OFFICER in roles or is_platform_admin(user),
        "export_max": f"{exports.EXPORT_MAX_ROWS:,}".replace(",", "."),
    }
    template = "dossiers/backoffice/_queue_results.html" if request.htmx else "dossiers/backoffice/queue.html"
    return render(request, template, context)


def _export(request: HttpRequest, kind: str) -> HttpResponse:
    user = request.user
    current = _queue(request, _roles(user))
    dossiers = selectors.dossier_queue(user, current.current)
    count = dossiers.count()
    audit_record(
        actor=user,
        action="dossiers.export",
        data={
            "format": kind,
            "tab": current.tab.key,
            "filters": current.filters,
            "count": min(count, exports.EXPORT_MAX_ROWS),
            "truncated": count > exports.EXPORT_MAX_ROWS,
        },
    )
    filename = f"ho-so-{timezone.localtime():%Y%m%d-%H%M}.{kind}"
    if kind == "csv":
        return exports.csv_response(dossiers, filename=filename)
    return exports.xlsx_response(dossiers, filename=filename)


@staff_required
@require_safe
def export_csv(request: HttpRequest) -> HttpResponse:
    """The current queue (tab and filters) as CSV; the export is audited."""
    return _export(request, "csv")


@staff_required
@require_safe
def export_xlsx(request: HttpRequest) -> HttpResponse:
    """The current queue (tab and filters) as an Excel workbook; the export is audited."""
    return _export(request, "xlsx")


# --- one dossier ----------------------------------------------------------------------------------------


def _visible(request: HttpRequest, pk: int, *, audited: bool) -> Dossier:
    """The dossier if this staff member may see it, else 404; reads of the page are audited."""
    if audited:
        return selectors.dossier_for_staff(request.user, pk)
    dossier = (
        selectors.dossiers_visible_to(request.user)
        .select_related("procedure", "agency", "received_by", "applicant", "assignee")
        .filter(pk=pk)
        .first()
    )
    if dossier is None:
        raise Http404
    return dossier


def _forbidden(request: HttpRequest, message: str, dossier: Dossier | None = None) -> HttpResponse:
    return render(
        request,
        "dossiers/backoffice/forbidden.html",
        {"message": message or _("Bạn không có quyền thực hiện thao tác này."), "dossier": dossier},
        status=403,
    )


def can_message(user, dossier: Dossier) -> bool:
    """Staff of the handling or the receiving agency write to the applicant; city-wide readers only read."""
    return has_agency_role(user, dossier.agency_id) or has_agency_role(user, dossier.received_by_id)


def _display(spec: dict, value: Any) -> str:
    if value is None or value == "":
        return "—"
    kind = spec.get("type")
    if kind == "checkbox":
        return _("Có") if value else _("Không")
    if kind in form_schema.CHOICE_TYPES and isinstance(spec.get("choices"), list):
        labels = {str(c[0]): c[1] for c in spec["choices"] if isinstance(c, list | tuple) and len(c) == 2}
        return str(labels.get(str(value), value))
    if kind == "date":
        try:
            return date.fromisoformat(str(value)).strftime("%d/%m/%Y")
        except ValueError:
            return str(value)
    return str(value)


def form_rows(dossier: Dossier) -> list[tuple[str, str]]:
    """The declared values as (label, shown value), in the order of the procedure's form; extra keys last."""
    data = dossier.form_data if isinstance(dossier.form_data, dict) else {}
    schema = [s for s in dossier.procedure.form_schema if isinstance(s, dict) and s.get("name")]
    rows = [(str(s.get("label") or s["name"]), _display(s, data.get(s["name"]))) for s in schema]
    known = {s["name"] for s in schema}
    rows += [(str(name), _display({}, value)) for name, value in data.items() if name not in known]
    return rows


ACTION_LABELS = {t.name: t.label for t in TRANSITIONS}
ROLE_LABELS = dict(Role.choices)
STATE_LABELS = dict(State.choices)


@dataclass(frozen=True)
class Action:
    """A staff action: its form, the service call, the message once done, where service errors go."""

    name: str
    form_class: type[bf.ActionForm]
    perform: Callable[[Any, Dossier, Any], None]
    done: str | Promise
    errors_to: dict[str, str] = field(default_factory=dict)
    button: str = "btn-primary"

    @property
    def label(self) -> str:
        return str(ACTION_LABELS.get(self.name, _("Gửi tin nhắn")))


def _assignee(form) -> Any:
    return form.cleaned_data.get("assignee")


ACTIONS = {
    action.name: action
    for action in [
        Action(
            "accept",
            bf.AcceptForm,
            lambda user, d, f: services.dossier_accept(actor=user, dossier=d, assignee=_assignee(f)),
            gettext_lazy("Đã tiếp nhận hồ sơ {code}. Giấy tiếp nhận và hẹn trả kết quả đã sẵn sàng để in."),
        ),
        Action(
            "request_supplement",
            bf.RequestSupplementForm,
            lambda user, d, f: services.dossier_request_supplement(
                actor=user, dossier=d, items=f.cleaned_data["items"], note=f.cleaned_data.get("note", "")
            ),
            gettext_lazy("Đã gửi yêu cầu bổ sung hồ sơ {code}. Thời hạn giải quyết tạm dừng."),
            {"items": "documents", "reason": "other"},
            "btn-secondary",
        ),
        Action(
            "supplement",
            bf.SupplementForm,
            lambda user, d, f: services.dossier_supplement(
                actor=user, dossier=d, files=f.uploaded(), note=f.cleaned_data.get("note", "")
            ),
            gettext_lazy("Đã nhận giấy tờ bổ sung của hồ sơ {code}. Thời hạn giải quyết tiếp tục."),
            {"files": "note"},
        ),
        Action(
            "refuse",
            bf.RefuseForm,
            lambda user, d, f: services.dossier_refuse(actor=user, dossier=d, reason=f.cleaned_data["reason"]),
            gettext_lazy("Đã từ chối tiếp nhận hồ sơ {code}."),
            button="btn-secondary",
        ),
        Action(
            "assign",
            bf.AssignForm,
            lambda user, d, f: services.dossier_assign(actor=user, dossier=d, assignee=_assignee(f)),
            gettext_lazy("Đã phân công xử lý hồ sơ {code}."),
        ),
        Action(
            "complete_step",
            bf.CompleteStepForm,
            lambda user, d, f: services.dossier_complete_step(actor=user, dossier=d, note=f.cleaned_data["note"]),
            gettext_lazy("Đã hoàn thành bước xử lý của hồ sơ {code}."),
        ),
        Action(
            "approve",
            bf.ApproveForm,
            lambda user, d, f: services.dossier_approve(actor=user, dossier=d, note=f.cleaned_data["note"]),
            gettext_lazy("Đã phê duyệt hồ sơ {code}. Kết quả đã được phát hành."),
        ),
        Action(
            "send_back",
            bf.SendBackForm,
            lambda user, d, f: services.dossier_send_back(actor=user, dossier=d, reason=f.cleaned_data["reason"]),
            gettext_lazy("Đã trả lại hồ sơ {code} để xử lý lại."),
            button="btn-secondary",
        ),
        Action(
            "transfer",
            bf.TransferForm,
            lambda user, d, f: services.dossier_transfer(
                actor=user, dossier=d, to_agency=f.cleaned_data["to_agency"], reason=f.cleaned_data["reason"]
            ),
            gettext_lazy("Đã chuyển liên thông hồ sơ {code}."),
            button="btn-secondary",
        ),
        Action(
            "receive_transfer",
            bf.ReceiveTransferForm,
            lambda user, d, f: services.dossier_receive_transfer(actor=user, dossier=d, assignee=_assignee(f)),
            gettext_lazy("Đã nhận hồ sơ liên thông {code}."),
        ),
        Action(
            "return_result",
            bf.ReturnForm,
            lambda user, d, f: services.dossier_return(actor=user, dossier=d, method=Dossier.ReturnMethod.COUNTER),
            gettext_lazy("Đã trả kết quả hồ sơ {code} tại quầy."),
        ),
        Action(
            "withdraw",
            bf.WithdrawForm,
            lambda user, d, f: services.dossier_withdraw(actor=user, dossier=d, reason=f.cleaned_data["reason"]),
            gettext_lazy("Đã rút hồ sơ {code} theo đề nghị của người nộp."),
            button="btn-secondary",
        ),
        Action(
            "stop",
            bf.StopForm,
            lambda user, d, f: services.dossier_stop(actor=user, dossier=d, reason=f.cleaned_data["reason"]),
            gettext_lazy("Đã dừng xử lý hồ sơ {code}."),
            button="btn-secondary",
        ),
        Action(
            "apologise",
            bf.ApologiseForm,
            lambda user, d, f: services.dossier_apologise(
                actor=user, dossier=d, reason=f.cleaned_data["reason"], new_appointment_at=f.new_appointment_at()
            ),
            gettext_lazy("Đã phát hành thư xin lỗi và hẹn lại ngày trả kết quả hồ sơ {code}."),
            {"new_appointment_at": "new_appointment"},
            "btn-secondary",
        ),
        Action(
            "record_payment",
            bf.RecordPaymentForm,
            lambda user, d, f: services.dossier_record_payment(
                actor=user, dossier=d, reference=f.cleaned_data["reference"]
            ),
            gettext_lazy("Đã ghi nhận nộp phí, lệ phí của hồ sơ {code}."),
        ),
    ]
}
MESSAGE = Action(
    "message",
    bf.MessageForm,
    lambda user, d, f: services.dossier_message_post(actor=user, dossier=d, body=f.cleaned_data["body"]),
    gettext_lazy("Đã gửi tin nhắn tới người nộp hồ sơ {code}."),
)


def _shown(action: Action, dossier: Dossier) -> bool:
    """Hide an action that the workflow allows but that has nothing to do (a fee already paid)."""
    if action.name == "record_payment":
        return dossier.payment_status == Dossier.Payment.UNPAID
    return True


def available_actions(user, dossier: Dossier) -> list[Action]:
    """The actions of ``dossier_workflow.available`` that have a back-office form, in workflow order."""
    return [
        ACTIONS[t.name]
        for t in dossier_workflow.available(dossier, user)
        if t.name in ACTIONS and _shown(ACTIONS[t.name], dossier)
    ]


def _copy_errors(forms: list, error: ValidationError, errors_to: dict[str, str]) -> None:
    """Put a service's errors on the form field they are about, or on top of the first form."""
    if not hasattr(error, "error_dict"):
        forms[0].add_error(None, error)
        return
    for key, errors in error.error_dict.items():
        name = errors_to.get(key, key)
        target = next((form for form in forms if name in form.fields), None)
        if target is None:
            forms[0].add_error(None, errors)
        else:
            target.add_error(name, errors)


@staff_required
@require_safe
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Chi tiết hồ sơ: everything about one dossier and the forms of the actions the user may take now."""
    user = request.user
    dossier = _visible(request, pk, audited=True)
    files = list(dossier.files.select_related("document").order_by("created_at", "id"))
    events = list(dossier.events.order_by("seq"))
    for event in events:
        event.label = ACTION_LABELS.get(event.action, event.action)
        event.from_label = STATE_LABELS.get(event.from_state, "")
        event.to_label = STATE_LABELS.get(event.to_state, event.to_state)
    steps = list(dossier.steps.select_related("agency", "completed_by").order_by("order"))
    for step in steps:
        step.role_label = ROLE_LABELS.get(step.role, step.role)
    sla_label, sla_style = _sla(dossier, timezone.now())
    context = {
        "dossier": dossier,
        "sla_label": sla_label,
        "sla_style": sla_style,
        "form_rows": form_rows(dossier),
        "documents": [f for f in files if f.kind not in DossierFile.ISSUED_KINDS],
        "issued": [f for f in files if f.kind in DossierFile.ISSUED_KINDS],
        "steps": steps,
        "events": events,
        "apologies": list(dossier.apologies.select_related("issued_by")),
        "messages_list": list(dossier.messages.all()),
        "actions": [
            (action, action.form_class(dossier=dossier, auto_id=f"id_{action.name}_%s"))
            for action in available_actions(user, dossier)
        ],
        "message_action": MESSAGE,
        "message_form": (
            bf.MessageForm(dossier=dossier, auto_id="id_message_%s") if can_message(user, dossier) else None
        ),
        "supplement_request": dossier.supplement_request if dossier.state == State.SUPPLEMENT_REQUESTED else None,
    }
    return render(request, "dossiers/backoffice/detail.html", context)


def _action_page(request, dossier, action, form, *, error: str = "", status: int = 200) -> HttpResponse:
    return render(
        request,
        "dossiers/backoffice/action.html",
        {"dossier": dossier, "action": action, "form": form, "error": error},
        status=status,
    )


def _refusal(request: HttpRequest, dossier: Dossier, action: Action) -> HttpResponse | None:
    """Why this user cannot take this action on this dossier now (a 409 page or a 403 page), or None if they can."""
    user = request.user
    if action is MESSAGE:
        if can_message(user, dossier):
            return None
        return _forbidden(request, _("Chỉ cán bộ của cơ quan giải quyết hồ sơ mới trao đổi với người nộp."), dossier)
    transition = dossier_workflow.transition(action.name)
    if dossier.state not in transition.sources:
        message = _("Không thể “{action}” khi hồ sơ đang ở trạng thái “{state}”.").format(
            action=transition.label, state=dossier.get_state_display()
        )
        return _action_page(request, dossier, action, None, error=message, status=409)
    if not dossier_workflow.may(user, dossier, action.name):
        return _forbidden(
            request,
            _(
                "Bạn không có quyền “{action}” đối với hồ sơ này. Thao tác này dành cho vai trò khác của cơ quan."
            ).format(action=transition.label),
            dossier,
        )
    if not _shown(action, dossier):
        message = _("Hồ sơ này không có khoản phí nào chưa nộp.")
        return _action_page(request, dossier, action, None, error=message, status=409)
    return None


def _act(request: HttpRequest, pk: int, action: Action) -> HttpResponse:
    posting = request.method == "POST"
    dossier = _visible(request, pk, audited=not posting)
    refused = _refusal(request, dossier, action)
    if refused is not None:
        return refused
    if not posting:
        return _action_page(request, dossier, action, action.form_class(dossier=dossier))
    form = action.form_class(request.POST, request.FILES, dossier=dossier)
    if form.is_valid():
        try:
            action.perform(request.user, dossier, form)
        except PermissionDenied as error:
            return _forbidden(request, str(error), dossier)
        except ValidationError as error:
            dossier.refresh_from_db()
            _copy_errors([form], error, action.errors_to)
        else:
            messages.success(request, str(action.done).format(code=dossier.receipt_code))
            anchor = "#messages" if action is MESSAGE else ""
            return redirect(reverse("backoffice_dossiers:detail", args=[dossier.pk]) + anchor)
    return _action_page(request, dossier, action, form)


@staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def action(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """One staff action: GET shows its form on a page of its own, POST performs it."""
    spec = ACTIONS.get(name)
    if spec is None:
        raise Http404
    return _act(request, pk, spec)


@staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def message(request: HttpRequest, pk: int) -> HttpResponse:
    """A message to the applicant, sent in the agency's name."""
    return _act(request, pk, MESSAGE)


# --- walk-in intake -------------------------------------------------------------------------------------


def _to_int(value: Any) -> int | None:
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


def _key(contact: bf.IntakeContactForm) -> str | None:
    """The form's idempotency key if it is usable; a tampered one is dropped (the intake is then not deduplicated)."""
    if not contact.is_bound or not contact.is_valid():
        return None
    key = contact.cleaned_data.get("idempotency_key") or ""
    return key if 8 <= len(key) <= services.IDEMPOTENCY_KEY_MAX and key.isprintable() else None


@staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def intake(request: HttpRequest) -> HttpResponse:
    """Tiếp nhận hồ sơ trực tiếp: a desk officer enters a walk-in dossier, accepted at once by default."""
    user = request.user
    desks = list(agencies_for(user, Role.DESK_OFFICER).filter(is_active=True).order_by("code"))
    if not desks:
        return _forbidden(request, _("Chỉ cán bộ một cửa mới nhận hồ sơ tại quầy."))
    posting = request.method == "POST"
    source = request.POST if posting else request.GET
    agency_id = _to_int(source.get("agency")) or (desks[0].pk if len(desks) == 1 else None)
    agency = next((a for a in desks if a.pk == agency_id), None)
    procedures = (
        list(agency.procedures.filter(is_published=True).only("pk", "code", "name").order_by("code")) if agency else []
    )
    chosen = "agency" in source or "procedure" in source
    data = source.copy()
    if len(desks) == 1:
        data["agency"] = str(desks[0].pk)
    choice = bf.IntakeChoiceForm(data if chosen else None, agencies=desks, procedures=procedures)
    if chosen and choice.is_valid() and not choice.cleaned_data.get("procedure") and "procedure" in source:
        choice.add_error("procedure", _("Vui lòng chọn thủ tục."))
    if not chosen or not choice.is_valid() or not choice.cleaned_data.get("procedure"):
        return render(
            request,
            "dossiers/backoffice/intake_choose.html",
            {"choice": choice, "agency": agency, "procedures": procedures},
        )
    procedure = next(p for p in procedures if p.pk == choice.cleaned_data["procedure"])
    procedure = Procedure.objects.prefetch_related("documents").get(pk=procedure.pk)
    try:
        values_form = form_schema.build_form(procedure.form_schema, data=request.POST if posting else None)
    except ValidationError:
        return render(
            request,
            "dossiers/backoffice/intake_choose.html",
            {
                "choice": choice,
                "agency": agency,
                "procedures": procedures,
                "unavailable": _("Mẫu đơn của thủ tục này đang được cập nhật. Vui lòng chọn thủ tục khác."),
            },
        )
    values_form.prefix = "tk"
    contact = bf.IntakeContactForm(request.POST if posting else None)
    documents = bf.IntakeDocumentsForm(
        request.POST if posting else None, request.FILES if posting else None, procedure=procedure
    )
    forms = [contact, values_form, documents]
    if posting and all(form.is_valid() for form in forms):
        data = contact.cleaned_data
        try:
            dossier = services.dossier_intake(
                officer=user,
                agency=agency,
                procedure=procedure,
                data=form_schema.cleaned_values(procedure.form_schema, values_form.cleaned_data),
                files=documents.files_by_document(),
                contact=services.Contact(
                    name=data["applicant_name"],
                    phone=data["applicant_phone"],
                    id_number=data["applicant_id_number"],
                    email=data["applicant_email"],
                    address=data["applicant_address"],
                ),
                accept=data["accept"],
                idempotency_key=_key(contact),
            )
        except PermissionDenied as error:
            return _forbidden(request, str(error))
        except ValidationError as error:
            _copy_errors(forms, error, {"idempotency_key": "", "procedure": "", "agency": ""})
        else:
            if dossier.accepted_at:
                done = _("Đã tiếp nhận hồ sơ {code}. In giấy tiếp nhận và hẹn trả kết quả cho người nộp.")
            else:
                done = _("Đã nhận hồ sơ {code}. Hồ sơ đang chờ tiếp nhận.")
            messages.success(request, done.format(code=dossier.receipt_code))
            return redirect("backoffice_dossiers:detail", pk=dossier.pk)
    context = {
        "agency": agency,
        "procedure": procedure,
        "choice": choice,
        "contact": contact,
        "values_form": values_form,
        "documents": documents,
        "field_errors": [form[name] for form in forms for name in form.fields if form[name].errors],
        "top_errors": [error for form in forms for error in form.non_field_errors()],
        "idempotency_key": _key(contact) or secrets.token_urlsafe(18),
        "single_agency": len(desks) == 1,
    }
    return render(request, "dossiers/backoffice/intake.html", context)
