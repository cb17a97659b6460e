"""Administrative units (đơn vị hành chính) with validity periods, so reorganisations keep history."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AdministrativeUnit(models.Model):
    """A province-level or commune-level unit as defined by the national code list.

    ``valid_to`` is empty while the unit exists; a reorganisation closes the old
    unit and opens a new one instead of rewriting it.
    """

    class Level(models.TextChoices):
        PROVINCE = "province", _("Cấp tỉnh")
        COMMUNE = "commune", _("Cấp xã")

    class DivisionType(models.TextChoices):
        CENTRAL_CITY = "thanh_pho_trung_uong", _("Thành phố trực thuộc trung ương")
        PROVINCE = "tinh", _("Tỉnh")
        WARD = "phuong", _("Phường")
        COMMUNE = "xa", _("Xã")
        SPECIAL_ZONE = "dac_khu", _("Đặc khu")

    code = models.CharField(_("mã"), max_length=10, db_index=True)
    level = models.CharField(_("cấp"), max_length=10, choices=Level.choices)
    division_type = models.CharField(_("loại"), max_length=30, choices=DivisionType.choices)
    name = models.CharField(_("tên"), max_length=150)
    name_search = models.CharField(_("tên không dấu"), max_length=150, db_index=True, editable=False)
    codename = models.SlugField(_("tên mã"), max_length=150)
    parent = models.ForeignKey(
        "self", verbose_name=_("trực thuộc"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    valid_from = models.DateField(_("hiệu lực từ"))
    valid_to = models.DateField(_("hết hiệu lực"), null=True, blank=True)

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        ordering = ["level", "code"]
        constraints = [
            models.UniqueConstraint(fields=["code", "valid_from"], name="geo_unit_code_valid_from_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class UnitSuccession(models.Model):
    """Old (63-province, 3-level) unit code → the unit that took it over in the 2025 reorganisation."""

    old_code = models.CharField(_("mã cũ"), max_length=10, db_index=True)
    old_name = models.CharField(_("tên cũ"), max_length=150)
    old_level = models.CharField(_("cấp cũ"), max_length=20)
    successor = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="predecessors")
    effective = models.DateField(_("ngày hiệu lực"))

    class Meta:
        verbose_name = _("kế thừa đơn vị hành chính")
        verbose_name_plural = _("kế thừa đơn vị hành chính")
        constraints = [
            models.UniqueConstraint(fields=["old_code", "old_level", "successor"], name="geo_succession_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.old_name} → {self.successor}"
