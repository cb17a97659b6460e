"""How long a login locked by django-axes stays locked, said in Vietnamese."""

import math
from dataclasses import dataclass
from datetime import datetime

from axes.helpers import get_cool_off
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Lockout:
    message: str
    retry_after_seconds: int | None
    retry_at: datetime | None


def lockout_details(request: HttpRequest) -> Lockout:
    """The lock lasts the cool-off time from now: every attempt during the lock starts it again."""
    cool_off = get_cool_off(request)
    if not cool_off:
        return Lockout(
            message=gettext("Tài khoản tạm khóa do đăng nhập sai nhiều lần. Vui lòng liên hệ bộ phận hỗ trợ."),
            retry_after_seconds=None,
            retry_at=None,
        )
    seconds = math.ceil(cool_off.total_seconds())
    retry_at = timezone.localtime(timezone.now() + cool_off)
    message = _(
        "Tài khoản tạm khóa do đăng nhập sai nhiều lần. Vui lòng thử lại sau {minutes} phút (sau {time})."
    ).format(minutes=max(1, math.ceil(seconds / 60)), time=f"{retry_at:%H:%M}")
    return Lockout(message=message, retry_after_seconds=seconds, retry_at=retry_at)
