"""People who use the platform: citizens, businesses and staff (công dân, doanh nghiệp, cán bộ)."""

from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congso.accounts.validators import validate_personal_id, validate_phone, validate_tax_code
from congso.core.keys import key_usable


class User(AbstractUser):
    """A login. Citizens sign in with their 12-digit personal identification number,
    businesses with their tax code, staff with an assigned username.
    """

    class Kind(models.TextChoices):
        CITIZEN = "citizen", _("Công dân")
        BUSINESS = "business", _("Doanh nghiệp")
        STAFF = "staff", _("Cán bộ, công chức")

    kind = models.CharField(_("loại tài khoản"), max_length=10, choices=Kind.choices, default=Kind.CITIZEN)
    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    personal_id = models.CharField(
        _("số định danh cá nhân"),
        max_length=12,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_personal_id],
    )
    tax_code = models.CharField(
        _("mã số thuế"), max_length=14, unique=True, null=True, blank=True, validators=[validate_tax_code]
    )
    business_name = models.CharField(_("tên doanh nghiệp"), max_length=255, blank=True)
    date_of_birth = models.DateField(_("ngày sinh"), null=True, blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=15, blank=True, validators=[validate_phone])
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    ward = models.ForeignKey(
        "geo.AdministrativeUnit",
        verbose_name=_("phường, xã"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    REQUIRED_FIELDS = ["email"]

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.business_name or self.full_name or self.get_username()

    @property
    def is_staff_member(self) -> bool:
        return self.kind == self.Kind.STAFF


class ApiToken(models.Model):
    """A personal API key (khóa truy cập API) for a mobile app or another system.

    Only a SHA-256 hash of the key is stored; the key itself is shown once, when
    it is created. ``prefix`` (the first characters) lets the owner recognise it.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người dùng"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("tên gợi nhớ"), max_length=100)
    prefix = models.CharField(_("tiền tố"), max_length=16, db_index=True)
    key_hash = models.CharField(_("mã băm của khóa"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("hết hạn lúc"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("dùng lần cuối"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("khóa truy cập API")
        verbose_name_plural = _("khóa truy cập API")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"

    def is_usable(self, at: datetime | None = None) -> bool:
        """Not revoked and not expired at ``at`` (now by default)."""
        return key_usable(revoked_at=self.revoked_at, expires_at=self.expires_at, at=at)
