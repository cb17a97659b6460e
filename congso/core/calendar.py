"""The working-day calendar (lịch làm việc) that every deadline is counted in.

A day is a working day when it is Monday–Friday and not a Vietnamese public
holiday (from the ``holidays`` package, lunar New Year included), or a weekend
day the government moved work to (ngày làm bù, also from ``holidays``); a
``CalendarOverride`` row has the last word for its date. Office hours come from
``settings.CONGSO_OFFICE_HOURS`` in Asia/Ho_Chi_Minh.

Deadlines are counted in office time, not wall-clock time. One working day is
the length of one day's office hours (8 hours with the default 07:00–11:30 and
13:30–17:00), so half a day is half of that, wherever it falls.

- ``next_working_start(at)``: when the clock starts. Inside an office period it
  is ``at`` itself; before a period it is that period's opening; at or after the
  last closing time, or on a day off, it is the next working morning.
- ``add_working_days(start, days)``: the due instant. The clock starts at
  ``next_working_start(start)`` and runs through ``days`` working days of office
  time. When it starts at an opening time — always the case for work received
  outside office hours, e.g. on Friday at 17:30 — the due instant for N whole
  days is the end of office hours (17:00) of the Nth working day, that first
  day included. Work received inside office hours gets the same amount of
  office time, so its due instant keeps the time of day it was received at
  (Monday 10:00 + 1 day = Tuesday 10:00). A count that ends exactly at a closing
  time stays at that closing time instead of moving to the next opening.
- ``working_days_between(start, end)``: the office time between two instants, in
  working days, so ``working_days_between(s, add_working_days(s, d)) == d``.

See docs/adr/0005-working-day-calendar.md for why the count is exact office
time rather than rounded to whole days.
"""

from collections.abc import Container
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_CEILING, Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

OFFICE_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
SATURDAY = 5
_OVERRIDES_CACHE_KEY = "congso:calendar:overrides:{year}"
_OVERRIDES_CACHE_SECONDS = 3600
_MICROSECOND = timedelta(microseconds=1)
# Longest deadline accepted: far more than any rule in DOMAIN.md needs, and
# a bound on the work one call may do.
MAX_DAYS = Decimal(10_000)


@dataclass(frozen=True)
class DayInfo:
    """Why a day is what it is, for the list of days off shown to people."""

    day: date
    name: str
    is_working_day: bool
    source: str  # "holiday" (the holidays package) or "override" (a city decision)


# --- Office hours ---------------------------------------------------------------


def _parse_time(text: str) -> time:
    hours, minutes = text.strip().split(":")
    return time(int(hours), int(minutes))


@lru_cache(maxsize=8)
def _parse_office_hours(ranges: tuple[str, ...]) -> tuple[tuple[time, time], ...]:
    periods: list[tuple[time, time]] = []
    try:
        for text in ranges:
            opening, closing = text.split("-")
            periods.append((_parse_time(opening), _parse_time(closing)))
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"CONGSO_OFFICE_HOURS must be ranges like 07:00-11:30, got {list(ranges)!r}"
        ) from exc
    if not periods:
        raise ImproperlyConfigured("CONGSO_OFFICE_HOURS needs at least one range")
    previous_end = time.min
    for index, (opening, closing) in enumerate(periods):
        if closing <= opening or (index and opening < previous_end):
            raise ImproperlyConfigured(
                f"CONGSO_OFFICE_HOURS ranges must be increasing and must not overlap, got {list(ranges)!r}"
            )
        previous_end = closing
    return tuple(periods)


def office_periods() -> tuple[tuple[time, time], ...]:
    """The office periods of a working day, in order, from settings."""
    return _parse_office_hours(tuple(settings.CONGSO_OFFICE_HOURS))


def office_day_length() -> timedelta:
    """The office time of one working day: the length of one working day in deadlines."""
    return sum(
        (
            datetime.combine(date.min, closing) - datetime.combine(date.min, opening)
            for opening, closing in office_periods()
        ),
        timedelta(0),
    )


# --- Which days are working days --------------------------------------------------


@lru_cache(maxsize=64)
def _national_calendar(year: int) -> tuple[dict[date, str], frozenset[date]]:
    """Public holidays (with Vietnamese names) and moved working Saturdays of one year."""
    country = holidays.country_holidays("VN", years=year, language="vi")
    days_off = {day: str(name) for day, name in country.items() if day.year == year}
    weekend_workdays = frozenset(day for day in getattr(country, "weekend_workdays", ()) if day.year == year)
    return days_off, weekend_workdays


def _overrides(year: int) -> dict[date, tuple[str, str]]:
    """City overrides of one year: date → (kind, reason); cached, invalidated by the services."""
    key = _OVERRIDES_CACHE_KEY.format(year=year)
    cached = cache.get(key)
    if cached is None:
        from congso.core.models import CalendarOverride

        cached = {
            row.date: (row.kind, row.reason)
            for row in CalendarOverride.objects.filter(date__year=year).only("date", "kind", "reason")
        }
        cache.set(key, cached, _OVERRIDES_CACHE_SECONDS)
    return cached


def invalidate_overrides(year: int) -> None:
    """Forget the cached overrides of one year (called by the services that change them)."""
    cache.delete(_OVERRIDES_CACHE_KEY.format(year=year))


@dataclass
class _Calendar:
    """Per-call memo so a long count reads each year's data once."""

    _years: dict[int, tuple[frozenset[date], frozenset[date]]] = field(default_factory=dict)

    def _year(self, year: int) -> tuple[frozenset[date], frozenset[date]]:
        if year not in self._years:
            national_off, national_working = _national_calendar(year)
            off = set(national_off)
            working = set(national_working)
            for day, (kind, _reason) in _overrides(year).items():
                if kind == "day_off":
                    off.add(day)
                    working.discard(day)
                else:
                    working.add(day)
                    off.discard(day)
            self._years[year] = (frozenset(off), frozenset(working))
        return self._years[year]

    def is_working_day(self, day: date) -> bool:
        return _works(day, *self._year(day.year))


def _works(day: date, off: Container[date], working: Container[date]) -> bool:
    """A moved working day works; otherwise a weekday that is not a day off."""
    return day in working or (day.weekday() < SATURDAY and day not in off)


def is_working_day(day: date) -> bool:
    """True when offices are open on ``day`` (holidays, moved working days and city overrides applied)."""
    return _Calendar().is_working_day(day)


def is_working_day_without_override(day: date) -> bool:
    """What the national calendar alone says about ``day``: weekends, public holidays, moved working days."""
    return _works(day, *_national_calendar(day.year))


def days_off(year: int) -> list[DayInfo]:
    """Public holidays, moved working days and city overrides of one year, by date."""
    national_off, national_working = _national_calendar(year)
    days: dict[date, DayInfo] = {
        day: DayInfo(day=day, name=name, is_working_day=False, source="holiday") for day, name in national_off.items()
    }
    for day in national_working:
        days[day] = DayInfo(day=day, name=str(_("Ngày làm bù")), is_working_day=True, source="holiday")
    for day, (kind, reason) in _overrides(year).items():
        days[day] = DayInfo(day=day, name=reason, is_working_day=kind != "day_off", source="override")
    return [days[day] for day in sorted(days)]


# --- Counting office time -----------------------------------------------------------


def _local(value: datetime, name: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime")
    return value.astimezone(OFFICE_TZ)


def _periods_on(day: date) -> list[tuple[datetime, datetime]]:
    return [
        (datetime.combine(day, opening, tzinfo=OFFICE_TZ), datetime.combine(day, closing, tzinfo=OFFICE_TZ))
        for opening, closing in office_periods()
    ]


def _next_working_day(calendar: _Calendar, day: date) -> date:
    day += timedelta(days=1)
    while not calendar.is_working_day(day):
        day += timedelta(days=1)
    return day


def _next_start(calendar: _Calendar, at: datetime) -> datetime:
    if calendar.is_working_day(at.date()):
        for opening, closing in _periods_on(at.date()):
            if at < closing:
                return max(at, opening)
    return _periods_on(_next_working_day(calendar, at.date()))[0][0]


def next_working_start(at: datetime) -> datetime:
    """The instant the clock starts for something received at ``at`` (aware, Asia/Ho_Chi_Minh).

    Inside an office period: ``at``. Before a period on a working day: its
    opening. At or after the last closing time, or on a day off: the opening of
    the next working day.
    """
    return _next_start(_Calendar(), _local(at, "at"))


def _as_days(days: Decimal | int) -> Decimal:
    value = Decimal(days)
    if not value.is_finite() or value < 0 or value > MAX_DAYS:
        raise ValueError(f"days must be between 0 and {MAX_DAYS}, got {days!r}")
    return value


def add_working_days(start: datetime, days: Decimal | int) -> datetime:
    """The due instant of something received at ``start`` with ``days`` working days to do it.

    The clock starts at ``next_working_start(start)`` and runs through
    ``days × office_day_length()`` of office time (rounded up to the
    microsecond); the result is where it stops, always inside office hours of a
    working day. ``days`` may be fractional (0.5 = half a day's office time);
    it must be between 0 and ``MAX_DAYS``. Whole days from an opening time end
    at the closing time of the last day counted.
    """
    amount = _as_days(days)
    calendar = _Calendar()
    cursor = _next_start(calendar, _local(start, "start"))
    day_length = office_day_length()
    micros = (amount * (day_length // _MICROSECOND)).to_integral_value(rounding=ROUND_CEILING)
    remaining = timedelta(microseconds=int(micros))
    if not remaining:
        return cursor
    day = cursor.date()
    while True:
        periods = _periods_on(day)
        if cursor == periods[0][0] and remaining > day_length:
            # A whole day from its opening time: skip it without walking its periods.
            remaining -= day_length
        else:
            for opening, closing in periods:
                if closing <= cursor:
                    continue
                begin = max(cursor, opening)
                if remaining <= closing - begin:
                    return begin + remaining
                remaining -= closing - begin
        day = _next_working_day(calendar, day)
        cursor = _periods_on(day)[0][0]


def working_days_between(start: datetime, end: datetime) -> Decimal:
    """Office time from ``start`` to ``end`` in working days (negative when ``end`` is before ``start``).

    Only office periods of working days count, so a night, a weekend or a
    holiday adds nothing. Exact: the office time in microseconds divided by
    ``office_day_length()``.
    """
    begin, finish = _local(start, "start"), _local(end, "end")
    if finish < begin:
        return -working_days_between(end, start)
    calendar = _Calendar()
    elapsed = timedelta(0)
    day = begin.date()
    while day <= finish.date():
        if calendar.is_working_day(day):
            for opening, closing in _periods_on(day):
                overlap = min(closing, finish) - max(opening, begin)
                if overlap > timedelta(0):
                    elapsed += overlap
        day += timedelta(days=1)
    result = Decimal(elapsed // _MICROSECOND) / Decimal(office_day_length() // _MICROSECOND)
    return result
