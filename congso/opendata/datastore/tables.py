"""SQL names and column types of the tables the store creates.

No identifier ever comes from user text: a table is ``ds_<resource id hex[:16]>_<n>``, a column ``c<i>``
(the i-th field, 1-based), plus ``_id`` (the row's position in the file, 1-based) and, on SQLite,
``_fold`` (the folded text of the row's text cells, for ``q``).
"""

import re
import unicodedata
from functools import lru_cache
from itertools import chain

from django.db import connection

from congso.core.text import fold

from .types import FieldSpec

TABLE_NAME = re.compile(r"ds_[0-9a-f]{16}_[0-9]{1,9}")

PG_TYPES = {  # text: see ``pg_column_type``
    "int": "bigint",
    "numeric": "numeric",
    "bool": "boolean",
    "date": "date",
    "timestamp": "timestamp",
}
# Values psycopg/Python could not represent (infinity, NaN, years outside 1–9999) are refused at load.
PG_CHECKS = {
    "numeric": "{c} > -1e300 AND {c} < 1e300",  # NaN compares above every number in PostgreSQL
    "date": "{c} BETWEEN '0001-01-01' AND '9999-12-31'",
    "timestamp": "{c} BETWEEN '0001-01-01' AND '9999-12-31 23:59:59.999999'",
}
SQLITE_TYPES = {
    "text": "TEXT",
    "int": "INTEGER",
    "numeric": "REAL",
    "bool": "INTEGER",
    "date": "TEXT",
    "timestamp": "TEXT",
}


def table_name(resource_id_hex: str, number: int) -> str:
    return f"ds_{resource_id_hex[:16]}_{number}"


def table_number(name: str) -> int:
    """The ``n`` of ``ds_…_n``; 0 when there is no table."""
    return int(name.rsplit("_", 1)[1]) if TABLE_NAME.fullmatch(name or "") else 0


def checked_table(name: str) -> str:
    """The quoted table name, after checking it is one the store made."""
    if not TABLE_NAME.fullmatch(name or ""):
        raise ValueError(f"not a datastore table name: {name!r}")
    return connection.ops.quote_name(name)


def column(index: int) -> str:
    """The SQL column of the field at ``index`` (0-based)."""
    return f"c{index + 1}"


def column_map(fields: list[FieldSpec]) -> dict[str, tuple[str, str]]:
    """Field id → (SQL column, type), ``_id`` included."""
    mapping = {"_id": ("_id", "int")}
    mapping.update({spec["id"]: (column(index), spec["type"]) for index, spec in enumerate(fields)})
    return mapping


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def _fold_translation() -> tuple[str, str]:
    """``translate()`` arguments that fold text in PostgreSQL the way ``congso.core.text.fold`` does in Python
    (after ``lower()``): accented Latin letters and đ to their base letter, combining marks removed."""
    source, target = [], []
    for code in chain(range(0xC0, 0x250), range(0x1E00, 0x1F00)):
        letter = chr(code)
        folded = fold(letter)
        if len(folded) == 1 and folded.isascii() and folded != letter:
            source.append(letter)
            target.append(folded)
    marks = [chr(code) for code in range(0x300, 0x370)]
    return "".join(source + marks), "".join(target)


FOLD_FROM, FOLD_TO = _fold_translation()


# --- Vietnamese order -------------------------------------------------------------------------------------------

# ICU's Vietnamese collation (CLDR): ă â đ ê ô ơ ư are letters of their own, tones compare after the letters
# (none, huyền, hỏi, ngã, sắc, nặng), lower case before upper case; white space < punctuation < symbols
# < digits < letters. Deterministic, so equality stays byte equality and uses the index.
PG_COLLATION = "vi-x-icu"
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_RANK = {letter: rank for rank, letter in enumerate(_ALPHABET)}
_MODIFIERS = {"\u0306", "\u0302", "\u031b"}  # breve, circumflex, horn: part of the letter
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_pg_collation_present: dict[str, bool] = {}


def pg_column_type(kind: str) -> str:
    """The PostgreSQL type of a field type; text in Vietnamese order (ICU) if the server has ICU, else in
    code point order."""
    if kind != "text":
        return PG_TYPES[kind]
    key = f"{connection.settings_dict.get('HOST')}:{connection.settings_dict.get('PORT')}"
    if key not in _pg_collation_present:
        with connection.cursor() as cursor:
            cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_collation WHERE collname = %s)", [PG_COLLATION])
            _pg_collation_present[key] = bool(cursor.fetchone()[0])
    return f'text COLLATE "{PG_COLLATION}"' if _pg_collation_present[key] else 'text COLLATE "C"'


@lru_cache(maxsize=65536)
def vi_sort_key(text: str) -> tuple:
    """A sort key giving the order of PostgreSQL's ``vi-x-icu`` for Vietnamese text (SQLite's ``vi`` collation)."""
    primary, secondary, tertiary = [], [], []
    for char in text:
        decomposed = unicodedata.normalize("NFD", char)
        base = decomposed[0]
        lower = base.lower()
        letter = unicodedata.normalize("NFC", lower + "".join(m for m in decomposed[1:] if m in _MODIFIERS))
        category = unicodedata.category(base)
        if letter in _LETTER_RANK:
            primary.append((4, _LETTER_RANK[letter]))
        else:
            group = {"Z": 0, "P": 1, "S": 2, "N": 3, "L": 4}.get(category[0], 5)
            primary.append((group, ord(letter[0]) + (100 if group == 4 else 0)))
        secondary.append(max((_TONES.get(mark, 0) for mark in decomposed[1:]), default=0))
        tertiary.append(0 if base == lower else 1)
    return (tuple(primary), tuple(secondary), tuple(tertiary))


def vi_compare(left: str, right: str) -> int:
    a, b = vi_sort_key(left), vi_sort_key(right)
    return (a > b) - (a < b)
