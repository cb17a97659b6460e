"""Factories for administrative units."""

import datetime

import factory

from congso.core.text import fold
from congso.geo.models import AdministrativeUnit


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdministrativeUnit

    code = factory.Sequence(lambda n: f"{90 + n % 10:02d}")
    level = AdministrativeUnit.Level.PROVINCE
    division_type = AdministrativeUnit.DivisionType.PROVINCE
    name = factory.Sequence(lambda n: f"Tỉnh Thử Nghiệm {n}")
    name_search = factory.LazyAttribute(lambda unit: fold(unit.name))
    codename = factory.Sequence(lambda n: f"thu_nghiem_{n}")
    valid_from = datetime.date(2025, 7, 1)


class CommuneFactory(ProvinceFactory):
    code = factory.Sequence(lambda n: f"{90000 + n:05d}")
    level = AdministrativeUnit.Level.COMMUNE
    division_type = AdministrativeUnit.DivisionType.WARD
    name = factory.Sequence(lambda n: f"Phường Thử Nghiệm {n}")
    parent = factory.SubFactory(ProvinceFactory)
