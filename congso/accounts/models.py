"""People who use the platform: citizens, businesses and staff (công dân, doanh nghiệp, cán bộ)."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


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
    personal_id = models.CharField(_("số định danh cá nhân"), max_length=12, unique=True, null=True, blank=True)
    tax_code = models.CharField(_("mã số thuế"), max_length=14, unique=True, null=True, blank=True)
    business_name = models.CharField(_("tên doanh nghiệp"), max_length=255, blank=True)
    date_of_birth = models.DateField(_("ngày sinh"), null=True, blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=15, blank=True)
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
