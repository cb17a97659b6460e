"""Reads of the open-data catalog (danh mục dữ liệu mở): who sees which dataset, and faceted search.

Visibility is decided in one place, ``datasets_visible_to``; every other read (the CKAN API,
the portal, DCAT) starts from it, so a shared dataset (dữ liệu dùng chung) never leaks
through a side door.
"""

import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Count, F, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Lower, Replace
from django.utils.translation import gettext_lazy as _

from congso.agencies.models import Agency, Membership
from congso.agencies.permissions import AnyUser, agencies_for, has_agency_role, is_platform_admin
from congso.core.text import search_terms
from congso.opendata.models import AccessGrant, ApiKey, Dataset, Licence, Resource, ResourceVersion, Theme

FACET_KEYS = ("organization", "theme", "res_format", "license_id", "tags")

# CKAN sort field → model field. "score" (relevance) has no score to sort by here: it is the newest first.
_SORT_FIELDS = {
    "title_string": "title",
    "metadata_modified": "modified_at",
    "name": "name",
    "score": "modified_at",
}


# --- permissions --------------------------------------------------------------------------------


def can_publish(user: AnyUser, agency: Agency | int | None) -> bool:
    """May manage the agency's datasets, resources, grants and API keys: its admin (quản trị cơ quan)
    or a platform admin."""
    return has_agency_role(user, agency, Membership.Role.AGENCY_ADMIN)


def publishable_agencies(user: AnyUser) -> QuerySet[Agency]:
    """Agencies the user may publish for (all of them for a platform admin), by name."""
    return agencies_for(user, Membership.Role.AGENCY_ADMIN).order_by("name")


# --- organisations ------------------------------------------------------------------------------


def organization_name(agency: Agency) -> str:
    """The CKAN organisation name of an agency: its code lower-cased with "." → "-" (codes survive renames).

    >>> organization_name(Agency(code="000.00.00.H29"))
    '000-00-00-h29'
    """
    return agency.code.lower().replace(".", "-")


def _with_organization_name(agencies: QuerySet[Agency]) -> QuerySet[Agency]:
    return agencies.annotate(org_name=Lower(Replace(F("code"), Value("."), Value("-"))))


def organization_by_name(name: str) -> Agency | None:
    """The agency whose ``organization_name`` is ``name``, or None."""
    if not name or "\x00" in name or len(name) > Agency._meta.get_field("code").max_length:
        return None
    return _with_organization_name(Agency.objects.all()).filter(org_name=name.lower()).first()


# --- visibility ---------------------------------------------------------------------------------


def _shared_for(agencies: QuerySet[Agency], prefix: str) -> Q:
    """Published shared datasets owned by or granted to one of these agencies."""
    granted = AccessGrant.objects.filter(agency__in=agencies).values("dataset_id")
    return Q(**{f"{prefix}state": Dataset.State.PUBLISHED, f"{prefix}visibility": Dataset.Visibility.SHARED}) & (
        Q(**{f"{prefix}organization__in": agencies}) | Q(**{f"{prefix}pk__in": granted})
    )


def _visible(*, user: AnyUser, key: ApiKey | None, prefix: str = "") -> Q | None:
    """The condition ``datasets_visible_to`` applies, on the dataset reached through ``prefix``
    (``"dataset__"`` from a resource); ``None`` when everything is visible."""
    if is_platform_admin(user):
        return None
    visible = Q(**{f"{prefix}state": Dataset.State.PUBLISHED, f"{prefix}visibility": Dataset.Visibility.OPEN})
    if key is not None and key.is_usable():
        visible |= _shared_for(Agency.objects.filter(pk=key.agency_id), prefix)
    if user is not None and user.is_authenticated and getattr(user, "is_staff_member", False):
        visible |= _shared_for(agencies_for(user), prefix)
        visible |= Q(**{f"{prefix}organization__in": agencies_for(user, Membership.Role.AGENCY_ADMIN)})
    return visible


def datasets_visible_to(*, user: AnyUser = None, key: ApiKey | None = None) -> QuerySet[Dataset]:
    """The datasets a visitor, an API key and/or a staff member may see.

    - everyone: published open datasets;
    - a usable key (not revoked, not expired): also the published shared datasets its agency
      owns or was granted;
    - a staff member: also the published shared datasets owned by or granted to an agency where
      they hold any role, and every dataset (drafts and withdrawn ones included) of the agencies
      they ``can_publish`` for; a platform admin sees everything.
    """
    visible = _visible(user=user, key=key)
    return Dataset.objects.all() if visible is None else Dataset.objects.filter(visible)


def _with_details(datasets: QuerySet[Dataset]) -> QuerySet[Dataset]:
    """Organisation, resources (in order) and their versions loaded with the datasets: no N+1."""
    return datasets.select_related("organization", "spatial").prefetch_related(
        Prefetch(
            "resources",
            queryset=Resource.objects.order_by("position", "created_at").prefetch_related(
                Prefetch("versions", queryset=ResourceVersion.objects.order_by("-number"))
            ),
        )
    )


def _as_uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except (ValueError, TypeError, AttributeError):
        return None


def dataset_for(*, name_or_id: str, user: AnyUser = None, key: ApiKey | None = None) -> Dataset | None:
    """The dataset with this name or id (UUID) among those ``datasets_visible_to`` the caller, or None.

    Resources and versions come prefetched.
    """
    if not isinstance(name_or_id, str) or not name_or_id or "\x00" in name_or_id or len(name_or_id) > 100:
        return None
    pk = _as_uuid(name_or_id)
    match = Q(name=name_or_id) if pk is None else Q(pk=pk) | Q(name=name_or_id)
    return _with_details(datasets_visible_to(user=user, key=key).filter(match)).first()


# Anonymous table reads (``datastore_search`` on open data, the hot path) reuse the resource found in the last
# few seconds in this process; this process's writes drop it at once (``forget_open_resources``), other
# processes' within _OPEN_RESOURCE_TTL seconds. A table swapped meanwhile is re-read by the datastore itself.
_OPEN_RESOURCE_TTL = 5.0
_open_resources: dict[uuid.UUID, tuple[float, Resource]] = {}


def forget_open_resources() -> None:
    """Drop the resources kept for anonymous table reads (after any change to a dataset or a resource)."""
    _open_resources.clear()


def resource_for(
    *, resource_id: str, user: AnyUser = None, key: ApiKey | None = None, details: bool = True
) -> Resource | None:
    """The resource with this id (UUID) whose dataset the caller may see, or None.

    The dataset comes loaded; with ``details`` also its organisation and the resource's versions
    (a table read, which runs on every ``datastore_search``, needs neither; for an anonymous caller the
    result may be shared with other requests of this process: read it, never change it).
    """
    pk = _as_uuid(resource_id) if isinstance(resource_id, str) else None
    if pk is None:
        return None
    shareable = user is None and key is None and not details
    if shareable:
        cached = _open_resources.get(pk)
        if cached is not None and time.monotonic() - cached[0] < _OPEN_RESOURCE_TTL:
            return cached[1]
    # One join, no ordering.
    resources = Resource.objects.filter(pk=pk).order_by()
    visible = _visible(user=user, key=key, prefix="dataset__")
    if visible is not None:
        resources = resources.filter(visible)
    if details:
        resources = resources.select_related("dataset__organization").prefetch_related(
            Prefetch("versions", queryset=ResourceVersion.objects.order_by("-number"))
        )
    else:
        resources = resources.select_related("dataset")
    found = list(resources[:1])
    if shareable and found:
        _open_resources[pk] = (time.monotonic(), found[0])
    return found[0] if found else None


# --- search -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Facet:
    """One value of a facet with the number of matching datasets; ``label`` is for people."""

    value: str
    label: str
    count: int


@dataclass(frozen=True)
class DatasetSearch:
    count: int
    results: list[Dataset]
    facets: dict[str, list[Facet]] = field(default_factory=dict)


def _ordering(sort: str) -> list[str]:
    """Model ordering for a CKAN sort string ("title_string asc, name desc"); ValidationError if unknown."""
    ordering: list[str] = []
    for clause in (sort or "").split(","):
        words = clause.split()
        if not words:
            continue
        name, direction = words[0], (words[1].lower() if len(words) > 1 else "asc")
        if name not in _SORT_FIELDS or direction not in ("asc", "desc") or len(words) > 2:
            message = _(
                "Không sắp xếp được theo “{sort}”: dùng title_string, metadata_modified hoặc name, kèm asc hoặc desc."
            )
            raise ValidationError(message.format(sort=clause.strip()[:100]), code="sort")
        descending = direction == "desc" or name == "score"
        ordering.append(("-" if descending else "") + _SORT_FIELDS[name])
    ordering = ordering or ["-modified_at"]
    return [*dict.fromkeys(ordering), "name"]  # name last: a stable order for paging


def _tagged(datasets: QuerySet[Dataset], tags: list[str]) -> QuerySet[Dataset]:
    """Datasets with one of these keywords.

    Keywords are a JSON list; SQLite has no JSON containment lookup, so this matches in Python
    over the (small: hundreds of rows) catalog rather than keeping two code paths.
    """
    wanted = set(tags)
    ids = [pk for pk, keywords in datasets.values_list("pk", "keywords") if wanted.intersection(keywords or [])]
    return datasets.filter(pk__in=ids)


def _filtered(datasets: QuerySet[Dataset], filters: dict[str, list[str]]) -> QuerySet[Dataset]:
    for key, values in filters.items():
        if key not in FACET_KEYS:
            message = _("Không lọc được theo “{key}”: chỉ lọc theo {keys}.")
            raise ValidationError(message.format(key=str(key)[:50], keys=", ".join(FACET_KEYS)), code="filter")
        # PostgreSQL refuses NUL in text parameters: drop it rather than fail.
        values = [
            str(value).replace("\x00", "") for value in (values if isinstance(values, list | tuple) else [values])
        ]
        if not values:
            continue
        if key == "organization":
            agencies = _with_organization_name(Agency.objects.all()).filter(org_name__in=[v.lower() for v in values])
            datasets = datasets.filter(organization__in=agencies)
        elif key == "theme":
            datasets = datasets.filter(theme__in=values)
        elif key == "license_id":
            datasets = datasets.filter(licence__in=values)
        elif key == "res_format":
            formats = Resource.objects.filter(format__in=[v.upper() for v in values]).values("dataset_id")
            datasets = datasets.filter(pk__in=formats)
        else:
            datasets = _tagged(datasets, values)
    return datasets


def _sorted_facets(counts: dict[str, int], labels: dict[str, str]) -> list[Facet]:
    facets = [Facet(value=value, label=labels.get(value, value), count=count) for value, count in counts.items()]
    return sorted(facets, key=lambda facet: (-facet.count, facet.label.lower(), facet.value))


def _facets(datasets: QuerySet[Dataset]) -> dict[str, list[Facet]]:
    """Counts of the matching datasets by organisation, theme, resource format, licence and keyword."""
    ids = datasets.values("pk")
    by_org = (
        _with_organization_name(Agency.objects.filter(datasets__in=ids))
        .values("org_name", "name")
        .annotate(n=Count("datasets", distinct=True))
    )
    by_theme = datasets.order_by().values("theme").annotate(n=Count("pk"))
    by_licence = datasets.order_by().values("licence").annotate(n=Count("pk"))
    by_format = (
        Resource.objects.filter(dataset__in=ids)
        .exclude(format="")
        .order_by()
        .values("format")
        .annotate(n=Count("dataset", distinct=True))
    )
    tags: Counter[str] = Counter()
    for keywords in datasets.values_list("keywords", flat=True):
        tags.update(set(keywords or []))
    return {
        "organization": _sorted_facets(
            {row["org_name"]: row["n"] for row in by_org}, {row["org_name"]: row["name"] for row in by_org}
        ),
        "theme": _sorted_facets(
            {row["theme"]: row["n"] for row in by_theme}, {value: str(label) for value, label in Theme.choices}
        ),
        "res_format": _sorted_facets({row["format"]: row["n"] for row in by_format}, {}),
        "license_id": _sorted_facets(
            {row["licence"]: row["n"] for row in by_licence}, {value: str(label) for value, label in Licence.choices}
        ),
        "tags": _sorted_facets(dict(tags), {}),
    }


def dataset_search(
    *,
    datasets: QuerySet[Dataset],
    q: str = "",
    filters: dict[str, list[str]] | None = None,
    sort: str = "",
    offset: int = 0,
    limit: int = 20,
) -> DatasetSearch:
    """Search ``datasets`` (start from ``datasets_visible_to``) the way CKAN's package_search does.

    ``q``: every word must occur, diacritics and case ignored, in the dataset's title, English
    title, description, keywords or organisation name/code. ``filters``: ``{key: [values]}`` with
    keys ``organization`` (CKAN organisation name), ``theme``, ``res_format``, ``license_id`` and
    ``tags``; values of one key are OR-ed, keys AND-ed. ``sort``: "" (newest first),
    ``title_string``, ``metadata_modified`` or ``name`` with ``asc``/``desc``, comma-separated.
    Facets count the datasets matching q and filters (as CKAN's do). A bad key, sort, offset or
    limit raises ValidationError.
    """
    if offset < 0 or limit < 0:
        raise ValidationError(_("Vị trí bắt đầu và số kết quả không được âm."), code="paging")
    ordering = _ordering(sort)
    for term in search_terms(q or ""):
        datasets = datasets.filter(Q(search_text__contains=term) | Q(organization__search_text__contains=term))
    datasets = _filtered(datasets, filters or {})
    count = datasets.count()
    results = list(_with_details(datasets.order_by(*ordering))[offset : offset + limit]) if limit else []
    return DatasetSearch(count=count, results=results, facets=_facets(datasets))
