"""Dossier statistics as open data (thống kê hồ sơ thủ tục hành chính), refreshed by the publisher registry.

Three tables — by procedure, by agency, by ward — each with one row per month and group. Months
are calendar months in Asia/Ho_Chi_Minh. The figures come from the dossier rows and their events,
judged by the case engine's rules (``dossier_workflow.sla_status``), never from labels:

- ``received`` (tiếp nhận): dossiers filed in the month, online or at the counter (``submitted_at``);
  drafts excluded, refused and withdrawn ones included.
- ``resolved`` (đã giải quyết): dossiers whose result was issued in the month (``result_issued_at``,
  the leader's approval); handing the result over later does not count again.
- ``resolved_late`` (giải quyết trễ hạn): of those, the late ones — the clock ended after the
  deadline in force, or the dossier was asked more than once for supplements.
- ``open_late`` (đang xử lý quá hạn): dossiers whose clock was running or paused at the end of the
  month and late at that instant by the same rules, replayed from their events; for the current
  month the end is the time of the run.
- ``median_days``: the median handling time of the resolved dossiers, in working days of office
  time from the start of the clock (acceptance) to the result, time waiting on the applicant not
  counted (``congso.core.calendar``).

Groups: the procedure; the agency — received at the agency where the dossier was filed, resolved
at the agency that issued the result, open late at the agency handling it then (transfers
followed); the ward — the ward, commune or special zone of the agency where the dossier was filed
(a ward's one-stop desk; dossiers filed with city bodies have no ward). Counts under the
small-cell threshold are published as "<5" and a median over fewer resolved dossiers is empty.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import groupby
from typing import Any

from congso.agencies.models import Agency
from congso.core import calendar
from congso.core.calendar import OFFICE_TZ
from congso.core.cases import Clock, SlaStatus
from congso.dossiers.models import Dossier, DossierEvent
from congso.dossiers.workflow import TRANSITIONS, dossier_workflow
from congso.geo.models import AdministrativeUnit
from congso.opendata.models import Frequency, Theme
from congso.opendata.publishers import Publisher, Run, Table, city_agency_code, register, suppress, suppressed_median
from congso.procedures.models import Procedure

DIMENSIONS = ("procedure", "agency", "ward")
_CLOCK_OF = {transition.name: transition.clock for transition in TRANSITIONS}
_CHUNK = 2000


@dataclass
class Cell:
    """The figures of one group in one month."""

    received: int = 0
    resolved: int = 0
    resolved_late: int = 0
    open_late: int = 0
    handling_days: list[Decimal] = field(default_factory=list)


@dataclass
class Statistics:
    """Cells by dimension, keyed by (month "YYYY-MM", id of the procedure / agency / unit)."""

    cells: dict[str, dict[tuple[str, int], Cell]] = field(
        default_factory=lambda: {dimension: defaultdict(Cell) for dimension in DIMENSIONS}
    )

    def add(self, month: str, groups: dict[str, int | None]) -> list[Cell]:
        """The cells of ``month`` for each dimension's group (a group may be None: no ward)."""
        return [self.cells[dimension][(month, ident)] for dimension, ident in groups.items() if ident is not None]

    def months(self) -> list[str]:
        return sorted({month for cells in self.cells.values() for month, _ident in cells})


def month_of(at: datetime) -> str:
    """The calendar month of an instant in office time, "YYYY-MM"."""
    return at.astimezone(OFFICE_TZ).strftime("%Y-%m")


def month_ends(first: datetime, until: datetime) -> Iterator[tuple[str, datetime]]:
    """(month, the instant it ends) from the month of ``first`` to the month of ``until``, which ends at ``until``."""
    start = first.astimezone(OFFICE_TZ).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    while True:
        following = (start + timedelta(days=32)).replace(day=1)
        if following >= until:
            yield start.strftime("%Y-%m"), until
            return
        yield start.strftime("%Y-%m"), following
        start = following


@dataclass
class _Snapshot:
    """A dossier's clock as it stood at one instant, for ``dossier_workflow.sla_status``."""

    due_at: datetime | None = None
    clock_paused_at: datetime | None = None
    clock_ended_at: datetime | None = None
    supplement_count: int = 0
    started: bool = False
    ended: bool = False
    agency_code: str | None = None

    def apply(self, at: datetime, action: str, due_at: datetime | None, data: dict[str, Any]) -> None:
        """Move the clock as the engine did for this event (``Workflow._move_clock``); the event holds the due date."""
        clock = _CLOCK_OF.get(action)
        running = self.started and not self.ended
        if clock is Clock.START:
            self.started = True
        elif clock is Clock.PAUSE and running and self.clock_paused_at is None:
            self.clock_paused_at = at
        elif clock is Clock.RESUME:
            self.clock_paused_at = None
        elif clock is Clock.STOP and running:
            self.ended = True
        self.due_at = due_at
        if action == "request_supplement":
            self.supplement_count += 1
        elif action == "transfer" and isinstance(data, dict) and data.get("to_agency"):
            self.agency_code = str(data["to_agency"])

    def is_late(self, at: datetime) -> bool:
        """Open (clock started, not ended) and late at ``at`` by the dossier workflow's rules."""
        if not self.started or self.ended:
            return False
        return dossier_workflow.sla_status(self, at=at) == SlaStatus.LATE


def _wards() -> dict[int, int]:
    """Agency id → its ward/commune/special zone (unit id), for agencies seated in one."""
    return dict(
        Agency.objects.filter(administrative_unit__level=AdministrativeUnit.Level.COMMUNE).values_list(
            "pk", "administrative_unit_id"
        )
    )


def _handling_days(dossier: Dossier) -> Decimal | None:
    if dossier.clock_started_at is None or dossier.clock_ended_at is None:
        return None
    elapsed = calendar.working_days_between(dossier.clock_started_at, dossier.clock_ended_at)
    return max(elapsed - (dossier.paused_days or Decimal(0)), Decimal(0))


def dossier_statistics(*, at: datetime) -> Statistics:
    """The figures of every month up to ``at`` (what happened before ``at`` only)."""
    stats = Statistics()
    wards = _wards()
    started: dict[int, tuple[int, int]] = {}
    dossiers = (
        Dossier.objects.submitted()
        .filter(submitted_at__lt=at)
        .only(
            "pk",
            "procedure_id",
            "agency_id",
            "received_by_id",
            "submitted_at",
            "result_issued_at",
            "clock_started_at",
            "clock_ended_at",
            "clock_paused_at",
            "due_at",
            "paused_days",
            "supplement_count",
        )
        .order_by("pk")
    )
    for dossier in dossiers.iterator(chunk_size=_CHUNK):
        ward = wards.get(dossier.received_by_id)
        groups = {"procedure": dossier.procedure_id, "agency": dossier.received_by_id, "ward": ward}
        for cell in stats.add(month_of(dossier.submitted_at), groups):
            cell.received += 1
        if dossier.result_issued_at is not None and dossier.result_issued_at < at:
            late = dossier_workflow.sla_status(dossier, at=dossier.result_issued_at) == SlaStatus.LATE
            days = _handling_days(dossier)
            groups["agency"] = dossier.agency_id
            for cell in stats.add(month_of(dossier.result_issued_at), groups):
                cell.resolved += 1
                cell.resolved_late += late
                if days is not None:
                    cell.handling_days.append(days)
        if dossier.clock_started_at is not None:
            started[dossier.pk] = (dossier.procedure_id, dossier.received_by_id)
    _count_open_late(stats, started, wards, at=at)
    return stats


def _count_open_late(
    stats: Statistics, started: dict[int, tuple[int, int]], wards: dict[int, int], *, at: datetime
) -> None:
    """Replay the events of every dossier whose clock started, judging it at the end of each month."""
    agency_ids = dict(Agency.objects.values_list("code", "pk"))
    events = (
        DossierEvent.objects.filter(dossier__clock_started_at__isnull=False, at__lt=at)
        .order_by("dossier_id", "seq")
        .values_list("dossier_id", "at", "action", "due_at", "data")
    )
    for dossier_id, history in groupby(events.iterator(chunk_size=_CHUNK), key=lambda event: event[0]):
        if dossier_id not in started:
            continue
        procedure_id, received_by_id = started[dossier_id]
        for month, agency_code in _late_month_ends(list(history), at=at):
            agency_id = agency_ids.get(agency_code, received_by_id) if agency_code else received_by_id
            groups = {"procedure": procedure_id, "agency": agency_id, "ward": wards.get(received_by_id)}
            for cell in stats.add(month, groups):
                cell.open_late += 1


def _late_month_ends(history: list[tuple], *, at: datetime) -> Iterator[tuple[str, str | None]]:
    """(month, code of the agency handling it then or None) for each month that ended with the dossier late."""
    snapshot = _Snapshot()
    index = 0
    for month, end in month_ends(history[0][1], at):
        while index < len(history) and history[index][1] < end:
            _dossier_id, event_at, action, due_at, data = history[index]
            snapshot.apply(event_at, action, due_at, data)
            index += 1
        if snapshot.ended:
            return
        if snapshot.is_late(end):
            yield month, snapshot.agency_code


# --- the published tables ---------------------------------------------------------------------------

MEASURES = [
    {"id": "received", "type": "text", "label": "Số hồ sơ tiếp nhận"},
    {"id": "resolved", "type": "text", "label": "Số hồ sơ đã giải quyết"},
    {"id": "resolved_late", "type": "text", "label": "Số hồ sơ giải quyết trễ hạn"},
    {"id": "open_late", "type": "text", "label": "Số hồ sơ đang xử lý quá hạn cuối tháng"},
    {"id": "median_days", "type": "numeric", "label": "Thời gian giải quyết trung vị (ngày làm việc)"},
]
MONTH = {"id": "month", "type": "text", "label": "Tháng (năm-tháng)"}
GROUP_FIELDS = {
    "procedure": [
        {"id": "procedure_code", "type": "text", "label": "Mã thủ tục"},
        {"id": "procedure_name", "type": "text", "label": "Tên thủ tục"},
        {"id": "field", "type": "text", "label": "Lĩnh vực"},
    ],
    "agency": [
        {"id": "agency_code", "type": "text", "label": "Mã cơ quan"},
        {"id": "agency_name", "type": "text", "label": "Tên cơ quan"},
    ],
    "ward": [
        {"id": "ward_code", "type": "text", "label": "Mã đơn vị hành chính cấp xã"},
        {"id": "ward_name", "type": "text", "label": "Tên phường, xã, đặc khu"},
    ],
}


def _labels(dimension: str, ids: Iterable[int]) -> dict[int, list[str]]:
    """The descriptive columns of each group (codes first: rows are sorted by them)."""
    if dimension == "procedure":
        procedures = Procedure.objects.filter(pk__in=ids).select_related("field")
        return {procedure.pk: [procedure.code, procedure.name, procedure.field.name] for procedure in procedures}
    if dimension == "agency":
        return {
            pk: [code, name] for pk, code, name in Agency.objects.filter(pk__in=ids).values_list("pk", "code", "name")
        }
    units = AdministrativeUnit.objects.filter(pk__in=ids).values_list("pk", "code", "name")
    return {pk: [code, name] for pk, code, name in units}


def statistics_for(run: Run) -> Statistics:
    """The statistics of this run, computed once for the three tables."""
    return run.memo("dossiers.statistics", lambda: dossier_statistics(at=run.at))


def statistic_rows(stats: Statistics, dimension: str) -> list[list[Any]]:
    """One row per month and group, by month then code; small counts suppressed."""
    cells = stats.cells[dimension]
    labels = _labels(dimension, {ident for _month, ident in cells})
    rows = [
        [
            month,
            *labels[ident],
            suppress(cell.received),
            suppress(cell.resolved),
            suppress(cell.resolved_late),
            suppress(cell.open_late),
            suppressed_median(cell.handling_days),
        ]
        for (month, ident), cell in cells.items()
    ]
    return sorted(rows, key=lambda row: (row[0], row[1]))


def period(run: Run) -> tuple[date | None, date | None]:
    """From the first day of the first month with figures to the day of the run."""
    months = statistics_for(run).months()
    if not months:
        return None, None
    return date.fromisoformat(months[0] + "-01"), run.at.astimezone(OFFICE_TZ).date()


def _table(dimension: str, name: str, name_en: str, description: str) -> Table:
    return Table(
        name=name,
        name_en=name_en,
        description=description,
        fields=[MONTH, *GROUP_FIELDS[dimension], *MEASURES],
        rows=lambda run: statistic_rows(statistics_for(run), dimension),
    )


STATISTICS = register(
    Publisher(
        key="dossiers.statistics",
        organization=city_agency_code,
        name="thong-ke-ho-so-thu-tuc-hanh-chinh",
        title="Thống kê hồ sơ thủ tục hành chính theo tháng",
        title_en="Monthly statistics of administrative procedure dossiers",
        description=(
            "Số hồ sơ tiếp nhận, đã giải quyết, giải quyết trễ hạn và đang xử lý quá hạn cuối tháng, cùng thời "
            "gian giải quyết trung vị (ngày làm việc, không tính thời gian chờ bổ sung), theo thủ tục, cơ quan "
            "và phường, xã mỗi tháng. Trễ hạn theo quy định: kết thúc xử lý sau hạn, hoặc yêu cầu bổ sung quá "
            "một lần. Để không nhận diện được cá nhân, số nhỏ hơn ngưỡng công bố (mặc định 5) được ghi “<5” và "
            "thời gian trung vị của nhóm đó để trống."
        ),
        description_en=(
            "Dossiers received, resolved, resolved late and still open past their deadline at the end of each "
            "month, with the median handling time (working days, waiting for supplements not counted), by "
            "procedure, agency and ward. Late as the rules say: processing ended after the deadline, or more than "
            "one request for supplements. So that no person can be singled out, counts under the publication "
            "threshold (5 by default) read “<5” and the median of such a group is empty."
        ),
        keywords=("hồ sơ", "dịch vụ công", "thống kê", "đúng hạn"),
        theme=Theme.GOVE,
        frequency=Frequency.DAILY,
        temporal=period,
        tables=[
            _table(
                "procedure",
                "Hồ sơ theo thủ tục và tháng",
                "Dossiers by procedure and month",
                "Mỗi dòng một thủ tục trong một tháng.",
            ),
            _table(
                "agency",
                "Hồ sơ theo cơ quan và tháng",
                "Dossiers by agency and month",
                "Tiếp nhận tính cho cơ quan nhận hồ sơ; đã giải quyết cho cơ quan cấp kết quả; quá hạn cho cơ quan "
                "đang xử lý cuối tháng.",
            ),
            _table(
                "ward",
                "Hồ sơ theo phường, xã và tháng",
                "Dossiers by ward and month",
                "Hồ sơ nộp tại bộ phận một cửa của phường, xã, đặc khu (không gồm hồ sơ nộp tại cơ quan cấp thành "
                "phố).",
            ),
        ],
    )
)
