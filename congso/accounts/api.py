"""API for accounts (mounted at /api/v1/accounts/): registration, API keys and one's own profile."""

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext
from ninja import Field, Router, Schema, Status

from congso.accounts import services
from congso.accounts.auth import api_auth
from congso.accounts.lockout import lockout_details
from congso.accounts.models import ApiToken, User
from congso.accounts.selectors import api_tokens_for, is_staff_user, totp_device_confirmed
from congso.accounts.validators import normalize_login
from congso.api.errors import ApiError, ErrorOut
from congso.geo.models import AdministrativeUnit

router = Router(tags=["accounts"])

_TEXT = 300
_PASSWORD = 256


class CitizenRegisterIn(Schema):
    personal_id: str = Field(max_length=_TEXT, description="12 chữ số, ví dụ 079090001234")
    full_name: str = Field(max_length=_TEXT)
    date_of_birth: str = Field(max_length=20, description="YYYY-MM-DD hoặc DD/MM/YYYY")
    phone: str = Field(max_length=_TEXT)
    email: str = Field("", max_length=_TEXT)
    password: str = Field(max_length=_PASSWORD)
    consent: bool = Field(description="Đồng ý cho xử lý dữ liệu cá nhân; bắt buộc là true")


class BusinessRegisterIn(Schema):
    tax_code: str = Field(max_length=_TEXT, description="10 chữ số, hoặc 13 chữ số (0123456789-001)")
    business_name: str = Field(max_length=_TEXT)
    full_name: str = Field(max_length=_TEXT, description="Người đại diện")
    phone: str = Field(max_length=_TEXT)
    email: str = Field(max_length=_TEXT)
    password: str = Field(max_length=_PASSWORD)
    consent: bool = Field(description="Đồng ý cho xử lý dữ liệu cá nhân; bắt buộc là true")


class UserOut(Schema):
    id: int
    kind: str
    username: str
    full_name: str
    business_name: str
    personal_id: str | None
    tax_code: str | None
    date_of_birth: date | None
    phone: str
    email: str
    address: str
    ward_code: str | None
    ward_name: str | None

    @staticmethod
    def from_user(user: User) -> "UserOut":
        return UserOut(
            id=user.pk,
            kind=user.kind,
            username=user.username,
            full_name=user.full_name,
            business_name=user.business_name,
            personal_id=user.personal_id,
            tax_code=user.tax_code,
            date_of_birth=user.date_of_birth,
            phone=user.phone,
            email=user.email,
            address=user.address,
            ward_code=user.ward.code if user.ward else None,
            ward_name=user.ward.name if user.ward else None,
        )


class ProfileUpdateIn(Schema):
    full_name: str | None = Field(None, max_length=_TEXT)
    business_name: str | None = Field(None, max_length=_TEXT)
    phone: str | None = Field(None, max_length=_TEXT)
    email: str | None = Field(None, max_length=_TEXT)
    address: str | None = Field(None, max_length=_TEXT)
    ward_code: str | None = Field(None, max_length=10, description="Mã phường, xã (5 chữ số); null để bỏ trống")


class TokenCreateIn(Schema):
    username: str = Field(max_length=150, description="Số định danh cá nhân, mã số thuế hoặc tên đăng nhập")
    password: str = Field(max_length=_PASSWORD)
    otp: str | None = Field(None, max_length=10, description="Mã TOTP 6 chữ số; bắt buộc với cán bộ")
    name: str = Field("Ứng dụng di động", max_length=100, description="Tên gợi nhớ của khóa")
    expires_in_days: int | None = Field(90, ge=1, le=365, description="Số ngày hiệu lực; null là không thời hạn")


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreatedOut(TokenOut):
    token: str = Field(description="Khóa truy cập; chỉ hiển thị một lần")
    token_type: str = "Bearer"  # noqa: S105 (the scheme name, not a secret)


def _token_out(token: ApiToken) -> dict:
    return {
        "id": token.pk,
        "name": token.name,
        "prefix": token.prefix,
        "created_at": token.created_at,
        "expires_at": token.expires_at,
        "last_used_at": token.last_used_at,
        "revoked_at": token.revoked_at,
    }


def _invalid(field: str, code: str, message: str) -> ApiError:
    return ApiError(422, code, gettext("Dữ liệu không hợp lệ"), {field: [message]})


def _require_consent(consent: bool) -> None:
    if not consent:
        raise _invalid("consent", "consent_required", gettext("Cần có sự đồng ý của bạn để mở tài khoản."))


def _parse_date(value: str) -> date:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value.strip(), pattern).date()
        except ValueError:
            continue
    raise _invalid("date_of_birth", "date_format", gettext("Ngày sinh không hợp lệ (ví dụ 1990-12-31)."))


def _registered(register: Callable[..., User], payload: Schema, **parse: Callable[[str], Any]) -> Status:
    """Both registration endpoints: consent first, then the service with the payload's fields
    (``parse`` turns named ones into what the service takes); 201 with the new account.
    """
    _require_consent(payload.consent)
    fields = payload.model_dump()
    user = register(**{**fields, **{name: convert(fields[name]) for name, convert in parse.items()}})
    return Status(201, UserOut.from_user(user))


@router.post("/register", response={201: UserOut, 422: ErrorOut}, auth=None, summary="Đăng ký tài khoản công dân")
def register_citizen(request: HttpRequest, payload: CitizenRegisterIn):
    return _registered(services.citizen_register, payload, date_of_birth=_parse_date)


@router.post(
    "/register-business",
    response={201: UserOut, 422: ErrorOut},
    auth=None,
    summary="Đăng ký tài khoản doanh nghiệp",
)
def register_business(request: HttpRequest, payload: BusinessRegisterIn):
    return _registered(services.business_register, payload)


def _locked(request: HttpRequest) -> ApiError:
    return ApiError(429, "locked_out", lockout_details(request).message)


def _login_failed(request: HttpRequest, username: str) -> None:
    """Count a wrong second factor like a wrong password, so the same lockout applies."""
    user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)
    if getattr(request, "axes_locked_out", False):
        raise _locked(request)


@router.post(
    "/tokens",
    response={201: TokenCreatedOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    auth=None,
    summary="Tạo khóa truy cập API",
    description=(
        "Đổi tên đăng nhập và mật khẩu (và mã TOTP với cán bộ) lấy một khóa truy cập, gửi kèm các yêu cầu "
        "sau trong tiêu đề `Authorization: Bearer <khóa>`. Đăng nhập sai nhiều lần sẽ bị tạm khóa (429)."
    ),
)
def token_create(request: HttpRequest, payload: TokenCreateIn):
    username = normalize_login(payload.username)
    user = authenticate(request, username=username, password=payload.password)
    if getattr(request, "axes_locked_out", False):
        raise _locked(request)
    if user is None:
        raise ApiError(401, "invalid_credentials", gettext("Thông tin đăng nhập hoặc mật khẩu không đúng."))
    if is_staff_user(user):
        if totp_device_confirmed(user=user) is None:
            raise ApiError(
                403,
                "otp_setup_required",
                gettext("Cán bộ cần kích hoạt xác thực hai lớp trên trang web trước khi dùng API."),
            )
        if not payload.otp:
            raise ApiError(401, "otp_required", gettext("Cán bộ cần nhập mã xác thực (TOTP)."))
        try:
            services.staff_otp_verify(user=user, token=payload.otp)
        except ValidationError as error:
            _login_failed(request, username)
            raise ApiError(401, "otp_invalid", gettext("Mã xác thực không đúng hoặc đã hết hạn.")) from error
    AxesProxyHandler.reset_attempts(username=username)
    expires_at = timezone.now() + timedelta(days=payload.expires_in_days) if payload.expires_in_days else None
    token, key = services.api_token_create(user=user, name=payload.name, expires_at=expires_at)
    return Status(201, {**_token_out(token), "token": key, "token_type": "Bearer"})


@router.get("/tokens", response=list[TokenOut], auth=api_auth, summary="Các khóa truy cập của tôi")
def token_list(request: HttpRequest):
    return [_token_out(token) for token in api_tokens_for(user=request.auth)[:100]]


@router.delete(
    "/tokens/{token_id}", response={204: None, 404: ErrorOut}, auth=api_auth, summary="Thu hồi khóa truy cập"
)
def token_revoke(request: HttpRequest, token_id: int):
    token = get_object_or_404(api_tokens_for(user=request.auth), pk=token_id)
    services.api_token_revoke(actor=request.auth, token=token)
    return Status(204, None)


@router.get("/me", response=UserOut, auth=api_auth, summary="Thông tin tài khoản của tôi")
def me(request: HttpRequest):
    return UserOut.from_user(request.auth)


@router.patch("/me", response={200: UserOut, 422: ErrorOut}, auth=api_auth, summary="Sửa thông tin tài khoản")
def me_update(request: HttpRequest, payload: ProfileUpdateIn):
    fields = payload.dict(exclude_unset=True)
    if "ward_code" in fields:
        code = fields.pop("ward_code")
        ward = None
        if code:
            ward = AdministrativeUnit.objects.filter(
                code=code.strip(), level=AdministrativeUnit.Level.COMMUNE, valid_to__isnull=True
            ).first()
            if ward is None:
                raise _invalid("ward_code", "invalid_ward", gettext("Không tìm thấy phường, xã có mã này."))
        fields["ward"] = ward
    for name in ("full_name", "business_name", "phone"):
        if name in fields and fields[name] is None:
            raise _invalid(name, "required", gettext("Trường này không được để trống."))
    for name in ("email", "address"):
        if name in fields and fields[name] is None:
            fields[name] = ""
    user = services.profile_update(user=request.auth, **fields)
    return UserOut.from_user(user)
