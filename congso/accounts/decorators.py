"""Guards for back-office views."""

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from congso.accounts.selectors import is_otp_verified, is_staff_user, totp_device_confirmed


def staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Only staff who passed the TOTP second factor get through.

    Anonymous visitors go to the login page, staff who have not yet passed the
    second factor to its setup or verification page (both with ``next``), and
    everyone else gets 403.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_staff_user(user):
            raise PermissionDenied
        if not is_otp_verified(user):
            return _to_second_factor(request)
        return view(request, *args, **kwargs)

    return wrapper


def _to_second_factor(request: HttpRequest) -> HttpResponse:
    user = request.user
    step = "accounts:otp_verify" if totp_device_confirmed(user=user) else "accounts:otp_setup"
    return HttpResponseRedirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")


def account_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Any signed-in user, but staff only once they passed the TOTP second factor.

    For one's own account pages: a staff password alone must not be enough to change
    the password, the contact details or the API keys. Anonymous visitors go to the
    login page, staff who have not passed the second factor to it (both with ``next``).
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if is_staff_user(user) and not is_otp_verified(user):
            return _to_second_factor(request)
        return view(request, *args, **kwargs)

    return wrapper
