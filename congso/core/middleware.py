"""Keeps who/where of the current request at hand for the audit log."""

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render
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
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not carries_nul(request):
            return self.get_response(request)
        message = gettext(NUL_MESSAGE)
        if request.path.startswith("/api/"):
            body = {"error": {"code": "null_characters_not_allowed", "message": message, "fields": {}}}
            return JsonResponse(body, status=400)
        return render(request, "400.html", {"message": message}, status=400)
