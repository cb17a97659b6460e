"""Request middleware: who/where of the current request for the audit log, and refusing unreadable requests."""

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext, gettext_noop


@dataclass(frozen=True)
class RequestContext:
    ip: str | None
    user_agent: str


_current: ContextVar[RequestContext | None] = ContextVar("congso_request_context", default=None)


def current_request_context() -> RequestContext | None:
    """The IP and user agent of the request being served, if any."""
    return _current.get()


def client_ip(request: HttpRequest) -> str | None:
    """The client address; REMOTE_ADDR is set correctly by the reverse proxy in production."""
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _current.set(
            RequestContext(ip=client_ip(request), user_agent=request.META.get("HTTP_USER_AGENT", "")[:300])
        )
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)


NUL_MESSAGE = gettext_noop("Yêu cầu chứa ký tự rỗng (NUL), không được phép. Vui lòng xóa ký tự đó và gửi lại.")
TOO_LARGE_MESSAGE = gettext_noop(
    "Nội dung gửi lên quá lớn (tối đa {limit}, không kể tệp đính kèm). Vui lòng gửi ít dữ liệu hơn."
)
TOO_MANY_FIELDS_MESSAGE = gettext_noop(
    "Yêu cầu có quá nhiều trường dữ liệu (tối đa {limit}). Vui lòng gửi ít trường hơn."
)
TOO_MANY_FILES_MESSAGE = gettext_noop("Yêu cầu đính kèm quá nhiều tệp (tối đa {limit}). Vui lòng gửi ít tệp hơn.")

ErrorBody = Callable[[HttpRequest, int, str, str], HttpResponse]
"""Renders a refusal: ``render(request, status, code, message)``."""

_error_bodies: dict[str, ErrorBody] = {}


def register_error_body(prefix: str, render_error: ErrorBody) -> None:
    """Answer refused requests whose path starts with ``prefix`` with ``render_error``; the longest prefix wins."""
    _error_bodies[prefix] = render_error


def error_response(request: HttpRequest, status: int, code: str, message: str) -> HttpResponse:
    """A refusal in the shape the path expects: a registered one, else the ``400.html`` page."""
    prefixes = [prefix for prefix in _error_bodies if request.path_info.startswith(prefix)]
    if prefixes:
        return _error_bodies[max(prefixes, key=len)](request, status, code, message)
    return render(request, "400.html", {"message": message}, status=status)


def _api_error_body(request: HttpRequest, status: int, code: str, message: str) -> HttpResponse:
    return JsonResponse({"error": {"code": code, "message": message, "fields": {}}}, status=status)


register_error_body("/api/", _api_error_body)


def _holds_nul(data: QueryDict) -> bool:
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in data.lists())


def carries_nul(request: HttpRequest) -> bool:
    """Whether the path, the query or the text of the body holds a NUL character.

    File parts of a multipart body are not looked at: files are binary.
    """
    if "\x00" in request.path or _holds_nul(request.GET):
        return True
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return False
    if request.content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        return request.method == "POST" and _holds_nul(request.POST)
    body = request.body
    return b"\x00" in body or b"\\u0000" in body


class RejectNulMiddleware:
    """Answer 400 to any request carrying a NUL character.

    No text the platform stores or looks up can hold one, and PostgreSQL refuses
    it in text and jsonb (a query with one fails instead of matching nothing). One
    check here, before any view, keeps every form, API endpoint and lookup safe.

    Reading the data for that check is where Django finds a body over
    ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (answered 413) or too many fields or files (400):
    those are answered here too, in the path's shape, instead of Django's bare 400 page.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            nul = carries_nul(request)
        except RequestDataTooBig:
            limit = filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
            message = gettext(TOO_LARGE_MESSAGE).format(limit=limit)
            return error_response(request, 413, "request_too_large", message)
        except TooManyFieldsSent:
            message = gettext(TOO_MANY_FIELDS_MESSAGE).format(limit=settings.DATA_UPLOAD_MAX_NUMBER_FIELDS)
            return error_response(request, 400, "too_many_fields", message)
        except TooManyFilesSent:
            message = gettext(TOO_MANY_FILES_MESSAGE).format(limit=settings.DATA_UPLOAD_MAX_NUMBER_FILES)
            return error_response(request, 400, "too_many_files", message)
        if nul:
            return error_response(request, 400, "null_characters_not_allowed", gettext(NUL_MESSAGE))
        return self.get_response(request)
