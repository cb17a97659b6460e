"""Writes of the open-data catalog: datasets, resources and versions, grants, API keys (services)."""

import hashlib
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone

from congso.agencies.models import Membership
from congso.agencies.permissions import clear_permission_cache
from congso.agencies.tests.factories import AgencyFactory, MembershipFactory, PlatformAdminFactory
from congso.core.models import AuditEntry
from congso.opendata.models import AccessGrant, ApiKey, Dataset, Licence, Resource, ResourceVersion, Theme
from congso.opendata.services import (
    access_grant,
    access_revoke,
    api_key_create,
    api_key_revoke,
    dataset_create,
    dataset_publish,
    dataset_update,
    dataset_withdraw,
    resource_create,
    resource_set_indexes,
    resource_update,
    resource_version_add,
)
from congso.opendata.tests.factories import DatasetFactory, ResourceFactory

pytestmark = pytest.mark.django_db

CSV = "Khu phố,Số hộ,Ghi chú\nKhu phố 1,420,Gần chợ\nKhu phố 2,515,\n".encode()


@pytest.fixture
def agency():
    return AgencyFactory(name="Ủy ban nhân dân phường Bến Thành", short_name="UBND phường Bến Thành")


@pytest.fixture
def publisher(agency):
    return MembershipFactory(agency=agency, role=Membership.Role.AGENCY_ADMIN).user


def _stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def _audits(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("at", "pk"))


def _create(actor, organization, **fields) -> Dataset:
    fields = {"name": "dan-so-ben-thanh", "title": "Dân số phường Bến Thành", "theme": Theme.SOCI} | fields
    return dataset_create(actor=actor, organization=organization, **fields)


def _published(organization, **fields) -> Dataset:
    dataset = DatasetFactory(organization=organization, **fields)
    ResourceFactory(dataset=dataset)
    return dataset


# --- datasets -----------------------------------------------------------------------------------


def test_an_agency_admin_creates_a_draft_dataset(agency, publisher):
    dataset = _create(
        publisher,
        agency,
        title_en="Population of Bến Thành ward",
        description="Số hộ và nhân khẩu theo khu phố.",
        keywords=[" dân  số ", "dân số", "", "khu phố"],
        contact_email="dulieu@benthanh.example",
        temporal_start=date(2025, 1, 1),
        temporal_end=date(2025, 12, 31),
    )

    dataset.refresh_from_db()
    assert dataset.state == Dataset.State.DRAFT
    assert dataset.organization == agency
    assert dataset.licence == Licence.CC_BY
    assert dataset.keywords == ["dân số", "khu phố"]
    assert dataset.created_by == publisher
    assert dataset.published_at is None
    assert dataset.search_text == (
        "dan-so-ben-thanh dan so phuong ben thanh population of ben thanh ward so ho va nhan khau theo khu pho. "
        "dan so khu pho uy ban nhan dan phuong ben thanh ubnd phuong ben thanh"
    )
    [entry] = _audits("opendata.dataset_create")
    assert entry.actor == publisher
    assert entry.data == {"name": "dan-so-ben-thanh", "organization": agency.code, "visibility": "open"}


def test_a_shared_dataset_always_gets_the_closed_licence(agency, publisher):
    dataset = _create(publisher, agency, visibility=Dataset.Visibility.SHARED, licence=Licence.CC_BY)

    assert dataset.licence == Licence.OTHER_CLOSED


def test_an_open_dataset_under_the_closed_licence_is_refused(agency, publisher):
    with pytest.raises(ValidationError) as raised:
        _create(publisher, agency, licence=Licence.OTHER_CLOSED)

    assert raised.value.message_dict == {"licence": ["Dữ liệu mở phải có giấy phép mở."]}
    assert Dataset.objects.count() == 0


def test_the_system_and_a_platform_admin_may_create_for_any_agency(agency):
    by_system = _create(None, agency, name="he-thong", publisher_key="procedures.catalog")
    by_admin = _create(PlatformAdminFactory(), agency, name="quan-tri")

    assert by_system.publisher_key == "procedures.catalog"
    assert by_system.created_by is None
    assert by_admin.state == Dataset.State.DRAFT


@pytest.mark.parametrize("role", [Membership.Role.SPECIALIST, Membership.Role.LEADER, Membership.Role.DESK_OFFICER])
def test_other_roles_cannot_create(agency, role):
    staff = MembershipFactory(agency=agency, role=role).user

    with pytest.raises(PermissionDenied):
        _create(staff, agency)

    assert Dataset.objects.count() == 0


def test_the_admin_of_another_agency_cannot_create(agency):
    other_admin = MembershipFactory(role=Membership.Role.AGENCY_ADMIN).user

    with pytest.raises(PermissionDenied):
        _create(other_admin, agency)


@pytest.mark.parametrize(
    "name",
    [
        *["", "a", "Dan-So", "dân-số", "dan so", "dan_so", "-dan", "dan-", "dan--so", "x" * 101],
        *["'; drop table x; --", "7b1f3c2e-4b7a-4c1e-9d2a-0f6e5a4b3c2d"],
    ],
)
def test_bad_names_are_refused(agency, publisher, name):
    with pytest.raises(ValidationError) as raised:
        _create(publisher, agency, name=name)

    assert list(raised.value.message_dict) == ["name"]
    assert Dataset.objects.count() == 0


def test_a_taken_name_is_refused(agency, publisher):
    DatasetFactory(name="dan-so-ben-thanh")

    with pytest.raises(ValidationError) as raised:
        _create(publisher, agency)

    assert list(raised.value.message_dict) == ["name"]


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"theme": "XXXX"}, "theme"),
        ({"frequency": "HOURLY"}, "frequency"),
        ({"licence": "gpl"}, "licence"),
        ({"contact_email": "khong-phai-email"}, "contact_email"),
        ({"title": "  "}, "title"),
        ({"temporal_start": date(2025, 2, 1), "temporal_end": date(2025, 1, 1)}, "temporal_end"),
        ({"keywords": ["x" * 101]}, "keywords"),
    ],
)
def test_bad_metadata_is_refused(agency, publisher, fields, error_field):
    with pytest.raises(ValidationError) as raised:
        _create(publisher, agency, **fields)

    assert error_field in raised.value.message_dict
    assert Dataset.objects.count() == 0


def test_keywords_may_come_as_a_comma_separated_string(agency, publisher):
    assert _create(publisher, agency, keywords="dân số, khu phố,").keywords == ["dân số", "khu phố"]


def test_update_changes_the_fields_given_and_the_search_text(agency, publisher):
    dataset = _create(publisher, agency)
    before = dataset.modified_at

    updated = dataset_update(actor=publisher, dataset=dataset, title="Dân số và hộ gia đình", keywords=["hộ"])

    updated.refresh_from_db()
    assert updated.title == "Dân số và hộ gia đình"
    assert updated.keywords == ["hộ"]
    assert "dan so va ho gia dinh" in updated.search_text
    assert updated.modified_at > before
    [entry] = _audits("opendata.dataset_update")
    assert entry.data == {"fields": ["keywords", "title"]}


def test_an_update_without_changes_writes_nothing(agency, publisher):
    dataset = _create(publisher, agency)

    dataset_update(actor=publisher, dataset=dataset, title=dataset.title)

    assert _audits("opendata.dataset_update") == []


def test_the_name_is_locked_once_published(agency, publisher):
    draft = _create(publisher, agency)
    assert dataset_update(actor=publisher, dataset=draft, name="dan-so-2025").name == "dan-so-2025"
    published = _published(agency, name="da-cong-bo", published_at=timezone.now())

    with pytest.raises(ValidationError) as raised:
        dataset_update(actor=publisher, dataset=published, name="ten-moi")

    assert raised.value.message_dict == {"name": ["Không đổi được tên định danh của bộ dữ liệu đã công bố."]}
    assert Dataset.objects.filter(name="da-cong-bo").exists()


def test_making_a_dataset_shared_closes_its_licence(agency, publisher):
    dataset = _create(publisher, agency)

    updated = dataset_update(actor=publisher, dataset=dataset, visibility=Dataset.Visibility.SHARED)

    assert updated.licence == Licence.OTHER_CLOSED


def test_moving_a_dataset_needs_the_right_to_publish_for_both_agencies(agency, publisher):
    dataset = _create(publisher, agency)
    other = AgencyFactory()

    with pytest.raises(PermissionDenied):
        dataset_update(actor=publisher, dataset=dataset, organization=other)

    MembershipFactory(user=publisher, agency=other, role=Membership.Role.AGENCY_ADMIN)
    clear_permission_cache(publisher)
    assert dataset_update(actor=publisher, dataset=dataset, organization=other).organization == other


def test_update_refuses_unknown_fields_and_strangers(agency, publisher):
    dataset = _create(publisher, agency)

    with pytest.raises(TypeError):
        dataset_update(actor=publisher, dataset=dataset, state="published")
    with pytest.raises(TypeError):
        dataset_update(actor=publisher, dataset=dataset, publisher_key="x")
    with pytest.raises(PermissionDenied):
        dataset_update(actor=MembershipFactory().user, dataset=dataset, title="Khác")

    dataset.refresh_from_db()
    assert dataset.state == Dataset.State.DRAFT
    assert dataset.title == "Dân số phường Bến Thành"


def test_publishing_needs_a_resource(agency, publisher):
    dataset = _create(publisher, agency)

    with pytest.raises(ValidationError) as raised:
        dataset_publish(actor=publisher, dataset=dataset)

    assert raised.value.messages == ["Bộ dữ liệu cần ít nhất một tài nguyên trước khi công bố."]
    dataset.refresh_from_db()
    assert dataset.state == Dataset.State.DRAFT


def test_publish_then_withdraw_then_publish_again(agency, publisher):
    dataset = _create(publisher, agency)
    ResourceFactory(dataset=dataset)

    published = dataset_publish(actor=publisher, dataset=dataset)
    first_published_at = published.published_at
    again = dataset_publish(actor=publisher, dataset=dataset)
    withdrawn = dataset_withdraw(actor=publisher, dataset=dataset, reason="  Số liệu   sai khu phố 3 ")
    republished = dataset_publish(actor=publisher, dataset=dataset)

    assert published.state == Dataset.State.PUBLISHED
    assert first_published_at is not None
    assert again.published_at == first_published_at
    assert withdrawn.state == Dataset.State.WITHDRAWN
    assert republished.state == Dataset.State.PUBLISHED
    assert republished.published_at == first_published_at
    assert [e.data for e in _audits("opendata.dataset_publish")] == [{"from": "draft"}, {"from": "withdrawn"}]
    assert [e.data for e in _audits("opendata.dataset_withdraw")] == [{"reason": "Số liệu sai khu phố 3"}]


@pytest.mark.parametrize("reason", ["", "   ", "x" * 501])
def test_withdrawing_needs_a_reason(agency, publisher, reason):
    dataset = _published(agency)

    with pytest.raises(ValidationError):
        dataset_withdraw(actor=publisher, dataset=dataset, reason=reason)

    dataset.refresh_from_db()
    assert dataset.state == Dataset.State.PUBLISHED


def test_only_a_published_dataset_can_be_withdrawn(agency, publisher):
    draft = _create(publisher, agency)

    with pytest.raises(ValidationError) as raised:
        dataset_withdraw(actor=publisher, dataset=draft, reason="Nhầm")

    assert raised.value.messages == ["Chỉ rút được bộ dữ liệu đang công bố."]


def test_strangers_cannot_publish_or_withdraw(agency):
    dataset = _published(agency, state=Dataset.State.DRAFT)
    stranger = MembershipFactory(agency=agency, role=Membership.Role.LEADER).user

    with pytest.raises(PermissionDenied):
        dataset_publish(actor=stranger, dataset=dataset)
    with pytest.raises(PermissionDenied):
        dataset_withdraw(actor=stranger, dataset=dataset, reason="Không")

    dataset.refresh_from_db()
    assert dataset.state == Dataset.State.DRAFT


# --- resources and versions ---------------------------------------------------------------------


def test_a_csv_resource_gets_version_one_and_a_table(agency, publisher, settings):
    dataset = _create(publisher, agency)

    resource = resource_create(
        actor=publisher,
        dataset=dataset,
        name="  Dân số   theo khu phố ",
        upload=ContentFile(CSV, name="Dân số 2025.csv"),
        note="Bản đầu tiên",
    )

    assert resource.name == "Dân số theo khu phố"
    assert resource.format == "CSV"
    assert resource.position == 1
    assert resource.datastore_active is True
    assert resource.row_count == 2
    assert [field["id"] for field in resource.fields] == ["Khu phố", "Số hộ", "Ghi chú"]
    [version] = resource.versions.all()
    assert version.number == 1
    assert version.size == len(CSV)
    assert version.sha256 == hashlib.sha256(CSV).hexdigest()
    assert version.original_name == "Dân số 2025.csv"
    assert version.row_count == 2
    assert version.note == "Bản đầu tiên"
    assert version.created_by == publisher
    assert version.file.name.startswith("opendata/")
    assert version.file.name.endswith(".csv")
    assert "Dân" not in version.file.name
    with default_storage.open(version.file.name, "rb") as stored:
        assert stored.read() == CSV
    dataset.refresh_from_db()
    assert dataset.modified_at == resource.modified_at
    assert [e.action for e in AuditEntry.objects.filter(action__startswith="opendata.resource").order_by("pk")] == [
        "opendata.resource_create",
        "opendata.resource_version_add",
    ]


def test_a_file_that_is_not_a_table_is_kept_as_a_file(agency, publisher):
    dataset = _create(publisher, agency)
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"

    resource = resource_create(
        actor=publisher, dataset=dataset, name="Báo cáo", upload=ContentFile(pdf, name="bao-cao.pdf")
    )

    assert resource.format == "PDF"
    assert resource.datastore_active is False
    assert resource.table_name == ""
    assert resource.current_version.size == len(pdf)


def test_the_format_can_be_given_and_is_required_without_an_extension(agency, publisher):
    dataset = _create(publisher, agency)

    given = resource_create(
        actor=publisher, dataset=dataset, name="Ranh giới", upload=ContentFile(b"{}", name="x.json"), format="geojson"
    )
    with pytest.raises(ValidationError) as raised:
        resource_create(actor=publisher, dataset=dataset, name="Không rõ", upload=ContentFile(b"abc", name="tep"))

    assert given.format == "GEOJSON"
    assert list(raised.value.message_dict) == ["format"]
    assert dataset.resources.count() == 1


def test_columns_can_be_typed_by_the_publisher(agency, publisher):
    dataset = _create(publisher, agency)
    fields = [
        {"id": "Khu phố", "type": "text", "label": ""},
        {"id": "Số hộ", "type": "text", "label": "Households"},
        {"id": "Ghi chú", "type": "text", "label": ""},
    ]

    resource = resource_create(
        actor=publisher, dataset=dataset, name="Dân số", upload=ContentFile(CSV, name="d.csv"), fields=fields
    )

    assert [(field["id"], field["type"]) for field in resource.fields] == [
        ("Khu phố", "text"),
        ("Số hộ", "text"),
        ("Ghi chú", "text"),
    ]


def test_a_new_version_keeps_the_earlier_one(agency, publisher):
    dataset = _create(publisher, agency)
    resource = resource_create(actor=publisher, dataset=dataset, name="Dân số", upload=ContentFile(CSV, name="a.csv"))
    newer = CSV + "Khu phố 3,610,\n".encode()

    version = resource_version_add(
        actor=publisher, resource=resource, upload=ContentFile(newer, name="b.csv"), note="Thêm khu phố 3"
    )

    resource.refresh_from_db()
    assert version.number == 2
    assert resource.row_count == 3
    assert resource.current_version == version
    first, second = resource.versions.order_by("number")
    assert (first.size, second.size) == (len(CSV), len(newer))
    assert first.file.name != second.file.name
    with default_storage.open(first.file.name, "rb") as stored:
        assert stored.read() == CSV


@pytest.mark.parametrize(
    "content",
    [
        "Khu phố,Số hộ\nKhu phố 1,420\nKhu phố 2,515,thừa\n".encode(),  # ragged row
        "Khu phố,Số hộ\nKhu phố 1,420\n".encode("utf-16-le"),  # UTF-16 without BOM
    ],
)
def test_a_bad_table_leaves_nothing_behind(agency, publisher, settings, content):
    dataset = _create(publisher, agency)
    resource = resource_create(actor=publisher, dataset=dataset, name="Dân số", upload=ContentFile(CSV, name="a.csv"))
    files_before = _stored_files(settings)

    with pytest.raises(ValidationError) as raised:
        resource_version_add(actor=publisher, resource=resource, upload=ContentFile(content, name="b.csv"))

    assert raised.value.code == "table"
    assert raised.value.messages[0]
    resource.refresh_from_db()
    assert resource.versions.count() == 1
    assert resource.row_count == 2
    assert resource.datastore_active is True
    assert _stored_files(settings) == files_before


def test_a_bad_first_upload_creates_no_resource(agency, publisher, settings):
    dataset = _create(publisher, agency)
    ragged = b"a,b\n1,2,3\n"

    with pytest.raises(ValidationError):
        resource_create(actor=publisher, dataset=dataset, name="Hỏng", upload=ContentFile(ragged, name="x.csv"))

    assert Resource.objects.count() == 0
    assert ResourceVersion.objects.count() == 0
    assert _stored_files(settings) == []


def test_empty_and_too_large_files_are_refused(agency, publisher, settings):
    settings.CONGSO_OPENDATA_MAX_UPLOAD_MB = 1
    dataset = _create(publisher, agency)
    too_large = b"a,b\n" + b"1,2\n" * (1024 * 1024 // 4)

    with pytest.raises(ValidationError) as empty:
        resource_create(actor=publisher, dataset=dataset, name="Rỗng", upload=ContentFile(b"", name="x.csv"))
    with pytest.raises(ValidationError) as large:
        resource_create(actor=publisher, dataset=dataset, name="Lớn", upload=ContentFile(too_large, name="x.csv"))

    assert empty.value.code == "file_empty"
    assert large.value.code == "file_too_large"
    assert large.value.messages == ["Tệp vượt quá dung lượng cho phép 1 MB."]
    assert Resource.objects.count() == 0
    assert _stored_files(settings) == []


def test_a_file_replacing_a_table_drops_it(agency, publisher):
    dataset = _create(publisher, agency)
    resource = resource_create(actor=publisher, dataset=dataset, name="Dân số", upload=ContentFile(CSV, name="a.csv"))

    resource_version_add(actor=publisher, resource=resource, upload=ContentFile(b"%PDF-1.4\n%%EOF", name="b.pdf"))

    resource.refresh_from_db()
    assert resource.datastore_active is False
    assert resource.table_name == ""
    assert resource.versions.count() == 2


def test_strangers_cannot_add_resources_or_versions(agency, publisher):
    dataset = _create(publisher, agency)
    resource = resource_create(actor=publisher, dataset=dataset, name="Dân số", upload=ContentFile(CSV, name="a.csv"))
    stranger = MembershipFactory(role=Membership.Role.AGENCY_ADMIN).user

    with pytest.raises(PermissionDenied):
        resource_create(actor=stranger, dataset=dataset, name="Khác", upload=ContentFile(CSV, name="a.csv"))
    with pytest.raises(PermissionDenied):
        resource_version_add(actor=stranger, resource=resource, upload=ContentFile(CSV, name="a.csv"))
    with pytest.raises(PermissionDenied):
        resource_update(actor=stranger, resource=resource, name="Khác")

    assert dataset.resources.count() == 1
    assert resource.versions.count() == 1


def test_resource_update_changes_the_metadata_only(agency, publisher):
    dataset = _create(publisher, agency)
    resource = resource_create(actor=publisher, dataset=dataset, name="Dân số", upload=ContentFile(CSV, name="a.csv"))

    updated = resource_update(actor=publisher, resource=resource, name="Dân số 2025", format="csv", name_en="Pop")

    assert (updated.name, updated.name_en, updated.format) == ("Dân số 2025", "Pop", "CSV")
    assert updated.versions.count() == 1
    assert _audits("opendata.resource_update")[0].data == {"fields": ["name", "name_en"]}
    with pytest.raises(ValidationError):
        resource_update(actor=publisher, resource=resource, name="  ")
    with pytest.raises(TypeError):
        resource_update(actor=publisher, resource=resource, table_name="x")


def test_declaring_combined_indexes_saves_audits_and_builds_them_on_commit(
    agency, publisher, django_capture_on_commit_callbacks
):
    dataset = _create(publisher, agency)
    resource = resource_create(actor=publisher, dataset=dataset, name="Dân số", upload=ContentFile(CSV, name="a.csv"))

    with django_capture_on_commit_callbacks(execute=True):
        resource_set_indexes(actor=publisher, resource=resource, indexes=[["Khu phố", "Số hộ"]])

    resource.refresh_from_db()
    assert resource.indexes == [["Khu phố", "Số hộ"]]
    assert _audits("opendata.resource_indexes")[0].data == {"before": [], "after": [["Khu phố", "Số hộ"]]}
    with connection.cursor() as cursor:
        indexes = {index.lower() for index in connection.introspection.get_constraints(cursor, resource.table_name)}
    assert f"{resource.table_name}_x_c1_c2" in indexes
    with django_capture_on_commit_callbacks(execute=True):
        resource_set_indexes(actor=publisher, resource=resource, indexes=[["Khu phố", "Số hộ"]])
    assert len(_audits("opendata.resource_indexes")) == 1  # nothing changed, nothing written


def test_declaring_indexes_is_checked(agency, publisher):
    dataset = _create(publisher, agency)
    resource = resource_create(actor=publisher, dataset=dataset, name="Dân số", upload=ContentFile(CSV, name="a.csv"))
    document = resource_create(
        actor=publisher, dataset=dataset, name="Quyết định", upload=ContentFile(b"%PDF-1.4", name="qd.pdf")
    )
    stranger = MembershipFactory(role=Membership.Role.AGENCY_ADMIN).user

    with pytest.raises(PermissionDenied):
        resource_set_indexes(actor=stranger, resource=resource, indexes=[["Khu phố", "Số hộ"]])
    with pytest.raises(ValidationError) as raised:
        resource_set_indexes(actor=publisher, resource=resource, indexes=[["Khu phố", "Dân số"]])
    assert raised.value.message_dict == {"indexes": ["Không có cột “Dân số”."]}
    with pytest.raises(ValidationError) as raised:
        resource_set_indexes(actor=publisher, resource=document, indexes=[["Khu phố", "Số hộ"]])
    assert raised.value.message_dict == {"indexes": ["Tài nguyên này không có bảng dữ liệu tra cứu."]}
    resource.refresh_from_db()
    assert resource.indexes == []


# --- grants -------------------------------------------------------------------------------------


def test_granting_access_is_idempotent_and_revocable(agency, publisher):
    dataset = _published(agency, visibility=Dataset.Visibility.SHARED)
    ward = AgencyFactory()

    first = access_grant(actor=publisher, dataset=dataset, agency=ward)
    second = access_grant(actor=publisher, dataset=dataset, agency=ward)

    assert first == second
    assert first.granted_by == publisher
    assert AccessGrant.objects.count() == 1
    assert [e.data for e in _audits("opendata.access_grant")] == [{"agency": ward.code}]

    access_revoke(actor=publisher, dataset=dataset, agency=ward)
    access_revoke(actor=publisher, dataset=dataset, agency=ward)

    assert AccessGrant.objects.count() == 0
    assert [e.data for e in _audits("opendata.access_revoke")] == [{"agency": ward.code}]


def test_grants_are_for_shared_datasets_of_other_agencies(agency, publisher):
    open_dataset = _published(agency)
    shared = _published(agency, visibility=Dataset.Visibility.SHARED)

    with pytest.raises(ValidationError) as not_shared:
        access_grant(actor=publisher, dataset=open_dataset, agency=AgencyFactory())
    with pytest.raises(ValidationError) as own:
        access_grant(actor=publisher, dataset=shared, agency=agency)

    assert not_shared.value.messages == ["Chỉ cấp quyền khai thác cho dữ liệu dùng chung."]
    assert own.value.messages == ["Cơ quan công bố đã có quyền khai thác bộ dữ liệu của mình."]
    assert AccessGrant.objects.count() == 0


def test_strangers_cannot_grant_or_revoke(agency):
    shared = _published(agency, visibility=Dataset.Visibility.SHARED)
    ward = AgencyFactory()
    ward_admin = MembershipFactory(agency=ward, role=Membership.Role.AGENCY_ADMIN).user

    with pytest.raises(PermissionDenied):
        access_grant(actor=ward_admin, dataset=shared, agency=ward)
    access_grant(actor=None, dataset=shared, agency=ward)
    with pytest.raises(PermissionDenied):
        access_revoke(actor=ward_admin, dataset=shared, agency=ward)

    assert AccessGrant.objects.count() == 1


# --- API keys -----------------------------------------------------------------------------------


def test_a_key_is_returned_once_and_only_its_hash_is_kept(agency, publisher):
    key, raw = api_key_create(actor=publisher, agency=agency, name="  Hệ thống   hộ tịch ", daily_quota=500)

    key.refresh_from_db()
    assert raw.startswith("cs_")
    assert len(raw) == 3 + 43
    assert key.prefix == raw[:10]
    assert key.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert key.name == "Hệ thống hộ tịch"
    assert key.daily_quota == 500
    assert key.created_by == publisher
    assert key.is_usable() is True
    [entry] = _audits("opendata.api_key_create")
    assert entry.data == {"agency": agency.code, "prefix": raw[:10], "daily_quota": 500}
    assert raw not in str(entry.data)
    assert api_key_create(actor=publisher, agency=agency, name="Khác")[1] != raw


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"name": " "}, "name"),
        ({"daily_quota": 0}, "daily_quota"),
        ({"daily_quota": 10_000_001}, "daily_quota"),
        ({"expires_at": timezone.now() - timedelta(minutes=1)}, "expires_at"),
    ],
)
def test_bad_key_settings_are_refused(agency, publisher, fields, error_field):
    with pytest.raises(ValidationError) as raised:
        api_key_create(actor=publisher, agency=agency, **({"name": "Khóa"} | fields))

    assert list(raised.value.message_dict) == [error_field]
    assert ApiKey.objects.count() == 0


def test_revoking_a_key_is_immediate_and_idempotent(agency, publisher):
    key, _raw = api_key_create(actor=publisher, agency=agency, name="Khóa")

    revoked = api_key_revoke(actor=publisher, key=key)
    again = api_key_revoke(actor=publisher, key=key)

    assert revoked.revoked_at is not None
    assert again.revoked_at == revoked.revoked_at
    assert revoked.is_usable() is False
    assert len(_audits("opendata.api_key_revoke")) == 1


def test_only_publishers_of_the_agency_manage_its_keys(agency, publisher):
    specialist = MembershipFactory(agency=agency, role=Membership.Role.SPECIALIST).user
    key, _raw = api_key_create(actor=publisher, agency=agency, name="Khóa")

    with pytest.raises(PermissionDenied):
        api_key_create(actor=specialist, agency=agency, name="Khóa khác")
    with pytest.raises(PermissionDenied):
        api_key_revoke(actor=specialist, key=key)

    assert ApiKey.objects.count() == 1
    key.refresh_from_db()
    assert key.revoked_at is None


# --- admin (read-only; revoking a key goes through the service) ---------------------------------


@pytest.fixture
def admin_client(client, login_staff):
    admin = PlatformAdminFactory(is_staff=True)
    login_staff(client, admin)
    return client


def test_the_admin_pages_list_and_show_the_catalog(admin_client, agency):
    dataset = _published(agency, visibility=Dataset.Visibility.SHARED)
    access_grant(actor=None, dataset=dataset, agency=AgencyFactory())
    key, _raw = api_key_create(actor=None, agency=agency, name="Khóa")
    resource = dataset.resources.get()

    for path in (
        "/admin/opendata/dataset/",
        f"/admin/opendata/dataset/{dataset.pk}/change/",
        "/admin/opendata/resource/",
        f"/admin/opendata/resource/{resource.pk}/change/",
        "/admin/opendata/accessgrant/",
        "/admin/opendata/apikey/",
        f"/admin/opendata/apikey/{key.pk}/change/",
        "/admin/opendata/apikeyusage/",
    ):
        assert admin_client.get(path).status_code == 200, path
    assert admin_client.get("/admin/opendata/dataset/add/").status_code == 403
    assert admin_client.post(f"/admin/opendata/dataset/{dataset.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Dataset.objects.filter(pk=dataset.pk).exists()


def test_the_admin_revokes_keys_through_the_service(admin_client, agency):
    key, _raw = api_key_create(actor=None, agency=agency, name="Khóa")

    response = admin_client.post(
        "/admin/opendata/apikey/", {"action": "revoke", "_selected_action": [key.pk]}, follow=True
    )

    assert response.status_code == 200
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert len(_audits("opendata.api_key_revoke")) == 1


def test_the_admin_is_for_platform_admins_only(client, login_staff, agency, publisher):
    publisher.is_staff = True
    publisher.save()
    login_staff(client, publisher)

    assert client.get("/admin/opendata/dataset/").status_code == 403
