"""Loading a file into a new table and swapping it in (``load``), on PostgreSQL and on SQLite.

PostgreSQL: the file's bytes go to ``COPY … FROM STDIN (FORMAT csv, FREEZE)`` in 1 MiB chunks (transcoded
to UTF-8 first only when the file is UTF-16 or Windows-1258); PostgreSQL parses and type-checks, and its
error (line, column, value in the error context) becomes a Vietnamese TableError. The table is created in
the same (sub)transaction, so FREEZE writes the rows already frozen and all-visible: counts can use
index-only scans at once, and no VACUUM is needed later (without FREEZE when the caller's transaction
does not allow it: autovacuum then catches up). SQLite: Python parses and converts, then
``executemany`` in batches. Then the swap, in the same transaction: the table is loaded and queryable when
it commits. Indexes and ``ANALYZE``: on SQLite in the transaction too; on PostgreSQL right after the commit
(``build_indexes``, from ``transaction.on_commit``), so that the load's transaction holds the COPY only.
"""

import re
from array import array
from collections.abc import Iterable, Iterator
from functools import partial
from itertools import chain, islice
from typing import IO, Any

import psycopg
from django.db import DatabaseError, connection, transaction
from django.utils.translation import gettext as _

from congso.core.text import fold
from congso.opendata.models import Resource

from . import reading
from .querying import unknown_field
from .tables import (
    PG_CHECKS,
    SQLITE_TYPES,
    checked_table,
    column,
    is_postgresql,
    pg_column_type,
    table_name,
    table_number,
)
from .types import FieldSpec, QueryError, TableError

SQLITE_BATCH = 2000
# maintenance_work_mem of an index build (PostgreSQL's default is 64MB; a parallel build shares it).
INDEX_MEMORY = "128MB"
# A declared combined index is named ``<table>_x_<columns>`` (``ds_…_3_x_c4_c9``): these are the indexes a
# rebuild may drop when they are no longer declared.
COMBINED_INFIX = "_x_"
MAX_COMBINED_INDEXES = 5
_PG_DELIMITERS = {",": "','", ";": "';'", "\t": "E'\\t'", "|": "'|'"}


def load(*, resource: Resource, file: reading.Source, fields: list[FieldSpec] | None = None) -> int:
    """Load a CSV or XLSX file into a new table of ``resource`` and make it current; returns the row count.

    ``fields`` (from ``inspect``, types possibly edited) must list the file's header in order; without it
    the inferred types are used. On success the resource's ``table_name``, ``fields``, ``row_count`` and
    ``datastore_active`` are saved and the previous table is dropped, all in one transaction; on any error
    (TableError) nothing has changed and no table is left.

    On PostgreSQL the indexes and statistics are built when that transaction commits (the caller's, if
    ``load`` runs inside one): the table answers searches at once, by scanning until its indexes exist.
    ``build_indexes`` runs from ``transaction.on_commit`` in the same thread, so ``load`` itself returns
    after them when it is not inside a transaction.
    """
    with reading.open_source(file) as handle:
        size = reading.source_size(handle)
        reading.check_size(size)
        head = handle.read(reading.HEAD_BYTES)
        handle.seek(0)
        with transaction.atomic():
            current = Resource.objects.select_for_update().only("id", "table_name", "indexes").get(pk=resource.pk)
            table = table_name(resource.pk.hex, table_number(current.table_name) + 1)
            if head.startswith(reading.XLSX_MAGIC):
                with reading.xlsx_table(handle) as (ids, rows):
                    rows = iter(rows)
                    first = list(islice(rows, reading.INFER_ROWS))
                    inferred = reading.infer_types([cells for _number, cells in first], len(ids))
                    spec = reading.merge_fields(ids, inferred, fields)
                    _create(table, spec)
                    count = _fill_rows(table, spec, chain(first, rows))
            else:
                csv_head = reading.read_csv_head(head)
                inferred = reading.infer_types(csv_head.rows, len(csv_head.ids))
                spec = reading.merge_fields(csv_head.ids, inferred, fields)
                _create(table, spec)
                if is_postgresql():
                    count = _pg_copy_csv(table, spec, handle, csv_head)
                else:
                    lines = reading.split_lines(reading.text_chunks(handle, csv_head.encoding))
                    records = reading.csv_records(lines, csv_head.delimiter)
                    next(records)  # the header, read already
                    count = _fill_rows(table, spec, reading.data_rows(records, len(spec)))
            combined = kept_indexes(current.indexes, spec)
            if not is_postgresql():
                build_indexes(table, spec, combined)
            old = current.table_name
            resource.table_name = table
            resource.fields = spec
            resource.row_count = count
            resource.datastore_active = True
            resource.indexes = combined
            resource.save(update_fields=["table_name", "fields", "row_count", "datastore_active", "indexes"])
            if old:
                drop_table(old)
            if is_postgresql():
                transaction.on_commit(partial(build_indexes, table, spec, combined), robust=True)
    return count


def drop_table(name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {checked_table(name)}")


def _create(table: str, fields: list[FieldSpec]) -> None:
    quoted = checked_table(table)
    if is_postgresql():
        # One session numbers the rows, so a cached sequence still gives 1…n in file order (10 % off the COPY).
        # No primary key here: COPY would maintain its B-tree row by row; built afterwards, it costs a third.
        columns = ["_id bigint GENERATED ALWAYS AS IDENTITY (CACHE 10000)"]
        checks = []
        for index, spec in enumerate(fields):
            name = column(index)
            columns.append(f"{name} {pg_column_type(spec['type'])}")
            if spec["type"] in PG_CHECKS:
                checks.append(f"CONSTRAINT {name}_range CHECK ({PG_CHECKS[spec['type']].format(c=name)})")
        sql = f"CREATE TABLE {quoted} ({', '.join(columns + checks)})"
    else:
        columns = ["_id INTEGER PRIMARY KEY"]
        columns += [f"{column(index)} {SQLITE_TYPES[spec['type']]}" for index, spec in enumerate(fields)]
        columns.append("_fold TEXT")
        sql = f"CREATE TABLE {quoted} ({', '.join(columns)})"
    with connection.cursor() as cursor:
        cursor.execute(sql)


def kept_indexes(declared: Any, fields: list[FieldSpec]) -> list[list[str]]:
    """The declared combined indexes (lists of field ids) whose every field is still a column of ``fields``."""
    ids = {spec["id"] for spec in fields}
    if not isinstance(declared, list):
        return []
    return [list(index) for index in declared if isinstance(index, list) and index and set(index) <= ids]


def check_indexes(declared: Any, fields: list[FieldSpec]) -> list[list[str]]:
    """Declared combined indexes, checked against the table's ``fields``: at most ``MAX_COMBINED_INDEXES``, each
    2 or 3 different field ids, no two alike. QueryError (``field="indexes"``, Vietnamese) otherwise."""
    if not isinstance(declared, (list, tuple)):
        raise QueryError(_("Chỉ mục kết hợp phải là danh sách các danh sách cột."), field="indexes")
    if len(declared) > MAX_COMBINED_INDEXES:
        raise QueryError(
            _("Một bảng có tối đa {limit} chỉ mục kết hợp.").format(limit=MAX_COMBINED_INDEXES), field="indexes"
        )
    ids = {spec["id"] for spec in fields}
    checked: list[list[str]] = []
    for index in declared:
        names = list(index) if isinstance(index, (list, tuple)) else []
        if not 2 <= len(names) <= 3 or not all(isinstance(name, str) for name in names) or len(set(names)) < len(names):
            raise QueryError(_("Mỗi chỉ mục kết hợp gồm 2 hoặc 3 cột khác nhau."), field="indexes")
        unknown = next((name for name in names if name not in ids), None)
        if unknown is not None:
            raise unknown_field(unknown, parameter="indexes")
        if names in checked:
            raise QueryError(_("Chỉ mục kết hợp này đã có."), field="indexes")
        checked.append(names)
    return checked


def _wanted_indexes(table: str, fields: list[FieldSpec], combined: list[list[str]]) -> dict[str, tuple[bool, str]]:
    """Index name → (unique, column list), in build order: ``_id`` (PostgreSQL; on SQLite it is the rowid),
    the declared combined indexes (the searches a publisher said are frequent), then one per column except
    booleans. Every index ends with ``_id`` (implicitly on SQLite), the tie-breaker of every sort."""
    postgresql = is_postgresql()
    tail = ", _id" if postgresql else ""
    wanted: dict[str, tuple[bool, str]] = {}
    if postgresql:
        wanted[f"{table}__id"] = (True, "_id")
    columns = {spec["id"]: column(index) for index, spec in enumerate(fields)}
    for index in kept_indexes(combined, fields):
        names = [columns[field_id] for field_id in index]
        wanted[f"{table}{COMBINED_INFIX}{'_'.join(names)}"] = (False, ", ".join(names) + tail)
    for index, spec in enumerate(fields):
        if spec["type"] != "bool":
            wanted[f"{table}_{column(index)}"] = (False, column(index) + tail)
    return wanted


def _table_state(cursor, table: str) -> tuple[set[str], bool] | None:
    """The names of the table's indexes and whether it has statistics; None if there is no such table."""
    if is_postgresql():
        cursor.execute(
            "SELECT to_regclass(%s) IS NOT NULL, "
            "ARRAY(SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = %s), "
            "EXISTS (SELECT 1 FROM pg_stats WHERE schemaname = current_schema() AND tablename = %s)",
            [checked_table(table), table, table],
        )
        exists, names, analyzed = cursor.fetchone()
        return (set(names), analyzed) if exists else None
    cursor.execute("SELECT type, name FROM sqlite_master WHERE tbl_name = %s", [table])
    rows = cursor.fetchall()
    if not any(kind == "table" for kind, _name in rows):
        return None
    cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'")
    analyzed = False
    if cursor.fetchone():
        cursor.execute("SELECT 1 FROM sqlite_stat1 WHERE tbl = %s LIMIT 1", [table])
        analyzed = cursor.fetchone() is not None
    return {name for kind, name in rows if kind == "index"}, analyzed


def build_indexes(table: str, fields: list[FieldSpec], combined: list[list[str]] | None = None) -> bool:
    """Bring a loaded table's statistics and indexes up to date; False if the table is gone meanwhile.

    The indexes are a unique B-tree on ``_id`` (file order, export pages; PostgreSQL), one per declared
    combined index (``combined``: lists of field ids, filter columns first, sort column last), and one on
    ``(column, _id)`` per column except booleans (with two values an index neither narrows a filter much
    nor helps a sort). Each serves an equality filter on its leading columns and a sort on the next one in
    either direction, with the ``_id`` tie-breaker going the same way (``querying.parse_sort``), walking
    forwards or backwards with no sort step. Combined indexes no longer declared are dropped. Only what is
    missing is built, and statistics only when the table has none (``ANALYZE``: first on PostgreSQL, so
    the planner knows the table while the indexes build; last on SQLite, whose statistics are per index).
    Idempotent: running it again completes an interrupted build, or does nothing.

    PostgreSQL: on a loaded table right after its load committed (``transaction.on_commit``); each statement
    is its own transaction (a savepoint inside a caller's), so an index is used as soon as it is built.
    Plain ``CREATE INDEX``, not ``CONCURRENTLY``: its lock only holds off writes, and nothing writes to a
    loaded table, so searches go on during the build; ``CONCURRENTLY`` would scan the table twice and wait
    for every older transaction of the database, including a later load of the same resource, whose swap
    waits in turn for the build to drop this table: a deadlock. A text column whose cells are too long for
    a B-tree entry (about 2.7 kB) gets no index; filtering and sorting on it still work, by scanning. A
    table dropped by a later load (``42P01``) ends the build quietly. SQLite: in the load's transaction.
    """
    quoted = checked_table(table)
    postgresql = is_postgresql()
    wanted = _wanted_indexes(table, fields, combined or [])
    with connection.cursor() as cursor:
        state = _table_state(cursor, table)
        if state is None:
            return False
        present, analyzed = state
        statements = [
            f"DROP INDEX IF EXISTS {connection.ops.quote_name(name)}"
            for name in sorted(present - set(wanted))
            if name.startswith(table + COMBINED_INFIX)
        ]
        creates = [
            f"CREATE {'UNIQUE ' if unique else ''}INDEX IF NOT EXISTS {connection.ops.quote_name(name)} "
            f"ON {quoted} ({columns})"
            for name, (unique, columns) in wanted.items()
            if name not in present
        ]
        analyze = [] if analyzed and not (creates and not postgresql) else [f"ANALYZE {quoted}"]
        statements += analyze + creates if postgresql else creates + analyze
        for sql in statements:
            try:
                with transaction.atomic():
                    if postgresql:
                        cursor.execute(f"SET LOCAL maintenance_work_mem = '{INDEX_MEMORY}'")
                    cursor.execute(sql)
            except DatabaseError as error:
                sqlstate = getattr(error.__cause__, "sqlstate", None)
                if sqlstate == "42P01":  # undefined_table: swapped out and dropped by a later load
                    return False
                if sqlstate != "54000":  # program_limit_exceeded: a cell too long for a B-tree entry
                    raise
    return True


# --- SQLite (and XLSX everywhere): rows converted in Python ------------------------------------------------------


def _fill_rows(table: str, fields: list[FieldSpec], rows: Iterable[tuple[int, list[str]]]) -> int:
    if is_postgresql():
        return _pg_copy_rows(table, fields, rows)
    text_columns = [index for index, spec in enumerate(fields) if spec["type"] == "text"]
    placeholders = ", ".join(["%s"] * (len(fields) + 2))
    names = ", ".join(["_id", *[column(index) for index in range(len(fields))], "_fold"])
    sql = f"INSERT INTO {checked_table(table)} ({names}) VALUES ({placeholders})"  # noqa: S608 - generated names
    count = 0
    batch: list[list[Any]] = []
    with connection.cursor() as cursor:
        for line, cells in rows:
            count += 1
            values: list[Any] = [count]
            values += [_sqlite_value(line, spec, cell) for spec, cell in zip(fields, cells, strict=True)]
            values.append(fold(" ".join(cells[index] for index in text_columns if cells[index])))
            batch.append(values)
            if len(batch) == SQLITE_BATCH:
                cursor.executemany(sql, batch)
                batch.clear()
        if batch:
            cursor.executemany(sql, batch)
    return count


def _sqlite_value(line: int, spec: FieldSpec, cell: str) -> Any:
    if cell == "":
        return None
    if "\x00" in cell:
        raise reading.bad_bytes(line, "utf-8")
    try:
        value = reading.parse_value(cell, spec["type"])
    except ValueError:
        raise reading.bad_value(line, spec, cell) from None
    except OverflowError:
        raise reading.out_of_range(line, spec) from None
    kind = spec["type"]
    if kind == "numeric":
        return float(value)
    if kind == "bool":
        return int(value)
    if kind in ("date", "timestamp"):
        return value.isoformat()
    return value


# --- PostgreSQL ---------------------------------------------------------------------------------------------------


def _pg_prepare(cursor) -> tuple[str, str]:
    """Dates read as DD/MM/YYYY (Vietnamese order) during the load; returns the setting to restore and the
    COPY option that freezes the rows when PostgreSQL allows it (READ COMMITTED and no open cursor: a caller
    iterating over a server-side cursor must not make the load fail)."""
    cursor.execute(
        "SELECT current_setting('datestyle'), "
        "current_setting('transaction_isolation') = 'read committed' AND NOT EXISTS (SELECT 1 FROM pg_cursors)"
    )
    previous, can_freeze = cursor.fetchone()
    cursor.execute("SELECT set_config('datestyle', 'ISO, DMY', true)")
    return previous, ", FREEZE true" if can_freeze else ""


def _pg_copy_csv(table: str, fields: list[FieldSpec], handle: IO[bytes], csv_head: reading.CsvHead) -> int:
    names = ", ".join(column(index) for index in range(len(fields)))
    sql = (
        f"COPY {checked_table(table)} ({names}) FROM STDIN (FORMAT csv, HEADER true, "
        f"DELIMITER {_PG_DELIMITERS[csv_head.delimiter]}, ENCODING 'UTF8', FORCE_NULL ({names})"
    )
    if csv_head.encoding in ("utf-8", "utf-8-sig"):
        chunks = iter(lambda: handle.read(reading.READ_CHUNK), b"")
    else:
        chunks = (text.encode() for text in reading.text_chunks(handle, csv_head.encoding))
    with connection.cursor() as cursor:
        previous, freeze = _pg_prepare(cursor)
        try:
            with cursor.copy(sql + freeze + ")") as copy:
                for chunk in _trimmed(chunks):
                    copy.write(chunk)
        except psycopg.Error as error:
            raise _pg_error(error, fields, csv_head.encoding) from None
        count = cursor.rowcount
        cursor.execute("SELECT set_config('datestyle', %s, true)", [previous])
    return count


def _pg_copy_rows(table: str, fields: list[FieldSpec], rows: Iterable[tuple[int, list[str]]]) -> int:
    """COPY in text format from rows read in Python (XLSX); PostgreSQL's line n is the n-th row written."""
    names = ", ".join(column(index) for index in range(len(fields)))
    sql = f"COPY {checked_table(table)} ({names}) FROM STDIN (FORMAT text"
    lines = array("L")
    with connection.cursor() as cursor:
        previous, freeze = _pg_prepare(cursor)
        try:
            with cursor.copy(sql + freeze + ")") as copy:
                for line, cells in rows:
                    lines.append(line)
                    if any("\x00" in cell for cell in cells):
                        raise reading.bad_bytes(line, "utf-8")
                    copy.write_row([cell if cell != "" else None for cell in cells])
        except psycopg.Error as error:
            raise _pg_error(error, fields, "utf-8", lines) from None
        count = cursor.rowcount
        cursor.execute("SELECT set_config('datestyle', %s, true)", [previous])
    return count


def _trimmed(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """The bytes without the blank lines at the very end (COPY would read them as rows), ending with one line end
    of the file's own style (COPY refuses a file that mixes ``\\r\\n`` and ``\\n``)."""
    held = b""
    for chunk in chunks:
        body = chunk.rstrip(b"\r\n")
        if body:
            yield held + body
            held = chunk[len(body) :]
        else:
            held += chunk
    if held.startswith(b"\r\n"):
        yield b"\r\n"
    elif held:
        yield held[:1]


_CONTEXT = re.compile(r'line (\d+)(?:, column (c\d+)(?:: "(.*)")?)?', re.DOTALL)


def _pg_error(error: psycopg.Error, fields: list[FieldSpec], encoding: str, lines: array | None = None) -> TableError:
    """PostgreSQL's COPY error as the message the SQLite path gives for the same file."""
    context = next((part for part in (error.diag.context or "").splitlines() if part.startswith("COPY ")), "")
    match = _CONTEXT.search(context)
    line = int(match[1]) if match else 0
    if lines is not None and 0 < line <= len(lines):
        line = lines[line - 1]
    sqlstate = error.sqlstate or ""
    primary = error.diag.message_primary or ""
    by_column = {column(index): spec for index, spec in enumerate(fields)}
    spec = by_column.get(match[2]) if match and match[2] else None
    if spec is None and error.diag.constraint_name:
        spec = by_column.get(error.diag.constraint_name.removesuffix("_range"))
    if sqlstate == "22P04":  # bad_copy_file_format
        if "quoted" in primary:
            return reading.bad_quotes(line)
        return reading.ragged(line, len(fields))
    if sqlstate == "22021":  # character_not_in_repertoire: bad UTF-8 or NUL
        return reading.bad_bytes(line, encoding)
    if spec is not None and sqlstate in ("22003", "23514"):  # out of range, CHECK
        return reading.out_of_range(line, spec)
    if spec is not None and sqlstate.startswith("22"):
        value = match[3] if match and match[3] is not None else ""
        return reading.bad_value(line, spec, value)
    return TableError(
        _("Dòng {line}: dữ liệu không nạp được vào bảng.").format(line=line)
        if line
        else _("Không nạp được dữ liệu vào bảng.")
    )
