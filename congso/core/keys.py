"""Secret keys handed to people and systems (API keys): made, stored as a hash, checked the same way everywhere."""

import hashlib
import secrets
from datetime import datetime

from django.utils import timezone

KEY_PREFIX = "cs_"
"""Every key starts with it, so a leaked key is recognisable (and a secret scanner can look for it)."""


def new_key() -> str:
    """A fresh key: the prefix and 256 random bits. Shown once; only ``key_hash`` of it is stored."""
    return KEY_PREFIX + secrets.token_urlsafe(32)


def key_hash(key: str) -> str:
    """What is stored and looked up for a key: its SHA-256, in hex."""
    return hashlib.sha256(key.encode()).hexdigest()


def key_usable(*, revoked_at: datetime | None, expires_at: datetime | None, at: datetime | None = None) -> bool:
    """Not revoked and not expired at ``at`` (now by default)."""
    moment = at or timezone.now()
    return revoked_at is None and (expires_at is None or expires_at > moment)
