"""The public open-data portal: search with facets, a dataset's page, the table preview and the downloads."""

import csv
import io
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from congso.accounts.tests.factories import StaffFactory
from congso.agencies.models import Membership
from congso.agencies.tests.factories import AgencyFactory, MembershipFactory
from congso.opendata import access, services
from congso.opendata.models import ApiKeyUsage, Dataset, Licence, Resource, Theme
from congso.opendata.services import dataset_search_text
from congso.opendata.tests.factories import (
    AccessGrantFactory,
    ResourceFactory,
    api_key_for,
    searchable_dataset,
)

pytestmark = pytest.mark.django_db

SEARCH = "/opendata/"
SHARED = Dataset.Visibility.SHARED


def _html(response) -> str:
    return response.content.decode()


def _titles(response) -> list[str]:
    return [dataset.title for dataset in response.context["page_obj"].object_list]


def _csv_upload(text: str, name: str = "du-lieu.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


POPULATION = (
    "phuong,dan_so,dien_tich\nBến Thành,11000,0.93\nSài Gòn,45000,1.2\nTân Định,38000,0.62\nĐa Kao,20000,0.99\n"
)


@pytest.fixture
def table(settings):
    """An open published dataset with a CSV table of four wards loaded in the tabular store."""
    agency = AgencyFactory(name="Sở Thông tin và Truyền thông")
    dataset = services.dataset_create(
        actor=None, organization=agency, name="dan-so-phuong", title="Dân số các phường", theme=Theme.SOCI
    )
    resource = services.resource_create(
        actor=None, dataset=dataset, name="Dân số theo phường", upload=_csv_upload(POPULATION)
    )
    services.dataset_publish(actor=None, dataset=dataset)
    return Resource.objects.select_related("dataset").get(pk=resource.pk)


def _preview_url(resource: Resource) -> str:
    return reverse("opendata:resource", args=[resource.dataset.name, resource.pk])


# --- search ---------------------------------------------------------------------------------------------


def test_search_without_datasets_shows_an_empty_state(client):
    response = client.get(SEARCH)

    assert response.status_code == 200
    assert "Chưa có bộ dữ liệu nào được công bố." in _html(response)
    assert 'href="/opendata/catalog.jsonld"' in _html(response)
    assert response.context["page_obj"].paginator.count == 0


def test_search_lists_published_open_datasets_only(client):
    searchable_dataset(title="Trường học")
    searchable_dataset(title="Bản nháp", state=Dataset.State.DRAFT)
    searchable_dataset(title="Đã rút", state=Dataset.State.WITHDRAWN)
    searchable_dataset(title="Hộ tịch dùng chung", visibility=SHARED, licence=Licence.OTHER_CLOSED)

    response = client.get(SEARCH)

    assert _titles(response) == ["Trường học"]
    assert "Tìm thấy 1 bộ dữ liệu" in _html(response)


def test_search_matches_words_typed_without_diacritics(client):
    searchable_dataset(title="Chợ truyền thống", description="Danh sách chợ")
    searchable_dataset(title="Nhà vệ sinh công cộng")

    response = client.get(SEARCH, {"q": "cho truyen thong"})

    assert _titles(response) == ["Chợ truyền thống"]


def test_search_without_match_suggests_what_to_try(client):
    searchable_dataset(title="Trạm xe buýt")

    html = _html(client.get(SEARCH, {"q": "tàu ngầm"}))

    assert "Không tìm thấy bộ dữ liệu phù hợp" in html
    assert "Xem tất cả bộ dữ liệu" in html


def test_facets_count_and_toggle_values(client):
    sở = AgencyFactory(code="000.00.31.H29", name="Sở Giáo dục và Đào tạo")
    searchable_dataset(title="Trường học", organization=sở, theme=Theme.EDUC)
    searchable_dataset(title="Thư viện", organization=sở, theme=Theme.EDUC)
    searchable_dataset(title="Không khí", theme=Theme.ENVI)

    response = client.get(SEARCH)

    groups = {group.key: group for group in response.context["facet_groups"]}
    education = next(link for link in groups["theme"].links if link.label == Theme.EDUC.label)
    assert education.count == 2 and education.selected is False
    assert education.url == "/opendata/?theme=EDUC"
    organisation = groups["organization"].links[0]
    assert (organisation.label, organisation.count) == ("Sở Giáo dục và Đào tạo", 2)
    assert organisation.url == "/opendata/?organization=000-00-31-h29"

    chosen = client.get(SEARCH, {"theme": "EDUC", "q": "truong"})

    assert _titles(chosen) == ["Trường học"]
    selected = next(link for g in chosen.context["facet_groups"] if g.key == "theme" for link in g.links)
    assert selected.selected is True
    assert selected.url == "/opendata/?q=truong"
    [active] = chosen.context["active_filters"]
    assert (active.label, active.remove_url) == (str(Theme.EDUC.label), "/opendata/?q=truong")
    assert chosen.context["clear_url"] == "/opendata/?q=truong"
    html = _html(chosen)
    assert '<span class="visually-hidden">Đang chọn: </span>Giáo dục, văn hóa và thể thao' in html
    assert '<input type="hidden" name="theme" value="EDUC">' in html


def test_facet_counts_are_spoken_with_their_unit_in_either_language(client, settings):
    searchable_dataset(title="Trường học", theme=Theme.EDUC)
    searchable_dataset(title="Thư viện", theme=Theme.EDUC)
    searchable_dataset(title="Không khí", theme=Theme.ENVI)

    vietnamese = _html(client.get(SEARCH))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = _html(client.get(SEARCH))

    assert '2<span class="visually-hidden"> bộ dữ liệu</span>' in vietnamese
    assert '2<span class="visually-hidden"> datasets</span>' in english
    assert '1<span class="visually-hidden"> dataset</span>' in english


def test_values_of_one_facet_are_or_ed_and_facets_are_and_ed(client):
    searchable_dataset(title="Trường học", theme=Theme.EDUC, keywords=["trường"])
    searchable_dataset(title="Không khí", theme=Theme.ENVI, keywords=["môi trường"])
    searchable_dataset(title="Xe buýt", theme=Theme.TRAN, keywords=["trường"])

    either = client.get(SEARCH + "?theme=EDUC&theme=ENVI")
    both = client.get(SEARCH + "?theme=EDUC&theme=ENVI&tags=trường")

    assert sorted(_titles(either)) == ["Không khí", "Trường học"]
    assert _titles(both) == ["Trường học"]


def test_format_facet_counts_datasets_by_resource_format(client):
    ResourceFactory(dataset=searchable_dataset(title="A"), format="CSV")
    ResourceFactory(dataset=searchable_dataset(title="B"), format="PDF")

    response = client.get(SEARCH, {"res_format": "csv"})

    assert _titles(response) == ["A"]
    [active] = response.context["active_filters"]
    assert active.label == "CSV"


def test_search_pages_by_twenty_and_keeps_filters_in_page_links(client):
    for number in range(25):
        searchable_dataset(title=f"Bộ {number:02d}", theme=Theme.REGI)

    first = client.get(SEARCH, {"theme": "REGI", "sort": "title_string asc"})
    second = client.get(SEARCH, {"theme": "REGI", "sort": "title_string asc", "page": "2"})
    too_far = client.get(SEARCH, {"theme": "REGI", "sort": "title_string asc", "page": "999"})
    garbage = client.get(SEARCH, {"page": "-1e9"})

    assert _titles(first) == [f"Bộ {n:02d}" for n in range(20)]
    assert 'href="?theme=REGI&amp;sort=title_string+asc&amp;page=2"' in _html(first)
    assert _titles(second) == [f"Bộ {n:02d}" for n in range(20, 25)]
    assert _titles(too_far) == _titles(second)
    assert garbage.context["page_obj"].number == 1


def test_sort_by_title_descending(client):
    for title in ("Bến xe", "An toàn", "Cây xanh"):
        searchable_dataset(title=title)

    response = client.get(SEARCH, {"sort": "title_string desc"})

    assert _titles(response) == ["Cây xanh", "Bến xe", "An toàn"]


def test_an_unknown_sort_falls_back_to_relevance(client):
    searchable_dataset(title="Một")

    response = client.get(SEARCH, {"sort": "id; DROP TABLE opendata_dataset", "q": "x" * 500})

    assert response.status_code == 200
    assert response.context["form"].search() == {"q": "", "sort": ""}


def test_bad_facet_values_are_ignored_without_error(client):
    searchable_dataset(title="Một")

    response = client.get(SEARCH + "?organization=nobody&tags=" + "x" * 300 + "&theme=' OR 1=1 --")

    assert response.status_code == 200
    assert _titles(response) == []


def test_htmx_search_answers_the_results_only(client):
    searchable_dataset(title="Trường học")

    response = client.get(SEARCH, {"q": "truong"}, HTTP_HX_REQUEST="true")

    html = _html(response)
    assert "<html" not in html
    assert "Trường học" in html


def test_search_query_count_does_not_grow_with_the_results(client, django_assert_max_num_queries):
    for number in range(3):
        ResourceFactory(dataset=searchable_dataset(title=f"Bộ {number}"))
    with django_assert_max_num_queries(20) as few:
        client.get(SEARCH)
    for number in range(3, 15):
        ResourceFactory(dataset=searchable_dataset(title=f"Bộ {number}"))

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(SEARCH)

    assert len(response.context["page_obj"].object_list) == 15


def test_shared_datasets_show_to_staff_of_a_granted_agency():
    grant = AccessGrantFactory(dataset__title="Hộ tịch dùng chung", dataset__licence=Licence.OTHER_CLOSED)
    grant.dataset.search_text = dataset_search_text(grant.dataset)
    grant.dataset.save()
    officer = MembershipFactory(agency=grant.agency, role=Membership.Role.SPECIALIST).user
    staff = Client()
    staff.force_login(officer)

    assert _titles(staff.get(SEARCH)) == ["Hộ tịch dùng chung"]
    assert "Dữ liệu dùng chung" in _html(staff.get(SEARCH))
    assert _titles(Client().get(SEARCH)) == []


# --- one dataset ----------------------------------------------------------------------------------------


def test_dataset_page_shows_metadata_resources_versions_api_examples_and_dcat(client):
    dataset = searchable_dataset(
        name="truong-hoc",
        title="Trường học",
        title_en="Schools",
        keywords=["giáo dục", "trường"],
        theme=Theme.EDUC,
        contact_email="dulieu@tphcm.gov.vn",
    )
    resource = ResourceFactory(dataset=dataset, name="Danh sách trường", format="CSV")
    services.resource_version_add(actor=None, resource=resource, upload=_csv_upload("ma,ten\n2,B\n"), note="Thêm")

    response = client.get(reverse("opendata:dataset", args=["truong-hoc"]))

    html = _html(response)
    assert response.status_code == 200
    assert "<h1>Trường học</h1>" in html
    assert '<p class="muted" lang="en">Schools</p>' in html
    assert '<tr><th scope="row">Từ khóa</th><td>giáo dục, trường</td></tr>' in html
    assert f'href="/opendata/dataset/truong-hoc/resource/{resource.pk}/download/"' in html
    assert f'href="/opendata/dataset/truong-hoc/resource/{resource.pk}/v1/download/"' in html
    assert "Lịch sử phiên bản (2)" in html
    assert "curl &quot;http://testserver/opendata/api/3/action/package_show?id=truong-hoc&quot;" in html
    assert "ckan = RemoteCKAN(&quot;http://testserver/opendata&quot;)" in html
    assert 'href="/opendata/dataset/truong-hoc.jsonld"' in html
    assert 'href="/opendata/dataset/truong-hoc.ttl"' in html
    assert "Quản lý bộ dữ liệu" not in html


def test_dataset_page_of_a_table_shows_preview_export_and_datastore_example(client, table):
    html = _html(client.get(reverse("opendata:dataset", args=["dan-so-phuong"])))

    assert f'href="{_preview_url(table)}"' in html
    assert f'href="/opendata/dataset/dan-so-phuong/resource/{table.pk}/export.xlsx"' in html
    assert f"datastore_search?resource_id={table.pk}&amp;limit=5" in html
    assert "4 dòng" in html


def test_dataset_page_answers_by_id_too(client):
    dataset = searchable_dataset(title="Theo mã")

    assert client.get(reverse("opendata:dataset", args=[str(dataset.pk)])).status_code == 200


@pytest.mark.parametrize(
    "fields",
    [
        {"state": Dataset.State.DRAFT},
        {"state": Dataset.State.WITHDRAWN},
        {"visibility": SHARED, "licence": Licence.OTHER_CLOSED},
    ],
)
def test_hidden_datasets_are_not_found_for_visitors(client, fields):
    dataset = searchable_dataset(name="an-di", **fields)
    resource = ResourceFactory(dataset=dataset)

    assert client.get("/opendata/dataset/an-di/").status_code == 404
    assert client.get(f"/opendata/dataset/an-di/resource/{resource.pk}/").status_code == 404
    assert client.get(f"/opendata/dataset/an-di/resource/{resource.pk}/download/").status_code == 404


def test_unknown_dataset_is_not_found(client):
    assert client.get("/opendata/dataset/khong-co/").status_code == 404


def test_a_draft_shows_to_its_publisher_with_a_warning(client):
    dataset = searchable_dataset(name="nhap", state=Dataset.State.DRAFT)
    admin = MembershipFactory(agency=dataset.organization, role=Membership.Role.AGENCY_ADMIN).user
    client.force_login(admin)

    html = _html(client.get("/opendata/dataset/nhap/"))

    assert "chỉ cán bộ quản lý của cơ quan công bố nhìn thấy trang này" in html
    assert f'href="/backoffice/opendata/{dataset.pk}/"' in html
    assert 'href="/opendata/dataset/nhap.jsonld"' not in html


def test_shared_dataset_page_shows_the_key_in_the_examples(client):
    grant = AccessGrantFactory(dataset__name="ho-tich", dataset__licence=Licence.OTHER_CLOSED)
    client.force_login(MembershipFactory(agency=grant.agency).user)

    html = _html(client.get("/opendata/dataset/ho-tich/"))

    assert "curl -H &quot;Authorization: $CONGSO_API_KEY&quot;" in html
    assert "apikey=os.environ[&quot;CONGSO_API_KEY&quot;]" in html
    assert "Đây là dữ liệu dùng chung" in html
    assert ".jsonld" not in html


# --- downloads ------------------------------------------------------------------------------------------


def test_download_serves_the_current_version_as_an_attachment(client):
    content = "ma,ten\n1,Chợ Bến Thành\n".encode()
    resource = ResourceFactory(dataset=searchable_dataset(name="cho"), version__content=content)

    response = client.get(f"/opendata/dataset/cho/resource/{resource.pk}/download/")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Content-Disposition"] == 'attachment; filename="du-lieu.csv"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_earlier_versions_stay_downloadable(client):
    resource = ResourceFactory(dataset=searchable_dataset(name="cho"), version__content=b"v,1\n1,1\n")
    services.resource_version_add(actor=None, resource=resource, upload=SimpleUploadedFile("moi.pdf", b"%PDF-1.4 x"))

    first = client.get(f"/opendata/dataset/cho/resource/{resource.pk}/v1/download/")
    current = client.get(f"/opendata/dataset/cho/resource/{resource.pk}/download/")
    missing = client.get(f"/opendata/dataset/cho/resource/{resource.pk}/v3/download/")
    huge = client.get(f"/opendata/dataset/cho/resource/{resource.pk}/v{2**70}/download/")

    assert b"".join(first.streaming_content) == b"v,1\n1,1\n"
    assert b"".join(current.streaming_content) == b"%PDF-1.4 x"
    assert current["Content-Disposition"] == 'attachment; filename="moi.pdf"'
    assert (missing.status_code, huge.status_code) == (404, 404)


def test_a_resource_under_another_datasets_name_is_not_found(client):
    resource = ResourceFactory(dataset=searchable_dataset(name="that"))
    searchable_dataset(name="khac")

    assert client.get(f"/opendata/dataset/khac/resource/{resource.pk}/download/").status_code == 404
    assert client.get(f"/opendata/dataset/khac/resource/{resource.pk}/").status_code == 404


def test_a_shared_file_downloads_with_a_granted_key_and_is_logged(client):
    grant = AccessGrantFactory(dataset__name="ho-tich", dataset__licence=Licence.OTHER_CLOSED)
    resource = ResourceFactory(dataset=grant.dataset, version__content=b"a\n1\n")
    key, raw = api_key_for(grant.agency)
    url = f"/opendata/dataset/ho-tich/resource/{resource.pk}/download/"

    granted = client.get(url, HTTP_AUTHORIZATION=f"Bearer {raw}")
    without = client.get(url)
    wrong = client.get(url, HTTP_AUTHORIZATION="cs_khongphaikhoa")
    stranger_key, stranger_raw = api_key_for(AgencyFactory())
    stranger = client.get(url, HTTP_AUTHORIZATION=stranger_raw)

    assert granted.status_code == 200 and b"".join(granted.streaming_content) == b"a\n1\n"
    assert without.status_code == 404
    assert wrong.status_code == 403
    assert "Khóa API không hợp lệ" in wrong.content.decode()
    assert stranger.status_code == 404
    assert list(ApiKeyUsage.objects.filter(key=key).values_list("action", "status", "dataset")) == [
        ("download", 200, grant.dataset.pk)
    ]
    assert list(ApiKeyUsage.objects.filter(key=stranger_key).values_list("status", flat=True)) == [404]


def test_a_key_over_its_quota_is_refused_with_retry_after(client):
    grant = AccessGrantFactory(dataset__name="ho-tich", dataset__licence=Licence.OTHER_CLOSED)
    resource = ResourceFactory(dataset=grant.dataset)
    key, raw = api_key_for(grant.agency, daily_quota=1)
    url = f"/opendata/dataset/ho-tich/resource/{resource.pk}/download/"

    assert client.get(url, HTTP_AUTHORIZATION=raw).status_code == 200
    refused = client.get(url, HTTP_AUTHORIZATION=raw)

    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert access.requests_today(key) == 2
    assert list(ApiKeyUsage.objects.filter(key=key).order_by("at").values_list("status", flat=True)) == [200, 429]


# --- preview of a table ---------------------------------------------------------------------------------


def _cells(response) -> list[list[str]]:
    """The rows of the preview: the row number in the file, then the values as shown."""
    return [[str(number), *(value for value, _numeric in cells)] for number, cells in response.context["rows"]]


def test_preview_shows_the_rows_in_an_accessible_table(client, table):
    response = client.get(_preview_url(table))

    html = _html(response)
    assert response.status_code == 200
    assert _cells(response) == [
        ["1", "Bến Thành", "11000", "0.93"],
        ["2", "Sài Gòn", "45000", "1.2"],
        ["3", "Tân Định", "38000", "0.62"],
        ["4", "Đa Kao", "20000", "0.99"],
    ]
    assert '<caption id="preview-caption">Dân số theo phường: dòng 1–4. Bấm tên cột để sắp xếp.</caption>' in html
    assert '<th scope="col" class="numeric">' in html
    assert '<label for="id_f1">dan_so</label>' in html
    assert "4 dòng" in html


def test_preview_filters_on_a_column(client, table):
    response = client.get(_preview_url(table), {"f0": "Sài Gòn"})

    assert _cells(response) == [["2", "Sài Gòn", "45000", "1.2"]]
    assert response.context["form"].active is True


def test_preview_searches_words_in_text_columns(client, table):
    response = client.get(_preview_url(table), {"q": "tan dinh"})

    assert [row[1] for row in _cells(response)] == ["Tân Định"]


def test_preview_sorts_by_a_column_header(client, table):
    response = client.get(_preview_url(table), {"sort": "1", "order": "desc"})

    assert [row[1] for row in _cells(response)] == ["Sài Gòn", "Tân Định", "Đa Kao", "Bến Thành"]
    html = _html(response)
    assert 'aria-sort="descending"' in html
    assert 'href="?sort=1&amp;order=asc"' in html
    assert 'href="?sort=0&amp;order=asc"' in html


def test_preview_reports_a_value_that_does_not_fit_the_column(client, table):
    response = client.get(_preview_url(table), {"f1": "nhiều lắm"})

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["f1"]
    assert response.context["page_obj"] is None
    assert "Có lỗi cần sửa" in _html(response)


@pytest.mark.parametrize(
    "query",
    [
        {"sort": "99"},
        {"sort": "-1", "order": "sideways"},
        {"f0": "' OR 1=1 --", "q": "'; DROP TABLE opendata_dataset; --"},
        {"page": "99999999999999999999"},
        {"f2": "x" * 5000, "order": "desc"},
    ],
)
def test_preview_survives_bad_input(client, table, query):
    response = client.get(_preview_url(table), query)

    assert response.status_code == 200


def test_preview_pages_by_fifty_rows(client):
    agency = AgencyFactory()
    dataset = services.dataset_create(actor=None, organization=agency, name="dong", title="Dòng", theme=Theme.GOVE)
    rows = "".join(f"{number},Dòng {number}\n" for number in range(1, 121))
    resource = services.resource_create(actor=None, dataset=dataset, name="Bảng", upload=_csv_upload("so,ten\n" + rows))
    services.dataset_publish(actor=None, dataset=dataset)
    url = reverse("opendata:resource", args=["dong", resource.pk])

    third = client.get(url, {"page": "3"})
    beyond = client.get(url, {"page": "40"})

    assert [row[1] for row in _cells(third)] == [str(n) for n in range(101, 121)]
    assert third.context["page_obj"].paginator.num_pages == 3
    assert beyond.context["page_obj"].number == 3


def test_preview_with_an_htmx_request_answers_the_table_only(client, table):
    response = client.get(_preview_url(table), {"f0": "Đa Kao"}, HTTP_HX_REQUEST="true")

    html = _html(response)
    assert "<html" not in html
    assert "Đa Kao" in html


def test_a_file_without_a_table_has_no_preview(client):
    resource = ResourceFactory(dataset=searchable_dataset(name="bao-cao"), format="PDF")

    response = client.get(f"/opendata/dataset/bao-cao/resource/{resource.pk}/")

    assert response.status_code == 200
    assert "Tài nguyên này là tệp PDF, không có bảng để xem trước." in _html(response)
    assert client.get(f"/opendata/dataset/bao-cao/resource/{resource.pk}/export.csv").status_code == 404


# --- exports --------------------------------------------------------------------------------------------


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_export_csv_round_trips(client, table):
    response = client.get(reverse("opendata:export", args=["dan-so-phuong", table.pk, "csv"]))

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(_body(response).decode("utf-8-sig"))))
    assert rows[0][-3:] == ["phuong", "dan_so", "dien_tich"]
    assert [row[-3] for row in rows[1:]] == ["Bến Thành", "Sài Gòn", "Tân Định", "Đa Kao"]


def test_export_json_and_xlsx(client, table):
    as_json = client.get(reverse("opendata:export", args=["dan-so-phuong", table.pk, "json"]))
    as_xlsx = client.get(reverse("opendata:export", args=["dan-so-phuong", table.pk, "xlsx"]))

    records = json.loads(_body(as_json))
    assert [record["phuong"] for record in records] == ["Bến Thành", "Sài Gòn", "Tân Định", "Đa Kao"]
    sheet = load_workbook(io.BytesIO(_body(as_xlsx)), read_only=True).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert "phuong" in values[0]
    assert len(values) == 5


def test_export_in_an_unknown_format_is_not_found(client, table):
    assert client.get(f"/opendata/dataset/dan-so-phuong/resource/{table.pk}/export.exe").status_code == 404


# --- site links ---------------------------------------------------------------------------------------


def test_the_footer_links_to_the_portal(client):
    html = _html(client.get("/"))

    assert '<li><a href="/opendata/">Dữ liệu mở</a></li>' in html


def test_backoffice_navigation_has_open_data(client, login_staff):
    login_staff(client, StaffFactory())

    html = _html(client.get("/backoffice/"))

    assert '<li><a href="/backoffice/opendata/">Dữ liệu mở</a></li>' in html


def test_pages_have_one_h1_and_labelled_search(client, table):
    for url in (SEARCH, reverse("opendata:dataset", args=["dan-so-phuong"]), _preview_url(table)):
        html = _html(client.get(url))
        assert len(re.findall(r"<h1[ >]", html)) == 1, url
