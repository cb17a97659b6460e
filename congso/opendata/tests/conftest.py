"""Fixtures for every open-data test."""

import pytest


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Uploads and published files go to a temporary folder, never to var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"
