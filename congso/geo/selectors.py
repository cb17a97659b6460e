"""Reads of administrative units (đơn vị hành chính); public data, so no permission scope."""

from datetime import date

from django.db.models import Q, QuerySet
from django.utils import timezone

from congso.core.text import search_terms
from congso.geo.models import AdministrativeUnit


def _normal_province_code(code: str) -> str:
    """ "79", "079" and " 79 " all mean "79"; anything but digits matches no province."""
    code = code.strip()
    if not (code.isascii() and code.isdigit()):
        return ""
    return code.lstrip("0").zfill(2)[:10]


def units_current(*, at: date | None = None) -> QuerySet[AdministrativeUnit]:
    """Units in force on ``at`` (today in Vietnam by default): ``valid_from <= at < valid_to``."""
    day = at or timezone.localdate()
    return AdministrativeUnit.objects.filter(valid_from__lte=day).filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day))


def province_get(code: str) -> AdministrativeUnit | None:
    """The province in force today with this code, if any."""
    return units_current().filter(level=AdministrativeUnit.Level.PROVINCE, code=_normal_province_code(code)).first()


def provinces() -> QuerySet[AdministrativeUnit]:
    """The provinces in force today, by code."""
    return units_current().filter(level=AdministrativeUnit.Level.PROVINCE).order_by("code")


def province_units(province_code: str) -> QuerySet[AdministrativeUnit]:
    """The communes (phường, xã, đặc khu) in force today in one province, by name."""
    return (
        units_current()
        .filter(level=AdministrativeUnit.Level.COMMUNE, parent__code=_normal_province_code(province_code))
        .select_related("parent")
        .order_by("name_search", "code")
    )


def unit_search(
    query: str, *, level: str | None = None, province_code: str | None = None
) -> QuerySet[AdministrativeUnit]:
    """Units in force today whose name contains every word of ``query``, diacritics ignored.

    "phuong ben thanh" finds "Phường Bến Thành"; a word may also be the start
    of a unit code. ``province_code`` keeps the communes of that province.
    An empty query matches every unit. Provinces come before communes.
    """
    units = units_current().select_related("parent")
    for term in search_terms(query):
        units = units.filter(Q(name_search__contains=term) | Q(code__startswith=term))
    if level:
        units = units.filter(level=level)
    if province_code:
        units = units.filter(level=AdministrativeUnit.Level.COMMUNE, parent__code=_normal_province_code(province_code))
    return units.order_by("-level", "name_search", "code")
