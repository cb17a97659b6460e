"""The calendar API: days off of a year and due instants."""

import datetime

import pytest

from congso.core.services import calendar_override_set

pytestmark = pytest.mark.django_db

DAYS_OFF = "/api/v1/calendar/days-off"
DUE = "/api/v1/calendar/due"


def test_days_off_lists_holidays_moved_working_days_and_overrides(client):
    calendar_override_set(actor=None, date=datetime.date(2026, 10, 10), kind="working_day", reason="Làm bù")

    response = client.get(DAYS_OFF, {"year": 2026})

    assert response.status_code == 200
    body = response.json()
    assert body["year"] == 2026
    days = {day["date"]: day for day in body["days"]}
    assert days["2026-02-17"] == {
        "date": "2026-02-17",
        "name": "Tết Nguyên Đán",
        "is_working_day": False,
        "source": "holiday",
    }
    assert days["2026-08-22"]["is_working_day"] is True
    assert days["2026-10-10"] == {"date": "2026-10-10", "name": "Làm bù", "is_working_day": True, "source": "override"}
    assert len(days) == 16
    assert [day["date"] for day in body["days"]] == sorted(days)


@pytest.mark.parametrize(
    ("query", "field"),
    [({}, "year"), ({"year": "abc"}, "year"), ({"year": "99999"}, "year"), ({"year": "1899"}, "year")],
)
def test_days_off_bad_year_is_a_structured_422(client, query, field):
    response = client.get(DAYS_OFF, query)

    assert response.status_code == 422
    body = response.json()
    assert body["error"]["code"] == "invalid"
    assert list(body["error"]["fields"]) == [field]


def test_due_for_a_friday_evening_submission(client):
    response = client.get(DUE, {"start": "2026-03-13T17:30:00+07:00", "days": "1"})

    assert response.status_code == 200
    assert response.json() == {
        "start": "2026-03-13T17:30:00+07:00",
        "clock_start": "2026-03-16T07:00:00+07:00",
        "days": "1",
        "due_at": "2026-03-16T17:00:00+07:00",
    }


def test_due_reads_a_naive_start_as_vietnam_time_and_answers_in_vietnam_time(client):
    naive = client.get(DUE, {"start": "2026-02-13T10:00:00", "days": "3"})
    utc = client.get(DUE, {"start": "2026-02-13T03:00:00Z", "days": "3"})

    assert naive.json()["due_at"] == "2026-02-25T10:00:00+07:00"
    assert utc.json()["due_at"] == "2026-02-25T10:00:00+07:00"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"start": "hôm qua", "days": "1"}, "start"),
        ({"start": "2026-02-30T10:00", "days": "1"}, "start"),
        ({"days": "1"}, "start"),
        ({"start": "2026-03-13T10:00", "days": "-1"}, "days"),
        ({"start": "2026-03-13T10:00", "days": "NaN"}, "days"),
        ({"start": "2026-03-13T10:00", "days": "Infinity"}, "days"),
        ({"start": "2026-03-13T10:00", "days": "1.00001"}, "days"),
        ({"start": "2026-03-13T10:00", "days": "10001"}, "days"),
        ({"start": "2026-03-13T10:00", "days": "một"}, "days"),
        ({"start": "9999-12-31T23:59:59-12:00", "days": "1"}, "start"),
        ({"start": "0001-01-01T00:00:00+14:00", "days": "1"}, "start"),
    ],
)
def test_due_bad_input_is_a_structured_422(client, query, field):
    response = client.get(DUE, query)

    assert response.status_code == 422
    body = response.json()
    assert body["error"]["code"] == "invalid"
    assert list(body["error"]["fields"]) == [field]


def test_due_writes_whole_days_plainly(client):
    response = client.get(DUE, {"start": "2026-03-13T17:30:00+07:00", "days": "1e1"})

    assert response.status_code == 200
    assert response.json()["days"] == "10"
    assert response.json()["due_at"] == "2026-03-27T17:00:00+07:00"
