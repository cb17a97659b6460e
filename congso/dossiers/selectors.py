"""Reads of dossiers, always scoped to who is asking.

Staff see the dossiers their agencies handle or received (a transfer shows
the dossier to the new agency); city inspectors, operations viewers and
platform admins see all; an applicant sees their own. Anything else is "not
found" (404), never "forbidden", so nobody learns that a dossier exists.
Every staff read of one dossier is written to the audit log.
"""

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from congso.agencies.models import CityRole
from congso.agencies.permissions import AnyUser, agencies_for, has_city_role
from congso.core.cases import SlaStatus
from congso.core.services import audit_record
from congso.core.text import search_terms
from congso.dossiers.models import Dossier, DossierFile
from congso.dossiers.workflow import dossier_workflow

CITY_READERS = (CityRole.Role.INSPECTOR, CityRole.Role.OPERATIONS_VIEWER, CityRole.Role.PLATFORM_ADMIN)
TRACKING_FAILURES_MAX = 10
PK_MAX = 2**63 - 1
TRACKING_LOCK_SECONDS = 15 * 60


def _valid_pk(pk: object) -> bool:
    return isinstance(pk, int) and 0 < pk <= PK_MAX


def _is_staff(user: AnyUser) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and user.kind == user.Kind.STAFF)


def dossiers_visible_to(user: AnyUser) -> QuerySet[Dossier]:
    """The dossiers this user may read (drafts only to their author)."""
    dossiers = Dossier.objects.all()
    if user is None or not user.is_authenticated or not user.is_active:
        return dossiers.none()
    if not _is_staff(user):
        return dossiers.filter(applicant=user)
    if has_city_role(user, *CITY_READERS):
        return dossiers.submitted()
    agencies = agencies_for(user).values("pk")
    return dossiers.submitted().filter(Q(agency_id__in=agencies) | Q(received_by_id__in=agencies))


def can_staff_see(user: AnyUser, dossier: Dossier) -> bool:
    return _is_staff(user) and dossiers_visible_to(user).filter(pk=dossier.pk).exists()


def dossier_for_staff(user: AbstractBaseUser, pk: int) -> Dossier:
    """One dossier for a staff member, or 404; the read is audited."""
    if not _is_staff(user) or not _valid_pk(pk):
        raise Http404
    dossier = (
        dossiers_visible_to(user)
        .select_related("procedure", "agency", "received_by", "applicant", "assignee")
        .filter(pk=pk)
        .first()
    )
    if dossier is None:
        raise Http404
    audit_record(actor=user, action="dossiers.view", obj=dossier)
    return dossier


def dossier_for_applicant(user: AbstractBaseUser, pk: int) -> Dossier:
    """One of the applicant's own dossiers (drafts included), or 404."""
    dossier = (
        Dossier.objects.filter(applicant=user, pk=pk)
        .select_related("procedure", "agency", "received_by", "applicant")
        .first()
        if user.is_authenticated and _valid_pk(pk)
        else None
    )
    if dossier is None:
        raise Http404
    return dossier


def dossiers_of_applicant(user: AbstractBaseUser, *, state: str = "") -> QuerySet[Dossier]:
    """'My dossiers', newest first, drafts last-edited first."""
    dossiers = Dossier.objects.filter(applicant=user).select_related("procedure", "agency")
    if state == "draft":
        dossiers = dossiers.filter(state=Dossier.State.DRAFT)
    elif state == "open":
        dossiers = dossiers.filter(state__in=Dossier.OPEN_STATES)
    elif state == "closed":
        dossiers = dossiers.exclude(state__in=[*Dossier.OPEN_STATES, Dossier.State.DRAFT])
    return dossiers.order_by("-updated_at", "-id")


@dataclass(frozen=True)
class QueueFilter:
    """What a back-office queue is narrowed to; every field optional."""

    agency_id: int | None = None
    state: str = ""
    sla: str = ""
    procedure_id: int | None = None
    channel: str = ""
    assigned_to_me: bool = False
    q: str = ""
    submitted_from: datetime | None = None
    submitted_to: datetime | None = None


QUEUE_STATES = {
    "reception": (Dossier.State.SUBMITTED, Dossier.State.TRANSFERRED),
    "processing": (Dossier.State.PROCESSING,),
    "approval": (Dossier.State.AWAITING_APPROVAL,),
    "waiting": (Dossier.State.SUPPLEMENT_REQUESTED,),
    "release": (Dossier.State.RELEASED,),
    "open": Dossier.OPEN_STATES,
}


def dossier_queue(user: AbstractBaseUser, filters: QueueFilter, *, at: datetime | None = None) -> QuerySet[Dossier]:
    """A staff queue: visible dossiers narrowed by the filters, the most urgent deadline first."""
    dossiers = dossiers_visible_to(user).select_related("procedure", "agency", "assignee")
    if filters.agency_id:
        dossiers = dossiers.filter(Q(agency_id=filters.agency_id) | Q(received_by_id=filters.agency_id))
    if filters.state in QUEUE_STATES:
        dossiers = dossiers.filter(state__in=QUEUE_STATES[filters.state])
    elif filters.state in Dossier.State.values:
        dossiers = dossiers.filter(state=filters.state)
    if filters.sla in SlaStatus.values:
        dossiers = dossiers.filter(dossier_workflow.sla_q(filters.sla, at=at))
    if filters.procedure_id:
        dossiers = dossiers.filter(procedure_id=filters.procedure_id)
    if filters.channel in Dossier.Channel.values:
        dossiers = dossiers.filter(channel=filters.channel)
    if filters.assigned_to_me:
        dossiers = dossiers.filter(assignee=user)
    if filters.submitted_from:
        dossiers = dossiers.filter(submitted_at__gte=filters.submitted_from)
    if filters.submitted_to:
        dossiers = dossiers.filter(submitted_at__lt=filters.submitted_to)
    text = (filters.q or "").strip()
    if text:
        matches = Q(receipt_code__icontains=text.upper()) | Q(applicant_phone__contains=text)
        matches |= Q(applicant_id_number=text)
        terms = search_terms(text)
        if terms:
            # Every word of the name, typed with or without diacritics.
            matches |= Q(*(Q(applicant_search__contains=term) for term in terms))
        dossiers = dossiers.filter(matches)
    return dossiers.order_by("due_at", "submitted_at", "id")


def sla_of(dossier: Dossier, at: datetime | None = None) -> SlaStatus | None:
    """The deadline verdict shown beside a dossier (colour of its queue row)."""
    return dossier_workflow.sla_status(dossier, at=at or timezone.now())


def _tracking_key(code: str) -> str:
    return "dossiers:track-fail:" + hashlib.sha256(code.encode()).hexdigest()


def dossier_track(receipt_code: str, phone_last4: str) -> Dossier | None:
    """Public tracking (tra cứu hồ sơ) by receipt code and the last 4 digits of the phone, no login.

    Returns None on any mismatch, the same way whatever was wrong. After
    ``TRACKING_FAILURES_MAX`` wrong guesses on one code, that code answers
    None for ``TRACKING_LOCK_SECONDS`` so the 4 digits cannot be brute-forced.
    """
    code = (receipt_code or "").strip().upper()[:60]
    digits = (phone_last4 or "").strip()
    if not code or len(digits) != 4 or not digits.isdigit():
        return None
    if (cache.get(_tracking_key(code)) or 0) >= TRACKING_FAILURES_MAX:
        return None
    dossier = Dossier.objects.filter(receipt_code=code).select_related("procedure", "agency", "received_by").first()
    if dossier is not None and hmac.compare_digest(dossier.applicant_phone[-4:], digits):
        return dossier
    try:
        cache.incr(_tracking_key(code))
    except ValueError:
        cache.set(_tracking_key(code), 1, TRACKING_LOCK_SECONDS)
    return None


def dossier_by_result_token(token: str) -> Dossier | None:
    """The dossier whose result carries this verification token (public QR link), if it was issued."""
    token = (token or "").strip()
    if not token or len(token) > 40:
        return None
    return (
        Dossier.objects.filter(result_token=token, state__in=(Dossier.State.RELEASED, Dossier.State.RETURNED))
        .select_related("procedure", "agency")
        .first()
    )


def file_for(user: AnyUser, pk: int) -> DossierFile:
    """A dossier file for download: the applicant's own dossier or a visible one for staff; 404 otherwise.

    Staff downloads are audited.
    """
    if not _valid_pk(pk):
        raise Http404
    dossier_file = DossierFile.objects.select_related("dossier").filter(pk=pk).first()
    if dossier_file is None or user is None or not user.is_authenticated:
        raise Http404
    dossier = dossier_file.dossier
    if dossier.applicant_id == user.pk and not _is_staff(user):
        # The result is handed over through services.result_file, which records the return.
        if dossier_file.kind == DossierFile.Kind.RESULT and dossier.state != Dossier.State.RETURNED:
            raise Http404
        return dossier_file
    if _is_staff(user) and dossiers_visible_to(user).filter(pk=dossier.pk).exists():
        audit_record(actor=user, action="dossiers.file_download", obj=dossier, data={"file": dossier_file.pk})
        return dossier_file
    raise Http404
