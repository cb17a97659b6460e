"""Official PDF documents: Vietnamese text, embedded fonts, the QR code, escaping.

The PDF is read back with a small parser written here (no PDF library is a
dependency), and with poppler's ``pdftotext`` too when the machine has it.
"""

import base64
import re
import shutil
import subprocess
import zlib

import pytest
import segno
from django.utils.translation import gettext_lazy

from congso.core.pdf import NATIONAL_MOTTO, NATIONAL_TITLE, QR_BORDER, QR_ERROR, render_official

URL = "https://congso.example.vn/xac-thuc/Zq81kP0x/"
PDFTOTEXT = shutil.which("pdftotext")


def slip(**overrides) -> bytes:
    arguments = {
        "title": "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
        "parent_agency_name": "Ủy ban nhân dân Thành phố Hồ Chí Minh",
        "agency_name": "Ủy ban nhân dân phường Sài Gòn",
        "number_line": "Số: H29.100-260114-0001",
        "place_date": "Thành phố Hồ Chí Minh, ngày 14 tháng 01 năm 2026",
        "rows": [("Mã hồ sơ", "H29.100-260114-0001"), ("Người nộp", "Nguyễn Thị Ánh Tuyết")],
        "paragraphs": ["Cơ quan đã nhận đủ giấy tờ theo quy định."],
        "qr_url": URL,
        "qr_caption": "Quét mã để tra cứu hồ sơ",
        "signer_title": "NGƯỜI TIẾP NHẬN",
        "signer_name": "Trần Văn Bình",
    }
    return render_official(**{**arguments, **overrides})


# --- A minimal PDF reader for the assertions ------------------------------------------------------


def _objects(pdf: bytes) -> dict[int, bytes]:
    return {int(number): body for number, body in re.findall(rb"(\d+) 0 obj\s(.*?)endobj", pdf, re.S)}


def _stream(body: bytes) -> bytes:
    start = re.search(rb"stream\r?\n", body).end()
    raw = body[start : start + int(re.search(rb"/Length (\d+)", body).group(1))]
    filters = re.search(rb"/Filter\s*(\[[^\]]*\]|/\w+)", body)
    for name in re.findall(rb"/(\w+)", filters.group(1)) if filters else []:
        if name == b"ASCII85Decode":
            raw = base64.a85decode(raw.strip().removesuffix(b"~>"))
        elif name == b"FlateDecode":
            raw = zlib.decompress(raw)
        else:
            raise AssertionError(f"unexpected filter {name!r}")
    return raw


def _literal(raw: bytes) -> bytes:
    """A PDF literal string's bytes (the text between the parentheses)."""
    simple = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}
    return re.sub(
        rb"\\([0-7]{1,3}|.)",
        lambda match: (
            bytes([int(match.group(1), 8)])
            if match.group(1)[:1].isdigit()
            else simple.get(match.group(1), match.group(1))
        ),
        raw,
        flags=re.S,
    )


def _to_unicode(cmap: bytes) -> dict[int, str]:
    mapping = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.S):
        for code, text in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            mapping[int(code, 16)] = bytes.fromhex(text.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", cmap, re.S):
        for first, last, start in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            for offset in range(int(first, 16), int(last, 16) + 1):
                mapping[offset] = chr(int(start, 16) + offset - int(first, 16))
    return mapping


def page_contents(pdf: bytes) -> list[bytes]:
    objects = _objects(pdf)
    contents = []
    for body in objects.values():
        if re.search(rb"/Type\s*/Page\b", body):
            number = int(re.search(rb"/Contents\s+(\d+) 0 R", body).group(1))
            contents.append(_stream(objects[number]))
    return contents


def text_pieces(pdf: bytes) -> list[str]:
    """Every string shown with Tj, decoded through its font's ToUnicode map, in drawing order."""
    objects = _objects(pdf)
    fonts = {}
    for body in objects.values():
        name = re.search(rb"/Name\s*/(\S+)", body)
        if re.search(rb"/Type\s*/Font\b", body) and name:
            cmap = re.search(rb"/ToUnicode\s+(\d+) 0 R", body)
            fonts[name.group(1)] = _to_unicode(_stream(objects[int(cmap.group(1))])) if cmap else None
    pieces = []
    token = re.compile(rb"/([^\s/\[\]()<>]+)\s+[\d.]+\s+Tf|\(((?:\\.|[^\\()])*)\)\s*Tj", re.S)
    for content in page_contents(pdf):
        font = None
        for match in token.finditer(content):
            if match.group(1) is not None:
                font = fonts[match.group(1)]
                continue
            raw = _literal(match.group(2))
            pieces.append("".join(font[byte] for byte in raw) if font else raw.decode("latin-1"))
    return pieces


def info_string(pdf: bytes, key: str) -> str:
    raw = _literal(re.search(rb"/" + key.encode() + rb"\s*\(((?:\\.|[^\\()])*)\)", pdf, re.S).group(1))
    return raw[2:].decode("utf-16-be") if raw.startswith(b"\xfe\xff") else raw.decode("latin-1")


# --- Tests ----------------------------------------------------------------------------------


def test_the_output_is_a_one_page_a4_pdf():
    pdf = slip()

    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")
    assert re.search(rb"/MediaBox\s*\[\s*0 0 595.2756 841.8898\s*\]", pdf)
    assert len(page_contents(pdf)) == 1


def test_source_sans_pro_is_embedded():
    pdf = slip()

    for face in (b"SourceSansPro-Regular", b"SourceSansPro-Bold", b"SourceSansPro-It"):
        assert b"+" + face in pdf  # a subset, as /BaseFont /AAAAAA+SourceSansPro-Regular
    assert pdf.count(b"/FontFile2") == 3


def test_the_vietnamese_text_is_there_in_reading_order():
    pieces = text_pieces(slip())

    assert pieces.index(NATIONAL_TITLE) < pieces.index(NATIONAL_MOTTO)
    for expected in [
        "Số: H29.100-260114-0001",
        "Thành phố Hồ Chí Minh, ngày 14 tháng 01 năm 2026",
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        "Mã hồ sơ",
        "Nguyễn Thị Ánh Tuyết",
        "Cơ quan đã nhận đủ giấy tờ theo quy định.",
        "Quét mã để tra cứu hồ sơ",
        URL,
        "NGƯỜI TIẾP NHẬN",
        "Trần Văn Bình",
    ]:
        assert expected in pieces
    text = " ".join(pieces)
    assert "ỦY BAN NHÂN DÂN PHƯỜNG SÀI GÒN" in text
    assert "ỦY BAN NHÂN DÂN THÀNH PHỐ HỒ CHÍ" in text


@pytest.mark.skipif(PDFTOTEXT is None, reason="poppler's pdftotext is not installed")
def test_pdftotext_reads_the_vietnamese_text():
    result = subprocess.run([PDFTOTEXT, "-", "-"], input=slip(), capture_output=True, check=True)  # noqa: S603
    text = result.stdout.decode()

    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "Nguyễn Thị Ánh Tuyết" in text
    assert URL in text


def test_the_metadata_names_the_document_and_the_author():
    pdf = slip()

    assert info_string(pdf, "Title") == "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"
    assert info_string(pdf, "Author") == "Công Sở"
    assert info_string(pdf, "Lang") == "vi"


def test_the_qr_code_drawn_is_the_qr_code_of_the_url():
    """Rebuild the module grid from the drawn squares and compare it with segno's symbol for the URL."""
    content = page_contents(slip())[0]
    rects = [tuple(map(float, r)) for r in re.findall(rb"([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+) re", content)]
    module = min(height for _x, _y, _width, height in rects)
    expected = segno.make(URL, error=QR_ERROR, micro=False).matrix
    count = len(expected)

    dark = set()
    for x, y, width, height in rects:
        assert height == pytest.approx(module)
        row = count - 1 - (round(y / module) - QR_BORDER)
        first = round(x / module) - QR_BORDER
        dark.update((row, column) for column in range(first, first + round(width / module)))

    assert dark == {(r, c) for r, line in enumerate(expected) for c, value in enumerate(line) if value}


def test_without_a_url_there_is_no_qr_code():
    pdf = slip(qr_url=None, qr_caption="")

    assert b" re" not in page_contents(pdf)[0]
    assert URL not in text_pieces(pdf)


def test_markup_in_the_text_is_printed_not_interpreted():
    pdf = slip(rows=[("Người nộp", '<font name="x">Lê & Cộng sự</font>')], paragraphs=["a < b > c <br/>"])

    text = "".join(text_pieces(pdf))
    assert '<font name="x">Lê & Cộng sự</font>' in text
    assert "a < b > c <br/>" in text


def test_line_breaks_in_values_are_kept_and_lazy_strings_are_accepted():
    pieces = text_pieces(
        slip(title=gettext_lazy("Phiếu yêu cầu bổ sung"), rows=[("Địa chỉ", "12 Lê Lợi\nPhường Sài Gòn")])
    )

    assert "PHIẾU YÊU CẦU BỔ SUNG" in pieces
    assert pieces[pieces.index("12 Lê Lợi") : pieces.index("12 Lê Lợi") + 2] == ["12 Lê Lợi", "Phường Sài Gòn"]


def test_a_long_document_flows_onto_more_pages():
    pdf = slip(paragraphs=[f"Nội dung đoạn văn bản số {n}." * 12 for n in range(40)])

    assert len(page_contents(pdf)) > 1
    assert "Trần Văn Bình" in text_pieces(pdf)


def test_only_the_title_and_agency_are_required():
    pieces = text_pieces(render_official(title="Thông báo", agency_name="Sở Tư pháp", rows=[], paragraphs=[]))

    assert "THÔNG BÁO" in pieces
    assert "SỞ TƯ PHÁP" in pieces
    assert NATIONAL_TITLE in pieces
