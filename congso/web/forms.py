"""Form pieces the back-office forms of several apps share."""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def date_widget() -> forms.DateInput:
    """The browser's date picker, in the ISO format it sends back."""
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


def textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def sane_date(value: date | None, *, first_year: int, last_year: int) -> date | None:
    """``value`` unless its year is outside ``first_year``–``last_year``: such a date is a typing mistake (and
    31/12/9999 + 1 day overflows)."""
    if value is not None and not first_year <= value.year <= last_year:
        raise ValidationError(
            _("Vui lòng nhập ngày trong khoảng năm {first}–{last}.").format(first=first_year, last=last_year),
            code="date_range",
        )
    return value
