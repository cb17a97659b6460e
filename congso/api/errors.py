"""One error shape for the whole API: ``{"error": {"code", "message", "fields"}}``.

Services raise Django's ``ValidationError`` (with a ``code``) or
``PermissionDenied``; endpoints raise ``ApiError`` for anything else. The
handlers below turn each into the structured body with a stable code.
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.request import RawPostDataException
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError


class ErrorDetail(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] = {}


class ErrorOut(Schema):
    error: ErrorDetail


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, fields: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields or {}


# Ninja raises HttpError with English text (e.g. an unparsable JSON body); answer in Vietnamese.
_HTTP_ERRORS = {
    400: ("bad_request", "Không đọc được nội dung yêu cầu (JSON không hợp lệ)"),
    405: ("method_not_allowed", "Phương thức không được hỗ trợ"),
    413: ("too_large", "Nội dung yêu cầu quá lớn"),
}


def _body(code: str, message: str, fields: dict[str, list[str]] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": str(message), "fields": fields or {}}}


def _validation_fields(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {name: [str(m) for e in errors for m in e.messages] for name, errors in exc.error_dict.items()}
    return {"__all__": [str(m) for m in exc.messages]}


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(ApiError)
    def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return api.create_response(request, _body(exc.code, exc.message, exc.fields), status=exc.status)

    @api.exception_handler(ValidationError)
    def _django_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        code = getattr(exc, "code", None) or "invalid"
        fields = _validation_fields(exc)
        # A message without fields (e.g. an invalid transition) says more than the generic one.
        message = "Dữ liệu không hợp lệ" if hasattr(exc, "error_dict") else " ".join(str(m) for m in exc.messages)
        return api.create_response(request, _body(code, message, fields), status=422)

    @api.exception_handler(NinjaValidationError)
    def _schema_validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        fields: dict[str, list[str]] = {}
        for err in exc.errors:
            loc = [str(p) for p in err.get("loc", []) if p not in ("body", "query", "path", "payload", "form")]
            fields.setdefault(".".join(loc) or "__all__", []).append(str(err.get("msg", "")))
        return api.create_response(request, _body("invalid", "Dữ liệu không hợp lệ", fields), status=422)

    @api.exception_handler(PermissionDenied)
    def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        message = str(exc) or "Bạn không có quyền thực hiện thao tác này"
        return api.create_response(request, _body("forbidden", message), status=403)

    @api.exception_handler(RawPostDataException)
    def _not_json(request: HttpRequest, exc: RawPostDataException) -> HttpResponse:
        # A form body sent to a JSON endpoint: the middleware already parsed it as a form.
        return api.create_response(
            request, _body("unsupported_media_type", "Nội dung yêu cầu phải là JSON"), status=415
        )

    @api.exception_handler(Http404)
    def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(request, _body("not_found", "Không tìm thấy"), status=404)

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return api.create_response(request, _body("unauthenticated", "Cần đăng nhập"), status=401)

    @api.exception_handler(HttpError)
    def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        code, message = _HTTP_ERRORS.get(exc.status_code, ("http_error", str(exc)))
        return api.create_response(request, _body(code, message), status=exc.status_code)
