"""Base records shared by every module: the audit log and the city calendar overrides."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("The audit log is append-only")

    def delete(self):
        raise TypeError("The audit log is append-only")


class AuditEntry(models.Model):
    """One line of the append-only audit log (nhật ký truy vết): who did what, to which object, when, from where.

    Written only through ``congso.core.services.audit_record``.
    """

    at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(_("người thực hiện (lúc ghi)"), max_length=200, blank=True)
    action = models.CharField(_("hành động"), max_length=100, db_index=True)
    object_type = models.CharField(_("loại đối tượng"), max_length=100, blank=True, db_index=True)
    object_id = models.CharField(_("mã đối tượng"), max_length=64, blank=True, db_index=True)
    object_label = models.CharField(_("đối tượng"), max_length=300, blank=True)
    ip = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)
    user_agent = models.CharField(_("trình duyệt"), max_length=300, blank=True)
    data = models.JSONField(_("chi tiết"), default=dict, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("nhật ký truy vết")
        verbose_name_plural = _("nhật ký truy vết")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_label}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise TypeError("The audit log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The audit log is append-only")


class CalendarOverride(models.Model):
    """A city decision that changes one day of the working-day calendar (ngày nghỉ bù / ngày làm bù)."""

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("Ngày nghỉ")
        WORKING_DAY = "working_day", _("Ngày làm việc (làm bù)")

    date = models.DateField(_("ngày"), unique=True)
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    reason = models.CharField(_("lý do / văn bản"), max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("điều chỉnh lịch làm việc")
        verbose_name_plural = _("điều chỉnh lịch làm việc")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} – {self.get_kind_display()}"


class CodeCounter(models.Model):
    """The last number handed out in one scope on one day, for codes such as the receipt code (mã hồ sơ)."""

    scope = models.CharField(_("phạm vi"), max_length=60)
    day = models.DateField(_("ngày"))
    value = models.PositiveIntegerField(_("số cuối"), default=0)

    class Meta:
        verbose_name = _("bộ đếm mã")
        verbose_name_plural = _("bộ đếm mã")
        constraints = [models.UniqueConstraint(fields=["scope", "day"], name="core_codecounter_scope_day")]

    def __str__(self) -> str:
        return f"{self.scope} {self.day:%Y-%m-%d}: {self.value}"


class Case(models.Model):
    """What every case (hồ sơ, phản ánh, khiếu nại, chỉ đạo) has: a state and an SLA clock.

    Only ``congso.core.cases.Workflow`` writes these fields. The clock counts
    office time in working days: it starts at ``clock_started_at``, is due at
    ``due_at``, stands still while ``clock_paused_at`` is set (waiting on the
    applicant) and stops at ``clock_ended_at``.
    """

    state = models.CharField(_("trạng thái"), max_length=30, db_index=True)
    state_changed_at = models.DateTimeField(_("đổi trạng thái lúc"), null=True, blank=True)
    clock_started_at = models.DateTimeField(_("bắt đầu tính hạn"), null=True, blank=True)
    due_at = models.DateTimeField(_("hạn xử lý"), null=True, blank=True, db_index=True)
    clock_paused_at = models.DateTimeField(_("tạm dừng tính hạn từ"), null=True, blank=True)
    clock_ended_at = models.DateTimeField(_("kết thúc xử lý"), null=True, blank=True)
    paused_days = models.DecimalField(
        _("số ngày tạm dừng"), max_digits=8, decimal_places=3, default=0, help_text=_("Ngày làm việc chờ người nộp")
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        abstract = True


class CaseEvent(models.Model):
    """One append-only line of a case's history: who moved it from which state to which, when and why.

    Concrete subclasses add a ``case`` foreign key named after their case type.
    """

    seq = models.PositiveIntegerField(_("thứ tự"))
    at = models.DateTimeField(_("thời điểm"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(_("người thực hiện (lúc ghi)"), max_length=200, blank=True)
    action = models.CharField(_("thao tác"), max_length=40)
    from_state = models.CharField(_("từ trạng thái"), max_length=30, blank=True)
    to_state = models.CharField(_("sang trạng thái"), max_length=30)
    reason = models.TextField(_("lý do, ghi chú"), blank=True)
    due_at = models.DateTimeField(_("hạn đang áp dụng"), null=True, blank=True)
    data = models.JSONField(_("chi tiết"), default=dict, blank=True)

    class Meta:
        abstract = True
        ordering = ["seq"]

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise TypeError("Case events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Case events are append-only")
