"""The actions of the API, each a function of a ``Call`` returning the ``result`` of the envelope.

Who sees what: the API's only credential is the API key (a browser session is ignored, so that
this CSRF-exempt endpoint carries no ambient authority). Listings (package_list,
organization_list, organization_show) cover open datasets, as CKAN's public listings do;
package_search adds the shared datasets the key may see when asked ``include_private=true`` (as
CKAN does for private datasets); the show actions (package_show, resource_show, datastore_search,
datastore_info) answer for any dataset the key may see. A shared dataset the caller may not see is
"not found", exactly as one that does not exist.
"""

import inspect
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext

from congso.agencies.models import Agency
from congso.core.text import fold
from congso.opendata import datastore
from congso.opendata.ckan import dictize, fq, params
from congso.opendata.ckan.errors import Invalid, NotFound
from congso.opendata.datastore.types import MAX_COLUMNS, MAX_LIMIT, FieldSpec, QueryError
from congso.opendata.models import ApiKey, Dataset, Resource
from congso.opendata.selectors import (
    FACET_KEYS,
    Facet,
    dataset_for,
    dataset_search,
    datasets_visible_to,
    organization_by_name,
    organization_name,
    resource_for,
)

ROWS_DEFAULT, ROWS_MAX = 10, 1000
FACET_LIMIT_DEFAULT = 50
DEFAULT_SORT = "score desc, metadata_modified desc"
DATASTORE_LIMIT_DEFAULT = 100
ORGANIZATIONS_MAX = 1000
# facet.field names → the selector's facet keys; "groups" is CKAN's name for the themes.
FACET_FIELDS = {"organization": "organization", "groups": "theme", **{key: key for key in FACET_KEYS}}


@dataclass
class Call:
    """One call of an action: the request (for absolute URLs), the caller's key and the parameters.

    An action sets ``dataset`` to the dataset it answered about, for the key's usage log.
    """

    request: HttpRequest
    key: ApiKey | None
    data: dict[str, Any]
    dataset: Dataset | None = None


Action = Callable[[Call], Any]
ACTIONS: dict[str, Action] = {}


def action(function: Action) -> Action:
    ACTIONS[function.__name__] = function
    return function


def _open_datasets() -> QuerySet[Dataset]:
    return datasets_visible_to().filter(visibility=Dataset.Visibility.OPEN)


def _selector_error(error: ValidationError, names: dict[str, str]) -> Invalid:
    """The selectors' ValidationError (codes filter, sort, paging) under the parameter it came from."""
    return Invalid({names.get(error.code or "", "q"): [str(message) for message in error.messages]})


@action
def package_list(call: Call) -> list[str]:
    """Names of the open published datasets, by name. Parameters: limit, offset."""
    limit = params.integer(call.data, "limit", default=None)
    offset = params.integer(call.data, "offset", default=0)
    names = _open_datasets().order_by("name").values_list("name", flat=True)
    return list(names[offset : offset + limit] if limit is not None else names[offset:])


@action
def package_show(call: Call) -> dict[str, Any]:
    """One dataset by id or name, with its resources. Parameter: id."""
    name_or_id = params.text(call.data, "id", required=True)
    dataset = dataset_for(name_or_id=name_or_id, key=call.key)
    if dataset is None:
        raise NotFound(gettext("không có bộ dữ liệu “{id}”, hoặc bạn không có quyền xem.").format(id=name_or_id[:100]))
    call.dataset = dataset
    return dictize.package_dict(call.request, dataset)


def _facet_items(field: str, facets: list[Facet], limit: int) -> list[Facet]:
    shown = facets if limit < 0 else facets[:limit]
    if field == "groups":
        return [Facet(value=facet.value.lower(), label=facet.label, count=facet.count) for facet in shown]
    return shown


@action
def package_search(call: Call) -> dict[str, Any]:
    """Search datasets. Parameters: q, fq, fq_list, rows, start, sort, facet, facet.field, facet.limit,
    include_private."""
    data = call.data
    q = params.text(data, "q", max_length=fq.MAX_LENGTH)
    queries = [params.text(data, "fq", max_length=fq.MAX_LENGTH), *params.string_list(data, "fq_list")]
    rows = params.integer(data, "rows", default=ROWS_DEFAULT, clamp=ROWS_MAX)
    start = params.integer(data, "start", default=0)
    sort = params.text(data, "sort", max_length=200).strip()
    facet_fields = params.string_list(data, "facet.field")
    facet_limit = params.integer(data, "facet.limit", default=FACET_LIMIT_DEFAULT, minimum=None)
    with_facets = params.boolean(data, "facet", default=True)
    include_private = params.boolean(data, "include_private", default=False)
    unknown = [name for name in facet_fields if name not in FACET_FIELDS]
    if unknown:
        message = gettext("Không có trường “{field}” để đếm: chỉ có {fields}.")
        raise Invalid.on("facet.field", message.format(field=unknown[0][:50], fields=", ".join(FACET_FIELDS)))

    filters = fq.parse_filters([query for query in queries if query])
    text = fq.split_query(q, filters)
    datasets = datasets_visible_to(key=call.key)
    if not include_private:
        datasets = datasets.filter(visibility=Dataset.Visibility.OPEN)
    try:
        found = dataset_search(
            datasets=datasets,
            q=text,
            filters=filters,
            sort="" if sort == "rank" else sort,
            offset=start,
            limit=rows,
        )
    except ValidationError as error:
        raise _selector_error(error, {"filter": "fq", "sort": "sort", "paging": "start"}) from error

    facets: dict[str, dict[str, int]] = {}
    search_facets: dict[str, dict[str, Any]] = {}
    for field in facet_fields if with_facets else []:
        items = _facet_items(field, found.facets.get(FACET_FIELDS[field], []), facet_limit)
        facets[field] = {item.value: item.count for item in items}
        search_facets[field] = {
            "title": field,
            "items": [{"name": item.value, "display_name": item.label, "count": item.count} for item in items],
        }
    return {
        "count": found.count,
        "sort": sort or DEFAULT_SORT,
        "results": [dictize.package_dict(call.request, dataset) for dataset in found.results],
        "facets": facets,
        "search_facets": search_facets,
    }


def _organization_sort_key(sort: str) -> tuple[Callable[[dict[str, Any]], Any], bool]:
    words = sort.split()
    name, direction = (words[0], words[1].lower() if len(words) > 1 else "asc") if words else ("title", "asc")
    keys: dict[str, Callable[[dict[str, Any]], Any]] = {
        "name": lambda org: org["name"],
        "title": lambda org: (fold(org["title"]), org["name"]),
        "package_count": lambda org: (org["package_count"], org["name"]),
    }
    if name not in keys or direction not in ("asc", "desc") or len(words) > 2:
        message = gettext("Không sắp xếp được theo “{sort}”: dùng name, title hoặc package_count, kèm asc hoặc desc.")
        raise Invalid.on("sort", message.format(sort=sort[:100]))
    return keys[name], direction == "desc"


@action
def organization_list(call: Call) -> list[Any]:
    """The organisations (agencies) that publish open datasets: names, or dicts with ``all_fields``.
    Parameters: all_fields, sort (name, title or package_count, asc or desc; default "title asc"),
    limit, offset, organizations (only these names)."""
    data = call.data
    all_fields = params.boolean(data, "all_fields", default=False)
    sort_key, descending = _organization_sort_key(params.text(data, "sort", max_length=100).strip())
    limit = params.integer(data, "limit", default=ORGANIZATIONS_MAX, clamp=ORGANIZATIONS_MAX)
    offset = params.integer(data, "offset", default=0)
    wanted = set(params.string_list(data, "organizations", comma_separated=True, max_items=ORGANIZATIONS_MAX))

    counts = dict(
        _open_datasets().order_by().values("organization").annotate(n=Count("pk")).values_list("organization", "n")
    )
    organizations = [
        dictize.organization_dict(agency, package_count=counts[agency.pk])
        for agency in Agency.objects.filter(pk__in=counts)
        if not wanted or organization_name(agency) in wanted
    ]
    organizations.sort(key=sort_key, reverse=descending)
    page = organizations[offset : offset + limit]
    return page if all_fields else [organization["name"] for organization in page]


@action
def organization_show(call: Call) -> dict[str, Any]:
    """One organisation by name (or agency code), with its number of open datasets.
    Parameters: id, include_datasets (its open datasets, at most 1000)."""
    name = params.text(call.data, "id", required=True)
    include_datasets = params.boolean(call.data, "include_datasets", default=False)
    agency = organization_by_name(name.replace(".", "-"))
    if agency is None:
        raise NotFound(gettext("không có tổ chức “{id}”.").format(id=name[:100]))
    datasets = _open_datasets().filter(organization=agency)
    found = dictize.organization_dict(agency, package_count=datasets.count())
    if include_datasets:
        listed = dataset_search(datasets=datasets, sort="name asc", limit=ORGANIZATIONS_MAX).results
        found["packages"] = [dictize.package_dict(call.request, dataset) for dataset in listed]
    return found


def _resource(call: Call, name: str, *, lean: bool = False) -> Resource:
    """The resource named by parameter ``name`` if the caller may see it (``resource_for``), else NotFound.

    ``lean`` (the datastore actions): loaded with its dataset only; ``resource_show`` also needs the
    organisation and the versions, which were a third of a ``datastore_search``'s time in Python.
    """
    resource_id = params.text(call.data, name, required=True)
    resource = resource_for(resource_id=resource_id, key=call.key, details=not lean)
    if resource is None:
        raise NotFound(gettext("không có tài nguyên “{id}”, hoặc bạn không có quyền xem.").format(id=resource_id[:100]))
    call.dataset = resource.dataset
    return resource


def _table(call: Call) -> Resource:
    # CKAN takes ``resource_id``; ``id`` too for datastore_info.
    name = "id" if "resource_id" not in call.data and "id" in call.data else "resource_id"
    resource = _resource(call, name, lean=True)
    if not resource.datastore_active:
        message = gettext("tài nguyên “{id}” không có bảng dữ liệu tra cứu (datastore).")
        raise NotFound(message.format(id=resource.id))
    return resource


@action
def resource_show(call: Call) -> dict[str, Any]:
    """One resource by id. Parameter: id."""
    resource = _resource(call, "id")
    return dictize.resource_dict(call.request, resource, resource.dataset)


def _field_out(spec: FieldSpec) -> dict[str, Any]:
    out: dict[str, Any] = {"id": spec["id"], "type": spec["type"]}
    if spec["id"] != "_id":
        out["info"] = {"label": spec.get("label") or spec["id"]}
    return out


def _checked_names(resource: Resource, fields: list[str], filters: dict[str, Any], q: str | dict[str, Any]) -> None:
    """Refuse unknown field ids in ``fields``, ``filters`` and a per-field ``q``, and values that are not plain."""
    known = {"_id", *(spec["id"] for spec in resource.fields)}
    named = (("fields", fields), ("filters", list(filters)), ("q", list(q) if isinstance(q, dict) else []))
    for parameter, given in named:
        unknown = [field for field in given if field not in known]
        if unknown:
            raise Invalid.on(parameter, gettext("Bảng không có cột “{field}”.").format(field=str(unknown[0])[:100]))
    for field, value in filters.items():
        values = value if isinstance(value, list) else [value]
        if not values or not all(item is None or isinstance(item, str | int | float | bool) for item in values):
            message = gettext(
                "Giá trị lọc của cột “{field}” phải là chuỗi, số, true/false, null hoặc một danh sách các giá trị đó."
            )
            raise Invalid.on("filters", message.format(field=field[:100]))


def _query_error(error: QueryError, filters: dict[str, Any], q: str | dict[str, Any]) -> Invalid:
    """The store's QueryError under the parameter it is about (its ``field`` may be a column id)."""
    if error.field in {"q", "filters", "fields", "sort", "limit", "offset"}:
        parameter = error.field
    elif error.field in filters:  # a value the column's type refuses
        parameter = "filters"
    elif isinstance(q, dict) and error.field in q:
        parameter = "q"
    else:  # field ids of fields, filters and q were checked first: an unknown column is in sort
        parameter = "sort"
    return Invalid.on(parameter, error.message)


def _links(call: Call, resource: Resource, given: dict[str, Any], offset: int, limit: int) -> dict[str, str]:
    """CKAN's ``_links``: the first page and the next one, as paths with the same parameters."""
    path = reverse("opendata_ckan:action", args=["datastore_search"])
    query = {"resource_id": str(resource.id), **{name: value for name, value in given.items() if value}}
    start = f"{path}?{urlencode(query)}"
    return {"start": start, "next": f"{path}?{urlencode({**query, 'offset': offset + limit})}"}


@action
def datastore_search(call: Call) -> dict[str, Any]:
    """Rows of a table. Parameters: resource_id, q, filters, fields, sort, limit (≤ 32000), offset,
    include_total, records_format (objects only)."""
    data = call.data
    resource = _table(call)
    q: str | dict[str, Any] = data["q"] if isinstance(data.get("q"), dict) else params.text(data, "q")
    filters = params.json_object(data, "filters")
    fields = params.string_list(data, "fields", comma_separated=True, max_items=MAX_COLUMNS + 1)
    sort = params.text(data, "sort", max_length=2000)
    limit = params.integer(data, "limit", default=DATASTORE_LIMIT_DEFAULT, clamp=MAX_LIMIT)
    offset = params.integer(data, "offset", default=0)
    include_total = params.boolean(data, "include_total", default=True)
    if params.text(data, "records_format", default="objects") != "objects":
        raise Invalid.on("records_format", gettext("Chỉ hỗ trợ records_format=objects."))
    _checked_names(resource, fields, filters, q)
    try:
        page = datastore.search(
            resource,
            q=q,
            filters=filters or None,
            fields=fields or None,
            sort=sort,
            limit=limit,
            offset=offset,
            include_total=include_total,
        )
    except QueryError as error:
        raise _query_error(error, filters, q) from error
    given = {
        "q": json.dumps(q, ensure_ascii=False) if isinstance(q, dict) else q,
        "filters": json.dumps(filters, ensure_ascii=False) if filters else "",
        "fields": ",".join(fields),
        "sort": sort,
        "limit": limit,
    }
    result: dict[str, Any] = {
        "resource_id": str(resource.id),
        "fields": [_field_out(spec) for spec in page.fields],
        "records": page.records,
        "records_format": "objects",
        "limit": limit,
        "offset": offset,
        "include_total": include_total,
        "_links": _links(call, resource, given, offset, limit),
    }
    if filters:
        result["filters"] = filters
    if q:
        result["q"] = q
    if sort:
        result["sort"] = sort
    if page.total is not None:
        result["total"] = page.total
        result["total_was_estimated"] = page.total_was_estimated
    return result


@action
def datastore_info(call: Call) -> dict[str, Any]:
    """Columns and row count of a table. Parameter: resource_id (or id).

    The result has CKAN 2.10's ``meta`` and ``fields`` and, for older clients, ``schema``
    (``{field id: type}``)."""
    resource = _table(call)
    info = datastore.info(resource)
    return {
        "meta": {"id": str(resource.id), "count": info["row_count"], "table_type": "BASE TABLE", "aliases": []},
        "fields": [_field_out(spec) for spec in info["fields"]],
        "schema": {spec["id"]: spec["type"] for spec in info["fields"]},
    }


@action
def help_show(call: Call) -> str:
    """What an action does and takes. Parameter: name."""
    name = params.text(call.data, "name", required=True)
    if name not in ACTIONS:
        raise NotFound(gettext("không có thao tác “{name}”.").format(name=name[:100]))
    return inspect.getdoc(ACTIONS[name]) or ""
