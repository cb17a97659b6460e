"""A year of demo dossiers (lịch sử hồ sơ trình diễn), replayed through the case engine.

``generate_history(n=20_000)`` files ``n`` dossiers over the last 12 months
across the demo procedures and the agencies that perform them, and plays each
one's life — submission or counter intake, reception, supplements, transfers,
processing, approval, apology letters, fees, return of the result, rating —
as transitions of ``dossier_workflow`` at past instants (``perform(..., at=)``).
So every event, clock field (start, due date, pauses, end) and audit entry is
one the engine wrote, and whether a dossier was on time is computed by the
engine from the working-day calendar, never labelled. Events planned after
"now" are simply not played: recent dossiers stay open in whatever state they
had reached, so the back-office queues look alive.

The shares below are what the plans aim at; the achieved figures are in the
returned ``HistorySummary``. Everything is deterministic for a seed and a day
(except the result verification tokens, which are real random secrets) and
idempotent: a second run finds its audit marker and adds nothing. No PDF is rendered and
nobody is notified, except one result PDF for the demo citizen's dossier that
is ready to download.
"""

import hashlib
import random
import secrets
import time
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import accumulate
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from congso.agencies.models import Agency, Membership
from congso.core import calendar, uploads
from congso.core.cases import CREATE
from congso.core.models import AuditEntry
from congso.core.services import audit_record, code_next
from congso.core.text import fold
from congso.dossiers import documents
from congso.dossiers.models import Dossier, DossierApology, DossierFile, DossierRating, DossierStep
from congso.dossiers.workflow import dossier_workflow
from congso.procedures.models import Procedure
from congso.web.demo import accounts as demo_accounts
from congso.web.demo import agencies as demo_agencies

User = get_user_model()
State = Dossier.State
Role = Membership.Role

# --- Shares the plans aim at (of all history dossiers unless said otherwise) -----------------------

HISTORY_SIZE = 20_000
HISTORY_DAYS = 365
SEED = 2026
BATCH_SIZE = 1000  # dossiers played per engine replay block
MARKER_ACTION = "dossiers.demo_history"
"""Audit action written once, in the same transaction as the history: its presence means "already loaded"."""

# Filed online rather than at the counter, by the procedure's online level; civil status (hộ tịch) is
# the most used online service. Together ≈ 65 % online / 35 % counter with the demo catalogue's volumes.
ONLINE_SHARE = {"full": 0.67, "partial": 0.50, "none": 0.0}
ONLINE_SHARE_CIVIL_STATUS = {"full": 0.82, "partial": 0.62, "none": 0.0}
CIVIL_STATUS_FIELD = "ho-tich"
# Online submissions outside office hours (evenings, lunch breaks, weekends and holidays).
ONLINE_AFTER_HOURS_SHARE = 0.14
# Growth over the year: the oldest day weighs this much, today weighs 1.
OLDEST_DAY_WEIGHT = 0.8

# Refused at reception (mẫu 03): ≈ 2 % overall, mostly online submissions (at the counter the desk
# officer usually explains on the spot and no dossier is opened).
REFUSED_SHARE_ONLINE = 0.026
REFUSED_SHARE_COUNTER = 0.008
WITHDRAWN_SHARE = 0.01  # withdrawn by the applicant, while processing or while asked for a supplement
# Online dossiers of a procedure several agencies perform, filed with the wrong one and transferred
# (chuyển liên thông) to another: a handful (≈ 0.3 % of all dossiers).
TRANSFER_SHARE_OF_ONLINE = 0.005
ONE_SUPPLEMENT_SHARE = 0.08  # one supplement request (pause, then resume)
TWO_SUPPLEMENTS_SHARE = 0.01  # two requests: late whatever the dates (national rule)
RECEPTION_SUPPLEMENT_SHARE = 0.3  # of online supplements, asked before acceptance (no clock yet)
LATE_SHARE = 0.055  # processing ends after the deadline; longer procedures run late more often
LATE_SHARE_PER_DEADLINE_DAY = 0.0025  # … by this much per working day of deadline, up to LATE_SHARE_MAX
LATE_SHARE_MAX = 0.10
LONG_DELAY_SHARE = 0.15  # of late dossiers, late by days rather than hours
APOLOGY_SHARE_OF_LATE = 0.6  # late dossiers whose leader sent an apology letter (mẫu 04) before the deadline
SEND_BACK_SHARE = 0.02  # the leader sends the draft result back once
ONLINE_PAYMENT_SHARE = 0.7  # of online dossiers with a fee: paid online right after submitting
ONLINE_RETURN_SHARE = 0.6  # of full-online dossiers with nothing to pay: result downloaded online
NOT_COLLECTED_SHARE = 0.003  # results never collected (stay "released")
RATING_SHARE = 0.4  # of returned dossiers
RATING_SCORES = (5, 4, 3, 2, 1)
RATING_WEIGHTS_ON_TIME = (66, 25, 5, 2, 2)
RATING_WEIGHTS_LATE = (22, 30, 26, 12, 10)
RATING_COMMENT_SHARE = 0.3
# Recent dossiers whose processing stalls: they are open and late now (the "late" queue is not empty).
STALLED_RECENT_DAYS = 40
STALLED_SHARE = 0.03

# Relative yearly volume of each procedure (code → weight); unknown procedures weigh DEFAULT_VOLUME.
DEFAULT_VOLUME = 0.5
VOLUME = {
    "2.000815": 10,  # chứng thực bản sao từ bản chính
    "2.000884": 4,  # chứng thực chữ ký
    "1.001193": 6,  # đăng ký khai sinh
    "1.000656": 2,  # đăng ký khai tử
    "1.000894": 2.5,  # đăng ký kết hôn
    "1.004873": 4,  # xác nhận tình trạng hôn nhân
    "2.000635": 3,  # trích lục hộ tịch
    "1.000689": 0.5,
    "1.004746": 0.4,
    "1.004884": 0.4,
    "1.005461": 0.3,
    "1.004845": 0.2,
    "1.004194": 6,  # đăng ký tạm trú
    "1.002755": 3,  # gia hạn tạm trú
    "1.004222": 4,  # đăng ký thường trú
    "1.003197": 1.5,
    "1.010028": 1.5,
    "1.001612": 2.5,  # thành lập hộ kinh doanh
    "2.000720": 1.5,
    "1.001570": 1,
    "1.001266": 1,
    "1.013225": 2,  # giấy phép xây dựng nhà ở riêng lẻ
    "1.013227": 0.3,
    "1.013228": 0.3,
    "3.000333": 5,  # phiếu lý lịch tư pháp
    "2.001614": 3,  # thành lập công ty TNHH một thành viên
    "1.012753": 3,  # đăng ký đất đai
    "1.014199": 1,
    "1.014201": 0.7,
    "1.005136": 0.2,
    "1.005139": 0.5,
    "2.000789": 0.2,
    "2.001914": 1,
    "1.001620": 0.2,
    "2.000620": 0.5,
    "1.001817": 0.8,
    "1.004614": 0.3,
    "1.001699": 0.5,
}
# The demo ward (central, and the one with demo staff) is busier than the others.
AGENCY_VOLUME = {demo_agencies.BEN_THANH: 2.0}

# --- Words for fake but plausible applicants and letters ----------------------------------------

FAMILY_NAMES = (
    ("Nguyễn", 38),
    ("Trần", 11),
    ("Lê", 9.5),
    ("Phạm", 7),
    ("Huỳnh", 4),
    ("Hoàng", 2),
    ("Phan", 4.5),
    ("Võ", 3.5),
    ("Vũ", 1),
    ("Đặng", 2),
    ("Bùi", 2),
    ("Đỗ", 1.4),
    ("Hồ", 1.3),
    ("Ngô", 1.3),
    ("Dương", 1),
    ("Lý", 0.6),
    ("Trương", 1),
    ("Đinh", 0.6),
    ("Lâm", 0.6),
    ("Mai", 0.4),
    ("Tô", 0.3),
    ("Châu", 0.3),
)
MIDDLE_NAMES = {
    "nam": ("Văn", "Minh", "Quốc", "Đức", "Hoàng", "Thanh", "Hữu", "Công", "Gia", "Tấn", "Phước", "Ngọc"),
    "nu": ("Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Kim", "Bảo", "Mỹ", "Phương", "Hồng", "Thùy"),
}
GIVEN_NAMES = {
    "nam": (
        *("Anh", "Hùng", "Dũng", "Tuấn", "Minh", "Khoa", "Phúc", "Huy", "Nam", "Long", "Bảo", "Khang", "Tài"),
        *("Trung", "Thắng", "Sơn", "Hải", "Quân", "Vinh", "Lộc", "Đạt", "Hiếu", "Nhân", "Tâm", "Tín", "Phát"),
    ),
    "nu": (
        *("Anh", "Hương", "Lan", "Mai", "Hà", "Linh", "Trang", "Ngọc", "Thảo", "Vy", "Nhi", "Hạnh", "Yến"),
        *("Trâm", "Hân", "Uyên", "Oanh", "Tuyết", "Phương", "Dung", "Nhung", "Quyên", "Thư", "Ngân", "My"),
    ),
}
STREETS = (
    *("Lê Lợi", "Nguyễn Huệ", "Hai Bà Trưng", "Lý Tự Trọng", "Pasteur", "Nam Kỳ Khởi Nghĩa", "Điện Biên Phủ"),
    *("Cách Mạng Tháng Tám", "Võ Văn Tần", "Trần Hưng Đạo", "Nguyễn Trãi", "Lê Văn Sỹ", "Phan Xích Long"),
    *("Xô Viết Nghệ Tĩnh", "Nguyễn Thị Minh Khai", "Bùi Viện", "Tôn Đức Thắng", "Lê Thánh Tôn", "Phạm Ngũ Lão"),
    *("Nguyễn Văn Cừ", "Hậu Giang", "Kha Vạn Cân", "Võ Văn Ngân", "Đại lộ Bình Dương", "Thùy Vân"),
)
BUSINESS_PREFIXES = ("Công ty TNHH", "Công ty TNHH MTV", "Công ty Cổ phần", "Hộ kinh doanh")
BUSINESS_WORDS = (
    *("Sài Gòn Xanh", "Phú Mỹ", "An Khang", "Bến Nghé", "Thịnh Phát", "Minh Long", "Hòa Bình", "Nam Việt"),
    *("Tân Tiến", "Đại Phát", "Kim Ngân", "Phương Nam", "Hưng Thịnh", "Gia Định", "Cửu Long", "Đông Á"),
)
NATIONALITIES = ("Hàn Quốc", "Nhật Bản", "Hoa Kỳ", "Singapore", "Pháp", "Úc", "Đài Loan (Trung Quốc)", "Ấn Độ")
SUPPLEMENT_NOTES = (
    "Bản chụp không rõ nét, đề nghị tải lên bản rõ hơn.",
    "Thông tin trên giấy tờ không khớp với tờ khai, đề nghị kiểm tra và nộp lại.",
    "Giấy tờ đã hết hạn sử dụng, đề nghị bổ sung bản còn hiệu lực.",
    "Thiếu chữ ký của người yêu cầu trên tờ khai.",
)
SUPPLEMENT_DONE = "Đã bổ sung giấy tờ theo yêu cầu."
REFUSAL_REASONS = (
    "Thủ tục không thuộc thẩm quyền giải quyết của cơ quan; đề nghị nộp tại cơ quan có thẩm quyền.",
    "Hồ sơ trùng với hồ sơ đã nộp và đang được giải quyết.",
    "Người yêu cầu không đủ điều kiện theo quy định của pháp luật.",
    "Giấy tờ kèm theo không phải của người yêu cầu hoặc có dấu hiệu tẩy xóa.",
)
WITHDRAWAL_REASONS = (
    "Công dân xin rút hồ sơ để chuẩn bị lại giấy tờ và nộp sau.",
    "Không còn nhu cầu giải quyết.",
    "",
)
APOLOGY_REASONS = (
    "Cần xác minh thêm thông tin với cơ quan có liên quan.",
    "Hệ thống cơ sở dữ liệu chuyên ngành bị gián đoạn.",
    "Số lượng hồ sơ tăng đột biến trong thời gian cao điểm.",
    "Cần lấy ý kiến của cơ quan chuyên môn trước khi trình ký.",
)
SEND_BACK_REASONS = (
    "Dự thảo kết quả còn sai thông tin so với hồ sơ, đề nghị kiểm tra lại.",
    "Đề nghị bổ sung căn cứ pháp lý trong dự thảo.",
)
TRANSFER_REASON = "Hồ sơ thuộc thẩm quyền giải quyết của {agency} theo nơi cư trú của người yêu cầu."
RATING_COMMENTS = {
    5: ("Cán bộ hướng dẫn tận tình, trả kết quả sớm.", "Rất hài lòng.", "Nộp trực tuyến nhanh, không phải đi lại."),
    4: ("Hài lòng, thời gian chờ tại quầy hơi lâu.", "Thủ tục nhanh gọn.", "Tốt."),
    3: ("Phải bổ sung giấy tờ nhiều lần.", "Bình thường.", "Cần hướng dẫn rõ hơn trên cổng dịch vụ công."),
    2: ("Trả kết quả trễ hẹn.", "Thông báo chậm, phải gọi điện hỏi nhiều lần."),
    1: ("Trễ hẹn mà không được báo trước.", "Không hài lòng."),
}
# HCMC and a few provinces people move from, for the first 3 digits of personal identification numbers.
ID_PROVINCES = (("079", 70), ("074", 6), ("077", 5), ("080", 3), ("052", 3), ("040", 3), ("001", 3), ("083", 3))


# --- What a run reports ------------------------------------------------------------------------------


@dataclass(frozen=True)
class HistorySummary:
    """What ``generate_history`` did, and the shares it achieved (fractions of the dossiers it created)."""

    created: int
    skipped: bool
    seconds: float = 0.0
    shares: dict[str, float] = field(default_factory=dict)


# --- Catalogue and people, read once -------------------------------------------------------------------


@dataclass
class _Proc:
    procedure: Procedure
    deadline: Decimal
    online_share: float
    fee_counter: Decimal
    fee_online: Decimal
    agencies: list[Agency]
    agency_weights: list[float]
    documents: list[str]
    steps: list[tuple[int, str, str, int]]  # (order, name, role, share_percent)
    schema: list[dict]

    @property
    def specialist_step(self) -> str:
        return next((name for _o, name, role, _s in self.steps if role == Role.SPECIALIST), "")

    def first_order(self, *roles: str) -> int | None:
        """The order of the first step done by one of these roles (what ``current_step`` points at)."""
        return next((order for order, _n, role, _s in self.steps if role in roles), None)


def _catalogue() -> list[_Proc]:
    procedures = (
        Procedure.objects.filter(is_published=True)
        .select_related("field")
        .prefetch_related("agencies", "documents", "steps")
        .order_by("code")
    )
    result = []
    for procedure in procedures:
        agencies = sorted((a for a in procedure.agencies.all() if a.is_active), key=lambda a: a.code)
        if not agencies:
            continue
        shares = ONLINE_SHARE_CIVIL_STATUS if procedure.field.code == CIVIL_STATUS_FIELD else ONLINE_SHARE
        result.append(
            _Proc(
                procedure=procedure,
                deadline=procedure.deadline_days,
                online_share=shares.get(procedure.online_level, 0.0),
                fee_counter=procedure.fee,
                fee_online=procedure.fee if procedure.fee_online is None else procedure.fee_online,
                agencies=agencies,
                agency_weights=[AGENCY_VOLUME.get(a.code, 1.0) for a in agencies],
                documents=[d.name for d in procedure.documents.all()],
                steps=[(s.order, s.name, s.role, s.share_percent) for s in procedure.steps.all()],
                schema=[spec for spec in procedure.form_schema if isinstance(spec, dict)],
            )
        )
    return result


def _staff_by_agency() -> dict[int, dict[str, Any]]:
    """The first active staff member per agency and role (the demo staff), roles pre-loaded on the objects."""
    staff: dict[int, dict[str, Any]] = {}
    users: dict[int, Any] = {}
    memberships = (
        Membership.objects.filter(user__is_active=True, user__kind=User.Kind.STAFF)
        .select_related("user")
        .order_by("agency_id", "role", "user__username")
    )
    for membership in memberships:
        user = users.setdefault(membership.user_id, membership.user)
        staff.setdefault(membership.agency_id, {}).setdefault(membership.role, user)
    return staff


# --- Random people ----------------------------------------------------------------------------------


class _People:
    def __init__(self, rng: random.Random, today: date) -> None:
        self.rng = rng
        self.today = today
        self.families = [name for name, _w in FAMILY_NAMES]
        self.family_weights = list(accumulate(w for _n, w in FAMILY_NAMES))
        self.id_provinces = [code for code, _w in ID_PROVINCES]
        self.id_weights = list(accumulate(w for _c, w in ID_PROVINCES))

    def name(self, sex: str | None = None) -> str:
        rng = self.rng
        sex = sex or rng.choice(("nam", "nu"))
        family = rng.choices(self.families, cum_weights=self.family_weights)[0]
        middle = rng.choice(MIDDLE_NAMES[sex])
        given = rng.choice(GIVEN_NAMES[sex])
        if rng.random() < 0.25:
            return f"{family} {middle} {rng.choice(GIVEN_NAMES[sex])} {given}"
        return f"{family} {middle} {given}"

    def birth_date(self, min_age: int = 18, max_age: int = 75) -> date:
        age_days = self.rng.randint(min_age * 365, max_age * 365)
        return self.today - timedelta(days=age_days)

    def personal_id(self, born: date, sex: str) -> str:
        """Province (3) + century and sex (1) + year (2) + 6 digits, as ``validate_personal_id`` expects."""
        province = self.rng.choices(self.id_provinces, cum_weights=self.id_weights)[0]
        century = 0 if born.year < 2000 else 2
        return f"{province}{century + (sex == 'nu')}{born.year % 100:02d}{self.rng.randrange(1_000_000):06d}"

    def phone(self) -> str:
        return f"09{self.rng.randrange(100_000_000):08d}"

    def address(self, place: str) -> str:
        return f"{self.rng.randint(1, 450)} {self.rng.choice(STREETS)}, {place}, Thành phố Hồ Chí Minh"

    def business(self) -> str:
        return f"{self.rng.choice(BUSINESS_PREFIXES)} {self.rng.choice(BUSINESS_WORDS)}"

    def contact(self, place: str, *, email_share: float) -> dict[str, str]:
        sex = self.rng.choice(("nam", "nu"))
        name = self.name(sex)
        born = self.birth_date()
        email = ""
        if self.rng.random() < email_share:
            parts = fold(name).split()
            email = f"{parts[-1]}.{parts[0]}{self.rng.randint(1, 999)}@example.com"
        return {
            "applicant_name": name,
            "applicant_search": fold(name),
            "applicant_id_number": self.personal_id(born, sex),
            "applicant_phone": self.phone(),
            "applicant_email": email,
            "applicant_address": self.address(place),
            "_sex": sex,
            "_born": born.isoformat(),
        }

    def form_data(self, schema: list[dict], contact: dict[str, str], submitted: date) -> dict[str, Any]:
        """Plausible values for the procedure's form, from each field's type and name."""
        rng = self.rng
        values: dict[str, Any] = {}
        place = contact["applicant_address"].split(", ", 1)[-1]
        for spec in schema:
            name, kind = spec["name"], spec["type"]
            if not spec.get("required") and rng.random() < 0.5:
                continue
            if name.startswith("applicant_") and name.removeprefix("applicant_") in ("full_name", "personal_id"):
                value: Any = contact["applicant_name" if name.endswith("full_name") else "applicant_id_number"]
            elif kind == "personal_id":
                sex = rng.choice(("nam", "nu"))
                value = self.personal_id(self.birth_date(), sex)
            elif kind == "phone":
                value = contact["applicant_phone"]
            elif kind == "email":
                value = contact["applicant_email"] or f"lienhe{rng.randint(1, 9999)}@example.com"
            elif kind == "date":
                if name == "applicant_date_of_birth":
                    value = contact["_born"]
                elif name.startswith("child_"):
                    value = (submitted - timedelta(days=rng.randint(1, 55))).isoformat()
                elif "birth" in name:
                    value = self.birth_date().isoformat()
                else:
                    value = (submitted + timedelta(days=rng.randint(-300, 120))).isoformat()
            elif kind in ("integer", "decimal"):
                low, high = int(spec.get("min", 1)), int(spec.get("max", 10))
                value = rng.randint(low, min(high, low + 20)) if high - low <= 100 else rng.randint(low, high)
                value = str(value) if kind == "decimal" else value
            elif kind in ("select", "radio"):
                value = rng.choice(spec["choices"])[0]
            elif kind == "checkbox":
                value = True
            elif "address" in name:
                value = contact["applicant_address"] if rng.random() < 0.6 else self.address(place)
            elif name.startswith(("organisation_name", "company_name", "business_name", "premises_name")):
                value = self.business()
            elif name == "school_name":
                value = f"Trường Trung học phổ thông {rng.choice(BUSINESS_WORDS)}"
            elif name.endswith("_name"):
                value = self.name()
            elif name == "tax_code":
                value = f"03{rng.randrange(100_000_000):08d}"
            elif "nationality" in name:
                value = rng.choice(NATIONALITIES)
            elif "number" in name:
                value = f"{rng.choice('ABCNP')}{rng.randrange(10_000_000):07d}"
            else:
                value = "Theo giấy tờ kèm theo"
            values[name] = value
        return values


# --- Instants ---------------------------------------------------------------------------------------


def _at(day: date, minutes: float) -> datetime:
    """``minutes`` after local midnight of ``day`` (office time zone), aware."""
    return datetime.combine(day, datetime.min.time(), tzinfo=calendar.OFFICE_TZ) + timedelta(minutes=minutes)


OFFICE_SLOTS = ((7 * 60, 8 * 60, 0.7), (8 * 60, 10 * 60, 1.6), (10 * 60, 11.5 * 60, 1.1))
OFFICE_SLOTS += ((13.5 * 60, 15 * 60, 1.2), (15 * 60, 16.75 * 60, 0.9))
AFTER_HOURS_SLOTS = ((6 * 60, 7 * 60, 0.3), (11.5 * 60, 13.5 * 60, 0.8), (17 * 60, 23 * 60, 1.5))
DAY_OFF_SLOTS = ((7 * 60, 23 * 60, 1.0),)


class _Clock:
    """Submission instants over the last ``days`` days and working-time arithmetic (``core.calendar``)."""

    def __init__(self, rng: random.Random, now: datetime, days: int) -> None:
        self.rng = rng
        self.now = now
        today = timezone.localtime(now).date()
        self.days = [today - timedelta(days=offset) for offset in range(days, -1, -1)]
        growth = [OLDEST_DAY_WEIGHT + (1 - OLDEST_DAY_WEIGHT) * i / days for i in range(len(self.days))]
        self.working = [calendar.is_working_day(day) for day in self.days]
        self.counter_cum = list(accumulate(g if w else 0.0 for g, w in zip(growth, self.working, strict=True)))
        self.online_cum = list(accumulate(g if w else g * 0.25 for g, w in zip(growth, self.working, strict=True)))

    def _slot(self, slots: tuple[tuple[float, float, float], ...]) -> float:
        start, end, _w = self.rng.choices(slots, weights=[w for _s, _e, w in slots])[0]
        return self.rng.uniform(start, end)

    def submission(self, online: bool) -> datetime:
        rng = self.rng
        while True:
            cum = self.online_cum if online else self.counter_cum
            index = bisect_left(cum, rng.uniform(0, cum[-1]))
            day = self.days[index]
            if not self.working[index]:
                at = _at(day, self._slot(DAY_OFF_SLOTS))
            elif online and rng.random() < ONLINE_AFTER_HOURS_SHARE:
                at = _at(day, self._slot(AFTER_HOURS_SLOTS))
            else:
                at = _at(day, self._slot(OFFICE_SLOTS))
            if at < self.now - timedelta(minutes=10):
                return at.replace(microsecond=0)

    def add(self, start: datetime, days: float | Decimal) -> datetime:
        """``days`` working days of office time after ``start`` (rounded to the second)."""
        value = Decimal(str(round(float(days), 4))) if not isinstance(days, Decimal) else days
        return calendar.add_working_days(start, max(value, Decimal(0))).replace(microsecond=0)

    def between(self, start: datetime, end: datetime) -> float:
        return float(calendar.working_days_between(start, end))

    def working_days_back(self, count: int, minutes: float) -> datetime:
        """``minutes`` after midnight, ``count`` working days before today (0 = today)."""
        day = self.days[-1]
        while count > 0 or not calendar.is_working_day(day):
            if calendar.is_working_day(day):
                count -= 1
            day -= timedelta(days=1)
        return _at(day, minutes)


# --- Plans ------------------------------------------------------------------------------------------


@dataclass
class _Move:
    """One planned transition: ``role`` says who performs it (resolved against the dossier's agency then)."""

    name: str
    at: datetime
    role: str  # "system", "applicant", "desk", "receiving_desk", "specialist", "leader"
    reason: str = ""
    data: dict[str, Any] | None = None
    changes: dict[str, Any] | None = None
    extra: dict[str, Any] | None = None


@dataclass
class _Plan:
    proc: _Proc
    agency: Agency
    channel: str
    submitted_at: datetime
    contact: dict[str, str]
    form_data: dict[str, Any]
    fee: Decimal
    moves: list[_Move]
    applicant: Any = None


@dataclass(frozen=True)
class _Draw:
    proc: _Proc
    agency: Agency
    online: bool
    submitted_at: datetime


@dataclass
class _Outcome:
    """The fate drawn for one dossier."""

    refused: bool = False
    withdrawn: bool = False
    transfer: bool = False
    supplements: int = 0
    reception_supplement: bool = False
    late: bool = False
    apology: bool = False
    send_back: bool = False
    stalled: bool = False
    collected: bool = True
    rated: bool = True
    online_return: bool = False
    pay_online: bool = False
    stop_after: str = ""


class _Planner:
    def __init__(self, rng: random.Random, clock: _Clock, people: _People, places: dict[int, str]) -> None:
        self.rng = rng
        self.clock = clock
        self.people = people
        self.places = places

    def outcome(self, proc: _Proc, online: bool, submitted_at: datetime) -> _Outcome:
        rng = self.rng
        outcome = _Outcome()
        if rng.random() < (REFUSED_SHARE_ONLINE if online else REFUSED_SHARE_COUNTER):
            outcome.refused = True
            return outcome
        outcome.withdrawn = rng.random() < WITHDRAWN_SHARE
        outcome.transfer = online and len(proc.agencies) > 1 and rng.random() < TRANSFER_SHARE_OF_ONLINE
        draw = rng.random()
        if draw < TWO_SUPPLEMENTS_SHARE:
            outcome.supplements = 2
        elif draw < TWO_SUPPLEMENTS_SHARE + ONE_SUPPLEMENT_SHARE:
            outcome.supplements = 1
        if outcome.withdrawn and not outcome.supplements and rng.random() < 0.4:
            outcome.supplements = 1  # gave up when asked for more papers
        outcome.reception_supplement = (
            online and outcome.supplements == 1 and not outcome.transfer and rng.random() < RECEPTION_SUPPLEMENT_SHARE
        )
        late_share = min(LATE_SHARE + LATE_SHARE_PER_DEADLINE_DAY * float(proc.deadline), LATE_SHARE_MAX)
        outcome.late = rng.random() < late_share
        outcome.apology = outcome.late and rng.random() < APOLOGY_SHARE_OF_LATE
        outcome.send_back = rng.random() < SEND_BACK_SHARE
        recent = submitted_at > self.clock.now - timedelta(days=STALLED_RECENT_DAYS)
        outcome.stalled = recent and not outcome.withdrawn and rng.random() < STALLED_SHARE
        if outcome.stalled:
            outcome.late = True
        outcome.collected = rng.random() >= NOT_COLLECTED_SHARE
        outcome.rated = rng.random() < RATING_SHARE
        fee = proc.fee_online if online else proc.fee_counter
        outcome.pay_online = online and fee > 0 and rng.random() < ONLINE_PAYMENT_SHARE
        outcome.online_return = (
            online
            and proc.procedure.online_level == Procedure.OnlineLevel.FULL
            and (fee == 0 or outcome.pay_online)
            and rng.random() < ONLINE_RETURN_SHARE
        )
        return outcome

    def draw(self, proc: _Proc) -> _Draw:
        """Where, how and when one dossier of this procedure is filed."""
        agency = self.rng.choices(proc.agencies, weights=proc.agency_weights)[0]
        online = self.rng.random() < proc.online_share
        return _Draw(proc, agency, online, self.clock.submission(online))

    def plan(self, draw: _Draw, *, outcome: _Outcome | None = None, contact: dict[str, str] | None = None) -> _Plan:
        """The applicant, the form and every transition of one dossier's life, at their instants."""
        rng = self.rng
        proc, agency, online, submitted_at = draw.proc, draw.agency, draw.online, draw.submitted_at
        if outcome is None:
            outcome = self.outcome(proc, online, submitted_at)
        place = self.places.get(agency.pk) or rng.choice(list(self.places.values()))
        if contact is None:
            contact = self.people.contact(place, email_share=0.35 if online else 0.1)
        form_data = self.people.form_data(proc.schema, contact, timezone.localtime(submitted_at).date())
        fee = proc.fee_online if online else proc.fee_counter
        plan = _Plan(
            proc=proc,
            agency=agency,
            channel=Dossier.Channel.ONLINE if online else Dossier.Channel.COUNTER,
            submitted_at=submitted_at,
            contact={k: v for k, v in contact.items() if not k.startswith("_")},
            form_data=form_data,
            fee=fee,
            moves=[],
        )
        self._moves(plan, outcome, online)
        if outcome.stop_after:
            names = [move.name for move in plan.moves]
            plan.moves = plan.moves[: len(names) - names[::-1].index(outcome.stop_after)]
        return plan

    def _payment(self, at: datetime, plan: _Plan, *, online: bool) -> _Move:
        method = Dossier.PaymentMethod.ONLINE if online else Dossier.PaymentMethod.COUNTER
        reference = f"{'TTTT' if online else 'BL'}{self.rng.randrange(10**9):09d}"
        return _Move(
            "record_payment",
            at,
            "system" if online else "receiving_desk",
            data={"amount": str(plan.fee), "reference": reference},
            changes={
                "payment_status": Dossier.Payment.PAID,
                "payment_method": method,
                "payment_reference": reference,
                "paid_at": at,
            },
        )

    def _supplement_request(self, at: datetime, plan: _Plan, count: int, role: str) -> _Move:
        items = [self.rng.choice(plan.proc.documents or ["Giấy tờ kèm theo"])]
        note = self.rng.choice(SUPPLEMENT_NOTES)
        request = {"items": items, "note": note}
        return _Move(
            "request_supplement",
            at,
            role,
            reason="; ".join(items) + f". {note}",
            data=request,
            changes={"supplement_request": request, "supplement_count": count},
        )

    def _supplement(self, at: datetime) -> _Move:
        # The papers themselves are not kept for the history (no files are stored): only the note.
        return _Move(
            "supplement", at, "applicant", reason=SUPPLEMENT_DONE, data={"files": 0}, changes={"supplement_request": {}}
        )

    def _moves(self, plan: _Plan, outcome: _Outcome, online: bool) -> None:
        rng, clock, moves = self.rng, self.clock, plan.moves
        t0 = plan.submitted_at
        unpaid = plan.fee > 0
        # Reception.
        if online:
            moves.append(_Move("submit", t0, "applicant"))
            if outcome.pay_online:
                moves.append(self._payment(t0 + timedelta(minutes=rng.uniform(1, 15)), plan, online=True))
                unpaid = False
            check_at = clock.add(t0, rng.uniform(0.03, 0.6))
        else:
            moves.append(_Move("intake", t0, "desk"))
            check_at = t0 + timedelta(minutes=rng.uniform(3, 15))
            if unpaid and not outcome.refused:
                moves.append(self._payment(t0 + timedelta(minutes=rng.uniform(1, 3)), plan, online=False))
                unpaid = False
        if outcome.refused:
            reason = rng.choice(REFUSAL_REASONS)
            moves.append(_Move("refuse", check_at, "desk", reason=reason, changes={"refusal_reason": reason}))
            return
        supplements = outcome.supplements
        if outcome.reception_supplement:
            moves.append(self._supplement_request(check_at, plan, 1, "desk"))
            supplements -= 1
            if outcome.withdrawn and not supplements:
                withdraw_at = clock.add(check_at, rng.uniform(0.5, 5))
                moves.append(_Move("withdraw", withdraw_at, "applicant", reason=rng.choice(WITHDRAWAL_REASONS)))
                return
            resumed = clock.add(check_at, rng.uniform(0.3, 4))
            moves.append(self._supplement(resumed))
            check_at = clock.add(resumed, rng.uniform(0.05, 0.5))
        accept_at = check_at
        from_transfer = False
        if outcome.transfer:
            target = rng.choice([a for a in plan.proc.agencies if a.pk != plan.agency.pk])
            moves.append(
                _Move(
                    "transfer",
                    check_at,
                    "desk",
                    reason=TRANSFER_REASON.format(agency=target.name),
                    data={"from_agency": plan.agency.code, "to_agency": target.code},
                    changes={"agency": target, "assignee": None, "current_step": None},
                )
            )
            accept_at = clock.add(check_at, rng.uniform(0.1, 1.0))
            from_transfer = True
        start = calendar.next_working_start(accept_at)
        due = clock.add(start, plan.proc.deadline)
        name = "receive_transfer" if from_transfer else "accept"
        processing_step = plan.proc.first_order(Role.SPECIALIST, Role.LEADER)
        approval_step = plan.proc.first_order(Role.LEADER)
        moves.append(
            _Move(
                name,
                accept_at,
                "desk",
                changes={"accepted_at": accept_at, "appointment_at": due, "current_step": processing_step},
                extra={"assign": True, "from_transfer": from_transfer},
            )
        )
        # Processing, with supplements that pause the clock.
        anchor = start
        for count in range(outcome.supplements - supplements + 1, outcome.supplements + 1):
            remaining = clock.between(anchor, due)
            asked = clock.add(anchor, remaining * rng.uniform(0.1, 0.5))
            moves.append(self._supplement_request(asked, plan, count, "specialist"))
            if outcome.withdrawn and count == outcome.supplements and rng.random() < 0.5:
                withdraw_at = clock.add(asked, rng.uniform(1, 8))
                moves.append(_Move("withdraw", withdraw_at, "applicant", reason=rng.choice(WITHDRAWAL_REASONS)))
                return
            resumed = clock.add(asked, rng.uniform(0.3, 5))
            moves.append(self._supplement(resumed))
            due = clock.add(due, Decimal(calendar.working_days_between(asked, resumed)))
            anchor = resumed
        remaining = max(clock.between(anchor, due), 0.0)
        if outcome.withdrawn:
            withdraw_at = clock.add(anchor, remaining * rng.uniform(0.2, 0.7))
            moves.append(_Move("withdraw", withdraw_at, "applicant", reason=rng.choice(WITHDRAWAL_REASONS)))
            return
        if outcome.stalled:
            lateness = rng.uniform(5, 60)
        elif outcome.late:
            lateness = rng.uniform(2, max(5.0, float(plan.proc.deadline))) if rng.random() < LONG_DELAY_SHARE else 0
            lateness = lateness or rng.uniform(0.05, 2)
        span = remaining + lateness if outcome.late else remaining * rng.uniform(0.35, 0.97)
        approve_at = clock.add(anchor, span)
        work: list[_Move] = []
        step = {"step": plan.proc.specialist_step}
        to_approval = {"current_step": approval_step}
        if outcome.send_back:
            first_try = clock.add(anchor, span * 0.45)
            work.append(_Move("complete_step", first_try, "specialist", data=step, changes=to_approval))
            work.append(
                _Move(
                    "send_back",
                    clock.add(anchor, span * 0.6),
                    "leader",
                    reason=rng.choice(SEND_BACK_REASONS),
                    changes={"current_step": processing_step},
                )
            )
        completed_at = clock.add(anchor, span * rng.uniform(0.65, 0.9))
        work.append(_Move("complete_step", completed_at, "specialist", data=step, changes=to_approval))
        if outcome.apology:
            apology_at = clock.add(anchor, remaining * 0.9)
            new_appointment = clock.add(approve_at, rng.uniform(0.2, 1.5))
            reason = rng.choice(APOLOGY_REASONS)
            work.append(
                _Move(
                    "apologise",
                    apology_at,
                    "leader",
                    reason=reason,
                    data={"new_appointment_at": new_appointment.isoformat()},
                    changes={"appointment_at": new_appointment},
                    extra={"apology": reason},
                )
            )
        work.sort(key=lambda move: move.at)
        moves.extend(work)
        moves.append(
            _Move(
                "approve",
                approve_at,
                "leader",
                changes={"result_issued_at": approve_at, "current_step": None},
                extra={"token": True},
            )
        )
        if not outcome.collected:
            return
        # Return of the result and rating.
        if outcome.online_return:
            returned_at = approve_at + timedelta(minutes=rng.uniform(10, 2 * 24 * 60))
            method, role = Dossier.ReturnMethod.ONLINE, "applicant"
        else:
            returned_at = clock.add(approve_at, rng.uniform(0.05, 3))
            method, role = Dossier.ReturnMethod.COUNTER, "receiving_desk"
            if unpaid:
                moves.append(self._payment(returned_at - timedelta(minutes=rng.uniform(2, 5)), plan, online=False))
        moves.append(
            _Move(
                "return_result",
                returned_at,
                role,
                data={"method": method},
                changes={"returned_at": returned_at, "return_method": method},
            )
        )
        if outcome.rated:
            if method == Dossier.ReturnMethod.COUNTER:
                rated_at = returned_at + timedelta(minutes=rng.uniform(1, 10))
            else:
                rated_at = returned_at + timedelta(minutes=rng.uniform(5, 3 * 24 * 60))
            late = outcome.late or outcome.supplements > 1
            score = rng.choices(RATING_SCORES, weights=RATING_WEIGHTS_LATE if late else RATING_WEIGHTS_ON_TIME)[0]
            comment = rng.choice(RATING_COMMENTS[score]) if rng.random() < RATING_COMMENT_SHARE else ""
            moves.append(
                _Move("rate", rated_at, "applicant", data={"score": score}, extra={"score": score, "comment": comment})
            )


# --- Playing the plans through the engine -------------------------------------------------------------


class _Player:
    """Plays plans through ``dossier_workflow.perform`` at their instants, up to ``now``."""

    def __init__(self, now: datetime, staff: dict[int, dict[str, Any]]) -> None:
        self.now = now
        self.staff = staff
        self.steps: list[DossierStep] = []
        self.apologies: list[DossierApology] = []
        self.ratings: list[DossierRating] = []
        self.dossiers: list[Dossier] = []

    def _actor(self, role: str, dossier: Dossier, plan: _Plan) -> Any:
        if role == "system":
            return None
        if role == "applicant":
            return plan.applicant
        if role == "receiving_desk":
            return self.staff.get(dossier.agency_id, {}).get(Role.DESK_OFFICER) or self.staff.get(
                dossier.received_by_id, {}
            ).get(Role.DESK_OFFICER)
        return self.staff.get(dossier.agency_id, {}).get(role)

    def play(self, plan: _Plan) -> Dossier:
        agency = plan.agency
        day = timezone.localtime(plan.submitted_at).date()
        number = code_next(scope=f"receipt:{agency.pk}", day=day)  # the scope services._receipt_code uses
        desk = self.staff.get(agency.pk, {}).get(Role.DESK_OFFICER)
        dossier = Dossier(
            procedure=plan.proc.procedure,
            agency=agency,
            received_by=agency,
            applicant=plan.applicant,
            created_by=plan.applicant if plan.channel == Dossier.Channel.ONLINE else desk,
            channel=plan.channel,
            form_data=plan.form_data,
            submitted_at=plan.submitted_at,
            receipt_code=f"{agency.code}-{day:%y%m%d}-{number:04d}",
            fee_amount=plan.fee,
            payment_status=Dossier.Payment.UNPAID if plan.fee > 0 else Dossier.Payment.NOT_REQUIRED,
            state=CREATE,
            **plan.contact,
        )
        track: dict[str, Any] = {}
        for move in plan.moves:
            if move.at > self.now:
                break
            actor = self._actor(move.role, dossier, plan)
            changes = dict(move.changes or {})
            extra = move.extra or {}
            if extra.get("assign"):
                changes["assignee"] = self.staff.get(dossier.agency_id, {}).get(Role.SPECIALIST)
            if extra.get("token"):
                changes["result_token"] = secrets.token_urlsafe(24)
            previous_appointment = dossier.appointment_at
            dossier_workflow.perform(
                dossier,
                move.name,
                actor=actor,
                reason=move.reason,
                data=move.data,
                changes=changes,
                at=move.at,
            )
            track[move.name] = (move.at, actor)
            if move.name == "send_back":
                track.pop("complete_step", None)
            elif move.name in ("accept", "receive_transfer"):
                track["from_transfer"] = extra.get("from_transfer", False)
                track["due"] = dossier.due_at
            elif move.name == "apologise":
                self.apologies.append(
                    DossierApology(
                        dossier=dossier,
                        reason=extra["apology"],
                        previous_appointment_at=previous_appointment,
                        new_appointment_at=changes["appointment_at"],
                        issued_by=actor,
                        issued_at=move.at,
                    )
                )
            elif move.name == "rate":
                self.ratings.append(
                    DossierRating(dossier=dossier, score=extra["score"], comment=extra["comment"], created_at=move.at)
                )
        self.dossiers.append(dossier)
        self._steps(dossier, plan, track)
        return dossier

    def _steps(self, dossier: Dossier, plan: _Plan, track: dict[str, Any]) -> None:
        """The processing steps as ``dossier_accept`` lays them out, completed as the plan went."""
        if "accept" not in track and "receive_transfer" not in track:
            return
        done = {
            Role.DESK_OFFICER: track.get("accept"),
            Role.SPECIALIST: track.get("complete_step"),
            Role.LEADER: track.get("approve"),
        }
        # A dossier taken over by transfer gets the receiving agency's steps without the reception step and
        # without step deadlines, as ``dossier_receive_transfer`` does.
        from_transfer = track.get("from_transfer", False)
        start = dossier.clock_started_at
        elapsed = Decimal(0)
        for order, name, role, share in plan.proc.steps:
            elapsed += plan.proc.deadline * share / 100
            if from_transfer and role == Role.DESK_OFFICER:
                continue
            completed = done.get(role)
            self.steps.append(
                DossierStep(
                    dossier=dossier,
                    order=order,
                    name=name,
                    role=role,
                    agency_id=dossier.agency_id,
                    due_at=self._step_due(start, elapsed, plan.proc.deadline, track) if not from_transfer else None,
                    completed_at=completed[0] if completed else None,
                    completed_by=completed[1] if completed else None,
                )
            )

    @staticmethod
    def _step_due(start: datetime | None, elapsed: Decimal, deadline: Decimal, track: dict) -> datetime | None:
        if start is None:
            return None
        return track["due"] if elapsed == deadline else calendar.add_working_days(start, elapsed)

    def flush(self) -> None:
        """Write the rows that go with the played transitions, in bulk (after the engine wrote its own)."""
        DossierStep.objects.bulk_create(self.steps, batch_size=500)
        DossierApology.objects.bulk_create(self.apologies, batch_size=500)
        DossierRating.objects.bulk_create(self.ratings, batch_size=500)
        # Django stamps created_at/updated_at with the time of writing; a replayed dossier keeps its own past.
        Dossier.objects.filter(pk__in=[d.pk for d in self.dossiers]).update(
            created_at=F("submitted_at"), updated_at=F("state_changed_at")
        )
        self.steps, self.apologies, self.ratings, self.dossiers = [], [], [], []


# --- The demo citizen's own dossiers -------------------------------------------------------------------


def _citizen_plans(planner: _Planner, procs: dict[str, _Proc], citizen: Any, clock: _Clock) -> list[_Plan]:
    """A few dossiers of the demo citizen at the demo ward, so "my dossiers" has something in every state."""
    ward = next((a for p in procs.values() for a in p.agencies if a.code == demo_agencies.BEN_THANH), None)
    if ward is None:
        return []
    contact = {
        "applicant_name": citizen.display_name,
        "applicant_search": fold(citizen.display_name),
        "applicant_id_number": citizen.personal_id or "",
        "applicant_phone": citizen.phone,
        "applicant_email": citizen.email,
        "applicant_address": citizen.address or planner.people.address(planner.places.get(ward.pk, "")),
        "_sex": "nu",
        "_born": citizen.date_of_birth.isoformat() if citizen.date_of_birth else "2002-05-14",
    }
    wanted = [
        # (procedure, submitted working days ago, minutes after midnight, outcome)
        ("1.004873", 60, 8 * 60 + 40, _Outcome(rated=True)),  # returned and rated
        ("2.000635", 25, 14 * 60 + 5, _Outcome(rated=False, online_return=True)),  # returned online, not yet rated
        ("2.000815", 9, 9 * 60 + 15, _Outcome(supplements=1, rated=True)),  # returned after one supplement
        ("1.001193", 3, 9 * 60 + 30, _Outcome(stop_after="approve")),  # released: result ready to download
        ("1.004884", 2, 10 * 60 + 10, _Outcome(stop_after="accept")),  # open: being processed
        # open: asked at reception for one more paper, waiting on the citizen
        (
            "1.004746",
            1,
            15 * 60 + 20,
            _Outcome(supplements=1, reception_supplement=True, stop_after="request_supplement"),
        ),
    ]
    plans = []
    for code, days_back, minutes, outcome in wanted:
        proc = procs.get(code)
        if proc is None or ward not in proc.agencies:
            continue
        plan = planner.plan(
            _Draw(proc, ward, True, clock.working_days_back(days_back, minutes)), outcome=outcome, contact=contact
        )
        plan.applicant = citizen
        plans.append(plan)
    return plans


def _issue_result(dossier: Dossier) -> None:
    """The result PDF (with its QR verification link) of the demo citizen's released dossier."""
    content = documents.result_pdf(dossier)
    name = default_storage.save(uploads.storage_name("issued", "pdf"), ContentFile(content))
    DossierFile.objects.create(
        dossier=dossier,
        kind=DossierFile.Kind.RESULT,
        file=name,
        original_name="ket-qua.pdf",
        content_type="application/pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )


# --- Entry point -----------------------------------------------------------------------------------------


def history_exists() -> bool:
    return AuditEntry.objects.filter(action=MARKER_ACTION).exists()


def _places() -> dict[int, str]:
    """Agency → the ward/commune name its applicants live in (city bodies: none, picked at random)."""
    places = {}
    for agency in Agency.objects.filter(administrative_unit__isnull=False).select_related("administrative_unit"):
        unit = agency.administrative_unit
        if unit.level == unit.Level.COMMUNE:
            places[agency.pk] = unit.name
    return places


@transaction.atomic
def generate_history(
    *, n: int = HISTORY_SIZE, seed: int = SEED, now: datetime | None = None, days: int = HISTORY_DAYS
) -> HistorySummary:
    """Create ``n`` past dossiers through the dossier workflow, unless a history was already generated.

    All or nothing (one transaction); the audit marker ``dossiers.demo_history``
    is written with it. Needs the demo catalogue (published procedures with
    their agencies); demo staff act where their agency has them, the system
    (``actor=None``) elsewhere. Dossiers are played in submission order (so
    receipt numbers rise through each day), ``BATCH_SIZE`` at a time, in the
    engine's bulk replay mode (``Workflow.replay``). Returns what was created and
    the shares achieved.
    """
    if history_exists():
        return HistorySummary(created=0, skipped=True)
    started = time.monotonic()
    now = now or timezone.now()
    rng = random.Random(seed)  # noqa: S311 - demo data, reproducible on purpose
    catalogue = _catalogue()
    if not catalogue or n <= 0:
        return HistorySummary(created=0, skipped=False)
    clock = _Clock(rng, now, days)
    people = _People(rng, timezone.localtime(now).date())
    planner = _Planner(rng, clock, people, _places())
    citizen = User.objects.filter(personal_id=demo_accounts.CITIZEN["personal_id"], kind=User.Kind.CITIZEN).first()
    citizen_plans = []
    if citizen is not None:
        citizen_plans = _citizen_plans(planner, {p.procedure.code: p for p in catalogue}, citizen, clock)
    # Draw who files what, where and when first, then plan each dossier just before it is played, in
    # submission order: a year of plans held at once would only burden memory and the garbage collector.
    weights = list(accumulate(VOLUME.get(p.procedure.code, DEFAULT_VOLUME) for p in catalogue))
    queue: list[_Plan | _Draw] = [
        *citizen_plans,
        *(planner.draw(proc) for proc in rng.choices(catalogue, cum_weights=weights, k=max(n - len(citizen_plans), 0))),
    ]
    queue.sort(key=lambda item: item.submitted_at)
    player = _Player(now, _staff_by_agency())
    released_for_citizen = None
    for first in range(0, len(queue), BATCH_SIZE):
        with dossier_workflow.replay():
            for item in queue[first : first + BATCH_SIZE]:
                plan = item if isinstance(item, _Plan) else planner.plan(item)
                dossier = player.play(plan)
                if plan.applicant is not None and dossier.state == State.RELEASED:
                    released_for_citizen = dossier
        player.flush()
    if released_for_citizen is not None:
        _issue_result(released_for_citizen)
    shares = history_shares()
    audit_record(actor=None, action=MARKER_ACTION, data={"created": len(queue), "seed": seed, "shares": shares})
    return HistorySummary(created=len(queue), skipped=False, seconds=time.monotonic() - started, shares=shares)


def history_shares(dossiers: QuerySet[Dossier] | None = None) -> dict[str, float]:
    """The shares achieved, for the summary and the tests (fractions; on time/late of ended processing)."""
    dossiers = Dossier.objects.submitted() if dossiers is None else dossiers
    rows = list(dossiers.values_list("channel", "state", "supplement_count", "clock_ended_at", "due_at", "paused_days"))
    total = len(rows) or 1
    counts: Counter[str] = Counter()
    for channel, state, supplements, ended, due, _paused in rows:
        counts[channel] += 1
        counts[state] += 1
        if ended is not None and due is not None and state not in (State.WITHDRAWN, State.REFUSED):
            counts["judged"] += 1
            counts["late" if ended > due or supplements > 1 else "on_time"] += 1
        if supplements:
            counts[f"supplements_{min(supplements, 2)}"] += 1
    judged = counts["judged"] or 1
    returned = counts[State.RETURNED] or 1
    ratings = DossierRating.objects.filter(dossier__in=dossiers)
    rated = ratings.count()
    high = ratings.filter(score__gte=4).count()
    open_count = sum(counts[state] for state in Dossier.OPEN_STATES)
    return {
        "online": counts[Dossier.Channel.ONLINE] / total,
        "counter": counts[Dossier.Channel.COUNTER] / total,
        "on_time": counts["on_time"] / judged,
        "late": counts["late"] / judged,
        "one_supplement": counts["supplements_1"] / total,
        "two_supplements": counts["supplements_2"] / total,
        "refused": counts[State.REFUSED] / total,
        "withdrawn": counts[State.WITHDRAWN] / total,
        "open": open_count / total,
        "rated_of_returned": rated / returned,
        "ratings_4_or_5": high / (rated or 1),
    }
