"""API keys at the door of the open-data API (khóa khai thác dữ liệu dùng chung).

A request may carry an agency's key in the ``Authorization`` header, raw or as ``Bearer <key>``
(``X-CKAN-API-Key``, which older CKAN clients send, is read when ``Authorization`` is absent).
No header means an anonymous request, which sees open data only. A header that names no usable key
(unknown, revoked, expired) is refused outright, whatever the request asks for: a client with a
wrong key learns it at once instead of silently seeing less. A key past its daily quota (requests
per calendar day in Asia/Ho_Chi_Minh, refused ones included) is refused until midnight.

The quota is counted by an atomic counter (``CodeCounter``, scope ``opendata-key:<pk>``, one row
per key and day): every request made with a usable key takes the next number in one upsert, before
it is served, and is refused when the number is above the quota. Concurrent requests never share a
number, so exactly ``daily_quota`` of them pass, and the counter row is locked only for that one
statement, not for the request. Every request made with a known key, refused or not, is also written
to the usage log ``ApiKeyUsage`` by ``record_usage``.
"""

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from congso.core.keys import key_hash
from congso.core.models import CodeCounter
from congso.core.services import code_next
from congso.opendata.models import ApiKey, ApiKeyUsage, Dataset

QUOTA_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")

# Keys are "cs_" + 43 characters; anything much longer is not one of ours and is not looked up.
_MAX_KEY_LENGTH = 200


class KeyRefused(Exception):
    """The request's key may not be used; ``message`` says why (Vietnamese), ``status`` is the HTTP status.

    ``key`` is the key row when the key is known (revoked, expired, over quota), so the refusal
    can be logged against it; None for a key nobody issued.
    """

    status = 403

    def __init__(self, message: str, *, key: ApiKey | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.key = key


class QuotaExceeded(KeyRefused):
    """The key used up its daily quota; ``retry_after`` is the number of seconds until the next day."""

    status = 429

    def __init__(self, message: str, *, key: ApiKey, retry_after: int) -> None:
        super().__init__(message, key=key)
        self.retry_after = retry_after


def raw_key(request: HttpRequest) -> str:
    """The key the request carries ("" for none): the ``Authorization`` header, without a ``Bearer`` prefix."""
    value = request.headers.get("Authorization", "").strip() or request.headers.get("X-CKAN-API-Key", "").strip()
    scheme, _, rest = value.partition(" ")
    if scheme.lower() == "bearer" and rest.strip():
        return rest.strip()
    return value


def day_start(moment: datetime) -> datetime:
    """Midnight (Asia/Ho_Chi_Minh) of the calendar day holding ``moment``, the start of a quota day."""
    local = timezone.localtime(moment, QUOTA_ZONE)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def quota_day(moment: datetime) -> date:
    """The calendar day (Asia/Ho_Chi_Minh) holding ``moment``: the day a request counts against."""
    return timezone.localtime(moment, QUOTA_ZONE).date()


def quota_scope(key: ApiKey) -> str:
    """The ``CodeCounter`` scope counting ``key``'s requests, one row per quota day."""
    return f"opendata-key:{key.pk}"


def requests_today(key: ApiKey, *, now: datetime | None = None) -> int:
    """Requests made with ``key`` while usable since midnight (Asia/Ho_Chi_Minh), refused ones included.

    Read from the quota counter, so it is the number the next request is checked against (0 before
    the day's first request).
    """
    return requests_today_of([key], now=now)[key.pk]


def requests_today_of(keys: Iterable[ApiKey], *, now: datetime | None = None) -> dict[int, int]:
    """``requests_today`` of several keys in one query: key id → requests today."""
    scopes = {quota_scope(key): key.pk for key in keys}
    counted = CodeCounter.objects.filter(scope__in=scopes, day=quota_day(now or timezone.now()))
    return dict.fromkeys(scopes.values(), 0) | {
        scopes[scope]: value for scope, value in counted.values_list("scope", "value")
    }


def api_key_from_request(request: HttpRequest) -> ApiKey | None:
    """The usable key the request carries, None if it carries none; ``KeyRefused`` otherwise.

    Refused: a key nobody issued, a revoked key, an expired key (403), a key over its daily quota
    (``QuotaExceeded``, 429). A usable key's request counts against the quota here, once, whether
    it is then served or refused: it takes the next number of the key's counter for today with
    ``code_next``, and a number above ``daily_quota`` is refused, so requests racing at the limit
    cannot both pass. Call it in autocommit (as the views do, ``ATOMIC_REQUESTS`` is off): inside a
    transaction the counter row would stay locked, and the key's other requests would wait, until
    that transaction ends.
    """
    raw = raw_key(request)
    if not raw:
        return None
    key = None
    if len(raw) <= _MAX_KEY_LENGTH:
        key = ApiKey.objects.select_related("agency").filter(key_hash=key_hash(raw)).first()
    if key is None:
        raise KeyRefused(gettext("Khóa API không hợp lệ: không có khóa nào như vậy."))
    now = timezone.now()
    if key.revoked_at is not None:
        raise KeyRefused(gettext("Khóa API đã bị thu hồi."), key=key)
    if key.expires_at is not None and key.expires_at <= now:
        expired_at = date_format(timezone.localtime(key.expires_at, QUOTA_ZONE), "d/m/Y H:i")
        raise KeyRefused(gettext("Khóa API đã hết hạn lúc {at}.").format(at=expired_at), key=key)
    if code_next(scope=quota_scope(key), day=quota_day(now)) > key.daily_quota:
        tomorrow = day_start(now) + timedelta(days=1)
        message = gettext(
            "Khóa API đã dùng hết hạn mức {quota} yêu cầu trong ngày; hạn mức được làm mới lúc 0 giờ (giờ Việt Nam)."
        ).format(quota=key.daily_quota)
        retry_after = max(1, int((tomorrow - now).total_seconds()))
        raise QuotaExceeded(message, key=key, retry_after=retry_after)
    return key


@transaction.atomic
def record_usage(*, key: ApiKey, action: str, status: int, dataset: Dataset | None = None) -> ApiKeyUsage:
    """Write one request made with ``key`` to the usage log (nhật ký khai thác) and stamp ``last_used_at``."""
    now = timezone.now()
    usage = ApiKeyUsage.objects.create(
        key=key,
        at=now,
        action=action[: ApiKeyUsage._meta.get_field("action").max_length],
        dataset=dataset,
        status=status,
    )
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    return usage
