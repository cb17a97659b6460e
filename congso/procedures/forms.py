"""Web forms of the procedure catalog: the public search and the back-office edit form.

The application forms themselves are built from data by ``form_schema.build_form``.
"""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from congso.procedures.models import Procedure

_ANY = ("", _("Tất cả"))


class SearchForm(forms.Form):
    """Search and facet filters of ``procedures:search``; invalid filters are simply ignored."""

    q = forms.CharField(
        label=_("Tìm thủ tục"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Ví dụ: đăng ký khai sinh")}),
    )
    field = forms.ChoiceField(label=_("Lĩnh vực"), required=False)
    agency = forms.ChoiceField(label=_("Cơ quan thực hiện"), required=False)
    level = forms.ChoiceField(label=_("Cấp thực hiện"), required=False, choices=[_ANY, *Procedure.Level.choices])
    online = forms.ChoiceField(
        label=_("Mức độ trực tuyến"), required=False, choices=[_ANY, *Procedure.OnlineLevel.choices]
    )

    def __init__(self, *args: Any, fields, agencies, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = [
            _ANY,
            *((item.code, f"{item.name} ({item.procedure_count})") for item in fields),
        ]
        self.fields["agency"].choices = [_ANY, *((agency.code, agency.name) for agency in agencies)]

    def filters(self) -> dict[str, str]:
        """Keyword arguments for ``procedure_search`` from the fields that are valid."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = self.cleaned_data
        return {
            "query": data.get("q") or "",
            "field": data.get("field") or None,
            "agency": data.get("agency") or None,
            "level": data.get("level") or None,
            "online_level": data.get("online") or None,
        }


class ProcedureEditForm(forms.Form):
    """What an agency admin may change in the back office."""

    online_level = forms.ChoiceField(label=_("Mức độ trực tuyến"), choices=Procedure.OnlineLevel.choices)
    deadline_days = forms.DecimalField(
        label=_("Thời hạn giải quyết (ngày làm việc)"),
        min_value=Decimal("0.5"),
        max_value=Decimal(365),
        max_digits=4,
        decimal_places=1,
        help_text=_("0,5 là nửa ngày làm việc."),
    )
    fee = forms.DecimalField(
        label=_("Phí, lệ phí khi nộp trực tiếp (đồng)"), min_value=Decimal(0), max_digits=12, decimal_places=0
    )
    fee_online = forms.DecimalField(
        label=_("Phí, lệ phí khi nộp trực tuyến (đồng)"),
        required=False,
        min_value=Decimal(0),
        max_digits=12,
        decimal_places=0,
        help_text=_("Để trống nếu bằng mức nộp trực tiếp; nhập 0 nếu được miễn khi nộp trực tuyến."),
    )
    fee_note = forms.CharField(label=_("Ghi chú phí"), required=False, max_length=500)
    is_published = forms.BooleanField(label=_("Công bố trên cổng dịch vụ công"), required=False)

    @classmethod
    def for_procedure(cls, procedure: Procedure, data=None) -> "ProcedureEditForm":
        initial = {name: getattr(procedure, name) for name in cls.base_fields}
        return cls(data=data, initial=initial)
