"""Agencies (cơ quan, đơn vị) and who holds which role in them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Agency(models.Model):
    """A government body in the tree: city People's Committee, departments, police, ward committees."""

    class Kind(models.TextChoices):
        CITY = "city", _("UBND Thành phố")
        DEPARTMENT = "department", _("Sở, ban, ngành")
        POLICE = "police", _("Công an")
        COMMUNE = "commune", _("UBND phường, xã, đặc khu")
        CENTRE = "centre", _("Trung tâm phục vụ hành chính công")
        OTHER = "other", _("Đơn vị khác")

    code = models.CharField(
        _("mã định danh"), max_length=30, unique=True, help_text=_("Theo QCVN 102:2016, ví dụ H29.01")
    )
    name = models.CharField(_("tên cơ quan"), max_length=255)
    short_name = models.CharField(_("tên viết tắt"), max_length=60, blank=True)
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("cơ quan cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    administrative_unit = models.ForeignKey(
        "geo.AdministrativeUnit",
        verbose_name=_("địa bàn"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agencies",
    )
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    search_text = models.CharField(
        _("tên không dấu"),
        max_length=400,
        blank=True,
        editable=False,
        help_text=_("Mã, tên và tên viết tắt không dấu, để tìm kiếm; do agency_upsert ghi."),
    )

    class Meta:
        verbose_name = _("cơ quan")
        verbose_name_plural = _("cơ quan")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A staff member's role in one agency. One person can hold several roles."""

    class Role(models.TextChoices):
        DESK_OFFICER = "desk_officer", _("Cán bộ một cửa")
        SPECIALIST = "specialist", _("Chuyên viên xử lý")
        LEADER = "leader", _("Lãnh đạo")
        AGENCY_ADMIN = "agency_admin", _("Quản trị cơ quan")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("vai trò tại cơ quan")
        verbose_name_plural = _("vai trò tại cơ quan")
        constraints = [
            models.UniqueConstraint(fields=["user", "agency", "role"], name="agencies_membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.agency}"


class CityRole(models.Model):
    """A city-wide role, not tied to one agency."""

    class Role(models.TextChoices):
        OPERATIONS_VIEWER = "operations_viewer", _("Theo dõi điều hành")
        INSPECTOR = "inspector", _("Thanh tra")
        PLATFORM_ADMIN = "platform_admin", _("Quản trị nền tảng")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="city_roles")
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("vai trò toàn thành phố")
        verbose_name_plural = _("vai trò toàn thành phố")
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="agencies_cityrole_unique")]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()}"
