"""What a notification may link to."""

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def is_safe_link(url: str) -> bool:
    """A path on this site (``/ho-so/12/``) or an http(s) address; never ``javascript:``, ``//host`` or spaces."""
    if not url or any(ord(char) <= 32 or char == "\\" for char in url):
        return False
    if url.startswith("/"):
        return not url.startswith("//")
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def validate_link(url: str) -> None:
    if url and not is_safe_link(url):
        raise ValidationError(
            _("Đường dẫn của thông báo phải là một trang của cổng hoặc một địa chỉ http(s)."), code="invalid_url"
        )
