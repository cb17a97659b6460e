"""Open data (dữ liệu mở) and shared databases (cơ sở dữ liệu dùng chung).

A dataset (bộ dữ liệu) belongs to an agency (its CKAN organisation) and holds
resources (tài nguyên): files or tables of the tabular store. Every upload of a
resource is a new version; earlier versions stay downloadable. A dataset is
open (anyone) or shared (only agencies granted access, through API keys).
"""

import uuid
from datetime import datetime

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congso.core.keys import key_usable


class Theme(models.TextChoices):
    """The EU data themes DCAT-AP uses (http://publications.europa.eu/resource/authority/data-theme/)."""

    AGRI = "AGRI", _("Nông nghiệp, thủy sản, lâm nghiệp và thực phẩm")
    ECON = "ECON", _("Kinh tế và tài chính")
    EDUC = "EDUC", _("Giáo dục, văn hóa và thể thao")
    ENER = "ENER", _("Năng lượng")
    ENVI = "ENVI", _("Môi trường")
    GOVE = "GOVE", _("Chính quyền và khu vực công")
    HEAL = "HEAL", _("Y tế")
    INTR = "INTR", _("Quan hệ quốc tế")
    JUST = "JUST", _("Tư pháp, hệ thống pháp luật và an toàn công cộng")
    REGI = "REGI", _("Vùng và đô thị")
    SOCI = "SOCI", _("Dân số và xã hội")
    TECH = "TECH", _("Khoa học và công nghệ")
    TRAN = "TRAN", _("Giao thông vận tải")


class Licence(models.TextChoices):
    """Licences a dataset may carry; ids as in CKAN's default licence list."""

    CC_BY = "cc-by", _("Creative Commons Ghi công 4.0 (CC BY 4.0)")
    CC_ZERO = "cc-zero", _("Creative Commons CC0 1.0 (miễn bản quyền)")
    ODC_BY = "odc-by", _("Open Data Commons Attribution (ODC-By)")
    ODC_ODBL = "odc-odbl", _("Open Data Commons Open Database License (ODbL)")
    OTHER_CLOSED = "other-closed", _("Không mở (dữ liệu dùng chung có cấp quyền)")


class Frequency(models.TextChoices):
    """Update frequency, mapped to the EU frequency vocabulary in DCAT."""

    CONTINUOUS = "UPDATE_CONT", _("Liên tục")
    DAILY = "DAILY", _("Hằng ngày")
    WEEKLY = "WEEKLY", _("Hằng tuần")
    MONTHLY = "MONTHLY", _("Hằng tháng")
    QUARTERLY = "QUARTERLY", _("Hằng quý")
    ANNUAL = "ANNUAL", _("Hằng năm")
    IRREGULAR = "IRREG", _("Không định kỳ")


class Dataset(models.Model):
    """A dataset (bộ dữ liệu) with DCAT-style metadata in Vietnamese and English."""

    class Visibility(models.TextChoices):
        OPEN = "open", _("Dữ liệu mở")
        SHARED = "shared", _("Dữ liệu dùng chung")

    class State(models.TextChoices):
        DRAFT = "draft", _("Bản nháp")
        PUBLISHED = "published", _("Đã công bố")
        WITHDRAWN = "withdrawn", _("Đã rút")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.SlugField(
        _("tên định danh"), max_length=100, unique=True, help_text=_("Chữ thường không dấu, số và dấu gạch ngang.")
    )
    organization = models.ForeignKey(
        "agencies.Agency", verbose_name=_("cơ quan công bố"), on_delete=models.PROTECT, related_name="datasets"
    )
    title = models.CharField(_("tên bộ dữ liệu"), max_length=300)
    title_en = models.CharField(_("tên tiếng Anh"), max_length=300, blank=True)
    description = models.TextField(_("mô tả"), blank=True)
    description_en = models.TextField(_("mô tả tiếng Anh"), blank=True)
    keywords = models.JSONField(_("từ khóa"), default=list, blank=True)
    theme = models.CharField(_("chủ đề"), max_length=4, choices=Theme.choices)
    licence = models.CharField(_("giấy phép"), max_length=20, choices=Licence.choices, default=Licence.CC_BY)
    contact_name = models.CharField(_("đầu mối liên hệ"), max_length=200, blank=True)
    contact_email = models.EmailField(_("thư điện tử liên hệ"), blank=True)
    frequency = models.CharField(
        _("tần suất cập nhật"), max_length=12, choices=Frequency.choices, default=Frequency.IRREGULAR
    )
    spatial = models.ForeignKey(
        "geo.AdministrativeUnit",
        verbose_name=_("phạm vi không gian"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Để trống nếu là toàn thành phố."),
    )
    temporal_start = models.DateField(_("dữ liệu từ ngày"), null=True, blank=True)
    temporal_end = models.DateField(_("dữ liệu đến ngày"), null=True, blank=True)
    visibility = models.CharField(_("phạm vi"), max_length=10, choices=Visibility.choices, default=Visibility.OPEN)
    state = models.CharField(_("trạng thái"), max_length=10, choices=State.choices, default=State.DRAFT)
    publisher_key = models.CharField(
        _("mã bộ phát hành tự động"),
        max_length=100,
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text=_("Bộ dữ liệu do nền tảng tự phát hành: khóa trong sổ đăng ký."),
    )
    search_text = models.TextField(_("nội dung tìm kiếm"), blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now, editable=False)
    modified_at = models.DateTimeField(_("cập nhật lúc"), default=timezone.now, editable=False)
    published_at = models.DateTimeField(_("công bố lúc"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("bộ dữ liệu")
        verbose_name_plural = _("bộ dữ liệu")
        ordering = ["-modified_at", "name"]
        indexes = [models.Index(fields=["state", "visibility"], name="opendata_dataset_state_vis")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(temporal_start__isnull=True)
                | models.Q(temporal_end__isnull=True)
                | models.Q(temporal_start__lte=models.F("temporal_end")),
                name="opendata_dataset_temporal_order",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.visibility == self.Visibility.OPEN


class Resource(models.Model):
    """A resource (tài nguyên) of a dataset: a file, or a table of the tabular store (``datastore_active``).

    ``fields`` describes the current table: ``[{"id": ..., "type": ..., "label": ...}]`` with
    CKAN datastore types (text, int, numeric, bool, date, timestamp); ``table_name`` is the SQL
    table holding its rows (``ds_`` + the id in hex), empty for a plain file. ``indexes`` lists the
    combined indexes the publisher declared for frequent searches, each a list of 2 or 3 field ids
    (filter columns first, the sort column last), as CKAN's ``datastore_create`` takes ``indexes``.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    dataset = models.ForeignKey(
        Dataset, verbose_name=_("bộ dữ liệu"), on_delete=models.CASCADE, related_name="resources"
    )
    name = models.CharField(_("tên tài nguyên"), max_length=300)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=300, blank=True)
    description = models.TextField(_("mô tả"), blank=True)
    format = models.CharField(_("định dạng"), max_length=20, help_text=_("Ví dụ CSV, XLSX, JSON, PDF"))
    position = models.PositiveIntegerField(_("thứ tự"), default=0)
    datastore_active = models.BooleanField(_("có bảng tra cứu"), default=False, editable=False)
    table_name = models.CharField(max_length=63, blank=True, editable=False)
    fields = models.JSONField(_("các cột"), default=list, blank=True, editable=False)
    row_count = models.PositiveBigIntegerField(_("số dòng"), null=True, blank=True, editable=False)
    indexes = models.JSONField(_("chỉ mục kết hợp"), default=list, blank=True, editable=False)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now, editable=False)
    modified_at = models.DateTimeField(_("cập nhật lúc"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("tài nguyên")
        verbose_name_plural = _("tài nguyên")
        ordering = ["dataset", "position", "created_at"]

    def __str__(self) -> str:
        return self.name

    @property
    def current_version(self) -> "ResourceVersion | None":
        """The newest version (uses the prefetched ``versions`` if present)."""
        versions = list(self.versions.all())
        return max(versions, key=lambda version: version.number) if versions else None


class SlowSearch(models.Model):
    """Slow searches of one shape on a resource's table (tra cứu chậm), from which the back office proposes
    combined indexes. ``columns`` is the JSON list of field ids of the shape: the filtered columns in name
    order, then the sort column. Counted per process and written at most every few seconds
    (``datastore.advice``)."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="slow_searches")
    columns = models.CharField(max_length=400)
    count = models.PositiveIntegerField(default=0)
    total_ms = models.PositiveBigIntegerField(default=0)
    last_seen = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("lượt tra cứu chậm")
        verbose_name_plural = _("lượt tra cứu chậm")
        constraints = [models.UniqueConstraint(fields=["resource", "columns"], name="opendata_slowsearch_unique")]

    def __str__(self) -> str:
        return f"{self.resource_id} {self.columns} ×{self.count}"


class ResourceVersion(models.Model):
    """One upload of a resource (phiên bản). Never changed once written; the newest is current."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("phiên bản"), validators=[MinValueValidator(1)])
    file = models.FileField(_("tệp"), upload_to="opendata/%Y/%m/", max_length=255)
    original_name = models.CharField(_("tên tệp gốc"), max_length=255, blank=True)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64)
    row_count = models.PositiveBigIntegerField(_("số dòng"), null=True, blank=True)
    note = models.CharField(_("ghi chú thay đổi"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("phiên bản tài nguyên")
        verbose_name_plural = _("phiên bản tài nguyên")
        ordering = ["resource", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["resource", "number"], name="opendata_version_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.resource} v{self.number}"


class AccessGrant(models.Model):
    """An agency granted access to a shared dataset (cấp quyền khai thác dữ liệu dùng chung)."""

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="grants")
    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("cơ quan được cấp quyền"), on_delete=models.CASCADE, related_name="+"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(_("cấp lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("quyền khai thác")
        verbose_name_plural = _("quyền khai thác")
        constraints = [models.UniqueConstraint(fields=["dataset", "agency"], name="opendata_grant_unique")]

    def __str__(self) -> str:
        return f"{self.agency} → {self.dataset}"


class ApiKey(models.Model):
    """An agency's key (khóa khai thác) for shared datasets, sent as the ``Authorization`` header.

    Only a SHA-256 hash is stored; the key is shown once. ``daily_quota`` caps the requests a
    key may make per calendar day (Asia/Ho_Chi_Minh); every request is written to ``ApiKeyUsage``.
    """

    agency = models.ForeignKey("agencies.Agency", verbose_name=_("cơ quan"), on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("tên gợi nhớ"), max_length=100)
    prefix = models.CharField(_("tiền tố"), max_length=16, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    daily_quota = models.PositiveIntegerField(_("hạn mức yêu cầu mỗi ngày"), default=10_000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("hết hạn lúc"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(_("dùng lần cuối"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("khóa khai thác dữ liệu")
        verbose_name_plural = _("khóa khai thác dữ liệu")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"

    def is_usable(self, at: datetime | None = None) -> bool:
        """Not revoked and not expired at ``at`` (now by default)."""
        return key_usable(revoked_at=self.revoked_at, expires_at=self.expires_at, at=at)


class ApiKeyUsage(models.Model):
    """One request made with an API key (nhật ký khai thác), refused ones included."""

    key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="usage")
    at = models.DateTimeField(default=timezone.now)
    action = models.CharField(max_length=60)
    dataset = models.ForeignKey(Dataset, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = _("lượt khai thác")
        verbose_name_plural = _("nhật ký khai thác")
        ordering = ["-at"]
        indexes = [models.Index(fields=["key", "at"], name="opendata_usage_key_at")]

    def __str__(self) -> str:
        return f"{self.key} {self.action} {self.status}"
