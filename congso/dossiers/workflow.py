"""The dossier workflow: its transitions on the case engine and who may perform each.

Role rules (Decree 118/2025, one-stop shop): the desk officer (cán bộ một cửa)
of the handling agency receives, asks for supplements, refuses, transfers,
takes fees and returns results; a specialist (chuyên viên) of that agency —
the assigned one, if any — processes; a leader (lãnh đạo) approves, sends
back, stops, and signs apology letters. The applicant submits, supplements,
withdraws, receives the result online and rates. The desk officers of the
agency where the dossier was filed keep seeing it and may return its result
at their counter.
"""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from congso.agencies.models import Membership
from congso.agencies.permissions import has_agency_role
from congso.core.cases import CREATE, Actor, Clock, SlaStatus, Transition, Workflow
from congso.dossiers import tracking
from congso.dossiers.models import Dossier, DossierEvent

State = Dossier.State
Role = Membership.Role


def is_applicant(user: Actor, dossier: Dossier) -> bool:
    return bool(user is not None and user.is_authenticated and dossier.applicant_id == user.pk)


def is_desk(user: Actor, dossier: Dossier) -> bool:
    return has_agency_role(user, dossier.agency_id, Role.DESK_OFFICER)


def is_receiving_desk(user: Actor, dossier: Dossier) -> bool:
    return is_desk(user, dossier) or has_agency_role(user, dossier.received_by_id, Role.DESK_OFFICER)


def is_specialist(user: Actor, dossier: Dossier) -> bool:
    """A specialist of the handling agency; once a dossier is assigned, only its assignee."""
    if not has_agency_role(user, dossier.agency_id, Role.SPECIALIST):
        return False
    return dossier.assignee_id is None or dossier.assignee_id == user.pk


def is_leader(user: Actor, dossier: Dossier) -> bool:
    return has_agency_role(user, dossier.agency_id, Role.LEADER)


def _any(*rules):
    def allowed(user: Actor, dossier: Dossier) -> bool:
        return any(rule(user, dossier) for rule in rules)

    return allowed


def _after_supplement(dossier: Dossier) -> str:
    return State.SUBMITTED if dossier.accepted_at is None else State.PROCESSING


def _after_step(dossier: Dossier) -> str:
    """Next is the leader's approval once no specialist step is left; otherwise processing goes on."""
    pending = dossier.steps.filter(completed_at__isnull=True).order_by("order").first()
    return State.AWAITING_APPROVAL if pending is None or pending.role == Role.LEADER else State.PROCESSING


def _same(dossier: Dossier) -> str:
    return dossier.state


def _deadline(dossier: Dossier) -> Decimal:
    return dossier.procedure.deadline_days


def _judge(dossier: Dossier, status: SlaStatus) -> SlaStatus:
    """The national rule: a dossier asked more than once for supplements counts as late."""
    return SlaStatus.LATE if dossier.supplement_count > 1 else status


OPEN = frozenset(Dossier.OPEN_STATES)
IN_PROGRESS = frozenset({State.PROCESSING, State.AWAITING_APPROVAL, State.TRANSFERRED})

TRANSITIONS = [
    Transition("draft", frozenset({CREATE}), State.DRAFT, _("Lưu nháp"), is_applicant),
    Transition("submit", frozenset({CREATE, State.DRAFT}), State.SUBMITTED, _("Nộp hồ sơ"), is_applicant),
    Transition("intake", frozenset({CREATE}), State.SUBMITTED, _("Nhận hồ sơ tại quầy"), is_desk),
    Transition("accept", frozenset({State.SUBMITTED}), State.PROCESSING, _("Tiếp nhận"), is_desk, Clock.START),
    Transition(
        "request_supplement",
        frozenset({State.SUBMITTED, State.PROCESSING}),
        State.SUPPLEMENT_REQUESTED,
        _("Yêu cầu bổ sung"),
        _any(is_desk, is_specialist),
        Clock.PAUSE,
        reason_required=True,
    ),
    Transition(
        "supplement",
        frozenset({State.SUPPLEMENT_REQUESTED}),
        _after_supplement,
        _("Bổ sung hồ sơ"),
        _any(is_applicant, is_desk),
        Clock.RESUME,
    ),
    Transition(
        "refuse",
        frozenset({State.SUBMITTED}),
        State.REFUSED,
        _("Từ chối tiếp nhận"),
        is_desk,
        Clock.STOP,
        reason_required=True,
    ),
    Transition("assign", frozenset({State.PROCESSING}), State.PROCESSING, _("Phân công"), _any(is_desk, is_leader)),
    Transition("complete_step", frozenset({State.PROCESSING}), _after_step, _("Hoàn thành bước xử lý"), is_specialist),
    Transition("approve", frozenset({State.AWAITING_APPROVAL}), State.RELEASED, _("Phê duyệt"), is_leader, Clock.STOP),
    Transition(
        "send_back",
        frozenset({State.AWAITING_APPROVAL}),
        State.PROCESSING,
        _("Trả lại để xử lý lại"),
        is_leader,
        reason_required=True,
    ),
    Transition(
        "transfer",
        frozenset({State.SUBMITTED, State.PROCESSING}),
        State.TRANSFERRED,
        _("Chuyển liên thông"),
        _any(is_desk, is_leader),
        reason_required=True,
    ),
    Transition(
        "receive_transfer",
        frozenset({State.TRANSFERRED}),
        State.PROCESSING,
        _("Nhận hồ sơ liên thông"),
        is_desk,
        Clock.START,
    ),
    Transition(
        "return_result",
        frozenset({State.RELEASED}),
        State.RETURNED,
        _("Trả kết quả"),
        _any(is_applicant, is_receiving_desk),
    ),
    Transition(
        "withdraw",
        frozenset({State.SUBMITTED, State.SUPPLEMENT_REQUESTED, State.PROCESSING, State.TRANSFERRED}),
        State.WITHDRAWN,
        _("Rút hồ sơ"),
        _any(is_applicant, is_desk),
        Clock.STOP,
    ),
    Transition(
        "stop",
        frozenset({State.PROCESSING, State.AWAITING_APPROVAL}),
        State.STOPPED,
        _("Dừng xử lý"),
        is_leader,
        Clock.STOP,
        reason_required=True,
    ),
    Transition("apologise", IN_PROGRESS, _same, _("Gửi thư xin lỗi, hẹn lại"), is_leader, reason_required=True),
    Transition("record_payment", OPEN, _same, _("Ghi nhận nộp phí"), is_receiving_desk),
    Transition("rate", frozenset({State.RETURNED}), State.RETURNED, _("Đánh giá"), is_applicant),
]

dossier_workflow = Workflow(
    name="dossiers",
    event_model=DossierEvent,
    case_field="dossier",
    transitions=TRANSITIONS,
    state_labels=dict(State.choices),
    deadline=_deadline,
    judge=_judge,
    on_change=lambda dossier: tracking.forget(dossier.receipt_code),
)
