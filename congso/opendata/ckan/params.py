"""Reading an action's parameters: the request data, then one checked value per parameter.

The data comes from the query string (GET), a JSON object (POST; also when a client posts JSON
with a form content type, as ``curl -d`` does) or a form (POST). Query-string and form values
are strings (a list when the key repeats); JSON values keep their types. Every getter accepts
both: ``"20"`` and ``20`` are the same ``rows``. A wrong value raises ``Invalid`` naming the
parameter, never a 500.
"""

import json
import math
import re
from typing import Any

from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext

from congso.opendata.ckan.errors import BadRequest, Invalid

# Offsets and counts beyond this are refused rather than handed to the database (SQLite's
# integers stop at 2**63, PostgreSQL's OFFSET at bigint); no catalog or table comes near it.
MAX_INTEGER = 2**31 - 1
_INTEGER = re.compile(r"[+-]?[0-9]{1,30}")
_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off", ""}


def _mixed(data: QueryDict) -> dict[str, Any]:
    """A flat dict: one value as a string, a repeated key as a list (as CKAN reads them)."""
    return {key: values[0] if len(values) == 1 else values for key, values in data.lists()}


def _refuse_constant(name: str) -> float:
    raise ValueError(name)


def _json(body: bytes | str) -> Any:
    """Decoded JSON, without NaN/Infinity; ValueError for anything unreadable.

    Unreadable includes nesting too deep for the parser and a lone surrogate (``"\\ud800"``): a
    string holding one cannot be encoded for the database.
    """
    try:
        data = json.loads(body, parse_constant=_refuse_constant)
        json.dumps(data, ensure_ascii=False).encode()
    except (RecursionError, UnicodeEncodeError) as error:
        raise ValueError("unreadable") from error
    return data


def request_data(request: HttpRequest) -> dict[str, Any]:
    """The action's parameters from the request; ``BadRequest`` if the body can't be read as a JSON object.

    A POST without a body (or with an empty form) reads the query string, as CKAN does for its
    read-only actions.
    """
    if request.method in ("GET", "HEAD"):
        return _mixed(request.GET)
    if request.content_type == "multipart/form-data":
        return _mixed(request.POST) or _mixed(request.GET)
    # A body over DATA_UPLOAD_MAX_MEMORY_SIZE never gets here: RejectNulMiddleware reads it first and
    # answers 413 in CKAN's envelope.
    body = request.body
    if not body.strip():
        return _mixed(request.GET)
    if request.content_type == "application/x-www-form-urlencoded" and not body.lstrip().startswith(b"{"):
        return _mixed(request.POST)
    try:
        data = _json(body)
    except ValueError as error:  # UnicodeDecodeError included
        raise BadRequest(gettext("nội dung không phải JSON hợp lệ.")) from error
    if not isinstance(data, dict):
        raise BadRequest(gettext('nội dung JSON phải là một đối tượng, ví dụ {"id": "..."}.'))
    return data


def text(data: dict[str, Any], name: str, *, default: str = "", required: bool = False, max_length: int = 1000) -> str:
    """A string parameter (a number is taken as its text); ``required`` refuses a missing or empty one."""
    value = data.get(name)
    if value is None or value == "":
        if required:
            raise Invalid.on(name, gettext("Thiếu giá trị."))
        return default
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise Invalid.on(name, gettext("Phải là một chuỗi ký tự."))
    if len(value) > max_length:
        raise Invalid.on(name, gettext("Quá dài: tối đa {max} ký tự.").format(max=max_length))
    return value


def integer(
    data: dict[str, Any], name: str, *, default: int | None, minimum: int | None = 0, clamp: int | None = None
) -> int | None:
    """A whole number parameter; above ``clamp`` it becomes ``clamp`` (as CKAN does with ``rows`` and ``limit``).

    ``minimum=None`` lets negative numbers through (``facet.limit=-1`` means no limit).
    """
    value = data.get(name)
    if value is None or value == "":
        return default
    number: int | None = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float) and math.isfinite(value) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
        number = int(value.strip())
    if number is None:
        raise Invalid.on(name, gettext("Phải là một số nguyên."))
    if minimum is not None and number < minimum:
        raise Invalid.on(name, gettext("Phải là số nguyên từ {min} trở lên.").format(min=minimum))
    if clamp is not None and number > clamp:
        return clamp
    if abs(number) > MAX_INTEGER:
        raise Invalid.on(name, gettext("Không được lớn hơn {max}.").format(max=MAX_INTEGER))
    return number


def boolean(data: dict[str, Any], name: str, *, default: bool) -> bool:
    """true/false, also as 1/0, yes/no, on/off (any case)."""
    value = data.get(name)
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise Invalid.on(name, gettext("Phải là true hoặc false."))


def string_list(data: dict[str, Any], name: str, *, comma_separated: bool = False, max_items: int = 100) -> list[str]:
    """A list of strings: a JSON list, a JSON list written as a string (``facet.field=["tags"]``), a repeated
    query-string key, or (``comma_separated``) ``"a, b"``."""
    value = data.get(name)
    if value is None or value == "":
        return []
    if isinstance(value, str):
        if value.lstrip().startswith("["):
            try:
                value = _json(value)
            except ValueError as error:
                raise Invalid.on(name, gettext('Phải là một danh sách JSON, ví dụ ["a", "b"].')) from error
        elif comma_separated:
            value = [part.strip() for part in value.split(",") if part.strip()]
        else:
            value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise Invalid.on(name, gettext('Phải là một danh sách JSON, ví dụ ["a", "b"].'))
    if len(value) > max_items:
        raise Invalid.on(name, gettext("Nhiều nhất {max} phần tử.").format(max=max_items))
    return value


def json_object(data: dict[str, Any], name: str) -> dict[str, Any]:
    """A JSON object, given as one or as a string holding one (the query-string form)."""
    value = data.get(name)
    if value is None or value == "":
        return {}
    if isinstance(value, str):
        try:
            value = _json(value)
        except ValueError:
            value = None
    if not isinstance(value, dict):
        raise Invalid.on(name, gettext('Phải là một đối tượng JSON, ví dụ {"cot": "gia tri"}.'))
    return value
