"""Demo open data (dữ liệu mở trình diễn): a handful of small datasets of the demo agencies.

Eight open datasets — ward population, schools, markets, bus stops, public toilets, air
quality, ward health stations, public Wi-Fi — and one shared database extract (hộ tịch)
granted to the Bến Thành ward, whose API key is a fixed, published demo key (like the demo
passwords: never load this on a real server). The figures are invented for the demo, generated
deterministically in code; place and street names are real. Everything goes through the
services as the system (``actor=None``) and is idempotent: a dataset whose name exists is left
as it is, the grant and the key are made once.
"""

import csv
import hashlib
import io
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from congso.agencies.models import Agency
from congso.core.keys import key_hash
from congso.core.services import audit_record
from congso.geo.models import AdministrativeUnit
from congso.opendata.models import ApiKey, Dataset, Frequency, Licence, Theme
from congso.opendata.services import (
    access_grant,
    dataset_create,
    dataset_publish,
    resource_create,
    resource_version_add,
)
from congso.web.demo import agencies as demo_agencies

# A published demo key for the Bến Thành ward, so that the shared dataset can be tried with curl.
DEMO_API_KEY = "cs_demo_" + hashlib.sha256(b"congso-demo-opendata-key").hexdigest()[:32]
DEMO_API_KEY_NAME = "Khóa trình diễn"

SEED = 2026
WARDS = [
    "Phường Sài Gòn",
    "Phường Bến Thành",
    "Phường Tân Định",
    "Phường Cầu Ông Lãnh",
    "Phường Bàn Cờ",
    "Phường Xuân Hòa",
    "Phường Chợ Lớn",
    "Phường Thủ Đức",
    "Phường Bình Thạnh",
]
STREETS = [
    "Lê Lợi",
    "Nguyễn Huệ",
    "Hàm Nghi",
    "Lê Thánh Tôn",
    "Pasteur",
    "Nam Kỳ Khởi Nghĩa",
    "Hai Bà Trưng",
    "Điện Biên Phủ",
    "Cách Mạng Tháng Tám",
    "Võ Văn Tần",
    "Nguyễn Thị Minh Khai",
    "Trần Hưng Đạo",
    "Phạm Ngũ Lão",
    "Lý Tự Trọng",
    "Nguyễn Trãi",
]

Rows = list[list[object]]


@dataclass(frozen=True)
class DemoResource:
    name: str
    name_en: str
    filename: str
    rows: Callable[[], Rows]
    description: str = ""


@dataclass(frozen=True)
class DemoDataset:
    name: str
    organization: str
    title: str
    title_en: str
    description: str
    description_en: str
    theme: str
    keywords: list[str]
    frequency: str
    resources: list[DemoResource]
    visibility: str = Dataset.Visibility.OPEN
    licence: str = Licence.CC_BY
    spatial_unit: str | None = None
    temporal: tuple[date, date] | None = None
    grants: list[str] = field(default_factory=list)
    # Later versions of the first resource (to show the version history): (rows builder, note)
    updates: list[tuple[Callable[[], Rows], str]] = field(default_factory=list)


def _rng(name: str) -> random.Random:
    return random.Random(f"{SEED}:{name}")  # noqa: S311 - demo figures, not secrets


def _point(rng: random.Random) -> tuple[str, str]:
    """A latitude/longitude in the city centre, 6 decimals."""
    return f"{rng.uniform(10.760, 10.800):.6f}", f"{rng.uniform(106.680, 106.710):.6f}"


def _population() -> Rows:
    rng = _rng("population")
    rows: Rows = [["Khu phố", "Số hộ", "Nhân khẩu", "Nam", "Nữ", "Diện tích (ha)"]]
    for number in range(1, 13):
        households = rng.randint(380, 920)
        people = households * rng.randint(30, 42) // 10
        men = people * rng.randint(470, 500) // 1000
        rows.append([f"Khu phố {number}", households, people, men, people - men, f"{rng.uniform(8, 25):.2f}"])
    return rows


def _schools() -> Rows:
    rng = _rng("schools")
    names = [
        ("Tiểu học", "Trường Tiểu học Lê Ngọc Hân"),
        ("Tiểu học", "Trường Tiểu học Nguyễn Bỉnh Khiêm"),
        ("Tiểu học", "Trường Tiểu học Kết Đoàn"),
        ("Tiểu học", "Trường Tiểu học Hòa Bình"),
        ("Trung học cơ sở", "Trường THCS Văn Lang"),
        ("Trung học cơ sở", "Trường THCS Minh Đức"),
        ("Trung học cơ sở", "Trường THCS Trần Văn Ơn"),
        ("Trung học cơ sở", "Trường THCS Đồng Khởi"),
        ("Trung học phổ thông", "Trường THPT Trưng Vương"),
        ("Trung học phổ thông", "Trường THPT Bùi Thị Xuân"),
        ("Trung học phổ thông", "Trường THPT Lê Quý Đôn"),
        ("Trung học phổ thông", "Trường THPT Nguyễn Thị Minh Khai"),
    ]
    rows: Rows = [["Mã trường", "Tên trường", "Cấp học", "Phường, xã", "Địa chỉ", "Số lớp", "Số học sinh"]]
    for number, (level, name) in enumerate(names, start=1):
        classes = rng.randint(18, 45)
        rows.append(
            [
                f"79{number:04d}",
                name,
                level,
                rng.choice(WARDS[:5]),
                f"{rng.randint(1, 250)} {rng.choice(STREETS)}",
                classes,
                classes * rng.randint(35, 45),
            ]
        )
    return rows


def _markets() -> Rows:
    rng = _rng("markets")
    markets = [
        ("Chợ Bến Thành", "Phường Bến Thành", "Lê Lợi", "1"),
        ("Chợ Tân Định", "Phường Tân Định", "Hai Bà Trưng", "1"),
        ("Chợ Bình Tây", "Phường Chợ Lớn", "Tháp Mười", "1"),
        ("Chợ Bàn Cờ", "Phường Bàn Cờ", "Nguyễn Đình Chiểu", "2"),
        ("Chợ Thái Bình", "Phường Bến Thành", "Phạm Ngũ Lão", "2"),
        ("Chợ Bà Chiểu", "Phường Bình Thạnh", "Bạch Đằng", "1"),
        ("Chợ Thủ Đức", "Phường Thủ Đức", "Võ Văn Ngân", "2"),
        ("Chợ Cầu Muối", "Phường Cầu Ông Lãnh", "Nguyễn Thái Học", "3"),
    ]
    rows: Rows = [["Tên chợ", "Hạng chợ", "Phường, xã", "Đường", "Số điểm kinh doanh", "Mở cửa", "Đóng cửa"]]
    for name, ward, street, grade in markets:
        rows.append([name, grade, ward, street, rng.randint(120, 1400), "05:00", rng.choice(["18:00", "19:00"])])
    return rows


def _bus_stops() -> Rows:
    rng = _rng("bus-stops")
    rows: Rows = [["Mã trạm", "Tên trạm", "Tuyến", "Đường", "Vĩ độ", "Kinh độ", "Có mái che"]]
    for number in range(1, 41):
        street = rng.choice(STREETS)
        latitude, longitude = _point(rng)
        routes = sorted(rng.sample(["01", "03", "04", "18", "19", "36", "45", "52", "56", "88", "93"], 2))
        rows.append(
            [
                f"TT-{number:03d}",
                f"{street} {rng.randint(2, 200)}",
                " ".join(routes),
                street,
                latitude,
                longitude,
                rng.random() < 0.7,
            ]
        )
    return rows


def _toilets() -> Rows:
    rng = _rng("toilets")
    rows: Rows = [["Mã", "Vị trí", "Phường, xã", "Loại", "Miễn phí", "Giờ phục vụ", "Vĩ độ", "Kinh độ"]]
    kinds = ["Nhà vệ sinh cố định", "Nhà vệ sinh di động", "Nhà vệ sinh tại công viên"]
    for number in range(1, 19):
        latitude, longitude = _point(rng)
        rows.append(
            [
                f"WC-{number:03d}",
                f"Gần số {rng.randint(1, 300)} {rng.choice(STREETS)}",
                rng.choice(WARDS[:5]),
                rng.choice(kinds),
                rng.random() < 0.8,
                rng.choice(["05:00–22:00", "06:00–21:00", "24/24"]),
                latitude,
                longitude,
            ]
        )
    return rows


_AIR_STATIONS = ["Trạm Đài Truyền hình", "Trạm Thảo Cầm Viên", "Trạm Thủ Đức"]
_AIR_START = date(2025, 7, 1)


def _aqi_level(aqi: int) -> str:
    for ceiling, label in ((50, "Tốt"), (100, "Trung bình"), (150, "Kém"), (200, "Xấu")):
        if aqi <= ceiling:
            return label
    return "Rất xấu"


def _air_quality(days: int) -> Rows:
    rng = _rng("air")
    rows: Rows = [["Ngày", "Trạm quan trắc", "AQI", "PM2.5 (µg/m³)", "Mức"]]
    for offset in range(days):
        for station in _AIR_STATIONS:
            pm25 = round(rng.uniform(12, 70), 1)
            aqi = min(300, int(pm25 * 2.1 + rng.randint(0, 15)))
            rows.append(
                [(_AIR_START + timedelta(days=offset)).isoformat(), station, aqi, f"{pm25:.1f}", _aqi_level(aqi)]
            )
    return rows


def _health_stations() -> Rows:
    rng = _rng("health")
    rows: Rows = [["Tên cơ sở", "Loại", "Phường, xã", "Địa chỉ", "Điện thoại", "Khám bảo hiểm y tế"]]
    for ward in WARDS:
        rows.append(
            [
                f"Trạm y tế {ward[0].lower()}{ward[1:]}",
                "Trạm y tế",
                ward,
                f"{rng.randint(1, 300)} {rng.choice(STREETS)}",
                f"028 38{rng.randint(100000, 999999)}",
                True,
            ]
        )
    return rows


def _wifi() -> Rows:
    rng = _rng("wifi")
    places = ["Công viên 23 Tháng 9", "Phố đi bộ Nguyễn Huệ", "Công viên Tao Đàn", "Nhà văn hóa Thanh niên"]
    places += [f"Trạm xe buýt {street}" for street in STREETS[:8]]
    rows: Rows = [["Mã điểm", "Tên điểm", "Vĩ độ", "Kinh độ", "Tốc độ tối đa (Mbps)", "Hoạt động"]]
    for number, place in enumerate(places, start=1):
        latitude, longitude = _point(rng)
        rows.append([f"WIFI-{number:03d}", place, latitude, longitude, rng.choice([20, 50, 100]), rng.random() < 0.9])
    return rows


def _civil_status() -> Rows:
    """An anonymised extract: registration numbers and kinds of events, no names nor identity numbers."""
    rng = _rng("civil-status")
    rows: Rows = [["Số đăng ký", "Loại sự kiện", "Ngày đăng ký", "Nơi đăng ký", "Năm sinh của người được đăng ký"]]
    kinds = [("Khai sinh", 0.55), ("Kết hôn", 0.25), ("Khai tử", 0.2)]
    day = date(2025, 9, 1)
    for number in range(1, 61):
        kind = rng.choices([k for k, _w in kinds], weights=[w for _k, w in kinds])[0]
        day += timedelta(days=rng.randint(0, 2))
        birth_year = 2025 if kind == "Khai sinh" else rng.randint(1940, 2000)
        rows.append([f"{number:04d}/2025", kind, day.isoformat(), f"UBND {rng.choice(WARDS)}", birth_year])
    return rows


DATASETS: list[DemoDataset] = [
    DemoDataset(
        name="dan-so-phuong-ben-thanh",
        organization=demo_agencies.BEN_THANH,
        title="Dân số phường Bến Thành theo khu phố",
        title_en="Population of Bến Thành ward by neighbourhood",
        description="Số hộ, nhân khẩu, nam, nữ và diện tích của từng khu phố (số liệu minh họa).",
        description_en="Households, residents, men, women and area of each neighbourhood (illustrative figures).",
        theme=Theme.SOCI,
        keywords=["dân số", "khu phố", "Bến Thành"],
        frequency=Frequency.ANNUAL,
        spatial_unit=demo_agencies.BEN_THANH_UNIT,
        temporal=(date(2025, 1, 1), date(2025, 12, 31)),
        resources=[
            DemoResource("Dân số theo khu phố năm 2025", "Population by neighbourhood, 2025", "dan-so.csv", _population)
        ],
    ),
    DemoDataset(
        name="truong-pho-thong-cong-lap",
        organization="000.00.09.H29",
        title="Danh sách trường phổ thông công lập khu trung tâm",
        title_en="Public schools of the city centre",
        description="Trường tiểu học, trung học cơ sở và trung học phổ thông: địa chỉ, số lớp, số học sinh.",
        description_en="Primary, lower and upper secondary schools: address, classes, pupils.",
        theme=Theme.EDUC,
        keywords=["giáo dục", "trường học"],
        frequency=Frequency.ANNUAL,
        resources=[
            DemoResource("Danh sách trường năm học 2025–2026", "Schools, 2025–2026", "truong-hoc.csv", _schools)
        ],
    ),
    DemoDataset(
        name="cho-truyen-thong",
        organization="000.00.06.H29",
        title="Chợ truyền thống trên địa bàn Thành phố",
        title_en="Traditional markets of the city",
        description="Hạng chợ, địa chỉ, số điểm kinh doanh và giờ mở cửa.",
        description_en="Market grade, address, number of stalls and opening hours.",
        theme=Theme.ECON,
        keywords=["chợ", "thương mại"],
        frequency=Frequency.IRREGULAR,
        licence=Licence.CC_ZERO,
        resources=[DemoResource("Danh sách chợ", "Markets", "cho.csv", _markets)],
    ),
    DemoDataset(
        name="tram-dung-xe-buyt-trung-tam",
        organization="000.00.05.H29",
        title="Trạm dừng xe buýt khu trung tâm",
        title_en="Bus stops in the city centre",
        description="Mã trạm, tên trạm, các tuyến đi qua, tọa độ và mái che.",
        description_en="Stop code, name, routes, coordinates and shelter.",
        theme=Theme.TRAN,
        keywords=["xe buýt", "giao thông công cộng"],
        frequency=Frequency.QUARTERLY,
        resources=[DemoResource("Trạm dừng xe buýt", "Bus stops", "tram-xe-buyt.csv", _bus_stops)],
    ),
    DemoDataset(
        name="nha-ve-sinh-cong-cong",
        organization="000.00.05.H29",
        title="Nhà vệ sinh công cộng",
        title_en="Public toilets",
        description="Vị trí, loại, giờ phục vụ và việc thu phí của nhà vệ sinh công cộng khu trung tâm.",
        description_en="Location, kind, opening hours and fees of the public toilets in the city centre.",
        theme=Theme.REGI,
        keywords=["tiện ích công cộng", "vệ sinh"],
        frequency=Frequency.IRREGULAR,
        resources=[DemoResource("Nhà vệ sinh công cộng", "Public toilets", "nha-ve-sinh.csv", _toilets)],
    ),
    DemoDataset(
        name="chat-luong-khong-khi",
        organization="000.00.07.H29",
        title="Chỉ số chất lượng không khí (AQI) theo ngày",
        title_en="Daily air quality index (AQI)",
        description="AQI và nồng độ bụi PM2.5 trung bình ngày tại các trạm quan trắc tự động.",
        description_en="Daily AQI and mean PM2.5 at the automatic monitoring stations.",
        theme=Theme.ENVI,
        keywords=["môi trường", "không khí", "AQI"],
        frequency=Frequency.DAILY,
        temporal=(_AIR_START, _AIR_START + timedelta(days=59)),
        resources=[
            DemoResource("AQI theo ngày tại các trạm", "Daily AQI by station", "aqi.csv", lambda: _air_quality(30))
        ],
        updates=[(lambda: _air_quality(60), "Bổ sung số liệu tháng 8/2025")],
    ),
    DemoDataset(
        name="tram-y-te-phuong-xa",
        organization="000.00.08.H29",
        title="Trạm y tế phường, xã",
        title_en="Ward and commune health stations",
        description="Địa chỉ, điện thoại và việc khám bảo hiểm y tế của các trạm y tế.",
        description_en="Address, telephone and health insurance of the health stations.",
        theme=Theme.HEAL,
        keywords=["y tế", "trạm y tế"],
        frequency=Frequency.ANNUAL,
        resources=[DemoResource("Danh sách trạm y tế", "Health stations", "tram-y-te.csv", _health_stations)],
    ),
    DemoDataset(
        name="diem-wifi-cong-cong",
        organization="000.00.12.H29",
        title="Điểm phát Wi-Fi công cộng miễn phí",
        title_en="Free public Wi-Fi hotspots",
        description="Tên điểm, tọa độ, tốc độ tối đa và tình trạng hoạt động.",
        description_en="Hotspot name, coordinates, top speed and status.",
        theme=Theme.TECH,
        keywords=["wifi", "chuyển đổi số"],
        frequency=Frequency.MONTHLY,
        licence=Licence.ODC_BY,
        resources=[DemoResource("Điểm Wi-Fi công cộng", "Public Wi-Fi hotspots", "wifi.csv", _wifi)],
    ),
    DemoDataset(
        name="co-so-du-lieu-ho-tich-dung-chung",
        organization=demo_agencies.JUSTICE,
        title="Cơ sở dữ liệu hộ tịch dùng chung (trích)",
        title_en="Shared civil status database (extract)",
        description="Trích đăng ký khai sinh, kết hôn, khai tử đã ẩn danh, cấp cho cơ quan được cấp quyền khai thác.",
        description_en="Anonymised extract of birth, marriage and death registrations, for agencies granted access.",
        theme=Theme.JUST,
        keywords=["hộ tịch", "dữ liệu dùng chung"],
        frequency=Frequency.DAILY,
        visibility=Dataset.Visibility.SHARED,
        licence=Licence.OTHER_CLOSED,
        resources=[
            DemoResource("Đăng ký hộ tịch (trích)", "Civil registrations (extract)", "ho-tich.csv", _civil_status)
        ],
        grants=[demo_agencies.BEN_THANH],
    ),
]


def _csv_file(rows: Rows, filename: str) -> ContentFile:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in rows:
        writer.writerow(["true" if cell is True else "false" if cell is False else cell for cell in row])
    return ContentFile(out.getvalue().encode("utf-8"), name=filename)


def _spatial(code: str | None) -> AdministrativeUnit | None:
    if code is None:
        return None
    return AdministrativeUnit.objects.filter(code=code, valid_to__isnull=True).first()


def _load(spec: DemoDataset) -> Dataset:
    dataset = dataset_create(
        actor=None,
        organization=Agency.objects.get(code=spec.organization),
        name=spec.name,
        title=spec.title,
        title_en=spec.title_en,
        description=spec.description,
        description_en=spec.description_en,
        theme=spec.theme,
        keywords=spec.keywords,
        visibility=spec.visibility,
        licence=spec.licence,
        contact_name="Bộ phận dữ liệu mở",
        contact_email="dulieumo@demo.tphcm.example",
        frequency=spec.frequency,
        spatial=_spatial(spec.spatial_unit),
        temporal_start=spec.temporal[0] if spec.temporal else None,
        temporal_end=spec.temporal[1] if spec.temporal else None,
    )
    for number, item in enumerate(spec.resources):
        resource = resource_create(
            actor=None,
            dataset=dataset,
            name=item.name,
            name_en=item.name_en,
            description=item.description,
            upload=_csv_file(item.rows(), item.filename),
        )
        if number == 0:
            for rows, note in spec.updates:
                resource_version_add(actor=None, resource=resource, upload=_csv_file(rows(), item.filename), note=note)
    return dataset_publish(actor=None, dataset=dataset)


def _demo_key(agency: Agency) -> bool:
    """The published demo key of ``agency``; True if it was made now."""
    hashed = key_hash(DEMO_API_KEY)
    if ApiKey.objects.filter(key_hash=hashed).exists():
        return False
    # Written directly rather than by api_key_create, which draws a random key: this one is fixed and published.
    key = ApiKey.objects.create(
        agency=agency,
        name=DEMO_API_KEY_NAME,
        prefix=DEMO_API_KEY[:10],
        key_hash=hashed,
        daily_quota=1000,
        created_at=timezone.now(),
    )
    audit_record(actor=None, action="opendata.api_key_create", obj=key, data={"agency": agency.code, "demo": True})
    return True


@transaction.atomic
def load_demo_opendata() -> dict[str, int | str]:
    """Load the demo catalog (needs the demo agencies); returns what was created and the demo API key."""
    created = unchanged = resources = 0
    for spec in DATASETS:
        dataset = Dataset.objects.filter(name=spec.name).first()
        if dataset is None:
            dataset = _load(spec)
            created += 1
            resources += len(spec.resources)
        else:
            unchanged += 1
        for code in spec.grants:
            access_grant(actor=None, dataset=dataset, agency=Agency.objects.get(code=code))
    key_created = _demo_key(Agency.objects.get(code=demo_agencies.BEN_THANH))
    return {
        "created": created,
        "unchanged": unchanged,
        "resources": resources,
        "api_keys": int(key_created),
        "api_key": DEMO_API_KEY,
    }
