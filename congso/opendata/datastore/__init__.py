"""The tabular store (kho dữ liệu dạng bảng): CSV/XLSX files loaded into queryable tables.

One table per resource, in the project's database (PostgreSQL, or SQLite for the embedded demo), named
``ds_<resource id>_<n>``; a new upload builds table n + 1 and swaps it in when complete. Public API:

- ``is_tabular(filename, head)``, ``inspect(file) -> Inspection``: before a load, on the upload page;
- ``load(resource=, file=, fields=) -> int``: build and swap in the table (TableError on bad input); on
  PostgreSQL its indexes are built once the load's transaction commits; ``index(resource)`` brings them
  up to date (after an interrupted build, or a change of the declared combined indexes, which
  ``check_indexes(declared, fields)`` validates), ``complete_indexes()`` for every table (nightly);
- ``search(resource, q=, filters=, fields=, sort=, limit=, offset=, include_total=) -> SearchPage``,
  ``info(resource)``: CKAN ``datastore_search`` / ``datastore_info`` (QueryError on bad parameters); slow
  searches are noted by shape, and ``suggested_indexes(resource)`` proposes combined indexes from them;
- ``export(resource, fmt)``: CSV, JSON or XLSX download; ``drop(resource)``.

See docs/adr/0010-tabular-store.md for the decisions.
"""

import logging

from django.db import DatabaseError, transaction

from congso.opendata.models import Resource

from . import advice
from .loading import MAX_COMBINED_INDEXES, build_indexes, check_indexes, drop_table, load
from .querying import export, info, search
from .reading import inspect, is_tabular
from .types import (
    FIELD_TYPES,
    MAX_LIMIT,
    FieldSpec,
    Inspection,
    QueryError,
    SearchPage,
    TableError,
)

logger = logging.getLogger(__name__)

__all__ = [
    "FIELD_TYPES",
    "MAX_COMBINED_INDEXES",
    "MAX_LIMIT",
    "FieldSpec",
    "Inspection",
    "QueryError",
    "SearchPage",
    "TableError",
    "check_indexes",
    "complete_indexes",
    "drop",
    "export",
    "index",
    "info",
    "inspect",
    "is_tabular",
    "load",
    "search",
    "suggested_indexes",
]


def drop(resource: Resource) -> None:
    """Drop the resource's table and clear its table fields (``datastore_active`` False); no-op without one."""
    with transaction.atomic():
        current = Resource.objects.select_for_update().only("id", "table_name").get(pk=resource.pk)
        if current.table_name:
            drop_table(current.table_name)
        resource.table_name = ""
        resource.fields = []
        resource.row_count = None
        resource.datastore_active = False
        resource.save(update_fields=["table_name", "fields", "row_count", "datastore_active"])


def index(resource: Resource) -> bool:
    """Bring the indexes and statistics of the resource's table up to date (``loading.build_indexes``: builds
    what is missing, the declared combined indexes included, drops combined ones no longer declared);
    False without a table."""
    current = Resource.objects.only("id", "table_name", "fields", "indexes").get(pk=resource.pk)
    if not current.table_name:
        return False
    return build_indexes(current.table_name, current.fields, current.indexes)


def complete_indexes() -> int:
    """``index`` every table of the store, as the nightly task does: completes what a crash between a load's
    commit and its index builds left undone, at one catalogue query per table when nothing is missing. A
    table that fails is logged and skipped. Returns the number of tables looked at."""
    count = 0
    for resource in Resource.objects.filter(datastore_active=True).only("id").order_by("pk").iterator():
        try:
            index(resource)
        except DatabaseError:
            logger.exception("indexes of resource %s could not be completed", resource.pk)
        count += 1
    return count


def suggested_indexes(resource: Resource, *, limit: int = 5) -> list[advice.Suggestion]:
    """Combined indexes worth declaring on the resource's table: the shapes of its slow searches of the last
    30 days, most frequent first (``advice``), not declared yet; empty without a table."""
    if not resource.datastore_active:
        return []
    return advice.suggested(resource, resource.fields, limit=limit)
