"""Public pages of the open-data portal (cổng dữ liệu mở), mounted at /opendata/.

Search with facets, one dataset (metadata, resources, versions, API examples, DCAT links), the
preview of a table of the tabular store (paging, a filter per column, sort by a column header), and
downloads: the file of any version, and exports of a table as CSV, JSON or XLSX.

Who sees what is ``datasets_visible_to``: anyone sees published open datasets; a shared dataset is
"not found" (404) unless the signed-in staff member's agency owns it or was granted access (its files
also download with a granted agency's API key, as the CKAN API's resource URLs point here); an
agency's publishers also see its drafts and withdrawn datasets. No login is needed for open data and
nothing needs JavaScript (htmx only refreshes the results and the preview in place).
"""

import mimetypes
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from congso.opendata import access, datastore
from congso.opendata.forms import FACET_KEYS, DatasetSearchForm, PreviewForm, facet_filters
from congso.opendata.models import ApiKey, Dataset, Resource, ResourceVersion
from congso.opendata.selectors import can_publish, dataset_for, dataset_search, datasets_visible_to, resource_for

PAGE_SIZE = 20
PREVIEW_PAGE_SIZE = 50
OFFSET_MAX = 2**31 - 1
"""No page starts beyond this row: a page number in the query string cannot overflow the SQL OFFSET."""

EXPORT_FORMATS = ("csv", "json", "xlsx")
DOWNLOAD_ACTION = "download"
"""The action written to an API key's usage log for a file download or an export."""
NUMERIC_TYPES = frozenset({"int", "numeric"})

FACET_TITLES: dict[str, str | Promise] = {
    "organization": _("Cơ quan công bố"),
    "theme": _("Chủ đề"),
    "res_format": _("Định dạng"),
    "license_id": _("Giấy phép"),
    "tags": _("Từ khóa"),
}
FACET_SHOWN = 8
"""Values of a facet listed at once; the others are behind "Xem thêm"."""


# --- paging over a count --------------------------------------------------------------------------------


class _OnePage:
    """The results of one page standing for all ``count`` results, so that ``Paginator`` numbers the pages.

    The search already asked for one page (offset and limit); the paginator only slices the current one.
    """

    def __init__(self, count: int, results: list) -> None:
        self._count = count
        self.results = results

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index: Any) -> list:
        return self.results


def _page_number(value: str | None, page_size: int) -> int:
    """The page asked for in the query string: 1 if missing or not a number, never past ``OFFSET_MAX``."""
    value = (value or "").strip()
    if not value.isascii() or not value.isdigit() or len(value) > 12:
        return 1
    return min(max(int(value), 1), OFFSET_MAX // page_size)


def _page(count: int, results: list, number: int, page_size: int) -> Page:
    return Paginator(_OnePage(count, results), page_size).page(number)


def _last_page(count: int, page_size: int) -> int:
    return max((count + page_size - 1) // page_size, 1)


# --- search ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FacetLink:
    """One value of a facet: its label and count, whether it is chosen, and the link that toggles it."""

    label: str
    count: int
    selected: bool
    url: str


@dataclass(frozen=True)
class FacetGroup:
    key: str
    title: str | Promise
    links: list[FacetLink]

    @property
    def shown(self) -> list[FacetLink]:
        return self.links[:FACET_SHOWN]

    @property
    def more(self) -> list[FacetLink]:
        return self.links[FACET_SHOWN:]


@dataclass(frozen=True)
class ActiveFilter:
    """A chosen facet value, shown above the results with a link that removes it."""

    title: str | Promise
    label: str
    remove_url: str


def _toggled(query: QueryDict, key: str, value: str) -> str:
    """The search URL with ``key=value`` added, or removed if it was there; back to the first page."""
    params = query.copy()
    params.pop("page", None)
    values = [v for v in params.getlist(key) if v.strip() != value]
    if len(values) == len(params.getlist(key)):
        values.append(value)
    params.setlist(key, values)
    encoded = params.urlencode()
    return reverse("opendata:search") + (f"?{encoded}" if encoded else "")


def _without_facets(query: QueryDict) -> str:
    """The search URL keeping the words and the order, without any facet."""
    params = query.copy()
    for key in (*FACET_KEYS, "page"):
        params.pop(key, None)
    encoded = params.urlencode()
    return reverse("opendata:search") + (f"?{encoded}" if encoded else "")


def _facet_groups(query: QueryDict, facets: dict, chosen: dict[str, list[str]]) -> list[FacetGroup]:
    groups = []
    for key in FACET_KEYS:
        links = [
            FacetLink(
                label=facet.label,
                count=facet.count,
                selected=facet.value in chosen.get(key, []),
                url=_toggled(query, key, facet.value),
            )
            for facet in facets.get(key, [])
        ]
        if links:
            groups.append(FacetGroup(key=key, title=FACET_TITLES[key], links=links))
    return groups


def _active_filters(query: QueryDict, facets: dict, chosen: dict[str, list[str]]) -> list[ActiveFilter]:
    active = []
    for key, values in chosen.items():
        labels = {facet.value: facet.label for facet in facets.get(key, [])}
        for value in values:
            active.append(ActiveFilter(FACET_TITLES[key], labels.get(value, value), _toggled(query, key, value)))
    return active


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    """Dữ liệu mở: search datasets by words (diacritics optional) and facets; an htmx request gets the results."""
    form = DatasetSearchForm(request.GET or None)
    terms = form.search()
    chosen = facet_filters(request.GET)
    visible = datasets_visible_to(user=request.user)
    number = _page_number(request.GET.get("page"), PAGE_SIZE)

    def run(page_number: int):
        return dataset_search(
            datasets=visible, filters=chosen, offset=(page_number - 1) * PAGE_SIZE, limit=PAGE_SIZE, **terms
        )

    found = run(number)
    if number > _last_page(found.count, PAGE_SIZE):
        number = _last_page(found.count, PAGE_SIZE)
        found = run(number)
    for item in found.results:
        item.formats = sorted({resource.format.upper() for resource in item.resources.all() if resource.format})
    context = {
        "form": form,
        "page_obj": _page(found.count, found.results, number, PAGE_SIZE),
        "facet_groups": _facet_groups(request.GET, found.facets, chosen),
        "active_filters": _active_filters(request.GET, found.facets, chosen),
        "searched": bool(terms["q"] or chosen),
        "clear_url": _without_facets(request.GET),
        "chosen": [(key, value) for key, values in chosen.items() for value in values],
    }
    template = "opendata/_search_results.html" if request.htmx else "opendata/search.html"
    return render(request, template, context)


# --- one dataset ----------------------------------------------------------------------------------------


def _visible_dataset(request: HttpRequest, name: str) -> Dataset:
    dataset = dataset_for(name_or_id=name, user=request.user)
    if dataset is None:
        raise Http404
    return dataset


def _api_examples(request: HttpRequest, dataset: Dataset, table: Resource | None) -> dict[str, str]:
    """curl and Python (ckanapi) snippets with this site's real URLs; a shared dataset's add the key header."""
    portal = request.build_absolute_uri(reverse("opendata:search")).rstrip("/")
    action = f"{portal}/api/3/action"
    shared = not dataset.is_open
    header = ' -H "Authorization: $CONGSO_API_KEY"' if shared else ""
    curl = [f'curl{header} "{action}/package_show?id={dataset.name}"']
    python = ["from ckanapi import RemoteCKAN", ""]
    if shared:
        python[0:1] = ["import os", "", "from ckanapi import RemoteCKAN"]
        python.append(f'ckan = RemoteCKAN("{portal}", apikey=os.environ["CONGSO_API_KEY"])')
    else:
        python.append(f'ckan = RemoteCKAN("{portal}")')
    python.append(f'dataset = ckan.action.package_show(id="{dataset.name}")')
    if table is not None:
        curl.append(f'curl{header} "{action}/datastore_search?resource_id={table.id}&limit=5"')
        python.append(f'records = ckan.action.datastore_search(resource_id="{table.id}", limit=5)["records"]')
    return {"curl": "\n".join(curl), "python": "\n".join(python)}


@require_safe
def dataset(request: HttpRequest, name: str) -> HttpResponse:
    """Một bộ dữ liệu: metadata, resources with downloads and previews, version history, API examples, DCAT."""
    found = _visible_dataset(request, name)
    resources = list(found.resources.all())  # in order, versions newest first (dataset_for prefetches)
    table = next((resource for resource in resources if resource.datastore_active), None)
    context = {
        "dataset": found,
        "resources": resources,
        "examples": _api_examples(request, found, table),
        "can_publish": can_publish(request.user, found.organization),
        "dcat": found.is_open and found.state == Dataset.State.PUBLISHED,
    }
    return render(request, "opendata/dataset.html", context)


# --- one resource ---------------------------------------------------------------------------------------


def _visible_resource(request: HttpRequest, name: str, resource_id: Any, key: ApiKey | None = None) -> Resource:
    """The resource if visible to the user (or key) and of the dataset named (by name or id) in the URL, else 404."""
    resource = resource_for(resource_id=str(resource_id), user=request.user, key=key)
    if resource is None or name not in (resource.dataset.name, str(resource.dataset_id)):
        raise Http404
    return resource


def _download(request: HttpRequest, name: str, resource_id: Any, serve: Callable[[Resource], HttpResponse]):
    """A download (a version's file or an export), also for API clients that send an agency's key.

    A shared dataset's files are not public: a signed-in staff member of an agency with access gets
    them, and so does a request carrying a usable key of such an agency in ``Authorization`` (as the
    CKAN API, whose resource URLs point here). A bad key is refused (403, or 429 over quota) as the
    API refuses it, and every request with a known key is written to the key's usage log.
    """
    try:
        key = access.api_key_from_request(request)
    except access.KeyRefused as refused:
        if refused.key is not None:
            access.record_usage(key=refused.key, action=DOWNLOAD_ACTION, status=refused.status)
        response = HttpResponse(refused.message, status=refused.status, content_type="text/plain; charset=utf-8")
        if isinstance(refused, access.QuotaExceeded):
            response["Retry-After"] = str(refused.retry_after)
        return response
    try:
        found = _visible_resource(request, name, resource_id, key)
        response = serve(found)
    except Http404:
        if key is not None:
            access.record_usage(key=key, action=DOWNLOAD_ACTION, status=404)
        raise
    if key is not None:
        access.record_usage(key=key, action=DOWNLOAD_ACTION, status=response.status_code, dataset=found.dataset)
    return response


@dataclass(frozen=True)
class Column:
    """A column header of the preview: its field, position, current sort and the order a click asks for."""

    field: dict
    index: int
    sort: str  # "ascending", "descending" or "" (the value of aria-sort)
    next_order: str

    @property
    def label(self) -> str:
        return self.field.get("label") or self.field["id"]

    @property
    def numeric(self) -> bool:
        return self.field.get("type") in NUMERIC_TYPES


def _columns(form: PreviewForm, fields: list[dict]) -> list[Column]:
    data = form.cleaned_data if form.is_bound else {}
    sorted_index = data.get("sort")
    order = data.get("order") or "asc"
    columns = []
    for index, spec in enumerate(fields):
        if index == sorted_index:
            state = "descending" if order == "desc" else "ascending"
            columns.append(Column(spec, index, state, "asc" if order == "desc" else "desc"))
        else:
            columns.append(Column(spec, index, "", "asc"))
    return columns


def _show(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(_("Có") if value else _("Không"))
    return str(value)


def _preview(request: HttpRequest, resource: Resource) -> dict[str, Any]:
    """The table's current page under the filters and sort of the query string; a bad value is a form error."""
    fields = list(resource.fields)
    form = PreviewForm(request.GET or None, columns=fields)
    query = form.query()
    number = _page_number(request.GET.get("page"), PREVIEW_PAGE_SIZE)

    def run(page_number: int) -> datastore.SearchPage:
        offset = (page_number - 1) * PREVIEW_PAGE_SIZE
        return datastore.search(resource, limit=PREVIEW_PAGE_SIZE, offset=offset, include_total=True, **query)

    try:
        found = run(number)
        if number > _last_page(found.total or 0, PREVIEW_PAGE_SIZE):
            number = _last_page(found.total or 0, PREVIEW_PAGE_SIZE)
            found = run(number)
    except datastore.QueryError as error:
        ids = [spec["id"] for spec in fields]
        target = f"f{ids.index(error.field)}" if error.field in ids else "q" if error.field == "q" else None
        form.add_error(target, error.message)
        return {"form": form, "columns": _columns(form, fields), "page_obj": None, "rows": []}
    numeric = [spec.get("type") in NUMERIC_TYPES for spec in fields]
    rows = [
        (record.get("_id"), [(_show(record.get(spec["id"])), numeric[i]) for i, spec in enumerate(fields)])
        for record in found.records
    ]
    return {
        "form": form,
        "columns": _columns(form, fields),
        "page_obj": _page(found.total or 0, rows, number, PREVIEW_PAGE_SIZE),
        "rows": rows,
        "estimated": found.total_was_estimated,
    }


@require_safe
def resource(request: HttpRequest, name: str, resource_id: Any) -> HttpResponse:
    """Xem trước: a table of the tabular store by pages, filtered per column, sorted by a header; else the file."""
    found = _visible_resource(request, name, resource_id)
    context: dict[str, Any] = {
        "dataset": found.dataset,
        "resource": found,
        "version": found.current_version,
        "export_formats": EXPORT_FORMATS,
    }
    if found.datastore_active:
        context.update(_preview(request, found))
    template = "opendata/_preview_table.html" if request.htmx and found.datastore_active else "opendata/resource.html"
    return render(request, template, context)


def _file_response(version: ResourceVersion, fallback_name: str) -> FileResponse:
    """A stored version as an attachment (never rendered inline), under its original name."""
    try:
        handle = version.file.open("rb")
    except (FileNotFoundError, OSError, ValueError):
        raise Http404 from None
    filename = version.original_name or fallback_name
    content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def download(request: HttpRequest, name: str, resource_id: Any) -> HttpResponse:
    """The file of the resource's current version."""

    def serve(found: Resource) -> HttpResponse:
        version = found.current_version
        if version is None:
            raise Http404
        return _file_response(version, f"{found.dataset.name}.{found.format.lower() or 'bin'}")

    return _download(request, name, resource_id, serve)


@require_safe
def version_download(request: HttpRequest, name: str, resource_id: Any, number: int) -> HttpResponse:
    """The file of one earlier (or the current) version of a resource."""

    def serve(found: Resource) -> HttpResponse:
        version = next((version for version in found.versions.all() if version.number == number), None)
        if version is None:
            raise Http404
        return _file_response(version, f"{found.dataset.name}-v{number}.{found.format.lower() or 'bin'}")

    return _download(request, name, resource_id, serve)


@require_safe
def export(request: HttpRequest, name: str, resource_id: Any, fmt: str) -> HttpResponse:
    """The whole table of a resource as CSV (UTF-8 with BOM), JSON or XLSX, streamed."""
    if fmt not in EXPORT_FORMATS:
        raise Http404

    def serve(found: Resource) -> HttpResponse:
        if not found.datastore_active:
            raise Http404
        try:
            content, content_type, filename = datastore.export(found, fmt)
        except (datastore.TableError, datastore.QueryError) as error:
            context = {"dataset": found.dataset, "resource": found, "message": error.message}
            return render(request, "opendata/export_refused.html", context, status=400)
        response = StreamingHttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = content_disposition_header(True, filename)
        response["X-Content-Type-Options"] = "nosniff"
        return response

    return _download(request, name, resource_id, serve)
