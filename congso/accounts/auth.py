"""Authentication for API endpoints that need a user.

Mobile apps and other systems send ``Authorization: Bearer <key>`` with a key
from ``POST /api/v1/accounts/tokens``; the web site's own scripts use the
session cookie and must send the CSRF token (``X-CSRFToken`` header) on writes.
"""

from django.http import HttpRequest
from django.utils.translation import gettext
from ninja.security import HttpBearer, SessionAuth
from ninja.utils import check_csrf

from congso.accounts.models import User
from congso.accounts.selectors import is_otp_verified, is_staff_user
from congso.accounts.services import api_token_authenticate
from congso.api.errors import ApiError


class ApiTokenAuth(HttpBearer):
    """Personal API key (khóa truy cập API) sent as a bearer token."""

    openapi_bearerFormat = "cs_…"
    openapi_description = (
        "Khóa truy cập cá nhân lấy từ POST /api/v1/accounts/tokens, gửi trong tiêu đề `Authorization: Bearer <khóa>`."
    )

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        return api_token_authenticate(key=token.strip())


class SessionCsrfAuth(SessionAuth):
    """The web session, with Django's CSRF check on unsafe methods.

    Staff sessions count only after the TOTP second factor.
    """

    def _get_key(self, request: HttpRequest) -> str | None:
        if self.csrf and not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise ApiError(
                403, "csrf_failed", gettext("Thiếu hoặc sai mã chống giả mạo (CSRF). Vui lòng tải lại trang.")
            )
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = request.user
        if not user.is_authenticated or not user.is_active:
            return None
        if is_staff_user(user) and not is_otp_verified(user):
            return None
        return user


api_auth = [ApiTokenAuth(), SessionCsrfAuth()]
