"""Fixtures for the agencies tests."""

import pytest

from congso.agencies.tests.cast import Cast, build_cast


@pytest.fixture
def cast(db) -> Cast:
    return build_cast()
