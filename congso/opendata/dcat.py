"""The open-data catalog as DCAT-AP RDF (JSON-LD and Turtle), built with rdflib.

Only open published datasets appear — the catalog of a visitor without a login or a key
(``datasets_visible_to()``); a shared dataset is never described here, whoever asks.

Shapes (DCAT-AP 2/3, as ckanext-dcat's ``euro_dcat_ap_2`` profile maps a CKAN dataset):

- ``dcat:Catalog`` at the portal's address: titles and description in Vietnamese and English,
  the city People's Committee as publisher, languages, the EU data themes as theme taxonomy,
  the CKAN Action API as ``dcat:service``, and one page of datasets (``PAGE_SIZE``, by name).
  Paging follows Hydra, as harvesters (udata, ckanext-dcat) read it: the catalog is also a
  ``hydra:Collection`` with ``hydra:totalItems`` and a ``hydra:view`` — a
  ``hydra:PartialCollectionView`` named by the page's own URL, with first / previous / next /
  last links in the same serialisation.
- ``dcat:Dataset`` named ``<portal>/opendata/dataset/<name>`` (names do not change once
  published): ``dct:identifier`` (the CKAN id), titles and descriptions with language tags,
  keywords, EU data theme, licence, public access rights, publisher (``foaf:Organization``),
  contact point (``vcard:Kind``, the agency when the dataset names no contact), EU frequency,
  spatial coverage (``dct:Location``; the whole city when none is set), temporal coverage
  (``dct:PeriodOfTime``), issued / modified, landing page (the portal page).
- ``dcat:Distribution`` per resource: titles, description, access URL (the preview page),
  download URL (the current version), IANA media type, EU file type, byte size, SHA-256
  checksum (``spdx:checksum``), issued / modified, licence; a resource held in the tabular
  store also gets ``dcat:accessService``, the CKAN API (``datastore_search``).

URIs are built on ``settings.CONGSO_PUBLIC_URL``, not on the request's host, so that the same
thing has the same name however the site was reached.
"""

import math

from django.conf import settings
from django.db.models import Count, Max, Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseNotFound
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS, XSD

from congso.agencies.models import Agency
from congso.opendata.models import Dataset, Licence, Resource, ResourceVersion
from congso.opendata.selectors import dataset_for, datasets_visible_to, organization_name

PAGE_SIZE = 100
MAX_PAGE_DIGITS = 9

HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
EU = "http://publications.europa.eu/resource/authority/"
THEMES = Namespace(EU + "data-theme/")
FREQUENCIES = Namespace(EU + "frequency/")
FILE_TYPES = Namespace(EU + "file-type/")
LANGUAGES = Namespace(EU + "language/")
PUBLIC_ACCESS = URIRef(EU + "access-right/PUBLIC")
IANA = "http://www.iana.org/assignments/media-types/"
CKAN_API_DOCS = URIRef("https://docs.ckan.org/en/latest/api/")

PREFIXES = {
    "dcat": DCAT,
    "dct": DCTERMS,
    "foaf": FOAF,
    "vcard": VCARD,
    "skos": SKOS,
    "spdx": SPDX,
    "hydra": HYDRA,
    "xsd": XSD,
}

LICENCES = {
    Licence.CC_BY: URIRef("https://creativecommons.org/licenses/by/4.0/"),
    Licence.CC_ZERO: URIRef("https://creativecommons.org/publicdomain/zero/1.0/"),
    Licence.ODC_BY: URIRef("https://opendatacommons.org/licenses/by/1-0/"),
    Licence.ODC_ODBL: URIRef("https://opendatacommons.org/licenses/odbl/1-0/"),
}

# Resource.format → (IANA media type, EU file type); other formats get a plain dct:format literal.
MEDIA_TYPES = {
    "CSV": ("text/csv", "CSV"),
    "XLSX": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX"),
    "XLS": ("application/vnd.ms-excel", "XLS"),
    "JSON": ("application/json", "JSON"),
    "GEOJSON": ("application/geo+json", "GEOJSON"),
    "XML": ("application/xml", "XML"),
    "PDF": ("application/pdf", "PDF"),
    "ZIP": ("application/zip", "ZIP"),
    "DOCX": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "DOCX"),
    "TXT": ("text/plain", "TXT"),
}

CATALOG_TITLE = {"vi": "Cổng dữ liệu mở Công Sở", "en": "Công Sở open data portal"}
CATALOG_DESCRIPTION = {
    "vi": "Các bộ dữ liệu mở do cơ quan nhà nước của thành phố công bố, kèm siêu dữ liệu DCAT-AP.",
    "en": "Open datasets published by the city's government agencies, described in DCAT-AP.",
}
API_TITLE = {"vi": "Giao diện lập trình CKAN của cổng dữ liệu mở", "en": "CKAN Action API of the open data portal"}

FORMATS = {"jsonld": ("json-ld", "application/ld+json"), "ttl": ("turtle", "text/turtle; charset=utf-8")}


class PageNotFound(Exception):
    """The catalog has no such page."""


# --- addresses ------------------------------------------------------------------------------------


def _absolute(path: str) -> str:
    return settings.CONGSO_PUBLIC_URL.rstrip("/") + path


def catalog_uri() -> URIRef:
    return URIRef(_absolute(reverse("opendata:search")))


def catalog_page_url(fmt: str, page: int) -> URIRef:
    return URIRef(_absolute(reverse("opendata_dcat:catalog", kwargs={"fmt": fmt})) + f"?page={page}")


def dataset_uri(dataset: Dataset) -> URIRef:
    return URIRef(_absolute(reverse("opendata:search")) + f"dataset/{dataset.name}")


def distribution_uri(dataset: Dataset, resource: Resource) -> URIRef:
    return URIRef(f"{dataset_uri(dataset)}/resource/{resource.pk}")


def organization_uri(agency: Agency) -> URIRef:
    return URIRef(_absolute(reverse("opendata:search")) + f"organization/{organization_name(agency)}")


def api_uri() -> URIRef:
    return URIRef(_absolute(reverse("opendata_ckan:version")))


# --- building the graph ---------------------------------------------------------------------------


def _graph() -> Graph:
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph


def _texts(graph: Graph, subject: URIRef | BNode, predicate: URIRef, texts: dict[str, str]) -> None:
    """One literal per language, skipping empty texts."""
    for language, text in texts.items():
        if text:
            graph.add((subject, predicate, Literal(text, lang=language)))


def _instant(value) -> Literal:
    return Literal(timezone.localtime(value).replace(microsecond=0), datatype=XSD.dateTime)


def _city() -> Agency | None:
    """The city People's Committee (root agency of kind "city"): the catalog's publisher and default place."""
    return (
        Agency.objects.filter(kind=Agency.Kind.CITY, parent__isnull=True, is_active=True)
        .select_related("administrative_unit")
        .order_by("code")
        .first()
    )


def _add_organization(graph: Graph, agency: Agency) -> URIRef:
    node = organization_uri(agency)
    graph.add((node, RDF.type, FOAF.Organization))
    graph.add((node, FOAF.name, Literal(agency.name, lang="vi")))
    graph.add((node, DCTERMS.identifier, Literal(agency.code)))
    if agency.email:
        graph.add((node, FOAF.mbox, URIRef(f"mailto:{agency.email}")))
    return node


def _add_api(graph: Graph) -> URIRef:
    node = api_uri()
    graph.add((node, RDF.type, DCAT.DataService))
    _texts(graph, node, DCTERMS.title, API_TITLE)
    graph.add((node, DCAT.endpointURL, node))
    graph.add((node, DCAT.endpointDescription, CKAN_API_DOCS))
    graph.add((node, DCTERMS.conformsTo, CKAN_API_DOCS))
    return node


def _add_distribution(graph: Graph, dataset: Dataset, resource: Resource, licence: URIRef | None) -> URIRef:
    node = distribution_uri(dataset, resource)
    graph.add((node, RDF.type, DCAT.Distribution))
    graph.add((node, DCTERMS.identifier, Literal(str(resource.pk))))
    _texts(graph, node, DCTERMS.title, {"vi": resource.name, "en": resource.name_en})
    _texts(graph, node, DCTERMS.description, {"vi": resource.description})
    page = reverse("opendata:resource", args=[dataset.name, resource.pk])
    graph.add((node, DCAT.accessURL, URIRef(_absolute(page))))
    media_type, file_type = MEDIA_TYPES.get(resource.format, (None, None))
    if media_type:
        graph.add((node, DCAT.mediaType, URIRef(IANA + media_type)))
        graph.add((node, DCTERMS.format, FILE_TYPES[file_type]))
    elif resource.format:
        graph.add((node, DCTERMS.format, Literal(resource.format)))
    version = resource.current_version
    if version is not None:
        download = reverse("opendata:download", args=[dataset.name, resource.pk])
        graph.add((node, DCAT.downloadURL, URIRef(_absolute(download))))
        graph.add((node, DCAT.byteSize, Literal(version.size, datatype=XSD.nonNegativeInteger)))
        checksum = BNode()
        graph.add((node, SPDX.checksum, checksum))
        graph.add((checksum, RDF.type, SPDX.Checksum))
        graph.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        graph.add((checksum, SPDX.checksumValue, Literal(version.sha256, datatype=XSD.hexBinary)))
    graph.add((node, DCTERMS.issued, _instant(resource.created_at)))
    graph.add((node, DCTERMS.modified, _instant(resource.modified_at)))
    if licence is not None:
        graph.add((node, DCTERMS.license, licence))
    if resource.datastore_active:
        api = _add_api(graph)
        graph.add((node, DCAT.accessService, api))
        graph.add((api, DCAT.servesDataset, dataset_uri(dataset)))
    return node


def _add_contact(graph: Graph, node: URIRef, dataset: Dataset) -> None:
    name = dataset.contact_name or dataset.organization.name
    email = dataset.contact_email or dataset.organization.email
    contact = BNode()
    graph.add((node, DCAT.contactPoint, contact))
    graph.add((contact, RDF.type, VCARD.Kind))
    graph.add((contact, VCARD.fn, Literal(name, lang="vi")))
    if email:
        graph.add((contact, VCARD.hasEmail, URIRef(f"mailto:{email}")))


def _add_place(graph: Graph, node: URIRef, dataset: Dataset, city: Agency | None) -> None:
    unit = dataset.spatial or (city.administrative_unit if city is not None else None)
    if unit is None:
        return
    place = BNode()
    graph.add((node, DCTERMS.spatial, place))
    graph.add((place, RDF.type, DCTERMS.Location))
    graph.add((place, SKOS.prefLabel, Literal(unit.name, lang="vi")))
    graph.add((place, DCTERMS.identifier, Literal(unit.code)))


def _add_period(graph: Graph, node: URIRef, dataset: Dataset) -> None:
    if dataset.temporal_start is None and dataset.temporal_end is None:
        return
    period = BNode()
    graph.add((node, DCTERMS.temporal, period))
    graph.add((period, RDF.type, DCTERMS.PeriodOfTime))
    if dataset.temporal_start is not None:
        graph.add((period, DCAT.startDate, Literal(dataset.temporal_start, datatype=XSD.date)))
    if dataset.temporal_end is not None:
        graph.add((period, DCAT.endDate, Literal(dataset.temporal_end, datatype=XSD.date)))


def add_dataset(graph: Graph, dataset: Dataset, *, city: Agency | None) -> URIRef:
    """Describe one dataset and its distributions in ``graph`` (resources and versions prefetched)."""
    node = dataset_uri(dataset)
    graph.add((node, RDF.type, DCAT.Dataset))
    graph.add((node, DCTERMS.identifier, Literal(str(dataset.pk))))
    _texts(graph, node, DCTERMS.title, {"vi": dataset.title, "en": dataset.title_en})
    _texts(graph, node, DCTERMS.description, {"vi": dataset.description, "en": dataset.description_en})
    for keyword in dataset.keywords or []:
        graph.add((node, DCAT.keyword, Literal(keyword, lang="vi")))
    graph.add((node, DCAT.theme, THEMES[dataset.theme]))
    licence = LICENCES.get(dataset.licence)
    if licence is not None:
        graph.add((node, DCTERMS.license, licence))
    graph.add((node, DCTERMS.accessRights, PUBLIC_ACCESS))
    graph.add((node, DCTERMS.publisher, _add_organization(graph, dataset.organization)))
    _add_contact(graph, node, dataset)
    graph.add((node, DCTERMS.accrualPeriodicity, FREQUENCIES[dataset.frequency]))
    _add_place(graph, node, dataset, city)
    _add_period(graph, node, dataset)
    if dataset.published_at is not None:
        graph.add((node, DCTERMS.issued, _instant(dataset.published_at)))
    graph.add((node, DCTERMS.modified, _instant(dataset.modified_at)))
    graph.add((node, DCAT.landingPage, URIRef(_absolute(reverse("opendata:dataset", args=[dataset.name])))))
    graph.add((node, DCTERMS.language, LANGUAGES.VIE))
    if dataset.title_en or dataset.description_en:
        graph.add((node, DCTERMS.language, LANGUAGES.ENG))
    for resource in dataset.resources.all():
        graph.add((node, DCAT.distribution, _add_distribution(graph, dataset, resource, licence)))
    return node


def _public_datasets() -> QuerySet[Dataset]:
    # What a visitor without login or key sees, and — whatever that becomes — never a shared dataset.
    return datasets_visible_to().filter(visibility=Dataset.Visibility.OPEN)


def _with_details(datasets: QuerySet[Dataset]) -> QuerySet[Dataset]:
    return datasets.select_related("organization", "spatial").prefetch_related(
        Prefetch(
            "resources",
            queryset=Resource.objects.order_by("position", "created_at").prefetch_related(
                Prefetch("versions", queryset=ResourceVersion.objects.order_by("-number"))
            ),
        )
    )


def last_page(total: int) -> int:
    """The number of the last page (1 for an empty catalog)."""
    return max(1, math.ceil(total / PAGE_SIZE))


def catalog_graph(*, page: int, fmt: str) -> Graph:
    """Page ``page`` (from 1) of the catalog; paging links point to pages in ``fmt`` ("jsonld" or "ttl").

    Raises ``PageNotFound`` past the last page.
    """
    datasets = _public_datasets()
    summary = datasets.aggregate(total=Count("pk"), modified=Max("modified_at"))
    last = last_page(summary["total"])
    if not 1 <= page <= last:
        raise PageNotFound
    graph = _graph()
    node = catalog_uri()
    graph.add((node, RDF.type, DCAT.Catalog))
    graph.add((node, RDF.type, HYDRA.Collection))
    _texts(graph, node, DCTERMS.title, CATALOG_TITLE)
    _texts(graph, node, DCTERMS.description, CATALOG_DESCRIPTION)
    graph.add((node, FOAF.homepage, node))
    graph.add((node, DCTERMS.language, LANGUAGES.VIE))
    graph.add((node, DCTERMS.language, LANGUAGES.ENG))
    graph.add((node, DCAT.themeTaxonomy, URIRef(EU + "data-theme")))
    graph.add((node, DCAT.service, _add_api(graph)))
    if summary["modified"] is not None:
        graph.add((node, DCTERMS.modified, _instant(summary["modified"])))
    city = _city()
    if city is not None:
        graph.add((node, DCTERMS.publisher, _add_organization(graph, city)))
    start = (page - 1) * PAGE_SIZE
    for dataset in _with_details(datasets.order_by("name"))[start : start + PAGE_SIZE]:
        graph.add((node, DCAT.dataset, add_dataset(graph, dataset, city=city)))
    graph.add((node, HYDRA.totalItems, Literal(summary["total"], datatype=XSD.nonNegativeInteger)))
    view = catalog_page_url(fmt, page)
    graph.add((node, HYDRA.view, view))
    graph.add((view, RDF.type, HYDRA.PartialCollectionView))
    graph.add((view, HYDRA.first, catalog_page_url(fmt, 1)))
    graph.add((view, HYDRA.last, catalog_page_url(fmt, last)))
    if page > 1:
        graph.add((view, HYDRA.previous, catalog_page_url(fmt, page - 1)))
    if page < last:
        graph.add((view, HYDRA.next, catalog_page_url(fmt, page + 1)))
    return graph


def dataset_graph(dataset: Dataset) -> Graph:
    """One dataset with its distributions."""
    graph = _graph()
    add_dataset(graph, dataset, city=_city())
    return graph


def serialize(graph: Graph, fmt: str) -> bytes:
    """The graph as JSON-LD (compacted with the prefixes above, no remote context) or Turtle, UTF-8."""
    rdf_format, _content_type = FORMATS[fmt]
    if rdf_format == "json-ld":
        context = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
        return graph.serialize(format="json-ld", context=context, auto_compact=True, encoding="utf-8")
    return graph.serialize(format="turtle", encoding="utf-8")


# --- views ----------------------------------------------------------------------------------------------


def _rdf_response(graph: Graph, fmt: str) -> HttpResponse:
    response = HttpResponse(serialize(graph, fmt), content_type=FORMATS[fmt][1])
    # Open metadata: harvesters and browser applications of other sites may read it.
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _page_number(request: HttpRequest) -> int | None:
    """``?page=N`` (1 when absent); None when it is not a plain positive number."""
    text = request.GET.get("page", "1")
    if not text.isascii() or not text.isdigit() or len(text) > MAX_PAGE_DIGITS or int(text) < 1:
        return None
    return int(text)


def _text_response(response_class: type[HttpResponse], message: str) -> HttpResponse:
    return response_class(message, content_type="text/plain; charset=utf-8")


@require_safe
def catalog_view(request: HttpRequest, fmt: str) -> HttpResponse:
    """``/opendata/catalog.jsonld`` and ``catalog.ttl``: one page of the catalog (``?page=N``)."""
    page = _page_number(request)
    if page is None:
        return _text_response(HttpResponseBadRequest, _("Số trang phải là một số nguyên dương."))
    try:
        graph = catalog_graph(page=page, fmt=fmt)
    except PageNotFound:
        return _text_response(HttpResponseNotFound, _("Danh mục không có trang {page}.").format(page=page))
    return _rdf_response(graph, fmt)


@require_safe
def dataset_view(request: HttpRequest, name: str, fmt: str) -> HttpResponse:
    """``/opendata/dataset/<name>.jsonld`` and ``.ttl``: one open published dataset."""
    dataset = dataset_for(name_or_id=name)
    if dataset is None or dataset.visibility != Dataset.Visibility.OPEN:
        return _text_response(HttpResponseNotFound, _("Không tìm thấy bộ dữ liệu mở “{name}”.").format(name=name))
    return _rdf_response(dataset_graph(dataset), fmt)
