"""Reading a table: ``search`` (CKAN datastore_search semantics), ``info``, ``export``.

Every identifier comes from the resource's field mapping (``c1``, ``c2``…), every value is an SQL parameter.
"""

import csv
import io
import json
import re
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from datetime import date, datetime
from decimal import Decimal
from operator import methodcaller
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from congso.core.text import fold, search_terms
from congso.opendata.models import Resource

from . import advice, reading
from .tables import FOLD_FROM, FOLD_TO, checked_table, column, column_map, is_postgresql, vi_compare
from .types import MAX_LIMIT, FieldSpec, QueryError, SearchPage, TableError

# Above this many matching rows (PostgreSQL planner's estimate) the total is the estimate, as CKAN does
# with ``total_estimation_threshold``: an exact count would scan that many index entries on every page.
ESTIMATE_ABOVE = 100_000
# A search running longer than this is cancelled (PostgreSQL) and reported as a QueryError.
STATEMENT_TIMEOUT_MS = 10_000
MAX_FILTER_VALUES = 1000
EXPORT_PAGE = 5000
# Exact totals kept per process (PostgreSQL), most recently used first: see ``_CountCache``.
COUNT_CACHE_SIZE = 4096
XLSX_MAX_ROWS = 1_048_575
ID_FIELD: FieldSpec = {"id": "_id", "type": "int", "label": "_id"}


def no_table() -> QueryError:
    return QueryError(_("Tài nguyên này không có bảng dữ liệu tra cứu."), field="resource_id")


# --- parameters -------------------------------------------------------------------------------------------------


def _count_param(value: Any, name: str, *, maximum: int | None) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)) or not re.fullmatch(r"\s*\d{1,12}\s*", str(value)):
        raise QueryError(_("“{name}” phải là số nguyên không âm.").format(name=name), field=name)
    number = int(value)
    if maximum is not None and number > maximum:
        raise QueryError(
            _("“{name}” tối đa là {maximum}.").format(name=name, maximum=maximum),
            field=name,
        )
    return number


def _field_ids(value: Any, mapping: dict[str, tuple[str, str]]) -> list[str]:
    if value is None:
        return [name for name in mapping if name != "_id"]
    if isinstance(value, str):
        value = [part.strip() for part in value.split(",") if part.strip()]
    if not isinstance(value, (list, tuple)) or not all(isinstance(name, str) for name in value):
        raise QueryError(_("“fields” phải là danh sách tên cột."), field="fields")
    ids: list[str] = []
    for name in value:
        if name not in mapping:
            raise unknown_field(name)
        if name != "_id" and name not in ids:
            ids.append(name)
    return ids


def unknown_field(name: str, *, parameter: str | None = None) -> QueryError:
    """No column ``name``; the error names ``parameter`` if given, else the field itself."""
    return QueryError(_("Không có cột “{field}”.").format(field=reading.shorten(name, 63)), field=parameter or name)


def _filter_value(value: Any, name: str, kind: str) -> Any:
    """A filter value cast to the column's type (QueryError if it does not fit), as the backend stores it."""
    if value is None:
        return None
    if isinstance(value, bool):
        if kind != "bool":
            raise _bad_filter(name, kind, str(value).lower())
        parsed: Any = value
    elif isinstance(value, (int, float)) and kind in ("int", "numeric"):
        text = repr(value)
        if kind == "int" and isinstance(value, float) and not value.is_integer():
            raise _bad_filter(name, kind, text)
        parsed = _parse(str(int(value)) if kind == "int" else text, name, kind)
    elif isinstance(value, (str, int, float)):
        text = str(value)
        if "\x00" in text:
            raise QueryError(_("Giá trị lọc có ký tự không hợp lệ."), field=name)
        parsed = text if kind == "text" else _parse(text, name, kind)
    else:
        raise QueryError(
            _("Giá trị lọc của cột “{field}” phải là chuỗi, số, hoặc danh sách các giá trị đó.").format(field=name),
            field=name,
        )
    if is_postgresql():
        return parsed
    if kind == "numeric":
        return float(parsed)
    if kind == "bool":
        return int(parsed)
    if kind in ("date", "timestamp"):
        return parsed.isoformat()
    return parsed


def _parse(text: str, name: str, kind: str) -> Any:
    if not text.strip():
        raise _bad_filter(name, kind, text)
    try:
        return reading.parse_value(text, kind)
    except (ValueError, OverflowError):
        raise _bad_filter(name, kind, text) from None


def _bad_filter(name: str, kind: str, text: str) -> QueryError:
    return QueryError(
        _("Giá trị “{value}” của cột “{field}” không phải {type}.").format(
            value=reading.shorten(text), field=name, type=reading.type_label(kind)
        ),
        field=name,
    )


def _where(
    filters: Any, q: Any, mapping: dict[str, tuple[str, str]], fields: list[FieldSpec]
) -> tuple[list[str], list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if filters:
        if not isinstance(filters, dict):
            raise QueryError(_("“filters” phải là một đối tượng JSON dạng “cột”: giá trị."), field="filters")
        for name, raw in filters.items():
            if name not in mapping:
                raise unknown_field(str(name))
            sql_column, kind = mapping[name]
            values = list(raw) if isinstance(raw, (list, tuple)) else [raw]
            if not values or len(values) > MAX_FILTER_VALUES:
                raise QueryError(
                    _("Lọc theo cột “{field}” cần từ 1 đến {limit} giá trị.").format(
                        field=name, limit=MAX_FILTER_VALUES
                    ),
                    field=name,
                )
            cast = [_filter_value(value, name, kind) for value in values]
            present = list(dict.fromkeys(value for value in cast if value is not None))
            parts = []
            if len(present) == 1:
                parts.append(f"{sql_column} = %s")
            elif present:
                parts.append(f"{sql_column} IN ({', '.join(['%s'] * len(present))})")
            if len(present) < len(cast):
                parts.append(f"{sql_column} IS NULL")
            clauses.append(parts[0] if len(parts) == 1 else f"({' OR '.join(parts)})")
            params += present
    if q:
        targets = _q_targets(q, mapping, fields)
        for expression, text in targets:
            terms = search_terms(text)
            for term in terms:
                clauses.append(f"{expression} LIKE %s ESCAPE '\\'")
                params.append("%" + re.sub(r"([\\%_])", r"\\\1", term) + "%")
    return clauses, params


def _q_targets(q: Any, mapping: dict[str, tuple[str, str]], fields: list[FieldSpec]) -> list[tuple[str, str]]:
    """(folded SQL expression, query text) pairs: the whole row's text for a string, one column per dict key."""
    if isinstance(q, str):
        if "\x00" in q:
            raise QueryError(_("Từ khóa có ký tự không hợp lệ."), field="q")
        text_columns = [column(index) for index, spec in enumerate(fields) if spec["type"] == "text"]
        if not text_columns:
            return [("''", q)]
        if is_postgresql():
            joined = " || ' ' || ".join(f"coalesce({name}, '')" for name in text_columns)
            return [(_pg_fold(joined), q)]
        return [("_fold", q)]
    if isinstance(q, dict):
        targets = []
        for name, text in q.items():
            if name not in mapping:
                raise unknown_field(str(name))
            if not isinstance(text, str) or "\x00" in text:
                raise QueryError(_("Từ khóa có ký tự không hợp lệ."), field=name)
            sql_column, kind = mapping[name]
            as_text = sql_column if kind == "text" else f"CAST({sql_column} AS TEXT)"
            targets.append((_pg_fold(as_text) if is_postgresql() else f"congso_fold({as_text})", text))
        return targets
    raise QueryError(_("“q” phải là chuỗi, hoặc một đối tượng JSON dạng “cột”: từ khóa."), field="q")


def _pg_fold(expression: str) -> str:
    # FOLD_FROM/FOLD_TO are constants of this module; as literals the planner sees an immutable expression.
    source = FOLD_FROM.replace("'", "''")
    target = FOLD_TO.replace("'", "''")
    return f"translate(lower({expression}), '{source}', '{target}')"


def parse_sort(sort: Any, mapping: dict[str, tuple[str, str]]) -> list[tuple[str, bool]]:
    """CKAN's sort: ``"col1 desc, col2"``; a name with spaces or commas may be double-quoted (``"\\"Tên\\" desc"``).

    Returns (SQL column, descending) pairs, ending with ``_id`` so that pages are stable. The ``_id``
    tie-breaker goes the way of the last sort key: ``"a desc"`` is ``a DESC, _id DESC``, which PostgreSQL
    answers by walking the ``(a, _id)`` index backwards (mixed directions would need a sort of every match).
    """
    if sort in (None, ""):
        return [("_id", False)]
    if not isinstance(sort, str) or len(sort) > 2000:
        raise QueryError(_("“sort” phải là chuỗi dạng “cột desc, cột khác”."), field="sort")
    order: list[tuple[str, bool]] = []
    for name, direction in _sort_items(sort):
        if name not in mapping:
            raise unknown_field(name)
        order.append((mapping[name][0], direction == "desc"))
    if not any(sql_column == "_id" for sql_column, _desc in order):
        order.append(("_id", order[-1][1] if order else False))
    return order


_SORT_ITEM = re.compile(r'\s*(?:"((?:[^"]|"")*)"|([^,"]+?))(?:\s+(asc|desc))?\s*(?:,|$)', re.IGNORECASE)


def _sort_items(sort: str) -> Iterator[tuple[str, str]]:
    position = 0
    while position < len(sort):
        match = _SORT_ITEM.match(sort, position)
        if not match or match.end() == position:
            raise QueryError(
                _("Không hiểu “sort”: “{sort}”. Dạng đúng: “cột desc, cột khác asc”.").format(
                    sort=reading.shorten(sort, 60)
                ),
                field="sort",
            )
        quoted, bare, direction = match.groups()
        name = quoted.replace('""', '"') if quoted is not None else bare.strip()
        if name:
            yield name, (direction or "asc").lower()
        position = match.end()


def _order_sql(order: list[tuple[str, bool]], text_columns: set[str]) -> str:
    # NULLs sort as PostgreSQL sorts them by default (after every value ascending, before them descending), so
    # one B-tree index on (column, _id) serves both directions there; SQLite is told to do the same, and to
    # sort text in Vietnamese order as PostgreSQL's column collation does.
    if is_postgresql():
        return ", ".join(f"{name} DESC" if desc else name for name, desc in order)
    terms = []
    for name, desc in order:
        collated = f"{name} COLLATE vi" if name in text_columns else name
        terms.append(f"{collated} DESC NULLS FIRST" if desc else f"{collated} NULLS LAST")
    return ", ".join(terms)


# --- search -----------------------------------------------------------------------------------------------------


def _record_value(value: Any, kind: str) -> Any:
    """A stored value as JSON-safe Python: numerics as float, dates and timestamps as ISO 8601 strings."""
    if value is None:
        return None
    if kind == "numeric":
        return float(value)
    if kind == "bool":
        return bool(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


# ``_record_value`` per type for a page's records, without a call per cell where nothing changes: PostgreSQL
# returns dates and timestamps as Python objects, SQLite as the ISO text they were stored as.
_PG_CONVERTERS: dict[str, Callable[[Any], Any] | None] = {
    "text": None,
    "int": None,
    "numeric": float,
    "bool": None,
    "date": methodcaller("isoformat"),
    "timestamp": methodcaller("isoformat"),
}
_SQLITE_CONVERTERS: dict[str, Callable[[Any], Any] | None] = {
    **_PG_CONVERTERS,
    "bool": bool,
    "date": None,
    "timestamp": None,
}


def search(
    resource: Resource,
    *,
    q: Any = "",
    filters: dict | None = None,
    fields: list[str] | None = None,
    sort: str = "",
    limit: int = 100,
    offset: int = 0,
    include_total: bool = True,
) -> SearchPage:
    """One page of a resource's table (CKAN ``datastore_search``).

    - ``filters``: ``{field id: value or [values]}``, equality (several values: any of them; ``None``: empty
      cell), values cast to the column's type; fields combine with AND.
    - ``q``: words (diacritics and case ignored) that must all appear in the row's text cells; or
      ``{field id: words}`` for given columns.
    - ``fields``: the field ids to return (default all), ``_id`` always added.
    - ``sort``: ``"field desc, other asc"`` (default the file order); empty cells come last ascending and
      first descending; rows that tie are in file order, reversed when the last sort key is descending.
    - ``limit`` 0–32000, ``offset`` ≥ 0.
    Raises QueryError (``.field`` names the culprit) for anything else.
    """
    if not resource.datastore_active or not resource.table_name:
        raise no_table()
    limit = _count_param(limit, "limit", maximum=MAX_LIMIT)
    offset = _count_param(offset, "offset", maximum=None)
    started = time.perf_counter()
    page = _retrying(resource, lambda: _search(resource, q, filters, fields, sort, limit, offset, include_total))
    elapsed_ms = (time.perf_counter() - started) * 1000
    if elapsed_ms >= advice.SLOW_SEARCH_MS and not q:
        columns = advice.shape(filters, [name for name, _direction in _sort_items(sort or "")])
        if columns is not None:
            advice.note(resource, columns, elapsed_ms)
    return page


def _retrying(resource: Resource, run: Callable[[], Any]) -> Any:
    """Run a read; if its table was swapped out by a load meanwhile, read the resource again and retry once."""
    try:
        return _guarded(run)
    except DatabaseError as error:
        if getattr(error.__cause__, "sqlstate", None) != "42P01" and "no such table" not in str(error):
            raise
    resource.refresh_from_db(fields=["table_name", "fields", "row_count", "datastore_active"])
    if not resource.datastore_active or not resource.table_name:
        raise no_table()
    return _guarded(run)


def _one_trip() -> bool:
    """Whether a search's statements go to PostgreSQL as one message (see ``_fetch``): PostgreSQL in
    autocommit (no transaction of the caller's that ``SET LOCAL`` would outlive) with client-side parameter
    binding (psycopg's server-side binding takes one statement at a time)."""
    return (
        is_postgresql()
        and not connection.in_atomic_block
        and connection.get_autocommit()
        and connection.settings_dict.get("OPTIONS", {}).get("server_side_binding") is not True
    )


def _guarded(run: Callable[[], Any]) -> Any:
    """Run a search under the statement timeout (PostgreSQL); a cancelled statement becomes a QueryError.

    In autocommit every message carries its own ``SET LOCAL statement_timeout`` (``_fetch``); inside a
    caller's transaction the timeout is set once, in a savepoint.
    """
    if not is_postgresql():
        return run()
    try:
        if _one_trip():
            return run()
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL statement_timeout = {int(STATEMENT_TIMEOUT_MS)}")
            return run()
    except DatabaseError as error:
        if getattr(error.__cause__, "sqlstate", None) == "57014":  # query_canceled
            raise QueryError(
                _("Tra cứu mất quá nhiều thời gian; hãy thêm điều kiện lọc hoặc bớt từ khóa."), field="q"
            ) from None
        raise


def _fetch(cursor, statements: list[tuple[str, list[Any]]]) -> list[list[tuple]]:
    """The rows of each statement.

    On PostgreSQL in autocommit they go as one simple-query message, ``SET LOCAL statement_timeout = …;
    s1; s2``: PostgreSQL runs such a message as one implicit transaction, which scopes the timeout (nothing
    outlives the message) and gives every statement the same snapshot; one round trip instead of BEGIN, SET,
    the statements and COMMIT. Otherwise one statement at a time (``_guarded`` has set the timeout).
    """
    if not _one_trip():
        results = []
        for sql, params in statements:
            cursor.execute(sql, params)
            results.append(cursor.fetchall())
        return results
    timeout = f"SET LOCAL statement_timeout = {int(STATEMENT_TIMEOUT_MS)}"
    message = "; ".join([timeout, *(sql for sql, _params in statements)])
    cursor.execute(message, [param for _sql, params in statements for param in params])
    results = []
    for _statement in statements:
        cursor.nextset()
        results.append(cursor.fetchall())
    return results


def _search(
    resource: Resource,
    q: Any,
    filters: Any,
    fields: Any,
    sort: Any,
    limit: int,
    offset: int,
    include_total: bool,
) -> SearchPage:
    specs: list[FieldSpec] = resource.fields
    mapping = column_map(specs)
    ids = _field_ids(fields, mapping)
    order = parse_sort(sort, mapping)
    clauses, params = _where(filters, q, mapping, specs)
    _prepare_sqlite()
    table = checked_table(resource.table_name)
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    selected = [("_id", "int"), *[(mapping[name][0], mapping[name][1]) for name in ids]]
    text_columns = {sql_column for sql_column, kind in mapping.values() if kind == "text"}
    statements = [
        (
            f"SELECT {', '.join(name for name, _kind in selected)} FROM {table}{where} "  # noqa: S608 - generated names
            f"ORDER BY {_order_sql(order, text_columns)} LIMIT %s OFFSET %s",
            [*params, limit, offset],
        )
    ]
    # Asked with the page (a plan and a catalogue lookup, not a round trip), for ``_total`` when the page is
    # full: the planner's estimate of the matching rows, and the table's OID (the count cache's key).
    estimate_asked = include_total and bool(where) and is_postgresql()
    if estimate_asked:
        statements.append((f"EXPLAIN (FORMAT JSON) SELECT 1 FROM {table}{where}", params))  # noqa: S608
        statements.append(("SELECT %s::regclass::oid", [table]))
    with connection.cursor() as cursor:
        results = _fetch(cursor, statements)
        rows = results[0]
        names = ["_id", *ids]
        records = [dict(zip(names, row, strict=True)) for row in rows]
        converters = _PG_CONVERTERS if is_postgresql() else _SQLITE_CONVERTERS
        for name, (_sql, kind) in zip(names, selected, strict=True):
            convert = converters[kind]
            if convert is not None:
                for record in records:
                    value = record[name]
                    if value is not None:
                        record[name] = convert(value)
        total, estimated = None, False
        if include_total:
            planned = (_plan_rows(results[1][0][0]), int(results[2][0][0])) if estimate_asked else None
            total, estimated = _total(cursor, table, where, params, resource, len(rows), limit, offset, planned)
    by_id = {spec["id"]: spec for spec in specs}
    return SearchPage(
        fields=[ID_FIELD, *[by_id[name] for name in ids]],
        records=records,
        total=total,
        total_was_estimated=estimated,
    )


def _plan_rows(plan: Any) -> int:
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return int(plan[0]["Plan"]["Plan Rows"])


class _CountCache:
    """Exact totals of recent searches, shared by the threads of a process.

    A table never changes once loaded (a new load makes a new table and drops the old one), so the number
    of its rows matching a WHERE clause is a fact that can be kept: a client paging through a filter pays
    the count once per process instead of on every page. The key holds the table's OID besides its name:
    a name comes back when a resource's table is dropped and loaded again, an OID only after PostgreSQL has
    handed out four billion others. If tables ever become writable in place, this cache must go.
    """

    def __init__(self, size: int):
        self.size = size
        self._entries: OrderedDict[tuple, int] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> int | None:
        with self._lock:
            count = self._entries.get(key)
            if count is not None:
                self._entries.move_to_end(key)
            return count

    def put(self, key: tuple, count: int) -> None:
        with self._lock:
            self._entries[key] = count
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


_counts = _CountCache(COUNT_CACHE_SIZE)


def _total(
    cursor,
    table: str,
    where: str,
    params: list[Any],
    resource: Resource,
    got: int,
    limit: int,
    offset: int,
    planned: tuple[int, int] | None,
) -> tuple[int, bool]:
    """The number of matching rows: the row count without a filter; what the page shows when it ends the
    results; the planner's estimate above ``ESTIMATE_ABOVE`` (``planned`` = estimate, table OID, on
    PostgreSQL); otherwise an exact count, kept in ``_counts`` on PostgreSQL."""
    if not where:
        return int(resource.row_count or 0), False
    if 0 < got < limit or (got == 0 and offset == 0 and limit > 0):
        return offset + got, False
    key = None
    if planned is not None:
        estimate, oid = planned
        if estimate > ESTIMATE_ABOVE:
            return estimate, True
        key = (oid, table, where, tuple(params))
        count = _counts.get(key)
        if count is not None:
            return count, False
    [[(count,)]] = _fetch(cursor, [(f"SELECT count(*) FROM {table}{where}", params)])  # noqa: S608 - generated names
    if key is not None:
        _counts.put(key, int(count))
    return int(count), False


def _prepare_sqlite() -> None:
    """SQLite's connection gets ``congso_fold`` (``q`` on one column; the whole-row ``q`` uses the stored
    ``_fold``) and the ``vi`` collation (sorting text)."""
    if is_postgresql():
        return
    connection.ensure_connection()
    connection.connection.create_function(
        "congso_fold", 1, lambda value: fold(value) if value is not None else None, deterministic=True
    )
    connection.connection.create_collation("vi", vi_compare)


def info(resource: Resource) -> dict[str, Any]:
    """The table's fields and row count (CKAN ``datastore_info``): ``{"fields": [...], "row_count": n}``."""
    if not resource.datastore_active or not resource.table_name:
        raise no_table()
    return {"fields": list(resource.fields), "row_count": int(resource.row_count or 0)}


# --- export -----------------------------------------------------------------------------------------------------

EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def export(resource: Resource, fmt: str) -> tuple[Iterator[bytes], str, str]:
    """The whole table in file order as (bytes iterator, content type, file name), streamed page by page.

    - ``csv``: UTF-8 with BOM (Excel opens it right), comma, CRLF, header = field ids; empty cells empty,
      booleans ``true``/``false``, dates ``YYYY-MM-DD``, timestamps ``YYYY-MM-DD HH:MM:SS``, numerics as stored.
    - ``json``: an array of objects keyed by field id, values as in ``search`` records (no ``_id``).
    - ``xlsx``: one sheet, header row of field ids, typed cells (text never read as a formula).
    Loading an export again gives the same table. Raises QueryError (no table, unknown format) or TableError
    (more rows than an XLSX sheet holds).
    """
    if not resource.datastore_active or not resource.table_name:
        raise no_table()
    fmt = str(fmt).lower()
    if fmt not in EXPORT_TYPES:
        raise QueryError(_("Định dạng tải về phải là CSV, JSON hoặc XLSX."), field="format")
    if fmt == "xlsx" and (resource.row_count or 0) > XLSX_MAX_ROWS:
        raise TableError(
            _("Bảng có {rows} dòng, nhiều hơn một trang tính Excel chứa được; hãy tải CSV.").format(
                rows=resource.row_count
            )
        )
    writer = {"csv": _csv_bytes, "json": _json_bytes, "xlsx": _xlsx_bytes}[fmt]
    return writer(resource), EXPORT_TYPES[fmt], f"{_file_stem(resource)}.{fmt}"


def _file_stem(resource: Resource) -> str:
    return slugify(fold(resource.name))[:80].strip("-") or f"tai-nguyen-{resource.pk.hex[:8]}"


def _rows(resource: Resource) -> Iterator[tuple]:
    """The table's rows without ``_id``, by pages on ``_id`` (each page its own short query)."""
    table = checked_table(resource.table_name)
    names = ", ".join(column(index) for index in range(len(resource.fields)))
    last = 0
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT _id, {names} FROM {table} WHERE _id > %s ORDER BY _id LIMIT %s",  # noqa: S608 - generated names
                [last, EXPORT_PAGE],
            )
            page = cursor.fetchall()
        for row in page:
            yield row[1:]
        if len(page) < EXPORT_PAGE:
            return
        last = page[-1][0]


def _csv_cell(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if kind == "bool":
        return "true" if value else "false"
    if kind == "numeric":
        return str(value) if isinstance(value, Decimal) else repr(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if kind == "timestamp":
        return str(value).replace("T", " ")
    return str(value)


def _csv_bytes(resource: Resource) -> Iterator[bytes]:
    kinds = [spec["type"] for spec in resource.fields]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([spec["id"] for spec in resource.fields])
    yield b"\xef\xbb\xbf" + buffer.getvalue().encode()
    buffer.seek(0)
    buffer.truncate()
    for count, row in enumerate(_rows(resource), start=1):
        writer.writerow([_csv_cell(value, kind) for value, kind in zip(row, kinds, strict=True)])
        if count % 1000 == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def _json_bytes(resource: Resource) -> Iterator[bytes]:
    names = [spec["id"] for spec in resource.fields]
    kinds = [spec["type"] for spec in resource.fields]
    parts = ["["]
    first = True
    for row in _rows(resource):
        record = {name: _record_value(value, kind) for name, kind, value in zip(names, kinds, row, strict=True)}
        parts.append(("\n" if first else ",\n") + json.dumps(record, ensure_ascii=False))
        first = False
        if len(parts) >= 1000:
            yield "".join(parts).encode()
            parts = []
    parts.append("\n]\n")
    yield "".join(parts).encode()


def _xlsx_cell(sheet, value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == "text":
        cell = WriteOnlyCell(sheet, ILLEGAL_CHARACTERS_RE.sub("", value))
        cell.data_type = "s"  # never a formula, whatever the text starts with
        return cell
    if kind == "bool":
        return bool(value)
    if kind == "date" and isinstance(value, str):
        return date.fromisoformat(value)
    if kind == "timestamp" and isinstance(value, str):
        return datetime.fromisoformat(value)
    return value


def _xlsx_bytes(resource: Resource) -> Iterator[bytes]:
    kinds = [spec["type"] for spec in resource.fields]
    with tempfile.TemporaryFile() as spool:
        workbook = Workbook(write_only=True)
        title = re.sub(r"[\[\]:*?/\\]", " ", resource.name).strip()[:31] or "Sheet1"
        sheet = workbook.create_sheet(title)
        header = []
        for spec in resource.fields:
            cell = WriteOnlyCell(sheet, ILLEGAL_CHARACTERS_RE.sub("", spec["id"]))
            cell.data_type = "s"
            header.append(cell)
        sheet.append(header)
        for row in _rows(resource):
            sheet.append([_xlsx_cell(sheet, value, kind) for value, kind in zip(row, kinds, strict=True)])
        workbook.save(spool)
        spool.seek(0)
        while chunk := spool.read(reading.READ_CHUNK):
            yield chunk
