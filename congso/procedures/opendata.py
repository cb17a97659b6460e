"""The procedure catalog as open data (danh mục thủ tục hành chính), refreshed by the publisher registry.

One row per published procedure: code, name, field, level, online level, fees, legal deadline
and the agencies that perform it (names, and codes to join with the dossier statistics).
"""

from collections.abc import Iterator

from congso.opendata.models import Frequency, Theme
from congso.opendata.publishers import Publisher, Run, Table, city_agency_code, register
from congso.procedures.models import Procedure
from congso.procedures.services import effective_fee

FIELDS = [
    {"id": "code", "type": "text", "label": "Mã thủ tục"},
    {"id": "name", "type": "text", "label": "Tên thủ tục"},
    {"id": "field", "type": "text", "label": "Lĩnh vực"},
    {"id": "level", "type": "text", "label": "Cấp thực hiện"},
    {"id": "online_level", "type": "text", "label": "Mức độ trực tuyến"},
    {"id": "fee", "type": "int", "label": "Phí, lệ phí nộp trực tiếp (đồng)"},
    {"id": "fee_online", "type": "int", "label": "Phí, lệ phí nộp trực tuyến (đồng)"},
    {"id": "deadline_days", "type": "numeric", "label": "Thời hạn giải quyết (ngày làm việc)"},
    {"id": "agencies", "type": "text", "label": "Cơ quan thực hiện"},
    {"id": "agency_codes", "type": "text", "label": "Mã cơ quan thực hiện"},
]


def procedure_rows(run: Run) -> Iterator[list]:
    """Published procedures by code; agencies by code, separated by "; "."""
    procedures = (
        Procedure.objects.filter(is_published=True)
        .select_related("field")
        .prefetch_related("agencies")
        .order_by("code")
    )
    for procedure in procedures:
        agencies = sorted(procedure.agencies.all(), key=lambda agency: agency.code)
        yield [
            procedure.code,
            procedure.name,
            procedure.field.name,
            procedure.get_level_display(),
            procedure.get_online_level_display(),
            int(procedure.fee),
            int(effective_fee(procedure, online=True)),
            procedure.deadline_days,
            "; ".join(agency.name for agency in agencies),
            "; ".join(agency.code for agency in agencies),
        ]


CATALOG = register(
    Publisher(
        key="procedures.catalog",
        organization=city_agency_code,
        name="thu-tuc-hanh-chinh",
        title="Danh mục thủ tục hành chính",
        title_en="Catalogue of administrative procedures",
        description=(
            "Các thủ tục hành chính đang công bố trên nền tảng: mã, tên, lĩnh vực, cấp thực hiện, mức độ "
            "trực tuyến, phí và lệ phí (nộp trực tiếp và trực tuyến), thời hạn giải quyết theo ngày làm việc "
            "và cơ quan thực hiện. Cập nhật tự động hằng ngày."
        ),
        description_en=(
            "The administrative procedures published on the platform: code, name, field, level, online "
            "level, fees (at the counter and online), legal deadline in working days and the agencies that "
            "perform them. Refreshed automatically every day."
        ),
        keywords=("thủ tục hành chính", "dịch vụ công", "phí lệ phí"),
        theme=Theme.GOVE,
        frequency=Frequency.DAILY,
        tables=[
            Table(
                name="Danh mục thủ tục hành chính",
                name_en="Administrative procedures",
                description="Mỗi dòng một thủ tục; các cơ quan thực hiện cách nhau bởi dấu chấm phẩy.",
                fields=FIELDS,
                rows=procedure_rows,
            )
        ],
    )
)
