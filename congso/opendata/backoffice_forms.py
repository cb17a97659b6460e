"""Back-office forms of open data: dataset metadata, uploads and their column types, withdrawal,
access grants and API keys.

The forms check the shape of the input; the rules live in ``congso.opendata.services``, whose
errors the views copy back onto these forms.
"""

from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from congso.agencies.models import Agency
from congso.core import calendar
from congso.geo.models import AdministrativeUnit
from congso.opendata.models import Dataset, Frequency, Licence, Theme
from congso.web.forms import date_widget, sane_date, textarea

FIRST_YEAR, LAST_YEAR = 1900, 2100
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
_ANY = ("", _("Tất cả"))

COLUMN_TYPES = [
    ("text", _("Văn bản")),
    ("int", _("Số nguyên")),
    ("numeric", _("Số thập phân")),
    ("bool", _("Đúng/sai")),
    ("date", _("Ngày")),
    ("timestamp", _("Ngày giờ")),
]
"""The column types of the tabular store (CKAN datastore names) with their Vietnamese names."""


def _sane_date(value: date | None) -> date | None:
    return sane_date(value, first_year=FIRST_YEAR, last_year=LAST_YEAR)


def _agency_choices(agencies: QuerySet[Agency] | list[Agency]) -> list[tuple[str, str]]:
    return [(str(agency.pk), agency.name) for agency in agencies]


class DatasetListFilterForm(forms.Form):
    """Search and state filter of the back-office dataset list; bad values are ignored."""

    q = forms.CharField(
        label=_("Tìm bộ dữ liệu"), required=False, max_length=200, widget=forms.TextInput(attrs={"type": "search"})
    )
    state = forms.ChoiceField(label=_("Trạng thái"), required=False, choices=[_ANY, *Dataset.State.choices])

    def values(self) -> dict[str, str]:
        if not self.is_bound:
            return {"q": "", "state": ""}
        self.is_valid()
        return {"q": (self.cleaned_data.get("q") or "").strip(), "state": self.cleaned_data.get("state") or ""}


class DatasetForm(forms.Form):
    """The metadata of a dataset (DCAT-style), in Vietnamese with an English version."""

    organization = forms.TypedChoiceField(label=_("Cơ quan công bố"), coerce=int)
    title = forms.CharField(label=_("Tên bộ dữ liệu"), max_length=300)
    name = forms.CharField(
        label=_("Tên định danh"),
        max_length=100,
        help_text=_(
            "Dùng trong đường dẫn và API: chữ thường không dấu, chữ số và dấu gạch ngang, ví dụ "
            "dan-so-phuong-2025. Không đổi được sau khi công bố."
        ),
    )
    title_en = forms.CharField(
        label=_("Tên tiếng Anh"), max_length=300, required=False, widget=forms.TextInput(attrs={"lang": "en"})
    )
    description = forms.CharField(label=_("Mô tả"), required=False, widget=textarea(5), max_length=10_000)
    description_en = forms.CharField(
        label=_("Mô tả tiếng Anh"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 5, "lang": "en"}),
    )
    keywords = forms.CharField(
        label=_("Từ khóa"),
        required=False,
        max_length=1000,
        help_text=_("Cách nhau bằng dấu phẩy, ví dụ: dân số, phường, thống kê."),
    )
    theme = forms.ChoiceField(label=_("Chủ đề"), choices=Theme.choices)
    visibility = forms.ChoiceField(
        label=_("Phạm vi"),
        choices=Dataset.Visibility.choices,
        widget=forms.RadioSelect,
        initial=Dataset.Visibility.OPEN,
        help_text=_("Dữ liệu dùng chung chỉ các cơ quan được cấp quyền mới khai thác được, bằng khóa khai thác."),
    )
    licence = forms.ChoiceField(
        label=_("Giấy phép"),
        choices=Licence.choices,
        initial=Licence.CC_BY,
        help_text=_("Dữ liệu dùng chung luôn mang giấy phép không mở."),
    )
    frequency = forms.ChoiceField(label=_("Tần suất cập nhật"), choices=Frequency.choices, initial=Frequency.IRREGULAR)
    spatial = forms.TypedChoiceField(
        label=_("Phạm vi không gian"), coerce=int, required=False, empty_value=None, help_text=None
    )
    temporal_start = forms.DateField(
        label=_("Dữ liệu từ ngày"), required=False, input_formats=DATE_FORMATS, widget=date_widget()
    )
    temporal_end = forms.DateField(
        label=_("Dữ liệu đến ngày"), required=False, input_formats=DATE_FORMATS, widget=date_widget()
    )
    contact_name = forms.CharField(label=_("Đầu mối liên hệ"), max_length=200, required=False)
    contact_email = forms.EmailField(label=_("Thư điện tử liên hệ"), required=False)

    def __init__(self, *args: Any, agencies: list[Agency], name_locked: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agencies = {agency.pk: agency for agency in agencies}
        self.fields["organization"].choices = _agency_choices(agencies)
        units = AdministrativeUnit.objects.filter(valid_to__isnull=True).order_by("level", "name")
        self.fields["spatial"].choices = [
            ("", _("Toàn thành phố")),
            *((str(unit.pk), unit.name) for unit in units.only("pk", "name")),
        ]
        if name_locked:
            self.fields["name"].disabled = True
            self.fields["name"].help_text = _("Bộ dữ liệu đã công bố: tên định danh không đổi được nữa.")

    @classmethod
    def initial_for(cls, dataset: Dataset) -> dict[str, Any]:
        """The form's values for an existing dataset."""
        initial = {name: getattr(dataset, name) for name in cls.base_fields if hasattr(dataset, name)}
        initial["organization"] = dataset.organization_id
        initial["spatial"] = dataset.spatial_id
        initial["keywords"] = ", ".join(dataset.keywords or [])
        return initial

    def clean_temporal_start(self) -> date | None:
        return _sane_date(self.cleaned_data.get("temporal_start"))

    def clean_temporal_end(self) -> date | None:
        return _sane_date(self.cleaned_data.get("temporal_end"))

    def changes(self) -> dict[str, Any]:
        """Keyword arguments for ``dataset_create`` / ``dataset_update``."""
        data = dict(self.cleaned_data)
        data["organization"] = self.agencies[data["organization"]]
        spatial = data.pop("spatial")
        data["spatial"] = AdministrativeUnit.objects.filter(pk=spatial).first() if spatial else None
        data["keywords"] = [word.strip() for word in data["keywords"].split(",") if word.strip()]
        return data


class UploadForm(forms.Form):
    """A file for a resource: a new resource (with its name) or a new version of one (``new_resource=False``)."""

    name = forms.CharField(label=_("Tên tài nguyên"), max_length=300)
    name_en = forms.CharField(label=_("Tên tiếng Anh"), max_length=300, required=False)
    description = forms.CharField(label=_("Mô tả"), required=False, widget=textarea(3), max_length=5000)
    upload = forms.FileField(
        label=_("Tệp dữ liệu"),
        help_text=_(
            "CSV hoặc XLSX được kiểm tra và nạp vào bảng tra cứu (xem trước, lọc, API); tệp khác (PDF, JSON…) "
            "được lưu để tải về."
        ),
    )
    format = forms.CharField(
        label=_("Định dạng"),
        max_length=20,
        required=False,
        help_text=_("Để trống để lấy theo đuôi tệp (CSV, XLSX, PDF…)."),
    )
    note = forms.CharField(label=_("Ghi chú thay đổi"), max_length=500, required=False)

    def __init__(self, *args: Any, new_resource: bool = True, max_mb: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_mb = max_mb
        self.fields["upload"].help_text = "{} {}".format(
            self.fields["upload"].help_text, _("Tối đa {n} MB.").format(n=max_mb)
        )
        if not new_resource:
            for name in ("name", "name_en", "description", "format"):
                del self.fields[name]
            self.fields["note"].help_text = _("Ví dụ: số liệu tháng 6/2026, sửa lỗi cột dân số.")

    def clean_upload(self):
        upload = self.cleaned_data["upload"]
        if upload.size > self.max_mb * 1024 * 1024:
            raise ValidationError(
                _("Tệp vượt quá dung lượng cho phép {limit} MB.").format(limit=self.max_mb), code="file_too_large"
            )
        if upload.size == 0:
            raise ValidationError(_("Tệp không có nội dung (0 byte)."), code="file_empty")
        return upload


class ColumnsForm(forms.Form):
    """The inspect step: the type (and shown label) of every column of an uploaded table."""

    token = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: Any, columns: list[dict], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.columns = columns
        for index, column in enumerate(columns):
            self.fields[f"type_{index}"] = forms.ChoiceField(
                label=_("Kiểu dữ liệu của cột “{name}”").format(name=column["id"]),
                choices=COLUMN_TYPES,
                initial=column.get("type") or "text",
            )
            self.fields[f"label_{index}"] = forms.CharField(
                label=_("Tên hiển thị của cột “{name}”").format(name=column["id"]),
                max_length=200,
                required=False,
                initial=column.get("label") or "",
            )

    def rows(self) -> list[tuple[dict, forms.BoundField, forms.BoundField]]:
        """Each column with its type select and its label input."""
        return [(column, self[f"type_{i}"], self[f"label_{i}"]) for i, column in enumerate(self.columns)]

    def fields_spec(self) -> list[dict[str, str]]:
        """The columns as the tabular store takes them: the header as given, the chosen type and label."""
        return [
            {
                "id": column["id"],
                "type": self.cleaned_data[f"type_{i}"],
                "label": (self.cleaned_data.get(f"label_{i}") or "").strip() or column["id"],
            }
            for i, column in enumerate(self.columns)
        ]


class CombinedIndexForm(forms.Form):
    """A combined index (chỉ mục kết hợp) to declare on a table: 2 or 3 of its columns, in order."""

    first = forms.ChoiceField(label=_("Lọc theo cột"))
    second = forms.ChoiceField(label=_("Rồi lọc hoặc sắp xếp theo cột"))
    third = forms.ChoiceField(label=_("Rồi sắp xếp theo cột (không bắt buộc)"), required=False)

    def __init__(self, *args: Any, column_ids: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(column_id, column_id) for column_id in column_ids]
        self.fields["first"].choices = [("", _("Chọn cột")), *choices]
        self.fields["second"].choices = [("", _("Chọn cột")), *choices]
        self.fields["third"].choices = [("", _("Không")), *choices]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        chosen = self.columns()
        if len(set(chosen)) < len(chosen):
            raise ValidationError(_("Chọn các cột khác nhau."), code="same_column")
        return data

    def columns(self) -> list[str]:
        """The chosen field ids, in order."""
        data = getattr(self, "cleaned_data", {})
        return [data[name] for name in ("first", "second", "third") if data.get(name)]


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do rút bộ dữ liệu"),
        max_length=500,
        widget=textarea(3),
        help_text=_("Ghi vào nhật ký; người dùng sẽ không còn thấy bộ dữ liệu trên cổng và qua API."),
    )


class GrantForm(forms.Form):
    """Grant an agency access to a shared dataset."""

    agency = forms.TypedChoiceField(label=_("Cơ quan được cấp quyền"), coerce=int)

    def __init__(self, *args: Any, agencies: list[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agencies = {agency.pk: agency for agency in agencies}
        self.fields["agency"].choices = [("", _("Chọn cơ quan")), *_agency_choices(agencies)]

    def chosen_agency(self) -> Agency:
        return self.agencies[self.cleaned_data["agency"]]


class ApiKeyForm(forms.Form):
    """A new API key of an agency."""

    agency = forms.TypedChoiceField(label=_("Cơ quan"), coerce=int)
    name = forms.CharField(
        label=_("Tên gợi nhớ"), max_length=100, help_text=_("Ví dụ: Hệ thống một cửa phường, máy chủ báo cáo.")
    )
    daily_quota = forms.IntegerField(
        label=_("Hạn mức yêu cầu mỗi ngày"), min_value=1, max_value=10_000_000, initial=10_000
    )
    expires_on = forms.DateField(
        label=_("Dùng được đến hết ngày"),
        required=False,
        input_formats=DATE_FORMATS,
        widget=date_widget(),
        help_text=_("Để trống nếu khóa không có hạn (vẫn thu hồi được bất cứ lúc nào)."),
    )

    def __init__(self, *args: Any, agencies: list[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agencies = {agency.pk: agency for agency in agencies}
        self.fields["agency"].choices = _agency_choices(agencies)

    def clean_expires_on(self) -> date | None:
        return _sane_date(self.cleaned_data.get("expires_on"))

    def chosen_agency(self) -> Agency:
        return self.agencies[self.cleaned_data["agency"]]

    def expires_at(self) -> datetime | None:
        """The end of the chosen day in office time (midnight starting the next day)."""
        day = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        return datetime.combine(day + timedelta(days=1), time.min, tzinfo=calendar.OFFICE_TZ)
