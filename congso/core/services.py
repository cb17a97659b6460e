"""Writes owned by core: the audit log (nhật ký truy vết) and the city calendar overrides."""

import json
from datetime import date
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import validate_ipv46_address
from django.db import connection, models, transaction
from django.utils.translation import gettext_lazy as _

from congso.core import calendar
from congso.core.middleware import current_request_context
from congso.core.models import AuditEntry, CalendarOverride, CodeCounter


def actor_label(actor: AbstractBaseUser) -> str:
    """The name kept with a record of what this user did, so it still reads right after the account changes."""
    username = actor.get_username()
    name = getattr(actor, "display_name", "") or username
    label = name if name == username else f"{name} ({username})"
    return label[: AuditEntry._meta.get_field("actor_label").max_length]


def _json_safe(data: dict[str, Any] | None) -> dict[str, Any]:
    """Dates, decimals, UUIDs and lazy strings become plain JSON values."""
    if not data:
        return {}
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder, default=str))


def _valid_ip(value: str | None) -> str | None:
    if not value:
        return None
    try:
        validate_ipv46_address(value)
    except ValidationError:
        return None
    return value


def audit_entry(
    *,
    actor: AbstractBaseUser | None,
    action: str,
    obj: models.Model | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """The entry ``audit_record`` appends, built but not saved (for writers that save entries in bulk)."""
    if actor is not None and not actor.is_authenticated:
        actor = None
    entry = AuditEntry(
        actor=actor,
        actor_label=actor_label(actor) if actor is not None else "",
        action=action,
        data=_json_safe(data),
    )
    if obj is not None:
        entry.object_type = obj._meta.label_lower
        entry.object_id = "" if obj.pk is None else str(obj.pk)[:64]
        entry.object_label = str(obj)[:300]
    context = current_request_context()
    if context is not None:
        entry.ip = _valid_ip(context.ip)
        entry.user_agent = context.user_agent[:300]
    return entry


@transaction.atomic
def audit_record(
    *,
    actor: AbstractBaseUser | None,
    action: str,
    obj: models.Model | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry to the audit log.

    ``actor`` is the user who acted (None or an anonymous user for the system
    or an anonymous visitor); their name is kept as a snapshot so the entry
    still reads correctly after the account changes or is removed. ``action``
    is ``"app.verb"``, e.g. ``"dossiers.submit"``. The IP address and user
    agent come from the request being served, if any.
    """
    entry = audit_entry(actor=actor, action=action, obj=obj, data=data)
    entry.full_clean(exclude=["actor"])  # the actor is an instance in hand: no query to check it
    entry.save()
    return entry


def _ensure_platform_admin(actor: AbstractBaseUser | None) -> None:
    from congso.agencies.permissions import is_platform_admin

    if actor is not None and not is_platform_admin(actor):
        raise PermissionDenied(_("Chỉ quản trị nền tảng mới được điều chỉnh lịch làm việc."))


def _forget_overrides(year: int) -> None:
    calendar.invalidate_overrides(year)
    transaction.on_commit(lambda: calendar.invalidate_overrides(year))


def calendar_override_check(*, date: date, kind: str) -> None:
    """Refuse an override that would change nothing (a day off on a day off, work on a working day)."""
    national_working = calendar.is_working_day_without_override(date)
    day = f"{date:%d/%m/%Y}"
    if kind == CalendarOverride.Kind.DAY_OFF and not national_working:
        raise ValidationError(
            {"kind": ValidationError(_("Ngày {day} vốn đã là ngày nghỉ.").format(day=day), code="already_day_off")}
        )
    if kind == CalendarOverride.Kind.WORKING_DAY and national_working:
        raise ValidationError(
            {
                "kind": ValidationError(
                    _("Ngày {day} vốn đã là ngày làm việc.").format(day=day), code="already_working_day"
                )
            }
        )


@transaction.atomic
def calendar_override_set(*, actor: AbstractBaseUser | None, date: date, kind: str, reason: str) -> CalendarOverride:
    """Make ``date`` a day off or a working day (ngày nghỉ / ngày làm bù) by a city decision.

    Idempotent by date: an existing override of that date is replaced. A day
    off must fall on a day that is otherwise a working day, and a working day on
    a weekend day or a holiday; anything else would change nothing and is
    refused. Platform admins only (``actor=None`` is a system import).
    """
    _ensure_platform_admin(actor)
    override = CalendarOverride.objects.select_for_update().filter(date=date).first()
    previous = None if override is None else {"kind": override.kind, "reason": override.reason}
    if override is None:
        override = CalendarOverride(date=date, created_by=actor)
    override.kind = kind
    override.reason = (reason or "").strip()
    override.full_clean()
    calendar_override_check(date=date, kind=kind)
    override.save()
    _forget_overrides(date.year)
    audit_record(
        actor=actor,
        action="core.calendar_override_set",
        obj=override,
        data={"date": date.isoformat(), "kind": kind, "reason": override.reason, "previous": previous},
    )
    return override


@transaction.atomic
def calendar_override_delete(*, actor: AbstractBaseUser | None, override: CalendarOverride) -> None:
    """Remove a city override; the day goes back to what the national calendar says."""
    _ensure_platform_admin(actor)
    data = {"date": override.date.isoformat(), "kind": override.kind, "reason": override.reason}
    audit_record(actor=actor, action="core.calendar_override_delete", obj=override, data=data)
    year = override.date.year
    override.delete()
    _forget_overrides(year)


def code_next(*, scope: str, day: date) -> int:
    """The next number (1, 2, …) in ``scope`` on ``day``, e.g. the NNNN of a receipt code.

    One atomic upsert (``INSERT … ON CONFLICT DO UPDATE … RETURNING``, on both
    SQLite and PostgreSQL), so concurrent callers never get the same number and
    a number is never reused. The counter row stays locked until the caller's
    transaction ends: call it outside a long transaction (in autocommit it is
    its own) so callers of one scope do not queue behind each other; a caller
    that fails after taking a number leaves a gap.
    """
    table = connection.ops.quote_name(CodeCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (scope, day, value) VALUES (%s, %s, 1) "  # noqa: S608 - table name from our model
            f"ON CONFLICT (scope, day) DO UPDATE SET value = {table}.value + 1 RETURNING value",
            [scope, day],
        )
        return cursor.fetchone()[0]
