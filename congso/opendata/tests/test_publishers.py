"""The publisher registry: suppression, idempotent publishing, the procedure catalog, the dossier statistics,
the nightly task and the management command."""

import csv
import datetime
import io
import re
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from congso.agencies.models import Agency
from congso.agencies.tests.factories import AgencyFactory
from congso.core.calendar import OFFICE_TZ
from congso.dossiers import opendata as dossier_opendata
from congso.dossiers import services as dossier_services
from congso.dossiers.models import Dossier
from congso.dossiers.tests.factories import agency_staff, online_procedure, submitted_dossier
from congso.geo.tests.factories import CommuneFactory
from congso.opendata import datastore, publishers, tasks
from congso.opendata.models import Dataset, Frequency, Resource, ResourceVersion, Theme
from congso.opendata.publishers import Publisher, PublishError, Run, Table, publish, publish_all, suppress
from congso.opendata.tests.factories import DatasetFactory
from congso.procedures.models import Procedure
from congso.procedures.tests.factories import FieldFactory, ProcedureFactory

pytestmark = pytest.mark.django_db

DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def city(db):
    return AgencyFactory(code="000.00.00.H29", name="Ủy ban nhân dân Thành phố Hồ Chí Minh", kind=Agency.Kind.CITY)


def _local(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=OFFICE_TZ)


def _csv(version: ResourceVersion) -> list[list[str]]:
    with version.file.open("rb") as handle:
        text = handle.read().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def _current(resource: Resource) -> ResourceVersion:
    return resource.versions.order_by("-number").first()


# --- suppression ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("count", "published"), [(0, "<5"), (1, "<5"), (4, "<5"), (5, 5), (6, 6), (1000, 1000)])
def test_counts_under_the_threshold_are_suppressed(count, published):
    assert suppress(count) == published


@pytest.mark.parametrize(("count", "published"), [(0, "<3"), (2, "<3"), (3, 3)])
def test_the_threshold_is_a_setting(settings, count, published):
    settings.CONGSO_OPENDATA_MIN_CELL = 3

    assert suppress(count) == published


def test_a_median_over_a_suppressed_count_is_suppressed_too():
    four = [Decimal(1), Decimal(2), Decimal(3), Decimal(9)]

    assert publishers.suppressed_median(four) is None
    assert publishers.suppressed_median([*four, Decimal(4)]) == Decimal("3.00")
    assert publishers.suppressed_median([*four, Decimal(4), Decimal("4.005")]) == Decimal("3.50")
    assert publishers.suppressed_median([Decimal("0.125")] * 5) == Decimal("0.13")
    assert publishers.suppressed_median([]) is None


# --- the registry and publishing -------------------------------------------------------------------------


@pytest.fixture
def registry(monkeypatch):
    """An empty registry for the test; the real one is restored afterwards."""
    monkeypatch.setattr(publishers, "_registry", {})
    return publishers._registry


ROWS = {"wards": [["Bến Thành", 11000, Decimal("0.93")], ["Sài Gòn", 45000, None]]}
FIELDS = [
    {"id": "ward", "type": "text", "label": "Phường"},
    {"id": "population", "type": "int", "label": "Dân số"},
    {"id": "area", "type": "numeric", "label": "Diện tích (km²)"},
]


def _wards(run: Run) -> list[list]:
    return ROWS["wards"]


def _publisher(**overrides) -> Publisher:
    fields = {
        "key": "test.wards",
        "organization": "000.00.00.H29",
        "name": "dan-so-phuong-thu",
        "title": "Dân số phường (thử)",
        "title_en": "Ward population (test)",
        "description": "Mô tả.",
        "theme": Theme.SOCI,
        "frequency": Frequency.MONTHLY,
        "keywords": ("dân số",),
        "tables": [Table(name="Dân số theo phường", name_en="Population by ward", fields=FIELDS, rows=_wards)],
    }
    return Publisher(**{**fields, **overrides})


@pytest.fixture
def wards(registry, city, monkeypatch):
    monkeypatch.setitem(ROWS, "wards", [["Bến Thành", 11000, Decimal("0.93")], ["Sài Gòn", 45000, None]])
    return publishers.register(_publisher())


def test_register_refuses_a_second_publisher_with_the_same_key(registry):
    first = publishers.register(_publisher())

    assert publishers.register(first) is first
    with pytest.raises(ValueError, match=re.escape("test.wards")):
        publishers.register(_publisher(title="Khác"))
    assert publishers.registered() == [first]


def test_first_run_creates_publishes_and_loads_the_table(wards, city):
    result = publish("test.wards", at=_local("2026-03-02T09:00"))

    dataset = Dataset.objects.get(publisher_key="test.wards")
    assert (result.created, result.new_versions, result.error, result.dataset) == (
        True,
        ["Dân số theo phường"],
        "",
        dataset,
    )
    assert (dataset.name, dataset.organization, dataset.state, dataset.visibility) == (
        "dan-so-phuong-thu",
        city,
        Dataset.State.PUBLISHED,
        Dataset.Visibility.OPEN,
    )
    assert (dataset.title, dataset.title_en, dataset.theme, dataset.frequency, dataset.keywords) == (
        "Dân số phường (thử)",
        "Ward population (test)",
        Theme.SOCI,
        Frequency.MONTHLY,
        ["dân số"],
    )
    assert dataset.published_at is not None
    resource = dataset.resources.get()
    assert (resource.name, resource.name_en, resource.format, resource.datastore_active, resource.row_count) == (
        "Dân số theo phường",
        "Population by ward",
        "CSV",
        True,
        2,
    )
    assert [(spec["id"], spec["type"], spec["label"]) for spec in resource.fields] == [
        ("ward", "text", "Phường"),
        ("population", "int", "Dân số"),
        ("area", "numeric", "Diện tích (km²)"),
    ]
    version = _current(resource)
    assert (version.number, version.original_name, version.note) == (1, "dan-so-theo-phuong.csv", "Cập nhật tự động")
    with version.file.open("rb") as handle:
        assert handle.read().startswith(b"\xef\xbb\xbfward,population,area\r\n")
    assert _csv(version) == [["ward", "population", "area"], ["Bến Thành", "11000", "0.93"], ["Sài Gòn", "45000", ""]]
    page = datastore.search(resource, sort="ward")
    assert [(record["ward"], record["population"], record["area"]) for record in page.records] == [
        ("Bến Thành", 11000, 0.93),
        ("Sài Gòn", 45000, None),
    ]


def test_a_second_run_with_the_same_rows_adds_no_version(wards):
    publish("test.wards")
    dataset = Dataset.objects.get(publisher_key="test.wards")
    modified = dataset.modified_at

    result = publish("test.wards")

    assert (result.created, result.new_versions, result.dataset.pk) == (False, [], dataset.pk)
    assert ResourceVersion.objects.filter(resource__dataset=dataset).count() == 1
    dataset.refresh_from_db()
    assert dataset.modified_at == modified


def test_changed_rows_make_a_new_version_and_keep_the_old_one(wards, monkeypatch):
    publish("test.wards")
    monkeypatch.setitem(ROWS, "wards", [["Bến Thành", 11500, Decimal("0.93")]])

    result = publish("test.wards")

    resource = Resource.objects.get(dataset__publisher_key="test.wards")
    assert result.new_versions == ["Dân số theo phường"]
    assert list(resource.versions.order_by("number").values_list("number", flat=True)) == [1, 2]
    assert _csv(_current(resource)) == [["ward", "population", "area"], ["Bến Thành", "11500", "0.93"]]
    assert resource.row_count == 1
    assert _csv(resource.versions.get(number=1))[1] == ["Bến Thành", "11000", "0.93"]


def test_changed_metadata_updates_the_dataset_without_a_new_version(wards, registry):
    publish("test.wards")
    registry["test.wards"] = _publisher(title="Dân số các phường", description_en="Population.")

    result = publish("test.wards")

    dataset = Dataset.objects.get(publisher_key="test.wards")
    assert (dataset.title, dataset.description_en, result.new_versions) == ("Dân số các phường", "Population.", [])
    assert ResourceVersion.objects.filter(resource__dataset=dataset).count() == 1


def test_a_withdrawn_dataset_stays_withdrawn(wards, monkeypatch):
    publish("test.wards")
    Dataset.objects.filter(publisher_key="test.wards").update(state=Dataset.State.WITHDRAWN)
    monkeypatch.setitem(ROWS, "wards", [["Tân Định", 38000, None]])

    result = publish("test.wards")

    assert (result.skipped, result.new_versions) == (True, [])
    assert Dataset.objects.get(publisher_key="test.wards").state == Dataset.State.WITHDRAWN
    assert ResourceVersion.objects.filter(resource__dataset__publisher_key="test.wards").count() == 1


def test_an_unknown_key_is_refused(registry):
    with pytest.raises(PublishError) as error:
        publish("khong.co")

    assert error.value.message == "Không có bộ phát hành dữ liệu mở nào mang mã “khong.co”."


def test_a_failing_publisher_keeps_nothing_and_does_not_stop_the_others(registry, city, monkeypatch):
    def broken(run: Run):
        yield ["Bến Thành", 1, None]
        raise RuntimeError("hỏng")

    publishers.register(_publisher())
    publishers.register(_publisher(key="test.broken", name="hong", tables=[Table("Hỏng", FIELDS, broken)]))
    publishers.register(_publisher(key="test.nowhere", name="khong-co-co-quan", organization="H29.KHONG"))
    publishers.register(_publisher(key="test.taken", name="ten-da-dung"))
    DatasetFactory(name="ten-da-dung", organization=city)

    results = {result.key: result for result in publish_all()}

    assert {key: result.error for key, result in results.items()} == {
        "test.broken": "hỏng",
        "test.nowhere": "Không tìm thấy cơ quan công bố “H29.KHONG” của bộ dữ liệu “test.nowhere”.",
        "test.taken": "Bộ dữ liệu có Tên định danh đã tồn tại.",
        "test.wards": "",
    }
    assert set(Dataset.objects.values_list("name", flat=True)) == {"ten-da-dung", "dan-so-phuong-thu"}
    assert Resource.objects.filter(dataset__name="hong").count() == 0


def test_publish_all_runs_only_the_keys_asked(wards, registry):
    publishers.register(_publisher(key="test.other", name="khac"))

    assert [result.key for result in publish_all(keys=["test.other"])] == ["test.other"]
    assert list(Dataset.objects.values_list("publisher_key", flat=True)) == ["test.other"]


def test_a_row_of_the_wrong_width_fails_the_run(registry, city, monkeypatch):
    publishers.register(_publisher())
    monkeypatch.setitem(ROWS, "wards", [["Bến Thành", 1]])

    (result,) = publish_all()

    assert result.error == "Table 'Dân số theo phường': a row has 2 values for 3 fields"
    assert not Dataset.objects.exists()


# --- the procedure catalog ---------------------------------------------------------------------------------


def test_the_procedure_catalog_publishes_every_published_procedure(city):
    ward = AgencyFactory(code="267.43.99.H29", name="Ủy ban nhân dân phường Bến Thành")
    justice = AgencyFactory(code="000.00.03.H29", name="Sở Tư pháp", kind=Agency.Kind.DEPARTMENT)
    civil = FieldFactory(code="ho-tich", name="Hộ tịch")
    ProcedureFactory(
        code="1.001193",
        name="Đăng ký khai sinh",
        field=civil,
        agencies=[ward, justice],
        deadline_days=Decimal("0.5"),
        fee=Decimal(8000),
        fee_online=Decimal(0),
    )
    ProcedureFactory(
        code="1.000894",
        name="Đăng ký kết hôn",
        field=civil,
        agencies=[ward],
        level=Procedure.Level.COMMUNE,
        online_level=Procedure.OnlineLevel.PARTIAL,
        deadline_days=Decimal(3),
        fee=Decimal(30000),
    )
    ProcedureFactory(code="1.999999", name="Thủ tục chưa công bố", is_published=False)

    result = publish("procedures.catalog")

    dataset = result.dataset
    assert (dataset.name, dataset.organization, dataset.state, dataset.frequency) == (
        "thu-tuc-hanh-chinh",
        city,
        Dataset.State.PUBLISHED,
        Frequency.DAILY,
    )
    resource = dataset.resources.get()
    assert _csv(_current(resource)) == [
        [
            "code",
            "name",
            "field",
            "level",
            "online_level",
            "fee",
            "fee_online",
            "deadline_days",
            "agencies",
            "agency_codes",
        ],
        [
            "1.000894",
            "Đăng ký kết hôn",
            "Hộ tịch",
            "Cấp xã",
            "Một phần",
            "30000",
            "30000",
            "3.0",
            "Ủy ban nhân dân phường Bến Thành",
            "267.43.99.H29",
        ],
        [
            "1.001193",
            "Đăng ký khai sinh",
            "Hộ tịch",
            "Cấp xã",
            "Toàn trình",
            "8000",
            "0",
            "0.5",
            "Sở Tư pháp; Ủy ban nhân dân phường Bến Thành",
            "000.00.03.H29; 267.43.99.H29",
        ],
    ]
    assert resource.row_count == 2
    assert publish("procedures.catalog").new_versions == []


# --- the dossier statistics ------------------------------------------------------------------------------


@pytest.fixture
def clock(monkeypatch):
    """Set the time the services see: ``clock("2026-03-02T09:00")`` (office time)."""
    now = {"at": _local("2026-03-01T08:00").astimezone(datetime.UTC)}
    monkeypatch.setattr("django.utils.timezone.now", lambda: now["at"])

    def set_to(text: str) -> datetime.datetime:
        now["at"] = _local(text).astimezone(datetime.UTC)
        return now["at"]

    return set_to


def _accepted(procedure: Procedure, at: str, clock) -> Dossier:
    clock(at)
    dossier = submitted_dossier(procedure=procedure)
    dossier_services.dossier_accept(actor=agency_staff(dossier.agency).desk, dossier=dossier)
    return Dossier.objects.get(pk=dossier.pk)


def _resolve(dossier: Dossier, at: str, clock) -> None:
    clock(at)
    staff = agency_staff(dossier.agency)
    while dossier.state == Dossier.State.PROCESSING:
        dossier_services.dossier_complete_step(actor=staff.specialist, dossier=dossier)
        dossier = Dossier.objects.get(pk=dossier.pk)
    dossier_services.dossier_approve(actor=staff.leader, dossier=dossier)


@pytest.fixture
def dossiers(clock, city):
    """Seven dossiers of March 2026 (no holiday in March; the deadline is 3 working days).

    Ward W (phường Bến Thành) handles procedure P; department X handles P2.
    A: 2 Mar 09:00 → result 4 Mar 09:00 (2 working days, on time). B: 2 Mar → result 9 Mar 09:00 (5 days,
    due 5 Mar 09:00: late). C: 27 Mar 09:00, due 1 Apr 09:00, still open. D: 30 Mar 09:00, asked for
    supplements twice (30 and 31 Mar), waiting: late by the national rule. E: P2 at X, refused. G: 2 Mar at
    W, transferred to X on 3 Mar, still open (due 5 Mar).
    """
    ward_unit = CommuneFactory(code="26743", name="Phường Bến Thành")
    w = AgencyFactory(code="267.43.99.H29", name="Ủy ban nhân dân phường Bến Thành", administrative_unit=ward_unit)
    x = AgencyFactory(code="000.00.03.H29", name="Sở Tư pháp", kind=Agency.Kind.DEPARTMENT)
    p = online_procedure(agencies=[w], code="1.001193", name="Đăng ký khai sinh", deadline_days=Decimal(3))
    p2 = online_procedure(agencies=[x], code="2.000001", name="Cấp phiếu lý lịch tư pháp", deadline_days=Decimal(3))

    a = _accepted(p, "2026-03-02T09:00", clock)
    b = _accepted(p, "2026-03-02T09:00", clock)
    g = _accepted(p, "2026-03-02T09:00", clock)
    _resolve(a, "2026-03-04T09:00", clock)
    _resolve(b, "2026-03-09T09:00", clock)
    clock("2026-03-02T09:00")
    e = submitted_dossier(procedure=p2)
    clock("2026-03-02T10:00")
    dossier_services.dossier_refuse(actor=agency_staff(x).desk, dossier=e, reason="Không thuộc thẩm quyền")
    clock("2026-03-03T09:00")
    dossier_services.dossier_transfer(actor=agency_staff(w).desk, dossier=g, to_agency=x, reason="Liên thông")
    clock("2026-03-03T10:00")
    dossier_services.dossier_receive_transfer(actor=agency_staff(x).desk, dossier=Dossier.objects.get(pk=g.pk))
    _accepted(p, "2026-03-27T09:00", clock)
    d = _accepted(p, "2026-03-30T09:00", clock)
    clock("2026-03-30T10:00")
    dossier_services.dossier_request_supplement(actor=agency_staff(w).desk, dossier=d, items=["Bản sao CCCD"])
    clock("2026-03-31T10:00")
    dossier_services.dossier_supplement(
        actor=d.applicant, dossier=Dossier.objects.get(pk=d.pk), files={}, note="Đã nộp"
    )
    clock("2026-03-31T11:00")
    dossier_services.dossier_request_supplement(
        actor=agency_staff(w).desk, dossier=Dossier.objects.get(pk=d.pk), items=["Bản gốc"]
    )
    clock("2026-04-06T09:00")
    return {"w": w, "x": x, "p": p, "p2": p2, "unit": ward_unit}


def _figures(stats, dimension: str) -> dict:
    return {
        key: (cell.received, cell.resolved, cell.resolved_late, cell.open_late, sorted(cell.handling_days))
        for key, cell in stats.cells[dimension].items()
    }


def test_dossier_statistics_match_the_hand_counts(dossiers):
    stats = dossier_opendata.dossier_statistics(at=_local("2026-04-06T09:00"))
    w, x, p, p2, unit = (dossiers[key].pk for key in ("w", "x", "p", "p2", "unit"))

    assert _figures(stats, "procedure") == {
        ("2026-03", p): (5, 2, 1, 2, [Decimal(2), Decimal(5)]),
        ("2026-03", p2): (1, 0, 0, 0, []),
        ("2026-04", p): (0, 0, 0, 3, []),
    }
    assert _figures(stats, "agency") == {
        ("2026-03", w): (5, 2, 1, 1, [Decimal(2), Decimal(5)]),
        ("2026-03", x): (1, 0, 0, 1, []),
        ("2026-04", w): (0, 0, 0, 2, []),
        ("2026-04", x): (0, 0, 0, 1, []),
    }
    assert _figures(stats, "ward") == {
        ("2026-03", unit): (5, 2, 1, 2, [Decimal(2), Decimal(5)]),
        ("2026-04", unit): (0, 0, 0, 3, []),
    }


def test_dossier_statistics_see_only_what_happened_before_the_run(dossiers):
    stats = dossier_opendata.dossier_statistics(at=_local("2026-03-05T09:00"))
    w, x, p, p2 = (dossiers[key].pk for key in ("w", "x", "p", "p2"))

    # B (result on 9 Mar) is open and not yet late; G is due at 09:00 exactly (late only after it).
    assert _figures(stats, "procedure") == {
        ("2026-03", p): (3, 1, 0, 0, [Decimal(2)]),
        ("2026-03", p2): (1, 0, 0, 0, []),
    }
    assert _figures(stats, "agency") == {("2026-03", w): (3, 1, 0, 0, [Decimal(2)]), ("2026-03", x): (1, 0, 0, 0, [])}


def test_month_ends_cut_the_history_at_office_midnight():
    ends = list(dossier_opendata.month_ends(_local("2026-01-31T23:30"), _local("2026-03-10T08:00")))

    assert ends == [
        ("2026-01", _local("2026-02-01T00:00")),
        ("2026-02", _local("2026-03-01T00:00")),
        ("2026-03", _local("2026-03-10T08:00")),
    ]


def test_dossier_tables_are_published_with_small_cells_suppressed(dossiers, settings):
    result = publish("dossiers.statistics", at=_local("2026-04-06T09:00"))

    dataset = result.dataset
    assert (dataset.name, dataset.temporal_start, dataset.temporal_end) == (
        "thong-ke-ho-so-thu-tuc-hanh-chinh",
        datetime.date(2026, 3, 1),
        datetime.date(2026, 4, 6),
    )
    tables = {resource.name: _csv(_current(resource)) for resource in dataset.resources.all()}
    measures = ["received", "resolved", "resolved_late", "open_late", "median_days"]
    assert tables == {
        "Hồ sơ theo thủ tục và tháng": [
            ["month", "procedure_code", "procedure_name", "field", *measures],
            ["2026-03", "1.001193", "Đăng ký khai sinh", dossiers["p"].field.name, "5", "<5", "<5", "<5", ""],
            ["2026-03", "2.000001", "Cấp phiếu lý lịch tư pháp", dossiers["p2"].field.name, "<5", "<5", "<5", "<5", ""],
            ["2026-04", "1.001193", "Đăng ký khai sinh", dossiers["p"].field.name, "<5", "<5", "<5", "<5", ""],
        ],
        "Hồ sơ theo cơ quan và tháng": [
            ["month", "agency_code", "agency_name", *measures],
            ["2026-03", "000.00.03.H29", "Sở Tư pháp", "<5", "<5", "<5", "<5", ""],
            ["2026-03", "267.43.99.H29", "Ủy ban nhân dân phường Bến Thành", "5", "<5", "<5", "<5", ""],
            ["2026-04", "000.00.03.H29", "Sở Tư pháp", "<5", "<5", "<5", "<5", ""],
            ["2026-04", "267.43.99.H29", "Ủy ban nhân dân phường Bến Thành", "<5", "<5", "<5", "<5", ""],
        ],
        "Hồ sơ theo phường, xã và tháng": [
            ["month", "ward_code", "ward_name", *measures],
            ["2026-03", "26743", "Phường Bến Thành", "5", "<5", "<5", "<5", ""],
            ["2026-04", "26743", "Phường Bến Thành", "<5", "<5", "<5", "<5", ""],
        ],
    }

    settings.CONGSO_OPENDATA_MIN_CELL = 2
    again = publish("dossiers.statistics", at=_local("2026-04-06T09:00"))

    assert again.new_versions == [
        "Hồ sơ theo thủ tục và tháng",
        "Hồ sơ theo cơ quan và tháng",
        "Hồ sơ theo phường, xã và tháng",
    ]
    ward = Resource.objects.get(dataset=dataset, name="Hồ sơ theo phường, xã và tháng")
    assert _csv(_current(ward))[1:] == [
        ["2026-03", "26743", "Phường Bến Thành", "5", "2", "<2", "2", "3.50"],
        ["2026-04", "26743", "Phường Bến Thành", "<2", "<2", "<2", "3", ""],
    ]
    assert [(spec["id"], spec["type"]) for spec in ward.fields][-2:] == [
        ("open_late", "text"),
        ("median_days", "numeric"),
    ]
    page = datastore.search(ward, sort="month")
    assert [record["median_days"] for record in page.records] == [3.5, None]
    assert publish("dossiers.statistics", at=_local("2026-04-06T09:00")).new_versions == []


def test_no_dossiers_publish_header_only_tables(city):
    result = publish("dossiers.statistics")

    assert result.error == ""
    assert (result.dataset.temporal_start, result.dataset.temporal_end) == (None, None)
    assert [resource.row_count for resource in result.dataset.resources.all()] == [0, 0, 0]


# --- the nightly task and the command ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        ("2026-03-02T01:59", "2026-03-02T02:00"),
        ("2026-03-02T02:00", "2026-03-03T02:00"),
        ("2026-03-02T23:00", "2026-03-03T02:00"),
        ("2026-03-31T02:30", "2026-04-01T02:00"),
    ],
)
def test_the_next_refresh_is_the_next_night(now, expected):
    assert tasks.next_refresh(_local(now)) == _local(expected)


def test_the_immediate_backend_cannot_schedule():
    assert tasks.schedule_refresh() is None
    with pytest.raises(CommandError, match="TASKS_BACKEND=immediate"):
        call_command("opendata_publish", "--schedule")


def test_the_database_backend_keeps_one_run_waiting(settings):
    settings.TASKS = DATABASE_BACKEND
    now = _local("2026-03-02T15:00")

    first = tasks.schedule_refresh(now=now)
    second = tasks.schedule_refresh(now=_local("2026-03-02T16:00"))

    assert first == second == _local("2026-03-03T02:00")
    waiting = DBTaskResult.objects.get()
    assert (waiting.task_path, waiting.status, waiting.run_after) == (
        "congso.opendata.tasks.refresh_published_datasets",
        "READY",
        _local("2026-03-03T02:00"),
    )


def test_the_command_schedules_with_the_database_backend(settings, capsys):
    settings.TASKS = DATABASE_BACKEND

    call_command("opendata_publish", "--schedule")

    assert DBTaskResult.objects.count() == 1
    assert capsys.readouterr().out.startswith("Lần cập nhật tiếp theo: 02:00 ")


@pytest.mark.django_db(transaction=True)  # the worker closes the database connection between tasks
def test_the_task_publishes_and_queues_the_next_night(settings, city, registry):
    settings.TASKS = DATABASE_BACKEND
    publishers.register(_publisher())
    publishers.register(_publisher(key="test.nowhere", name="khong-co-co-quan", organization="H29.KHONG"))
    with transaction.atomic():
        tasks.refresh_published_datasets.enqueue()

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    done = DBTaskResult.objects.get(status="SUCCESSFUL")
    assert done.return_value == {"changed": ["test.wards"], "unchanged": [], "failed": ["test.nowhere"], "tables": 1}
    waiting = DBTaskResult.objects.get(status="READY")
    assert waiting.run_after > done.enqueued_at
    assert Dataset.objects.get().publisher_key == "test.wards"


def test_the_task_runs_at_once_with_the_immediate_backend(wards):
    result = tasks.refresh_published_datasets.enqueue()

    assert result.return_value == {"changed": ["test.wards"], "unchanged": [], "failed": [], "tables": 1}
    assert tasks.refresh_published_datasets.enqueue().return_value["unchanged"] == ["test.wards"]


def test_the_command_publishes_and_reports(wards, capsys):
    call_command("opendata_publish")
    call_command("opendata_publish", "--key", "test.wards")
    call_command("opendata_publish", "--list")

    assert capsys.readouterr().out.splitlines() == [
        "test.wards: đã tạo và công bố “dan-so-phuong-thu”.",
        "Đã kiểm tra chỉ mục của 1 bảng tra cứu.",  # without --key: every table's indexes are completed too
        "test.wards: “dan-so-phuong-thu” không thay đổi.",
        "test.wards\tdan-so-phuong-thu\tDân số phường (thử)",
    ]


def test_the_command_reports_failures(registry, city, capsys):
    publishers.register(_publisher(key="test.nowhere", name="khong-co-co-quan", organization="H29.KHONG"))

    with pytest.raises(CommandError, match=re.escape("1 bộ phát hành không chạy được: test.nowhere.")):
        call_command("opendata_publish")
    assert "test.nowhere: lỗi — Không tìm thấy cơ quan công bố" in capsys.readouterr().out
    with pytest.raises(CommandError, match=re.escape("Không có bộ phát hành mang mã: khong.co")):
        call_command("opendata_publish", "--key", "khong.co")


def test_the_real_registry_holds_the_platform_publishers():
    assert [publisher.key for publisher in publishers.registered()] == ["dossiers.statistics", "procedures.catalog"]
