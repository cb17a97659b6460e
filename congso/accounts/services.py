"""Writes owned by accounts: registration, profiles, passwords, staff accounts, TOTP devices and API keys."""

from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from congso.accounts.models import ApiToken, User
from congso.accounts.validators import (
    normalize_personal_id,
    normalize_phone,
    normalize_tax_code,
    validate_personal_id,
    validate_personal_id_matches_birth,
    validate_phone,
    validate_tax_code,
)
from congso.core.keys import KEY_PREFIX, key_hash, new_key
from congso.core.services import audit_record
from congso.geo.models import AdministrativeUnit

API_KEY_PREFIX_LENGTH = 11
API_TOKENS_PER_USER = 20
API_TOKEN_TOUCH_INTERVAL = timedelta(minutes=1)
TOTP_DEVICE_NAME = "Ứng dụng xác thực"
PROFILE_FIELDS = frozenset({"full_name", "email", "phone", "address", "ward", "business_name"})


class _Errors:
    """Collects field errors so a form or API client sees all of them at once."""

    def __init__(self) -> None:
        self.by_field: dict[str, list[ValidationError]] = {}

    def add(self, field: str, error: ValidationError) -> None:
        self.by_field.setdefault(field, []).extend(error.error_list)

    def check(self, field: str, validator: Any, *args: Any) -> bool:
        try:
            validator(*args)
        except ValidationError as error:
            self.add(field, error)
            return False
        return True

    def raise_if_any(self) -> None:
        if not self.by_field:
            return
        error = ValidationError(self.by_field)
        # The first field error's code becomes the API error code.
        error.code = next(iter(self.by_field.values()))[0].code or "invalid"
        raise error


def _required(errors: _Errors, field: str, value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        errors.add(field, ValidationError(message, code="required"))
    return value


def _clean_phone(errors: _Errors, value: str) -> str:
    phone = normalize_phone(value)
    if not phone:
        errors.add("phone", ValidationError(_("Vui lòng nhập số điện thoại."), code="required"))
    else:
        errors.check("phone", validate_phone, phone)
    return phone


def _clean_email(errors: _Errors, value: str, *, required: bool) -> str:
    email = (value or "").strip()
    if not email:
        if required:
            errors.add("email", ValidationError(_("Vui lòng nhập địa chỉ thư điện tử."), code="required"))
        return ""
    try:
        validate_email(email)
    except ValidationError:
        errors.add("email", ValidationError(_("Địa chỉ thư điện tử không hợp lệ."), code="email_format"))
    return email


def _check_password(errors: _Errors, password: str, user: User) -> None:
    if not password:
        errors.add("password", ValidationError(_("Vui lòng nhập mật khẩu."), code="required"))
        return
    errors.check("password", validate_password, password, user)


def _duplicate(message: str, field: str) -> ValidationError:
    error = ValidationError({field: ValidationError(message, code="duplicate")})
    error.code = "duplicate"
    return error


def _register(
    errors: _Errors,
    *,
    kind: str,
    login_field: str,
    password: str,
    duplicate_message: str,
    action: str,
    consent: bool,
    **fields: Any,
) -> User:
    """What every registration ends with: the new account, logging in with ``fields[login_field]``; check the
    password against it, raise all field errors at once, then save it (refusing a second account for the same
    number) and record the audit entry.
    """
    user = User(username=fields[login_field], kind=kind, **fields)
    _check_password(errors, password, user)
    errors.raise_if_any()

    user.set_password(password)
    _save_new_user(user, duplicate_field=login_field, duplicate_message=duplicate_message)
    audit_record(actor=user, action=action, obj=user, data={"consent": consent})
    return user


def _save_new_user(user: User, *, duplicate_field: str, duplicate_message: str) -> User:
    if (
        User.objects.filter(username=user.username).exists()
        or User.objects.filter(**{duplicate_field: getattr(user, duplicate_field)}).exists()
    ):
        raise _duplicate(duplicate_message, duplicate_field)
    user.full_clean()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:
        # Two registrations for the same number raced past the check above.
        raise _duplicate(duplicate_message, duplicate_field) from exc
    return user


@transaction.atomic
def citizen_register(
    *,
    personal_id: str,
    full_name: str,
    date_of_birth: date | None,
    phone: str,
    email: str,
    password: str,
    consent: bool = False,
) -> User:
    """Open a citizen account (tài khoản công dân); the personal identification number is the login.

    Raises ``ValidationError`` with every field error at once; a number that
    already has an account is refused with code ``duplicate``. ``consent`` (to
    the processing of personal data, given explicitly on the form) is recorded
    in the audit entry.
    """
    errors = _Errors()
    personal_id = normalize_personal_id(personal_id)
    id_ok = errors.check("personal_id", validate_personal_id, personal_id)
    full_name = _required(errors, "full_name", full_name, _("Vui lòng nhập họ và tên."))
    if date_of_birth is None:
        errors.add("date_of_birth", ValidationError(_("Vui lòng nhập ngày sinh."), code="required"))
    elif date_of_birth > timezone.localdate():
        errors.add("date_of_birth", ValidationError(_("Ngày sinh không thể ở tương lai."), code="future_date"))
    elif id_ok:
        errors.check("date_of_birth", validate_personal_id_matches_birth, personal_id, date_of_birth)
    phone = _clean_phone(errors, phone)
    email = _clean_email(errors, email, required=False)
    return _register(
        errors,
        kind=User.Kind.CITIZEN,
        login_field="personal_id",
        password=password,
        duplicate_message=_("Số định danh cá nhân này đã có tài khoản. Vui lòng đăng nhập."),
        action="accounts.citizen_register",
        consent=consent,
        personal_id=personal_id,
        full_name=full_name,
        date_of_birth=date_of_birth,
        phone=phone,
        email=email,
    )


@transaction.atomic
def business_register(
    *,
    tax_code: str,
    business_name: str,
    full_name: str,
    phone: str,
    email: str,
    password: str,
    consent: bool = False,
) -> User:
    """Open a business account (tài khoản doanh nghiệp); the tax code, as 10 or 13 digits, is the login.

    ``full_name`` is the person acting for the business.
    """
    errors = _Errors()
    tax_code = normalize_tax_code(tax_code)
    errors.check("tax_code", validate_tax_code, tax_code)
    business_name = _required(errors, "business_name", business_name, _("Vui lòng nhập tên doanh nghiệp."))
    full_name = _required(errors, "full_name", full_name, _("Vui lòng nhập họ và tên người đại diện."))
    phone = _clean_phone(errors, phone)
    email = _clean_email(errors, email, required=True)
    return _register(
        errors,
        kind=User.Kind.BUSINESS,
        login_field="tax_code",
        password=password,
        duplicate_message=_("Mã số thuế này đã có tài khoản doanh nghiệp. Vui lòng đăng nhập."),
        action="accounts.business_register",
        consent=consent,
        tax_code=tax_code,
        business_name=business_name,
        full_name=full_name,
        phone=phone,
        email=email,
    )


@transaction.atomic
def profile_update(*, user: User, **fields: Any) -> User:
    """Change the user's own contact details: full_name, email, phone, address, ward (a commune-level unit)
    and, for a business, business_name. Identity numbers never change here.
    """
    unknown = sorted(set(fields) - PROFILE_FIELDS)
    if "business_name" in fields and user.kind != User.Kind.BUSINESS:
        unknown.append("business_name")
    if unknown:
        raise ValidationError(
            _("Không thể thay đổi các thông tin: {fields}.").format(fields=", ".join(unknown)),
            code="field_not_editable",
        )
    user = User.objects.select_for_update().get(pk=user.pk)
    errors = _Errors()
    changes: dict[str, Any] = {}
    if "full_name" in fields:
        changes["full_name"] = _required(errors, "full_name", fields["full_name"], _("Vui lòng nhập họ và tên."))
    if "business_name" in fields:
        changes["business_name"] = _required(
            errors, "business_name", fields["business_name"], _("Vui lòng nhập tên doanh nghiệp.")
        )
    if "email" in fields:
        changes["email"] = _clean_email(errors, fields["email"], required=user.kind == User.Kind.BUSINESS)
    if "phone" in fields:
        changes["phone"] = _clean_phone(errors, fields["phone"])
    if "address" in fields:
        changes["address"] = (fields["address"] or "").strip()
    if "ward" in fields:
        ward = fields["ward"]
        if ward is not None and (
            not isinstance(ward, AdministrativeUnit) or ward.level != AdministrativeUnit.Level.COMMUNE
        ):
            errors.add("ward", ValidationError(_("Vui lòng chọn một phường, xã hợp lệ."), code="invalid_ward"))
        changes["ward"] = ward
    errors.raise_if_any()

    changed = sorted(name for name, value in changes.items() if getattr(user, name) != value)
    for name in changed:
        setattr(user, name, changes[name])
    if changed:
        user.full_clean()
        user.save(update_fields=changed)
        audit_record(actor=user, action="accounts.profile_update", obj=user, data={"fields": changed})
    return user


@transaction.atomic
def password_change(*, user: User, old_password: str, new_password: str) -> None:
    """Set a new password after checking the current one."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.check_password(old_password or ""):
        error = ValidationError(
            {"old_password": ValidationError(_("Mật khẩu hiện tại không đúng."), code="wrong_password")}
        )
        error.code = "wrong_password"
        raise error
    errors = _Errors()
    if not new_password:
        errors.add("new_password", ValidationError(_("Vui lòng nhập mật khẩu mới."), code="required"))
    else:
        errors.check("new_password", validate_password, new_password, user)
    errors.raise_if_any()
    user.set_password(new_password)
    user.save(update_fields=["password"])
    audit_record(actor=user, action="accounts.password_change", obj=user)


@transaction.atomic
def staff_create(*, username: str, full_name: str, email: str, password: str = "") -> User:
    """Create or update a staff account (tài khoản cán bộ); idempotent by username.

    A system action (seeding, import): an existing account keeps its password
    unless one is given. Usernames made only of digits are reserved for
    personal identification numbers and tax codes.
    """
    username = (username or "").strip()
    errors = _Errors()
    if not username:
        errors.add("username", ValidationError(_("Vui lòng nhập tên đăng nhập."), code="required"))
    elif username.isdigit():
        errors.add(
            "username",
            ValidationError(
                _("Tên đăng nhập của cán bộ không được chỉ gồm chữ số."),
                code="username_digits",
            ),
        )
    full_name = _required(errors, "full_name", full_name, _("Vui lòng nhập họ và tên."))
    email = _clean_email(errors, email, required=False)
    errors.raise_if_any()

    user = User.objects.select_for_update().filter(username=username).first()
    created = user is None
    if created:
        user = User(username=username, kind=User.Kind.STAFF)
    elif user.kind != User.Kind.STAFF:
        error = ValidationError(
            {"username": ValidationError(_("Tên đăng nhập này thuộc một tài khoản không phải cán bộ."), code="kind")}
        )
        error.code = "kind"
        raise error
    elif not password and (user.full_name, user.email) == (full_name, email):
        return user
    user.full_name = full_name
    user.email = email
    if password:
        user.set_password(password)
    elif created:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    audit_record(
        actor=None,
        action="accounts.staff_create" if created else "accounts.staff_update",
        obj=user,
        data={"password_set": bool(password)},
    )
    return user


@transaction.atomic
def staff_totp_device_ensure(*, user: User, key_hex: str | None = None) -> TOTPDevice:
    """A confirmed TOTP device for the user (system action); with ``key_hex`` the device uses that secret.

    Idempotent: the existing confirmed device is reused.
    """
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).order_by("pk").first()
    created = device is None
    if created:
        device = TOTPDevice(user=user, name=TOTP_DEVICE_NAME, confirmed=True)
    key_changes = key_hex is not None and device.key != key_hex.lower()
    if key_changes:
        device.key = key_hex.lower()
    if created or key_changes:
        device.full_clean()
        device.save()
        audit_record(actor=None, action="accounts.totp_device_ensure", obj=user)
    return device


@transaction.atomic
def staff_totp_device_start(*, user: User) -> TOTPDevice:
    """The unconfirmed TOTP device a staff member is setting up; reused until confirmed."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
        device.full_clean()
        device.save()
    return device


def _otp_invalid() -> ValidationError:
    error = ValidationError(
        {"token": ValidationError(_("Mã xác thực không đúng hoặc đã hết hạn. Vui lòng thử lại."), code="otp_invalid")}
    )
    error.code = "otp_invalid"
    return error


def _clean_token(token: str) -> str:
    return "".join((token or "").split())


@transaction.atomic
def staff_totp_device_confirm(*, user: User, device: TOTPDevice, token: str) -> TOTPDevice:
    """Confirm the device being set up with a code from the authenticator app."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    if device.user_id != user.pk:
        raise PermissionDenied
    token = _clean_token(token)
    if not token.isdigit() or not device.verify_token(token):
        raise _otp_invalid()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_record(actor=user, action="accounts.totp_device_confirm", obj=user)
    return device


def staff_otp_verify(*, user: User, token: str) -> TOTPDevice:
    """The confirmed device that accepts this code (the device records the code, so it cannot be replayed).

    Each device throttles repeated failures.
    """
    token = _clean_token(token)
    if token.isdigit():
        for device in TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk"):
            with transaction.atomic():
                locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
                if locked.verify_token(token):
                    return locked
    raise _otp_invalid()


@transaction.atomic
def api_token_create(*, user: User, name: str, expires_at: datetime | None = None) -> tuple[ApiToken, str]:
    """Issue an API key; returns the record and the key, which is never available again."""
    errors = _Errors()
    name = _required(errors, "name", name, _("Vui lòng đặt tên cho khóa truy cập."))[:100]
    if expires_at is not None and expires_at <= timezone.now():
        errors.add("expires_at", ValidationError(_("Thời hạn phải ở tương lai."), code="past_expiry"))
    errors.raise_if_any()
    # Lock the owner so that concurrent requests cannot pass the per-user limit together.
    User.objects.select_for_update().filter(pk=user.pk).first()
    active = ApiToken.objects.filter(user=user, revoked_at__isnull=True).exclude(expires_at__lte=timezone.now())
    if active.count() >= API_TOKENS_PER_USER:
        raise ValidationError(
            _("Bạn đã có {count} khóa truy cập đang dùng; hãy thu hồi bớt trước khi tạo khóa mới.").format(
                count=API_TOKENS_PER_USER
            ),
            code="too_many_tokens",
        )
    key = new_key()
    token = ApiToken(
        user=user, name=name, prefix=key[:API_KEY_PREFIX_LENGTH], key_hash=key_hash(key), expires_at=expires_at
    )
    token.full_clean()
    token.save()
    audit_record(actor=user, action="accounts.api_token_create", obj=token, data={"prefix": token.prefix})
    return token, key


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> None:
    """Revoke a key; its owner or an administrator allowed to change keys may. Revoking twice changes nothing."""
    if not (
        actor.is_authenticated
        and actor.is_active
        and (actor.pk == token.user_id or actor.has_perm("accounts.change_apitoken"))
    ):
        raise PermissionDenied
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        return
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(actor=actor, action="accounts.api_token_revoke", obj=token, data={"prefix": token.prefix})


def api_token_authenticate(*, key: str) -> User | None:
    """The active user owning this usable key, or None; records when the key was last used (at most once a minute)."""
    if not key or not key.startswith(KEY_PREFIX) or len(key) > 100:
        return None
    try:
        token = ApiToken.objects.select_related("user").get(key_hash=key_hash(key))
    except ApiToken.DoesNotExist:
        return None
    now = timezone.now()
    if not token.is_usable(now) or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at >= API_TOKEN_TOUCH_INTERVAL:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
