"""Keeps who/where of the current request at hand for the audit log."""

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse


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
