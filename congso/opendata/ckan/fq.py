"""The subset of Solr filter queries that package_search understands, parsed into selector filters.

``fq`` is a list of clauses, all of which must hold (AND; a ``+`` before a clause or ``AND``
between clauses changes nothing)::

    organization:000-00-00-h29
    tags:"dân số" res_format:CSV
    +groups:soci +license_id:cc-by
    res_format:(CSV OR XLSX)

A value is a bare word, a double-quoted string (``\\"`` for a quote) or a parenthesised
``OR`` list. Keys: ``organization`` (or ``owner_org``: both take the organisation name),
``groups`` or ``theme`` (the EU theme code, any case), ``res_format``, ``license_id``, ``tags``.
``*:*`` matches everything. Negation (``-key:value``, ``NOT``), ``OR`` between clauses, ranges and
a key given twice are refused with a message that says what to write instead.

``q`` is free text, but its ``key:value`` clauses with one of the keys above are taken as
filters too (CKAN users write ``q=tags:economy``).
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext

from congso.opendata.ckan.errors import Invalid

# fq key → the selector's filter key (congso.opendata.selectors.FACET_KEYS).
KEYS = {
    "organization": "organization",
    "owner_org": "organization",
    "groups": "theme",
    "theme": "theme",
    "res_format": "res_format",
    "license_id": "license_id",
    "tags": "tags",
}
_UPPER = {"theme"}  # theme codes are upper case ("SOCI"); groups are written lower case ("soci")
MAX_LENGTH = 2000
MAX_VALUES = 50

_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*")
_SPACE = re.compile(r"\s+")
_CONNECTIVES = {"AND", "&&"}
_DISJUNCTIONS = {"OR", "||"}


class _SyntaxError(Exception):
    def __init__(self, position: int, reason: str) -> None:
        super().__init__(reason)
        self.position = position
        self.reason = reason


@dataclass(frozen=True)
class _Clause:
    key: str
    values: list[str]


class _Reader:
    """A cursor over the query text; positions in messages count from 1."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.at = 0

    def skip_space(self) -> None:
        match = _SPACE.match(self.text, self.at)
        if match:
            self.at = match.end()

    def done(self) -> bool:
        return self.at >= len(self.text)

    def peek(self) -> str:
        return self.text[self.at] if not self.done() else ""

    def word(self) -> str:
        """The run of characters up to the next space or parenthesis (without moving)."""
        end = self.at
        while end < len(self.text) and not self.text[end].isspace() and self.text[end] not in "()":
            end += 1
        return self.text[self.at : end]

    def fail(self, reason: str) -> _SyntaxError:
        return _SyntaxError(self.at + 1, reason)

    def quoted(self) -> str:
        start = self.at
        self.at += 1
        chars: list[str] = []
        while not self.done():
            char = self.text[self.at]
            if char == "\\" and self.at + 1 < len(self.text):
                chars.append(self.text[self.at + 1])
                self.at += 2
            elif char == '"':
                self.at += 1
                return "".join(chars)
            else:
                chars.append(char)
                self.at += 1
        self.at = start
        raise self.fail(gettext("thiếu dấu ngoặc kép đóng."))

    def bare(self) -> str:
        if self.peek() in ("[", "{"):
            raise self.fail(gettext("không hỗ trợ khoảng giá trị [a TO b]."))
        chars: list[str] = []
        while not self.done():
            char = self.text[self.at]
            if char.isspace() or char in '()"':
                break
            if char == "\\" and self.at + 1 < len(self.text):
                chars.append(self.text[self.at + 1])
                self.at += 2
            else:
                chars.append(char)
                self.at += 1
        if not chars:
            raise self.fail(gettext("thiếu giá trị sau dấu hai chấm."))
        return "".join(chars)

    def single(self) -> str:
        return self.quoted() if self.peek() == '"' else self.bare()

    def group(self) -> list[str]:
        self.at += 1  # "("
        values: list[str] = []
        while True:
            self.skip_space()
            if self.peek() == ")":
                if not values:
                    raise self.fail(gettext("nhóm giá trị trong ngoặc đang trống."))
                self.at += 1
                return values
            if self.done():
                raise self.fail(gettext("thiếu dấu ngoặc đơn đóng."))
            if values:
                if self.word() not in _DISJUNCTIONS:
                    raise self.fail(gettext("các giá trị trong ngoặc phải nối bằng OR."))
                self.at += len(self.word())
                self.skip_space()
            values.append(self.single())

    def value(self) -> list[str]:
        if self.peek() == "(":
            return self.group()
        return [self.single()]

    def _skip_connectives(self) -> bool:
        """Skip spaces, ``AND`` and ``*:*``; False at the end of the text."""
        while True:
            self.skip_space()
            if self.done():
                return False
            word = self.word()
            if word not in _CONNECTIVES and word != "*:*":
                return True
            self.at += len(word)

    def clauses(self) -> Iterator[_Clause]:
        """Each clause of a filter query in turn; ``_SyntaxError`` at the first thing that is not one."""
        while self._skip_connectives():
            word = self.word()
            if word in _DISJUNCTIONS:
                raise self.fail(gettext("OR chỉ dùng được trong ngoặc, ví dụ res_format:(CSV OR XLSX)."))
            if word.startswith(("-", "!")) or word == "NOT":
                raise self.fail(gettext("không hỗ trợ phủ định (-, !, NOT)."))
            if self.peek() == "+":
                self.at += 1
            key = _KEY.match(self.text, self.at)
            if key is None or self.text[key.end() : key.end() + 1] != ":":
                raise self.fail(gettext("cần dạng khóa:giá_trị."))
            self.at = key.end() + 1
            if self.done() or self.peek().isspace():
                raise self.fail(gettext("thiếu giá trị sau dấu hai chấm."))
            yield _Clause(key=key.group(), values=self.value())

    def terms(self) -> Iterator[_Clause | str]:
        """The clauses with a known key of a free-text query, and its other words as they are."""
        while self._skip_connectives():
            start = self.at
            clause = self._known_clause()
            if clause is not None:
                yield clause
                continue
            word = self.word() or self.peek()
            self.at = start + len(word)
            yield word

    def _known_clause(self) -> _Clause | None:
        """A ``key:value`` clause with a known key here, or None (the cursor then stays put)."""
        start = self.at
        if self.peek() == "+":
            self.at += 1
        key = _KEY.match(self.text, self.at)
        if key is None or key.group() not in KEYS or self.text[key.end() : key.end() + 1] != ":":
            self.at = start
            return None
        self.at = key.end() + 1
        try:
            values = self.value()
        except _SyntaxError:
            self.at = start
            return None
        return _Clause(key=key.group(), values=values)


def _add(filters: dict[str, list[str]], clause: _Clause, parameter: str) -> None:
    if clause.key not in KEYS:
        message = gettext("Không lọc được theo “{key}”: chỉ hỗ trợ {keys}.")
        raise Invalid.on(parameter, message.format(key=clause.key[:50], keys=", ".join(KEYS)))
    target = KEYS[clause.key]
    if target in filters:
        message = gettext("Khóa “{key}” có mặt hai lần: viết {key}:(a OR b) để lấy một trong các giá trị.")
        raise Invalid.on(parameter, message.format(key=clause.key))
    if len(clause.values) > MAX_VALUES:
        raise Invalid.on(parameter, gettext("Nhiều nhất {max} giá trị cho một khóa.").format(max=MAX_VALUES))
    filters[target] = [value.upper() if target in _UPPER else value for value in clause.values]


def parse_filters(queries: list[str], *, parameter: str = "fq") -> dict[str, list[str]]:
    """The selector filters (``{"tags": ["a"], ...}``) of these filter queries; ``Invalid`` on a syntax error."""
    filters: dict[str, list[str]] = {}
    for query in queries:
        if len(query) > MAX_LENGTH:
            raise Invalid.on(parameter, gettext("Quá dài: tối đa {max} ký tự.").format(max=MAX_LENGTH))
        reader = _Reader(query)
        try:
            for clause in reader.clauses():
                _add(filters, clause, parameter)
        except _SyntaxError as error:
            message = gettext("Sai cú pháp ở ký tự thứ {position}: {reason}")
            raise Invalid.on(parameter, message.format(position=error.position, reason=error.reason)) from error
    return filters


def split_query(q: str, filters: dict[str, list[str]]) -> str:
    """The free text of ``q``; its ``key:value`` clauses with a known key are added to ``filters``."""
    if len(q) > MAX_LENGTH:
        raise Invalid.on("q", gettext("Quá dài: tối đa {max} ký tự.").format(max=MAX_LENGTH))
    words: list[str] = []
    for item in _Reader(q).terms():
        if isinstance(item, _Clause):
            _add(filters, item, "q")
        elif item not in _DISJUNCTIONS:
            words.append(item.strip('"+()'))
    return " ".join(word for word in words if word)
