"""Agencies (cơ quan) of Ho Chi Minh City after the 1 July 2025 merger with Bình Dương and Bà Rịa–Vũng Tàu.

Sources checked (December 2025 press): on 1 July 2025 the city council set up
15 specialised bodies under the city People's Committee — Văn phòng UBND,
Sở Nội vụ, Sở Tư pháp, Sở Tài chính, Thanh tra Thành phố, Sở Xây dựng, Sở Nông
nghiệp và Môi trường, Sở Giáo dục và Đào tạo, Sở Y tế, Sở An toàn thực phẩm,
Sở Công Thương, Sở Khoa học và Công nghệ, Sở Văn hóa và Thể thao, Sở Du lịch,
Sở Dân tộc và Tôn giáo (thanhnien.vn, 1 July 2025). Sở Quy hoạch – Kiến trúc
was re-established in September 2025 (sggp.org.vn, 18 October 2025). The
city's Public Administration Service Centre (Trung tâm Phục vụ hành chính
công), a unit of the city People's Committee Office at 43 Nguyễn Văn Bá,
phường Thủ Đức, opened on 31 December 2025 (vietnamplus.vn).
Addresses are given only where a source stated them; the rest are left empty.

Agency codes — QCVN 102:2016 shape ``L4.L3.L2.L1``; *HCMC's real assignments
are unverified*, so this demo uses one documented scheme:

- ``L1`` = ``H29`` for Ho Chi Minh City;
- ``000.00.00.H29`` the city People's Committee;
- ``000.00.NN.H29`` a body directly under it (NN = our own numbering below);
- ``000.MM.NN.H29`` a unit under body NN (MM = 01, 02, …);
- ``CCC.CC.99.H29`` the People's Committee of a ward, commune or special zone,
  where ``CCCCC`` is its 5-digit national unit code (block 99 = commune level);
- ``CCC.CC.98.H29`` the ward police station under the city police (block 98).
"""

CITY = "000.00.00.H29"
OFFICE = "000.00.01.H29"
JUSTICE = "000.00.03.H29"
POLICE = "000.00.98.H29"

# (code, name, short name, kind, parent code, address)
CITY_BODIES: list[tuple[str, str, str, str, str | None, str]] = [
    (CITY, "Ủy ban nhân dân Thành phố Hồ Chí Minh", "UBND TP.HCM", "city", None, "86 Lê Thánh Tôn, phường Sài Gòn"),
    (OFFICE, "Văn phòng Ủy ban nhân dân Thành phố", "VP UBND TP", "department", CITY, ""),
    ("000.00.02.H29", "Sở Nội vụ", "SNV", "department", CITY, ""),
    (JUSTICE, "Sở Tư pháp", "STP", "department", CITY, ""),
    ("000.00.04.H29", "Sở Tài chính", "STC", "department", CITY, ""),
    ("000.00.05.H29", "Sở Xây dựng", "SXD", "department", CITY, ""),
    ("000.00.06.H29", "Sở Công Thương", "SCT", "department", CITY, ""),
    ("000.00.07.H29", "Sở Nông nghiệp và Môi trường", "SNNMT", "department", CITY, ""),
    ("000.00.08.H29", "Sở Y tế", "SYT", "department", CITY, ""),
    ("000.00.09.H29", "Sở Giáo dục và Đào tạo", "SGDĐT", "department", CITY, ""),
    ("000.00.10.H29", "Sở Văn hóa và Thể thao", "SVHTT", "department", CITY, ""),
    ("000.00.11.H29", "Sở Du lịch", "SDL", "department", CITY, ""),
    ("000.00.12.H29", "Sở Khoa học và Công nghệ", "SKHCN", "department", CITY, ""),
    ("000.00.13.H29", "Sở Dân tộc và Tôn giáo", "SDTTG", "department", CITY, ""),
    ("000.00.14.H29", "Sở Quy hoạch – Kiến trúc", "SQHKT", "department", CITY, "168 Pasteur, phường Sài Gòn"),
    ("000.00.15.H29", "Sở An toàn thực phẩm", "SATTP", "department", CITY, ""),
    ("000.00.16.H29", "Thanh tra Thành phố", "TTTP", "department", CITY, ""),
    (
        "000.00.17.H29",
        "Ban Quản lý các Khu chế xuất và công nghiệp Thành phố Hồ Chí Minh",
        "HEPZA",
        "department",
        CITY,
        "",
    ),
    (POLICE, "Công an Thành phố Hồ Chí Minh", "CATP", "police", CITY, ""),
    (
        "000.01.01.H29",
        "Trung tâm Phục vụ hành chính công Thành phố Hồ Chí Minh",
        "TTPVHCC",
        "centre",
        OFFICE,
        "43 Nguyễn Văn Bá, phường Thủ Đức",
    ),
]

# National unit codes (vietnam_provinces 2025.10.1, province 79) of the wards,
# communes and special zone whose People's Committee — and ward police — the
# demo creates. Names come from the package, not from here.
COMMUNE_UNIT_CODES: list[str] = [
    "26740",  # Phường Sài Gòn
    "26743",  # Phường Bến Thành
    "26737",  # Phường Tân Định
    "26758",  # Phường Cầu Ông Lãnh
    "27160",  # Phường Bàn Cờ
    "27139",  # Phường Xuân Hòa
    "27343",  # Phường Chợ Lớn
    "26824",  # Phường Thủ Đức
    "26929",  # Phường Bình Thạnh
    "25747",  # Phường Thủ Dầu Một
    "26506",  # Phường Vũng Tàu
    "27553",  # Xã Củ Chi
    "27664",  # Xã Cần Giờ
    "26732",  # Đặc khu Côn Đảo
]

BEN_THANH_UNIT = "26743"


def commune_code(unit_code: str) -> str:
    """Agency code of the People's Committee of a ward/commune: ``CCC.CC.99.H29``."""
    return f"{unit_code[:3]}.{unit_code[3:]}.99.H29"


def ward_police_code(unit_code: str) -> str:
    """Agency code of the police station of a ward/commune: ``CCC.CC.98.H29``."""
    return f"{unit_code[:3]}.{unit_code[3:]}.98.H29"


def ward_police_name(unit_name: str) -> str:
    """``Phường Bến Thành`` → ``Công an phường Bến Thành``; ``Đặc khu Côn Đảo`` → ``Công an đặc khu Côn Đảo``."""
    return "Công an " + unit_name[0].lower() + unit_name[1:]


BEN_THANH = commune_code(BEN_THANH_UNIT)
WARD_POLICE = [ward_police_code(code) for code in COMMUNE_UNIT_CODES]
