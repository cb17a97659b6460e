"""Application forms (mẫu đơn, tờ khai) defined as data.

A procedure's ``form_schema`` is a list of field definitions::

    {"name": "child_full_name", "label": "Họ, chữ đệm, tên của trẻ", "type": "text",
     "required": true, "max_length": 100, "help": "Viết in hoa có dấu"}

``type`` is one of ``FIELD_TYPES``; ``max_length`` applies to text types,
``min``/``max`` to numbers and ``choices`` (``[["value", "Nhãn"], ...]``) to
``select``/``radio``. The same definition builds the web form
(:func:`build_form`) and validates API submissions (:func:`clean_submission`),
so both channels accept exactly the same data.
"""

import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from congso.accounts.validators import normalize_phone, validate_personal_id, validate_phone

TEXT_TYPES = frozenset({"text", "textarea", "email", "phone"})
NUMBER_TYPES = frozenset({"integer", "decimal"})
CHOICE_TYPES = frozenset({"select", "radio"})
FIELD_TYPES = TEXT_TYPES | NUMBER_TYPES | CHOICE_TYPES | frozenset({"date", "checkbox", "personal_id"})

MAX_FIELDS = 100
MAX_TEXT_LENGTH = 10_000
DEFAULT_MAX_LENGTH = {"text": 255, "textarea": 5_000, "email": 254, "phone": 20}
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,49}\Z")
RESERVED_NAMES = frozenset({"csrfmiddlewaretoken"})
COMMON_KEYS = frozenset({"name", "label", "type", "required", "help"})
EXTRA_KEYS = {
    **dict.fromkeys(TEXT_TYPES, frozenset({"max_length"})),
    **dict.fromkeys(NUMBER_TYPES, frozenset({"min", "max"})),
    **dict.fromkeys(CHOICE_TYPES, frozenset({"choices"})),
    "date": frozenset(),
    "checkbox": frozenset(),
    "personal_id": frozenset(),
}

_TRUE_VALUES = frozenset({"on", "true", "1", "yes"})
_FALSE_VALUES = frozenset({"", "off", "false", "0", "no"})


def _schema_error(message: str) -> ValidationError:
    return ValidationError(message, code="invalid_form_schema")


def _number(value: Any, *, integer: bool) -> Decimal | None:
    """A min/max bound as a Decimal, or None when it is not a usable number."""
    if isinstance(value, bool):
        return None
    if integer and not isinstance(value, int):
        return None
    if not isinstance(value, int | float | str):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _check_choices(label: str, choices: Any) -> list[ValidationError]:
    if not isinstance(choices, list) or not choices:
        return [_schema_error(_("Trường “{name}”: cần có danh sách lựa chọn.").format(name=label))]
    seen: set[str] = set()
    for choice in choices:
        valid_pair = (
            isinstance(choice, list | tuple)
            and len(choice) == 2
            and all(isinstance(part, str) and part.strip() for part in choice)
        )
        if not valid_pair:
            return [
                _schema_error(
                    _("Trường “{name}”: mỗi lựa chọn phải là một cặp [giá trị, nhãn] không rỗng.").format(name=label)
                )
            ]
        if choice[0] in seen:
            return [
                _schema_error(_("Trường “{name}”: lựa chọn “{value}” bị trùng.").format(name=label, value=choice[0]))
            ]
        seen.add(choice[0])
    return []


def _check_field(index: int, spec: Any, seen_names: set[str]) -> list[ValidationError]:
    if not isinstance(spec, dict):
        return [_schema_error(_("Trường thứ {index}: phải là một đối tượng có tên, nhãn và kiểu.").format(index=index))]
    name = spec.get("name")
    if not isinstance(name, str) or not NAME_PATTERN.match(name) or name in RESERVED_NAMES:
        return [
            _schema_error(
                _(
                    "Trường thứ {index}: tên “{name}” không hợp lệ (chỉ gồm chữ thường không dấu, chữ số, "
                    "dấu gạch dưới, bắt đầu bằng chữ cái, tối đa 50 ký tự)."
                ).format(index=index, name=name if isinstance(name, str) else "")
            )
        ]
    errors: list[ValidationError] = []
    if name in seen_names:
        errors.append(_schema_error(_("Trường “{name}” bị trùng tên.").format(name=name)))
    seen_names.add(name)
    field_type = spec.get("type")
    if not isinstance(field_type, str) or field_type not in FIELD_TYPES:
        errors.append(
            _schema_error(
                _("Trường “{name}”: kiểu “{type}” không được hỗ trợ; chỉ dùng: {types}.").format(
                    name=name,
                    type=field_type if isinstance(field_type, str) else "",
                    types=", ".join(sorted(FIELD_TYPES)),
                )
            )
        )
        return errors
    label = spec.get("label")
    if not isinstance(label, str) or not label.strip() or len(label) > 300:
        errors.append(_schema_error(_("Trường “{name}”: cần có nhãn (tối đa 300 ký tự).").format(name=name)))
    if "required" in spec and not isinstance(spec["required"], bool):
        errors.append(_schema_error(_("Trường “{name}”: “required” phải là true hoặc false.").format(name=name)))
    if "help" in spec and (not isinstance(spec["help"], str) or len(spec["help"]) > 1000):
        errors.append(
            _schema_error(_("Trường “{name}”: hướng dẫn phải là chuỗi ký tự, tối đa 1000 ký tự.").format(name=name))
        )
    unknown = set(spec) - COMMON_KEYS - EXTRA_KEYS[field_type]
    if unknown:
        errors.append(
            _schema_error(
                _("Trường “{name}”: thuộc tính không dùng được với kiểu “{type}”: {keys}.").format(
                    name=name, type=field_type, keys=", ".join(sorted(str(key) for key in unknown))
                )
            )
        )
    if "max_length" in spec:
        max_length = spec["max_length"]
        if isinstance(max_length, bool) or not isinstance(max_length, int) or not 1 <= max_length <= MAX_TEXT_LENGTH:
            errors.append(
                _schema_error(
                    _("Trường “{name}”: độ dài tối đa phải là số nguyên từ 1 đến {limit}.").format(
                        name=name, limit=MAX_TEXT_LENGTH
                    )
                )
            )
    if field_type in NUMBER_TYPES:
        bounds = {}
        for key in ("min", "max"):
            if key in spec:
                bounds[key] = _number(spec[key], integer=field_type == "integer")
                if bounds[key] is None:
                    errors.append(
                        _schema_error(
                            _("Trường “{name}”: “{key}” phải là một số hợp lệ.").format(name=name, key=key)
                            if field_type == "decimal"
                            else _("Trường “{name}”: “{key}” phải là một số nguyên.").format(name=name, key=key)
                        )
                    )
        if bounds.get("min") is not None and bounds.get("max") is not None and bounds["min"] > bounds["max"]:
            errors.append(
                _schema_error(_("Trường “{name}”: giá trị tối thiểu lớn hơn giá trị tối đa.").format(name=name))
            )
    if field_type in CHOICE_TYPES:
        errors.extend(_check_choices(name, spec.get("choices")))
    return errors


def validate_schema(schema: Any) -> None:
    """Raise ``ValidationError`` (code ``invalid_form_schema``) listing every problem of a form definition."""
    if not isinstance(schema, list):
        raise _schema_error(_("Mẫu đơn phải là một danh sách các trường."))
    if len(schema) > MAX_FIELDS:
        raise _schema_error(_("Mẫu đơn có tối đa {limit} trường.").format(limit=MAX_FIELDS))
    errors: list[ValidationError] = []
    seen_names: set[str] = set()
    for index, spec in enumerate(schema, start=1):
        errors.extend(_check_field(index, spec, seen_names))
    if errors:
        raise ValidationError(errors)


_INVALID = {
    "integer": _("Vui lòng nhập một số nguyên."),
    "decimal": _("Vui lòng nhập một số (dùng dấu chấm cho phần thập phân)."),
    "date": _("Ngày không hợp lệ."),
    "email": _("Địa chỉ thư điện tử không hợp lệ."),
}


def _error_messages(spec: dict) -> dict[str, Any]:
    label = spec["label"]
    if spec["type"] in CHOICE_TYPES:
        required = _("Vui lòng chọn “{label}”.").format(label=label)
    elif spec["type"] == "checkbox":
        required = _("Vui lòng đánh dấu “{label}”.").format(label=label)
    else:
        required = _("Vui lòng nhập “{label}”.").format(label=label)
    return {
        "required": required,
        "invalid": _INVALID.get(spec["type"], _("Giá trị không hợp lệ.")),
        "max_length": _("Tối đa %(limit_value)d ký tự (hiện có %(show_value)d)."),
        "min_length": _("Cần ít nhất %(limit_value)d ký tự (hiện có %(show_value)d)."),
        "min_value": _("Giá trị phải lớn hơn hoặc bằng %(limit_value)s."),
        "max_value": _("Giá trị phải nhỏ hơn hoặc bằng %(limit_value)s."),
        "invalid_choice": _("Lựa chọn không hợp lệ."),
        "max_digits": _("Số quá dài."),
        "max_decimal_places": _("Tối đa %(max)s chữ số sau dấu phẩy."),
        "max_whole_digits": _("Phần nguyên quá dài."),
        "null_characters_not_allowed": _("Không được chứa ký tự rỗng (null)."),
        "step_size": _("Giá trị không hợp lệ."),
    }


class PhoneField(forms.CharField):
    """A Vietnamese phone number; spaces, dots, dashes and the +84 prefix are normalised away."""

    def to_python(self, value: Any) -> str:
        return normalize_phone(super().to_python(value))


class PersonalIdField(forms.CharField):
    """The 12-digit personal identification number (số định danh cá nhân)."""

    def to_python(self, value: Any) -> str:
        return re.sub(r"\s", "", super().to_python(value))


def _form_field(spec: dict) -> forms.Field:
    field_type = spec["type"]
    common = {
        "label": spec["label"],
        "required": spec.get("required", False),
        "help_text": spec.get("help", ""),
        "error_messages": _error_messages(spec),
    }
    max_length = spec.get("max_length", DEFAULT_MAX_LENGTH.get(field_type))
    if field_type == "text":
        return forms.CharField(max_length=max_length, **common)
    if field_type == "textarea":
        return forms.CharField(max_length=max_length, widget=forms.Textarea(attrs={"rows": 4}), **common)
    if field_type == "email":
        return forms.EmailField(
            max_length=max_length, widget=forms.EmailInput(attrs={"autocomplete": "email"}), **common
        )
    if field_type == "phone":
        return PhoneField(
            max_length=max_length,
            validators=[validate_phone],
            widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
            **common,
        )
    if field_type == "integer":
        return forms.IntegerField(
            min_value=spec.get("min"),
            max_value=spec.get("max"),
            widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            **common,
        )
    if field_type == "decimal":
        return forms.DecimalField(
            min_value=_number(spec["min"], integer=False) if "min" in spec else None,
            max_value=_number(spec["max"], integer=False) if "max" in spec else None,
            max_digits=18,
            decimal_places=6,
            widget=forms.TextInput(attrs={"inputmode": "decimal"}),
            **common,
        )
    if field_type == "date":
        return forms.DateField(
            input_formats=["%Y-%m-%d", "%d/%m/%Y"],
            widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
            **common,
        )
    if field_type == "select":
        choices = [("", _("— Chọn —")), *[tuple(choice) for choice in spec["choices"]]]
        return forms.ChoiceField(choices=choices, **common)
    if field_type == "radio":
        return forms.ChoiceField(
            choices=[tuple(choice) for choice in spec["choices"]], widget=forms.RadioSelect, **common
        )
    if field_type == "checkbox":
        return forms.BooleanField(**common)
    return PersonalIdField(
        max_length=12,
        validators=[validate_personal_id],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        **common,
    )


def build_form(schema: list[dict], data: Mapping[str, Any] | None = None) -> forms.Form:
    """A Django form for the schema, bound to ``data`` when given.

    Raises ``ValidationError`` if the schema itself is invalid.
    """
    validate_schema(schema)
    fields = {spec["name"]: _form_field(spec) for spec in schema}
    form_class = type("ApplicationForm", (forms.Form,), fields)
    return form_class(data=data)


def cleaned_values(schema: list[dict], cleaned_data: Mapping[str, Any]) -> dict[str, Any]:
    """Turn a valid form's ``cleaned_data`` into JSON-serialisable values (ISO dates, decimal strings)."""
    values: dict[str, Any] = {}
    for spec in schema:
        value = cleaned_data.get(spec["name"])
        if isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = format(value, "f")
        values[spec["name"]] = value
    return values


def _submitted_value(field_type: str, value: Any) -> tuple[Any, bool]:
    """The raw value as a form would receive it, and whether it was acceptable at all."""
    if field_type == "checkbox":
        if isinstance(value, bool) or value is None:
            return bool(value), True
        if isinstance(value, int | str) and str(value).strip().lower() in _TRUE_VALUES | _FALSE_VALUES:
            return str(value).strip().lower() in _TRUE_VALUES, True
        return None, False
    if value is None:
        return "", True
    if isinstance(value, bool):
        return None, False
    if isinstance(value, int | float | Decimal):
        return str(value), True
    if isinstance(value, str):
        return value, True
    return None, False


def clean_submission(schema: list[dict], data: Any) -> dict[str, Any]:
    """Validate submitted values against the schema; return the cleaned, JSON-serialisable values.

    ``data`` maps field names to strings, numbers, booleans or null (as JSON
    delivers them); unknown keys are ignored. Raises ``ValidationError`` with
    a message list per field name, or with code ``invalid_form_schema`` when
    the schema itself is invalid.
    """
    validate_schema(schema)
    if not isinstance(data, Mapping):
        raise ValidationError(
            _("Dữ liệu tờ khai phải là một đối tượng gồm các cặp tên trường và giá trị."), code="invalid"
        )
    prepared: dict[str, Any] = {}
    type_errors: dict[str, list[ValidationError]] = {}
    for spec in schema:
        name = spec["name"]
        if name not in data:
            continue
        value, acceptable = _submitted_value(spec["type"], data[name])
        if acceptable:
            prepared[name] = value
        else:
            type_errors[name] = [ValidationError(_("Giá trị không hợp lệ."), code="invalid_type")]
    form = build_form(schema, data=prepared)
    if not form.is_valid() or type_errors:
        errors = {name: list(errs) for name, errs in form.errors.as_data().items()}
        for name, errs in type_errors.items():
            errors[name] = errs
        raise ValidationError(errors)
    return cleaned_values(schema, form.cleaned_data)
