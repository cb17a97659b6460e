"""Dossiers (hồ sơ thủ tục hành chính): one application for one procedure, from submission to result."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from congso.accounts.validators import validate_phone
from congso.core.models import Case, CaseEvent


class DossierQuerySet(models.QuerySet):
    def submitted(self) -> "DossierQuerySet":
        """Everything but drafts: what has a receipt code."""
        return self.exclude(state=Dossier.State.DRAFT)


class Dossier(Case):
    """A dossier (hồ sơ): what an applicant filed for one procedure, and where it stands.

    The state and clock fields come from ``core.Case`` and are written only by
    the dossier workflow (``congso.dossiers.workflow``).
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("Đang soạn")
        SUBMITTED = "submitted", _("Mới đăng ký")
        SUPPLEMENT_REQUESTED = "supplement_requested", _("Yêu cầu bổ sung giấy tờ")
        REFUSED = "refused", _("Không được tiếp nhận")
        PROCESSING = "processing", _("Đang xử lý")
        AWAITING_APPROVAL = "awaiting_approval", _("Chờ lãnh đạo phê duyệt")
        TRANSFERRED = "transferred", _("Liên thông – chuyển cơ quan khác")
        RELEASED = "released", _("Đã xử lý xong – chờ trả kết quả")
        RETURNED = "returned", _("Đã trả kết quả")
        WITHDRAWN = "withdrawn", _("Công dân rút hồ sơ")
        STOPPED = "stopped", _("Dừng xử lý")

    NATIONAL_CODES = {
        State.SUBMITTED: 1,
        State.SUPPLEMENT_REQUESTED: 5,
        State.REFUSED: 3,
        State.PROCESSING: 4,
        State.AWAITING_APPROVAL: 4,
        State.TRANSFERRED: 0,
        State.RELEASED: 9,
        State.RETURNED: 10,
        State.WITHDRAWN: 7,
        State.STOPPED: 8,
    }
    OPEN_STATES = (
        State.SUBMITTED,
        State.SUPPLEMENT_REQUESTED,
        State.PROCESSING,
        State.AWAITING_APPROVAL,
        State.TRANSFERRED,
        State.RELEASED,
    )

    class Channel(models.TextChoices):
        ONLINE = "online", _("Trực tuyến")
        COUNTER = "counter", _("Trực tiếp tại bộ phận một cửa")

    class Payment(models.TextChoices):
        NOT_REQUIRED = "not_required", _("Không thu phí")
        UNPAID = "unpaid", _("Chưa nộp")
        PAID = "paid", _("Đã nộp")

    class PaymentMethod(models.TextChoices):
        COUNTER = "counter", _("Nộp tại quầy")
        ONLINE = "online", _("Thanh toán trực tuyến")

    class ReturnMethod(models.TextChoices):
        ONLINE = "online", _("Nhận trực tuyến")
        COUNTER = "counter", _("Nhận tại quầy")

    state = models.CharField(_("trạng thái"), max_length=30, choices=State.choices, db_index=True)
    receipt_code = models.CharField(_("mã hồ sơ"), max_length=60, unique=True, null=True, blank=True)
    procedure = models.ForeignKey(
        "procedures.Procedure", verbose_name=_("thủ tục"), on_delete=models.PROTECT, related_name="dossiers"
    )
    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("cơ quan đang xử lý"), on_delete=models.PROTECT, related_name="dossiers"
    )
    received_by = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("cơ quan tiếp nhận"),
        on_delete=models.PROTECT,
        related_name="received_dossiers",
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản người nộp"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    applicant_name = models.CharField(_("họ tên người nộp"), max_length=255)
    applicant_search = models.CharField(
        _("họ tên không dấu"), max_length=255, blank=True, editable=False, help_text=_("Để tìm kiếm; do dịch vụ ghi.")
    )
    applicant_id_number = models.CharField(_("số định danh / mã số thuế"), max_length=20, blank=True)
    applicant_phone = models.CharField(_("số điện thoại"), max_length=15, validators=[validate_phone])
    applicant_email = models.EmailField(_("thư điện tử"), blank=True)
    applicant_address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    channel = models.CharField(_("hình thức nộp"), max_length=10, choices=Channel.choices)
    form_data = models.JSONField(_("nội dung tờ khai"), default=dict, blank=True)
    idempotency_key = models.CharField(_("khóa chống nộp trùng"), max_length=100, null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tạo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    fee_amount = models.DecimalField(_("phí, lệ phí (đồng)"), max_digits=12, decimal_places=0, default=Decimal(0))
    payment_status = models.CharField(
        _("tình trạng nộp phí"), max_length=15, choices=Payment.choices, default=Payment.NOT_REQUIRED
    )
    payment_method = models.CharField(_("hình thức nộp phí"), max_length=10, choices=PaymentMethod.choices, blank=True)
    payment_reference = models.CharField(_("số biên lai"), max_length=60, blank=True)
    paid_at = models.DateTimeField(_("nộp phí lúc"), null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chuyên viên xử lý"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_dossiers",
    )
    current_step = models.PositiveSmallIntegerField(_("bước đang xử lý"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("nộp lúc"), null=True, blank=True, db_index=True)
    accepted_at = models.DateTimeField(_("tiếp nhận lúc"), null=True, blank=True)
    appointment_at = models.DateTimeField(_("ngày hẹn trả"), null=True, blank=True)
    supplement_count = models.PositiveSmallIntegerField(_("số lần yêu cầu bổ sung"), default=0)
    supplement_request = models.JSONField(_("yêu cầu bổ sung"), default=dict, blank=True)
    refusal_reason = models.TextField(_("lý do không tiếp nhận"), blank=True)
    result_token = models.CharField(_("mã xác thực kết quả"), max_length=40, unique=True, null=True, blank=True)
    result_issued_at = models.DateTimeField(_("cấp kết quả lúc"), null=True, blank=True)
    returned_at = models.DateTimeField(_("trả kết quả lúc"), null=True, blank=True)
    return_method = models.CharField(
        _("hình thức nhận kết quả"), max_length=10, choices=ReturnMethod.choices, blank=True
    )
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    objects = DossierQuerySet.as_manager()

    class Meta:
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["created_by", "idempotency_key"],
                condition=models.Q(idempotency_key__isnull=False),
                name="dossiers_dossier_idempotency",
            ),
            models.UniqueConstraint(
                fields=["applicant", "procedure"],
                condition=models.Q(state="draft"),
                name="dossiers_dossier_one_draft",
            ),
        ]
        indexes = [
            models.Index(fields=["agency", "state", "due_at"], name="dossiers_agency_state_due"),
            models.Index(fields=["received_by", "state"], name="dossiers_received_state"),
            models.Index(fields=["applicant", "state"], name="dossiers_applicant_state"),
        ]

    def __str__(self) -> str:
        return self.receipt_code or _("Hồ sơ nháp #{pk}").format(pk=self.pk)

    @property
    def national_code(self) -> int | None:
        """The status code of the national portal (DOMAIN.md), None for a draft."""
        return self.NATIONAL_CODES.get(self.state)

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES


class DossierEvent(CaseEvent):
    """One line of a dossier's processing history (quá trình xử lý)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="events")

    class Meta(CaseEvent.Meta):
        verbose_name = _("sự kiện hồ sơ")
        verbose_name_plural = _("quá trình xử lý hồ sơ")
        constraints = [models.UniqueConstraint(fields=["dossier", "seq"], name="dossiers_event_seq")]

    def __str__(self) -> str:
        return f"{self.dossier_id}#{self.seq} {self.action}"


class DossierFile(models.Model):
    """A file of a dossier: an applicant's document or one the agency issued (slip, result, letters)."""

    class Kind(models.TextChoices):
        DOCUMENT = "document", _("Thành phần hồ sơ")
        SUPPLEMENT = "supplement", _("Giấy tờ bổ sung")
        SLIP = "slip", _("Giấy tiếp nhận hồ sơ và hẹn trả kết quả")
        SUPPLEMENT_REQUEST = "supplement_request", _("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ")
        REFUSAL = "refusal", _("Phiếu từ chối tiếp nhận")
        APOLOGY = "apology", _("Phiếu xin lỗi và hẹn lại ngày trả kết quả")
        RESULT = "result", _("Kết quả giải quyết")

    ISSUED_KINDS = (Kind.SLIP, Kind.SUPPLEMENT_REQUEST, Kind.REFUSAL, Kind.APOLOGY, Kind.RESULT)

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    document = models.ForeignKey(
        "procedures.RequiredDocument",
        verbose_name=_("thành phần hồ sơ"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    file = models.FileField(_("tệp"), max_length=200)
    original_name = models.CharField(_("tên tệp"), max_length=200)
    content_type = models.CharField(_("định dạng"), max_length=60)
    size = models.PositiveIntegerField(_("dung lượng (byte)"))
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("tệp hồ sơ")
        verbose_name_plural = _("tệp hồ sơ")
        ordering = ["dossier", "created_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class DossierStep(models.Model):
    """One processing step of one dossier, copied from the procedure when the dossier is accepted."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    name = models.CharField(_("tên bước"), max_length=300)
    role = models.CharField(_("vai trò"), max_length=20)
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    due_at = models.DateTimeField(_("hạn bước"), null=True, blank=True)
    completed_at = models.DateTimeField(_("hoàn thành lúc"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("bước xử lý hồ sơ")
        verbose_name_plural = _("bước xử lý hồ sơ")
        ordering = ["dossier", "order"]
        constraints = [models.UniqueConstraint(fields=["dossier", "order"], name="dossiers_step_order")]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"


class DossierApology(models.Model):
    """An apology letter (phiếu xin lỗi và hẹn lại ngày trả kết quả, mẫu 04) for a dossier running late."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="apologies")
    reason = models.TextField(_("lý do chậm trễ"))
    previous_appointment_at = models.DateTimeField(_("ngày hẹn cũ"), null=True, blank=True)
    new_appointment_at = models.DateTimeField(_("ngày hẹn mới"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField(_("ngày ký"))

    class Meta:
        verbose_name = _("thư xin lỗi")
        verbose_name_plural = _("thư xin lỗi")
        ordering = ["dossier", "issued_at"]

    def __str__(self) -> str:
        return f"{self.dossier} {self.issued_at:%d/%m/%Y}"


class DossierRating(models.Model):
    """The applicant's satisfaction rating (đánh giá mức độ hài lòng) once the result is returned."""

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="rating")
    score = models.PositiveSmallIntegerField(
        _("mức độ hài lòng"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("góp ý"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("đánh giá lúc"))

    class Meta:
        verbose_name = _("đánh giá hồ sơ")
        verbose_name_plural = _("đánh giá hồ sơ")

    def __str__(self) -> str:
        return f"{self.dossier}: {self.score}/5"


class DossierMessage(models.Model):
    """A message between the applicant and the agency about one dossier (trao đổi)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    author_label = models.CharField(_("người gửi"), max_length=200)
    from_agency = models.BooleanField(_("do cơ quan gửi"), default=False)
    body = models.TextField(_("nội dung"), max_length=4000)
    created_at = models.DateTimeField(_("gửi lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("trao đổi về hồ sơ")
        verbose_name_plural = _("trao đổi về hồ sơ")
        ordering = ["dossier", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.dossier}: {self.author_label}"
