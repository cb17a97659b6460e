"""Writes of the open-data catalog: datasets (bộ dữ liệu), resources (tài nguyên) and their
versions (phiên bản), access grants (cấp quyền khai thác) and API keys (khóa khai thác).

``actor`` is the user acting; ``actor=None`` means the system (the publisher registry run
by a task or a management command), never a request, and skips the permission checks.
A publisher is an agency's admin (quản trị cơ quan) or a platform admin (``can_publish``).
"""

import hashlib
import re
import uuid
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from congso.agencies.models import Agency
from congso.core.keys import key_hash, new_key
from congso.core.services import audit_record
from congso.core.text import fold
from congso.core.uploads import MB, clean_filename, storage_name
from congso.geo.models import AdministrativeUnit
from congso.opendata.models import AccessGrant, ApiKey, Dataset, Frequency, Licence, Resource, ResourceVersion
from congso.opendata.selectors import can_publish, forget_open_resources

# Fields of a dataset that dataset_create takes and dataset_update may change.
DATASET_FIELDS = (
    "organization",
    "name",
    "title",
    "title_en",
    "description",
    "description_en",
    "keywords",
    "theme",
    "visibility",
    "licence",
    "contact_name",
    "contact_email",
    "frequency",
    "spatial",
    "temporal_start",
    "temporal_end",
)
RESOURCE_FIELDS = ("name", "name_en", "description", "format", "position")
MAX_KEYWORD_LENGTH = 100
MAX_DAILY_QUOTA = 10_000_000

_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_FORMAT = re.compile(r"^[A-Z0-9][A-Z0-9.+-]{0,19}$")
_HEAD_BYTES = 64 * 1024
_CHUNK = 1024 * 1024


# --- helpers ------------------------------------------------------------------------------------


def _ensure_can_publish(actor, agency: Agency) -> None:
    if actor is not None and not can_publish(actor, agency):
        raise PermissionDenied(_("Bạn không có quyền quản lý dữ liệu mở của cơ quan này."))


def _user(actor):
    """The actor to store in ``created_by``-like columns (None for the system or an anonymous user)."""
    return actor if actor is not None and actor.is_authenticated else None


def dataset_search_text(dataset: Dataset) -> str:
    """The folded words ``dataset_search`` matches: name, titles, description, keywords, organisation."""
    parts = [
        dataset.name,
        dataset.title,
        dataset.title_en,
        dataset.description,
        " ".join(dataset.keywords or []),
        dataset.organization.name,
        dataset.organization.short_name,
    ]
    return fold(" ".join(part for part in parts if part))


def _clean_keywords(keywords: Iterable[str] | str | None) -> list[str]:
    """Keywords trimmed, without empties or repeats (a string is split on commas)."""
    if keywords is None:
        return []
    if isinstance(keywords, str):
        keywords = keywords.split(",")
    cleaned: list[str] = []
    for keyword in keywords:
        word = " ".join(str(keyword).split())
        if len(word) > MAX_KEYWORD_LENGTH:
            raise ValidationError(
                {"keywords": _("Mỗi từ khóa dài tối đa {n} ký tự.").format(n=MAX_KEYWORD_LENGTH)}, code="keyword"
            )
        if word and word not in cleaned:
            cleaned.append(word)
    return cleaned


def _check_name(name: str) -> None:
    """CKAN-style names: 2–100 lower-case letters without diacritics, digits and single hyphens; not a UUID."""
    is_uuid = True
    try:
        uuid.UUID(name)
    except ValueError:
        is_uuid = False
    if not 2 <= len(name) <= 100 or not _NAME.match(name) or is_uuid:
        raise ValidationError(
            {
                "name": _(
                    "Tên định danh dài 2–100 ký tự, chỉ gồm chữ thường không dấu, chữ số và dấu gạch ngang "
                    "(ví dụ: dan-so-phuong-2025)."
                )
            },
            code="name",
        )


def _normalise(dataset: Dataset) -> None:
    """Rules across fields: a shared dataset is not under an open licence; the period is in order."""
    if dataset.visibility == Dataset.Visibility.SHARED:
        dataset.licence = Licence.OTHER_CLOSED
    elif dataset.licence == Licence.OTHER_CLOSED:
        raise ValidationError({"licence": _("Dữ liệu mở phải có giấy phép mở.")}, code="licence")
    if dataset.temporal_start and dataset.temporal_end and dataset.temporal_start > dataset.temporal_end:
        raise ValidationError(
            {"temporal_end": _("Ngày kết thúc của dữ liệu không được trước ngày bắt đầu.")}, code="temporal_order"
        )


def _changed() -> None:
    """A dataset or its resources changed: anonymous table reads must not reuse what they kept (now, and again
    once the change is committed, in case a read kept the old state meanwhile)."""
    forget_open_resources()
    transaction.on_commit(forget_open_resources)


def _save_dataset(dataset: Dataset) -> None:
    _check_name(dataset.name)
    dataset.keywords = _clean_keywords(dataset.keywords)
    for text_field in ("title", "title_en", "description", "description_en", "contact_name", "contact_email"):
        setattr(dataset, text_field, (getattr(dataset, text_field) or "").strip())
    _normalise(dataset)
    dataset.search_text = dataset_search_text(dataset)
    dataset.full_clean()
    dataset.save()
    _changed()


def _touch(dataset: Dataset, at: datetime) -> None:
    Dataset.objects.filter(pk=dataset.pk).update(modified_at=at)
    dataset.modified_at = at
    _changed()


# --- datasets -----------------------------------------------------------------------------------


@transaction.atomic
def dataset_create(
    *,
    actor,
    organization: Agency,
    name: str,
    title: str,
    theme: str,
    visibility: str = Dataset.Visibility.OPEN,
    title_en: str = "",
    description: str = "",
    description_en: str = "",
    keywords: Iterable[str] = (),
    licence: str = Licence.CC_BY,
    contact_name: str = "",
    contact_email: str = "",
    frequency: str = Frequency.IRREGULAR,
    spatial: AdministrativeUnit | None = None,
    temporal_start: date | None = None,
    temporal_end: date | None = None,
    publisher_key: str | None = None,
) -> Dataset:
    """A new draft dataset of ``organization``. A shared dataset always gets the "other-closed" licence.

    ``publisher_key`` marks a dataset the platform publishes itself (the publisher registry).
    """
    _ensure_can_publish(actor, organization)
    dataset = Dataset(
        organization=organization,
        name=(name or "").strip(),
        title=title,
        title_en=title_en,
        description=description,
        description_en=description_en,
        keywords=keywords,
        theme=theme,
        visibility=visibility,
        licence=licence,
        contact_name=contact_name,
        contact_email=contact_email,
        frequency=frequency,
        spatial=spatial,
        temporal_start=temporal_start,
        temporal_end=temporal_end,
        publisher_key=publisher_key or None,
        created_by=_user(actor),
    )
    _save_dataset(dataset)
    audit_record(
        actor=actor,
        action="opendata.dataset_create",
        obj=dataset,
        data={"name": dataset.name, "organization": organization.code, "visibility": dataset.visibility},
    )
    return dataset


@transaction.atomic
def dataset_update(*, actor, dataset: Dataset, **changes: Any) -> Dataset:
    """Change the metadata fields given (those of ``dataset_create`` but ``publisher_key``).

    The name cannot change once the dataset has been published (links and API clients use it);
    moving it to another organisation needs the right to publish for both. Unknown fields are a
    programming error (TypeError).
    """
    unknown = set(changes) - set(DATASET_FIELDS)
    if unknown:
        raise TypeError(f"dataset_update() got unexpected fields: {', '.join(sorted(unknown))}")
    _ensure_can_publish(actor, dataset.organization)
    dataset = Dataset.objects.select_for_update().select_related("organization").get(pk=dataset.pk)
    if "name" in changes:
        changes["name"] = (changes["name"] or "").strip()
    if "keywords" in changes:
        changes["keywords"] = _clean_keywords(changes["keywords"])
    changed = sorted(key for key, value in changes.items() if getattr(dataset, key) != value)
    if not changed:
        return dataset
    if "name" in changed and dataset.published_at is not None:
        raise ValidationError(
            {"name": _("Không đổi được tên định danh của bộ dữ liệu đã công bố.")}, code="name_locked"
        )
    if "organization" in changed:
        _ensure_can_publish(actor, changes["organization"])
    for key in changed:
        setattr(dataset, key, changes[key])
    dataset.modified_at = timezone.now()
    _save_dataset(dataset)
    audit_record(actor=actor, action="opendata.dataset_update", obj=dataset, data={"fields": changed})
    return dataset


@transaction.atomic
def dataset_publish(*, actor, dataset: Dataset) -> Dataset:
    """Publish a draft or withdrawn dataset (công bố); it needs at least one resource with a file.

    Publishing a published dataset changes nothing (the publisher registry calls this on every run).
    ``published_at`` keeps the first publication time (DCAT's ``dct:issued``).
    """
    _ensure_can_publish(actor, dataset.organization)
    dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
    if dataset.state == Dataset.State.PUBLISHED:
        return dataset
    if not ResourceVersion.objects.filter(resource__dataset=dataset).exists():
        raise ValidationError(_("Bộ dữ liệu cần ít nhất một tài nguyên trước khi công bố."), code="no_resource")
    now = timezone.now()
    before = dataset.state
    dataset.state = Dataset.State.PUBLISHED
    dataset.published_at = dataset.published_at or now
    dataset.modified_at = now
    dataset.save(update_fields=["state", "published_at", "modified_at"])
    _changed()
    audit_record(actor=actor, action="opendata.dataset_publish", obj=dataset, data={"from": before})
    return dataset


@transaction.atomic
def dataset_withdraw(*, actor, dataset: Dataset, reason: str) -> Dataset:
    """Withdraw a published dataset (rút): it leaves the portal and the APIs; the reason goes to the audit log."""
    _ensure_can_publish(actor, dataset.organization)
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": _("Vui lòng nêu lý do rút bộ dữ liệu.")}, code="reason_required")
    if len(reason) > 500:
        raise ValidationError({"reason": _("Lý do dài tối đa 500 ký tự.")}, code="reason_too_long")
    dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
    if dataset.state != Dataset.State.PUBLISHED:
        raise ValidationError(_("Chỉ rút được bộ dữ liệu đang công bố."), code="not_published")
    dataset.state = Dataset.State.WITHDRAWN
    dataset.modified_at = timezone.now()
    dataset.save(update_fields=["state", "modified_at"])
    _changed()
    audit_record(actor=actor, action="opendata.dataset_withdraw", obj=dataset, data={"reason": reason})
    return dataset


# --- resources and versions ---------------------------------------------------------------------


def _extension(filename: str) -> str:
    """The lower-case extension of a file name if it is short and plain (``csv``), else ""."""
    stem, dot, suffix = filename.rpartition(".")
    suffix = suffix.lower()
    return suffix if dot and stem and suffix.isascii() and suffix.isalnum() and len(suffix) <= 10 else ""


def _format_of(filename: str) -> str:
    return _extension(filename).upper()


def _clean_format(value: str) -> str:
    value = (value or "").strip().upper()
    if not _FORMAT.match(value):
        raise ValidationError(
            {"format": _("Định dạng là một từ ngắn không dấu, ví dụ CSV, XLSX, JSON, PDF.")}, code="format"
        )
    return value


@transaction.atomic
def resource_create(
    *,
    actor,
    dataset: Dataset,
    name: str,
    upload: File,
    description: str = "",
    name_en: str = "",
    format: str | None = None,
    fields: list | None = None,
    note: str = "",
) -> Resource:
    """A new resource of ``dataset`` with its first version made from ``upload``.

    ``format`` defaults to the file's extension (CSV, XLSX, PDF…); a CSV/XLSX file is loaded into
    the tabular store (``fields`` overrides the inferred columns). Nothing is kept if the upload fails.
    """
    _ensure_can_publish(actor, dataset.organization)
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Vui lòng nhập tên tài nguyên.")}, code="name_required")
    given_format = format or _format_of(getattr(upload, "name", "") or "")
    if not given_format:
        raise ValidationError(
            {"format": _("Không xác định được định dạng của tệp: vui lòng nhập định dạng.")}, code="format"
        )
    position = (dataset.resources.aggregate(last=Max("position"))["last"] or 0) + 1
    resource = Resource(
        dataset=dataset,
        name=name,
        name_en=(name_en or "").strip(),
        description=(description or "").strip(),
        format=_clean_format(given_format),
        position=position,
    )
    resource.full_clean()
    resource.save()
    audit_record(actor=actor, action="opendata.resource_create", obj=resource, data={"dataset": dataset.name})
    version = resource_version_add(actor=actor, resource=resource, upload=upload, fields=fields, note=note)
    return version.resource


@transaction.atomic
def resource_update(*, actor, resource: Resource, **changes: Any) -> Resource:
    """Change a resource's name, English name, description, format or position (not its file: add a version)."""
    unknown = set(changes) - set(RESOURCE_FIELDS)
    if unknown:
        raise TypeError(f"resource_update() got unexpected fields: {', '.join(sorted(unknown))}")
    _ensure_can_publish(actor, resource.dataset.organization)
    resource = Resource.objects.select_for_update().select_related("dataset").get(pk=resource.pk)
    if "name" in changes:
        changes["name"] = " ".join((changes["name"] or "").split())
        if not changes["name"]:
            raise ValidationError({"name": _("Vui lòng nhập tên tài nguyên.")}, code="name_required")
    if "format" in changes:
        changes["format"] = _clean_format(changes["format"])
    changed = sorted(key for key, value in changes.items() if getattr(resource, key) != value)
    if not changed:
        return resource
    for key in changed:
        setattr(resource, key, changes[key])
    now = timezone.now()
    resource.modified_at = now
    resource.full_clean()
    resource.save()
    _touch(resource.dataset, now)
    audit_record(actor=actor, action="opendata.resource_update", obj=resource, data={"fields": changed})
    return resource


@transaction.atomic
def resource_set_indexes(*, actor, resource: Resource, indexes: list[list[str]]) -> Resource:
    """Declare the combined indexes of a resource's table (chỉ mục kết hợp), as CKAN's ``datastore_create``
    takes ``indexes``: each a list of 2 or 3 field ids, the filter columns first and the sort column last,
    for searches the publisher knows are frequent on a large table (``datastore.check_indexes``).

    The declaration is saved and audited; once committed, the table's indexes are brought up to date
    (new ones built, removed ones dropped) in this thread, as after a load. A new version keeps the
    declared indexes whose columns it still has.
    """
    from congso.opendata import datastore  # the tabular store imports the models: import late

    _ensure_can_publish(actor, resource.dataset.organization)
    resource = Resource.objects.select_for_update().select_related("dataset").get(pk=resource.pk)
    if not resource.datastore_active:
        raise ValidationError({"indexes": _("Tài nguyên này không có bảng dữ liệu tra cứu.")}, code="no_table")
    try:
        checked = datastore.check_indexes(indexes, resource.fields)
    except datastore.QueryError as error:
        raise ValidationError({"indexes": error.message}, code="indexes") from error
    if checked == resource.indexes:
        return resource
    previous = resource.indexes
    resource.indexes = checked
    resource.save(update_fields=["indexes"])
    audit_record(
        actor=actor,
        action="opendata.resource_indexes",
        obj=resource,
        data={"before": previous, "after": checked},
    )
    transaction.on_commit(lambda: datastore.index(resource), robust=True)
    return resource


def _max_upload_bytes() -> int:
    return settings.CONGSO_OPENDATA_MAX_UPLOAD_MB * MB


def _too_large(limit: int) -> ValidationError:
    return ValidationError(
        _("Tệp vượt quá dung lượng cho phép {limit} MB.").format(limit=limit // MB), code="file_too_large"
    )


def _measure(upload: File) -> tuple[int, str, bytes]:
    """Size, SHA-256 and first bytes of ``upload``, read once in chunks (then rewound); refuses too-large files."""
    limit = _max_upload_bytes()
    declared = getattr(upload, "size", None)
    if isinstance(declared, int) and declared > limit:
        raise _too_large(limit)
    digest = hashlib.sha256()
    size = 0
    head = b""
    upload.seek(0)
    for chunk in upload.chunks(_CHUNK):
        size += len(chunk)
        if size > limit:
            upload.seek(0)
            raise _too_large(limit)
        digest.update(chunk)
        if len(head) < _HEAD_BYTES:
            head += chunk[: _HEAD_BYTES - len(head)]
    upload.seek(0)
    if size == 0:
        raise ValidationError(_("Tệp không có nội dung (0 byte)."), code="file_empty")
    return size, digest.hexdigest(), head


@transaction.atomic
def resource_version_add(
    *,
    actor,
    resource: Resource,
    upload: File,
    fields: list | None = None,
    note: str = "",
) -> ResourceVersion:
    """Store ``upload`` as the resource's next version; earlier versions stay as they are.

    The file is stored under a random name; a CSV/XLSX file (``datastore.is_tabular``) also replaces
    the resource's table in the tabular store (``fields`` overrides the inferred columns), another
    kind of file drops the table. If the table cannot be loaded (``datastore.TableError``) nothing is
    kept — no version, no file, the old table untouched — and a ValidationError carries the message.
    """
    from congso.opendata import datastore  # the tabular store imports the models: import late

    _ensure_can_publish(actor, resource.dataset.organization)
    note = " ".join((note or "").split())
    if len(note) > ResourceVersion._meta.get_field("note").max_length:
        raise ValidationError({"note": _("Ghi chú dài tối đa 500 ký tự.")}, code="note_too_long")
    original_name = clean_filename(getattr(upload, "name", "") or "")
    size, sha256, head = _measure(upload)
    tabular = datastore.is_tabular(original_name, head)

    resource = Resource.objects.select_for_update().select_related("dataset").get(pk=resource.pk)
    number = (resource.versions.aggregate(last=Max("number"))["last"] or 0) + 1
    stored = default_storage.save(storage_name("opendata", _extension(original_name) or "bin"), upload)
    try:
        row_count = None
        if tabular:
            upload.seek(0)
            try:
                row_count = datastore.load(resource=resource, file=upload, fields=fields)
            except datastore.TableError as error:
                raise ValidationError(error.message, code="table") from error
            resource.refresh_from_db(fields=["table_name", "fields", "row_count", "datastore_active"])
            if _format_of(original_name) in ("CSV", "XLSX"):
                resource.format = _format_of(original_name)
        elif resource.datastore_active:
            datastore.drop(resource)
            resource.refresh_from_db(fields=["table_name", "fields", "row_count", "datastore_active"])
        version = ResourceVersion(
            resource=resource,
            number=number,
            file=stored,
            original_name=original_name,
            size=size,
            sha256=sha256,
            row_count=row_count,
            note=note,
            created_by=_user(actor),
        )
        version.full_clean()
        version.save()
        now = timezone.now()
        resource.modified_at = now
        resource.save(update_fields=["format", "modified_at"])
        _touch(resource.dataset, now)
        audit_record(
            actor=actor,
            action="opendata.resource_version_add",
            obj=resource,
            data={"number": number, "size": size, "sha256": sha256, "rows": row_count},
        )
    except BaseException:
        default_storage.delete(stored)
        raise
    return version


# --- shared datasets: grants and keys -----------------------------------------------------------


@transaction.atomic
def access_grant(*, actor, dataset: Dataset, agency: Agency) -> AccessGrant:
    """Let ``agency`` use the shared ``dataset`` through its API keys; granting twice changes nothing."""
    _ensure_can_publish(actor, dataset.organization)
    if dataset.visibility != Dataset.Visibility.SHARED:
        raise ValidationError(_("Chỉ cấp quyền khai thác cho dữ liệu dùng chung."), code="not_shared")
    if agency.pk == dataset.organization_id:
        raise ValidationError(_("Cơ quan công bố đã có quyền khai thác bộ dữ liệu của mình."), code="own_agency")
    grant, created = AccessGrant.objects.get_or_create(
        dataset=dataset, agency=agency, defaults={"granted_by": _user(actor)}
    )
    if created:
        audit_record(actor=actor, action="opendata.access_grant", obj=dataset, data={"agency": agency.code})
    return grant


@transaction.atomic
def access_revoke(*, actor, dataset: Dataset, agency: Agency) -> None:
    """Withdraw ``agency``'s access to ``dataset`` (nothing happens if it had none)."""
    _ensure_can_publish(actor, dataset.organization)
    deleted, _rows = AccessGrant.objects.filter(dataset=dataset, agency=agency).delete()
    if deleted:
        audit_record(actor=actor, action="opendata.access_revoke", obj=dataset, data={"agency": agency.code})


@transaction.atomic
def api_key_create(
    *,
    actor,
    agency: Agency,
    name: str,
    daily_quota: int = 10_000,
    expires_at: datetime | None = None,
) -> tuple[ApiKey, str]:
    """A new API key of ``agency`` and the raw key, which is shown once and never stored (only its hash)."""
    _ensure_can_publish(actor, agency)
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Vui lòng đặt tên gợi nhớ cho khóa.")}, code="name_required")
    if not isinstance(daily_quota, int) or not 1 <= daily_quota <= MAX_DAILY_QUOTA:
        message = _("Hạn mức mỗi ngày từ 1 đến {n} yêu cầu.")
        raise ValidationError({"daily_quota": message.format(n=number_format(MAX_DAILY_QUOTA))}, code="quota")
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": _("Thời điểm hết hạn phải ở tương lai.")}, code="expired")
    raw = new_key()
    key = ApiKey(
        agency=agency,
        name=name,
        prefix=raw[:10],
        key_hash=key_hash(raw),
        daily_quota=daily_quota,
        expires_at=expires_at,
        created_by=_user(actor),
    )
    key.full_clean()
    key.save()
    audit_record(
        actor=actor,
        action="opendata.api_key_create",
        obj=key,
        data={"agency": agency.code, "prefix": key.prefix, "daily_quota": daily_quota},
    )
    return key, raw


@transaction.atomic
def api_key_revoke(*, actor, key: ApiKey) -> ApiKey:
    """Revoke a key (thu hồi) at once; revoking a revoked key changes nothing."""
    _ensure_can_publish(actor, key.agency)
    key = ApiKey.objects.select_for_update().get(pk=key.pk)
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="opendata.api_key_revoke", obj=key, data={"prefix": key.prefix})
    return key
