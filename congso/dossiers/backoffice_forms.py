"""Back-office forms for dossiers (hồ sơ): the queue filters, the staff actions and the walk-in intake.

The forms only check the shape of the input; the rules live in the services
(``congso.dossiers.services``), whose errors the views copy back onto these forms.
"""

from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congso.accounts.models import User
from congso.agencies.models import Agency, Membership
from congso.core import calendar
from congso.core.cases import SlaStatus
from congso.dossiers.models import Dossier
from congso.web.forms import date_widget, sane_date, textarea

_ANY = ("", _("Tất cả"))
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
FIRST_YEAR, LAST_YEAR = 2000, 2100
REASON_MAX = 2000
ACCEPT = {"pdf": ".pdf,application/pdf", "jpeg": ".jpg,.jpeg,image/jpeg", "png": ".png,image/png"}


def _sane_date(value: date | None) -> date | None:
    return sane_date(value, first_year=FIRST_YEAR, last_year=LAST_YEAR)


def local_start(day: date) -> datetime:
    """Midnight at the start of ``day`` in office time (Asia/Ho_Chi_Minh)."""
    return datetime.combine(day, time.min, tzinfo=calendar.OFFICE_TZ)


# --- queue ------------------------------------------------------------------------------------------


class QueueFilterForm(forms.Form):
    """Filters of the dossier queue; a field with bad input is reported and ignored, the rest still apply."""

    tab = forms.CharField(required=False, widget=forms.HiddenInput, max_length=20)
    q = forms.CharField(
        label=_("Tìm hồ sơ"),
        required=False,
        max_length=100,
        help_text=_("Mã hồ sơ, họ tên, số điện thoại hoặc số định danh của người nộp."),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    agency = forms.TypedChoiceField(label=_("Cơ quan"), required=False, coerce=int, empty_value=None)
    procedure = forms.TypedChoiceField(label=_("Thủ tục"), required=False, coerce=int, empty_value=None)
    channel = forms.ChoiceField(label=_("Hình thức nộp"), required=False, choices=[_ANY, *Dossier.Channel.choices])
    sla = forms.ChoiceField(label=_("Tình trạng hạn"), required=False, choices=[_ANY, *SlaStatus.choices])
    submitted_from = forms.DateField(
        label=_("Nộp từ ngày"), required=False, input_formats=DATE_FORMATS, widget=date_widget()
    )
    submitted_to = forms.DateField(
        label=_("Nộp đến ngày"), required=False, input_formats=DATE_FORMATS, widget=date_widget()
    )

    def __init__(self, *args: Any, agencies, procedures, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [_ANY, *((str(a.pk), f"{a.code} – {a.name}") for a in agencies)]
        self.fields["procedure"].choices = [_ANY, *((str(p.pk), f"{p.code} – {p.name}") for p in procedures)]

    def clean_submitted_from(self) -> date | None:
        return _sane_date(self.cleaned_data.get("submitted_from"))

    def clean_submitted_to(self) -> date | None:
        return _sane_date(self.cleaned_data.get("submitted_to"))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("submitted_from"), data.get("submitted_to")
        if start and end and start > end:
            self.add_error("submitted_to", _("Ngày kết thúc phải sau hoặc bằng ngày bắt đầu."))
        return data

    def values(self) -> dict[str, Any]:
        """The filters that are valid (an unbound form has none)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}


# --- actions ------------------------------------------------------------------------------------------


class ActionForm(forms.Form):
    """An action on one dossier; subclasses may read ``self.dossier`` to build their choices."""

    def __init__(self, *args: Any, dossier: Dossier, **kwargs: Any) -> None:
        self.dossier = dossier
        super().__init__(*args, **kwargs)


def specialists_of(agency_id: int):
    """Active staff holding the specialist role in the agency, by name."""
    return (
        User.objects.filter(
            is_active=True,
            kind=User.Kind.STAFF,
            memberships__agency_id=agency_id,
            memberships__role=Membership.Role.SPECIALIST,
        )
        .distinct()
        .order_by("full_name", "username")
    )


class _StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.display_name


class AcceptForm(ActionForm):
    assignee = _StaffChoiceField(
        label=_("Phân công chuyên viên xử lý"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("— Để lãnh đạo hoặc bộ phận phân công sau —"),
        help_text=_("Không bắt buộc."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = specialists_of(self.dossier.agency_id)


class ReceiveTransferForm(AcceptForm):
    pass


class AssignForm(ActionForm):
    assignee = _StaffChoiceField(
        label=_("Chuyên viên xử lý"), queryset=User.objects.none(), empty_label=_("— Chọn chuyên viên —")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = specialists_of(self.dossier.agency_id)


class RequestSupplementForm(ActionForm):
    documents = forms.MultipleChoiceField(
        label=_("Giấy tờ cần bổ sung"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other = forms.CharField(
        label=_("Giấy tờ hoặc nội dung khác"),
        required=False,
        max_length=REASON_MAX,
        widget=textarea(),
        help_text=_("Mỗi dòng một mục."),
    )
    note = forms.CharField(label=_("Hướng dẫn cho người nộp"), required=False, max_length=REASON_MAX, widget=textarea())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.document_names = {str(d.pk): d.name for d in self.dossier.procedure.documents.all()}
        self.fields["documents"].choices = list(self.document_names.items())
        if not self.document_names:
            del self.fields["documents"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        items = [self.document_names[pk] for pk in data.get("documents") or []]
        items += [line.strip() for line in (data.get("other") or "").splitlines() if line.strip()]
        if not items and not self.errors:
            field = "documents" if "documents" in self.fields else "other"
            self.add_error(field, _("Vui lòng chọn hoặc nhập ít nhất một giấy tờ cần bổ sung."))
        data["items"] = items
        return data


class ReasonForm(ActionForm):
    reason = forms.CharField(label=_("Lý do"), max_length=REASON_MAX, widget=textarea())


class RefuseForm(ReasonForm):
    reason = forms.CharField(
        label=_("Lý do không tiếp nhận"),
        max_length=REASON_MAX,
        widget=textarea(),
        help_text=_("Lý do được in trên phiếu từ chối (mẫu 03) và gửi cho người nộp."),
    )


class SendBackForm(ReasonForm):
    reason = forms.CharField(label=_("Nội dung cần xử lý lại"), max_length=REASON_MAX, widget=textarea())


class StopForm(ReasonForm):
    reason = forms.CharField(
        label=_("Lý do dừng xử lý"),
        max_length=REASON_MAX,
        widget=textarea(),
        help_text=_("Lý do được gửi cho người nộp hồ sơ."),
    )


class NoteForm(ActionForm):
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=REASON_MAX, widget=textarea())


class CompleteStepForm(NoteForm):
    pass


class ApproveForm(NoteForm):
    pass


class TransferForm(ActionForm):
    to_agency = forms.ModelChoiceField(
        label=_("Chuyển tới cơ quan"), queryset=Agency.objects.none(), empty_label=_("— Chọn cơ quan —")
    )
    reason = forms.CharField(label=_("Lý do chuyển"), max_length=REASON_MAX, widget=textarea())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_agency"].queryset = (
            Agency.objects.filter(is_active=True).exclude(pk=self.dossier.agency_id).order_by("code")
        )
        self.fields["to_agency"].label_from_instance = lambda agency: f"{agency.code} – {agency.name}"


class RecordPaymentForm(ActionForm):
    reference = forms.CharField(
        label=_("Số biên lai"),
        max_length=60,
        help_text=_("Số biên lai thu phí, lệ phí đã giao cho người nộp."),
    )


class ReturnForm(ActionForm):
    pass


class WithdrawForm(ActionForm):
    confirm = forms.BooleanField(
        label=_("Người nộp hồ sơ đã có văn bản đề nghị rút hồ sơ"),
        error_messages={"required": _("Chỉ rút hồ sơ khi có văn bản đề nghị của người nộp.")},
    )
    reason = forms.CharField(
        label=_("Căn cứ rút hồ sơ"),
        max_length=REASON_MAX,
        widget=textarea(),
        help_text=_("Ví dụ: theo đơn đề nghị rút hồ sơ ngày 05/01/2027 của người nộp."),
    )


class ApologiseForm(ActionForm):
    reason = forms.CharField(label=_("Lý do chậm trễ"), max_length=REASON_MAX, widget=textarea())
    new_appointment = forms.DateField(
        label=_("Ngày hẹn trả mới"),
        input_formats=DATE_FORMATS,
        widget=date_widget(),
        help_text=_("Một ngày làm việc sau ngày hẹn hiện tại."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_appointment"].initial = next_working_day(max(self._current_day(), timezone.localdate()))

    def _current_day(self) -> date:
        current = self.dossier.appointment_at or self.dossier.due_at
        return timezone.localtime(current).date() if current else timezone.localdate()

    def clean_new_appointment(self) -> date:
        day = _sane_date(self.cleaned_data["new_appointment"])
        if day <= self._current_day():
            raise ValidationError(
                _("Ngày hẹn mới phải sau ngày hẹn hiện tại ({date}).").format(
                    date=self._current_day().strftime("%d/%m/%Y")
                ),
                code="date",
            )
        return day

    def new_appointment_at(self) -> datetime:
        """The new date at the close of the office day (the appointment is for that whole day)."""
        closing = calendar.office_periods()[-1][1]
        return datetime.combine(self.cleaned_data["new_appointment"], closing, tzinfo=calendar.OFFICE_TZ)


def next_working_day(after: date) -> date:
    day = after + timedelta(days=1)
    for _attempt in range(60):
        if calendar.is_working_day(day):
            return day
        day += timedelta(days=1)
    return day


def add_document_fields(form: forms.Form, procedure) -> list:
    """One optional file field ``doc_<id>`` per required document of the procedure (scans, supplements)."""
    documents = list(procedure.documents.all())
    for document in documents:
        types = [str(t) for t in (document.accepted_types or ["pdf", "jpeg", "png"])]
        form.fields[f"doc_{document.pk}"] = forms.FileField(
            label=document.name,
            required=False,
            help_text=_("Định dạng: {types}.").format(types=", ".join(t.upper() for t in types)),
            widget=forms.ClearableFileInput(
                attrs={"accept": ",".join(ACCEPT.get(t, "") for t in types if t in ACCEPT)}
            ),
        )
    return documents


def files_by_document(form: forms.Form, documents: list) -> dict[int, list]:
    """The uploaded files of a valid form, by required-document id, as the services take them."""
    return {
        document.pk: [form.cleaned_data[f"doc_{document.pk}"]]
        for document in documents
        if form.cleaned_data.get(f"doc_{document.pk}")
    }


class SupplementForm(ActionForm):
    """The desk officer hands in, at the counter, what the applicant brought to supplement."""

    note = forms.CharField(
        label=_("Ghi chú"),
        required=False,
        max_length=REASON_MAX,
        widget=textarea(),
        help_text=_("Ví dụ: người nộp đã nộp bản giấy tại quầy."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        note = self.fields.pop("note")
        self.documents = add_document_fields(self, self.dossier.procedure)
        self.fields["note"] = note

    def uploaded(self) -> dict[int, list]:
        return files_by_document(self, self.documents)


class IntakeDocumentsForm(forms.Form):
    """The scanned documents of a walk-in dossier, all optional (paper may be scanned later)."""

    def __init__(self, *args: Any, procedure, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.documents = add_document_fields(self, procedure)

    def files_by_document(self) -> dict[int, list]:
        return files_by_document(self, self.documents)


class MessageForm(ActionForm):
    body = forms.CharField(label=_("Nội dung tin nhắn"), max_length=4000, widget=textarea(4))


# --- walk-in intake -------------------------------------------------------------------------------------


class IntakeChoiceForm(forms.Form):
    """Which agency's counter and which procedure a walk-in dossier is for."""

    agency = forms.TypedChoiceField(label=_("Cơ quan tiếp nhận"), coerce=int)
    procedure = forms.TypedChoiceField(label=_("Thủ tục"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args: Any, agencies, procedures, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [("", _("— Chọn cơ quan —"))] + [
            (str(a.pk), f"{a.code} – {a.name}") for a in agencies
        ]
        self.fields["procedure"].choices = [("", _("— Chọn thủ tục —"))] + [
            (str(p.pk), f"{p.code} – {p.name}") for p in procedures
        ]
        if len(agencies) == 1:
            self.fields["agency"].widget = forms.HiddenInput()
            self.fields["agency"].initial = str(agencies[0].pk)


class IntakeContactForm(forms.Form):
    """The applicant's contact details (người nộp hồ sơ) and how the intake ends."""

    applicant_name = forms.CharField(label=_("Họ tên người nộp"), max_length=255)
    applicant_phone = forms.CharField(
        label=_("Số điện thoại"),
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "off"}),
        help_text=_("Để tra cứu hồ sơ và nhận thông báo."),
    )
    applicant_id_number = forms.CharField(
        label=_("Số định danh cá nhân / mã số thuế"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    applicant_email = forms.EmailField(label=_("Thư điện tử"), required=False, max_length=254)
    applicant_address = forms.CharField(label=_("Địa chỉ"), max_length=255, required=False)
    accept = forms.BooleanField(
        label=_("Tiếp nhận ngay (tính hạn giải quyết và in giấy hẹn)"),
        required=False,
        initial=True,
        help_text=_("Bỏ chọn nếu hồ sơ còn phải kiểm tra trước khi tiếp nhận."),
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, strip=True)
