"""Which combined indexes would help a table: slow searches noted by shape, proposed to the publisher.

A search that takes ``SLOW_SEARCH_MS`` or more and filters on one column while sorting on another (or filters
on two or three) has a shape, the field ids a combined index would need: the filtered columns in name order,
then the sort column. ``note`` counts it in the process and upserts ``SlowSearch`` at most every
``WRITE_EVERY`` seconds per shape (the first one at once), so a burst of slow searches costs a handful of
writes and never queues on one row; counts held by a process when it stops are lost, which advice can afford.
A text search (``q``) has no shape: a B-tree does not help it. ``suggested`` reads the shapes seen lately
that the resource has not declared.
"""

import json
import logging
import math
import threading
import time
from datetime import timedelta
from typing import Any, TypedDict

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from congso.opendata.models import Resource, SlowSearch

from .types import FieldSpec

SLOW_SEARCH_MS = 100
WRITE_EVERY = 10.0
# Shapes held per process before the oldest tallies are written out and forgotten.
MAX_TALLIES = 1000

logger = logging.getLogger(__name__)
_lock = threading.Lock()
# (resource id, columns JSON) → [slow searches not yet written, their milliseconds, when last written]
_tallies: dict[tuple[Any, str], list[float]] = {}


class Suggestion(TypedDict):
    columns: list[str]
    count: int
    average_ms: int
    last_seen: Any


def shape(filters: Any, sort_ids: list[str]) -> list[str] | None:
    """The field ids a combined index for this search would have, or None if it would not be one (fewer than 2
    or more than 3 columns)."""
    filtered = sorted(str(name) for name in filters) if isinstance(filters, dict) else []
    columns = filtered + [name for name in sort_ids[:1] if name not in filtered and name != "_id"]
    return columns if 2 <= len(columns) <= 3 else None


def note(resource: Resource, columns: list[str], elapsed_ms: float) -> None:
    """Count one slow search of shape ``columns`` on ``resource``; write the tally when it is due."""
    key = (resource.pk, json.dumps(columns, ensure_ascii=False))
    now = time.monotonic()
    with _lock:
        tally = _tallies.setdefault(key, [0, 0.0, -math.inf])
        tally[0] += 1
        tally[1] += elapsed_ms
        if now - tally[2] < WRITE_EVERY:
            return
        due = [(key, int(tally[0]), int(tally[1]))]
        tally[:] = [0, 0.0, now]
        if len(_tallies) > MAX_TALLIES:
            due += [(old, int(kept[0]), int(kept[1])) for old, kept in _tallies.items() if kept[0] and old != key]
            _tallies.clear()
    for (resource_id, columns_json), count, total_ms in due:
        _write(resource_id, columns_json, count, total_ms)


def _write(resource_id: Any, columns_json: str, count: int, total_ms: int) -> None:
    table = connection.ops.quote_name(SlowSearch._meta.db_table)
    resource_param = SlowSearch._meta.get_field("resource").target_field.get_db_prep_value(resource_id, connection)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (resource_id, columns, count, total_ms, last_seen) "  # noqa: S608 - our table
                "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (resource_id, columns) DO UPDATE SET "
                f"count = {table}.count + excluded.count, total_ms = {table}.total_ms + excluded.total_ms, "
                "last_seen = excluded.last_seen",
                [resource_param, columns_json, count, total_ms, timezone.now()],
            )
    except DatabaseError:  # advice only: a failed write must not fail the search (e.g. the resource was deleted)
        logger.warning("slow search of resource %s not recorded", resource_id, exc_info=True)


def suggested(resource: Resource, fields: list[FieldSpec], *, limit: int = 5, days: int = 30) -> list[Suggestion]:
    """The shapes of slow searches seen on ``resource`` in the last ``days`` days, most frequent first, that are
    not declared and whose columns the table still has."""
    ids = {spec["id"] for spec in fields}
    since = timezone.now() - timedelta(days=days)
    found: list[Suggestion] = []
    for row in resource.slow_searches.filter(last_seen__gte=since).order_by("-count", "-last_seen"):
        columns = json.loads(row.columns)
        if columns in resource.indexes or not set(columns) <= ids:
            continue
        average = round(row.total_ms / row.count) if row.count else 0
        found.append(Suggestion(columns=columns, count=row.count, average_ms=average, last_seen=row.last_seen))
        if len(found) == limit:
            break
    return found
