"""The tabular store: reading uploads, loading tables, searching and exporting them.

Runs on SQLite and, with DATABASE_URL pointing at PostgreSQL, on PostgreSQL (COPY path): the same files
must give the same tables, records and error messages on both.
"""

import codecs
import io
import json
import secrets
import threading
import time
from datetime import date, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from openpyxl import Workbook, load_workbook

from congso.opendata import datastore
from congso.opendata.datastore import QueryError, TableError, advice, loading
from congso.opendata.datastore import querying as datastore_querying
from congso.opendata.models import Resource, SlowSearch
from congso.opendata.tests.factories import ResourceFactory

pytestmark = pytest.mark.django_db

MARKETS = (
    "Mã chợ,Tên chợ,Phường,Số sạp,Diện tích (m²),Có bãi xe,Ngày khai trương,Cập nhật lúc\n"
    "001,Chợ Bến Thành,Phường Bến Thành,1500,13056.5,true,28/03/1914,2025-01-05 08:30:00\n"
    "002,Chợ Bình Tây,Phường Bình Tây,2300,25000,true,1930-01-01,2025-01-06 09:00:00\n"
    "003,Chợ Tân Định,Phường Tân Định,,4200.25,false,,2025-01-07 10:15:00\n"
    '004,"Chợ An Đông, khu A",Phường An Đông,900,7000,false,01/06/1991,\n'
)
MARKET_FIELDS = [
    {"id": "Mã chợ", "type": "text", "label": "Mã chợ"},
    {"id": "Tên chợ", "type": "text", "label": "Tên chợ"},
    {"id": "Phường", "type": "text", "label": "Phường"},
    {"id": "Số sạp", "type": "int", "label": "Số sạp"},
    {"id": "Diện tích (m²)", "type": "numeric", "label": "Diện tích (m²)"},
    {"id": "Có bãi xe", "type": "bool", "label": "Có bãi xe"},
    {"id": "Ngày khai trương", "type": "date", "label": "Ngày khai trương"},
    {"id": "Cập nhật lúc", "type": "timestamp", "label": "Cập nhật lúc"},
]
BEN_THANH = {
    "_id": 1,
    "Mã chợ": "001",
    "Tên chợ": "Chợ Bến Thành",
    "Phường": "Phường Bến Thành",
    "Số sạp": 1500,
    "Diện tích (m²)": 13056.5,
    "Có bãi xe": True,
    "Ngày khai trương": "1914-03-28",
    "Cập nhật lúc": "2025-01-05T08:30:00",
}
AN_DONG = {
    "_id": 4,
    "Mã chợ": "004",
    "Tên chợ": "Chợ An Đông, khu A",
    "Phường": "Phường An Đông",
    "Số sạp": 900,
    "Diện tích (m²)": 7000.0,
    "Có bãi xe": False,
    "Ngày khai trương": "1991-06-01",
    "Cập nhật lúc": None,
}


def upload(content: bytes | str, name: str = "du-lieu.csv") -> SimpleUploadedFile:
    data = content.encode() if isinstance(content, str) else content
    return SimpleUploadedFile(name, data, content_type="text/csv")


def xlsx_bytes(rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def resource() -> Resource:
    return ResourceFactory(version=False)


@pytest.fixture
def markets(resource) -> Resource:
    datastore.load(resource=resource, file=upload(MARKETS))
    return resource


def store_tables() -> set[str]:
    return {name for name in connection.introspection.table_names() if name.startswith("ds_")}


def pg_indexes(table: str) -> dict[str, str]:
    """PostgreSQL: index name → definition of a table's indexes."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [table])
        return dict(cursor.fetchall())


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL builds indexes after the commit"
)


def error_of(call, *args, **kwargs) -> str:
    with pytest.raises(TableError) as raised:
        call(*args, **kwargs)
    return raised.value.message


# --- is_tabular ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "head", "expected"),
    [
        ("cho.csv", b"a,b\n1,2\n", True),
        ("CHO.TSV", b"a\tb\n", True),
        ("cho.xlsx", b"PK\x03\x04rest", True),
        ("cho.xlsx", b"a,b\n", False),
        ("cho.csv", b"PK\x03\x04rest", False),
        ("cho.pdf", b"%PDF-1.7", False),
        ("cho.txt", b"a,b\n", False),
        ("cho", b"a,b\n", False),
    ],
)
def test_is_tabular_needs_a_tabular_name_and_matching_content(name, head, expected):
    assert datastore.is_tabular(name, head) is expected


# --- inspect ------------------------------------------------------------------------------------------------------


def test_inspect_infers_types_and_keeps_leading_zero_codes_as_text():
    inspection = datastore.inspect(upload(MARKETS))

    assert inspection.format == "csv"
    assert inspection.encoding == "utf-8"
    assert inspection.encoding_label == "UTF-8"
    assert inspection.delimiter == ","
    assert inspection.fields == MARKET_FIELDS
    assert inspection.sample[3] == [
        "004",
        "Chợ An Đông, khu A",
        "Phường An Đông",
        "900",
        "7000",
        "false",
        "01/06/1991",
        "",
    ]
    assert len(inspection.sample) == 4


def test_inspect_leaves_the_upload_where_it_was():
    file = upload(MARKETS)
    file.seek(5)

    datastore.inspect(file)

    assert file.tell() == 5


def test_inspect_keeps_only_twenty_sample_rows():
    content = "Số\n" + "".join(f"{n}\n" for n in range(50))

    inspection = datastore.inspect(upload(content))

    assert inspection.sample == [[str(n)] for n in range(20)]
    assert inspection.fields == [{"id": "Số", "type": "int", "label": "Số"}]


@pytest.mark.parametrize(
    ("encoded", "encoding"),
    [
        (codecs.BOM_UTF8 + "Tên,Số\nBến Thành,1\n".encode(), "utf-8-sig"),
        ("Tên,Số\nBến Thành,1\n".encode("utf-16"), "utf-16"),
        ("Tên,Số\nBến Thành,1\n".encode("utf-16-be"), None),
        # Windows-1258 writes Vietnamese with combining tone marks: the store reads them precomposed.
        ("T\u00ean,S\u00f4\u0301\nB\u00ea\u0301n Th\u00e0nh,1\n".encode("cp1258"), "cp1258"),
    ],
)
def test_inspect_reads_utf8_bom_utf16_and_windows_1258(encoded, encoding):
    if encoding is None:
        assert error_of(datastore.inspect, upload(encoded)) == (
            "Tệp có byte 0 (NUL): không phải tệp văn bản CSV, hoặc là UTF-16 không có BOM. "
            "Hãy lưu lại dưới dạng CSV UTF-8."
        )
        return
    inspection = datastore.inspect(upload(encoded))

    assert inspection.encoding == encoding
    assert [spec["id"] for spec in inspection.fields] == ["Tên", "Số"]
    assert inspection.sample == [["Bến Thành", "1"]]


@pytest.mark.parametrize(
    ("content", "delimiter"),
    [("a;b;c\n1;2,5;3\n4;5;6\n", ";"), ("a\tb\n1\t2\n", "\t"), ("a|b\n1|2\n", "|"), ("ten\nx\n", ",")],
)
def test_inspect_detects_the_delimiter(content, delimiter):
    assert datastore.inspect(upload(content)).delimiter == delimiter


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "Tệp trống."),
        (b" \n\n", "Tệp trống."),
        (b"Ten,Ten\n1,2\n", "Cột “Ten” có hai lần trong dòng tiêu đề."),
        (b"Ten,,So\n1,2,3\n", "Cột thứ 2 của dòng tiêu đề không có tên."),
        (b"_id,Ten\n1,2\n", "Tên cột “_id” không được bắt đầu bằng dấu gạch dưới (dành cho hệ thống)."),
        ("a" * 64 + ",b\n1,2\n", "Tên cột “" + "a" * 63 + "…” dài quá 63 ký tự."),
        (b"2023,2024\n1,2\n", "Dòng đầu tiên phải là dòng tiêu đề (tên các cột), nhưng chỉ có số hoặc ngày: “2023”…"),
        (b"Ten,So\n1,2\n3\n", "Dòng 3: số ô khác với số cột của dòng tiêu đề (2 cột)."),
        (b"Ten,So\n1,2\n\n3,4\n", "Dòng 3: số ô khác với số cột của dòng tiêu đề (2 cột)."),
        (b'Ten,So\n"abc,2\n', "Dòng 2: sai cú pháp CSV (dấu ngoặc kép không đóng hoặc thừa)."),
        (
            "Tên,Số\nBến Thành,1\n".encode() + b"\xff\n",
            "Dòng 3: có byte không đọc được theo bảng mã UTF-8. Hãy lưu lại dưới dạng CSV UTF-8.",
        ),
        (b"Ten,So\n\x81,1\n", "Không nhận ra bảng mã của tệp. Hãy lưu lại dưới dạng CSV UTF-8."),
    ],
)
def test_inspect_refuses_what_cannot_be_a_table(content, message):
    assert error_of(datastore.inspect, upload(content)) == message


def test_inspect_and_load_refuse_a_file_over_the_size_limit(settings, resource):
    settings.CONGSO_OPENDATA_MAX_UPLOAD_MB = 1
    content = b"Ten,So\n" + b"abcdefghij,123456\n" * 60_000  # 1.08 MB

    assert error_of(datastore.inspect, upload(content)) == "Tệp quá lớn (1,1 MB); tối đa 1 MB."
    assert error_of(datastore.load, resource=resource, file=upload(content)) == "Tệp quá lớn (1,1 MB); tối đa 1 MB."
    with translation.override("en"):  # the size is written the reader's way
        assert error_of(datastore.inspect, upload(content)) == "The file is too large (1.1 MB); the maximum is 1 MB."
    assert store_tables() == set()


def test_inspect_reads_the_first_sheet_of_an_xlsx_file():
    content = xlsx_bytes(
        [
            ["Phường", "Dân số", "Tỷ lệ", "Ngày", "Đô thị"],
            ["Bến Nghé", 12000, 0.5, datetime(2024, 1, 1), True],
            [],
            ["Đa Kao", 9000, 1.25, datetime(2024, 2, 1), False],
        ]
    )

    inspection = datastore.inspect(upload(content, "phuong.xlsx"))

    assert inspection.format == "xlsx"
    assert inspection.delimiter == ""
    assert [(spec["id"], spec["type"]) for spec in inspection.fields] == [
        ("Phường", "text"),
        ("Dân số", "int"),
        ("Tỷ lệ", "numeric"),
        ("Ngày", "date"),
        ("Đô thị", "bool"),
    ]
    assert inspection.sample == [
        ["Bến Nghé", "12000", "0.5", "2024-01-01", "true"],
        ["Đa Kao", "9000", "1.25", "2024-02-01", "false"],
    ]


def test_inspect_refuses_a_broken_xlsx_file():
    assert error_of(datastore.inspect, upload(b"PK\x03\x04 not a zip", "x.xlsx")) == (
        "Không đọc được tệp Excel: tệp hỏng hoặc không phải XLSX."
    )


# --- load ---------------------------------------------------------------------------------------------------------


def test_load_builds_a_table_and_saves_the_resource(resource):
    count = datastore.load(resource=resource, file=upload(MARKETS))

    assert count == 4
    stored = Resource.objects.get(pk=resource.pk)
    assert stored.table_name == f"ds_{resource.pk.hex[:16]}_1"
    assert stored.fields == MARKET_FIELDS
    assert stored.row_count == 4
    assert stored.datastore_active is True
    assert store_tables() == {stored.table_name}
    page = datastore.search(stored)
    assert page.total == 4
    assert page.total_was_estimated is False
    assert page.fields == [{"id": "_id", "type": "int", "label": "_id"}, *MARKET_FIELDS]
    assert page.records[0] == BEN_THANH
    assert page.records[2]["Số sạp"] is None
    assert page.records[2]["Ngày khai trương"] is None
    assert page.records[3] == AN_DONG


def test_load_accepts_a_path(resource, tmp_path):
    path = tmp_path / "cho.csv"
    path.write_text(MARKETS)

    assert datastore.load(resource=resource, file=str(path)) == 4
    assert datastore.load(resource=resource, file=path) == 4


def test_load_uses_the_types_the_publisher_chose(resource):
    fields = [dict(spec) for spec in MARKET_FIELDS]
    fields[3] = {"id": "Số sạp", "type": "text", "label": "Số sạp hàng"}

    datastore.load(resource=resource, file=upload(MARKETS), fields=fields)

    assert resource.fields[3] == {"id": "Số sạp", "type": "text", "label": "Số sạp hàng"}
    assert datastore.search(resource, limit=1).records[0]["Số sạp"] == "1500"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda fields: fields.pop(), "Các cột khai báo không khớp với dòng tiêu đề của tệp."),
        (lambda fields: fields.reverse(), "Các cột khai báo không khớp với dòng tiêu đề của tệp."),
        (lambda fields: fields[0].update(type="money"), "Kiểu “money” của cột “Mã chợ” không hợp lệ."),
    ],
)
def test_load_refuses_fields_that_do_not_match_the_file(resource, change, message):
    fields = [dict(spec) for spec in MARKET_FIELDS]
    change(fields)

    assert error_of(datastore.load, resource=resource, file=upload(MARKETS), fields=fields) == message
    assert store_tables() == set()


def test_load_reads_utf16_and_windows_1258_the_same_as_utf8(resource):
    text = "Tên,Số\nBến Thành,1\nĐa Kao,2\n"
    decomposed = "T\u00ean,S\u00f4\u0301\nB\u00ea\u0301n Th\u00e0nh,1\nĐa Kao,2\n"
    expected = [{"_id": 1, "Tên": "Bến Thành", "Số": 1}, {"_id": 2, "Tên": "Đa Kao", "Số": 2}]

    for content in (text.encode("utf-16"), codecs.BOM_UTF8 + text.encode(), decomposed.encode("cp1258")):
        datastore.load(resource=resource, file=upload(content))
        assert datastore.search(resource).records == expected


def test_load_reads_semicolons_quotes_line_breaks_and_trailing_blank_lines(resource):
    content = 'Tên;Ghi chú\r\n"Chợ ""Lớn""";"dòng 1\r\ndòng 2"\r\nChợ nhỏ;\r\n\r\n\r\n'

    assert datastore.load(resource=resource, file=upload(content)) == 2
    assert datastore.search(resource).records == [
        {"_id": 1, "Tên": 'Chợ "Lớn"', "Ghi chú": "dòng 1\r\ndòng 2"},
        {"_id": 2, "Tên": "Chợ nhỏ", "Ghi chú": None},
    ]


def test_load_reads_a_one_column_file_with_blank_lines_as_empty_cells(resource):
    assert datastore.load(resource=resource, file=upload("Tên\nA\n\nB\n\n")) == 3
    assert [record["Tên"] for record in datastore.search(resource).records] == ["A", None, "B"]


def test_load_accepts_a_header_only_file(resource):
    assert datastore.load(resource=resource, file=upload("Tên,Số\n")) == 0
    page = datastore.search(resource)
    assert page.records == []
    assert page.total == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("Ten,So\n1,2\n3,4,5\n", "Dòng 3: số ô khác với số cột của dòng tiêu đề (2 cột)."),
        ("Ten,So\n1,2\n3\n", "Dòng 3: số ô khác với số cột của dòng tiêu đề (2 cột)."),
        ("Ten,So\n1,2\n\n3,4\n", "Dòng 3: số ô khác với số cột của dòng tiêu đề (2 cột)."),
        ('Ten,So\n1,2\n"3,4\n5,6\n', "Dòng 4: sai cú pháp CSV (dấu ngoặc kép không đóng hoặc thừa)."),
        ("Ten,So\n1,2\n3,4\n", None),
    ],
)
def test_load_refuses_ragged_rows_and_broken_quotes_with_the_line(resource, content, message):
    if message is None:
        assert datastore.load(resource=resource, file=upload(content)) == 2
        return
    assert error_of(datastore.load, resource=resource, file=upload(content)) == message
    assert store_tables() == set()


@pytest.mark.parametrize(
    ("kind", "value", "message"),
    [
        ("int", "12a", "Dòng 3, cột “Giá trị”: “12a” không phải số nguyên."),
        ("int", "1.5", "Dòng 3, cột “Giá trị”: “1.5” không phải số nguyên."),
        ("int", "99999999999999999999", "Dòng 3, cột “Giá trị”: giá trị nằm ngoài khoảng cho phép."),
        ("numeric", "1,5", None),
        ("numeric", "abc", "Dòng 3, cột “Giá trị”: “abc” không phải số (dấu chấm thập phân)."),
        ("numeric", "NaN", "Dòng 3, cột “Giá trị”: giá trị nằm ngoài khoảng cho phép."),
        ("numeric", "-Infinity", "Dòng 3, cột “Giá trị”: giá trị nằm ngoài khoảng cho phép."),
        ("numeric", "1e400", "Dòng 3, cột “Giá trị”: giá trị nằm ngoài khoảng cho phép."),
        ("date", "10000-01-01", "Dòng 3, cột “Giá trị”: giá trị nằm ngoài khoảng cho phép."),
        ("bool", "có", "Dòng 3, cột “Giá trị”: “có” không phải giá trị đúng/sai (true/false)."),
        ("date", "31/02/2024", "Dòng 3, cột “Giá trị”: “31/02/2024” không phải ngày (YYYY-MM-DD hoặc DD/MM/YYYY)."),
        ("date", "hôm qua", "Dòng 3, cột “Giá trị”: “hôm qua” không phải ngày (YYYY-MM-DD hoặc DD/MM/YYYY)."),
        (
            "timestamp",
            "2024-01-01 25:00",
            "Dòng 3, cột “Giá trị”: “2024-01-01 25:00” không phải thời điểm (YYYY-MM-DD HH:MM:SS).",
        ),
    ],
)
def test_load_refuses_a_value_that_does_not_fit_the_declared_type(resource, kind, value, message):
    good = {"int": "1", "numeric": "1.5", "bool": "true", "date": "2024-01-01", "timestamp": "2024-01-01 10:00"}[kind]
    content = f"Tên,Giá trị\nA,{good}\nB,{value if ',' not in value else chr(34) + value + chr(34)}\n"
    fields = [{"id": "Tên", "type": "text", "label": "Tên"}, {"id": "Giá trị", "type": kind, "label": "Giá trị"}]

    if message is None:  # a decimal comma is a ragged row unless quoted; quoted it is not a number
        message = "Dòng 3, cột “Giá trị”: “1,5” không phải số (dấu chấm thập phân)."
    assert error_of(datastore.load, resource=resource, file=upload(content), fields=fields) == message
    assert store_tables() == set()
    assert Resource.objects.get(pk=resource.pk).datastore_active is False


def test_load_counts_the_lines_of_the_file_when_a_cell_spans_lines(resource):
    content = 'Tên,Số\n"a\nb",1\nc,x\n'
    fields = [{"id": "Tên", "type": "text", "label": "Tên"}, {"id": "Số", "type": "int", "label": "Số"}]

    assert error_of(datastore.load, resource=resource, file=upload(content), fields=fields) == (
        "Dòng 4, cột “Số”: “x” không phải số nguyên."
    )


def test_load_refuses_a_broken_byte_far_into_the_file(resource):
    rows = "".join(f"Phường {n},{n}\n" for n in range(80_000))  # past the 1 MiB read to detect the encoding
    content = ("Tên,Số\n" + rows).encode() + b"Ph\xc6\xb0\xff,1\n"

    assert error_of(datastore.load, resource=resource, file=upload(content)) == (
        "Dòng 80002: có byte không đọc được theo bảng mã UTF-8. Hãy lưu lại dưới dạng CSV UTF-8."
    )
    assert store_tables() == set()


def test_load_refuses_a_bad_value_far_into_the_file(resource):
    rows = "".join(f"x{n},{n}\n" for n in range(120_000))
    content = "Mã,Số\n" + rows + "x,abc\n"

    assert error_of(datastore.load, resource=resource, file=upload(content)) == (
        "Dòng 120002, cột “Số”: “abc” không phải số nguyên."
    )


def test_a_new_load_replaces_the_table_and_a_failed_one_keeps_it(resource):
    datastore.load(resource=resource, file=upload("Tên,Số\nA,1\n"))
    first = resource.table_name

    datastore.load(resource=resource, file=upload("Tên,Số\nB,2\nC,3\n"))
    second = resource.table_name

    assert second == f"ds_{resource.pk.hex[:16]}_2"
    assert store_tables() == {second}
    assert first != second

    fields = [{"id": "Tên", "type": "text", "label": "Tên"}, {"id": "Số", "type": "int", "label": "Số"}]
    error_of(datastore.load, resource=resource, file=upload("Tên,Số\nD,x\n"), fields=fields)

    stored = Resource.objects.get(pk=resource.pk)
    assert (stored.table_name, stored.row_count) == (second, 2)
    assert store_tables() == {second}
    assert [record["Tên"] for record in datastore.search(stored).records] == ["B", "C"]


def test_a_search_with_a_stale_resource_reads_the_new_table(resource):
    datastore.load(resource=resource, file=upload("Tên\nA\n"))
    stale = Resource.objects.get(pk=resource.pk)
    datastore.load(resource=resource, file=upload("Tên\nB\n"))

    assert datastore.search(stale).records == [{"_id": 1, "Tên": "B"}]
    assert stale.table_name == resource.table_name


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY FREEZE is PostgreSQL's")
def test_load_works_while_the_caller_reads_through_a_server_side_cursor(resource):
    rows = Resource.objects.iterator(chunk_size=1)
    next(rows)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_cursors")
        assert cursor.fetchone()[0] == 1  # PostgreSQL would refuse COPY FREEZE now

    assert datastore.load(resource=resource, file=upload(MARKETS)) == 4
    assert datastore.search(resource, filters={"Số sạp": 900}).records == [AN_DONG]


def test_load_reads_an_xlsx_file_with_typed_cells(resource):
    content = xlsx_bytes(
        [
            ["Phường", "Dân số", "Tỷ lệ", "Ngày", "Đô thị", "Ghi chú"],
            ["Bến Nghé", 12000, 0.5, datetime(2024, 1, 1), True, "trung tâm"],
            [None, None, None, None, None, None],
            ["Đa Kao", 9000, 1.25, datetime(2024, 2, 1), False, None],
        ]
    )

    assert datastore.load(resource=resource, file=upload(content, "phuong.xlsx")) == 2
    assert datastore.search(resource).records == [
        {
            "_id": 1,
            "Phường": "Bến Nghé",
            "Dân số": 12000,
            "Tỷ lệ": 0.5,
            "Ngày": "2024-01-01",
            "Đô thị": True,
            "Ghi chú": "trung tâm",
        },
        {
            "_id": 2,
            "Phường": "Đa Kao",
            "Dân số": 9000,
            "Tỷ lệ": 1.25,
            "Ngày": "2024-02-01",
            "Đô thị": False,
            "Ghi chú": None,
        },
    ]


def test_load_reports_the_sheet_row_of_a_bad_xlsx_value(resource):
    content = xlsx_bytes([["Tên", "Số"], ["A", 1], [None, None], ["B", 2], ["C", "nhiều"]])
    fields = [{"id": "Tên", "type": "text", "label": "Tên"}, {"id": "Số", "type": "int", "label": "Số"}]

    assert error_of(datastore.load, resource=resource, file=upload(content, "x.xlsx"), fields=fields) == (
        "Dòng 5, cột “Số”: “nhiều” không phải số nguyên."
    )
    assert error_of(datastore.load, resource=resource, file=upload(xlsx_bytes([["Tên"], ["A", "thừa"]]), "x.xlsx")) == (
        "Dòng 2: số ô khác với số cột của dòng tiêu đề (1 cột)."
    )
    assert store_tables() == set()


def test_a_text_column_too_long_to_index_still_loads_and_sorts(resource, django_capture_on_commit_callbacks):
    long_text = secrets.token_hex(10_000)  # 20,000 characters: more than a PostgreSQL B-tree entry holds

    with django_capture_on_commit_callbacks(execute=True):  # PostgreSQL: the index builds, after the "commit"
        assert datastore.load(resource=resource, file=upload(f"Mã,Nội dung\n1,{long_text}\n2,ngắn\n")) == 2
    if connection.vendor == "postgresql":
        table = resource.table_name
        assert set(pg_indexes(table)) == {f"{table}__id", f"{table}_c1"}  # none on "Nội dung"
    assert ids(datastore.search(resource, sort="Nội dung desc")) == ([2, 1] if long_text[0] < "n" else [1, 2])
    assert ids(datastore.search(resource, filters={"Nội dung": long_text})) == [1]


@postgresql_only
def test_load_builds_the_indexes_when_its_transaction_commits(resource, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        datastore.load(resource=resource, file=upload(MARKETS))
    table = resource.table_name

    assert pg_indexes(table) == {}  # loaded and queryable; the indexes come with the commit
    assert len(callbacks) == 1
    callbacks[0]()

    assert pg_indexes(table) == {
        f"{table}__id": f"CREATE UNIQUE INDEX {table}__id ON public.{table} USING btree (_id)",
        **{
            f"{table}_c{n}": f"CREATE INDEX {table}_c{n} ON public.{table} USING btree (c{n}, _id)"
            for n in (1, 2, 3, 4, 5, 7, 8)  # not c6, the boolean "Có bãi xe"
        },
    }
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
        assert cursor.fetchone()[0] == 4  # ANALYZE has run
    assert datastore.index(resource) is True  # idempotent: everything is there already
    assert len(pg_indexes(table)) == 8


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"filters": {"Có bãi xe": False}, "sort": "Số sạp desc"}, [3, 4]),
        ({"filters": {"Phường": ["Phường Bến Thành", "Phường Bình Tây"]}, "sort": "Ngày khai trương desc"}, [2, 1]),
        ({"sort": "Tên chợ"}, [4, 1, 2, 3]),
        ({"q": "cho"}, [1, 2, 3, 4]),
    ],
)
def test_a_search_before_the_indexes_exist_gives_the_same_records(
    resource, django_capture_on_commit_callbacks, params, expected
):
    with django_capture_on_commit_callbacks() as callbacks:
        datastore.load(resource=resource, file=upload(MARKETS))
    if connection.vendor == "postgresql":
        assert pg_indexes(resource.table_name) == {}
    before = datastore.search(resource, **params)

    for callback in callbacks:
        callback()
    after = datastore.search(resource, **params)

    assert ids(before) == ids(after) == expected
    assert before.total == after.total == len(expected)


def test_building_the_indexes_of_a_table_swapped_out_meanwhile_is_harmless(
    resource, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as first:
        datastore.load(resource=resource, file=upload("Tên,Số\nA,1\n"))
    old, fields = resource.table_name, resource.fields
    with django_capture_on_commit_callbacks(execute=True):
        datastore.load(resource=resource, file=upload("Tên,Số\nB,2\nC,3\n"))

    for callback in first:  # the first load's index build, running after the second load dropped its table
        callback()
    if connection.vendor == "postgresql":
        assert loading.build_indexes(old, fields) is False
        assert len(pg_indexes(resource.table_name)) == 3
    assert store_tables() == {resource.table_name}
    assert [record["Tên"] for record in datastore.search(resource, sort="Số desc").records] == ["C", "B"]


def combined_indexes(table: str) -> dict[str, str]:
    """The table's declared combined indexes (name → columns), on either database."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [table])
            rows = [(name, definition.rsplit("(", 1)[1].rstrip(")")) for name, definition in cursor.fetchall()]
        else:
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s", [table])
            rows = [(name, sql.rsplit("(", 1)[1].rstrip(")")) for name, sql in cursor.fetchall()]
    return {name: columns for name, columns in rows if name.startswith(f"{table}_x_")}


def test_declared_combined_indexes_are_built_with_the_table_and_serve_filter_and_sort(
    resource, django_capture_on_commit_callbacks
):
    resource.indexes = [["Có bãi xe", "Ngày khai trương"], ["Phường", "Số sạp", "Tên chợ"]]
    resource.save(update_fields=["indexes"])

    with django_capture_on_commit_callbacks(execute=True):
        datastore.load(resource=resource, file=upload(MARKETS))
    table = resource.table_name

    tail = ", _id" if connection.vendor == "postgresql" else ""
    assert combined_indexes(table) == {f"{table}_x_c6_c7": f"c6, c7{tail}", f"{table}_x_c3_c4_c2": f"c3, c4, c2{tail}"}
    page = datastore.search(resource, filters={"Có bãi xe": False}, sort="Ngày khai trương desc")
    assert ids(page) == [3, 4]  # no opening date comes first descending
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN SELECT _id FROM {table} WHERE c6 = false ORDER BY c7 DESC, _id DESC LIMIT 10")  # noqa: S608
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN SELECT _id FROM {table} WHERE c6 = 0 ORDER BY c7 DESC LIMIT 10")  # noqa: S608
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert f"{table}_x_c6_c7" in plan


def test_changing_the_declared_indexes_builds_the_new_and_drops_the_old(markets):
    table = markets.table_name
    markets.indexes = [["Phường", "Ngày khai trương"]]
    markets.save(update_fields=["indexes"])
    assert datastore.index(markets) is True
    assert set(combined_indexes(table)) == {f"{table}_x_c3_c7"}

    markets.indexes = [["Số sạp", "Tên chợ"]]
    markets.save(update_fields=["indexes"])
    assert datastore.index(markets) is True

    assert set(combined_indexes(table)) == {f"{table}_x_c4_c2"}
    assert ids(datastore.search(markets, filters={"Số sạp": 900}, sort="Tên chợ")) == [4]


def test_a_new_version_keeps_the_declared_indexes_whose_columns_it_still_has(
    resource, django_capture_on_commit_callbacks
):
    resource.indexes = [["Phường", "Ngày khai trương"], ["Phường", "Số sạp"]]
    resource.save(update_fields=["indexes"])
    without_dates = "Mã chợ,Phường,Số sạp\n001,Phường Bến Thành,1500\n"

    with django_capture_on_commit_callbacks(execute=True):
        datastore.load(resource=resource, file=upload(without_dates))

    assert Resource.objects.get(pk=resource.pk).indexes == [["Phường", "Số sạp"]]
    assert set(combined_indexes(resource.table_name)) == {f"{resource.table_name}_x_c2_c3"}


@pytest.mark.parametrize(
    ("declared", "message"),
    [
        ("Phường,Số sạp", "Chỉ mục kết hợp phải là danh sách các danh sách cột."),
        ([["Phường"]], "Mỗi chỉ mục kết hợp gồm 2 hoặc 3 cột khác nhau."),
        ([["Phường", "Phường"]], "Mỗi chỉ mục kết hợp gồm 2 hoặc 3 cột khác nhau."),
        ([["Phường", "Số sạp", "Tên chợ", "Mã chợ"]], "Mỗi chỉ mục kết hợp gồm 2 hoặc 3 cột khác nhau."),
        ([["Phường", 3]], "Mỗi chỉ mục kết hợp gồm 2 hoặc 3 cột khác nhau."),
        ([["Phường", "Quận"]], "Không có cột “Quận”."),
        ([["Phường", "Số sạp"], ["Phường", "Số sạp"]], "Chỉ mục kết hợp này đã có."),
        ([["Mã chợ", "Phường"]] * 3 + [["Phường", "Mã chợ"]] * 3, "Một bảng có tối đa 5 chỉ mục kết hợp."),
    ],
)
def test_declared_indexes_are_checked_against_the_columns(declared, message):
    with pytest.raises(QueryError) as raised:
        datastore.check_indexes(declared, MARKET_FIELDS)

    assert (raised.value.message, raised.value.field) == (message, "indexes")


def test_index_completes_an_interrupted_build_and_then_has_nothing_to_do(markets):
    table = markets.table_name
    assert datastore.index(markets) is True  # PostgreSQL: the load's own build waits for a commit tests never make
    with connection.cursor() as cursor:
        cursor.execute(f'DROP INDEX "{table}_c2"')

    assert datastore.index(markets) is True
    with CaptureQueriesContext(connection) as queries:
        assert datastore.index(markets) is True

    assert not [query["sql"] for query in queries if "CREATE" in query["sql"] or "ANALYZE" in query["sql"]]
    assert ids(datastore.search(markets, sort="Tên chợ desc")) == [3, 2, 1, 4]


def test_complete_indexes_restores_what_an_interrupted_build_left_out(markets):
    other = ResourceFactory(version=False)
    datastore.load(resource=other, file=upload("Tên,Số\nA,1\n"))
    assert datastore.index(markets) is True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP INDEX "{markets.table_name}_c2"')

    assert datastore.complete_indexes() == 2

    with connection.cursor() as cursor:
        names = {name.lower() for name in connection.introspection.get_constraints(cursor, markets.table_name)}
    assert f"{markets.table_name}_c2" in names


@pytest.fixture
def every_search_slow(monkeypatch):
    """Every search counts as slow and every tally is written at once."""
    monkeypatch.setattr(advice, "SLOW_SEARCH_MS", 0)
    monkeypatch.setattr(advice, "WRITE_EVERY", 0.0)


def slow_shapes(resource) -> dict[str, int]:
    return dict(SlowSearch.objects.filter(resource=resource).values_list("columns", "count"))


def test_slow_searches_are_counted_by_the_shape_a_combined_index_would_have(markets, every_search_slow):
    datastore.search(markets, filters={"Phường": "Phường Bến Thành", "Có bãi xe": True}, sort="Số sạp desc")
    datastore.search(markets, filters={"Có bãi xe": False, "Phường": "x"}, sort="Số sạp, Tên chợ")
    datastore.search(markets, filters={"Phường": "x"}, sort="Tên chợ")
    datastore.search(markets, filters={"Phường": "x"})  # one column: its own index serves it
    datastore.search(markets, filters={"Phường": "x"}, sort="Phường desc")  # the same column
    datastore.search(markets, q="chợ", filters={"Phường": "x"}, sort="Tên chợ")  # text search: no B-tree helps
    datastore.search(markets, sort="Tên chợ")

    assert slow_shapes(markets) == {'["Có bãi xe", "Phường", "Số sạp"]': 2, '["Phường", "Tên chợ"]': 1}


def test_fast_searches_are_not_noted(markets):
    datastore.search(markets, filters={"Phường": "Phường Bến Thành"}, sort="Số sạp desc")

    assert slow_shapes(markets) == {}


def test_slow_searches_of_a_shape_are_written_at_most_once_per_window(markets, every_search_slow, monkeypatch):
    monkeypatch.setattr(advice, "WRITE_EVERY", 3600.0)
    for _ in range(3):
        datastore.search(markets, filters={"Phường": "x"}, sort="Tên chợ")
    assert slow_shapes(markets) == {'["Phường", "Tên chợ"]': 1}  # the first at once, the next two held

    monkeypatch.setattr(advice, "WRITE_EVERY", 0.0)
    datastore.search(markets, filters={"Phường": "x"}, sort="Tên chợ")

    assert slow_shapes(markets) == {'["Phường", "Tên chợ"]': 4}


def test_suggested_indexes_are_recent_undeclared_shapes_of_existing_columns(markets):
    now = timezone.now()
    for columns, count, days_ago in [
        ('["Phường", "Tên chợ"]', 3, 1),
        ('["Có bãi xe", "Ngày khai trương"]', 9, 2),
        ('["Phường", "Số sạp"]', 50, 1),  # declared below
        ('["Phường", "Quận"]', 70, 1),  # no such column any more
        ('["Số sạp", "Tên chợ"]', 80, 45),  # not seen for 45 days
    ]:
        SlowSearch.objects.create(
            resource=markets,
            columns=columns,
            count=count,
            total_ms=count * 250,
            last_seen=now - timedelta(days=days_ago),
        )
    markets.indexes = [["Phường", "Số sạp"]]
    markets.save(update_fields=["indexes"])

    suggested = datastore.suggested_indexes(markets)

    assert [(s["columns"], s["count"], s["average_ms"]) for s in suggested] == [
        (["Có bãi xe", "Ngày khai trương"], 9, 250),
        (["Phường", "Tên chợ"], 3, 250),
    ]
    assert datastore.suggested_indexes(ResourceFactory(version=False)) == []


def pg_waiting(dsn: dict, table: str, mode: str) -> bool:
    """Whether some session waits for a ``mode`` lock on ``table`` (PostgreSQL)."""
    import psycopg

    with psycopg.connect(**dsn, autocommit=True) as probe:
        return probe.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
            "WHERE c.relname = %s AND l.mode = %s AND NOT l.granted)",
            [table, mode],
        ).fetchone()[0]


def wait_until(condition, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_load_that_swaps_the_table_while_its_indexes_are_built_succeeds(resource):
    import psycopg

    datastore.load(resource=resource, file=upload(MARKETS))  # autocommit: indexed when load returns
    old, fields = resource.table_name, resource.fields
    assert len(pg_indexes(old)) == 8
    with connection.cursor() as cursor:
        for name in pg_indexes(old):
            cursor.execute(f'DROP INDEX "{name}"')
    settings = connection.settings_dict
    dsn = {
        "dbname": settings["NAME"],
        "user": settings["USER"],
        "host": settings["HOST"],
        "port": settings["PORT"] or 5432,
        "password": settings["PASSWORD"] or None,
    }
    results: dict[str, object] = {}

    def run(name, function):
        try:
            results[name] = function()
        except Exception as error:  # noqa: BLE001 - reported by the assertions below
            results[name] = error
        finally:
            connection.close()

    # A writer's lock holds the index build back (it waits for its SHARE lock) while the next load arrives.
    with psycopg.connect(**dsn) as blocker:
        blocker.execute(f'LOCK TABLE "{old}" IN ROW EXCLUSIVE MODE')
        building = threading.Thread(target=run, args=("build", lambda: loading.build_indexes(old, fields)))
        building.start()
        wait_until(lambda: pg_waiting(dsn, old, "ShareLock"))
        fresh = Resource.objects.get(pk=resource.pk)
        new_file = upload("Mã chợ,Tên chợ\n009,Chợ Lớn\n")
        loading_again = threading.Thread(
            target=run, args=("load", lambda: datastore.load(resource=fresh, file=new_file))
        )
        loading_again.start()
        wait_until(lambda: pg_waiting(dsn, old, "AccessExclusiveLock"))  # the swap, dropping the old table
        blocker.rollback()
    building.join(30)
    loading_again.join(30)

    assert results == {"build": False, "load": 1}
    resource.refresh_from_db()
    assert store_tables() == {resource.table_name}
    assert len(pg_indexes(resource.table_name)) == 3
    assert datastore.search(resource).records == [{"_id": 1, "Mã chợ": "009", "Tên chợ": "Chợ Lớn"}]


def test_drop_removes_the_table(markets):
    datastore.drop(markets)

    stored = Resource.objects.get(pk=markets.pk)
    assert (stored.table_name, stored.fields, stored.row_count, stored.datastore_active) == ("", [], None, False)
    assert store_tables() == set()
    with pytest.raises(QueryError) as raised:
        datastore.search(stored)
    assert raised.value.field == "resource_id"
    datastore.drop(stored)  # nothing left to drop: no error


def test_info_lists_fields_and_rows(markets):
    assert datastore.info(markets) == {"fields": MARKET_FIELDS, "row_count": 4}


def test_info_of_a_resource_without_table_is_a_query_error(resource):
    with pytest.raises(QueryError) as raised:
        datastore.info(resource)
    assert raised.value.message == "Tài nguyên này không có bảng dữ liệu tra cứu."


# --- search -------------------------------------------------------------------------------------------------------


def ids(page) -> list[int]:
    return [record["_id"] for record in page.records]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"Phường": "Phường Bến Thành"}, [1]),
        ({"Phường": ["Phường Bến Thành", "Phường An Đông"]}, [1, 4]),
        ({"Số sạp": "900"}, [4]),
        ({"Số sạp": 2300}, [2]),
        ({"Số sạp": None}, [3]),
        ({"Số sạp": [None, 900]}, [3, 4]),
        ({"Diện tích (m²)": "4200.25"}, [3]),
        ({"Diện tích (m²)": 25000}, [2]),
        ({"Có bãi xe": False}, [3, 4]),
        ({"Có bãi xe": "true"}, [1, 2]),
        ({"Ngày khai trương": "28/03/1914"}, [1]),
        ({"Ngày khai trương": "1991-06-01"}, [4]),
        ({"Cập nhật lúc": "2025-01-06T09:00:00"}, [2]),
        ({"Có bãi xe": True, "Số sạp": 2300}, [2]),
        ({"_id": 3}, [3]),
        ({"Phường": "phường bến thành"}, []),
        ({"Tên chợ": "'; DROP TABLE opendata_resource; --"}, []),
    ],
)
def test_search_filters_by_equality_cast_to_the_column_type(markets, filters, expected):
    page = datastore.search(markets, filters=filters)

    assert ids(page) == expected
    assert page.total == len(expected)


@pytest.mark.parametrize(
    ("filters", "field", "message"),
    [
        ({"Số sạp": "nhiều"}, "Số sạp", "Giá trị “nhiều” của cột “Số sạp” không phải số nguyên."),
        ({"Số sạp": "1; DROP TABLE x"}, "Số sạp", "Giá trị “1; DROP TABLE x” của cột “Số sạp” không phải số nguyên."),
        ({"Số sạp": 1.5}, "Số sạp", "Giá trị “1.5” của cột “Số sạp” không phải số nguyên."),
        ({"Số sạp": True}, "Số sạp", "Giá trị “true” của cột “Số sạp” không phải số nguyên."),
        (
            {"Có bãi xe": "có"},
            "Có bãi xe",
            "Giá trị “có” của cột “Có bãi xe” không phải giá trị đúng/sai (true/false).",
        ),
        (
            {"Ngày khai trương": "2024-13-01"},
            "Ngày khai trương",
            "Giá trị “2024-13-01” của cột “Ngày khai trương” không phải ngày (YYYY-MM-DD hoặc DD/MM/YYYY).",
        ),
        ({"Số sạp": ""}, "Số sạp", "Giá trị “” của cột “Số sạp” không phải số nguyên."),
        (
            {"Số sạp": {"gt": 1}},
            "Số sạp",
            "Giá trị lọc của cột “Số sạp” phải là chuỗi, số, hoặc danh sách các giá trị đó.",
        ),
        ({"Số sạp": []}, "Số sạp", "Lọc theo cột “Số sạp” cần từ 1 đến 1000 giá trị."),
        ({"Tên chợ": "a\x00b"}, "Tên chợ", "Giá trị lọc có ký tự không hợp lệ."),
        ({"c1": "001"}, "c1", "Không có cột “c1”."),
        ({"Tên chợ) OR 1=1 --": "x"}, "Tên chợ) OR 1=1 --", "Không có cột “Tên chợ) OR 1=1 --”."),
        (["Tên chợ"], "filters", "“filters” phải là một đối tượng JSON dạng “cột”: giá trị."),
    ],
)
def test_search_refuses_bad_filters_naming_the_field(markets, filters, field, message):
    with pytest.raises(QueryError) as raised:
        datastore.search(markets, filters=filters)

    assert (raised.value.field, raised.value.message) == (field, message)


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("ben thanh", [1]),
        ("BẾN THÀNH", [1]),
        ("Bến", [1]),
        ("an dong khu", [4]),
        ("chợ", [1, 2, 3, 4]),
        ("phuong tan dinh 003", [3]),
        ("1500", []),  # numbers are not text cells
        ("100%", []),
        ("_", []),
        ("' OR '1'='1", []),
        ("", [1, 2, 3, 4]),
        ({"Tên chợ": "tan dinh"}, [3]),
        ({"Phường": "ben", "Tên chợ": "thanh"}, [1]),
        ({"Số sạp": "150"}, [1]),
    ],
)
def test_search_q_matches_words_in_text_cells_ignoring_diacritics_and_case(markets, q, expected):
    page = datastore.search(markets, q=q)

    assert ids(page) == expected
    assert page.total == len(expected)


def test_search_q_on_a_table_without_text_matches_nothing(resource):
    datastore.load(resource=resource, file=upload("Số\n1\n2\n"))

    assert ids(datastore.search(resource, q="1")) == []
    assert ids(datastore.search(resource, q=" ")) == [1, 2]


def test_search_q_refuses_an_unknown_field_or_a_bad_type(markets):
    with pytest.raises(QueryError) as raised:
        datastore.search(markets, q={"Không có": "x"})
    assert raised.value.field == "Không có"
    with pytest.raises(QueryError) as raised:
        datastore.search(markets, q=["x"])
    assert raised.value.field == "q"
    with pytest.raises(QueryError) as raised:
        datastore.search(markets, q="a\x00")
    assert raised.value.field == "q"


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("", [1, 2, 3, 4]),
        ("Số sạp", [4, 1, 2, 3]),
        ("Số sạp desc", [3, 2, 1, 4]),
        ("Số sạp DESC", [3, 2, 1, 4]),
        ("Có bãi xe desc, Diện tích (m²) asc", [1, 2, 3, 4]),
        ("Có bãi xe, Diện tích (m²) desc", [4, 3, 2, 1]),
        ('"Diện tích (m²)" desc', [2, 1, 4, 3]),
        ("Ngày khai trương", [1, 2, 4, 3]),
        ("Cập nhật lúc desc", [4, 3, 2, 1]),
        ("Tên chợ desc", [3, 2, 1, 4]),
        ("_id desc", [4, 3, 2, 1]),
    ],
)
def test_search_sorts_with_ckan_syntax_empty_cells_last_ascending(markets, sort, expected):
    assert ids(datastore.search(markets, sort=sort)) == expected


def test_search_sorts_text_in_vietnamese_alphabetical_order(resource):
    # The order of PostgreSQL's ICU collation vi-x-icu: ă, â, đ, ê, ô, ơ, ư are letters of their own, tones
    # come after the letters (none, huyền, hỏi, ngã, sắc, nặng), lower case first, space < hyphen < digits.
    expected = [
        "  x", "1 Hai", "An", "Ăn", "ba", "Ba", "Bà", "Bả", "Bã", "Bá", "Bạ", "Bá B", "Ba Đình", "Ba-Na", "Ba1",
        "Bến", "Bình", "Dung", "Đông", "O", "Ong", "Ô", "Ông", "Ơ", "Uy", "Ư", "Ừ", "z",
    ]  # fmt: skip
    shuffled = expected[1::2] + expected[::2]
    datastore.load(resource=resource, file=upload("Tên\n" + "".join(f'"{name}"\n' for name in shuffled)))

    assert [record["Tên"] for record in datastore.search(resource, sort="Tên").records] == expected
    assert [record["Tên"] for record in datastore.search(resource, sort="Tên desc").records] == expected[::-1]


def test_search_sort_accepts_quoted_names_with_commas_and_quotes(resource):
    datastore.load(resource=resource, file=upload('"Tên, ""đầy đủ""",Số\nB,1\nA,2\n'))

    assert ids(datastore.search(resource, sort='"Tên, ""đầy đủ""" asc')) == [2, 1]


TIES = "Mã,Nhóm,Số\n1,B,2\n2,A,1\n3,B,1\n4,,2\n5,A,\n6,B,2\n7,,1\n"


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("Nhóm", [2, 5, 1, 3, 6, 4, 7]),  # ties in file order, empty cells last
        ("Nhóm desc", [7, 4, 6, 3, 1, 5, 2]),  # the exact reverse: ties reversed too, empty cells first
        ("Nhóm desc, Số", [7, 4, 3, 1, 6, 2, 5]),  # the tie-breaker follows the last key (Số, ascending)
        ("Nhóm, Số desc", [5, 2, 6, 1, 3, 4, 7]),
        ("Nhóm desc, _id", [4, 7, 1, 3, 6, 2, 5]),  # an explicit _id is the tie-breaker as given
    ],
)
def test_search_breaks_ties_by_id_in_the_direction_of_the_last_sort_key(resource, sort, expected):
    datastore.load(resource=resource, file=upload(TIES))

    assert ids(datastore.search(resource, sort=sort)) == expected
    pages = [ids(datastore.search(resource, sort=sort, limit=2, offset=offset)) for offset in (0, 2, 4, 6)]
    assert [row for page in pages for row in page] == expected  # stable pages: none repeated, none missed


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("", [("_id", False)]),
        ("Nhóm", [("c2", False), ("_id", False)]),
        ("Nhóm desc", [("c2", True), ("_id", True)]),
        ("Nhóm desc, Số", [("c2", True), ("c3", False), ("_id", False)]),
        ("Số desc, _id", [("c3", True), ("_id", False)]),
    ],
)
def test_parse_sort_ends_with_an_id_tie_breaker_going_the_way_of_the_last_key(resource, sort, order):
    datastore.load(resource=resource, file=upload(TIES))
    mapping = {"_id": ("_id", "int"), "Mã": ("c1", "int"), "Nhóm": ("c2", "text"), "Số": ("c3", "int")}

    assert datastore_querying.parse_sort(sort, mapping) == order


@pytest.mark.parametrize(
    ("sort", "field"),
    [
        ("Không có", "Không có"),
        ("Số sạp; DROP TABLE opendata_resource", "Số sạp; DROP TABLE opendata_resource"),
        ("Số sạp sideways", "Số sạp sideways"),
        ('"Số sạp', "sort"),
        (["Số sạp"], "sort"),
    ],
)
def test_search_refuses_a_bad_sort(markets, sort, field):
    with pytest.raises(QueryError) as raised:
        datastore.search(markets, sort=sort)
    assert raised.value.field == field


def test_search_returns_the_fields_asked_for(markets):
    page = datastore.search(markets, fields=["Tên chợ", "Số sạp", "Tên chợ"], limit=1)

    assert page.fields == [
        {"id": "_id", "type": "int", "label": "_id"},
        {"id": "Tên chợ", "type": "text", "label": "Tên chợ"},
        {"id": "Số sạp", "type": "int", "label": "Số sạp"},
    ]
    assert page.records == [{"_id": 1, "Tên chợ": "Chợ Bến Thành", "Số sạp": 1500}]
    with pytest.raises(QueryError) as raised:
        datastore.search(markets, fields=["Tên chợ", "mật khẩu"])
    assert (raised.value.field, raised.value.message) == ("mật khẩu", "Không có cột “mật khẩu”.")


@pytest.mark.parametrize(
    ("params", "expected", "total"),
    [
        ({"limit": 2}, [1, 2], 4),
        ({"limit": 2, "offset": 2}, [3, 4], 4),
        ({"limit": 2, "offset": 10}, [], 4),
        ({"limit": 0}, [], 4),
        ({"limit": "3", "offset": "1"}, [2, 3, 4], 4),
        ({"limit": 1, "filters": {"Có bãi xe": True}}, [1], 2),
        ({"limit": 5, "offset": 1, "filters": {"Có bãi xe": True}}, [2], 2),
        ({"include_total": False}, [1, 2, 3, 4], None),
    ],
)
def test_search_pages_and_counts(markets, params, expected, total):
    page = datastore.search(markets, **params)

    assert ids(page) == expected
    assert page.total == total


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 32001}, "limit"),
        ({"limit": -1}, "limit"),
        ({"limit": "10; DROP"}, "limit"),
        ({"limit": True}, "limit"),
        ({"offset": -5}, "offset"),
        ({"offset": 1.5}, "offset"),
    ],
)
def test_search_refuses_limits_out_of_range(markets, params, field):
    with pytest.raises(QueryError) as raised:
        datastore.search(markets, **params)
    assert raised.value.field == field


def test_search_accepts_the_largest_limit(markets):
    assert len(datastore.search(markets, limit=32000).records) == 4


@pytest.mark.skipif(connection.vendor != "postgresql", reason="planner estimates are PostgreSQL's")
def test_search_total_is_estimated_above_the_threshold(markets, monkeypatch):
    monkeypatch.setattr(datastore_querying, "ESTIMATE_ABOVE", 0)

    page = datastore.search(markets, filters={"Có bãi xe": True}, limit=1)

    assert page.total_was_estimated is True
    assert page.total >= 1
    exact = datastore.search(markets, limit=1)
    assert (exact.total, exact.total_was_estimated) == (4, False)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="statement timeout is PostgreSQL's")
def test_a_search_that_runs_too_long_is_a_query_error(markets, monkeypatch):
    monkeypatch.setattr(datastore_querying, "STATEMENT_TIMEOUT_MS", 1)
    monkeypatch.setattr(datastore_querying, "_order_sql", lambda *args: "pg_sleep(0.05)::text, _id")

    with pytest.raises(QueryError) as raised:
        datastore.search(markets)
    assert raised.value.field == "q"
    monkeypatch.undo()
    assert datastore.search(markets, limit=1).total == 4  # the connection is usable afterwards


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_a_search_is_one_message_under_the_timeout(resource, monkeypatch):
    datastore.load(resource=resource, file=upload(MARKETS))
    assert not connection.in_atomic_block

    with CaptureQueriesContext(connection) as queries:
        page = datastore.search(resource, filters={"Có bãi xe": True}, sort="Số sạp desc", limit=1)
    assert (ids(page), page.total) == ([2], 2)
    assert len(queries) == 2  # the page with the estimate, then the count: no BEGIN, SET or COMMIT
    assert queries[0]["sql"].startswith("SET LOCAL statement_timeout = 10000; SELECT _id")
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('statement_timeout')")
        assert cursor.fetchone()[0] == "0"  # scoped to the message

    monkeypatch.setattr(datastore_querying, "STATEMENT_TIMEOUT_MS", 1)
    monkeypatch.setattr(datastore_querying, "_order_sql", lambda *args: "pg_sleep(0.05)::text, _id")
    with pytest.raises(QueryError) as raised:
        datastore.search(resource)
    assert raised.value.field == "q"
    monkeypatch.undo()
    assert datastore.search(resource, limit=1).total == 4


@postgresql_only
def test_an_exact_total_is_counted_once_per_table_and_filter(resource):
    datastore_querying._counts.clear()
    datastore.load(resource=resource, file=upload(MARKETS))
    search = {"filters": {"Có bãi xe": True}, "limit": 1}

    with CaptureQueriesContext(connection) as first:
        assert datastore.search(resource, **search).total == 2
    with CaptureQueriesContext(connection) as second:
        assert datastore.search(resource, **search, offset=1).total == 2
    assert sum("count(*)" in query["sql"] for query in first) == 1
    assert not any("count(*)" in query["sql"] for query in second)

    # The same table name again after a drop: another table (another OID), counted afresh.
    name = resource.table_name
    datastore.drop(resource)
    datastore.load(resource=resource, file=upload(MARKETS.replace(",false,", ",true,")))
    assert resource.table_name == name
    assert datastore.search(resource, **search).total == 4


# --- export -------------------------------------------------------------------------------------------------------


def exported(resource, fmt) -> tuple[bytes, str, str]:
    chunks, content_type, filename = datastore.export(resource, fmt)
    return b"".join(chunks), content_type, filename


def test_export_csv_has_a_bom_and_round_trips(markets):
    markets.name = "Chợ đầu mối & chợ lớn"
    content, content_type, filename = exported(markets, "csv")

    assert content_type == "text/csv; charset=utf-8"
    assert filename == "cho-dau-moi-cho-lon.csv"
    assert content.startswith(codecs.BOM_UTF8)
    lines = content.decode("utf-8-sig").split("\r\n")
    assert lines[0] == "Mã chợ,Tên chợ,Phường,Số sạp,Diện tích (m²),Có bãi xe,Ngày khai trương,Cập nhật lúc"
    assert lines[1].startswith("001,Chợ Bến Thành,Phường Bến Thành,1500,13056.5,true,1914-03-28,2025-01-05 08:30:00")
    assert lines[4] == '004,"Chợ An Đông, khu A",Phường An Đông,900,7000' + (
        ",false,1991-06-01," if connection.vendor == "postgresql" else ".0,false,1991-06-01,"
    )
    copy = ResourceFactory(version=False)
    datastore.load(resource=copy, file=upload(content))
    assert copy.fields == MARKET_FIELDS
    assert datastore.search(copy).records == datastore.search(markets).records


def test_export_json_is_an_array_of_records_without_id(markets):
    content, content_type, filename = exported(markets, "JSON")

    assert content_type == "application/json"
    assert filename.endswith(".json")
    records = json.loads(content)
    assert records[0] == {name: value for name, value in BEN_THANH.items() if name != "_id"}
    assert records[3] == {name: value for name, value in AN_DONG.items() if name != "_id"}
    assert len(records) == 4


def test_export_json_of_an_empty_table(resource):
    datastore.load(resource=resource, file=upload("Tên\n"))

    assert json.loads(exported(resource, "json")[0]) == []


def test_export_xlsx_has_typed_cells_and_round_trips(markets):
    datastore.load(resource=markets, file=upload(MARKETS.replace("Chợ Bình Tây", "=HYPERLINK(1)")))
    content, content_type, _filename = exported(markets, "xlsx")

    assert content_type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == tuple(spec["id"] for spec in MARKET_FIELDS)
    assert rows[1] == (
        "001",
        "Chợ Bến Thành",
        "Phường Bến Thành",
        1500,
        13056.5,
        True,
        datetime(1914, 3, 28),
        datetime(2025, 1, 5, 8, 30),
    )
    assert rows[2][1] == "=HYPERLINK(1)"
    assert sheet["B3"].data_type == "s"
    copy = ResourceFactory(version=False)
    datastore.load(resource=copy, file=upload(content, "copy.xlsx"))
    assert copy.fields == MARKET_FIELDS
    assert datastore.search(copy).records == datastore.search(markets).records


def test_export_pages_through_a_bigger_table(resource, monkeypatch):
    monkeypatch.setattr(datastore_querying, "EXPORT_PAGE", 7)
    datastore.load(resource=resource, file=upload("Số\n" + "".join(f"{n}\n" for n in range(1, 31))))

    assert [record["Số"] for record in json.loads(exported(resource, "json")[0])] == list(range(1, 31))


def test_export_refuses_an_unknown_format_or_a_sheet_too_big(markets):
    with pytest.raises(QueryError) as raised:
        datastore.export(markets, "pdf")
    assert raised.value.field == "format"
    markets.row_count = 2_000_000
    assert error_of(datastore.export, markets, "xlsx") == (
        "Bảng có 2000000 dòng, nhiều hơn một trang tính Excel chứa được; hãy tải CSV."
    )


def test_dates_in_dd_mm_yyyy_are_read_day_first(resource):
    datastore.load(resource=resource, file=upload("Ngày\n05/03/2024\n2024-03-06\n"))

    assert resource.fields[0]["type"] == "date"
    assert [record["Ngày"] for record in datastore.search(resource).records] == ["2024-03-05", "2024-03-06"]
    assert date.fromisoformat(datastore.search(resource, filters={"Ngày": "06/03/2024"}).records[0]["Ngày"]) == date(
        2024, 3, 6
    )
