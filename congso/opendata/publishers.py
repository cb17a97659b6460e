"""The publisher registry: datasets the platform publishes itself (bộ dữ liệu do nền tảng tự công bố).

Any module adds its datasets in one place, its own ``opendata.py`` (found by the app config's
autodiscovery), with ``register(Publisher(...))``. A publisher declares the dataset's metadata,
the agency that publishes it and its tables; each table is a resource whose rows are built
afresh on every run and written as a CSV file.

``publish(key)`` creates or updates the dataset (found by its ``publisher_key``) through the
catalog services as the system (``actor=None``): the metadata is updated when it changed, a
table gets a new version only when its CSV differs from the current version (same SHA-256 →
nothing written, so a re-run is idempotent), and the dataset is published. A dataset a person
withdrew stays withdrawn: the publisher skips it. ``publish_all()`` runs every publisher, each
in its own transaction, and reports failures instead of stopping at the first one.

Small cells: counts under ``settings.CONGSO_OPENDATA_MIN_CELL`` (default 5) are published as
``"<5"`` by ``suppress``, zero included (else "<5" would mean "at least one"), and a statistic
computed over a suppressed count (a median over fewer dossiers) is left empty by
``suppressed_median`` — so no person can be singled out.
"""

import csv
import hashlib
import io
import logging
import statistics
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from congso.agencies.models import Agency
from congso.core.text import fold
from congso.opendata import services
from congso.opendata.models import Dataset, Frequency, Licence, Resource

if TYPE_CHECKING:
    from congso.opendata.datastore import FieldSpec

logger = logging.getLogger(__name__)

VERSION_NOTE = "Cập nhật tự động"
_CHUNK = 1024 * 1024


# --- small-cell suppression -------------------------------------------------------------------------


def min_cell() -> int:
    """The smallest count published as is (``settings.CONGSO_OPENDATA_MIN_CELL``)."""
    return settings.CONGSO_OPENDATA_MIN_CELL


def suppress(count: int) -> int | str:
    """``count`` itself when at least the threshold, else ``"<N"`` (N the threshold; 0 included)."""
    threshold = min_cell()
    return count if count >= threshold else f"<{threshold}"


def suppressed_median(values: Sequence[Decimal], *, places: int = 2) -> Decimal | None:
    """The median of ``values`` rounded to ``places`` decimals; None (published empty) over too few values."""
    if len(values) < min_cell():
        return None
    exponent = Decimal(1).scaleb(-places)
    return Decimal(statistics.median(values)).quantize(exponent, rounding=ROUND_HALF_UP)


# --- declarations ---------------------------------------------------------------------------------------


@dataclass
class Run:
    """One run of one publisher: the instant it describes, and a memo its tables share.

    Tables of one dataset often come from one computation; ``run.memo("stats", compute)``
    computes it once per run.
    """

    at: datetime
    _memo: dict[str, Any] = field(default_factory=dict)

    def memo(self, key: str, compute: Callable[[], Any]) -> Any:
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]


@dataclass(frozen=True)
class Table:
    """One resource of a publisher's dataset: a CSV table whose header is the field ids.

    ``rows(run)`` yields one sequence of values per row, in the order of ``fields``; None is
    an empty cell. Rows must come in a stable order, or every run would make a new version.
    """

    name: str
    fields: Sequence["FieldSpec"]
    rows: Callable[[Run], Iterable[Sequence[Any]]]
    name_en: str = ""
    description: str = ""


@dataclass(frozen=True)
class Publisher:
    """A dataset the platform publishes itself, refreshed by ``publish``.

    ``key`` is stable forever (stored as ``Dataset.publisher_key``); ``organization`` is the code
    of the publishing agency or a function returning it; ``name`` is the dataset's name (URL),
    fixed once published. ``temporal(run)`` may give the period the data covers.
    """

    key: str
    organization: str | Callable[[], str | None]
    name: str
    title: str
    theme: str
    tables: Sequence[Table]
    title_en: str = ""
    description: str = ""
    description_en: str = ""
    keywords: Sequence[str] = ()
    frequency: str = Frequency.IRREGULAR
    licence: str = Licence.CC_BY
    temporal: Callable[[Run], tuple[date | None, date | None]] | None = None

    def organization_code(self) -> str | None:
        return self.organization() if callable(self.organization) else self.organization


_registry: dict[str, Publisher] = {}


def register(publisher: Publisher) -> Publisher:
    """Add ``publisher`` to the registry (at import of an app's ``opendata.py``); keys are unique."""
    if publisher.key in _registry and _registry[publisher.key] != publisher:
        raise ValueError(f"Another open-data publisher is registered with the key {publisher.key!r}")
    _registry[publisher.key] = publisher
    return publisher


def registered() -> list[Publisher]:
    """Every registered publisher, by key."""
    return [_registry[key] for key in sorted(_registry)]


def city_agency_code() -> str | None:
    """The code of the city People's Committee (the root agency of kind "city"), the default publisher."""
    return (
        Agency.objects.filter(kind=Agency.Kind.CITY, parent__isnull=True, is_active=True)
        .order_by("code")
        .values_list("code", flat=True)
        .first()
    )


# --- publishing -----------------------------------------------------------------------------------------


@dataclass
class PublishResult:
    """What one run of one publisher did; ``error`` is a Vietnamese message when it failed."""

    key: str
    dataset: Dataset | None = None
    created: bool = False
    new_versions: list[str] = field(default_factory=list)
    skipped: bool = False
    error: str = ""


class PublishError(Exception):
    """A publisher could not run (unknown key, missing agency); ``message`` says why in Vietnamese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


def _write_csv(table: Table, run: Run, target: Any) -> str:
    """Write ``table`` as UTF-8 CSV (with a BOM, for spreadsheets) into the binary file ``target``.

    Returns the SHA-256 of what was written.
    """
    text = io.TextIOWrapper(target, encoding="utf-8-sig", newline="")
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow([spec["id"] for spec in table.fields])
    width = len(table.fields)
    for row in table.rows(run):
        values = list(row)
        if len(values) != width:
            raise ValueError(f"Table {table.name!r}: a row has {len(values)} values for {width} fields")
        writer.writerow([_cell(value) for value in values])
    text.flush()
    text.detach()
    target.seek(0)
    digest = hashlib.sha256()
    for chunk in iter(lambda: target.read(_CHUNK), b""):
        digest.update(chunk)
    target.seek(0)
    return digest.hexdigest()


def _file_name(table: Table) -> str:
    return (slugify(fold(table.name)) or "du-lieu") + ".csv"


def _organization(publisher: Publisher) -> Agency:
    code = publisher.organization_code()
    agency = Agency.objects.filter(code=code).first() if code else None
    if agency is None:
        raise PublishError(
            _("Không tìm thấy cơ quan công bố “{code}” của bộ dữ liệu “{key}”.").format(
                code=code or "—", key=publisher.key
            )
        )
    return agency


def _metadata(publisher: Publisher, organization: Agency, run: Run) -> dict[str, Any]:
    start, end = publisher.temporal(run) if publisher.temporal is not None else (None, None)
    return {
        "organization": organization,
        "title": publisher.title,
        "title_en": publisher.title_en,
        "description": publisher.description,
        "description_en": publisher.description_en,
        "keywords": list(publisher.keywords),
        "theme": publisher.theme,
        "licence": publisher.licence,
        "frequency": publisher.frequency,
        "temporal_start": start,
        "temporal_end": end,
    }


def _publish_table(dataset: Dataset, table: Table, run: Run, resources: dict[str, Resource]) -> bool:
    """Write the table's CSV; add it as a new version if it changed. True when a version was added."""
    with tempfile.TemporaryFile() as target:
        sha256 = _write_csv(table, run, target)
        upload = File(target, name=_file_name(table))
        resource = resources.get(table.name)
        if resource is None:
            services.resource_create(
                actor=None,
                dataset=dataset,
                name=table.name,
                name_en=table.name_en,
                description=table.description,
                upload=upload,
                format="CSV",
                fields=[dict(spec) for spec in table.fields],
                note=VERSION_NOTE,
            )
            return True
        services.resource_update(actor=None, resource=resource, name_en=table.name_en, description=table.description)
        current = resource.versions.order_by("-number").first()
        if current is not None and current.sha256 == sha256:
            return False
        services.resource_version_add(
            actor=None,
            resource=resource,
            upload=upload,
            fields=[dict(spec) for spec in table.fields],
            note=VERSION_NOTE,
        )
        return True


def publish(key: str, *, at: datetime | None = None) -> PublishResult:
    """Create or refresh the dataset of publisher ``key`` and publish it (one transaction).

    Raises ``PublishError`` (unknown key, missing agency) and whatever the catalog services
    raise (``ValidationError``…); nothing of a failed run is kept.
    """
    publisher = _registry.get(key)
    if publisher is None:
        raise PublishError(_("Không có bộ phát hành dữ liệu mở nào mang mã “{key}”.").format(key=key))
    run = Run(at=at or timezone.now())
    result = PublishResult(key=key)
    # Labels of choices written into the tables (levels, states…) are the data's: Vietnamese.
    with translation.override("vi"), transaction.atomic():
        organization = _organization(publisher)
        metadata = _metadata(publisher, organization, run)
        dataset = Dataset.objects.filter(publisher_key=key).first()
        if dataset is not None and dataset.state == Dataset.State.WITHDRAWN:
            result.dataset, result.skipped = dataset, True
            return result
        if dataset is None:
            dataset = services.dataset_create(actor=None, name=publisher.name, publisher_key=key, **metadata)
            result.created = True
        else:
            dataset = services.dataset_update(actor=None, dataset=dataset, **metadata)
        resources = {resource.name: resource for resource in dataset.resources.all()}
        for table in publisher.tables:
            if _publish_table(dataset, table, run, resources):
                result.new_versions.append(table.name)
        result.dataset = services.dataset_publish(actor=None, dataset=dataset)
    return result


def publish_all(*, keys: Iterable[str] | None = None, at: datetime | None = None) -> list[PublishResult]:
    """Run every registered publisher (or those of ``keys``); one failing does not stop the others.

    A failed publisher's result carries the ``error``; nothing of its run is kept.
    """
    wanted = None if keys is None else set(keys)
    results = []
    for publisher in registered():
        if wanted is not None and publisher.key not in wanted:
            continue
        try:
            results.append(publish(publisher.key, at=at))
        except PublishError as error:
            logger.error("Open-data publisher %s: %s", publisher.key, error.message)
            results.append(PublishResult(key=publisher.key, error=error.message))
        except (ValidationError, PermissionDenied) as error:
            message = "; ".join(getattr(error, "messages", None) or [str(error)])
            logger.error("Open-data publisher %s refused: %s", publisher.key, message)
            results.append(PublishResult(key=publisher.key, error=message))
        except Exception as error:
            # A bug in one publisher must not stop the nightly refresh of the others.
            logger.exception("Open-data publisher %s failed", publisher.key)
            results.append(PublishResult(key=publisher.key, error=str(error) or type(error).__name__))
    return results
