"""The catalog as DCAT-AP: parsed back with rdflib from both serialisations, triple by triple."""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS, XSD

from congso.agencies.models import Agency
from congso.agencies.tests.factories import AgencyFactory
from congso.geo.tests.factories import CommuneFactory, ProvinceFactory
from congso.opendata import dcat
from congso.opendata.dcat import HYDRA, SPDX, VCARD
from congso.opendata.models import Dataset, Frequency, Licence, Resource, Theme
from congso.opendata.tests.factories import DatasetFactory, ResourceFactory

pytestmark = pytest.mark.django_db

BASE = "https://data.congso.example"
EU = "http://publications.europa.eu/resource/authority/"
CSV = "ma,ten\n1,Bến Thành\n".encode()


@pytest.fixture(autouse=True)
def _site(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CONGSO_PUBLIC_URL = BASE + "/"


@pytest.fixture
def city():
    return AgencyFactory(
        code="000.00.00.H29",
        name="Ủy ban nhân dân Thành phố Hồ Chí Minh",
        kind=Agency.Kind.CITY,
        administrative_unit=ProvinceFactory(code="79", name="Thành phố Hồ Chí Minh"),
    )


@pytest.fixture
def population(city):
    """An open published dataset with every DCAT field set and one CSV resource."""
    agency = AgencyFactory(code="000.00.12.H29", name="Sở Khoa học và Công nghệ", email="skhcn@tphcm.gov.vn")
    dataset = DatasetFactory(
        name="dan-so-phuong",
        organization=agency,
        title="Dân số các phường — năm 2025",
        title_en="Population of the wards, 2025",
        description="Dân số và diện tích của từng phường, đặc khu.",
        description_en="Population and area of each ward.",
        keywords=["dân số", "phường"],
        theme=Theme.SOCI,
        licence=Licence.CC_BY,
        contact_name="Phòng Thống kê",
        contact_email="thongke@tphcm.gov.vn",
        frequency=Frequency.ANNUAL,
        spatial=CommuneFactory(code="26743", name="Phường Bến Thành"),
        temporal_start=datetime.date(2025, 1, 1),
        temporal_end=datetime.date(2025, 12, 31),
        published_at=datetime.datetime(2026, 1, 5, 3, 0, tzinfo=datetime.UTC),
        modified_at=datetime.datetime(2026, 2, 1, 3, 0, tzinfo=datetime.UTC),
    )
    ResourceFactory(dataset=dataset, name="Dân số theo phường", name_en="Population by ward", version__content=CSV)
    return dataset


def _parse(response, fmt: str) -> Graph:
    return Graph().parse(data=response.content.decode("utf-8"), format="json-ld" if fmt == "jsonld" else "turtle")


def _catalog(client, fmt: str = "ttl", **params) -> Graph:
    response = client.get(f"/opendata/catalog.{fmt}", params)
    assert response.status_code == 200, response.content
    return _parse(response, fmt)


def _dataset_node(dataset: Dataset) -> URIRef:
    return URIRef(f"{BASE}/opendata/dataset/{dataset.name}")


def _one(graph: Graph, subject, predicate):
    values = list(graph.objects(subject, predicate))
    assert len(values) == 1, (subject, predicate, values)
    return values[0]


# --- the catalog --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "content_type"), [("ttl", "text/turtle; charset=utf-8"), ("jsonld", "application/ld+json")]
)
def test_catalog_is_served_in_both_formats(client, population, fmt, content_type):
    response = client.get(f"/opendata/catalog.{fmt}")

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Access-Control-Allow-Origin"] == "*"
    graph = _parse(response, fmt)
    catalog = URIRef(f"{BASE}/opendata/")
    assert set(graph.objects(catalog, RDF.type)) == {DCAT.Catalog, HYDRA.Collection}
    assert list(graph.objects(catalog, DCAT.dataset)) == [_dataset_node(population)]


def test_catalog_describes_itself(client, population, city):
    graph = _catalog(client)
    catalog = URIRef(f"{BASE}/opendata/")

    assert set(graph.objects(catalog, DCTERMS.title)) == {
        Literal("Cổng dữ liệu mở Công Sở", lang="vi"),
        Literal("Công Sở open data portal", lang="en"),
    }
    assert len(list(graph.objects(catalog, DCTERMS.description))) == 2
    assert _one(graph, catalog, FOAF.homepage) == catalog
    assert set(graph.objects(catalog, DCTERMS.language)) == {URIRef(EU + "language/VIE"), URIRef(EU + "language/ENG")}
    assert _one(graph, catalog, DCAT.themeTaxonomy) == URIRef(EU + "data-theme")
    assert _one(graph, catalog, DCTERMS.modified) == Literal("2026-02-01T10:00:00+07:00", datatype=XSD.dateTime)
    publisher = _one(graph, catalog, DCTERMS.publisher)
    assert publisher == URIRef(f"{BASE}/opendata/organization/000-00-00-h29")
    assert _one(graph, publisher, FOAF.name) == Literal("Ủy ban nhân dân Thành phố Hồ Chí Minh", lang="vi")
    api = _one(graph, catalog, DCAT.service)
    assert api == URIRef(f"{BASE}/opendata/api/3")
    assert _one(graph, api, RDF.type) == DCAT.DataService
    assert _one(graph, api, DCAT.endpointURL) == api


def test_dataset_triples(client, population):
    graph = _catalog(client)
    node = _dataset_node(population)

    assert _one(graph, node, RDF.type) == DCAT.Dataset
    assert _one(graph, node, DCTERMS.identifier) == Literal(str(population.pk))
    assert set(graph.objects(node, DCTERMS.title)) == {
        Literal("Dân số các phường — năm 2025", lang="vi"),
        Literal("Population of the wards, 2025", lang="en"),
    }
    assert set(graph.objects(node, DCTERMS.description)) == {
        Literal("Dân số và diện tích của từng phường, đặc khu.", lang="vi"),
        Literal("Population and area of each ward.", lang="en"),
    }
    assert set(graph.objects(node, DCAT.keyword)) == {Literal("dân số", lang="vi"), Literal("phường", lang="vi")}
    assert _one(graph, node, DCAT.theme) == URIRef(EU + "data-theme/SOCI")
    assert _one(graph, node, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert _one(graph, node, DCTERMS.accessRights) == URIRef(EU + "access-right/PUBLIC")
    assert _one(graph, node, DCTERMS.accrualPeriodicity) == URIRef(EU + "frequency/ANNUAL")
    assert _one(graph, node, DCTERMS.issued) == Literal("2026-01-05T10:00:00+07:00", datatype=XSD.dateTime)
    assert _one(graph, node, DCTERMS.modified) == Literal("2026-02-01T10:00:00+07:00", datatype=XSD.dateTime)
    assert _one(graph, node, DCAT.landingPage) == URIRef(f"{BASE}/opendata/dataset/dan-so-phuong/")
    assert set(graph.objects(node, DCTERMS.language)) == {URIRef(EU + "language/VIE"), URIRef(EU + "language/ENG")}

    publisher = _one(graph, node, DCTERMS.publisher)
    assert publisher == URIRef(f"{BASE}/opendata/organization/000-00-12-h29")
    assert _one(graph, publisher, RDF.type) == FOAF.Organization
    assert _one(graph, publisher, FOAF.name) == Literal("Sở Khoa học và Công nghệ", lang="vi")
    assert _one(graph, publisher, DCTERMS.identifier) == Literal("000.00.12.H29")

    contact = _one(graph, node, DCAT.contactPoint)
    assert _one(graph, contact, RDF.type) == VCARD.Kind
    assert _one(graph, contact, VCARD.fn) == Literal("Phòng Thống kê", lang="vi")
    assert _one(graph, contact, VCARD.hasEmail) == URIRef("mailto:thongke@tphcm.gov.vn")

    place = _one(graph, node, DCTERMS.spatial)
    assert _one(graph, place, RDF.type) == DCTERMS.Location
    assert _one(graph, place, SKOS.prefLabel) == Literal("Phường Bến Thành", lang="vi")
    assert _one(graph, place, DCTERMS.identifier) == Literal("26743")

    period = _one(graph, node, DCTERMS.temporal)
    assert _one(graph, period, RDF.type) == DCTERMS.PeriodOfTime
    assert _one(graph, period, DCAT.startDate) == Literal(datetime.date(2025, 1, 1))
    assert _one(graph, period, DCAT.endDate) == Literal(datetime.date(2025, 12, 31))


def test_distribution_triples(client, population):
    resource = population.resources.get()
    graph = _catalog(client)

    distribution = _one(graph, _dataset_node(population), DCAT.distribution)
    assert distribution == URIRef(f"{BASE}/opendata/dataset/dan-so-phuong/resource/{resource.pk}")
    assert _one(graph, distribution, RDF.type) == DCAT.Distribution
    assert set(graph.objects(distribution, DCTERMS.title)) == {
        Literal("Dân số theo phường", lang="vi"),
        Literal("Population by ward", lang="en"),
    }
    page = f"{BASE}/opendata/dataset/dan-so-phuong/resource/{resource.pk}/"
    assert _one(graph, distribution, DCAT.accessURL) == URIRef(page)
    assert _one(graph, distribution, DCAT.downloadURL) == URIRef(page + "download/")
    assert _one(graph, distribution, DCAT.mediaType) == URIRef("http://www.iana.org/assignments/media-types/text/csv")
    assert _one(graph, distribution, DCTERMS.format) == URIRef(EU + "file-type/CSV")
    assert _one(graph, distribution, DCAT.byteSize) == Literal(len(CSV), datatype=XSD.nonNegativeInteger)
    assert _one(graph, distribution, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert len(list(graph.objects(distribution, DCTERMS.modified))) == 1
    checksum = _one(graph, distribution, SPDX.checksum)
    assert _one(graph, checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
    assert str(_one(graph, checksum, SPDX.checksumValue)).lower() == resource.current_version.sha256
    assert list(graph.objects(distribution, DCAT.accessService)) == []


def test_a_table_in_the_tabular_store_is_served_by_the_ckan_api(client, population):
    Resource.objects.filter(dataset=population).update(datastore_active=True)
    graph = _catalog(client)

    distribution = _one(graph, _dataset_node(population), DCAT.distribution)
    api = _one(graph, distribution, DCAT.accessService)
    assert api == URIRef(f"{BASE}/opendata/api/3")
    assert _one(graph, api, DCAT.servesDataset) == _dataset_node(population)
    assert _one(graph, api, DCAT.endpointDescription) == URIRef("https://docs.ckan.org/en/latest/api/")


def test_contact_and_place_fall_back_to_the_agency_and_the_city(client, city):
    agency = AgencyFactory(name="Sở Y tế", email="syt@tphcm.gov.vn")
    dataset = DatasetFactory(organization=agency, title_en="", description_en="", contact_name="", spatial=None)
    ResourceFactory(dataset=dataset, format="PDF")
    graph = _catalog(client)
    node = _dataset_node(dataset)

    contact = _one(graph, node, DCAT.contactPoint)
    assert _one(graph, contact, VCARD.fn) == Literal("Sở Y tế", lang="vi")
    assert _one(graph, contact, VCARD.hasEmail) == URIRef("mailto:syt@tphcm.gov.vn")
    place = _one(graph, node, DCTERMS.spatial)
    assert _one(graph, place, SKOS.prefLabel) == Literal("Thành phố Hồ Chí Minh", lang="vi")
    assert _one(graph, place, DCTERMS.identifier) == Literal("79")
    assert list(graph.objects(node, DCTERMS.temporal)) == []
    assert list(graph.objects(node, DCTERMS.language)) == [URIRef(EU + "language/VIE")]
    distribution = _one(graph, node, DCAT.distribution)
    assert _one(graph, distribution, DCAT.mediaType) == URIRef(
        "http://www.iana.org/assignments/media-types/application/pdf"
    )


def test_an_unknown_format_is_a_plain_literal_without_media_type(client):
    dataset = DatasetFactory()
    ResourceFactory(dataset=dataset, format="SHP")
    graph = _catalog(client)

    distribution = _one(graph, _dataset_node(dataset), DCAT.distribution)
    assert _one(graph, distribution, DCTERMS.format) == Literal("SHP")
    assert list(graph.objects(distribution, DCAT.mediaType)) == []


def test_only_open_published_datasets_appear(client):
    shown = DatasetFactory(name="mo-da-cong-bo")
    DatasetFactory(name="dung-chung", visibility=Dataset.Visibility.SHARED, licence=Licence.OTHER_CLOSED)
    DatasetFactory(name="ban-nhap", state=Dataset.State.DRAFT)
    DatasetFactory(name="da-rut", state=Dataset.State.WITHDRAWN)

    for fmt in ("ttl", "jsonld"):
        graph = _catalog(client, fmt)
        assert set(graph.subjects(RDF.type, DCAT.Dataset)) == {_dataset_node(shown)}
        assert _one(graph, URIRef(f"{BASE}/opendata/"), HYDRA.totalItems) == Literal(1, datatype=XSD.nonNegativeInteger)


def test_an_empty_catalog_has_one_page(client):
    graph = _catalog(client)
    view = URIRef(f"{BASE}/opendata/catalog.ttl?page=1")

    assert _one(graph, URIRef(f"{BASE}/opendata/"), HYDRA.totalItems) == Literal(0, datatype=XSD.nonNegativeInteger)
    assert _one(graph, view, HYDRA.last) == view
    assert list(graph.subjects(RDF.type, DCAT.Dataset)) == []
    assert client.get("/opendata/catalog.ttl", {"page": "2"}).status_code == 404


# --- paging -------------------------------------------------------------------------------------------


@pytest.fixture
def five(monkeypatch):
    monkeypatch.setattr(dcat, "PAGE_SIZE", 2)
    return [DatasetFactory(name=f"bo-{letter}") for letter in "edcba"]


def _page_view(graph: Graph, fmt: str, page: int) -> dict:
    catalog = URIRef(f"{BASE}/opendata/")
    view = _one(graph, catalog, HYDRA.view)
    assert view == URIRef(f"{BASE}/opendata/catalog.{fmt}?page={page}")
    assert _one(graph, view, RDF.type) == HYDRA.PartialCollectionView
    links = {}
    for name in ("first", "previous", "next", "last"):
        values = list(graph.objects(view, HYDRA[name]))
        links[name] = str(values[0]).rsplit("?page=", 1)[1] if values else None
        assert all(str(value).startswith(f"{BASE}/opendata/catalog.{fmt}?page=") for value in values)
    names = sorted(str(node).rsplit("/", 1)[1] for node in graph.objects(catalog, DCAT.dataset))
    return {"links": links, "datasets": names, "total": int(_one(graph, catalog, HYDRA.totalItems))}


@pytest.mark.parametrize("fmt", ["ttl", "jsonld"])
def test_pages_link_to_first_previous_next_and_last(client, five, fmt):
    pages = [_page_view(_catalog(client, fmt, page=page), fmt, page) for page in (1, 2, 3)]

    assert pages == [
        {"links": {"first": "1", "previous": None, "next": "2", "last": "3"}, "datasets": ["bo-a", "bo-b"], "total": 5},
        {"links": {"first": "1", "previous": "1", "next": "3", "last": "3"}, "datasets": ["bo-c", "bo-d"], "total": 5},
        {"links": {"first": "1", "previous": "2", "next": None, "last": "3"}, "datasets": ["bo-e"], "total": 5},
    ]


def test_without_page_the_first_page_is_served(client, five):
    assert _page_view(_catalog(client), "ttl", 1)["datasets"] == ["bo-a", "bo-b"]


@pytest.mark.parametrize("page", ["abc", "0", "-1", "1.5", "٣", "", "1 ", "9999999999", "1e3"])
def test_a_malformed_page_is_a_bad_request(client, five, page):
    response = client.get("/opendata/catalog.jsonld", {"page": page})

    assert response.status_code == 400
    assert response.content.decode() == "Số trang phải là một số nguyên dương."


@pytest.mark.parametrize("page", ["4", "999999999"])
def test_a_page_past_the_last_is_not_found(client, five, page):
    response = client.get("/opendata/catalog.ttl", {"page": page})

    assert response.status_code == 404
    assert response.content.decode() == f"Danh mục không có trang {page}."


def test_catalog_queries_do_not_grow_with_the_datasets(client, city):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/opendata/catalog.ttl").status_code == 200
        return len(queries)

    for _ in range(2):
        ResourceFactory(dataset=DatasetFactory())
    few = count()
    for _ in range(4):
        dataset = DatasetFactory()
        ResourceFactory(dataset=dataset)
        ResourceFactory(dataset=dataset)

    assert count() == few == 5


# --- one dataset --------------------------------------------------------------------------------------


def test_dataset_document_is_the_same_graph_in_both_formats(client, population):
    turtle = client.get("/opendata/dataset/dan-so-phuong.ttl")
    json_ld = client.get("/opendata/dataset/dan-so-phuong.jsonld")

    assert (turtle.status_code, json_ld.status_code) == (200, 200)
    assert json_ld["Content-Type"] == "application/ld+json"
    assert isomorphic(_parse(turtle, "ttl"), _parse(json_ld, "jsonld"))
    assert "Dân số các phường — năm 2025" in turtle.content.decode("utf-8")
    document = json.loads(json_ld.content)
    assert set(document["@context"]) >= {"dcat", "dct", "foaf", "vcard", "hydra", "spdx"}


def test_dataset_document_describes_only_that_dataset(client, population):
    DatasetFactory(name="bo-khac")
    graph = _parse(client.get("/opendata/dataset/dan-so-phuong.ttl"), "ttl")

    assert set(graph.subjects(RDF.type, DCAT.Dataset)) == {_dataset_node(population)}
    assert list(graph.subjects(RDF.type, DCAT.Catalog)) == []


def test_dataset_found_by_id_too(client, population):
    response = client.get(f"/opendata/dataset/{population.pk}.ttl")

    assert response.status_code == 200
    assert set(_parse(response, "ttl").subjects(RDF.type, DCAT.Dataset)) == {_dataset_node(population)}


@pytest.mark.parametrize(
    ("fields", "name"),
    [
        ({"visibility": Dataset.Visibility.SHARED, "licence": Licence.OTHER_CLOSED}, "dung-chung"),
        ({"state": Dataset.State.DRAFT}, "ban-nhap"),
        ({"state": Dataset.State.WITHDRAWN}, "da-rut"),
    ],
)
def test_hidden_datasets_are_not_found(client, fields, name):
    DatasetFactory(name=name, **fields)

    for fmt in ("ttl", "jsonld"):
        response = client.get(f"/opendata/dataset/{name}.{fmt}")
        assert response.status_code == 404
        assert response.content.decode() == f"Không tìm thấy bộ dữ liệu mở “{name}”."


@pytest.mark.parametrize(
    "path",
    [
        "/opendata/dataset/khong-co.ttl",
        "/opendata/dataset/khong-co.rdf",
        "/opendata/dataset/a%27%20OR%201=1.jsonld",
        "/opendata/dataset/" + "a" * 101 + ".ttl",
        "/opendata/catalog.xml",
    ],
)
def test_unknown_documents_are_not_found(client, population, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("path", ["/opendata/dataset/%00.ttl", "/opendata/catalog.ttl?page=1%00"])
def test_a_nul_character_is_refused_at_the_edge(client, path):
    assert client.get(path).status_code == 400  # ADR 0007


def test_only_reads_are_allowed(client, population):
    assert client.post("/opendata/catalog.ttl").status_code == 405
    assert client.post("/opendata/dataset/dan-so-phuong.jsonld").status_code == 405
    assert client.head("/opendata/catalog.ttl").status_code == 200
