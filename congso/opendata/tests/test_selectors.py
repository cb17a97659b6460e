"""Who sees which dataset, organisation names, and the faceted search (selectors)."""

import uuid
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.utils import timezone

from congso.accounts.tests.factories import CitizenFactory
from congso.agencies.models import Agency, Membership
from congso.agencies.tests.factories import AgencyFactory, MembershipFactory, PlatformAdminFactory
from congso.opendata.models import Dataset, Licence, Theme
from congso.opendata.selectors import (
    FACET_KEYS,
    Facet,
    can_publish,
    dataset_for,
    dataset_search,
    datasets_visible_to,
    organization_by_name,
    organization_name,
    publishable_agencies,
    resource_for,
)
from congso.opendata.tests.factories import (
    AccessGrantFactory,
    DatasetFactory,
    ResourceFactory,
    api_key_for,
    searchable_dataset,
)

pytestmark = pytest.mark.django_db

PUBLISHED, DRAFT, WITHDRAWN = Dataset.State.PUBLISHED, Dataset.State.DRAFT, Dataset.State.WITHDRAWN
OPEN, SHARED = Dataset.Visibility.OPEN, Dataset.Visibility.SHARED


def _names(datasets) -> set[str]:
    return {dataset.name for dataset in datasets}


# --- permissions and organisations --------------------------------------------------------------


def test_can_publish_is_for_the_agency_admin_and_platform_admins():
    agency, other = AgencyFactory(), AgencyFactory()
    admin = MembershipFactory(agency=agency, role=Membership.Role.AGENCY_ADMIN).user
    specialist = MembershipFactory(agency=agency, role=Membership.Role.SPECIALIST).user

    assert can_publish(admin, agency) is True
    assert can_publish(admin, other) is False
    assert can_publish(specialist, agency) is False
    assert can_publish(PlatformAdminFactory(), other) is True
    assert can_publish(CitizenFactory(), agency) is False
    assert can_publish(AnonymousUser(), agency) is False
    assert can_publish(None, agency) is False
    assert list(publishable_agencies(admin)) == [agency]


def test_organization_name_is_the_code_lower_cased_with_hyphens_and_found_back():
    agency = AgencyFactory(code="000.00.00.H29")
    AgencyFactory(code="000.00.01.H29")

    assert organization_name(agency) == "000-00-00-h29"
    assert organization_by_name("000-00-00-h29") == agency
    assert organization_by_name("000-00-00-H29") == agency
    assert organization_by_name("000.00.00.h29") is None
    assert organization_by_name("khong-co") is None
    assert organization_by_name("") is None
    assert organization_by_name("a\x00b") is None
    assert organization_by_name("x" * 500) is None


# --- visibility ---------------------------------------------------------------------------------


@dataclass
class Catalog:
    owner: Agency
    granted: Agency
    other: Agency


@pytest.fixture
def catalog() -> Catalog:
    """Owner publishes one of each state; a shared dataset granted to ``granted``; ``other`` has its own."""
    owner, granted, other = AgencyFactory(), AgencyFactory(), AgencyFactory()
    DatasetFactory(name="mo-cong-bo", organization=owner)
    DatasetFactory(name="mo-nhap", organization=owner, state=DRAFT)
    DatasetFactory(name="mo-da-rut", organization=owner, state=WITHDRAWN)
    shared = DatasetFactory(name="dung-chung", organization=owner, visibility=SHARED)
    AccessGrantFactory(dataset=shared, agency=granted)
    DatasetFactory(name="dung-chung-nhap", organization=owner, visibility=SHARED, state=DRAFT)
    DatasetFactory(name="mo-khac", organization=other)
    DatasetFactory(name="dung-chung-khac", organization=other, visibility=SHARED)
    return Catalog(owner=owner, granted=granted, other=other)


def test_anonymous_visitors_and_citizens_see_published_open_datasets_only(catalog):
    for user in (None, AnonymousUser(), CitizenFactory()):
        assert _names(datasets_visible_to(user=user)) == {"mo-cong-bo", "mo-khac"}


def test_a_usable_key_adds_the_shared_datasets_its_agency_owns_or_was_granted(catalog):
    granted_key, _raw = api_key_for(catalog.granted)
    owner_key, _raw = api_key_for(catalog.owner)
    stranger_key, _raw = api_key_for(AgencyFactory())

    assert _names(datasets_visible_to(key=granted_key)) == {"mo-cong-bo", "mo-khac", "dung-chung"}
    assert _names(datasets_visible_to(key=owner_key)) == {"mo-cong-bo", "mo-khac", "dung-chung"}
    assert _names(datasets_visible_to(key=stranger_key)) == {"mo-cong-bo", "mo-khac"}


def test_a_revoked_or_expired_key_adds_nothing(catalog):
    now = timezone.now()
    revoked, _raw = api_key_for(catalog.granted, revoked_at=now)
    expired, _raw = api_key_for(catalog.granted, expires_at=now - timedelta(seconds=1))

    assert _names(datasets_visible_to(key=revoked)) == {"mo-cong-bo", "mo-khac"}
    assert _names(datasets_visible_to(key=expired)) == {"mo-cong-bo", "mo-khac"}


def test_staff_see_the_published_shared_datasets_of_their_agencies(catalog):
    in_granted = MembershipFactory(agency=catalog.granted, role=Membership.Role.SPECIALIST).user
    in_owner = MembershipFactory(agency=catalog.owner, role=Membership.Role.DESK_OFFICER).user

    assert _names(datasets_visible_to(user=in_granted)) == {"mo-cong-bo", "mo-khac", "dung-chung"}
    assert _names(datasets_visible_to(user=in_owner)) == {"mo-cong-bo", "mo-khac", "dung-chung"}


def test_a_publisher_sees_every_state_of_their_agency_datasets(catalog):
    admin = MembershipFactory(agency=catalog.owner, role=Membership.Role.AGENCY_ADMIN).user

    assert _names(datasets_visible_to(user=admin)) == {
        "mo-cong-bo",
        "mo-nhap",
        "mo-da-rut",
        "dung-chung",
        "dung-chung-nhap",
        "mo-khac",
    }


def test_a_platform_admin_sees_everything(catalog):
    assert datasets_visible_to(user=PlatformAdminFactory()).count() == Dataset.objects.count() == 7


def test_a_user_and_a_key_together_add_up(catalog):
    staff = MembershipFactory(agency=catalog.other, role=Membership.Role.SPECIALIST).user
    key, _raw = api_key_for(catalog.granted)

    assert _names(datasets_visible_to(user=staff, key=key)) == {
        "mo-cong-bo",
        "mo-khac",
        "dung-chung",
        "dung-chung-khac",
    }


# --- one dataset, one resource ------------------------------------------------------------------


def test_dataset_for_finds_by_name_or_id_within_what_the_caller_sees(catalog):
    shared = Dataset.objects.get(name="dung-chung")
    key, _raw = api_key_for(catalog.granted)

    assert dataset_for(name_or_id="mo-cong-bo").name == "mo-cong-bo"
    assert dataset_for(name_or_id=str(shared.pk)) is None
    assert dataset_for(name_or_id="dung-chung") is None
    assert dataset_for(name_or_id=str(shared.pk), key=key) == shared
    assert dataset_for(name_or_id="dung-chung", key=key) == shared
    assert dataset_for(name_or_id="mo-nhap") is None


@pytest.mark.parametrize("bad", ["", "khong-co", str(uuid.uuid4()), "a\x00b", "x" * 101, "' OR 1=1 --", None, 42])
def test_dataset_for_returns_none_for_unknown_or_malformed_names(catalog, bad):
    assert dataset_for(name_or_id=bad) is None


def test_dataset_for_loads_organization_resources_and_versions_at_once(catalog, django_assert_num_queries):
    dataset = Dataset.objects.get(name="mo-cong-bo")
    ResourceFactory(dataset=dataset, position=2, name="Sau")
    ResourceFactory(dataset=dataset, position=1, name="Trước")

    with django_assert_num_queries(3):
        found = dataset_for(name_or_id="mo-cong-bo")
        names = [(resource.name, resource.current_version.number) for resource in found.resources.all()]
        organization = found.organization.code

    assert names == [("Trước", 1), ("Sau", 1)]
    assert organization == catalog.owner.code


def test_resource_for_follows_the_visibility_of_itssearchable_dataset(catalog):
    open_resource = ResourceFactory(dataset=Dataset.objects.get(name="mo-cong-bo"))
    shared_resource = ResourceFactory(dataset=Dataset.objects.get(name="dung-chung"))
    draft_resource = ResourceFactory(dataset=Dataset.objects.get(name="mo-nhap"))
    key, _raw = api_key_for(catalog.granted)
    admin = MembershipFactory(agency=catalog.owner, role=Membership.Role.AGENCY_ADMIN).user

    assert resource_for(resource_id=str(open_resource.pk)) == open_resource
    assert resource_for(resource_id=str(shared_resource.pk)) is None
    assert resource_for(resource_id=str(shared_resource.pk), key=key) == shared_resource
    assert resource_for(resource_id=str(draft_resource.pk)) is None
    assert resource_for(resource_id=str(draft_resource.pk), user=admin) == draft_resource
    for bad in ("", "khong-phai-uuid", str(uuid.uuid4()), "a\x00b", None):
        assert resource_for(resource_id=bad) is None


# --- search -------------------------------------------------------------------------------------


@pytest.fixture
def searchable() -> dict[str, Dataset]:
    ward = AgencyFactory(code="H29.101", name="Ủy ban nhân dân phường Bến Thành")
    department = AgencyFactory(code="000.00.12.H29", name="Sở Giáo dục và Đào tạo")
    made = {
        "dan-so": searchable_dataset(
            name="dan-so",
            organization=ward,
            title="Dân số theo khu phố",
            theme=Theme.SOCI,
            keywords=["dân số", "khu phố"],
            licence=Licence.CC_BY,
        ),
        "truong-hoc": searchable_dataset(
            name="truong-hoc",
            organization=department,
            title="Danh sách trường học",
            title_en="Schools",
            theme=Theme.EDUC,
            keywords=["giáo dục"],
            licence=Licence.CC_ZERO,
        ),
        "cho": searchable_dataset(
            name="cho",
            organization=ward,
            title="Chợ truyền thống",
            description="Các chợ đang hoạt động trên địa bàn phường.",
            theme=Theme.ECON,
            keywords=["chợ", "khu phố"],
            licence=Licence.CC_BY,
        ),
    }
    ResourceFactory(dataset=made["dan-so"], format="CSV")
    ResourceFactory(dataset=made["dan-so"], format="XLSX")
    ResourceFactory(dataset=made["truong-hoc"], format="CSV")
    ResourceFactory(dataset=made["cho"], format="PDF")
    now = timezone.now()
    for age, name in enumerate(["cho", "truong-hoc", "dan-so"]):  # dan-so is the oldest
        Dataset.objects.filter(name=name).update(modified_at=now - timedelta(days=age))
    return made


def _search(**kwargs):
    return dataset_search(datasets=datasets_visible_to(), **kwargs)


def test_search_without_words_lists_everything_newest_first(searchable):
    found = _search()

    assert found.count == 3
    assert [d.name for d in found.results] == ["cho", "truong-hoc", "dan-so"]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("dan so khu", {"dan-so"}),
        ("DÂN SỐ KHU", {"dan-so"}),
        ("dan so", {"dan-so", "truong-hoc"}),  # words match inside words: "Danh", "Sở"
        ("khu pho", {"dan-so", "cho"}),
        ("schools", {"truong-hoc"}),
        ("dang hoat dong", {"cho"}),
        ("ben thanh", {"dan-so", "cho"}),
        ("giao duc dao tao", {"truong-hoc"}),
        ("000.00.12.h29", {"truong-hoc"}),
        ("cho ben thanh", {"cho"}),
        ("khu pho giao duc", set()),
        ("'; DROP TABLE opendata_dataset; --", set()),
        ("100%_", set()),
    ],
)
def test_every_word_must_match_ignoring_case_and_diacritics(searchable, q, expected):
    assert {d.name for d in _search(q=q).results} == expected


def test_filters_or_within_a_key_and_across_keys(searchable):
    ward = organization_name(searchable["dan-so"].organization)

    assert {d.name for d in _search(filters={"organization": [ward]}).results} == {"dan-so", "cho"}
    assert {d.name for d in _search(filters={"theme": ["SOCI", "EDUC"]}).results} == {"dan-so", "truong-hoc"}
    assert {d.name for d in _search(filters={"res_format": ["csv"]}).results} == {"dan-so", "truong-hoc"}
    assert {d.name for d in _search(filters={"license_id": ["cc-zero"]}).results} == {"truong-hoc"}
    assert {d.name for d in _search(filters={"tags": ["khu phố"]}).results} == {"dan-so", "cho"}
    assert {d.name for d in _search(filters={"tags": ["chợ", "giáo dục"]}).results} == {"cho", "truong-hoc"}
    assert {d.name for d in _search(filters={"organization": [ward], "res_format": ["CSV"]}).results} == {"dan-so"}
    assert _search(filters={"organization": ["khong-co"]}).count == 0
    assert _search(filters={"theme": []}).count == 3
    assert _search(filters={key: ["a\x00b", "' OR 1=1 --"] for key in FACET_KEYS}).count == 0


def test_facets_count_the_matching_datasets(searchable):
    ward = searchable["dan-so"].organization
    department = searchable["truong-hoc"].organization

    facets = _search().facets

    assert facets["organization"] == [
        Facet(value=organization_name(ward), label=ward.name, count=2),
        Facet(value=organization_name(department), label=department.name, count=1),
    ]
    assert facets["res_format"] == [
        Facet(value="CSV", label="CSV", count=2),
        Facet(value="PDF", label="PDF", count=1),
        Facet(value="XLSX", label="XLSX", count=1),
    ]
    assert facets["license_id"] == [
        Facet(value="cc-by", label=str(Licence.CC_BY.label), count=2),
        Facet(value="cc-zero", label=str(Licence.CC_ZERO.label), count=1),
    ]
    # equal counts: by label ("Dân số…", "Giáo dục…", "Kinh tế…")
    assert facets["theme"] == [
        Facet(value="SOCI", label="Dân số và xã hội", count=1),
        Facet(value="EDUC", label="Giáo dục, văn hóa và thể thao", count=1),
        Facet(value="ECON", label="Kinh tế và tài chính", count=1),
    ]
    assert [(f.value, f.count) for f in facets["tags"]] == [("khu phố", 2), ("chợ", 1), ("dân số", 1), ("giáo dục", 1)]


def test_facets_follow_the_words_and_filters(searchable):
    facets = _search(q="khu pho", filters={"res_format": ["PDF"]}).facets

    assert [(f.value, f.count) for f in facets["res_format"]] == [("PDF", 1)]
    assert [(f.value, f.count) for f in facets["tags"]] == [("chợ", 1), ("khu phố", 1)]
    assert [(f.value, f.count) for f in facets["theme"]] == [("ECON", 1)]
    assert [(f.label, f.count) for f in facets["organization"]] == [("Ủy ban nhân dân phường Bến Thành", 1)]
    assert [(f.value, f.count) for f in facets["license_id"]] == [("cc-by", 1)]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("", ["cho", "truong-hoc", "dan-so"]),
        ("metadata_modified desc", ["cho", "truong-hoc", "dan-so"]),
        ("metadata_modified asc", ["dan-so", "truong-hoc", "cho"]),
        ("name asc", ["cho", "dan-so", "truong-hoc"]),
        ("name desc", ["truong-hoc", "dan-so", "cho"]),
        ("score desc, metadata_modified desc", ["cho", "truong-hoc", "dan-so"]),
    ],
)
def test_sort_orders(searchable, sort, expected):
    assert [d.name for d in _search(sort=sort).results] == expected


def test_sort_by_title(searchable):
    # Databases collate letters with diacritics differently ("Dâ" vs "Da"): compare C and D only.
    ascending = [d.title for d in _search(sort="title_string asc").results]
    descending = [d.title for d in _search(sort="title_string desc").results]

    assert ascending[0] == "Chợ truyền thống"
    assert descending[-1] == "Chợ truyền thống"


@pytest.mark.parametrize("sort", ["title", "name sideways", "name asc extra", "id asc", "name; DROP TABLE x"])
def test_an_unknown_sort_is_refused(searchable, sort):
    with pytest.raises(ValidationError) as raised:
        _search(sort=sort)

    assert raised.value.code == "sort"


def test_an_unknown_filter_key_is_refused(searchable):
    with pytest.raises(ValidationError) as raised:
        _search(filters={"state": ["draft"]})

    assert raised.value.code == "filter"


def test_paging_counts_all_and_returns_a_slice(searchable):
    page = _search(sort="name asc", offset=1, limit=1)

    assert page.count == 3
    assert [d.name for d in page.results] == ["dan-so"]
    assert _search(limit=0).results == []
    assert _search(offset=10).results == []
    with pytest.raises(ValidationError):
        _search(offset=-1)


def test_search_queries_do_not_grow_with_the_results(searchable, django_assert_num_queries):
    # count, results, resources, versions, then the five facets
    with django_assert_num_queries(9):
        found = _search()
        formats = [[r.format for r in d.resources.all()] for d in found.results]
        versions = [r.current_version.number for d in found.results for r in d.resources.all()]
        organizations = [d.organization.name for d in found.results]

    assert formats == [["PDF"], ["CSV"], ["CSV", "XLSX"]]
    assert versions == [1, 1, 1, 1]
    assert len(organizations) == 3
