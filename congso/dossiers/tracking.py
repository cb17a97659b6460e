"""A short-lived cache of the public tracking answer (tra cứu hồ sơ), the busiest read of the portal.

The answer of one dossier is kept for ``TTL_SECONDS`` with the last four digits of its phone, and
forgotten when a transition of that dossier commits (``dossier_workflow`` calls ``forget``). With a
shared cache (Redis, ``REDIS_URL``) every process sees the change at once; with the per-process memory
cache of the embedded demo another process may answer from its copy for up to ``TTL_SECONDS``.
"""

import hashlib
import hmac

from django.core.cache import cache
from django.db import transaction

TTL_SECONDS = 60


def _key(receipt_code: str) -> str:
    return "dossiers:tracking:" + hashlib.sha256(receipt_code.strip().upper().encode()).hexdigest()


def cached(receipt_code: str, phone_last4: str) -> bytes | None:
    """The cached answer, only when the four digits match (a mismatch goes the slow, throttled way)."""
    hit = cache.get(_key(receipt_code))
    if hit is None or not hmac.compare_digest(hit[0], (phone_last4 or "").strip()):
        return None
    return hit[1]


def remember(receipt_code: str, phone: str, body: bytes) -> None:
    cache.set(_key(receipt_code), (phone[-4:], body), TTL_SECONDS)


def forget(receipt_code: str | None) -> None:
    """Drop the cached answer once the current transaction commits (now, outside one)."""
    if receipt_code:
        transaction.on_commit(lambda: cache.delete(_key(receipt_code)))
