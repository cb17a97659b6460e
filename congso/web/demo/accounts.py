"""Demo logins (tài khoản trình diễn): one per role, all with the same printed password.

Never load these on a production server: ``load_demo`` refuses unless DEBUG is
on or ``--force`` is given, and ``demo_totp`` refuses without DEBUG.
"""

import hashlib
from dataclasses import dataclass
from datetime import date

from congso.web.demo.agencies import BEN_THANH, JUSTICE

DEMO_PASSWORD = "CongSo@2026"  # noqa: S105 - a published demo password, refused outside DEBUG


@dataclass(frozen=True)
class StaffAccount:
    """A demo staff member: an agency role (``agency`` set) or a city-wide role."""

    username: str
    full_name: str
    role: str
    role_label: str
    agency: str | None = None

    @property
    def email(self) -> str:
        return f"{self.username}@demo.tphcm.example"

    @property
    def totp_key_hex(self) -> str:
        """A fixed 20-byte TOTP secret derived from the username, so the printed secret never changes."""
        return hashlib.sha256(f"congso-demo-totp:{self.username}".encode()).hexdigest()[:40]


STAFF: list[StaffAccount] = [
    StaffAccount("demo.benthanh.motcua", "Nguyễn Thị Thu Hà", "desk_officer", "Cán bộ một cửa", BEN_THANH),
    StaffAccount("demo.benthanh.chuyenvien", "Trần Minh Khoa", "specialist", "Chuyên viên xử lý", BEN_THANH),
    StaffAccount("demo.benthanh.lanhdao", "Lê Văn Phúc", "leader", "Lãnh đạo", BEN_THANH),
    StaffAccount("demo.benthanh.quantri", "Phạm Thị Ngọc Lan", "agency_admin", "Quản trị cơ quan", BEN_THANH),
    StaffAccount("demo.tuphap.motcua", "Võ Thị Mai", "desk_officer", "Cán bộ một cửa", JUSTICE),
    StaffAccount("demo.tuphap.chuyenvien", "Đặng Quốc Bảo", "specialist", "Chuyên viên xử lý", JUSTICE),
    StaffAccount("demo.tuphap.lanhdao", "Huỳnh Thanh Tùng", "leader", "Lãnh đạo", JUSTICE),
    StaffAccount("demo.tuphap.quantri", "Bùi Thị Kim Oanh", "agency_admin", "Quản trị cơ quan", JUSTICE),
    StaffAccount("demo.dieuhanh", "Hoàng Gia Huy", "operations_viewer", "Theo dõi điều hành"),
    StaffAccount("demo.thanhtra", "Đỗ Thị Hồng Nhung", "inspector", "Thanh tra"),
    StaffAccount("demo.quantri", "Ngô Đức Thắng", "platform_admin", "Quản trị nền tảng"),
]

PLATFORM_ADMIN = "demo.quantri"

# A valid-format personal identification number: 079 (HCMC) + 3 (female, 2000s) + 02 (born 2002) + 6 digits.
CITIZEN = {
    "personal_id": "079302004215",
    "full_name": "Trương Ngọc Anh",
    "date_of_birth": date(2002, 5, 14),
    "phone": "0909123456",
    "email": "congdan.demo@demo.tphcm.example",
}

# A 10-digit tax code in the HCMC range (03…). Fictitious business.
BUSINESS = {
    "tax_code": "0318765432",
    "business_name": "Công ty TNHH Cà phê Bến Thành Demo",
    "full_name": "Lý Quang Minh",
    "phone": "0938765432",
    "email": "doanhnghiep.demo@demo.tphcm.example",
}


def staff_account(username: str) -> StaffAccount | None:
    """The demo staff account with this username, or ``None`` if it is not a demo account."""
    return next((account for account in STAFF if account.username == username), None)
