"""Writes for the procedure catalog (danh mục thủ tục hành chính).

``actor=None`` means a system action (the catalog import run from code or a
management command); it is never used on behalf of a request.
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from congso.agencies.models import Agency, Membership
from congso.agencies.permissions import is_platform_admin
from congso.core.services import audit_record
from congso.core.text import fold
from congso.procedures.form_schema import validate_schema
from congso.procedures.models import Field, Procedure, ProcessingStep, RequiredDocument
from congso.procedures.selectors import procedure_can_manage

ACCEPTED_FILE_TYPES = frozenset(RequiredDocument.FileType.values)
STEP_ROLES = frozenset({Membership.Role.DESK_OFFICER, Membership.Role.SPECIALIST, Membership.Role.LEADER})
ALL_COMMUNES = "*"
EDITABLE_FIELDS = (
    "name",
    "description",
    "legal_basis",
    "result",
    "applicants",
    "deadline_days",
    "fee",
    "fee_online",
    "fee_note",
    "online_level",
    "is_published",
    "form_schema",
)
_DECIMAL_FIELDS = ("deadline_days", "fee", "fee_online")


def procedure_search_text(*, code: str, name: str, field_name: str) -> str:
    """The procedure's own words ``procedure_search`` matches against: code, name and field, folded.

    Agency names are matched at query time against ``Agency.search_text``, which the
    agencies app keeps current, so renaming an agency never leaves this stale.
    """
    return fold(" ".join([code, name, field_name]))


def procedure_sort_key(name: str) -> str:
    """The folded name listings are ordered by (``Procedure.name_sort``)."""
    return fold(name)[: Procedure._meta.get_field("name_sort").max_length]


def effective_fee(procedure: Procedure, *, online: bool) -> Decimal:
    """The fee the applicant pays: the online fee when filing online and one is set (0 = exempt)."""
    if online and procedure.fee_online is not None:
        return procedure.fee_online
    return procedure.fee


def _refresh_search_text(procedure: Procedure) -> None:
    procedure.name_search = procedure_search_text(
        code=procedure.code,
        name=procedure.name,
        field_name=procedure.field.name,
    )


@transaction.atomic
def procedures_reindex(*, field: Field | None = None) -> int:
    """Recompute ``name_search`` for the procedures of a field (all if none); return how many changed."""
    procedures = Procedure.objects.select_related("field")
    if field is not None:
        procedures = procedures.filter(field=field)
    changed = []
    for procedure in procedures:
        before = procedure.name_search
        _refresh_search_text(procedure)
        if procedure.name_search != before:
            changed.append(procedure)
    Procedure.objects.bulk_update(changed, ["name_search"], batch_size=500)
    return len(changed)


def _ensure_platform_admin(actor) -> None:
    if actor is not None and not is_platform_admin(actor):
        raise PermissionDenied(_("Chỉ quản trị nền tảng được thực hiện thao tác này."))


@transaction.atomic
def field_upsert(*, actor, code: str, name: str) -> Field:
    """Create or rename the field (lĩnh vực) with this code; a rename re-indexes its procedures."""
    _ensure_platform_admin(actor)
    item = Field.objects.select_for_update().filter(code=code).first()
    created = item is None
    if created:
        item = Field(code=code)
    before = item.name
    item.name = (name or "").strip()
    if not created and item.name == before:
        return item
    item.full_clean()
    item.save()
    if not created:
        procedures_reindex(field=item)
    audit_record(
        actor=actor,
        action="procedures.field_create" if created else "procedures.field_update",
        obj=item,
        data={"code": item.code, "name": item.name},
    )
    return item


# --- catalog import ----------------------------------------------------------------------------


@dataclass
class _Record:
    """One validated import record, ready to write."""

    code: str
    name: str
    field_code: str
    field_name: str
    level: str
    online_level: str
    agency_codes: list[str]
    deadline_days: Decimal
    fee: Decimal
    fee_online: Decimal | None
    fee_note: str
    description: str
    legal_basis: str
    result: str
    applicants: str
    documents: list[tuple[str, bool, list[str], str]]
    steps: list[tuple[str, str, int]]
    form_schema: list
    is_published: bool | None
    errors: list[str] = field(default_factory=list)


class _RecordParser:
    """Reads one raw record, collecting every problem as a Vietnamese message."""

    def __init__(self, raw: dict) -> None:
        self.raw = raw
        self.errors: list[str] = []

    def error(self, message: str) -> None:
        self.errors.append(str(message))

    def text(self, key: str, *, label: str, required: bool = False, max_length: int | None = None) -> str:
        value = self.raw.get(key)
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.error(_("“{label}” phải là chuỗi ký tự.").format(label=label))
            return ""
        value = value.strip()
        if required and not value:
            self.error(_("thiếu “{label}”.").format(label=label))
        if max_length is not None and len(value) > max_length:
            self.error(_("“{label}” dài quá {limit} ký tự.").format(label=label, limit=max_length))
        return value

    def decimal(self, key: str, *, label: str, default: Decimal | None = None) -> Decimal | None:
        value = self.raw.get(key)
        if value is None or value == "":
            return default
        if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
            self.error(_("“{label}” phải là một số.").format(label=label))
            return default
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            self.error(_("“{label}” không phải là số hợp lệ: “{value}”.").format(label=label, value=value))
            return default
        if not number.is_finite():
            self.error(_("“{label}” không phải là số hợp lệ: “{value}”.").format(label=label, value=value))
            return default
        return number

    def choice(self, key: str, *, label: str, choices: type) -> str:
        value = self.raw.get(key)
        if value not in choices.values:
            self.error(
                _("“{label}” phải là một trong: {choices}.").format(label=label, choices=", ".join(choices.values))
            )
            return ""
        return value


def _parse_documents(parser: _RecordParser) -> list[tuple[str, bool, list[str], str]]:
    raw = parser.raw.get("documents", [])
    if not isinstance(raw, list):
        parser.error(_("“documents” phải là một danh sách."))
        return []
    documents = []
    for index, item in enumerate(raw, start=1):
        if not isinstance(item, dict):
            parser.error(_("thành phần hồ sơ thứ {index} không hợp lệ.").format(index=index))
            continue
        name = item.get("name")
        if not isinstance(name, str) or not name.strip() or len(name) > 500:
            parser.error(_("thành phần hồ sơ thứ {index}: cần tên (tối đa 500 ký tự).").format(index=index))
            continue
        mandatory = item.get("is_mandatory", True)
        if not isinstance(mandatory, bool):
            parser.error(_("thành phần hồ sơ “{name}”: “is_mandatory” phải là true/false.").format(name=name))
        types = item.get("accepted_types", sorted(ACCEPTED_FILE_TYPES))
        if not isinstance(types, list) or not types or not all(isinstance(t, str) for t in types):
            parser.error(_("thành phần hồ sơ “{name}”: cần danh sách định dạng chấp nhận.").format(name=name))
            types = []
        elif not set(types) <= ACCEPTED_FILE_TYPES:
            parser.error(
                _("thành phần hồ sơ “{name}”: định dạng {bad} không được chấp nhận (chỉ {allowed}).").format(
                    name=name,
                    bad=", ".join(sorted(set(types) - ACCEPTED_FILE_TYPES)),
                    allowed=", ".join(sorted(ACCEPTED_FILE_TYPES)),
                )
            )
        copies = item.get("copies", "")
        if not isinstance(copies, str) or len(copies) > 100:
            parser.error(_("thành phần hồ sơ “{name}”: số lượng tối đa 100 ký tự.").format(name=name))
            copies = ""
        documents.append((name.strip(), bool(mandatory), list(dict.fromkeys(types)), copies.strip()))
    return documents


def _parse_steps(parser: _RecordParser) -> list[tuple[str, str, int]]:
    raw = parser.raw.get("steps", [])
    if not isinstance(raw, list):
        parser.error(_("“steps” phải là một danh sách."))
        return []
    steps = []
    for index, item in enumerate(raw, start=1):
        if not isinstance(item, dict):
            parser.error(_("bước xử lý thứ {index} không hợp lệ.").format(index=index))
            continue
        name, role, share = item.get("name"), item.get("role"), item.get("share_percent")
        if not isinstance(name, str) or not name.strip() or len(name) > 300:
            parser.error(_("bước xử lý thứ {index}: cần tên (tối đa 300 ký tự).").format(index=index))
            continue
        if role not in STEP_ROLES:
            parser.error(
                _("bước “{name}”: vai trò phải là một trong {roles}.").format(
                    name=name, roles=", ".join(sorted(STEP_ROLES))
                )
            )
        if isinstance(share, bool) or not isinstance(share, int) or not 1 <= share <= 100:
            parser.error(_("bước “{name}”: tỷ lệ thời hạn phải là số nguyên từ 1 đến 100.").format(name=name))
            share = 0
        steps.append((name.strip(), role, share))
    total = sum(step[2] for step in steps)
    if steps and total != 100:
        parser.error(_("tổng tỷ lệ thời hạn của các bước là {total}%, phải bằng 100%.").format(total=total))
    return steps


def _parse_record(raw: Any) -> _Record | list[str]:
    if not isinstance(raw, dict):
        return [str(_("bản ghi phải là một đối tượng."))]
    parser = _RecordParser(raw)
    code = parser.text("code", label="code", required=True, max_length=40)
    name = parser.text("name", label="name", required=True, max_length=500)
    field_raw = raw.get("field")
    field_code = field_name = ""
    if (
        isinstance(field_raw, dict)
        and isinstance(field_raw.get("code"), str)
        and isinstance(field_raw.get("name"), str)
    ):
        field_code, field_name = field_raw["code"].strip(), field_raw["name"].strip()
    if not field_code or not field_name:
        parser.error(_("cần lĩnh vực dạng {“code”, “name”}."))
    level = parser.choice("level", label="level", choices=Procedure.Level)
    online_level = parser.choice("online_level", label="online_level", choices=Procedure.OnlineLevel)
    agencies = raw.get("agencies", [])
    if agencies == ALL_COMMUNES:
        if level != Procedure.Level.COMMUNE:
            parser.error(_("chỉ thủ tục cấp xã mới được giao cho mọi phường, xã (“*”)."))
        agency_codes = [ALL_COMMUNES]
    elif isinstance(agencies, list) and all(isinstance(code_, str) for code_ in agencies):
        agency_codes = list(dict.fromkeys(code_.strip() for code_ in agencies))
    else:
        parser.error(_("“agencies” phải là danh sách mã cơ quan hoặc “*”."))
        agency_codes = []
    deadline = parser.decimal("deadline_days", label="deadline_days")
    if deadline is None:
        parser.error(_("thiếu thời hạn giải quyết (“deadline_days”)."))
    elif not Decimal("0.5") <= deadline <= Decimal(365) or deadline != deadline.quantize(Decimal("0.1")):
        parser.error(
            _(
                "thời hạn giải quyết phải từ 0,5 đến 365 ngày làm việc, tối đa một chữ số thập phân (nhận “{value}”)."
            ).format(value=raw.get("deadline_days"))
        )
    fee = parser.decimal("fee", label="fee", default=Decimal(0))
    fee_online = parser.decimal("fee_online", label="fee_online")
    for label, amount in (("fee", fee), ("fee_online", fee_online)):
        if amount is not None and (amount < 0 or amount != amount.to_integral_value() or amount >= Decimal(10) ** 12):
            parser.error(_("“{label}” phải là số đồng nguyên, không âm.").format(label=label))
    form_schema = raw.get("form_schema", [])
    try:
        validate_schema(form_schema)
    except ValidationError as exc:
        for message in exc.messages:
            parser.error(_("mẫu đơn: {message}").format(message=message))
    is_published = raw.get("is_published")
    if is_published is not None and not isinstance(is_published, bool):
        parser.error(_("“is_published” phải là true/false."))
    record = _Record(
        code=code,
        name=name,
        field_code=field_code,
        field_name=field_name,
        level=level,
        online_level=online_level,
        agency_codes=agency_codes,
        deadline_days=deadline or Decimal(0),
        fee=fee or Decimal(0),
        fee_online=fee_online,
        fee_note=parser.text("fee_note", label="fee_note", max_length=500),
        description=parser.text("description", label="description"),
        legal_basis=parser.text("legal_basis", label="legal_basis"),
        result=parser.text("result", label="result", max_length=500),
        applicants=parser.text("applicants", label="applicants", max_length=300),
        documents=_parse_documents(parser),
        steps=_parse_steps(parser),
        form_schema=form_schema,
        is_published=is_published,
    )
    return parser.errors or record


def _snapshot(procedure: Procedure) -> dict[str, Any]:
    return {
        "name": procedure.name,
        "field": (procedure.field.code, procedure.field.name),
        "level": procedure.level,
        "online_level": procedure.online_level,
        "agencies": sorted(agency.code for agency in procedure.agencies.all()),
        "deadline_days": procedure.deadline_days,
        "fee": procedure.fee,
        "fee_online": procedure.fee_online,
        "fee_note": procedure.fee_note,
        "description": procedure.description,
        "legal_basis": procedure.legal_basis,
        "result": procedure.result,
        "applicants": procedure.applicants,
        "documents": [(d.name, d.is_mandatory, d.accepted_types, d.copies) for d in procedure.documents.all()],
        "steps": [(s.name, s.role, s.share_percent) for s in procedure.steps.all()],
        "form_schema": procedure.form_schema,
        "is_published": procedure.is_published,
    }


def _record_snapshot(record: _Record, agency_codes: list[str], is_published: bool) -> dict[str, Any]:
    return {
        "name": record.name,
        "field": (record.field_code, record.field_name),
        "level": record.level,
        "online_level": record.online_level,
        "agencies": sorted(agency_codes),
        "deadline_days": record.deadline_days,
        "fee": record.fee,
        "fee_online": record.fee_online,
        "fee_note": record.fee_note,
        "description": record.description,
        "legal_basis": record.legal_basis,
        "result": record.result,
        "applicants": record.applicants,
        "documents": record.documents,
        "steps": record.steps,
        "form_schema": record.form_schema,
        "is_published": is_published,
    }


def _resolve_agencies(records: list[_Record], errors: list[str]) -> dict[str, list[Agency]]:
    """Agencies per record code; unknown agency codes are reported in ``errors``."""
    wanted = {code for record in records for code in record.agency_codes if code != ALL_COMMUNES}
    by_code = {agency.code: agency for agency in Agency.objects.filter(code__in=wanted)}
    communes: list[Agency] | None = None
    resolved: dict[str, list[Agency]] = {}
    for record in records:
        if record.agency_codes == [ALL_COMMUNES]:
            if communes is None:
                communes = list(Agency.objects.filter(kind=Agency.Kind.COMMUNE, is_active=True))
            resolved[record.code] = communes
            continue
        missing = [code for code in record.agency_codes if code not in by_code]
        if missing:
            errors.append(
                str(
                    _("Thủ tục {code}: không có cơ quan mã {missing}.").format(
                        code=record.code, missing=", ".join(missing)
                    )
                )
            )
        resolved[record.code] = [by_code[code] for code in record.agency_codes if code in by_code]
    return resolved


def _validate_records(records: Any) -> tuple[list[_Record], dict[str, list[Agency]]]:
    if not isinstance(records, list):
        raise ValidationError(_("Danh mục thủ tục phải là một danh sách bản ghi."), code="invalid_catalog")
    errors: list[str] = []
    parsed: list[_Record] = []
    seen: set[str] = set()
    for index, raw in enumerate(records, start=1):
        result = _parse_record(raw)
        code = raw.get("code") if isinstance(raw, dict) else None
        where = (
            _("Thủ tục {code}").format(code=code)
            if isinstance(code, str) and code.strip()
            else _("Bản ghi thứ {index}").format(index=index)
        )
        if isinstance(result, list):
            errors.extend(f"{where}: {message}" for message in result)
            continue
        if result.code in seen:
            errors.append(str(_("Thủ tục {code}: mã bị trùng trong danh mục nhập.").format(code=result.code)))
        seen.add(result.code)
        parsed.append(result)
    field_names: dict[str, str] = {}
    for record in parsed:
        if field_names.setdefault(record.field_code, record.field_name) != record.field_name:
            errors.append(
                str(
                    _("Thủ tục {code}: lĩnh vực “{field}” có hai tên khác nhau trong danh mục nhập.").format(
                        code=record.code, field=record.field_code
                    )
                )
            )
    agencies = _resolve_agencies(parsed, errors)
    if errors:
        raise ValidationError(errors, code="invalid_catalog")
    return parsed, agencies


def _write_children(procedure: Procedure, record: _Record) -> None:
    procedure.documents.all().delete()
    procedure.steps.all().delete()
    for order, (name, mandatory, types, copies) in enumerate(record.documents, start=1):
        document = RequiredDocument(
            procedure=procedure, name=name, is_mandatory=mandatory, accepted_types=types, copies=copies, order=order
        )
        document.full_clean()
        document.save()
    for order, (name, role, share) in enumerate(record.steps, start=1):
        step = ProcessingStep(procedure=procedure, order=order, name=name, role=role, share_percent=share)
        step.full_clean()
        step.save()


@transaction.atomic
def catalog_import(*, actor, records: list[dict]) -> dict[str, int]:
    """Create or update procedures from catalog records (idempotent upsert by code; all or nothing).

    Every record is validated first; any problem raises one ``ValidationError``
    (code ``invalid_catalog``) listing all messages, each naming its record,
    and nothing is written. Unchanged procedures are not touched. Returns the
    counts ``created``, ``updated`` and ``unchanged``.
    """
    _ensure_platform_admin(actor)
    parsed, agencies = _validate_records(records)
    fields: dict[str, Field] = {}
    renamed: list[Field] = []
    for record in parsed:
        if record.field_code in fields:
            continue
        item = Field.objects.filter(code=record.field_code).first() or Field(code=record.field_code)
        if item.pk is None or item.name != record.field_name:
            if item.pk is not None:
                renamed.append(item)
            item.name = record.field_name
            item.full_clean()
            item.save()
        fields[record.field_code] = item
    existing = {
        procedure.code: procedure
        for procedure in Procedure.objects.filter(code__in=[record.code for record in parsed])
        .select_related("field")
        .prefetch_related("agencies", "documents", "steps")
    }
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    changed_codes: list[str] = []
    for record in parsed:
        procedure = existing.get(record.code)
        record_agencies = agencies[record.code]
        is_published = record.is_published
        if is_published is None:
            is_published = procedure.is_published if procedure is not None else True
        wanted = _record_snapshot(record, [agency.code for agency in record_agencies], is_published)
        if procedure is not None and _snapshot(procedure) == wanted:
            counts["unchanged"] += 1
            continue
        counts["created" if procedure is None else "updated"] += 1
        changed_codes.append(record.code)
        procedure = procedure or Procedure(code=record.code)
        for name in (
            "name",
            "level",
            "online_level",
            "deadline_days",
            "fee",
            "fee_online",
            "fee_note",
            "description",
            "legal_basis",
            "result",
            "applicants",
            "form_schema",
        ):
            setattr(procedure, name, getattr(record, name))
        procedure.field = fields[record.field_code]
        procedure.is_published = is_published
        procedure.name_sort = procedure_sort_key(record.name)
        procedure.name_search = procedure_search_text(
            code=record.code,
            name=record.name,
            field_name=record.field_name,
        )
        procedure.full_clean()
        procedure.save()
        procedure.agencies.set(record_agencies)
        _write_children(procedure, record)
    for item in renamed:
        procedures_reindex(field=item)
    audit_record(actor=actor, action="procedures.catalog_import", data={**counts, "codes": changed_codes})
    return counts


# --- editing one procedure ---------------------------------------------------------------------


def _as_decimal(name: str, value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValidationError({name: [_("Giá trị phải là một số.")]}, code="invalid")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValidationError({name: [_("Giá trị phải là một số.")]}, code="invalid") from None
    if not number.is_finite():
        raise ValidationError({name: [_("Giá trị phải là một số.")]}, code="invalid")
    return number


def procedure_changes_clean(changes: dict[str, Any]) -> dict[str, Any]:
    """Check and normalise ``procedure_update`` changes.

    Raises ``ValidationError`` per field, ``TypeError`` for a field that cannot be edited.
    """
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"procedure_update() got unexpected fields: {', '.join(sorted(unknown))}")
    coerced = dict(changes)
    for name in _DECIMAL_FIELDS:
        if name in coerced:
            coerced[name] = _as_decimal(name, coerced[name])
    errors: dict[str, list] = {}
    if "deadline_days" in coerced and coerced["deadline_days"] is None:
        errors["deadline_days"] = [_("Vui lòng nhập thời hạn giải quyết.")]
    if "fee" in coerced and coerced["fee"] is None:
        coerced["fee"] = Decimal(0)
    for name in ("fee", "fee_online"):
        if coerced.get(name) is not None and coerced[name] < 0:
            errors[name] = [_("Phí, lệ phí không được âm.")]
    for name in ("name", "description", "legal_basis", "result", "applicants", "fee_note"):
        if name in coerced:
            if not isinstance(coerced[name], str):
                errors[name] = [_("Giá trị phải là chuỗi ký tự.")]
            else:
                coerced[name] = coerced[name].strip()
    if "is_published" in coerced and not isinstance(coerced["is_published"], bool):
        errors["is_published"] = [_("Giá trị phải là đúng hoặc sai.")]
    if "form_schema" in coerced:
        try:
            validate_schema(coerced["form_schema"])
        except ValidationError as exc:
            errors["form_schema"] = exc.messages
    if errors:
        raise ValidationError(errors, code="invalid")
    return coerced


def _audit_value(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


@transaction.atomic
def procedure_update(*, actor, procedure: Procedure, **changes: Any) -> Procedure:
    """Change a procedure's published details (fees, online level, deadline, publication, texts, form).

    Only an agency admin of one of the procedure's agencies or a platform admin
    may do it (``actor=None`` for a system change). Raises ``PermissionDenied``,
    ``ValidationError`` (per field) or ``TypeError`` for a field that cannot be
    edited. An unchanged procedure is not written.
    """
    procedure = Procedure.objects.select_for_update().select_related("field").get(pk=procedure.pk)
    if actor is not None and not procedure_can_manage(actor, procedure):
        raise PermissionDenied(_("Bạn không có quyền sửa thủ tục này."))
    coerced = procedure_changes_clean(changes)
    diff = {
        name: {"from": _audit_value(getattr(procedure, name)), "to": _audit_value(value)}
        for name, value in coerced.items()
        if getattr(procedure, name) != value
    }
    if not diff:
        return procedure
    for name in diff:
        setattr(procedure, name, coerced[name])
    if "name" in diff:
        procedure.name_sort = procedure_sort_key(procedure.name)
        _refresh_search_text(procedure)
    procedure.full_clean()
    procedure.save()
    if "form_schema" in diff:
        diff["form_schema"] = {"changed": True}
    audit_record(actor=actor, action="procedures.update", obj=procedure, data={"changes": diff})
    return procedure
