"""The demo history (``congso.dossiers.demo``): a year of dossiers played through the case engine.

The catalogue and a small history are loaded once per module inside a
transaction rolled back at the end, so other test modules never see them.
"""

import random
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from io import StringIO
from itertools import pairwise

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from congso.accounts.validators import validate_personal_id, validate_phone
from congso.core.cases import CREATE, SlaStatus
from congso.core.models import AuditEntry, CodeCounter
from congso.core.text import fold
from congso.dossiers import demo
from congso.dossiers.models import Dossier, DossierApology, DossierEvent, DossierFile, DossierRating, DossierStep
from congso.dossiers.workflow import dossier_workflow
from congso.web.demo import accounts, agencies
from congso.web.demo.loader import load_demo

User = get_user_model()
State = Dossier.State
SIZE = 300


@dataclass(frozen=True)
class History:
    summary: demo.HistorySummary
    second: demo.HistorySummary
    counts: dict[str, int]
    counts_after_second: dict[str, int]
    now: datetime


def _counts() -> dict[str, int]:
    return {
        "dossiers": Dossier.objects.count(),
        "events": DossierEvent.objects.count(),
        "audit": AuditEntry.objects.count(),
        "steps": DossierStep.objects.count(),
        "ratings": DossierRating.objects.count(),
        "apologies": DossierApology.objects.count(),
    }


@pytest.fixture(scope="module")
def history(django_db_setup, django_db_blocker) -> Iterator[History]:
    with django_db_blocker.unblock(), transaction.atomic():
        load_demo()
        now = timezone.now()
        summary = demo.generate_history(n=SIZE, seed=1, now=now)
        counts = _counts()
        second = demo.generate_history(n=SIZE, seed=2, now=now)
        yield History(summary, second, counts, _counts(), now)
        transaction.set_rollback(True)


def _events() -> dict[int, list[DossierEvent]]:
    events: dict[int, list[DossierEvent]] = defaultdict(list)
    for event in DossierEvent.objects.order_by("dossier_id", "seq"):
        events[event.dossier_id].append(event)
    return events


def test_the_history_has_the_requested_size_and_a_second_run_adds_nothing(history, db):
    assert history.summary.created == SIZE
    assert history.counts["dossiers"] == SIZE
    assert history.second.skipped
    assert history.second.created == 0
    assert history.counts_after_second == history.counts
    assert AuditEntry.objects.filter(action=demo.MARKER_ACTION).count() == 1


def test_every_dossier_s_events_are_a_path_of_the_workflow(history, db):
    events = _events()
    for dossier in Dossier.objects.all():
        path = events[dossier.pk]
        assert [e.seq for e in path] == list(range(1, len(path) + 1)), dossier.receipt_code
        assert path[0].from_state == CREATE
        assert path[0].action in ("submit", "intake")
        assert path[0].at == dossier.submitted_at == dossier.created_at
        for previous, event in pairwise(path):
            assert event.from_state == previous.to_state, (dossier.receipt_code, previous.action, event.action)
            assert event.at >= previous.at, (dossier.receipt_code, previous.action, event.action)
        for event in path:
            transition = dossier_workflow.transition(event.action)
            assert event.from_state in transition.sources, (dossier.receipt_code, event.action)
            assert event.at <= history.now
        assert path[-1].to_state == dossier.state
        assert dossier.state_changed_at == path[-1].at == dossier.updated_at


def test_every_transition_was_audited_by_the_engine(history, db):
    audited = Counter(
        AuditEntry.objects.filter(action__startswith="dossiers.")
        .exclude(action=demo.MARKER_ACTION)
        .values_list("action", flat=True)
    )
    performed = Counter(f"dossiers.{action}" for action in DossierEvent.objects.values_list("action", flat=True))
    assert audited == performed


def test_receipt_codes_are_unique_well_formed_and_continue_the_live_counter(history, db):
    dossiers = list(Dossier.objects.select_related("received_by"))
    assert len({d.receipt_code for d in dossiers}) == len(dossiers)
    numbers: dict[tuple[int, str], list[int]] = defaultdict(list)
    for dossier in dossiers:
        day = timezone.localtime(dossier.submitted_at).date()
        match = re.fullmatch(rf"{re.escape(dossier.received_by.code)}-{day:%y%m%d}-(\d{{4}})", dossier.receipt_code)
        assert match, dossier.receipt_code
        numbers[(dossier.received_by_id, day.isoformat())].append(int(match.group(1)))
    for (agency_id, day), taken in numbers.items():
        assert sorted(taken) == list(range(1, len(taken) + 1))
        counter = CodeCounter.objects.get(scope=f"receipt:{agency_id}", day=day)
        assert counter.value == len(taken)


def test_a_late_dossier_is_late_by_the_engine_s_clock_and_most_are_on_time(history, db):
    verdicts = Counter()
    for dossier in Dossier.objects.filter(clock_ended_at__isnull=False).exclude(state=State.WITHDRAWN):
        verdict = dossier_workflow.sla_status(dossier)
        verdicts[verdict] += 1
        late_by_dates = dossier.clock_ended_at > dossier.due_at
        assert (verdict == SlaStatus.LATE) == (late_by_dates or dossier.supplement_count > 1)
    judged = verdicts[SlaStatus.ON_TIME] + verdicts[SlaStatus.LATE]
    assert judged > SIZE * 0.8
    assert 0.85 <= verdicts[SlaStatus.ON_TIME] / judged <= 0.98
    assert verdicts[SlaStatus.LATE] > 0


def test_clock_fields_match_the_state(history, db):
    for dossier in Dossier.objects.all():
        started = dossier.clock_started_at is not None
        if dossier.state in (State.RETURNED, State.RELEASED):
            assert started and dossier.clock_ended_at is not None and dossier.result_issued_at is not None
            assert dossier.clock_ended_at == dossier.result_issued_at
        elif dossier.state == State.WITHDRAWN:
            assert (dossier.clock_ended_at is not None) == started
        elif dossier.state == State.REFUSED:
            # Refused at reception: the clock never started, so no SLA applies.
            assert not started and dossier.clock_ended_at is None and dossier.refusal_reason
        else:
            assert dossier.is_open and dossier.clock_ended_at is None, dossier.receipt_code
        if started:
            assert dossier.accepted_at is not None and dossier.clock_started_at >= dossier.accepted_at
            assert dossier.due_at > dossier.clock_started_at
        assert (dossier.clock_paused_at is not None) == (dossier.state == State.SUPPLEMENT_REQUESTED and started)


def test_supplement_requests_pause_the_clock_and_are_counted(history, db):
    events = _events()
    supplemented = 0
    for dossier in Dossier.objects.all():
        path = events[dossier.pk]
        requests = [e for e in path if e.action == "request_supplement"]
        assert dossier.supplement_count == len(requests)
        resumed_while_running = [
            e
            for previous, e in pairwise(path)
            if e.action in ("supplement", "withdraw")
            and previous.action == "request_supplement"
            and previous.from_state == State.PROCESSING
        ]
        if resumed_while_running:
            supplemented += 1
            assert dossier.paused_days > 0, dossier.receipt_code
        elif not any(e.from_state == State.PROCESSING for e in requests):
            assert dossier.paused_days == 0, dossier.receipt_code
    assert supplemented > 0


def test_the_mix_is_realistic(history, db):
    shares = demo.history_shares()
    assert 0.55 <= shares["online"] <= 0.78
    assert 0.04 <= shares["one_supplement"] <= 0.14
    assert shares["refused"] <= 0.05
    assert shares["withdrawn"] <= 0.04
    assert 0.005 <= shares["open"] <= 0.08
    assert 0.28 <= shares["rated_of_returned"] <= 0.52
    assert shares["ratings_4_or_5"] >= 0.75
    assert history.summary.shares == pytest.approx(shares)


def test_submissions_are_mostly_in_office_hours_on_working_days(history, db):
    from congso.core import calendar

    counter = Dossier.objects.filter(channel=Dossier.Channel.COUNTER)
    assert counter.exists()
    for dossier in counter:
        assert calendar.next_working_start(dossier.submitted_at) == dossier.submitted_at, dossier.receipt_code
    online = list(Dossier.objects.filter(channel=Dossier.Channel.ONLINE))
    inside = sum(calendar.next_working_start(d.submitted_at) == d.submitted_at for d in online)
    assert 0.7 <= inside / len(online) < 1


def test_applicants_look_real(history, db):
    for dossier in Dossier.objects.filter(applicant__isnull=True):
        assert len(dossier.applicant_name.split()) >= 3
        assert re.fullmatch(r"09\d{8}", dossier.applicant_phone)
        validate_phone(dossier.applicant_phone)
        validate_personal_id(dossier.applicant_id_number)
        assert dossier.applicant_search == fold(dossier.applicant_name)
        assert dossier.form_data


def test_apologies_ratings_and_steps_go_with_their_events(history, db):
    events = _events()
    apologies = Counter(DossierApology.objects.values_list("dossier_id", flat=True))
    ratings = dict(DossierRating.objects.values_list("dossier_id", "score"))
    for dossier in Dossier.objects.all():
        path = events[dossier.pk]
        assert apologies[dossier.pk] == sum(e.action == "apologise" for e in path)
        rated = [e for e in path if e.action == "rate"]
        assert ratings.get(dossier.pk) == (rated[0].data["score"] if rated else None)
        steps = list(dossier.steps.all())
        if dossier.accepted_at is None:
            assert not steps
        elif dossier.state in (State.RELEASED, State.RETURNED):
            assert steps and all(step.completed_at is not None for step in steps)
            assert dossier.current_step is None
        elif dossier.state in (State.PROCESSING, State.AWAITING_APPROVAL):
            pending = [step for step in steps if step.completed_at is None]
            assert dossier.current_step == pending[0].order, dossier.receipt_code
            assert (pending[0].role == "leader") == (dossier.state == State.AWAITING_APPROVAL)
    apologised = DossierApology.objects.select_related("dossier")
    for apology in apologised:
        assert apology.new_appointment_at > apology.issued_at
        assert apology.dossier.appointment_at >= apology.new_appointment_at


def test_demo_staff_act_where_they_work_and_the_system_elsewhere(history, db):
    staff_events = DossierEvent.objects.filter(actor__isnull=False).select_related("actor", "dossier")
    assert staff_events.exists()
    for event in staff_events:
        assert event.actor.username.startswith("demo.") or event.actor.personal_id == accounts.CITIZEN["personal_id"]
        assert event.actor_label


def test_the_demo_citizen_has_dossiers_including_a_result_to_download_and_an_open_one(history, db):
    citizen = User.objects.get(personal_id=accounts.CITIZEN["personal_id"])
    mine = list(Dossier.objects.filter(applicant=citizen))
    states = Counter(d.state for d in mine)
    assert states[State.RETURNED] >= 2
    released = [d for d in mine if d.state == State.RELEASED]
    assert len(released) == 1
    assert released[0].result_token
    assert released[0].files.filter(kind=DossierFile.Kind.RESULT).exists()
    assert any(d.state in (State.PROCESSING, State.SUPPLEMENT_REQUESTED, State.SUBMITTED) for d in mine)
    for dossier in mine:
        assert dossier.applicant_name == citizen.full_name
        assert dossier.events.filter(actor=citizen).exists()


def test_load_demo_reports_an_existing_history_and_can_skip_it(history, db):
    out = StringIO()
    call_command("load_demo", "--force", "--history", "10", stdout=out)
    assert "Hồ sơ lịch sử: đã có, không tạo thêm." in out.getvalue()
    out = StringIO()
    call_command("load_demo", "--force", "--no-history", stdout=out)
    assert "Hồ sơ lịch sử" not in out.getvalue()
    assert Dossier.objects.count() == SIZE


def _played(player: "demo._Player", plan: "demo._Plan", *, replay: bool) -> tuple[dict, list, list]:
    with dossier_workflow.replay() if replay else transaction.atomic():
        dossier = player.play(plan)
    player.flush()
    dossier.refresh_from_db()
    fields = ("state", "state_changed_at", "clock_started_at", "due_at", "clock_paused_at", "clock_ended_at")
    fields += ("paused_days", "created_at", "appointment_at", "supplement_count", "accepted_at", "returned_at")
    events = [
        (e.seq, e.action, e.from_state, e.to_state, e.at, e.due_at, e.actor_id, e.reason, e.data)
        for e in dossier.events.order_by("seq")
    ]
    audit = [
        (entry.action, entry.actor_id, {k: v for k, v in entry.data.items() if k != "at"})
        for entry in AuditEntry.objects.filter(object_type="dossiers.dossier", object_id=str(dossier.pk)).order_by("id")
    ]
    return {name: getattr(dossier, name) for name in fields}, events, audit


def test_the_engine_s_replay_mode_writes_what_plain_performs_write(history, db):
    # Given one dossier's life with every kind of move, planned twice from the same seed
    procedure = next(p for p in demo._catalogue() if p.procedure.code == "1.004884")  # 5 days, at the demo ward
    agency = next(a for a in procedure.agencies if a.code == agencies.BEN_THANH)
    outcome = {"supplements": 1, "late": True, "apology": True, "send_back": True, "rated": True}
    plans = []
    for _ in range(2):
        rng = random.Random(7)
        clock = demo._Clock(rng, history.now, 60)
        planner = demo._Planner(rng, clock, demo._People(rng, history.now.date()), demo._places())
        draw = demo._Draw(procedure, agency, True, clock.working_days_back(30, 9 * 60))
        plans.append(planner.plan(draw, outcome=demo._Outcome(**outcome)))
    player = demo._Player(history.now, demo._staff_by_agency())
    # When it is played once transition by transition and once in replay mode
    plain = _played(player, plans[0], replay=False)
    replayed = _played(player, plans[1], replay=True)
    # Then the dossier, its events and its audit entries are the same
    assert replayed == plain
    actions = [event[1] for event in plain[1]]
    assert {"request_supplement", "supplement", "send_back", "apologise", "approve", "rate"} <= set(actions)
    assert {event[6] for event in plain[1]} - {None}  # the demo staff of the ward acted
