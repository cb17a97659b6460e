"""Factories for the open-data catalog (bộ dữ liệu, tài nguyên, khóa khai thác).

They write rows directly, for tests that need a catalog in place; tests of the
writes themselves go through ``congso.opendata.services``.
"""

import hashlib

import factory
import factory.random
from django.core.files.base import ContentFile

from congso.agencies.tests.factories import AgencyFactory
from congso.core.keys import key_hash
from congso.opendata.models import AccessGrant, ApiKey, Dataset, Resource, ResourceVersion, Theme


class DatasetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dataset

    name = factory.Sequence(lambda n: f"bo-du-lieu-{n}")
    organization = factory.SubFactory(AgencyFactory)
    title = factory.Sequence(lambda n: f"Bộ dữ liệu số {n}")
    title_en = factory.Sequence(lambda n: f"Dataset number {n}")
    description = "Mô tả bộ dữ liệu."
    theme = Theme.GOVE
    state = Dataset.State.PUBLISHED
    visibility = Dataset.Visibility.OPEN
    keywords = factory.LazyFunction(lambda: ["hành chính"])


class ResourceFactory(factory.django.DjangoModelFactory):
    """A plain-file resource with one version (no table)."""

    class Meta:
        model = Resource
        skip_postgeneration_save = True

    dataset = factory.SubFactory(DatasetFactory)
    name = factory.Sequence(lambda n: f"Tài nguyên {n}")
    format = "CSV"

    @factory.post_generation
    def version(resource, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        content = kwargs.get("content", b"ma,ten\n1,A\n")
        ResourceVersion.objects.create(
            resource=resource,
            number=1,
            file=ContentFile(content, name="du-lieu.csv"),
            original_name="du-lieu.csv",
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
        )


class AccessGrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccessGrant

    dataset = factory.SubFactory(DatasetFactory, visibility=Dataset.Visibility.SHARED)
    agency = factory.SubFactory(AgencyFactory)


def api_key_for(agency, *, daily_quota: int = 1000, **fields) -> tuple[ApiKey, str]:
    """An API key row for ``agency`` and the raw key to send (hash stored as the services store it)."""
    raw = f"cs_{factory.random.randgen.getrandbits(128):032x}"
    key = ApiKey.objects.create(
        agency=agency,
        name=fields.pop("name", "Khóa thử"),
        prefix=raw[:10],
        key_hash=key_hash(raw),
        daily_quota=daily_quota,
        **fields,
    )
    return key, raw


def searchable_dataset(**fields) -> Dataset:
    """A dataset (``DatasetFactory`` fields) whose ``search_text`` is what the services would write."""
    from congso.opendata.services import dataset_search_text

    dataset = DatasetFactory(**fields)
    dataset.search_text = dataset_search_text(dataset)
    dataset.save(update_fields=["search_text"])
    return dataset
