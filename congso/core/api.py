"""API router for core (mounted under /api/v1/calendar/ by congso.api.urls): the working-day calendar."""

from datetime import date, datetime
from decimal import Decimal

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema

from congso.api.errors import ApiError, ErrorOut
from congso.core import calendar

router = Router(tags=["core"])

MIN_YEAR = 2000
MAX_YEAR = 2100


class DaysOffIn(Schema):
    year: int = Field(..., ge=MIN_YEAR, le=MAX_YEAR, description="Năm dương lịch")


class DayOut(Schema):
    date: date
    name: str
    is_working_day: bool = Field(description="true: ngày làm bù (cuối tuần đi làm); false: ngày nghỉ")
    source: str = Field(description="holiday: lịch nghỉ lễ quốc gia; override: quyết định của thành phố")


class DaysOffOut(Schema):
    year: int
    days: list[DayOut]


class DueIn(Schema):
    start: datetime = Field(
        ..., description="Thời điểm tiếp nhận (ISO 8601; không có múi giờ thì hiểu là giờ Việt Nam)"
    )
    days: Decimal = Field(..., ge=0, le=calendar.MAX_DAYS, decimal_places=4, description="Số ngày làm việc")


class DueOut(Schema):
    start: datetime
    clock_start: datetime = Field(description="Thời điểm bắt đầu tính thời hạn")
    days: Decimal
    due_at: datetime = Field(description="Thời hạn")


@router.get("/days-off", response={200: DaysOffOut, 422: ErrorOut}, summary="Ngày nghỉ lễ và ngày làm bù trong năm")
def days_off(request: HttpRequest, params: Query[DaysOffIn]) -> DaysOffOut:
    days = [
        DayOut(date=day.day, name=day.name, is_working_day=day.is_working_day, source=day.source)
        for day in calendar.days_off(params.year)
    ]
    return DaysOffOut(year=params.year, days=days)


@router.get("/due", response={200: DueOut, 422: ErrorOut}, summary="Tính thời hạn theo ngày làm việc")
def due(request: HttpRequest, params: Query[DueIn]) -> DueOut:
    start = params.start
    if start.tzinfo is None or start.utcoffset() is None:
        start = start.replace(tzinfo=calendar.OFFICE_TZ)
    if not MIN_YEAR <= start.year <= MAX_YEAR:
        raise ApiError(
            422,
            "invalid",
            str(_("Dữ liệu không hợp lệ")),
            {"start": [str(_("Năm phải từ {low} đến {high}.").format(low=MIN_YEAR, high=MAX_YEAR))]},
        )
    days = params.days
    if days == days.to_integral_value():
        days = days.quantize(Decimal(1))
    return DueOut(
        start=start,
        clock_start=calendar.next_working_start(start),
        days=days,
        due_at=calendar.add_working_days(start, params.days),
    )
