"""Web pages for signing in (with the staff second factor), registering and one's own account."""

from base64 import b32encode
from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from congso.accounts import services
from congso.accounts.decorators import account_required
from congso.accounts.forms import (
    BusinessRegistrationForm,
    CitizenRegistrationForm,
    LoginForm,
    OtpTokenForm,
    PasswordChangeForm,
    ProfileForm,
    add_service_errors,
)
from congso.accounts.lockout import lockout_details
from congso.accounts.models import User
from congso.accounts.selectors import (
    api_token_get_for,
    api_tokens_for,
    is_otp_verified,
    is_staff_user,
    totp_device_confirmed,
)

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
TOKENS_PER_PAGE = 10


def _safe_next(request: HttpRequest) -> str:
    """The ``next`` parameter if it points back to this site, otherwise empty."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _with_next(url_name: str, next_url: str) -> str:
    url = reverse(url_name)
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def _second_factor_url(user: User, next_url: str) -> str:
    step = "accounts:otp_verify" if totp_device_confirmed(user=user) else "accounts:otp_setup"
    return _with_next(step, next_url)


def _destination(user: User, next_url: str) -> str:
    if is_staff_user(user):
        return next_url or reverse("web:backoffice")
    return next_url or resolve_url(settings.LOGIN_REDIRECT_URL)


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    """Sign in; staff continue to the TOTP second factor. Repeated failures lock the login (see lockout_response)."""
    next_url = _safe_next(request)
    if request.method == "POST":
        form = LoginForm(request, data=request.POST)
        if form.is_valid():
            user = form.get_user()
            auth_login(request, user)
            if is_staff_user(user):
                return HttpResponseRedirect(_second_factor_url(user, next_url))
            return HttpResponseRedirect(_destination(user, next_url))
    else:
        if request.user.is_authenticated:
            if is_staff_user(request.user) and not is_otp_verified(request.user):
                return HttpResponseRedirect(_second_factor_url(request.user, next_url))
            return HttpResponseRedirect(_destination(request.user, next_url))
        form = LoginForm(request)
    return render(request, "accounts/login.html", {"form": form, "next": next_url})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    auth_logout(request)
    messages.info(request, gettext("Bạn đã đăng xuất."))
    return redirect(settings.LOGOUT_REDIRECT_URL)


def _register(
    request: HttpRequest, form_class: type[forms.Form], service: Callable[..., User], template: str
) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    next_url = _safe_next(request)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {name: value for name, value in form.cleaned_data.items() if name != "password_confirm"}
        try:
            user = service(**data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            auth_login(request, user, backend=MODEL_BACKEND)
            messages.success(request, gettext("Đăng ký tài khoản thành công. Chào mừng bạn đến với Công Sở."))
            return HttpResponseRedirect(next_url or reverse("accounts:profile"))
    return render(request, template, {"form": form, "next": next_url})


@sensitive_post_parameters("password", "password_confirm")
@never_cache
@require_http_methods(["GET", "POST"])
def register_view(request: HttpRequest) -> HttpResponse:
    """Citizen registration (đăng ký tài khoản công dân)."""
    return _register(request, CitizenRegistrationForm, services.citizen_register, "accounts/register.html")


@sensitive_post_parameters("password", "password_confirm")
@never_cache
@require_http_methods(["GET", "POST"])
def register_business_view(request: HttpRequest) -> HttpResponse:
    """Business registration (đăng ký tài khoản doanh nghiệp)."""
    return _register(request, BusinessRegistrationForm, services.business_register, "accounts/register_business.html")


@account_required
@require_http_methods(["GET"])
def profile_view(request: HttpRequest) -> HttpResponse:
    page_obj = Paginator(api_tokens_for(user=request.user), TOKENS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "accounts/profile.html", {"profile": request.user, "page_obj": page_obj})


@account_required
@never_cache
@require_http_methods(["GET", "POST"])
def profile_edit_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        form = ProfileForm(request.POST, user=user)
        if form.is_valid():
            try:
                services.profile_update(user=user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, gettext("Đã lưu thông tin cá nhân."))
                return redirect("accounts:profile")
    else:
        form = ProfileForm(initial=ProfileForm.initial_for(user), user=user)
    return render(request, "accounts/profile_edit.html", {"form": form})


@account_required
@sensitive_post_parameters("old_password", "new_password", "new_password_confirm")
@never_cache
@require_http_methods(["GET", "POST"])
def password_change_view(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(
                user=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            request.user.refresh_from_db(fields=["password"])
            update_session_auth_hash(request, request.user)
            messages.success(request, gettext("Đã đổi mật khẩu."))
            return redirect("accounts:profile")
    return render(request, "accounts/password_change.html", {"form": form})


@account_required
@require_POST
def token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    token = api_token_get_for(user=request.user, pk=pk)
    if token is None:
        messages.error(request, gettext("Không tìm thấy khóa truy cập này."))
    else:
        services.api_token_revoke(actor=request.user, token=token)
        messages.success(request, gettext("Đã thu hồi khóa truy cập {prefix}….").format(prefix=token.prefix))
    return redirect("accounts:profile")


def _staff_only(request: HttpRequest) -> User:
    if not is_staff_user(request.user):
        raise PermissionDenied
    return request.user


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _second_factor_page(
    view: Callable[[HttpRequest, User, str], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """The start both second-factor pages share: staff only, and whoever has passed it already goes on to ``next``.

    The page itself is called with the user and the safe ``next``.
    """

    @wraps(view)
    def page(request: HttpRequest) -> HttpResponse:
        user = _staff_only(request)
        next_url = _safe_next(request)
        if is_otp_verified(user):
            return HttpResponseRedirect(_destination(user, next_url))
        return view(request, user, next_url)

    return page


def _otp_passed(request: HttpRequest, form: OtpTokenForm, check: Callable[[str], TOTPDevice]) -> bool:
    """Check a posted code with ``check`` (a service returning the device); on success the session passes."""
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        device = check(form.cleaned_data["token"])
    except ValidationError as error:
        add_service_errors(form, error)
        return False
    otp_login(request, device)
    return True


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
@_second_factor_page
def otp_setup_view(request: HttpRequest, user: User, next_url: str) -> HttpResponse:
    """First sign-in of a staff member: pair an authenticator app (QR code or secret typed by hand)."""
    if totp_device_confirmed(user=user) is not None:
        # Adding a device needs the existing one: otherwise a stolen password would be enough.
        return HttpResponseRedirect(_with_next("accounts:otp_verify", next_url))
    device = services.staff_totp_device_start(user=user)
    form = OtpTokenForm(request.POST or None)
    if _otp_passed(
        request, form, lambda token: services.staff_totp_device_confirm(user=user, device=device, token=token)
    ):
        messages.success(request, gettext("Đã kích hoạt xác thực hai lớp."))
        return HttpResponseRedirect(_destination(user, next_url))
    qr_svg = segno.make(device.config_url, error="m").svg_inline(
        scale=4, title=gettext("Mã QR để thêm tài khoản vào ứng dụng xác thực")
    )
    context = {
        "form": form,
        "next": next_url,
        "qr_svg": qr_svg,
        "secret": _grouped(b32encode(device.bin_key).decode()),
    }
    return render(request, "accounts/otp_setup.html", context)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
@_second_factor_page
def otp_verify_view(request: HttpRequest, user: User, next_url: str) -> HttpResponse:
    """Second factor for staff: the 6-digit code from the authenticator app."""
    if totp_device_confirmed(user=user) is None:
        return HttpResponseRedirect(_with_next("accounts:otp_setup", next_url))
    form = OtpTokenForm(request.POST or None)
    if _otp_passed(request, form, lambda token: services.staff_otp_verify(user=user, token=token)):
        return HttpResponseRedirect(_destination(user, next_url))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": next_url})


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    """What django-axes answers once a login is locked: HTTP 429 saying when to try again (JSON under /api/)."""
    lockout = lockout_details(request)
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"error": {"code": "locked_out", "message": lockout.message, "fields": {}}}, status=429
        )
    else:
        context = {"lockout": lockout, "failure_limit": settings.AXES_FAILURE_LIMIT}
        response = render(request, "accounts/locked_out.html", context, status=429)
    if lockout.retry_after_seconds:
        response["Retry-After"] = str(lockout.retry_after_seconds)
    return response
