"""Writes for administrative units (đơn vị hành chính): loading the national code list."""

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from vietnam_provinces import Province, VietNamDivisionType, Ward

from congso.core.services import audit_record
from congso.core.text import fold
from congso.geo.models import AdministrativeUnit

Level = AdministrativeUnit.Level
DivisionType = AdministrativeUnit.DivisionType

# The two-level local government (34 provinces, communes without districts)
# took effect on this day (Resolution 202/2025/QH15).
REORGANISATION_DATE = date(2025, 7, 1)

_DIVISION_TYPES = {
    VietNamDivisionType.THANH_PHO_TRUNG_UONG: DivisionType.CENTRAL_CITY,
    VietNamDivisionType.TINH: DivisionType.PROVINCE,
    VietNamDivisionType.PHUONG: DivisionType.WARD,
    VietNamDivisionType.XA: DivisionType.COMMUNE,
    VietNamDivisionType.DAC_KHU: DivisionType.SPECIAL_ZONE,
}
_SYNCED_FIELDS = ("division_type", "name", "name_search", "codename", "parent_id", "valid_to")
_BATCH = 500


def province_code(value: int) -> str:
    """The stored form of a province code: two digits ("79")."""
    return f"{value:02d}"


def commune_code(value: int) -> str:
    """The stored form of a commune code: five digits ("26743")."""
    return f"{value:05d}"


def _clean_name(name: str) -> str:
    return " ".join(name.split())


def _package_units() -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """Provinces and communes of the installed package, by stored code, as model field values."""
    provinces = {
        province_code(item.code.value): {
            "division_type": _DIVISION_TYPES[item.division_type],
            "name": _clean_name(item.name),
            "codename": item.codename,
        }
        for item in Province.iter_all()
    }
    communes = {
        commune_code(item.code.value): {
            "division_type": _DIVISION_TYPES[item.division_type],
            "name": _clean_name(item.name),
            "codename": item.codename,
            "parent_code": province_code(item.province_code.value),
        }
        for item in Ward.iter_all()
    }
    return provinces, communes


def _sync_level(
    *, level: str, wanted: dict[str, dict[str, Any]], parent_ids: dict[str, int], today: date
) -> dict[str, int]:
    existing = {
        unit.code: unit
        for unit in AdministrativeUnit.objects.select_for_update().filter(level=level, valid_from=REORGANISATION_DATE)
    }
    to_create: list[AdministrativeUnit] = []
    to_update: list[AdministrativeUnit] = []
    for code, values in wanted.items():
        fields = {
            "division_type": values["division_type"],
            "name": values["name"],
            "name_search": fold(values["name"]),
            "codename": values["codename"],
            "parent_id": parent_ids.get(values.get("parent_code", "")),
            "valid_to": None,
        }
        unit = existing.get(code)
        if unit is None:
            unit = AdministrativeUnit(code=code, level=level, valid_from=REORGANISATION_DATE, **fields)
            unit.clean_fields(exclude=["parent"])
            to_create.append(unit)
        elif any(getattr(unit, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(unit, name, value)
            unit.clean_fields(exclude=["parent"])
            to_update.append(unit)
    gone = [unit for code, unit in existing.items() if code not in wanted and unit.valid_to is None]
    for unit in gone:
        unit.valid_to = today
    AdministrativeUnit.objects.bulk_create(to_create, batch_size=_BATCH)
    AdministrativeUnit.objects.bulk_update(to_update + gone, _SYNCED_FIELDS, batch_size=_BATCH)
    return {"created": len(to_create), "updated": len(to_update), "closed": len(gone)}


@transaction.atomic
def units_sync_from_package() -> dict[str, Any]:
    """Load the 34 provinces and their communes from the ``vietnam-provinces`` package.

    Idempotent: a unit is matched by level and code among the units valid from
    the 2025 reorganisation; a changed name or type is updated in place, a unit
    the package no longer lists is closed (``valid_to`` = today), never deleted,
    and a second run changes nothing. Runs as a system action and is audited.
    Fields are checked with ``clean_fields()``; the checks ``full_clean()``
    would add cost one query per unit and are guaranteed here anyway: the
    parent comes from the same load, uniqueness from matching on the code and
    the database constraint.
    """
    provinces, communes = _package_units()
    today = timezone.localdate()
    province_counts = _sync_level(level=Level.PROVINCE, wanted=provinces, parent_ids={}, today=today)
    parent_ids = dict(
        AdministrativeUnit.objects.filter(
            level=Level.PROVINCE, valid_from=REORGANISATION_DATE, code__in=list(provinces)
        ).values_list("code", "id")
    )
    commune_counts = _sync_level(level=Level.COMMUNE, wanted=communes, parent_ids=parent_ids, today=today)
    result = {
        "provinces": len(provinces),
        "communes": len(communes),
        **{key: province_counts[key] + commune_counts[key] for key in ("created", "updated", "closed")},
    }
    if result["created"] or result["updated"] or result["closed"]:
        audit_record(actor=None, action="geo.units_sync", data=result)
    return result
