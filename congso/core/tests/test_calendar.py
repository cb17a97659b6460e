"""The working-day calendar: worked examples and properties."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from congso.core import calendar
from congso.core.calendar import (
    add_working_days,
    days_off,
    is_working_day,
    next_working_start,
    working_days_between,
)
from congso.core.services import calendar_override_set

pytestmark = pytest.mark.django_db

VN = ZoneInfo("Asia/Ho_Chi_Minh")
UTC = datetime.UTC


def at(year, month, day, hour=0, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=VN)


def dates(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    return [start + datetime.timedelta(days=n) for n in range((end - start).days + 1)]


# --- Which days are working days ---------------------------------------------------------


def test_lunar_new_year_2026_is_monday_16_to_friday_20_february():
    off = [day for day in dates(datetime.date(2026, 2, 13), datetime.date(2026, 2, 24)) if not is_working_day(day)]

    assert off == dates(datetime.date(2026, 2, 14), datetime.date(2026, 2, 22))


def test_lunar_new_year_2027_is_thursday_4_to_wednesday_10_february():
    off = [day for day in dates(datetime.date(2027, 2, 1), datetime.date(2027, 2, 14)) if not is_working_day(day)]

    weekend_after = [datetime.date(2027, 2, 13), datetime.date(2027, 2, 14)]
    assert off == [*dates(datetime.date(2027, 2, 4), datetime.date(2027, 2, 10)), *weekend_after]


def test_days_off_2027_lists_the_national_holidays_with_vietnamese_names():
    listed = {day.day: (day.name, day.is_working_day, day.source) for day in days_off(2027)}

    assert listed[datetime.date(2027, 2, 4)] == ("29 Tết", False, "holiday")
    assert listed[datetime.date(2027, 2, 6)] == ("Tết Nguyên Đán", False, "holiday")
    assert listed[datetime.date(2027, 2, 10)] == ("Mùng năm Tết Nguyên Đán", False, "holiday")
    assert listed[datetime.date(2027, 9, 2)] == ("Quốc khánh", False, "holiday")
    assert len(listed) == 15


def test_compensatory_saturday_2026_from_the_national_calendar_is_a_working_day():
    # 2026-08-22 (Saturday) is worked so that Monday 2026-08-31 joins the National Day break.
    assert is_working_day(datetime.date(2026, 8, 22)) is True
    assert is_working_day(datetime.date(2026, 8, 31)) is False
    listed = {day.day: day for day in days_off(2026)}
    assert listed[datetime.date(2026, 8, 22)].is_working_day is True
    assert listed[datetime.date(2026, 8, 31)].name == "Ngày nghỉ (thay cho ngày 22/08/2026)"


def test_city_overrides_have_the_last_word():
    calendar_override_set(actor=None, date=datetime.date(2026, 10, 10), kind="working_day", reason="Làm bù")
    calendar_override_set(actor=None, date=datetime.date(2026, 10, 12), kind="day_off", reason="Nghỉ bù")

    assert is_working_day(datetime.date(2026, 10, 10)) is True
    assert is_working_day(datetime.date(2026, 10, 12)) is False
    listed = {day.day: (day.name, day.is_working_day, day.source) for day in days_off(2026)}
    assert listed[datetime.date(2026, 10, 10)] == ("Làm bù", True, "override")
    assert listed[datetime.date(2026, 10, 12)] == ("Nghỉ bù", False, "override")


# --- When the clock starts -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "starts"),
    [
        (at(2026, 3, 9, 6, 15), at(2026, 3, 9, 7, 0)),  # before opening
        (at(2026, 3, 9, 9, 40), at(2026, 3, 9, 9, 40)),  # inside the morning
        (at(2026, 3, 9, 11, 30), at(2026, 3, 9, 13, 30)),  # at the lunch break
        (at(2026, 3, 9, 12, 5), at(2026, 3, 9, 13, 30)),  # during the lunch break
        (at(2026, 3, 9, 17, 0), at(2026, 3, 10, 7, 0)),  # at closing time
        (at(2026, 3, 13, 17, 30), at(2026, 3, 16, 7, 0)),  # Friday evening
        (at(2026, 3, 14, 10, 0), at(2026, 3, 16, 7, 0)),  # Saturday
        (at(2026, 2, 13, 17, 30), at(2026, 2, 23, 7, 0)),  # the Friday before Tết 2026
    ],
)
def test_next_working_start(received, starts):
    assert next_working_start(received) == starts


def test_next_working_start_accepts_any_time_zone():
    # 10:30 UTC on Friday is 17:30 in Ho Chi Minh City
    assert next_working_start(datetime.datetime(2026, 3, 13, 10, 30, tzinfo=UTC)) == at(2026, 3, 16, 7, 0)


# --- Worked examples -------------------------------------------------------------------------


def test_friday_1730_submission_with_one_day_is_due_monday_at_closing_time():
    received = at(2026, 3, 13, 17, 30)

    assert add_working_days(received, 1) == at(2026, 3, 16, 17, 0)
    assert add_working_days(received, Decimal("0.5")) == at(2026, 3, 16, 11, 0)
    assert add_working_days(received, 3) == at(2026, 3, 18, 17, 0)
    assert add_working_days(received, 0) == at(2026, 3, 16, 7, 0)


def test_submission_inside_office_hours_keeps_its_time_of_day():
    assert add_working_days(at(2026, 3, 9, 10, 0), 1) == at(2026, 3, 10, 10, 0)
    assert add_working_days(at(2026, 3, 9, 10, 0), Decimal("0.5")) == at(2026, 3, 9, 16, 0)


def test_half_day_ending_exactly_at_the_lunch_break_stays_in_the_morning():
    # 07:00 + 4h30 of office time = 11:30, the end of the morning period
    assert add_working_days(at(2026, 3, 9, 7, 0), Decimal("0.5625")) == at(2026, 3, 9, 11, 30)


def test_dossier_received_before_tet_2026_is_due_after_the_holidays():
    # Friday 13 Feb 10:00 leaves 5 office hours that day; the remaining 19 hours run from Monday 23 Feb.
    assert add_working_days(at(2026, 2, 13, 10, 0), 3) == at(2026, 2, 25, 10, 0)
    assert add_working_days(at(2026, 2, 13, 17, 30), 1) == at(2026, 2, 23, 17, 0)


def test_dossier_received_the_evening_before_tet_2027():
    received = at(2027, 2, 3, 17, 30)

    assert add_working_days(received, 2) == at(2027, 2, 12, 17, 0)
    assert working_days_between(received, at(2027, 2, 11, 7, 0)) == 0


def test_compensatory_saturday_counts_as_a_working_day():
    # Friday 21 Aug 2026 17:30; Saturday 22 Aug is worked; Monday 31 Aug and 1–2 Sep are off.
    received = at(2026, 8, 21, 17, 30)

    assert add_working_days(received, 1) == at(2026, 8, 22, 17, 0)
    assert add_working_days(received, 2) == at(2026, 8, 24, 17, 0)
    assert add_working_days(at(2026, 8, 28, 17, 30), 1) == at(2026, 9, 3, 17, 0)


def test_city_working_saturday_counts_as_a_working_day():
    received = at(2026, 10, 9, 17, 30)
    assert add_working_days(received, 1) == at(2026, 10, 12, 17, 0)

    calendar_override_set(actor=None, date=datetime.date(2026, 10, 10), kind="working_day", reason="Làm bù")

    assert add_working_days(received, 1) == at(2026, 10, 10, 17, 0)


def test_working_days_between_counts_only_office_time():
    assert working_days_between(at(2026, 3, 13, 15, 0), at(2026, 3, 16, 9, 0)) == Decimal("0.5")
    assert working_days_between(at(2026, 3, 9, 0, 0), at(2026, 3, 16, 0, 0)) == 5
    assert working_days_between(at(2026, 3, 16, 9, 0), at(2026, 3, 13, 15, 0)) == Decimal("-0.5")
    assert working_days_between(at(2026, 3, 9, 12, 0), at(2026, 3, 9, 13, 0)) == 0


def test_office_hours_come_from_settings():
    with override_settings(CONGSO_OFFICE_HOURS=["08:00-12:00", "13:00-16:00"]):
        assert calendar.office_day_length() == datetime.timedelta(hours=7)
        assert add_working_days(at(2026, 3, 13, 16, 30), 1) == at(2026, 3, 16, 16, 0)
        assert next_working_start(at(2026, 3, 16, 12, 30)) == at(2026, 3, 16, 13, 0)


@pytest.mark.parametrize("hours", [["7h-11h"], ["11:00-07:00"], ["07:00-12:00", "11:00-17:00"], []])
def test_bad_office_hours_setting_is_reported(hours):
    with override_settings(CONGSO_OFFICE_HOURS=hours), pytest.raises(ImproperlyConfigured):
        calendar.office_periods()


@pytest.mark.parametrize("days", [-1, Decimal("NaN"), Decimal("Infinity"), 10_001])
def test_bad_number_of_days_is_refused(days):
    with pytest.raises(ValueError, match="days must be between"):
        add_working_days(at(2026, 3, 9, 8, 0), days)


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        add_working_days(datetime.datetime(2026, 3, 9, 8, 0), 1)
    with pytest.raises(ValueError, match="timezone-aware"):
        working_days_between(at(2026, 3, 9, 8, 0), datetime.datetime(2026, 3, 10, 8, 0))


# --- Properties -------------------------------------------------------------------------------

instants = st.datetimes(
    min_value=datetime.datetime(2025, 12, 1),
    max_value=datetime.datetime(2027, 12, 31),
    timezones=st.sampled_from([VN, UTC]),
)
day_counts = st.decimals(min_value=0, max_value=60, places=2)
property_settings = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def within_office_hours(moment: datetime.datetime) -> bool:
    local = moment.astimezone(VN)
    return is_working_day(local.date()) and any(
        opening <= local.time() <= closing for opening, closing in calendar.office_periods()
    )


@property_settings
@given(start=instants, days=day_counts)
def test_due_instant_is_inside_office_hours_of_a_working_day(start, days):
    due = add_working_days(start, days)

    assert due.tzinfo is not None
    assert due >= start
    assert within_office_hours(due)


@property_settings
@given(start=instants, days=day_counts, more=day_counts)
def test_more_days_never_give_an_earlier_due_instant(start, days, more):
    assert add_working_days(start, days) <= add_working_days(start, days + more)


@property_settings
@given(start=instants, days=day_counts)
def test_working_days_between_undoes_add_working_days(start, days):
    assert working_days_between(start, add_working_days(start, days)) == days


@property_settings
@given(start=instants)
def test_clock_start_is_in_office_hours_and_costs_no_office_time(start):
    clock_start = next_working_start(start)

    assert clock_start >= start
    assert within_office_hours(clock_start)
    assert working_days_between(start, clock_start) == 0


@property_settings
@given(
    start=instants,
    days=day_counts,
    day=st.dates(min_value=datetime.date(2025, 12, 1), max_value=datetime.date(2027, 12, 31)),
)
def test_overrides_are_respected(start, days, day):
    kind = "day_off" if calendar.is_working_day_without_override(day) else "working_day"
    with transaction.atomic():
        calendar_override_set(actor=None, date=day, kind=kind, reason="Thử nghiệm")
        due = add_working_days(start, days)
        assert is_working_day(day) is (kind == "working_day")
        assert within_office_hours(due)
        assert working_days_between(start, due) == days
        if kind == "day_off":
            assert due.astimezone(VN).date() != day
        transaction.set_rollback(True)
    calendar.invalidate_overrides(day.year)
