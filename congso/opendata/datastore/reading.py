"""Reading an uploaded table: format, encoding, delimiter, header, type inference and cell values.

Both backends read a file the same way up to the header; the SQLite loader and the XLSX path then go on
row by row through ``csv_data_rows`` / ``xlsx_table``, while PostgreSQL's COPY parses CSV itself. The
messages and the line numbers (records, the header being line 1) are the same on both.
"""

import codecs
import csv
import io
import os
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from itertools import islice
from typing import IO, Any

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from .types import FIELD_TYPES, MAX_COLUMNS, MAX_FIELD_ID, FieldSpec, Inspection, TableError

# The part of a file read to detect the encoding and the delimiter and to infer types.
HEAD_BYTES = 1 << 20
INFER_ROWS = 1000
SAMPLE_ROWS = 20
READ_CHUNK = 1 << 20
DELIMITERS = (",", ";", "\t", "|")
CSV_SUFFIXES = (".csv", ".tsv")
XLSX_MAGIC = b"PK\x03\x04"
# openpyxl keeps an XLSX file's shared strings in memory: refuse files where they would not fit.
XLSX_MAX_SHARED_STRINGS = 100 << 20
# A quoted cell may hold long text; csv's default limit (128 KiB) is PostgreSQL-incompatible.
csv.field_size_limit(max(csv.field_size_limit(), 16 << 20))

Source = str | os.PathLike | IO[bytes]


# --- sources ----------------------------------------------------------------------------------------------------


@contextmanager
def open_source(file: Source) -> Iterator[IO[bytes]]:
    """A binary handle at offset 0 on a path, a Django ``File``/``UploadedFile`` or a binary file object.

    A file object is left at the position it had.
    """
    if isinstance(file, (str, os.PathLike)):
        with open(file, "rb") as handle:
            yield handle
        return
    if getattr(file, "closed", False) and hasattr(file, "open"):
        file.open("rb")
    position = file.tell()
    file.seek(0)
    try:
        yield file
    finally:
        file.seek(position)


def source_size(handle: IO[bytes]) -> int:
    handle.seek(0, os.SEEK_END)
    size = handle.tell()
    handle.seek(0)
    return size


def max_bytes() -> int:
    return settings.CONGSO_OPENDATA_MAX_UPLOAD_MB * 1024 * 1024


def too_big(size: int) -> TableError:
    # Rounded up, so that a file just over the limit does not read as equal to it.
    megabytes = number_format(-(-size * 10 // (1024 * 1024)) / 10, decimal_pos=1)
    return TableError(
        _("Tệp quá lớn ({size} MB); tối đa {limit} MB.").format(
            size=megabytes, limit=settings.CONGSO_OPENDATA_MAX_UPLOAD_MB
        )
    )


def check_size(size: int) -> None:
    if size > max_bytes():
        raise too_big(size)


def is_tabular(filename: str, head: bytes) -> bool:
    """Whether a file becomes a table: a ``.csv``/``.tsv`` name, or an ``.xlsx`` name with ZIP content."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        return head.startswith(XLSX_MAGIC)
    return name.endswith(CSV_SUFFIXES) and not head.startswith(XLSX_MAGIC)


# --- encoding and lines -----------------------------------------------------------------------------------------


def detect_encoding(head: bytes, *, complete: bool) -> str:
    """UTF-8 with or without BOM, UTF-16 with BOM, else Windows-1258 (what Excel writes on Vietnamese Windows)."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in head:
        raise TableError(
            _(
                "Tệp có byte 0 (NUL): không phải tệp văn bản CSV, hoặc là UTF-16 không có BOM. "
                "Hãy lưu lại dưới dạng CSV UTF-8."
            )
        )
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=complete)
    except UnicodeDecodeError as error:
        if any(byte >= 0x80 for byte in head[: error.start]):
            # Valid UTF-8 letters before the bad byte: a UTF-8 file with a broken byte, not Windows-1258.
            raise bad_bytes(head[: error.start].count(b"\n") + 1, "utf-8") from None
    else:
        return "utf-8"
    try:
        head.decode("cp1258")
    except UnicodeDecodeError:
        raise TableError(_("Không nhận ra bảng mã của tệp. Hãy lưu lại dưới dạng CSV UTF-8.")) from None
    return "cp1258"


def bad_bytes(line: int, encoding: str) -> TableError:
    return TableError(
        _("Dòng {line}: có byte không đọc được theo bảng mã {encoding}. Hãy lưu lại dưới dạng CSV UTF-8.").format(
            line=line, encoding=ENCODING_NAMES.get(encoding, encoding)
        )
    )


ENCODING_NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "utf-16": "UTF-16", "cp1258": "Windows-1258"}


def text_chunks(handle: IO[bytes], encoding: str) -> Iterator[str]:
    """The decoded text in pieces that end at a line end (NFC-normalised for Windows-1258).

    Windows-1258 writes Vietnamese with combining tone marks; NFC gives the precomposed letters the rest of
    the platform (and the search folding) expects. A NUL or undecodable byte raises a TableError with its line.
    """
    decoder = codecs.getincrementaldecoder(encoding)()
    carry = ""
    lines_done = 0
    while True:
        chunk = handle.read(READ_CHUNK)
        try:
            text = carry + decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as error:
            raise bad_bytes(lines_done + chunk[: error.start].count(b"\n") + 1, encoding) from None
        if "\x00" in text:
            raise bad_bytes(lines_done + text[: text.index("\x00")].count("\n") + 1, encoding)
        if chunk:
            cut = text.rfind("\n") + 1
            text, carry = text[:cut], text[cut:]
        if encoding == "cp1258":
            text = unicodedata.normalize("NFC", text)
        if text:
            lines_done += text.count("\n")
            yield text
        if not chunk:
            return


def split_lines(chunks: Iterable[str]) -> Iterator[str]:
    """Physical lines, each with its end (``\\n`` only: other separators may sit inside a cell)."""
    for chunk in chunks:
        start = 0
        while (end := chunk.find("\n", start)) != -1:
            yield chunk[start : end + 1]
            start = end + 1
        if start < len(chunk):
            yield chunk[start:]


def csv_records(lines: Iterable[str], delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """(line, cells) for every record; a blank line gives no cells.

    The line is the file's line where the record ends (a quoted cell may span lines), as PostgreSQL's COPY
    counts: what the publisher sees in an editor.
    """
    reader = csv.reader(lines, delimiter=delimiter, quotechar='"', doublequote=True, strict=True)
    try:
        for cells in reader:
            yield reader.line_num, cells
    except csv.Error:
        raise bad_quotes(reader.line_num) from None


def bad_quotes(line: int) -> TableError:
    return TableError(_("Dòng {line}: sai cú pháp CSV (dấu ngoặc kép không đóng hoặc thừa).").format(line=line))


def ragged(line: int, columns: int) -> TableError:
    return TableError(
        _("Dòng {line}: số ô khác với số cột của dòng tiêu đề ({columns} cột).").format(line=line, columns=columns)
    )


def data_rows(records: Iterator[tuple[int, list[str]]], columns: int) -> Iterator[tuple[int, list[str]]]:
    """The records after the header, each with ``columns`` cells; blank lines at the end are ignored.

    A blank line inside the data is a row of one empty cell, as PostgreSQL's COPY reads it: fine for a
    one-column table, a ragged row otherwise.
    """
    blanks: list[int] = []
    for line, cells in records:
        if not cells:
            blanks.append(line)
            continue
        for blank in blanks:
            if columns != 1:
                raise ragged(blank, columns)
            yield blank, [""]
        blanks.clear()
        if len(cells) != columns:
            raise ragged(line, columns)
        yield line, cells


def sniff_delimiter(lines: list[str]) -> str:
    """The delimiter that splits the first lines into the same number (≥ 2) of cells; a comma otherwise."""
    best, best_score = ",", (0.0, 1)
    for delimiter in DELIMITERS:
        try:
            rows = [cells for _line, cells in islice(csv_records(lines[:100], delimiter), 50) if cells]
        except TableError:
            continue
        if not rows or len(rows[0]) < 2:
            continue
        columns = len(rows[0])
        consistent = sum(len(row) == columns for row in rows) / len(rows)
        score = (consistent, columns)
        if score > best_score:
            best, best_score = delimiter, score
    return best


# --- header and types -------------------------------------------------------------------------------------------


def parse_header(cells: list[str]) -> list[str]:
    """The field ids: the header cells trimmed (inner white space collapsed), non-empty, unique, ≤ 63 chars."""
    if len(cells) > MAX_COLUMNS:
        raise TableError(_("Tệp có {count} cột; tối đa {limit} cột.").format(count=len(cells), limit=MAX_COLUMNS))
    ids: list[str] = []
    for position, cell in enumerate(cells, start=1):
        name = " ".join(cell.split())
        if not name:
            raise TableError(_("Cột thứ {position} của dòng tiêu đề không có tên.").format(position=position))
        if any(unicodedata.category(ch).startswith("C") for ch in name):
            raise TableError(_("Tên cột thứ {position} có ký tự điều khiển.").format(position=position))
        if len(name) > MAX_FIELD_ID:
            raise TableError(
                _("Tên cột “{name}…” dài quá {limit} ký tự.").format(name=name[:MAX_FIELD_ID], limit=MAX_FIELD_ID)
            )
        if name.startswith("_"):
            raise TableError(
                _("Tên cột “{name}” không được bắt đầu bằng dấu gạch dưới (dành cho hệ thống).").format(name=name)
            )
        if name in ids:
            raise TableError(_("Cột “{name}” có hai lần trong dòng tiêu đề.").format(name=name))
        ids.append(name)
    if not ids:
        raise TableError(_("Tệp không có dòng tiêu đề."))
    if all(looks_like(name, "numeric") or looks_like(name, "date") for name in ids):
        raise TableError(
            _("Dòng đầu tiên phải là dòng tiêu đề (tên các cột), nhưng chỉ có số hoặc ngày: “{first}”…").format(
                first=ids[0]
            )
        )
    return ids


_INFER = {
    # Narrower than what loading accepts: leading zeros (codes, phone numbers) stay text.
    "int": re.compile(r"[+-]?(?:0|[1-9]\d{0,17})"),
    "numeric": re.compile(r"[+-]?(?:0|[1-9]\d*)(?:\.\d+)?"),
    "bool": re.compile(r"true|false", re.IGNORECASE),
    "date": re.compile(r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}/\d{4}"),
    "timestamp": re.compile(
        r"(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}/\d{4})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)?"
    ),
}


def looks_like(text: str, kind: str) -> bool:
    """Whether a cell suggests ``kind`` when inferring types (a valid calendar date for dates)."""
    value = text.strip()
    if not value or not _INFER[kind].fullmatch(value):
        return False
    if kind in ("date", "timestamp"):
        try:
            parse_value(value, kind)
        except (ValueError, OverflowError):
            return False
    return True


def infer_types(rows: Iterable[list[str]], columns: int) -> list[str]:
    """For each column the narrowest type every non-empty cell fits (int, numeric, bool, date, timestamp, text)."""
    candidates = [set(FIELD_TYPES[:-1]) for _ in range(columns)]
    seen = [False] * columns
    for row in rows:
        for index, cell in enumerate(row):
            if cell == "" or not candidates[index]:
                continue
            seen[index] = True
            candidates[index] = {kind for kind in candidates[index] if looks_like(cell, kind)}
    return [
        next((kind for kind in FIELD_TYPES if kind in possible), "text") if any_value else "text"
        for possible, any_value in zip(candidates, seen, strict=True)
    ]


def merge_fields(ids: list[str], inferred: list[str], given: list[FieldSpec] | None) -> list[FieldSpec]:
    """The inferred fields, or the publisher's: same ids in the same order, known types, labels ≤ 200 chars."""
    if given is None:
        return [{"id": name, "type": kind, "label": name} for name, kind in zip(ids, inferred, strict=True)]
    if [str(spec.get("id", "")).strip() for spec in given] != ids:
        raise TableError(_("Các cột khai báo không khớp với dòng tiêu đề của tệp."))
    fields: list[FieldSpec] = []
    for spec, name in zip(given, ids, strict=True):
        kind = spec.get("type") or "text"
        if kind not in FIELD_TYPES:
            raise TableError(_("Kiểu “{type}” của cột “{field}” không hợp lệ.").format(type=kind, field=name))
        label = " ".join(str(spec.get("label") or name).split())[:200]
        fields.append({"id": name, "type": kind, "label": label})
    return fields


# --- cell values ------------------------------------------------------------------------------------------------

_INT = re.compile(r"[+-]?\d+")
_NUMERIC = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_NOT_FINITE = {"nan", "inf", "infinity", "+inf", "-inf", "+infinity", "-infinity", "+nan", "-nan"}
_TRUE = {"t", "true", "y", "yes", "on", "1"}
_FALSE = {"f", "false", "n", "no", "off", "0"}
_MOMENT = re.compile(
    r"(?:(?P<y>\d{4,})-(?P<m>\d{1,2})-(?P<d>\d{1,2})|(?P<d2>\d{1,2})/(?P<m2>\d{1,2})/(?P<y2>\d{4,}))"
    r"(?:[T ](?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.(?P<f>\d{1,6}))?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?"
)
INT_RANGE = (-(2**63), 2**63 - 1)


def parse_value(text: str, kind: str) -> Any:
    """A non-empty cell as the Python value of ``kind``, accepting what PostgreSQL's input functions accept
    for the formats we document (dates ISO or DD/MM/YYYY; a time zone suffix is ignored, as PostgreSQL does
    for ``timestamp``). Raises ValueError for a malformed value, OverflowError for one out of range."""
    if kind == "text":
        return text
    value = text.strip()
    if kind == "int":
        if not _INT.fullmatch(value):
            raise ValueError(text)
        number = int(value)
        if not INT_RANGE[0] <= number <= INT_RANGE[1]:
            raise OverflowError(text)
        return number
    if kind == "numeric":
        if value.lower() in _NOT_FINITE:
            raise OverflowError(text)
        if not _NUMERIC.fullmatch(value):
            raise ValueError(text)
        number = Decimal(value)
        if abs(number) >= Decimal("1e300"):
            raise OverflowError(text)
        return number
    if kind == "bool":
        lowered = value.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise ValueError(text)
    match = _MOMENT.fullmatch(value)
    if not match:
        raise ValueError(text)
    year = int(match["y"] or match["y2"])
    if year > 9999:
        raise OverflowError(text)
    day = date(year, int(match["m"] or match["m2"]), int(match["d"] or match["d2"]))
    if kind == "date":
        return day
    fraction = (match["f"] or "").ljust(6, "0")
    return datetime(
        day.year, day.month, day.day, int(match["H"] or 0), int(match["M"] or 0), int(match["S"] or 0), int(fraction)
    )


def type_label(kind: str) -> str:
    return {
        "int": _("số nguyên"),
        "numeric": _("số (dấu chấm thập phân)"),
        "bool": _("giá trị đúng/sai (true/false)"),
        "date": _("ngày (YYYY-MM-DD hoặc DD/MM/YYYY)"),
        "timestamp": _("thời điểm (YYYY-MM-DD HH:MM:SS)"),
    }[kind]


def shorten(value: str, limit: int = 30) -> str:
    return value if len(value) <= limit else value[:limit] + "…"


def bad_value(line: int, field: FieldSpec, value: str) -> TableError:
    return TableError(
        _("Dòng {line}, cột “{field}”: “{value}” không phải {type}.").format(
            line=line, field=field["id"], value=shorten(value), type=type_label(field["type"])
        )
    )


def out_of_range(line: int, field: FieldSpec) -> TableError:
    return TableError(
        _("Dòng {line}, cột “{field}”: giá trị nằm ngoài khoảng cho phép.").format(line=line, field=field["id"])
    )


# --- inspection -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CsvHead:
    """What the first MiB of a CSV file tells: encoding, delimiter, field ids, and the first data rows."""

    encoding: str
    delimiter: str
    ids: list[str]
    rows: list[list[str]]


def read_csv_head(head: bytes) -> CsvHead:
    complete = len(head) < HEAD_BYTES
    encoding = detect_encoding(head, complete=complete)
    text = "".join(text_chunks(io.BytesIO(head), encoding)) if complete else _partial_text(head, encoding)
    if not text.strip():
        raise TableError(_("Tệp trống."))
    lines = list(split_lines([text]))
    delimiter = sniff_delimiter(lines)
    records = csv_records(lines, delimiter)
    try:
        _line, header = next(records)
    except StopIteration:
        raise TableError(_("Tệp không có dòng tiêu đề.")) from None
    except TableError:
        if complete:
            raise
        raise TableError(_("Dòng tiêu đề quá dài hoặc sai cú pháp CSV.")) from None
    ids = parse_header(header)
    rows: list[list[str]] = []
    try:
        for _line, cells in islice(data_rows(records, len(ids)), INFER_ROWS):
            rows.append(cells)
    except TableError:
        # The head may end inside a quoted cell: the loader reads the whole file and reports real errors.
        if complete:
            raise
    return CsvHead(encoding=encoding, delimiter=delimiter, ids=ids, rows=rows)


def _partial_text(head: bytes, encoding: str) -> str:
    """The head decoded up to its last complete line."""
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        text = decoder.decode(head, final=False)
    except UnicodeDecodeError as error:
        raise bad_bytes(head[: error.start].count(b"\n") + 1, encoding) from None
    cut = text.rfind("\n") + 1
    if not cut:
        raise TableError(_("Dòng tiêu đề quá dài hoặc sai cú pháp CSV."))
    text = text[:cut]
    return unicodedata.normalize("NFC", text) if encoding == "cp1258" else text


def inspect(file: Source) -> Inspection:
    """Encoding, delimiter, fields with inferred types, and the first rows of an uploaded CSV or XLSX file."""
    with open_source(file) as handle:
        check_size(source_size(handle))
        head = handle.read(HEAD_BYTES)
        handle.seek(0)
        if head.startswith(XLSX_MAGIC):
            with xlsx_table(handle) as (ids, rows):
                inferred_rows = [cells for _row, cells in islice(rows, INFER_ROWS)]
            fields = merge_fields(ids, infer_types(inferred_rows, len(ids)), None)
            return Inspection(
                format="xlsx", encoding="xlsx", delimiter="", fields=fields, sample=inferred_rows[:SAMPLE_ROWS]
            )
        csv_head = read_csv_head(head)
    fields = merge_fields(csv_head.ids, infer_types(csv_head.rows, len(csv_head.ids)), None)
    return Inspection(
        format="csv",
        encoding=csv_head.encoding,
        delimiter=csv_head.delimiter,
        fields=fields,
        sample=csv_head.rows[:SAMPLE_ROWS],
    )


# --- XLSX -------------------------------------------------------------------------------------------------------


def cell_text(value: Any) -> str:
    """An XLSX cell as the text a CSV would hold (midnight datetimes as dates, whole floats as integers)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e18:
        return str(int(value))
    if isinstance(value, datetime):
        if value.time() == datetime.min.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    return str(value)


def unreadable_xlsx() -> TableError:
    return TableError(_("Không đọc được tệp Excel: tệp hỏng hoặc không phải XLSX."))


_XLSX_ERRORS = (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, TypeError, OSError, SyntaxError)


@contextmanager
def xlsx_table(handle: IO[bytes]) -> Iterator[tuple[list[str], Iterator[tuple[int, list[str]]]]]:
    """The field ids and the (sheet row, cells as text) of the first sheet; empty rows are skipped."""
    try:
        with zipfile.ZipFile(handle) as archive:
            shared = sum(info.file_size for info in archive.infolist() if info.filename.endswith("sharedStrings.xml"))
        handle.seek(0)
        if shared > XLSX_MAX_SHARED_STRINGS:
            raise TableError(_("Tệp Excel quá lớn để đọc; hãy lưu lại dưới dạng CSV UTF-8."))
        workbook = load_workbook(handle, read_only=True, data_only=True)
    except _XLSX_ERRORS:
        raise unreadable_xlsx() from None
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()
        values = sheet.iter_rows(values_only=True)
        try:
            first = next(values, None)
        except _XLSX_ERRORS:
            raise unreadable_xlsx() from None
        header = [cell_text(value) for value in first or ()]
        while header and not header[-1].strip():
            header.pop()
        if not header:
            raise TableError(_("Tệp không có dòng tiêu đề."))
        ids = parse_header(header)
        yield ids, _xlsx_rows(values, len(ids))
    finally:
        workbook.close()


def _xlsx_rows(values: Iterator[tuple], columns: int) -> Iterator[tuple[int, list[str]]]:
    try:
        for number, row in enumerate(values, start=2):
            cells = [cell_text(value) for value in row]
            if len(cells) > columns:
                if any(cells[columns:]):
                    raise ragged(number, columns)
                del cells[columns:]
            if not any(cells):
                continue
            cells.extend([""] * (columns - len(cells)))
            yield number, cells
    except _XLSX_ERRORS:
        raise unreadable_xlsx() from None
