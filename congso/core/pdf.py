"""Official documents as PDF (văn bản hành chính): receipt slips, refusals, apology letters, results.

One A4 layout after the one-stop forms of Circular 01/2018/TT-VPCP (formatted as
Decree 30/2020/NĐ-CP describes): the issuing agency top left with the document
number, the national title (Quốc hiệu) top right with the place and date, a
centred title, key/value rows, paragraphs, then the signature block bottom right
and a QR code for online verification bottom left. Text is set in Source Sans
Pro, which carries every Vietnamese glyph, and the font is embedded.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from importlib import resources
from io import BytesIO
from xml.sax.saxutils import escape

import segno
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, HRFlowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table
from reportlab.platypus import TableStyle as _TableStyle

# The national title and motto are fixed by law and always printed in Vietnamese,
# whatever the reader's interface language, so they are not translatable.
NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
NATIONAL_MOTTO = "Độc lập - Tự do - Hạnh phúc"
AUTHOR = "Công Sở"

FONT = "SourceSansPro"
FONT_BOLD = "SourceSansPro-Bold"
FONT_ITALIC = "SourceSansPro-Italic"
FONT_BOLD_ITALIC = "SourceSansPro-BoldItalic"
_FONT_FILES = {
    FONT: "SourceSansPro-Regular.ttf",
    FONT_BOLD: "SourceSansPro-Bold.ttf",
    FONT_ITALIC: "SourceSansPro-It.ttf",
    FONT_BOLD_ITALIC: "SourceSansPro-BoldIt.ttf",
}

# Margins of an administrative document (Decree 30/2020/NĐ-CP, appendix I): left 30 mm, others 20 mm.
_MARGIN_LEFT = 30 * mm
_MARGIN_OTHER = 20 * mm
_BODY_WIDTH = A4[0] - _MARGIN_LEFT - _MARGIN_OTHER
_HEADER_LEFT = 0.42 * _BODY_WIDTH
_HEADER_RIGHT = _BODY_WIDTH - _HEADER_LEFT
_QR_SIZE = 30 * mm
# QR error-correction level M: survives a crease or a smudge on a printed slip.
QR_ERROR = "m"
QR_BORDER = 4  # modules of quiet zone the standard asks for


@functools.cache
def register_fonts() -> None:
    """Register the four Source Sans Pro faces with reportlab (once per process)."""
    folder = resources.files("font_source_sans_pro") / "files"
    for name, filename in _FONT_FILES.items():
        with resources.as_file(folder / filename) as path:
            pdfmetrics.registerFont(TTFont(name, str(path)))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=FONT_BOLD_ITALIC)


def render_official(
    *,
    title: str,
    agency_name: str,
    number_line: str = "",
    rows: Sequence[tuple[str, str]] = (),
    paragraphs: Sequence[str] = (),
    qr_url: str | None = None,
    qr_caption: str = "",
    signer_title: str = "",
    signer_name: str = "",
    place_date: str = "",
    parent_agency_name: str = "",
) -> bytes:
    """An A4 administrative document as PDF bytes; nothing is written to disk and nothing is fetched.

    Every argument is plain text (lazy translations are welcome): it is escaped,
    never read as markup. Line breaks inside a paragraph or a row value are kept.
    """
    register_fonts()
    styles = _styles()
    story: list[Flowable] = [
        _header(styles, parent_agency_name, agency_name, number_line, place_date),
        Spacer(1, 8 * mm),
        Paragraph(_text(title).upper(), styles["title"]),
        Spacer(1, 4 * mm),
    ]
    if rows:
        story += [_rows_table(styles, rows), Spacer(1, 3 * mm)]
    story += [Paragraph(_text(paragraph), styles["body"]) for paragraph in paragraphs if _plain(paragraph)]
    story += [Spacer(1, 6 * mm), KeepTogether([_footer(styles, qr_url, qr_caption, signer_title, signer_name)])]

    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=_MARGIN_LEFT,
        rightMargin=_MARGIN_OTHER,
        topMargin=_MARGIN_OTHER,
        bottomMargin=_MARGIN_OTHER,
        title=_plain(title),
        subject=_plain(title),
        author=AUTHOR,
        creator=AUTHOR,
        producer=AUTHOR,
        lang="vi",
    )
    document.build(story)
    return buffer.getvalue()


class QrCode(Flowable):
    """A QR code drawn as vector squares (sharp at any print size), quiet zone included."""

    def __init__(self, data: str, size: float) -> None:
        super().__init__()
        self.matrix = segno.make(data, error=QR_ERROR, micro=False).matrix
        self.size = size
        self.width = self.height = size
        self.hAlign = "CENTER"

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        count = len(self.matrix)
        module = self.size / (count + 2 * QR_BORDER)
        path = self.canv.beginPath()
        for row_index, row in enumerate(self.matrix):
            y = (count - 1 - row_index + QR_BORDER) * module
            column = 0
            while column < count:
                if not row[column]:
                    column += 1
                    continue
                start = column
                while column < count and row[column]:
                    column += 1
                # One rectangle per run of dark modules, all filled at once: no seams between them.
                path.rect((start + QR_BORDER) * module, y, (column - start) * module, module)
        self.canv.setFillColor(colors.black)
        self.canv.drawPath(path, stroke=0, fill=1)


def _header(styles, parent_agency_name, agency_name, number_line, place_date) -> Table:
    agency: list[Flowable] = []
    if _plain(parent_agency_name):
        agency.append(Paragraph(_text(parent_agency_name).upper(), styles["agency_parent"]))
    agency.append(Paragraph(_text(agency_name).upper(), styles["agency"]))
    agency.append(_rule(min(_HEADER_LEFT * 0.4, 35 * mm)))
    nation: list[Flowable] = [
        Paragraph(NATIONAL_TITLE, styles["nation"]),
        Paragraph(NATIONAL_MOTTO, styles["motto"]),
        _rule(stringWidth(NATIONAL_MOTTO, FONT_BOLD, styles["motto"].fontSize)),
    ]
    number = Paragraph(_text(number_line), styles["number"]) if _plain(number_line) else ""
    place = Paragraph(_text(place_date), styles["place_date"]) if _plain(place_date) else ""
    table = Table([[agency, nation], [number, place]], colWidths=[_HEADER_LEFT, _HEADER_RIGHT])
    table.setStyle(
        _table_style(
            ("VALIGN", (0, 0), (-1, 0), "TOP"),
            # Flowables in a cell follow the cell's alignment: centre the short rules under the names.
            ("ALIGN", (0, 0), (-1, 0), "CENTER"),
            ("TOPPADDING", (0, 1), (-1, 1), 4),
        )
    )
    return table


def _rows_table(styles, rows: Sequence[tuple[str, str]]) -> Table:
    data = [
        [Paragraph(_text(label), styles["label"]), Paragraph(_text(value), styles["value"])] for label, value in rows
    ]
    table = Table(data, colWidths=[0.35 * _BODY_WIDTH, 0.65 * _BODY_WIDTH])
    table.setStyle(_table_style(("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 3)))
    return table


def _footer(styles, qr_url, qr_caption, signer_title, signer_name) -> Table:
    verification: list[Flowable] = []
    if qr_url:
        verification.append(QrCode(str(qr_url), _QR_SIZE))
        if _plain(qr_caption):
            verification.append(Paragraph(_text(qr_caption), styles["qr_caption"]))
        verification.append(Paragraph(_text(qr_url), styles["qr_url"]))
    signature: list[Flowable] = []
    if _plain(signer_title):
        signature.append(Paragraph(_text(signer_title), styles["signer_title"]))
    if _plain(signer_name):
        # Room for the handwritten signature and the seal.
        signature += [Spacer(1, 22 * mm), Paragraph(_text(signer_name), styles["signer_name"])]
    table = Table([[verification, signature]], colWidths=[0.4 * _BODY_WIDTH, 0.6 * _BODY_WIDTH])
    table.setStyle(_table_style(("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (0, 0), (-1, -1), "CENTER")))
    return table


def _rule(width: float) -> HRFlowable:
    return HRFlowable(width=width, thickness=0.6, color=colors.black, spaceBefore=3, spaceAfter=3, hAlign="CENTER")


def _table_style(*commands) -> _TableStyle:
    return _TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 4), *commands])


def _plain(value: object) -> str:
    return "" if value is None else str(value).strip()


def _text(value: object) -> str:
    """Plain text as reportlab paragraph markup: escaped, line breaks kept."""
    return "<br/>".join(escape(line) for line in _plain(value).splitlines())


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=FONT, fontSize=12, leading=15)
    centred = ParagraphStyle("centred", parent=base, alignment=TA_CENTER)
    return {
        "agency_parent": ParagraphStyle("agency_parent", parent=centred, fontSize=11, leading=13.5),
        "agency": ParagraphStyle("agency", parent=centred, fontName=FONT_BOLD, fontSize=11, leading=13.5),
        "number": ParagraphStyle("number", parent=centred),
        "nation": ParagraphStyle("nation", parent=centred, fontName=FONT_BOLD, fontSize=11.5, leading=14),
        "motto": ParagraphStyle("motto", parent=centred, fontName=FONT_BOLD, fontSize=12.5, leading=15),
        "place_date": ParagraphStyle(
            "place_date", parent=base, fontName=FONT_ITALIC, fontSize=11.5, alignment=TA_RIGHT
        ),
        "title": ParagraphStyle("title", parent=centred, fontName=FONT_BOLD, fontSize=14, leading=18),
        "label": base,
        "value": ParagraphStyle("value", parent=base, fontName=FONT_BOLD),
        "body": ParagraphStyle(
            "body", parent=base, alignment=TA_JUSTIFY, firstLineIndent=10 * mm, spaceAfter=6, leading=16
        ),
        "qr_caption": ParagraphStyle("qr_caption", parent=centred, fontSize=9, leading=11, spaceBefore=2),
        "qr_url": ParagraphStyle(
            "qr_url", parent=centred, fontSize=8, leading=10, textColor=colors.HexColor("#333333"), splitLongWords=1
        ),
        "signer_title": ParagraphStyle("signer_title", parent=centred, fontName=FONT_BOLD),
        "signer_name": ParagraphStyle("signer_name", parent=centred, fontName=FONT_BOLD),
    }
