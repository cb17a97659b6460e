"""Web forms of the open-data portal: the dataset search and the filters of a table preview.

Both are GET forms that never refuse a page: a value that does not validate is dropped
(an unknown sort falls back to relevance) and the page shows what remains.
"""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

FACET_KEYS = ("organization", "theme", "res_format", "license_id", "tags")
"""The facet filters of the search, named as in CKAN's ``package_search``."""

FACET_VALUES_MAX = 10
"""At most this many values of one facet are taken from the query string."""

SORTS = [
    ("", _("Liên quan nhất")),
    ("metadata_modified desc", _("Mới cập nhật trước")),
    ("metadata_modified asc", _("Cũ nhất trước")),
    ("title_string asc", _("Tên từ A đến Z")),
    ("title_string desc", _("Tên từ Z đến A")),
]


class DatasetSearchForm(forms.Form):
    """Search of ``opendata:search``: words (typed with or without diacritics) and the order of results."""

    q = forms.CharField(
        label=_("Tìm bộ dữ liệu"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Ví dụ: dan so phuong")}),
    )
    sort = forms.ChoiceField(label=_("Sắp xếp"), required=False, choices=SORTS)

    def search(self) -> dict[str, str]:
        """``q`` and ``sort`` for ``dataset_search`` from the fields that are valid."""
        if not self.is_bound:
            return {"q": "", "sort": ""}
        self.is_valid()
        data = self.cleaned_data
        return {"q": (data.get("q") or "").strip(), "sort": data.get("sort") or ""}


def facet_filters(query: Any) -> dict[str, list[str]]:
    """The chosen facet values (``?theme=ENVI&theme=SOCI``) of a query dict; empty, long and repeated values dropped."""
    filters: dict[str, list[str]] = {}
    for key in FACET_KEYS:
        values: list[str] = []
        for value in query.getlist(key):
            value = value.strip()
            # As the selectors match them: formats in upper case, organisation names in lower case.
            value = value.upper() if key == "res_format" else value.lower() if key == "organization" else value
            if value and len(value) <= 200 and value.isprintable() and value not in values:
                values.append(value)
        if values:
            filters[key] = values[:FACET_VALUES_MAX]
    return filters


class PreviewForm(forms.Form):
    """Filters of a table preview (``opendata:resource``): words, one value per column and the sorted column.

    Columns are addressed by their position (``f0``, ``f1``… and ``sort=0``), never by their header text,
    so that any header works in a query string.
    """

    q = forms.CharField(label=_("Tìm trong bảng"), required=False, max_length=200)
    order = forms.ChoiceField(required=False, choices=[("asc", "asc"), ("desc", "desc")], widget=forms.HiddenInput)

    def __init__(self, *args: Any, columns: list[dict], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.columns = columns
        self.fields["sort"] = forms.IntegerField(
            required=False, min_value=0, max_value=max(len(columns) - 1, 0), widget=forms.HiddenInput
        )
        for index, column in enumerate(columns):
            self.fields[f"f{index}"] = forms.CharField(
                label=column.get("label") or column["id"], required=False, max_length=200
            )

    def column_fields(self) -> list[tuple[dict, forms.BoundField]]:
        """Each column with the input that filters it."""
        return [(column, self[f"f{index}"]) for index, column in enumerate(self.columns)]

    def query(self) -> dict[str, Any]:
        """Keyword arguments for ``datastore.search``: ``q``, ``filters`` by field id and ``sort`` in CKAN syntax."""
        if not self.is_bound:
            return {"q": "", "filters": {}, "sort": ""}
        self.is_valid()
        data = self.cleaned_data
        filters = {}
        for index, column in enumerate(self.columns):
            value = (data.get(f"f{index}") or "").strip()
            if value:
                filters[column["id"]] = value
        sort = ""
        if data.get("sort") is not None and self.columns:
            sort = '"{field}" {order}'.format(
                field=self.columns[data["sort"]]["id"].replace('"', '""'), order=data.get("order") or "asc"
            )
        return {"q": (data.get("q") or "").strip(), "filters": filters, "sort": sort}

    @property
    def active(self) -> bool:
        """Some filter narrows the table."""
        query = self.query()
        return bool(query["q"] or query["filters"])
