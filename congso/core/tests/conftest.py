"""Fixtures for the core tests."""

from collections.abc import Iterator

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """Calendar overrides are cached; a rolled-back test must not leave its overrides behind."""
    cache.clear()
    yield
    cache.clear()
