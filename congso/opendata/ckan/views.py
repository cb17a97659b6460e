"""The endpoint: reads the key and the parameters, runs the action, answers in CKAN's envelope.

Order of the checks: method (GET, HEAD or POST) → API key (unknown, revoked, expired: 403;
over quota: 429) → action name (unknown: 400) → request data (not a JSON object: 400) → the
action (not found: 404; bad parameters: 409). A request made with a known key is written to its
usage log with the status it got, refused or not.
"""

from typing import Any
from urllib.parse import urlencode

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, JsonResponse
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt

from congso.opendata import access
from congso.opendata.ckan.actions import ACTIONS, Call
from congso.opendata.ckan.errors import ActionError, BadRequest, MethodNotAllowed, NotAuthorized, QuotaExceeded
from congso.opendata.ckan.params import request_data
from congso.opendata.models import ApiKey

_ALLOWED_METHODS = ("GET", "HEAD", "POST")


def _json(body: dict[str, Any], *, status: int = 200) -> JsonResponse:
    response = JsonResponse(body, status=status, encoder=DjangoJSONEncoder, json_dumps_params={"ensure_ascii": False})
    response["Vary"] = "Authorization, X-CKAN-API-Key"
    return response


def _help_url(request: HttpRequest, name: str) -> str:
    path = reverse("opendata_ckan:action", args=["help_show"])
    return request.build_absolute_uri(f"{path}?{urlencode({'name': name[:100]})}")


def refused_request_body(request: HttpRequest, status: int, code: str, message: str) -> JsonResponse:
    """A request refused before the view (NUL, body too large…) in CKAN's envelope, as a ``BadRequest``.

    Registered with ``congso.core.middleware.register_error_body``; CKAN has no ``__type`` for 413.
    """
    try:
        name = resolve(request.path_info).kwargs.get("name", "help_show")
    except Resolver404:
        name = "help_show"
    # CKAN's reasons follow "Yêu cầu không hợp lệ: " in lower case.
    error = BadRequest(message[:1].lower() + message[1:])
    return _json({"help": _help_url(request, name), "success": False, "error": error.error()}, status=status)


def _refusal(refused: access.KeyRefused) -> ActionError:
    if isinstance(refused, access.QuotaExceeded):
        return QuotaExceeded(refused.message, retry_after=refused.retry_after)
    return NotAuthorized(refused.message)


@csrf_exempt
def action(request: HttpRequest, name: str) -> JsonResponse:
    """``/opendata/api/3/action/<name>``: one call of an action, answered in CKAN's envelope."""
    body: dict[str, Any] = {"help": _help_url(request, name)}
    key: ApiKey | None = None
    call: Call | None = None
    try:
        if request.method not in _ALLOWED_METHODS:
            raise MethodNotAllowed(gettext("chỉ nhận phương thức GET hoặc POST."))
        try:
            key = access.api_key_from_request(request)
        except access.KeyRefused as refused:
            key = refused.key
            raise _refusal(refused) from refused
        function = ACTIONS.get(name)
        if function is None:
            raise BadRequest(gettext("không có thao tác (action) “{name}”.").format(name=name[:100]))
        call = Call(request=request, key=key, data=request_data(request))
        body.update(success=True, result=function(call))
        response = _json(body)
    except ActionError as error:
        body.update(success=False, error=error.error())
        response = _json(body, status=error.status)
        if isinstance(error, QuotaExceeded):
            response["Retry-After"] = str(error.retry_after)
        if isinstance(error, MethodNotAllowed):
            response["Allow"] = ", ".join(_ALLOWED_METHODS)
    if key is not None:
        dataset = call.dataset if call is not None else None
        access.record_usage(key=key, action=name, status=response.status_code, dataset=dataset)
    return response


def api_version(request: HttpRequest) -> JsonResponse:
    """``/opendata/api/3``: the API version, as CKAN answers at ``/api/3``."""
    return _json({"version": 3})
