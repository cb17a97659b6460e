"""Forms of the applicant's side of dossiers (hồ sơ): contact and agency, documents, actions, tracking.

They only check the shape of the input; the rules (mandatory documents, file
types by content, who may do what) live in ``congso.dossiers.services``, whose
errors the views put back on these forms.
"""

import re
import secrets
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from congso.accounts.models import User
from congso.accounts.validators import validate_phone
from congso.agencies.models import Agency
from congso.procedures.form_schema import PhoneField
from congso.procedures.models import Procedure, RequiredDocument

IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9_-]{16,100}")
CONTENT_TYPES = {"pdf": ".pdf,application/pdf", "jpeg": ".jpg,.jpeg,image/jpeg", "png": ".png,image/png"}
DEFAULT_TYPES = ["pdf", "jpeg", "png"]


def new_idempotency_key() -> str:
    """A fresh key for one application form: a retry of the same form submits the same dossier."""
    return secrets.token_urlsafe(24)


def _messages(**extra: Any) -> dict[str, Any]:
    return {
        "max_length": _("Tối đa %(limit_value)d ký tự (hiện có %(show_value)d)."),
        "null_characters_not_allowed": _("Không được chứa ký tự rỗng (null)."),
        **extra,
    }


class ApplicantForm(forms.Form):
    """The applicant's contact details on the dossier and, if the procedure has several, the handling agency.

    Field names carry the ``hs-`` prefix so they never collide with the procedure's own form fields.
    """

    prefix = "hs"

    applicant_phone = PhoneField(
        label=_("Số điện thoại liên hệ"),
        max_length=20,
        validators=[validate_phone],
        help_text=_("Dùng để tra cứu hồ sơ (4 số cuối) và nhận thông báo."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
        error_messages=_messages(
            required=_("Vui lòng nhập số điện thoại: cần để tra cứu hồ sơ và nhận thông báo."),
        ),
    )
    applicant_email = forms.EmailField(
        label=_("Thư điện tử"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages=_messages(invalid=_("Địa chỉ thư điện tử không hợp lệ.")),
    )
    applicant_address = forms.CharField(
        label=_("Địa chỉ liên hệ"),
        required=False,
        max_length=255,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
        error_messages=_messages(),
    )
    agency = forms.ModelChoiceField(
        label=_("Cơ quan tiếp nhận hồ sơ"),
        queryset=Agency.objects.none(),
        empty_label=_("— Chọn cơ quan —"),
        error_messages={
            "required": _("Vui lòng chọn cơ quan tiếp nhận hồ sơ của thủ tục này."),
            "invalid_choice": _("Vui lòng chọn cơ quan tiếp nhận hồ sơ của thủ tục này."),
        },
    )
    idempotency_key = forms.CharField(required=False, widget=forms.HiddenInput, max_length=200)
    draft = forms.CharField(required=False, widget=forms.HiddenInput(attrs={"id": "draft-id"}), max_length=20)

    def __init__(self, *args: Any, procedure: Procedure, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.procedure = procedure
        agencies = list(procedure.agencies.filter(is_active=True).order_by("name"))
        self.agencies = agencies
        if len(agencies) > 1:
            field = self.fields["agency"]
            field.queryset = procedure.agencies.filter(is_active=True).order_by("name")
            if "agency" not in self.initial:
                own = [a for a in agencies if user.ward_id and a.administrative_unit_id == user.ward_id]
                if own:
                    self.initial["agency"] = own[0].pk
        else:
            del self.fields["agency"]
        if not self.initial.get("idempotency_key"):
            self.initial["idempotency_key"] = new_idempotency_key()

    @property
    def single_agency(self) -> Agency | None:
        """The agency the dossier goes to when there is no choice to make."""
        return self.agencies[0] if len(self.agencies) == 1 else None

    @property
    def agency_field(self) -> forms.BoundField | None:
        """The agency choice, shown only when the procedure has several agencies."""
        return self["agency"] if "agency" in self.fields else None

    def clean_idempotency_key(self) -> str:
        """The key the form was rendered with; a missing or mangled key gets a fresh one."""
        key = self.cleaned_data.get("idempotency_key") or ""
        return key if IDEMPOTENCY_KEY.fullmatch(key) else new_idempotency_key()

    def clean_draft(self) -> int | None:
        value = (self.cleaned_data.get("draft") or "").strip()
        return int(value) if value.isdigit() and len(value) < 19 else None

    def chosen_agency(self) -> Agency | None:
        if "agency" in self.fields:
            return self.cleaned_data.get("agency")
        return self.single_agency


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files for one document (e.g. the pages of a scan); cleans to a list."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        given = data if isinstance(data, list | tuple) else [data]
        files = [f for f in given if f]
        if not files:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


def accepted_types(document: RequiredDocument) -> list[str]:
    return [kind for kind in (document.accepted_types or DEFAULT_TYPES) if kind in CONTENT_TYPES]


def document_field_name(document: RequiredDocument) -> str:
    """The name services use for this document's files and errors: ``doc_<pk>``."""
    return f"doc_{document.pk}"


class DocumentsForm(forms.Form):
    """One file input per required document (thành phần hồ sơ); mandatory ones required unless ``optional``."""

    def __init__(self, *args: Any, documents: list[RequiredDocument], optional: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit = settings.CONGSO_UPLOAD_MAX_FILE_MB
        self.documents = documents
        for document in documents:
            kinds = accepted_types(document)
            field = self.fields[document_field_name(document)] = MultipleFileField(
                label=document.name,
                required=document.is_mandatory and not optional,
                help_text=_("Định dạng: {types}. Tối đa {limit} MB mỗi tệp; có thể chọn nhiều tệp.").format(
                    types=", ".join(kind.upper() for kind in kinds), limit=limit
                ),
                widget=MultipleFileInput(attrs={"accept": ",".join(CONTENT_TYPES[kind] for kind in kinds)}),
                error_messages={
                    "required": _("Thiếu giấy tờ bắt buộc: {name}.").format(name=document.name),
                    "invalid": _("Không nhận được tệp. Vui lòng chọn lại tệp."),
                    "missing": _("Không nhận được tệp. Vui lòng chọn lại tệp."),
                    "empty": _("Tệp đã chọn không có nội dung (0 byte). Vui lòng chọn lại tệp."),
                },
            )
            field.mandatory = document.is_mandatory

    def files_by_document(self) -> dict[int, list[UploadedFile]]:
        """What ``dossier_submit`` / ``dossier_supplement`` expect: files by required-document id."""
        return {
            document.pk: self.cleaned_data[document_field_name(document)]
            for document in self.documents
            if self.cleaned_data.get(document_field_name(document))
        }


class SupplementForm(DocumentsForm):
    """Bổ sung hồ sơ: the files asked for and a note to the agency."""

    note = forms.CharField(
        label=_("Ghi chú gửi cơ quan"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages=_messages(),
    )

    def __init__(self, *args: Any, documents: list[RequiredDocument], **kwargs: Any) -> None:
        super().__init__(*args, documents=documents, optional=True, **kwargs)
        for name in self.file_field_names:
            self.fields[name].mandatory = False  # a supplement brings only what was asked

    @property
    def file_field_names(self) -> list[str]:
        return [document_field_name(document) for document in self.documents]


class WithdrawForm(forms.Form):
    """Rút hồ sơ: the applicant says why."""

    reason = forms.CharField(
        label=_("Lý do rút hồ sơ"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages=_messages(required=_("Vui lòng nêu lý do rút hồ sơ.")),
    )


SCORES = [
    ("5", _("5 – Rất hài lòng")),
    ("4", _("4 – Hài lòng")),
    ("3", _("3 – Bình thường")),
    ("2", _("2 – Không hài lòng")),
    ("1", _("1 – Rất không hài lòng")),
]


class RatingForm(forms.Form):
    """Đánh giá mức độ hài lòng: 1–5 and a comment."""

    score = forms.TypedChoiceField(
        label=_("Mức độ hài lòng"),
        choices=SCORES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Vui lòng chọn mức từ 1 đến 5."),
            "invalid_choice": _("Vui lòng chọn mức từ 1 đến 5."),
        },
    )
    comment = forms.CharField(
        label=_("Góp ý"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages=_messages(),
    )


class MessageForm(forms.Form):
    """A message to the agency about the dossier."""

    body = forms.CharField(
        label=_("Nội dung tin nhắn"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages=_messages(required=_("Vui lòng nhập nội dung.")),
    )


class TrackForm(forms.Form):
    """Tra cứu hồ sơ: receipt code and the last 4 digits of the phone given on the dossier."""

    code = forms.CharField(
        label=_("Mã hồ sơ"),
        max_length=60,
        help_text=_("In trên giấy tiếp nhận, ví dụ H29.01-260115-0001."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}),
        error_messages=_messages(required=_("Vui lòng nhập mã hồ sơ.")),
    )
    last4 = forms.RegexField(
        label=_("4 số cuối điện thoại"),
        regex=r"^\d{4}\Z",
        max_length=4,
        help_text=_("Số điện thoại đã khai khi nộp hồ sơ."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "size": "4"}),
        error_messages=_messages(
            required=_("Vui lòng nhập 4 số cuối điện thoại."),
            invalid=_("Vui lòng nhập đúng 4 chữ số."),
        ),
    )

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split()).upper()
