"""The errors an action may answer with, each with CKAN's ``__type`` and HTTP status.

``ckanapi`` turns ``Not Found Error`` into ``NotFound``, ``Authorization Error`` into
``NotAuthorized`` and ``Validation Error`` into ``ValidationError``; any other type into
``CKANAPIError``.
"""

from typing import Any

from django.utils.translation import gettext


class ActionError(Exception):
    """An action's refusal: rendered as ``{"success": false, "error": {"__type": ..., "message": ...}}``."""

    status = 400
    type = "Bad Request"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def error(self) -> dict[str, Any]:
        return {"__type": self.type, "message": self.message}


class BadRequest(ActionError):
    """The request could not be read at all (unknown action, a body that is not a JSON object…).

    CKAN answers these with a bare JSON string; an envelope is sent instead, so that a client can
    always look at ``success``.
    """

    def error(self) -> dict[str, Any]:
        return {"__type": self.type, "message": gettext("Yêu cầu không hợp lệ: {reason}").format(reason=self.message)}


class MethodNotAllowed(BadRequest):
    status = 405


class NotFound(ActionError):
    """Nothing by that id among what the caller may see (a shared dataset without a grant included)."""

    status = 404
    type = "Not Found Error"

    def error(self) -> dict[str, Any]:
        # "Not found: <detail>" as CKAN words it; ckanapi keeps what follows the first ": ".
        return {"__type": self.type, "message": gettext("Không tìm thấy: {detail}").format(detail=self.message)}


class NotAuthorized(ActionError):
    status = 403
    type = "Authorization Error"

    def error(self) -> dict[str, Any]:
        return {"__type": self.type, "message": gettext("Từ chối truy cập: {detail}").format(detail=self.message)}


class QuotaExceeded(NotAuthorized):
    """Over the key's daily quota: 429 with ``Retry-After``, typed ``Authorization Error`` for ckanapi."""

    status = 429

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Invalid(ActionError):
    """Bad parameters: 409 as in CKAN, the messages under each parameter's name (``{"rows": [...]}``)."""

    status = 409
    type = "Validation Error"

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__(" ".join(f"{name}: {' '.join(messages)}" for name, messages in errors.items()))

    @classmethod
    def on(cls, name: str, message: str) -> "Invalid":
        return cls({name: [message]})

    def error(self) -> dict[str, Any]:
        return {"__type": self.type, "message": self.message, **self.errors}
