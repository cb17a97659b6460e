"""The tabular store's public types: field specs, errors, inspection and search results."""

from dataclasses import dataclass, field
from typing import Any, TypedDict

# CKAN datastore type names; the order is the inference preference (the narrowest type first).
FIELD_TYPES = ("int", "numeric", "bool", "date", "timestamp", "text")

# A search returns at most this many records (CKAN's default ckan.datastore.search.rows_max).
MAX_LIMIT = 32_000
# A field id (the header text) is at most this long, as a PostgreSQL identifier would be.
MAX_FIELD_ID = 63
# A table has at most this many columns.
MAX_COLUMNS = 200


class FieldSpec(TypedDict):
    """A column of a table: ``id`` is the header text as given (trimmed), ``type`` one of FIELD_TYPES."""

    id: str
    type: str
    label: str


class TableError(Exception):
    """A file that cannot become a table (encoding, header, ragged row, bad value, size).

    ``message`` is Vietnamese and names the line (dòng, counting the header as line 1) and the
    column where it can; show it to the publisher as is.
    """

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class QueryError(Exception):
    """A search the table cannot answer: unknown field, bad filter value, bad sort, limit out of range.

    ``field`` names the offending parameter or field id (``"sort"``, ``"limit"``, ``"q"``, a field id…).
    """

    def __init__(self, message: str, *, field: str = ""):
        super().__init__(message)
        self.message = message
        self.field = field


ENCODING_LABELS = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 (BOM)",
    "utf-16": "UTF-16",
    "cp1258": "Windows-1258",
    "xlsx": "XLSX",
}


@dataclass(frozen=True)
class Inspection:
    """What ``inspect`` found in a file, for the upload page where the publisher checks the types.

    ``encoding`` is a Python codec name (``utf-8``, ``utf-8-sig``, ``utf-16``, ``cp1258``) or ``xlsx``;
    ``delimiter`` is empty for XLSX; ``sample`` holds the first data rows as text (empty cells ``""``).
    """

    format: str
    encoding: str
    delimiter: str
    fields: list[FieldSpec]
    sample: list[list[str]] = field(default_factory=list)

    @property
    def encoding_label(self) -> str:
        return ENCODING_LABELS.get(self.encoding, self.encoding)


@dataclass(frozen=True)
class SearchPage:
    """One page of a table search.

    ``fields`` starts with ``{"id": "_id", "type": "int", "label": "_id"}`` (the row number in the file,
    1-based) then the requested fields; ``records`` are dicts keyed by field id, ``_id`` included.
    ``total`` is None when not asked for; ``total_was_estimated`` when it is the planner's estimate.
    """

    fields: list[FieldSpec]
    records: list[dict[str, Any]]
    total: int | None
    total_was_estimated: bool = False
