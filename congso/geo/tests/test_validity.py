"""Validity periods: a reorganisation closes units instead of rewriting them."""

import datetime

import pytest

from congso.geo.models import AdministrativeUnit
from congso.geo.selectors import unit_search, units_current
from congso.geo.tests.factories import CommuneFactory, ProvinceFactory

pytestmark = pytest.mark.django_db


def test_units_current_respects_validity_periods(db):
    # given
    province = ProvinceFactory(code="90", valid_from=datetime.date(2025, 7, 1))
    old = CommuneFactory(parent=province, valid_from=datetime.date(2008, 1, 1), valid_to=datetime.date(2025, 7, 1))
    current = CommuneFactory(parent=province, valid_from=datetime.date(2025, 7, 1))
    future = CommuneFactory(parent=province, valid_from=datetime.date(2099, 1, 1))

    # then
    on_reorganisation_eve = units_current(at=datetime.date(2025, 6, 30))
    assert set(on_reorganisation_eve) == {old}
    assert set(units_current(at=datetime.date(2025, 7, 1))) == {province, current}
    assert set(units_current()) == {province, current}
    assert set(units_current(at=datetime.date(2099, 1, 1))) == {province, current, future}
    assert set(unit_search("thu nghiem")) == {province, current}
    assert AdministrativeUnit.objects.count() == 4
