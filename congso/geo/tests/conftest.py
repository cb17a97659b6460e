"""Fixtures for the geo tests."""

from collections.abc import Iterator

import pytest
from django.db import transaction

from congso.geo.services import units_sync_from_package


@pytest.fixture
def units(db) -> dict:
    """The national code list loaded into the test database, for a test that changes it."""
    return units_sync_from_package()


@pytest.fixture(scope="module")
def _units_once(django_db_setup, django_db_blocker) -> Iterator[dict]:
    with django_db_blocker.unblock(), transaction.atomic():
        yield units_sync_from_package()
        transaction.set_rollback(True)


@pytest.fixture
def loaded_units(_units_once, db) -> dict:
    """The national code list, loaded once per test module and rolled back after it (read-only tests)."""
    return _units_once
