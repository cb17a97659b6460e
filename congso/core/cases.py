"""The case engine (cơ chế xử lý vụ việc) shared by dossiers, citizen reports, complaints and directives.

A case type declares a ``Workflow``: its transitions (from which states, to
which state, who may perform them, what they do to the SLA clock). Every
change of state goes through ``Workflow.perform``, which locks the row, checks
the transition and the actor, moves the clock, and writes the new state, an
append-only event and an audit entry in one transaction. Nothing else writes
the ``Case`` fields.

The clock counts office time in working days (``congso.core.calendar``). It
starts when the case is received, stands still while the case waits on the
applicant, can be extended, and stops when the case ends; ``sla_status`` says
at any instant whether a case is on time, due soon, late or paused.
"""

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, nullcontext
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import F, Max, Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from congso.core import calendar
from congso.core.db import insert_new
from congso.core.models import AuditEntry, Case, CaseEvent
from congso.core.services import actor_label, audit_entry, audit_record

Actor = AbstractBaseUser | AnonymousUser | None

CREATE = ""
"""The pseudo-state a case is in before it exists: list it in ``sources`` of the transition that creates a case."""


class TransitionNotAllowed(PermissionDenied):
    """The actor may not perform this transition on this case."""


class InvalidTransition(ValidationError):
    """The transition does not apply to the case in its current state."""


class SlaStatus(models.TextChoices):
    ON_TIME = "on_time", _("Trong hạn")
    DUE_SOON = "due_soon", _("Sắp đến hạn")
    LATE = "late", _("Quá hạn")
    PAUSED = "paused", _("Tạm dừng chờ bổ sung")


class Clock(Enum):
    """What a transition does to the SLA clock."""

    START = "start"
    PAUSE = "pause"
    RESUME = "resume"
    EXTEND = "extend"
    STOP = "stop"


def nobody(user: Actor, case: Case) -> bool:
    """Only the system (``actor=None``) performs this transition."""
    return False


@dataclass(frozen=True)
class Transition:
    """One allowed move: ``sources`` → ``target`` (a state, or a function of the case for a branching move).

    ``allowed(user, case)`` is the role and object rule; the system (``actor=None``) may always act.
    """

    name: str
    sources: frozenset[str]
    target: str | Callable[[Any], str]
    label: str | Promise
    allowed: Callable[[Actor, Any], bool] = nobody
    clock: Clock | None = None
    reason_required: bool = False

    def target_for(self, case: Case) -> str:
        return self.target(case) if callable(self.target) else self.target


CASE_FIELDS = ("state", "state_changed_at", "clock_started_at", "due_at", "clock_paused_at", "clock_ended_at")
CASE_FIELDS += ("paused_days",)


@dataclass
class _Replay:
    """What a ``Workflow.replay`` block holds back until it ends."""

    seqs: dict[int, int] = field(default_factory=dict)  # case pk → seq of its last event
    cases: dict[int, Case] = field(default_factory=dict)  # case pk → case to save at the end
    changed: dict[int, set[str]] = field(default_factory=dict)  # case pk → its fields to save
    events: list[CaseEvent] = field(default_factory=list)
    entries: list[AuditEntry] = field(default_factory=list)


@dataclass
class Workflow:
    """The states and transitions of one case type, bound to its model and its event model.

    ``deadline(case)`` gives the working days allowed once the clock starts;
    ``due_soon_days`` is how close to the deadline a case counts as due soon;
    ``judge(case, status)`` may harden the verdict with a rule of the case type
    (e.g. a dossier asked twice for supplements is late whatever the dates);
    ``on_change(case)`` runs after every transition, inside its transaction
    (e.g. to drop a cached view of the case on commit).
    """

    name: str
    event_model: type[CaseEvent]
    case_field: str
    transitions: Iterable[Transition]
    state_labels: dict[str, str | Promise]
    deadline: Callable[[Any], Decimal] | None = None
    due_soon_days: Decimal = Decimal(1)
    judge: Callable[[Any, SlaStatus], SlaStatus] | None = None
    on_change: Callable[[Any], None] | None = None
    _by_name: dict[str, Transition] = field(init=False, repr=False)
    _replay: ContextVar[_Replay | None] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._by_name = {t.name: t for t in self.transitions}
        self._replay = ContextVar(f"congso.cases.replay.{self.name}", default=None)

    def transition(self, name: str) -> Transition:
        try:
            return self._by_name[name]
        except KeyError:
            raise InvalidTransition(
                _("Thao tác “{name}” không tồn tại.").format(name=name), code="invalid_transition"
            ) from None

    def state_label(self, state: str) -> str:
        return str(self.state_labels.get(state, state))

    def may(self, user: Actor, case: Case, name: str) -> bool:
        """The transition applies to the case's current state and the user may perform it."""
        transition = self._by_name.get(name)
        if transition is None or case.state not in transition.sources:
            return False
        return _is_allowed(transition, user, case)

    def available(self, case: Case, user: Actor) -> list[Transition]:
        """The transitions this user may perform on the case now, in declaration order."""
        return [t for t in self._by_name.values() if case.state in t.sources and _is_allowed(t, user, case)]

    @contextmanager
    def replay(self) -> Iterator[None]:
        """Bulk mode for replaying many transitions at past instants (the demo history, imports).

        Inside the block ``perform`` checks transitions, actors and reasons and
        moves the clock exactly as ever, but it trusts the state of the case
        objects it is given instead of re-reading and locking each row (the
        caller works in this block's transaction, on cases it holds), numbers
        events from memory, and writes each changed case once (its state, its
        clock and the ``changes`` given), and the events and audit entries in
        bulk, when the block ends; ``on_change`` runs then, once per case.
        Until then the database lags behind the objects, and the events
        ``perform`` returns are not saved yet. A case created in the block gets
        the instant of the transition that created it as ``created_at``; audit
        entries keep the instant of their transition as ``data["at"]``. The
        block is all or nothing. Not for requests: only one writer may replay
        a case.
        """
        if self._replay.get() is not None:
            raise RuntimeError("Workflow.replay blocks do not nest")
        pending = _Replay()
        token = self._replay.set(pending)
        try:
            with transaction.atomic():
                yield
                for pk, case in pending.cases.items():
                    case.save(update_fields=pending.changed[pk])
                self.event_model.objects.bulk_create(pending.events, batch_size=500)
                AuditEntry.objects.bulk_create(pending.entries, batch_size=500)
                if self.on_change is not None:
                    for case in pending.cases.values():
                        self.on_change(case)
        finally:
            self._replay.reset(token)

    def perform(
        self,
        case: Case,
        name: str,
        *,
        actor: Actor,
        reason: str = "",
        data: dict[str, Any] | None = None,
        changes: dict[str, Any] | None = None,
        due_at: datetime | None = None,
        at: datetime | None = None,
        with_rows: Callable[[Case], Iterable[models.Model]] | None = None,
    ) -> CaseEvent:
        """Apply transition ``name`` to ``case`` and record it; returns the new event.

        ``changes`` are other fields of the case the service sets in the same
        save (e.g. the assignee); ``due_at`` is the new deadline of an
        extending transition; ``at`` defaults to now (the demo history replays
        the past with it). A case not yet saved is created by a transition
        whose ``sources`` contain ``CREATE``: it is written with its event, its
        audit entry and the rows ``with_rows(case)`` builds once the case has
        its id (its files, say) in one round trip (``congso.core.db.insert_new``).
        """
        if with_rows is not None and case.pk is not None:
            raise ValueError("with_rows is only for the transition that creates the case")
        replay = self._replay.get()
        # Creating is one statement, all or nothing by itself; a replay block is all or nothing already;
        # any other transition gets its own savepoint.
        scope = nullcontext() if replay is not None or case.pk is None else transaction.atomic()
        with scope:
            return self._perform(
                case,
                name,
                actor=actor,
                reason=reason,
                data=data,
                changes=changes,
                due_at=due_at,
                at=at,
                with_rows=with_rows,
            )

    def _perform(
        self,
        case: Case,
        name: str,
        *,
        actor: Actor,
        reason: str,
        data: dict[str, Any] | None,
        changes: dict[str, Any] | None,
        due_at: datetime | None,
        at: datetime | None,
        with_rows: Callable[[Case], Iterable[models.Model]] | None,
    ) -> CaseEvent:
        transition = self.transition(name)
        if actor is not None and not actor.is_authenticated:
            # None is the system; an anonymous visitor may do nothing.
            raise TransitionNotAllowed(_("Vui lòng đăng nhập để “{action}”.").format(action=transition.label))
        at = at or timezone.now()
        replay = self._replay.get()
        creating = case.pk is None
        if creating:
            current = CREATE
        elif replay is not None:
            current = case.state
        else:
            current = self._locked_state(case)
        if current != case.state and not creating:
            case.state = current
        self._ensure(transition, case, actor, current)
        reason = (reason or "").strip()
        if transition.reason_required and not reason:
            raise ValidationError({"reason": ValidationError(_("Vui lòng nêu lý do."), code="required")})
        self._move_clock(case, transition.clock, at=at, due_at=due_at)
        case.state = transition.target_for(case)
        case.state_changed_at = at
        for attribute, value in (changes or {}).items():
            setattr(case, attribute, value)
        audit = {"from": current, "to": case.state, "reason": reason, **(data or {})}

        def event_for(seq: int) -> CaseEvent:
            return self.event_model(
                seq=seq,
                at=at,
                actor=actor,
                actor_label=actor_label(actor) if actor is not None else "",
                action=transition.name,
                from_state=current,
                to_state=case.state,
                reason=reason,
                due_at=case.due_at,
                data=data or {},
                **{self.case_field: case},
            )

        if creating and replay is None:
            event = event_for(1)

            def rows() -> list[models.Model]:
                entry = audit_entry(actor=actor, action=f"{self.name}.{transition.name}", obj=case, data=audit)
                entry.full_clean(exclude=["actor"])
                return [event, entry, *(with_rows(case) if with_rows is not None else ())]

            insert_new(case, rows)
            if self.on_change is not None:
                self.on_change(case)
            return event
        if replay is None:
            case.save()
        else:
            if creating:
                case.save()
            fields = replay.changed.setdefault(case.pk, set(CASE_FIELDS))
            if creating:
                case.created_at = at  # auto_now_add stamped the insert with now; the final save keeps the past
                fields.add("created_at")
            fields.update(changes or {})
            replay.cases[case.pk] = case
        event = event_for(self._seq(case, creating, replay))
        if replay is not None:
            replay.events.append(event)
            entry = audit_entry(
                actor=actor, action=f"{self.name}.{transition.name}", obj=case, data={**audit, "at": at.isoformat()}
            )
            entry.full_clean(exclude=["actor"])
            replay.entries.append(entry)
            return event
        event.save()
        audit_record(actor=actor, action=f"{self.name}.{transition.name}", obj=case, data=audit)
        if self.on_change is not None:
            self.on_change(case)
        return event

    def _seq(self, case: Case, creating: bool, replay: _Replay | None) -> int:
        """The number of the case's next event: from the database, or from memory while replaying."""
        if creating:
            seq = 1
        elif replay is not None and case.pk in replay.seqs:
            seq = replay.seqs[case.pk] + 1
        else:
            seq = self._next_seq(case)
        if replay is not None:
            replay.seqs[case.pk] = seq
        return seq

    def ensure(self, user: Actor, case: Case, name: str) -> None:
        """Raise what ``perform`` would raise for this transition now (before a service does costly work)."""
        self._ensure(self.transition(name), case, user, case.state)

    def _ensure(self, transition: Transition, case: Case, actor: Actor, current: str) -> None:
        if current not in transition.sources:
            raise InvalidTransition(
                _("Không thể “{action}” khi đang ở trạng thái “{state}”.").format(
                    action=transition.label, state=self.state_label(current) if current else _("chưa tạo")
                ),
                code="invalid_transition",
            )
        if not _is_allowed(transition, actor, case):
            raise TransitionNotAllowed(_("Bạn không có quyền “{action}”.").format(action=transition.label))

    def _locked_state(self, case: Case) -> str:
        return type(case).objects.select_for_update().values_list("state", flat=True).get(pk=case.pk)

    def _next_seq(self, case: Case) -> int:
        last = self.event_model.objects.filter(**{self.case_field: case}).aggregate(last=Max("seq"))["last"]
        return (last or 0) + 1

    def _move_clock(self, case: Case, clock: Clock | None, *, at: datetime, due_at: datetime | None) -> None:
        if clock is Clock.START and case.clock_started_at is None:
            case.clock_started_at = calendar.next_working_start(at)
            if self.deadline is not None:
                case.due_at = calendar.add_working_days(case.clock_started_at, self.deadline(case))
        elif clock is Clock.PAUSE and _running(case):
            case.clock_paused_at = at
        elif clock is Clock.RESUME:
            _resume(case, at)
        elif clock is Clock.EXTEND:
            if due_at is None or (case.due_at is not None and due_at <= case.due_at):
                raise ValidationError(
                    {"due_at": ValidationError(_("Hạn mới phải sau hạn hiện tại."), code="due_not_later")}
                )
            case.due_at = due_at
        elif clock is Clock.STOP and case.clock_started_at is not None and case.clock_ended_at is None:
            _resume(case, at)
            case.clock_ended_at = at

    def sla_status(self, case: Case, at: datetime | None = None) -> SlaStatus | None:
        """On time, due soon, late or paused at ``at`` (now by default); None while no deadline runs."""
        status = sla_status(case, at=at, due_soon_days=self.due_soon_days)
        if status is not None and self.judge is not None:
            return self.judge(case, status)
        return status

    def sla_q(self, status: str, at: datetime | None = None) -> Q:
        """A filter for open cases in ``status`` at ``at`` (for queues; same thresholds as ``sla_status``)."""
        at = at or timezone.now()
        open_running = Q(due_at__isnull=False, clock_ended_at__isnull=True, clock_paused_at__isnull=True)
        if status == SlaStatus.PAUSED:
            return Q(clock_paused_at__isnull=False, clock_ended_at__isnull=True)
        if status == SlaStatus.LATE:
            return open_running & Q(due_at__lt=at)
        soon = calendar.add_working_days(at, self.due_soon_days)
        if status == SlaStatus.DUE_SOON:
            return open_running & Q(due_at__gte=at, due_at__lte=soon)
        if status == SlaStatus.ON_TIME:
            return open_running & Q(due_at__gt=soon)
        raise ValueError(status)


def _is_allowed(transition: Transition, user: Actor, case: Case) -> bool:
    if user is None:
        return True
    if not user.is_authenticated or not user.is_active:
        return False
    return bool(transition.allowed(user, case))


def _running(case: Case) -> bool:
    return case.clock_started_at is not None and case.clock_ended_at is None and case.clock_paused_at is None


def _resume(case: Case, at: datetime) -> None:
    """Give back the office time spent waiting on the applicant by pushing the deadline."""
    if case.clock_paused_at is None:
        return
    waited = max(calendar.working_days_between(case.clock_paused_at, at), Decimal(0))
    if case.due_at is not None and waited:
        case.due_at = calendar.add_working_days(case.due_at, waited)
    case.paused_days = (case.paused_days or Decimal(0)) + waited
    case.clock_paused_at = None


def sla_status(case: Case, *, at: datetime | None = None, due_soon_days: Decimal = Decimal(1)) -> SlaStatus | None:
    """The deadline verdict of one case at one instant, from its clock fields only."""
    if case.due_at is None:
        return None
    if case.clock_ended_at is not None:
        return SlaStatus.LATE if case.clock_ended_at > case.due_at else SlaStatus.ON_TIME
    moment = case.clock_paused_at or at or timezone.now()
    if moment > case.due_at:
        return SlaStatus.LATE
    if case.clock_paused_at is not None:
        return SlaStatus.PAUSED
    if calendar.add_working_days(moment, due_soon_days) >= case.due_at:
        return SlaStatus.DUE_SOON
    return SlaStatus.ON_TIME


def ended_late_q() -> Q:
    """Cases whose clock stopped after their deadline."""
    return Q(clock_ended_at__isnull=False, clock_ended_at__gt=F("due_at"))
