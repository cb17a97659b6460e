"""The case engine's clock rules, as properties over arbitrary instants (no case type needed)."""

import zoneinfo
from datetime import datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from congso.core import calendar
from congso.core.cases import SlaStatus, _resume, sla_status

pytestmark = pytest.mark.django_db  # the calendar reads the city overrides

HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
instants = st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 1), timezones=st.just(HCM))
durations = st.decimals(min_value=Decimal("0.5"), max_value=Decimal(30), places=1)


def clock(start: datetime, days: Decimal) -> SimpleNamespace:
    begin = calendar.next_working_start(start)
    return SimpleNamespace(
        clock_started_at=begin,
        due_at=calendar.add_working_days(begin, days),
        clock_paused_at=None,
        clock_ended_at=None,
        paused_days=Decimal(0),
    )


@settings(max_examples=60, deadline=None)
@given(instants, durations, st.integers(min_value=0, max_value=90 * 24 * 60), st.integers(0, 30 * 24 * 60))
def test_a_pause_gives_back_exactly_the_office_time_waited(start, days, pause_after, wait):
    case = clock(start, days)
    paused_at = case.clock_started_at + timedelta(minutes=pause_after)
    resumed_at = paused_at + timedelta(minutes=wait)
    left_when_paused = calendar.working_days_between(paused_at, case.due_at)
    case.clock_paused_at = paused_at

    _resume(case, resumed_at)

    waited = calendar.working_days_between(paused_at, resumed_at)
    assert case.clock_paused_at is None
    assert case.paused_days == waited
    if left_when_paused > 0:
        # Exact up to the microsecond the calendar rounds a fraction of a day up to (and decimal noise).
        one_microsecond = Decimal(1) / Decimal(calendar.office_day_length() // timedelta(microseconds=1))
        assert abs(calendar.working_days_between(resumed_at, case.due_at) - left_when_paused) <= 2 * one_microsecond


@settings(max_examples=60, deadline=None)
@given(instants, durations, st.integers(min_value=0, max_value=120 * 24 * 60))
def test_status_follows_the_deadline(start, days, minutes):
    case = clock(start, days)
    at = case.clock_started_at + timedelta(minutes=minutes)

    status = sla_status(case, at=at)

    if at > case.due_at:
        assert status == SlaStatus.LATE
    elif calendar.add_working_days(at, 1) >= case.due_at:
        assert status == SlaStatus.DUE_SOON
    else:
        assert status == SlaStatus.ON_TIME


def test_paused_case_is_judged_at_its_pause():
    case = clock(datetime(2026, 11, 23, 8, 0, tzinfo=HCM), Decimal(3))
    case.clock_paused_at = case.clock_started_at + timedelta(hours=1)

    assert sla_status(case, at=case.due_at + timedelta(days=30)) == SlaStatus.PAUSED


def test_ended_case_keeps_its_verdict():
    case = clock(datetime(2026, 11, 23, 8, 0, tzinfo=HCM), Decimal(1))
    case.clock_ended_at = case.due_at
    assert sla_status(case, at=case.due_at + timedelta(days=9)) == SlaStatus.ON_TIME
    case.clock_ended_at = case.due_at + timedelta(seconds=1)
    assert sla_status(case) == SlaStatus.LATE


def test_no_deadline_no_status():
    assert sla_status(SimpleNamespace(due_at=None)) is None
