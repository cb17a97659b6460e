"""The demo open-data catalog (``congso.opendata.demo``).

The demo agencies it needs are made with the factory (same codes as the demo) and the catalog is
loaded twice once per module, inside a transaction rolled back at the end.
"""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.test import override_settings

from congso.agencies.models import Agency
from congso.agencies.tests.factories import AgencyFactory
from congso.core.keys import key_hash
from congso.opendata import demo
from congso.opendata.models import AccessGrant, ApiKey, Dataset, Licence, Resource, ResourceVersion
from congso.opendata.selectors import dataset_search, datasets_visible_to
from congso.web.demo import agencies as demo_agencies


@pytest.fixture(autouse=True)
def _media():
    """The module's catalog is loaded once into its own media folder (see ``loaded``): keep that one."""


def _counts() -> dict[str, int]:
    return {
        "datasets": Dataset.objects.count(),
        "resources": Resource.objects.count(),
        "versions": ResourceVersion.objects.count(),
        "grants": AccessGrant.objects.count(),
        "keys": ApiKey.objects.count(),
    }


@dataclass(frozen=True)
class Loaded:
    first: dict
    second: dict
    counts: dict[str, int]
    counts_after_second: dict[str, int]


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Loaded]:
    with (
        django_db_blocker.unblock(),
        transaction.atomic(),
        override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")),
    ):
        for code in {spec.organization for spec in demo.DATASETS} | {demo_agencies.BEN_THANH}:
            AgencyFactory(code=code)
        first = demo.load_demo_opendata()
        counts = _counts()
        second = demo.load_demo_opendata()
        yield Loaded(first=first, second=second, counts=counts, counts_after_second=_counts())
        transaction.set_rollback(True)


def test_loading_twice_creates_nothing_new(loaded, db):
    assert loaded.first == {
        "created": 9,
        "unchanged": 0,
        "resources": 9,
        "api_keys": 1,
        "api_key": demo.DEMO_API_KEY,
    }
    assert loaded.second == {
        "created": 0,
        "unchanged": 9,
        "resources": 0,
        "api_keys": 0,
        "api_key": demo.DEMO_API_KEY,
    }
    assert loaded.counts == {"datasets": 9, "resources": 9, "versions": 10, "grants": 1, "keys": 1}
    assert loaded.counts_after_second == loaded.counts


def test_eight_open_datasets_and_one_shared_are_published(loaded, db):
    published = Dataset.objects.filter(state=Dataset.State.PUBLISHED)

    assert published.filter(visibility=Dataset.Visibility.OPEN).count() == 8
    [shared] = published.filter(visibility=Dataset.Visibility.SHARED)
    assert shared.title == "Cơ sở dữ liệu hộ tịch dùng chung (trích)"
    assert shared.licence == Licence.OTHER_CLOSED
    assert shared.organization.code == demo_agencies.JUSTICE
    assert [grant.agency.code for grant in shared.grants.all()] == [demo_agencies.BEN_THANH]
    assert all(dataset.published_at is not None for dataset in published)


def test_every_resource_is_a_loaded_table_matching_its_csv(loaded, db):
    for resource in Resource.objects.select_related("dataset"):
        version = resource.current_version
        with version.file.open("rb") as stored:
            rows = list(csv.reader(io.StringIO(stored.read().decode("utf-8"))))
        assert resource.format == "CSV", resource.name
        assert resource.datastore_active is True, resource.name
        assert resource.row_count == len(rows) - 1 == version.row_count, resource.name
        assert [field["id"] for field in resource.fields] == rows[0], resource.name


def test_the_air_quality_resource_has_two_versions(loaded, db):
    resource = Resource.objects.get(dataset__name="chat-luong-khong-khi")

    first, second = resource.versions.order_by("number")
    assert (first.row_count, second.row_count) == (90, 180)
    assert second.note == "Bổ sung số liệu tháng 8/2025"
    assert resource.row_count == 180


def test_the_demo_key_opens_the_shared_dataset_to_ben_thanh(loaded, db):
    key = ApiKey.objects.get(key_hash=key_hash(demo.DEMO_API_KEY))

    assert key.agency == Agency.objects.get(code=demo_agencies.BEN_THANH)
    assert key.prefix == demo.DEMO_API_KEY[:10]
    assert key.is_usable()
    visible = datasets_visible_to(key=key)
    assert visible.filter(name="co-so-du-lieu-ho-tich-dung-chung").exists()
    assert not datasets_visible_to().filter(name="co-so-du-lieu-ho-tich-dung-chung").exists()
    assert visible.count() == 9


def test_the_demo_catalog_is_searchable_without_diacritics(loaded, db):
    found = dataset_search(datasets=datasets_visible_to(), q="khong khi")

    assert [dataset.name for dataset in found.results] == ["chat-luong-khong-khi"]
    assert found.facets["res_format"][0].value == "CSV"
    assert found.facets["res_format"][0].count == 1


def test_the_figures_are_deterministic():
    for spec in demo.DATASETS:
        for item in spec.resources:
            assert item.rows() == item.rows(), item.name
