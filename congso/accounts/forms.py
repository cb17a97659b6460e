"""Web forms for signing in, registering and managing one's own account."""

from collections.abc import Callable

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from congso.accounts.models import User
from congso.accounts.validators import (
    normalize_login,
    normalize_personal_id,
    normalize_phone,
    normalize_tax_code,
    validate_personal_id,
    validate_phone,
    validate_tax_code,
)
from congso.geo.models import AdministrativeUnit

HCMC_PROVINCE_CODE = "79"


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ``ValidationError`` on the matching form fields (the rest above the form)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _password_field(label: str, *, autocomplete: str, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
        help_text=help_text,
    )


def _new_password_pair(label: str, confirm_label: str) -> tuple[forms.CharField, forms.CharField]:
    """A new password and the same typed again."""
    return (
        _password_field(
            label,
            autocomplete="new-password",
            help_text=_("Ít nhất 8 ký tự, không quá phổ biến, không chỉ gồm chữ số."),
        ),
        _password_field(confirm_label, autocomplete="new-password"),
    )


def _check_password_pair(form: forms.Form, cleaned: dict, field: str, confirm_field: str) -> None:
    password, confirm = cleaned.get(field), cleaned.get(confirm_field)
    if password and confirm and password != confirm:
        form.add_error(confirm_field, ValidationError(_("Hai mật khẩu không khớp."), code="mismatch"))


def _name_field(label: str) -> forms.CharField:
    return forms.CharField(label=label, max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"}))


def _number_field(label: str, help_text: str) -> forms.CharField:
    """A login number (số định danh cá nhân, mã số thuế): digits on a phone keyboard, never autofilled."""
    return forms.CharField(
        label=label,
        max_length=20,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


def _normalized(value: str, normalize: Callable[[str], str], validate: Callable[[str], None]) -> str:
    value = normalize(value)
    validate(value)
    return value


class LoginForm(AuthenticationForm):
    """One form for everyone: citizens type their personal identification number, businesses their tax code."""

    username = forms.CharField(
        label=_("Số định danh cá nhân / mã số thuế / tên đăng nhập"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username", "autocapitalize": "none"}),
    )
    password = _password_field(_("Mật khẩu"), autocomplete="current-password")

    error_messages = {
        "invalid_login": _(
            "Thông tin đăng nhập hoặc mật khẩu không đúng. Lưu ý: đăng nhập sai nhiều lần liên tiếp "
            "sẽ tạm khóa tài khoản."
        ),
        "inactive": _("Tài khoản này đã bị vô hiệu hóa. Vui lòng liên hệ bộ phận một cửa."),
    }

    def clean_username(self) -> str:
        return normalize_login(self.cleaned_data["username"])


class _PasswordPairMixin(forms.Form):
    password, password_confirm = _new_password_pair(_("Mật khẩu"), _("Nhập lại mật khẩu"))
    consent = forms.BooleanField(
        label=_(
            "Tôi đồng ý để cơ quan nhà nước xử lý dữ liệu cá nhân của tôi nhằm giải quyết thủ tục hành chính, "
            "theo quy định về bảo vệ dữ liệu cá nhân"
        ),
        error_messages={"required": _("Cần có sự đồng ý của bạn để mở tài khoản.")},
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        _check_password_pair(self, cleaned, "password", "password_confirm")
        return cleaned


def _phone_field() -> forms.CharField:
    return forms.CharField(
        label=_("Số điện thoại"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )


class _PhoneMixin:
    def clean_phone(self) -> str:
        return _normalized(self.cleaned_data["phone"], normalize_phone, validate_phone)


class CitizenRegistrationForm(_PhoneMixin, _PasswordPairMixin):
    personal_id = _number_field(
        _("Số định danh cá nhân"), help_text=_("12 chữ số in trên thẻ căn cước (ví dụ 079090001234).")
    )
    full_name = _name_field(_("Họ và tên"))
    date_of_birth = forms.DateField(
        label=_("Ngày sinh"),
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={"invalid": _("Ngày sinh không hợp lệ (ví dụ 31/12/1990).")},
    )
    phone = _phone_field()
    email = forms.EmailField(
        label=_("Thư điện tử (không bắt buộc)"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    field_order = ["personal_id", "full_name", "date_of_birth", "phone", "email", "password", "password_confirm"]

    def clean_personal_id(self) -> str:
        return _normalized(self.cleaned_data["personal_id"], normalize_personal_id, validate_personal_id)


class BusinessRegistrationForm(_PhoneMixin, _PasswordPairMixin):
    tax_code = _number_field(
        _("Mã số thuế"), help_text=_("10 chữ số; đơn vị phụ thuộc 13 chữ số (ví dụ 0301234567-001).")
    )
    business_name = forms.CharField(
        label=_("Tên doanh nghiệp"), max_length=255, widget=forms.TextInput(attrs={"autocomplete": "organization"})
    )
    full_name = _name_field(_("Họ và tên người đại diện"))
    phone = _phone_field()
    email = forms.EmailField(label=_("Thư điện tử"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))

    field_order = ["tax_code", "business_name", "full_name", "phone", "email", "password", "password_confirm"]

    def clean_tax_code(self) -> str:
        return _normalized(self.cleaned_data["tax_code"], normalize_tax_code, validate_tax_code)


class ProfileForm(_PhoneMixin, forms.Form):
    full_name = _name_field(_("Họ và tên"))
    business_name = forms.CharField(label=_("Tên doanh nghiệp"), max_length=255)
    phone = _phone_field()
    email = forms.EmailField(
        label=_("Thư điện tử"), required=False, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    address = forms.CharField(
        label=_("Địa chỉ (số nhà, đường)"),
        max_length=255,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    ward = forms.ModelChoiceField(
        label=_("Phường, xã"),
        queryset=AdministrativeUnit.objects.none(),
        required=False,
        empty_label=_("— Chọn phường, xã —"),
        error_messages={"invalid_choice": _("Vui lòng chọn một phường, xã trong danh sách.")},
    )

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ward"].queryset = AdministrativeUnit.objects.filter(
            level=AdministrativeUnit.Level.COMMUNE, parent__code=HCMC_PROVINCE_CODE, valid_to__isnull=True
        ).order_by("name")
        if user.kind == User.Kind.BUSINESS:
            self.fields["email"].required = True
        else:
            del self.fields["business_name"]

    @classmethod
    def initial_for(cls, user: User) -> dict:
        return {
            "full_name": user.full_name,
            "business_name": user.business_name,
            "phone": user.phone,
            "email": user.email,
            "address": user.address,
            "ward": user.ward_id,
        }


class PasswordChangeForm(forms.Form):
    old_password = _password_field(_("Mật khẩu hiện tại"), autocomplete="current-password")
    new_password, new_password_confirm = _new_password_pair(_("Mật khẩu mới"), _("Nhập lại mật khẩu mới"))

    def clean(self) -> dict:
        cleaned = super().clean()
        _check_password_pair(self, cleaned, "new_password", "new_password_confirm")
        return cleaned


class OtpTokenForm(forms.Form):
    token = forms.CharField(
        label=_("Mã xác thực 6 chữ số"),
        max_length=10,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9 ]*", "autofocus": True}
        ),
        help_text=_("Mở ứng dụng xác thực trên điện thoại và nhập mã đang hiển thị."),
    )
