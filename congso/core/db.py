"""Writing a new row and the rows that belong to it in one database round trip.

A submission at peak hour writes a dossier with its first event, its audit
entry, its files and the applicant's notification. Through ``Model.save`` that
is one statement (and one round trip) per row; ``insert_new`` sends them as one
statement on PostgreSQL: the new row's id is taken from its sequence first,
then every ``INSERT`` goes in a single ``WITH … INSERT …`` chain, which
PostgreSQL applies all or nothing (foreign keys are checked at commit, so the
order inside the chain does not matter). Elsewhere (SQLite) the rows are saved
one after another in a transaction. Either way no signal is sent, as with
``bulk_create``.
"""

from collections.abc import Callable, Sequence
from contextlib import nullcontext

from django.db import connection, transaction
from django.db.models import Model
from django.db.models.sql import InsertQuery

_sequences: dict[str, str] = {}


def insert_new(row: Model, dependents: Callable[[], Sequence[Model]]) -> list[Model]:
    """Insert ``row`` (not saved yet) and the rows ``dependents()`` builds once ``row`` has its id; all or nothing.

    Returns the dependent rows, saved, with their ids. Raises ``IntegrityError``
    (nothing written) when a row breaks a constraint.
    """
    if row.pk is not None or not row._state.adding:
        raise ValueError("insert_new takes a row that is not saved yet")
    if connection.vendor != "postgresql":
        with transaction.atomic():
            row.save(force_insert=True)
            rows = list(dependents())
            for dependent in rows:
                dependent.save(force_insert=True)
        return rows
    row.pk = _next_id(row)
    rows = list(dependents())
    everything = (row, *rows)
    statements = [_insert_sql(item) for item in everything]
    # Each INSERT is a WITH clause returning its id; the final SELECT reads the ids back, in order.
    ctes = ", ".join(f"q{index} AS ({text})" for index, (text, _) in enumerate(statements))
    quote = connection.ops.quote_name
    reads = ", ".join(
        f"(SELECT {quote(item._meta.pk.column)} FROM q{index})"  # noqa: S608 - our model metadata
        for index, item in enumerate(everything)
    )
    sql = f"WITH {ctes} SELECT {reads}"
    params = [value for _, values in statements for value in values]
    # Inside a transaction a savepoint keeps a refused statement from spoiling the caller's transaction;
    # outside one the statement is its own transaction.
    with transaction.atomic() if connection.in_atomic_block else nullcontext(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        ids = cursor.fetchone()
    for item, new_id in zip(everything, ids, strict=True):
        if item.pk is None:
            item.pk = new_id
        item._state.adding = False
        item._state.db = connection.alias
    return rows


def _next_id(row: Model) -> int:
    table = row._meta.db_table
    sequence = _sequences.get(table)
    with connection.cursor() as cursor:
        if sequence is None:
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, row._meta.pk.column])
            sequence = _sequences.setdefault(table, cursor.fetchone()[0])
        cursor.execute("SELECT nextval(%s)", [sequence])
        return cursor.fetchone()[0]


def _insert_sql(row: Model) -> tuple[str, tuple]:
    """The ``INSERT … RETURNING id`` Django would send for ``row`` (its id column included when already set)."""
    meta = row._meta
    # As Model.save does: a foreign key set to an object saved since (the new row) takes its id now.
    row._prepare_related_fields_for_save(operation_name="save")
    fields = [field for field in meta.local_concrete_fields if not field.generated]
    if row.pk is None:
        fields = [field for field in fields if field is not meta.auto_field]
    query = InsertQuery(type(row))
    query.insert_values(fields, [row])
    compiler = query.get_compiler(connection=connection)
    compiler.returning_fields = [meta.pk]
    [(sql, params)] = compiler.as_sql()
    return sql, tuple(params)
