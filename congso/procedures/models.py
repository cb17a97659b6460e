"""The catalog of administrative procedures (thủ tục hành chính, TTHC)."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from congso.agencies.models import Membership


class Field(models.Model):
    """A field of administration (lĩnh vực), e.g. Hộ tịch, Xây dựng."""

    code = models.SlugField(_("mã lĩnh vực"), max_length=50, unique=True)
    name = models.CharField(_("tên lĩnh vực"), max_length=200)

    class Meta:
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Procedure(models.Model):
    """An administrative procedure as published in the national database."""

    class Level(models.TextChoices):
        CITY = "city", _("Cấp tỉnh")
        COMMUNE = "commune", _("Cấp xã")

    class OnlineLevel(models.TextChoices):
        FULL = "full", _("Toàn trình")
        PARTIAL = "partial", _("Một phần")
        NONE = "none", _("Không trực tuyến")

    code = models.CharField(_("mã thủ tục"), max_length=40, unique=True, help_text=_("Ví dụ 1.001193"))
    name = models.CharField(_("tên thủ tục"), max_length=500)
    name_search = models.TextField(_("nội dung tìm kiếm"), blank=True, editable=False)
    name_sort = models.CharField(_("tên để sắp xếp"), max_length=500, blank=True, editable=False, db_index=True)
    field = models.ForeignKey(Field, verbose_name=_("lĩnh vực"), on_delete=models.PROTECT, related_name="procedures")
    level = models.CharField(_("cấp thực hiện"), max_length=10, choices=Level.choices)
    agencies = models.ManyToManyField(
        "agencies.Agency", verbose_name=_("cơ quan thực hiện"), related_name="procedures", blank=True
    )
    online_level = models.CharField(_("mức độ trực tuyến"), max_length=10, choices=OnlineLevel.choices)
    description = models.TextField(_("trình tự thực hiện"), blank=True)
    legal_basis = models.TextField(_("căn cứ pháp lý"), blank=True)
    result = models.CharField(_("kết quả thực hiện"), max_length=500, blank=True)
    applicants = models.CharField(_("đối tượng thực hiện"), max_length=300, blank=True)
    deadline_days = models.DecimalField(
        _("thời hạn giải quyết (ngày làm việc)"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("365"))],
    )
    fee = models.DecimalField(_("phí, lệ phí (đồng)"), max_digits=12, decimal_places=0, default=Decimal(0))
    fee_online = models.DecimalField(
        _("phí, lệ phí khi nộp trực tuyến (đồng)"),
        max_digits=12,
        decimal_places=0,
        null=True,
        blank=True,
        help_text=_("Để trống nếu bằng mức nộp trực tiếp; 0 nếu được miễn khi nộp trực tuyến."),
    )
    fee_note = models.CharField(_("ghi chú phí"), max_length=500, blank=True)
    form_schema = models.JSONField(_("mẫu đơn (danh sách trường)"), default=list, blank=True)
    is_published = models.BooleanField(_("đã công bố"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")
        # Folded name: "Đăng ký" sorts among the D's, identically on SQLite and PostgreSQL.
        ordering = ["name_sort", "code"]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"


class RequiredDocument(models.Model):
    """A document (thành phần hồ sơ) the applicant must or may attach."""

    class FileType(models.TextChoices):
        PDF = "pdf", "PDF"
        JPEG = "jpeg", "JPEG"
        PNG = "png", "PNG"

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="documents")
    name = models.CharField(_("tên giấy tờ"), max_length=500)
    is_mandatory = models.BooleanField(_("bắt buộc"), default=True)
    accepted_types = models.JSONField(_("định dạng chấp nhận"), default=list)
    copies = models.CharField(_("số lượng"), max_length=100, blank=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("thành phần hồ sơ")
        verbose_name_plural = _("thành phần hồ sơ")
        ordering = ["procedure", "order", "id"]

    def __str__(self) -> str:
        return self.name


class ProcessingStep(models.Model):
    """One step of the internal process with its role and share of the legal deadline."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    name = models.CharField(_("tên bước"), max_length=300)
    role = models.CharField(_("vai trò thực hiện"), max_length=20, choices=Membership.Role.choices)
    share_percent = models.PositiveSmallIntegerField(
        _("tỷ lệ thời hạn (%)"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )

    class Meta:
        verbose_name = _("bước xử lý")
        verbose_name_plural = _("bước xử lý")
        ordering = ["procedure", "order"]
        constraints = [models.UniqueConstraint(fields=["procedure", "order"], name="procedures_step_order_unique")]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"
