"""Datasets, resources and organisations as CKAN dictionaries ("dictize", in CKAN's words).

Shapes follow CKAN 2.10's default schema. Where the catalog holds more than CKAN's core fields
(English title and description, frequency, spatial and temporal coverage, contact), they go in
``extras`` as ``{"key", "value"}`` strings, as CKAN's core schema keeps such fields. Timestamps
are UTC without an offset (``2025-07-01T02:30:00.123456``), as CKAN writes them. An organisation's
``id`` is its ``name`` (the agency code, lower-cased, "." → "-"): stable, and what every filter
takes. A theme is a group named by its EU theme code in lower case (``soci``).

Everything is built from what the selectors prefetch (organisation, resources, versions): no query
per dataset.
"""

import mimetypes
from datetime import UTC, date, datetime
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from congso.agencies.models import Agency
from congso.opendata.models import Dataset, Licence, Resource, Theme
from congso.opendata.selectors import organization_name

LICENCE_URLS = {
    Licence.CC_BY: "https://creativecommons.org/licenses/by/4.0/",
    Licence.CC_ZERO: "https://creativecommons.org/publicdomain/zero/1.0/",
    Licence.ODC_BY: "https://opendatacommons.org/licenses/by/1-0/",
    Licence.ODC_ODBL: "https://opendatacommons.org/licenses/odbl/1-0/",
}
# CKAN's dataset states: a withdrawn dataset is what CKAN calls deleted.
_STATES = {
    Dataset.State.PUBLISHED: "active",
    Dataset.State.DRAFT: "draft",
    Dataset.State.WITHDRAWN: "deleted",
}


def timestamp(moment: datetime | None) -> str | None:
    """CKAN's timestamp: UTC, ISO 8601, no offset."""
    if moment is None:
        return None
    return timezone.localtime(moment, UTC).replace(tzinfo=None).isoformat()


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def organization_dict(agency: Agency, *, package_count: int | None = None) -> dict[str, Any]:
    """An agency as a CKAN organisation; ``package_count`` only where the action counts datasets."""
    name = organization_name(agency)
    found: dict[str, Any] = {
        "id": name,
        "name": name,
        "title": agency.name,
        "display_name": agency.name,
        "description": "",
        "image_url": "",
        "type": "organization",
        "is_organization": True,
        "state": "active" if agency.is_active else "deleted",
        "approval_status": "approved",
        "extras": [{"key": "code", "value": agency.code}],
    }
    if package_count is not None:
        found["package_count"] = package_count
    return found


def resource_dict(request: HttpRequest, resource: Resource, dataset: Dataset) -> dict[str, Any]:
    """A resource; ``url`` downloads its current file from the portal (absolute)."""
    version = resource.current_version
    extension = resource.format.lower()
    return {
        "id": str(resource.id),
        "package_id": str(dataset.id),
        "name": resource.name,
        "name_en": resource.name_en,
        "description": resource.description,
        "format": resource.format,
        "mimetype": mimetypes.guess_type(f"file.{extension}")[0] if extension else None,
        "url": request.build_absolute_uri(reverse("opendata:download", args=[dataset.name, resource.id])),
        "url_type": "upload",
        "datastore_active": resource.datastore_active,
        "size": version.size if version else None,
        "hash": version.sha256 if version else "",
        "version": version.number if version else None,
        "created": timestamp(resource.created_at),
        "last_modified": timestamp(resource.modified_at),
        "metadata_modified": timestamp(resource.modified_at),
        "position": resource.position,
        "state": "active",
    }


def _extras(dataset: Dataset) -> list[dict[str, str]]:
    spatial = dataset.spatial
    values = {
        "title_en": dataset.title_en,
        "notes_en": dataset.description_en,
        "theme": dataset.theme,
        "frequency": dataset.frequency,
        "spatial": spatial.name if spatial else "",
        "spatial_code": spatial.code if spatial else "",
        "temporal_start": _day(dataset.temporal_start),
        "temporal_end": _day(dataset.temporal_end),
        "contact_name": dataset.contact_name,
        "contact_email": dataset.contact_email,
        "language": "vi",
    }
    return [{"key": key, "value": value} for key, value in values.items() if value]


def package_dict(request: HttpRequest, dataset: Dataset) -> dict[str, Any]:
    """A dataset with its organisation and resources (in their order), as package_show returns it."""
    resources = sorted(dataset.resources.all(), key=lambda resource: (resource.position, resource.created_at))
    keywords = [str(keyword) for keyword in dataset.keywords or []]
    theme_label = str(Theme(dataset.theme).label) if dataset.theme in Theme.values else dataset.theme
    licence_label = str(Licence(dataset.licence).label) if dataset.licence in Licence.values else dataset.licence
    return {
        "id": str(dataset.id),
        "name": dataset.name,
        "title": dataset.title,
        "notes": dataset.description,
        "type": "dataset",
        "state": _STATES.get(dataset.state, dataset.state),
        "private": not dataset.is_open,
        "url": request.build_absolute_uri(reverse("opendata:dataset", args=[dataset.name])),
        "owner_org": organization_name(dataset.organization),
        "organization": organization_dict(dataset.organization),
        "maintainer": dataset.contact_name,
        "maintainer_email": dataset.contact_email,
        "author": dataset.organization.name,
        "author_email": "",
        "license_id": dataset.licence,
        "license_title": licence_label,
        "license_url": LICENCE_URLS.get(dataset.licence, ""),
        "isopen": dataset.licence in LICENCE_URLS,
        "metadata_created": timestamp(dataset.created_at),
        "metadata_modified": timestamp(dataset.modified_at),
        "tags": [{"name": keyword, "display_name": keyword, "state": "active"} for keyword in keywords],
        "num_tags": len(keywords),
        "groups": [{"name": dataset.theme.lower(), "title": theme_label, "display_name": theme_label}],
        "extras": _extras(dataset),
        "resources": [resource_dict(request, resource, dataset) for resource in resources],
        "num_resources": len(resources),
    }
