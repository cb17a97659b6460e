"""Reads of the procedure catalog: public search and detail, and what a staff member may manage."""

import time
from datetime import datetime

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from congso.agencies.models import Agency, Membership
from congso.agencies.permissions import agencies_for, can_manage_agency, is_platform_admin
from congso.core.text import search_terms
from congso.procedures.models import Field, Procedure

_AgencyLink = Procedure.agencies.through


def procedure_search(
    *,
    query: str = "",
    field: str | None = None,
    agency: str | None = None,
    level: str | None = None,
    online_level: str | None = None,
) -> QuerySet[Procedure]:
    """Published procedures whose code, name, field or agency names contain every word of ``query``.

    Matching ignores case and diacritics ("dang ky khai sinh" finds "Đăng ký
    khai sinh"). ``field`` and ``agency`` are codes; ``level`` and
    ``online_level`` are choice values. Ordered by name (diacritics folded, so "Đ" sorts with "D").
    """
    procedures = Procedure.objects.filter(is_published=True)
    for term in search_terms(query or ""):
        by_agency = _AgencyLink.objects.filter(agency__search_text__contains=term).values("procedure_id")
        procedures = procedures.filter(Q(name_search__contains=term) | Q(pk__in=by_agency))
    if field:
        procedures = procedures.filter(field__code=field)
    if agency:
        procedures = procedures.filter(pk__in=_AgencyLink.objects.filter(agency__code=agency).values("procedure_id"))
    if level:
        procedures = procedures.filter(level=level)
    if online_level:
        procedures = procedures.filter(online_level=online_level)
    return procedures.select_related("field").order_by("name_sort", "code")


def _with_details(procedures: QuerySet[Procedure]) -> QuerySet[Procedure]:
    return procedures.select_related("field").prefetch_related(
        "documents", "steps", Prefetch("agencies", queryset=Agency.objects.order_by("name"))
    )


def procedure_get(code: str) -> Procedure:
    """The published procedure with this code, with documents, steps and agencies loaded; ``Http404`` if none."""
    procedure = _with_details(Procedure.objects.filter(is_published=True, code=code)).first()
    if procedure is None:
        raise Http404(code)
    return procedure


# Submissions read the same few procedures all day: each process keeps the loaded procedure (with its documents
# and agencies) and checks one cheap row per call, so a change of the procedure itself is seen at once and a change
# elsewhere (an agency closed) within _APPLICATION_TTL seconds. Callers must not modify what they get.
_APPLICATION_TTL = 60.0
_application_cache: dict[str, tuple[tuple[int, datetime], float, Procedure]] = {}


def procedure_for_application(code: str) -> Procedure:
    """The published procedure with just what an application needs (documents, agencies); ``Http404`` if none.

    The result may be shared with other requests of this process: read it, never change it.
    """
    version = Procedure.objects.filter(is_published=True, code=code).values_list("pk", "updated_at").first()
    if version is None:
        raise Http404(code)
    cached = _application_cache.get(code)
    now = time.monotonic()
    if cached is not None and cached[0] == version and now - cached[1] < _APPLICATION_TTL:
        return cached[2]
    procedure = Procedure.objects.filter(pk=version[0]).prefetch_related("documents", "agencies").first()
    if procedure is None:
        raise Http404(code)
    _application_cache[code] = (version, now, procedure)
    return procedure


def field_list() -> QuerySet[Field]:
    """Fields (lĩnh vực) with at least one published procedure, each with ``procedure_count``."""
    return (
        Field.objects.annotate(procedure_count=Count("procedures", filter=Q(procedures__is_published=True)))
        .filter(procedure_count__gt=0)
        .order_by("name")
    )


def agency_list_with_procedures() -> QuerySet[Agency]:
    """Agencies that carry out at least one published procedure, by name (for the search filter)."""
    links = _AgencyLink.objects.filter(procedure__is_published=True).values("agency_id")
    return Agency.objects.filter(pk__in=links).order_by("name")


def procedure_can_manage(user, procedure: Procedure) -> bool:
    """An agency admin of one of the procedure's agencies, or a platform admin."""
    if is_platform_admin(user):
        return True
    agency_ids = _AgencyLink.objects.filter(procedure=procedure).values_list("agency_id", flat=True)
    return any(can_manage_agency(user, agency_id) for agency_id in agency_ids)


def procedures_manageable_by(user, *, query: str = "") -> QuerySet[Procedure]:
    """Procedures (published or not) the user may edit, optionally filtered like ``procedure_search``."""
    procedures = Procedure.objects.all()
    if not is_platform_admin(user):
        agencies = agencies_for(user, Membership.Role.AGENCY_ADMIN)
        procedures = procedures.filter(pk__in=_AgencyLink.objects.filter(agency__in=agencies).values("procedure_id"))
    for term in search_terms(query or ""):
        by_agency = _AgencyLink.objects.filter(agency__search_text__contains=term).values("procedure_id")
        procedures = procedures.filter(Q(name_search__contains=term) | Q(pk__in=by_agency))
    return procedures.select_related("field").order_by("name_sort", "code")


def procedure_get_manageable(user, code: str) -> Procedure:
    """A procedure the user may edit; ``Http404`` otherwise, so others cannot tell it exists."""
    procedure = _with_details(procedures_manageable_by(user).filter(code=code)).first()
    if procedure is None:
        raise Http404(code)
    return procedure


def procedure_get_visible(user, code: str) -> Procedure:
    """A published procedure, or one the user may manage; ``Http404`` otherwise."""
    visible = Procedure.objects.filter(Q(is_published=True) | Q(pk__in=procedures_manageable_by(user).values("pk")))
    procedure = _with_details(visible.filter(code=code)).first()
    if procedure is None:
        raise Http404(code)
    return procedure
