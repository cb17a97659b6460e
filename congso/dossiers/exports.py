"""The back-office dossier queue as a spreadsheet: CSV (streamed, UTF-8 with BOM for Excel) and XLSX.

Both formats carry the same columns, in the order of ``COLUMNS``, and at most
``EXPORT_MAX_ROWS`` rows. Text that a spreadsheet would run as a formula
(``=``, ``+``, ``-``, ``@`` …) is prefixed with an apostrophe.
"""

import csv
import re
from collections.abc import Iterable, Iterator
from datetime import datetime
from io import BytesIO
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from congso.core.cases import SlaStatus
from congso.dossiers.models import Dossier
from congso.dossiers.selectors import sla_of

EXPORT_MAX_ROWS = 50_000
CHUNK_SIZE = 2_000
BOM = "\ufeff"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

COLUMNS = [
    gettext_lazy("Mã hồ sơ"),
    gettext_lazy("Mã thủ tục"),
    gettext_lazy("Tên thủ tục"),
    gettext_lazy("Cơ quan đang xử lý"),
    gettext_lazy("Người nộp"),
    gettext_lazy("Số điện thoại"),
    gettext_lazy("Hình thức nộp"),
    gettext_lazy("Trạng thái"),
    gettext_lazy("Mã trạng thái quốc gia"),
    gettext_lazy("Nộp lúc"),
    gettext_lazy("Tiếp nhận lúc"),
    gettext_lazy("Hạn giải quyết"),
    gettext_lazy("Ngày hẹn trả"),
    gettext_lazy("Kết thúc lúc"),
    gettext_lazy("Đánh giá tiến độ"),
    gettext_lazy("Phí, lệ phí (đồng)"),
    gettext_lazy("Tình trạng nộp phí"),
]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def export_queryset(dossiers: QuerySet[Dossier]) -> QuerySet[Dossier]:
    """The rows to export: the queue's order, the related rows joined, capped."""
    return dossiers.select_related("procedure", "agency")[:EXPORT_MAX_ROWS]


def verdict(dossier: Dossier, at: datetime) -> str:
    """On time or late for an ended dossier; the running deadline status for an open one."""
    status = sla_of(dossier, at=at)
    if status is None:
        return ""
    if dossier.clock_ended_at is not None:
        return _("Đúng hạn") if status == SlaStatus.ON_TIME else _("Trễ hạn")
    return str(status.label)


def _local(value: datetime | None) -> datetime | None:
    return None if value is None else timezone.localtime(value).replace(tzinfo=None, microsecond=0)


def row(dossier: Dossier, at: datetime) -> list[Any]:
    """One dossier as the values of ``COLUMNS`` (dates naive in office time, the fee a whole number)."""
    return [
        dossier.receipt_code or "",
        dossier.procedure.code,
        dossier.procedure.name,
        dossier.agency.name,
        dossier.applicant_name,
        dossier.applicant_phone,
        dossier.get_channel_display(),
        dossier.get_state_display(),
        dossier.national_code,
        _local(dossier.submitted_at),
        _local(dossier.accepted_at),
        _local(dossier.due_at),
        _local(dossier.appointment_at),
        _local(dossier.clock_ended_at),
        verdict(dossier, at),
        int(dossier.fee_amount),
        dossier.get_payment_status_display(),
    ]


def _safe_text(value: Any) -> Any:
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if value.startswith(_FORMULA_START):
            return "'" + value
    return value


def _rows(dossiers: Iterable[Dossier]) -> Iterator[list[Any]]:
    at = timezone.now()
    for dossier in dossiers:
        yield [_safe_text(value) for value in row(dossier, at)]


def _iterate(dossiers: QuerySet[Dossier]) -> Iterator[Dossier]:
    return export_queryset(dossiers).iterator(chunk_size=CHUNK_SIZE)


class _Echo:
    """A file-like object whose ``write`` returns what it was given, for ``csv.writer`` in a generator."""

    def write(self, value: str) -> str:
        return value


def _csv_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    return "" if value is None else value


def _csv_lines(dossiers: QuerySet[Dossier]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield BOM + writer.writerow([str(column) for column in COLUMNS])
    for values in _rows(_iterate(dossiers)):
        yield writer.writerow([_csv_value(value) for value in values])


def _attachment(filename: str) -> str:
    return f'attachment; filename="{re.sub(r"[^A-Za-z0-9._-]", "_", filename)}"'


def csv_response(dossiers: QuerySet[Dossier], *, filename: str) -> StreamingHttpResponse:
    """The dossiers as a streamed CSV file download."""
    response = StreamingHttpResponse(_csv_lines(dossiers), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = _attachment(filename)
    response["Cache-Control"] = "no-store"
    return response


def xlsx_bytes(dossiers: QuerySet[Dossier]) -> bytes:
    """The dossiers as an Excel workbook with one sheet."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Hồ sơ")[:31])
    sheet.append([str(column) for column in COLUMNS])
    for values in _rows(_iterate(dossiers)):
        sheet.append(values)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(dossiers: QuerySet[Dossier], *, filename: str) -> HttpResponse:
    """The dossiers as an XLSX file download."""
    response = HttpResponse(xlsx_bytes(dossiers), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = _attachment(filename)
    response["Cache-Control"] = "no-store"
    return response
