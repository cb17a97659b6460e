"""Fixtures for the dossier tests: uploaded and issued files go to a temporary folder, the cache starts empty."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Every stored file (uploads, issued PDFs) lands in this test's own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Tracking throttles wrong guesses in the cache: no test inherits another's counters."""
    cache.clear()
    yield
    cache.clear()
