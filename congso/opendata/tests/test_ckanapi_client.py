"""The ckanapi client from PyPI, unchanged, against a live server: what existing open-data tools do."""

import pytest
from ckanapi import NotAuthorized, NotFound, RemoteCKAN, ValidationError
from django.core.files.base import ContentFile
from django.db import connection

from congso.agencies.tests.factories import AgencyFactory
from congso.opendata import datastore
from congso.opendata.models import ApiKeyUsage, Dataset, Theme
from congso.opendata.services import (
    access_grant,
    api_key_create,
    api_key_revoke,
    dataset_create,
    dataset_publish,
    resource_create,
)

pytestmark = pytest.mark.django_db(transaction=True)

MARKETS_CSV = (
    "ten_cho,phuong,so_sap,ngay_thanh_lap\n"
    "Chợ Bến Thành,Phường Bến Thành,1500,1914-03-28\n"
    "Chợ Tân Định,Phường Tân Định,800,1926-01-01\n"
    "Chợ Bình Tây,Phường Bình Tây,2300,1930-06-15\n"
).encode()
REGISTRY_CSV = "so_dang_ky,phuong,nam\nKS-001,Phường Sài Gòn,2024\nKS-002,Phường Sài Gòn,2025\n".encode()


def _published(*, organization, name, title, csv, **fields) -> tuple[Dataset, object]:
    dataset = dataset_create(actor=None, organization=organization, name=name, title=title, **fields)
    resource = resource_create(actor=None, dataset=dataset, name=title, upload=ContentFile(csv, name=f"{name}.csv"))
    dataset_publish(actor=None, dataset=dataset)
    return dataset, resource


@pytest.fixture
def site(live_server, monkeypatch):
    """Two open datasets and one shared dataset of the city, granted to a ward with a key."""
    # The live server's request threads end with the request: let them close their connections too,
    # or PostgreSQL keeps sessions open on the test database after the tests.
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 0)
    city = AgencyFactory(code="000.00.00.H29", name="Ủy ban nhân dân Thành phố Hồ Chí Minh")
    ward = AgencyFactory(code="H29.26737", name="Ủy ban nhân dân phường Sài Gòn")
    _markets, markets_table = _published(
        organization=city,
        name="cho-truyen-thong",
        title="Chợ truyền thống",
        theme=Theme.ECON,
        keywords=["chợ", "thương mại"],
        csv=MARKETS_CSV,
    )
    _toilets, toilets_table = _published(
        organization=city,
        name="nha-ve-sinh-cong-cong",
        title="Nhà vệ sinh công cộng",
        theme=Theme.REGI,
        keywords=["đô thị"],
        csv=b"dia_chi,quan\n1 Le Loi,1\n",
    )
    registry, registry_table = _published(
        organization=city,
        name="ho-tich-dung-chung",
        title="Cơ sở dữ liệu hộ tịch dùng chung (trích)",
        theme=Theme.SOCI,
        visibility=Dataset.Visibility.SHARED,
        csv=REGISTRY_CSV,
    )
    access_grant(actor=None, dataset=registry, agency=ward)
    key, raw = api_key_create(actor=None, agency=ward, name="Phần mềm một cửa phường")
    yield {
        "url": live_server.url + "/opendata",
        "markets_table": markets_table,
        "registry_table": registry_table,
        "key": key,
        "raw": raw,
    }
    for table in (markets_table, toilets_table, registry_table):
        datastore.drop(table)


def test_ckanapi_lists_shows_and_searches_datasets(site):
    ckan = RemoteCKAN(site["url"])

    names = ckan.action.package_list()
    dataset = ckan.action.package_show(id="cho-truyen-thong")
    found = ckan.action.package_search(q="cho", fq="tags:chợ res_format:CSV", **{"facet.field": ["organization"]})
    organizations = ckan.action.organization_list(all_fields=True)

    assert names == ["cho-truyen-thong", "nha-ve-sinh-cong-cong"]
    assert (dataset["title"], dataset["organization"]["name"], dataset["private"]) == (
        "Chợ truyền thống",
        "000-00-00-h29",
        False,
    )
    assert [(resource["format"], resource["datastore_active"]) for resource in dataset["resources"]] == [("CSV", True)]
    assert (found["count"], [result["name"] for result in found["results"]]) == (1, ["cho-truyen-thong"])
    assert found["search_facets"]["organization"]["items"] == [
        {"name": "000-00-00-h29", "display_name": "Ủy ban nhân dân Thành phố Hồ Chí Minh", "count": 1}
    ]
    assert [(org["name"], org["package_count"]) for org in organizations] == [("000-00-00-h29", 2)]


def test_ckanapi_reads_a_datastore_table(site):
    ckan = RemoteCKAN(site["url"])
    resource_id = str(site["markets_table"].id)

    page = ckan.action.datastore_search(resource_id=resource_id, filters={"phuong": "Phường Tân Định"})
    sorted_page = ckan.action.datastore_search(resource_id=resource_id, sort="so_sap desc", limit=2, fields=["ten_cho"])
    info = ckan.action.datastore_info(id=resource_id)

    assert (page["total"], page["records"][0]["ten_cho"], page["records"][0]["so_sap"]) == (1, "Chợ Tân Định", 800)
    assert [record["ten_cho"] for record in sorted_page["records"]] == ["Chợ Bình Tây", "Chợ Bến Thành"]
    assert [field["id"] for field in sorted_page["fields"]] == ["_id", "ten_cho"]
    assert info["meta"]["count"] == 3


def test_ckanapi_in_get_only_mode(site):
    ckan = RemoteCKAN(site["url"], get_only=True)

    found = ckan.action.package_search(fq="organization:000-00-00-h29", rows=1, sort="name asc")

    assert (found["count"], [result["name"] for result in found["results"]]) == (2, ["cho-truyen-thong"])


def test_ckanapi_raises_validation_error_on_a_bad_fq(site):
    with pytest.raises(ValidationError) as raised:
        RemoteCKAN(site["url"]).action.package_search(fq="-tags:chợ")

    assert raised.value.error_dict["__type"] == "Validation Error"
    assert raised.value.error_dict["fq"] == ["Sai cú pháp ở ký tự thứ 1: không hỗ trợ phủ định (-, !, NOT)."]


def test_a_shared_dataset_needs_a_granted_key(site):
    anonymous = RemoteCKAN(site["url"])
    wrong_key = RemoteCKAN(site["url"], apikey="cs_khong-phai-khoa-that")
    granted = RemoteCKAN(site["url"], apikey=site["raw"])
    registry_id = str(site["registry_table"].id)

    with pytest.raises(NotFound) as not_found:
        anonymous.action.package_show(id="ho-tich-dung-chung")
    with pytest.raises(NotFound):
        anonymous.action.datastore_search(resource_id=registry_id)
    with pytest.raises(NotAuthorized) as refused:
        wrong_key.action.package_show(id="ho-tich-dung-chung")

    assert str(not_found.value) == "không có bộ dữ liệu “ho-tich-dung-chung”, hoặc bạn không có quyền xem."
    assert refused.value.extra_msg == {
        "__type": "Authorization Error",
        "message": "Từ chối truy cập: Khóa API không hợp lệ: không có khóa nào như vậy.",
    }
    assert granted.action.package_show(id="ho-tich-dung-chung")["private"] is True
    assert [record["so_dang_ky"] for record in granted.action.datastore_search(resource_id=registry_id)["records"]] == [
        "KS-001",
        "KS-002",
    ]
    assert list(ApiKeyUsage.objects.order_by("at").values_list("action", "status")) == [
        ("package_show", 200),
        ("datastore_search", 200),
    ]


def test_a_revoked_key_raises_not_authorized(site):
    api_key_revoke(actor=None, key=site["key"])

    with pytest.raises(NotAuthorized) as refused:
        RemoteCKAN(site["url"], apikey=site["raw"]).action.package_list()

    assert refused.value.extra_msg["message"] == "Từ chối truy cập: Khóa API đã bị thu hồi."
