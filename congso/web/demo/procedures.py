"""Administrative procedures (thủ tục hành chính) of the demo catalog, in ``catalog_import`` record format.

Each record may carry a ``source_note``: what was checked and what was not.
The loader drops it before import. Codes, deadlines and fees marked
"đã đối chiếu" were checked against public sources (the national portal's
figures as quoted by provincial portals, the Ministry of Public Security's
portal, the finance ministry's fee circulars); everything marked
"chưa đối chiếu" is a plausible value chosen for the demo and must be checked
against https://dichvucong.gov.vn before any real use.

Deadlines are in working days ("0.5" = half a day). Procedures that the law
says are handled "ngay trong ngày" (the same day; the next working day when
received after 15:00) are given "1".
"""

from congso.web.demo import fields as f
from congso.web.demo.agencies import JUSTICE, POLICE, WARD_POLICE

ALL_TYPES = ["pdf", "jpeg", "png"]
PDF = ["pdf"]

HO_TICH = {"code": "ho-tich", "name": "Hộ tịch"}
CHUNG_THUC = {"code": "chung-thuc", "name": "Chứng thực"}
CU_TRU = {"code": "cu-tru", "name": "Đăng ký, quản lý cư trú"}
HO_KINH_DOANH = {"code": "ho-kinh-doanh", "name": "Thành lập và hoạt động của hộ kinh doanh"}
DOANH_NGHIEP = {"code": "doanh-nghiep", "name": "Thành lập và hoạt động của doanh nghiệp"}
XAY_DUNG = {"code": "xay-dung", "name": "Hoạt động xây dựng"}
BAO_TRO_XA_HOI = {"code": "bao-tro-xa-hoi", "name": "Bảo trợ xã hội"}
LUU_THONG = {"code": "luu-thong-hang-hoa", "name": "Lưu thông hàng hóa trong nước"}
LY_LICH = {"code": "ly-lich-tu-phap", "name": "Lý lịch tư pháp"}
VIEC_LAM = {"code": "viec-lam", "name": "Việc làm"}
DAT_DAI = {"code": "dat-dai", "name": "Đất đai"}
QUOC_TICH = {"code": "quoc-tich", "name": "Quốc tịch"}
CONG_CHUNG = {"code": "cong-chung", "name": "Công chứng"}
LU_HANH = {"code": "lu-hanh", "name": "Lữ hành"}
AN_TOAN_THUC_PHAM = {"code": "an-toan-thuc-pham", "name": "An toàn thực phẩm"}
VAN_BANG = {"code": "van-bang-chung-chi", "name": "Văn bằng, chứng chỉ"}

HOME_AFFAIRS = "000.00.02.H29"
FINANCE = "000.00.04.H29"
CONSTRUCTION = "000.00.05.H29"
INDUSTRY_TRADE = "000.00.06.H29"
AGRICULTURE_ENVIRONMENT = "000.00.07.H29"
EDUCATION = "000.00.09.H29"
TOURISM = "000.00.11.H29"
FOOD_SAFETY = "000.00.15.H29"

HO_TICH_BASIS = (
    "Luật Hộ tịch năm 2014; Nghị định số 123/2015/NĐ-CP quy định chi tiết một số điều và biện pháp thi hành "
    "Luật Hộ tịch; Thông tư số 04/2020/TT-BTP của Bộ Tư pháp."
)
CU_TRU_BASIS = (
    "Luật Cư trú năm 2020; Nghị định số 154/2024/NĐ-CP quy định chi tiết một số điều của Luật Cư trú; "
    "Thông tư số 75/2022/TT-BTC quy định mức thu lệ phí đăng ký cư trú."
)
HO_KINH_DOANH_BASIS = (
    "Luật Doanh nghiệp năm 2020; Nghị định quy định về đăng ký doanh nghiệp và đăng ký hộ kinh doanh hiện hành."
)
XAY_DUNG_BASIS = (
    "Luật Xây dựng năm 2014, sửa đổi, bổ sung năm 2020; Nghị định số 175/2024/NĐ-CP quy định chi tiết "
    "một số điều và biện pháp thi hành Luật Xây dựng về quản lý hoạt động xây dựng."
)
RELATIONSHIPS = [
    ["cha", "Cha"],
    ["me", "Mẹ"],
    ["ong_ba", "Ông, bà"],
    ["anh_chi_em", "Anh, chị, em ruột"],
    ["nguoi_than_khac", "Người thân thích khác"],
    ["uy_quyen", "Người được ủy quyền"],
]
SPOUSE_OR_RELATIVE = [
    ["vo_chong", "Vợ, chồng"],
    ["con", "Con"],
    ["cha_me", "Cha, mẹ"],
    ["nguoi_than_khac", "Người thân thích khác"],
    ["co_quan_to_chuc", "Cơ quan, tổ chức"],
]


def doc(name: str, *, mandatory: bool = True, copies: str = "01 bản chính", types: list[str] | None = None) -> dict:
    """One required document (thành phần hồ sơ)."""
    return {"name": name, "is_mandatory": mandatory, "accepted_types": types or ALL_TYPES, "copies": copies}


def steps(desk: int, specialist: int, leader: int, *, check: str = "", sign: str = "") -> list[dict]:
    """The usual three-step process: one-stop desk → specialist → signing leader (shares sum to 100)."""
    return [
        {"name": "Tiếp nhận, kiểm tra tính đầy đủ của hồ sơ", "role": "desk_officer", "share_percent": desk},
        {"name": check or "Thẩm định, xử lý hồ sơ", "role": "specialist", "share_percent": specialist},
        {"name": sign or "Xem xét, ký duyệt kết quả", "role": "leader", "share_percent": leader},
    ]


def record(
    code: str,
    name: str,
    field: dict,
    *,
    level: str,
    agencies: list[str] | str,
    online_level: str,
    deadline_days: str,
    fee: str,
    documents: list[dict],
    process: list[dict],
    form_schema: list[dict],
    description: str,
    legal_basis: str,
    result: str,
    applicants: str,
    fee_online: str | None = None,
    fee_note: str = "",
    source_note: str = "",
) -> dict:
    return {
        "code": code,
        "name": name,
        "field": field,
        "level": level,
        "online_level": online_level,
        "agencies": agencies,
        "deadline_days": deadline_days,
        "fee": fee,
        "fee_online": fee_online,
        "fee_note": fee_note,
        "description": description,
        "legal_basis": legal_basis,
        "result": result,
        "applicants": applicants,
        "documents": documents,
        "steps": process,
        "form_schema": form_schema,
        "source_note": source_note,
    }


def commune(code: str, name: str, field: dict, **kwargs) -> dict:
    """A procedure of every ward/commune People's Committee (cấp xã)."""
    return record(code, name, field, level="commune", agencies="*", **kwargs)


def ward_police(code: str, name: str, **kwargs) -> dict:
    """A residence procedure handled by the ward police (Công an cấp xã)."""
    return record(code, name, CU_TRU, level="commune", agencies=WARD_POLICE, legal_basis=CU_TRU_BASIS, **kwargs)


def city(code: str, name: str, field: dict, agency: str, **kwargs) -> dict:
    """A procedure of one city-level body (cấp tỉnh)."""
    return record(code, name, field, level="city", agencies=[agency], **kwargs)


ID_CARD = doc("Thẻ Căn cước / Căn cước công dân hoặc giấy tờ tùy thân có ảnh của người yêu cầu", copies="01 bản chụp")
POWER_OF_ATTORNEY = doc("Văn bản ủy quyền (trường hợp nộp thay theo ủy quyền)", mandatory=False, copies="01 bản chính")

BIRTH = [
    commune(
        "1.001193",
        "Đăng ký khai sinh",
        HO_TICH,
        online_level="full",
        deadline_days="1",
        fee="0",
        fee_note="Miễn lệ phí khi đăng ký đúng hạn; đăng ký quá hạn nộp lệ phí theo mức do HĐND Thành phố quy định.",
        description=(
            "Người yêu cầu nộp tờ khai và giấy chứng sinh tại Bộ phận một cửa hoặc trực tuyến. Công chức tư pháp – "
            "hộ tịch kiểm tra, ghi vào Sổ đăng ký khai sinh, cập nhật Cơ sở dữ liệu hộ tịch điện tử; Chủ tịch UBND "
            "cấp xã ký Giấy khai sinh. Có thể liên thông đăng ký thường trú và cấp thẻ bảo hiểm y tế cho trẻ "
            "dưới 6 tuổi."
        ),
        legal_basis=HO_TICH_BASIS + " Nghị định số 63/2024/NĐ-CP về liên thông thủ tục hành chính.",
        result="Giấy khai sinh (bản chính, bản điện tử); trích lục khai sinh bản sao nếu có yêu cầu.",
        applicants="Cha, mẹ, ông, bà, người thân thích khác hoặc cá nhân, tổ chức đang nuôi dưỡng trẻ em.",
        documents=[
            doc("Tờ khai đăng ký khai sinh (Mẫu theo Thông tư 04/2024/TT-BTP)"),
            doc("Giấy chứng sinh; không có thì văn bản của người làm chứng hoặc giấy cam đoan về việc sinh"),
            ID_CARD,
            doc(
                "Văn bản xác nhận của cơ sở y tế đã thực hiện kỹ thuật hỗ trợ sinh sản (trường hợp mang thai hộ)",
                mandatory=False,
            ),
            POWER_OF_ATTORNEY,
        ],
        process=steps(20, 60, 20, check="Công chức tư pháp – hộ tịch kiểm tra, ghi Sổ hộ tịch"),
        form_schema=[
            *f.applicant(relationship=RELATIONSHIPS),
            f.text("child_full_name", "Họ, chữ đệm, tên của trẻ"),
            f.date("child_date_of_birth", "Ngày, tháng, năm sinh"),
            f.select("child_sex", "Giới tính", f.SEX_CHOICES),
            f.select("child_ethnicity", "Dân tộc", f.ETHNICITY_CHOICES),
            f.text("child_nationality", "Quốc tịch", max_length=60, help_text="Ví dụ: Việt Nam"),
            f.text(
                "child_place_of_birth", "Nơi sinh", max_length=255, help_text="Tên cơ sở y tế hoặc địa chỉ nơi sinh"
            ),
            f.text("child_home_town", "Quê quán", max_length=255),
            f.text("mother_full_name", "Họ, chữ đệm, tên người mẹ"),
            f.personal_id("mother_personal_id", "Số định danh cá nhân của người mẹ"),
            f.text("father_full_name", "Họ, chữ đệm, tên người cha", required=False),
            f.personal_id("father_personal_id", "Số định danh cá nhân của người cha", required=False),
            f.checkbox(
                "link_residence_health_insurance",
                "Đề nghị liên thông đăng ký thường trú và cấp thẻ bảo hiểm y tế cho trẻ",
            ),
            f.integer("extract_copies", "Số bản sao trích lục khai sinh", minimum=0, maximum=10, required=False),
        ],
        source_note="Mã, thời hạn (ngay trong ngày), miễn lệ phí đúng hạn: đã đối chiếu.",
    ),
    commune(
        "1.000689",
        "Đăng ký khai sinh kết hợp đăng ký nhận cha, mẹ, con",
        HO_TICH,
        online_level="partial",
        deadline_days="3",
        fee="0",
        fee_note="Lệ phí đăng ký nhận cha, mẹ, con theo mức do HĐND Thành phố quy định.",
        description=(
            "Người yêu cầu nộp tờ khai khai sinh, tờ khai nhận cha, mẹ, con và chứng cứ về quan hệ cha, mẹ, con. "
            "Công chức tư pháp – hộ tịch xác minh, niêm yết nếu cần; các bên có mặt khi đăng ký."
        ),
        legal_basis=HO_TICH_BASIS,
        result="Giấy khai sinh; trích lục đăng ký nhận cha, mẹ, con.",
        applicants="Cha hoặc mẹ nhận con; con nhận cha, mẹ.",
        documents=[
            doc("Tờ khai đăng ký khai sinh"),
            doc("Tờ khai đăng ký nhận cha, mẹ, con"),
            doc("Giấy chứng sinh hoặc giấy tờ thay giấy chứng sinh"),
            doc("Văn bản của cơ quan y tế, giám định xác nhận quan hệ cha, mẹ, con hoặc chứng cứ khác"),
            ID_CARD,
        ],
        process=steps(15, 65, 20, check="Xác minh quan hệ cha, mẹ, con"),
        form_schema=[
            *f.applicant(relationship=[["cha", "Cha nhận con"], ["me", "Mẹ nhận con"]]),
            f.text("child_full_name", "Họ, chữ đệm, tên của trẻ"),
            f.date("child_date_of_birth", "Ngày, tháng, năm sinh"),
            f.select("child_sex", "Giới tính", f.SEX_CHOICES),
            f.text("child_place_of_birth", "Nơi sinh", max_length=255),
            f.text("mother_full_name", "Họ, chữ đệm, tên người mẹ"),
            f.text("father_full_name", "Họ, chữ đệm, tên người cha"),
            f.personal_id("father_personal_id", "Số định danh cá nhân của người cha"),
            f.textarea("evidence_description", "Chứng cứ chứng minh quan hệ cha, mẹ, con", max_length=1000),
        ],
        source_note="Mã: đã đối chiếu. Thời hạn 3 ngày làm việc và mức lệ phí: chưa đối chiếu.",
    ),
    commune(
        "1.004884",
        "Đăng ký lại khai sinh",
        HO_TICH,
        online_level="partial",
        deadline_days="5",
        fee="0",
        fee_note="Lệ phí theo mức do HĐND Thành phố quy định; miễn cho người thuộc hộ nghèo, người khuyết tật.",
        description=(
            "Áp dụng khi việc khai sinh đã đăng ký tại cơ quan có thẩm quyền của Việt Nam nhưng Sổ hộ tịch và bản "
            "chính Giấy khai sinh đều bị mất. Công chức tư pháp – hộ tịch kiểm tra, xác minh trước khi đăng ký lại."
        ),
        legal_basis=HO_TICH_BASIS,
        result="Giấy khai sinh (ghi chú “đăng ký lại”).",
        applicants="Người đã đăng ký khai sinh nhưng bị mất Sổ hộ tịch và bản chính Giấy khai sinh.",
        documents=[
            doc("Tờ khai đăng ký lại khai sinh"),
            doc("Bản sao Giấy khai sinh hoặc giấy tờ, hồ sơ có thông tin về khai sinh", copies="01 bản sao"),
            ID_CARD,
        ],
        process=steps(15, 65, 20, check="Xác minh việc đăng ký khai sinh trước đây"),
        form_schema=[
            *f.applicant(relationship=[["ban_than", "Bản thân"], *RELATIONSHIPS]),
            f.text("registered_full_name", "Họ, chữ đệm, tên người được đăng ký lại khai sinh"),
            f.date("registered_date_of_birth", "Ngày, tháng, năm sinh"),
            f.select("registered_sex", "Giới tính", f.SEX_CHOICES),
            f.text("original_registration_place", "Nơi đã đăng ký khai sinh trước đây", max_length=255),
            f.text("original_registration_year", "Năm đăng ký khai sinh trước đây", max_length=4, required=False),
        ],
        source_note="Mã: đã đối chiếu. Thời hạn 5 ngày làm việc theo Nghị định 123/2015; lệ phí: chưa đối chiếu.",
    ),
]

MARRIAGE_AND_DEATH = [
    commune(
        "1.000894",
        "Đăng ký kết hôn",
        HO_TICH,
        online_level="partial",
        deadline_days="1",
        fee="0",
        fee_note="Miễn lệ phí đăng ký kết hôn cho công dân Việt Nam cư trú ở trong nước.",
        description=(
            "Hai bên nam, nữ nộp tờ khai (trực tiếp hoặc trực tuyến). Nếu đủ điều kiện kết hôn, hai bên có mặt ký "
            "Giấy chứng nhận kết hôn trước công chức tư pháp – hộ tịch. Trường hợp cần xác minh, thời hạn không quá "
            "05 ngày làm việc."
        ),
        legal_basis=HO_TICH_BASIS + " Luật Hôn nhân và gia đình năm 2014.",
        result="Giấy chứng nhận kết hôn (mỗi bên 01 bản chính).",
        applicants="Công dân Việt Nam cư trú trong nước có yêu cầu đăng ký kết hôn.",
        documents=[
            doc("Tờ khai đăng ký kết hôn"),
            doc(
                "Giấy xác nhận tình trạng hôn nhân (khi người yêu cầu không đăng ký thường trú tại nơi đăng ký)",
                mandatory=False,
            ),
            ID_CARD,
        ],
        process=steps(20, 50, 30, check="Kiểm tra điều kiện kết hôn", sign="Hai bên ký Giấy chứng nhận, lãnh đạo ký"),
        form_schema=[
            f.text("groom_full_name", "Họ, chữ đệm, tên bên nam"),
            f.date("groom_date_of_birth", "Ngày sinh bên nam"),
            f.personal_id("groom_personal_id", "Số định danh cá nhân bên nam"),
            f.text("groom_address", "Nơi cư trú bên nam", max_length=255),
            f.radio(
                "groom_previous_marriage",
                "Bên nam đã từng kết hôn",
                [["chua", "Chưa"], ["da_ly_hon", "Đã ly hôn"], ["goa", "Vợ đã chết"]],
            ),
            f.text("bride_full_name", "Họ, chữ đệm, tên bên nữ"),
            f.date("bride_date_of_birth", "Ngày sinh bên nữ"),
            f.personal_id("bride_personal_id", "Số định danh cá nhân bên nữ"),
            f.text("bride_address", "Nơi cư trú bên nữ", max_length=255),
            f.radio(
                "bride_previous_marriage",
                "Bên nữ đã từng kết hôn",
                [["chua", "Chưa"], ["da_ly_hon", "Đã ly hôn"], ["goa", "Chồng đã chết"]],
            ),
            f.phone("applicant_phone", "Số điện thoại liên hệ"),
            f.date("preferred_date", "Ngày mong muốn đến nhận Giấy chứng nhận kết hôn", required=False),
            f.checkbox("voluntary_declaration", "Hai bên cam đoan việc kết hôn là tự nguyện", required=True),
        ],
        source_note="Mã, thời hạn (ngay trong ngày; xác minh không quá 5 ngày), miễn lệ phí: đã đối chiếu.",
    ),
    commune(
        "1.004746",
        "Đăng ký lại kết hôn",
        HO_TICH,
        online_level="partial",
        deadline_days="5",
        fee="0",
        fee_note="Lệ phí theo mức do HĐND Thành phố quy định.",
        description=(
            "Áp dụng khi việc kết hôn đã đăng ký nhưng Sổ hộ tịch và bản chính Giấy chứng nhận kết hôn đều bị mất. "
            "Hai bên có mặt khi đăng ký lại."
        ),
        legal_basis=HO_TICH_BASIS,
        result="Giấy chứng nhận kết hôn (ghi chú “đăng ký lại”).",
        applicants="Vợ, chồng đã đăng ký kết hôn.",
        documents=[
            doc("Tờ khai đăng ký lại kết hôn"),
            doc("Bản sao Giấy chứng nhận kết hôn hoặc giấy tờ có thông tin về việc kết hôn", copies="01 bản sao"),
            ID_CARD,
        ],
        process=steps(15, 65, 20, check="Xác minh việc đăng ký kết hôn trước đây"),
        form_schema=[
            f.text("husband_full_name", "Họ, chữ đệm, tên người chồng"),
            f.personal_id("husband_personal_id", "Số định danh cá nhân của người chồng"),
            f.text("wife_full_name", "Họ, chữ đệm, tên người vợ"),
            f.personal_id("wife_personal_id", "Số định danh cá nhân của người vợ"),
            f.text("original_registration_place", "Nơi đã đăng ký kết hôn trước đây", max_length=255),
            f.date("original_registration_date", "Ngày đăng ký kết hôn trước đây", required=False),
            f.phone("applicant_phone", "Số điện thoại liên hệ"),
        ],
        source_note="Mã: đã đối chiếu. Thời hạn 5 ngày làm việc, lệ phí: chưa đối chiếu.",
    ),
    commune(
        "1.004873",
        "Cấp Giấy xác nhận tình trạng hôn nhân",
        HO_TICH,
        online_level="full",
        deadline_days="3",
        fee="15000",
        fee_note="Mức lệ phí do HĐND Thành phố quy định.",
        description=(
            "Người yêu cầu nộp tờ khai nêu rõ mục đích sử dụng. Công chức tư pháp – hộ tịch kiểm tra, tra cứu Cơ sở "
            "dữ liệu hộ tịch, xác minh nếu cần; Chủ tịch UBND cấp xã ký Giấy xác nhận."
        ),
        legal_basis=HO_TICH_BASIS,
        result="Giấy xác nhận tình trạng hôn nhân (giá trị 6 tháng kể từ ngày cấp).",
        applicants="Công dân Việt Nam cư trú trong nước.",
        documents=[
            doc("Tờ khai cấp Giấy xác nhận tình trạng hôn nhân"),
            doc(
                "Bản án, quyết định ly hôn hoặc trích lục khai tử của vợ, chồng (nếu đã từng kết hôn)",
                mandatory=False,
                copies="01 bản sao",
            ),
            ID_CARD,
        ],
        process=steps(20, 60, 20, check="Tra cứu Cơ sở dữ liệu hộ tịch, xác minh"),
        form_schema=[
            *f.applicant(),
            f.date("applicant_date_of_birth", "Ngày sinh của người yêu cầu"),
            f.radio(
                "marital_status",
                "Tình trạng hôn nhân hiện tại",
                [
                    ["doc_than", "Chưa đăng ký kết hôn"],
                    ["da_ly_hon", "Đã ly hôn"],
                    ["goa", "Vợ/chồng đã chết"],
                    ["dang_co", "Đang có vợ/chồng"],
                ],
            ),
            f.select(
                "purpose",
                "Mục đích sử dụng",
                [
                    ["ket_hon", "Đăng ký kết hôn"],
                    ["mua_ban_nha_dat", "Giao dịch nhà đất"],
                    ["vay_von", "Vay vốn"],
                    ["khac", "Mục đích khác"],
                ],
            ),
            f.text(
                "purpose_detail",
                "Nêu rõ mục đích (nếu chọn mục đích khác hoặc đăng ký kết hôn với ai, ở đâu)",
                max_length=255,
                required=False,
            ),
        ],
        source_note=(
            "Mã, thời hạn 3 ngày làm việc: đã đối chiếu. Mức lệ phí 15.000 đồng: chưa đối chiếu với Nghị quyết của "
            "HĐND TP."
        ),
    ),
    commune(
        "2.000635",
        "Cấp bản sao Trích lục hộ tịch",
        HO_TICH,
        online_level="full",
        deadline_days="1",
        fee="8000",
        fee_note="8.000 đồng/bản sao trích lục (phí khai thác Cơ sở dữ liệu hộ tịch).",
        description=(
            "Người yêu cầu nộp tờ khai; công chức tư pháp – hộ tịch tra cứu Sổ hộ tịch hoặc Cơ sở dữ liệu hộ tịch "
            "điện tử và cấp bản sao trích lục."
        ),
        legal_basis=HO_TICH_BASIS + " Thông tư số 281/2016/TT-BTC.",
        result="Bản sao trích lục hộ tịch (khai sinh, kết hôn, khai tử…).",
        applicants="Cá nhân, tổ chức có yêu cầu.",
        documents=[doc("Tờ khai cấp bản sao trích lục hộ tịch"), ID_CARD, POWER_OF_ATTORNEY],
        process=steps(25, 50, 25, check="Tra cứu Sổ hộ tịch, Cơ sở dữ liệu hộ tịch"),
        form_schema=[
            *f.applicant(),
            f.select(
                "event_type",
                "Loại việc hộ tịch cần trích lục",
                [
                    ["khai_sinh", "Khai sinh"],
                    ["ket_hon", "Kết hôn"],
                    ["khai_tu", "Khai tử"],
                    ["khac", "Việc hộ tịch khác"],
                ],
            ),
            f.text("registered_full_name", "Họ, chữ đệm, tên người được cấp trích lục"),
            f.date("registered_date_of_birth", "Ngày sinh của người được cấp trích lục", required=False),
            f.text("registration_number", "Số, quyển số đăng ký (nếu biết)", max_length=50, required=False),
            f.integer("copies", "Số bản sao", minimum=1, maximum=10, help_text=f.COPIES_HELP),
        ],
        source_note="Mã: đã đối chiếu. Phí 8.000 đồng/bản theo Thông tư 281/2016/TT-BTC: đã đối chiếu.",
    ),
    commune(
        "1.000656",
        "Đăng ký khai tử",
        HO_TICH,
        online_level="full",
        deadline_days="1",
        fee="0",
        fee_note="Miễn lệ phí khi đăng ký đúng hạn (trong 15 ngày kể từ ngày chết).",
        description=(
            "Người thân nộp tờ khai và giấy báo tử trong 15 ngày kể từ ngày chết. Công chức tư pháp – hộ tịch ghi Sổ "
            "đăng ký khai tử và cấp trích lục. Có thể liên thông xóa đăng ký thường trú và hưởng mai táng phí."
        ),
        legal_basis=HO_TICH_BASIS + " Nghị định số 63/2024/NĐ-CP về liên thông thủ tục hành chính.",
        result="Trích lục khai tử (bản chính).",
        applicants="Vợ, chồng, con, cha, mẹ hoặc người thân thích khác của người chết; cơ quan, tổ chức liên quan.",
        documents=[
            doc("Tờ khai đăng ký khai tử"),
            doc("Giấy báo tử hoặc giấy tờ thay thế giấy báo tử"),
            ID_CARD,
        ],
        process=steps(20, 60, 20, check="Kiểm tra, ghi Sổ đăng ký khai tử"),
        form_schema=[
            *f.applicant(relationship=SPOUSE_OR_RELATIVE),
            f.text("deceased_full_name", "Họ, chữ đệm, tên người chết"),
            f.personal_id("deceased_personal_id", "Số định danh cá nhân của người chết"),
            f.date("deceased_date_of_birth", "Ngày sinh của người chết"),
            f.date("date_of_death", "Ngày chết"),
            f.text("place_of_death", "Nơi chết", max_length=255),
            f.text("cause_of_death", "Nguyên nhân chết", max_length=255, required=False),
            f.checkbox("link_residence_removal", "Đề nghị liên thông xóa đăng ký thường trú"),
            f.checkbox("link_funeral_allowance", "Đề nghị liên thông hưởng mai táng phí, trợ cấp mai táng"),
        ],
        source_note="Mã, thời hạn, miễn lệ phí đúng hạn: đã đối chiếu.",
    ),
    commune(
        "1.005461",
        "Đăng ký lại khai tử",
        HO_TICH,
        online_level="partial",
        deadline_days="5",
        fee="0",
        fee_note="Lệ phí theo mức do HĐND Thành phố quy định.",
        description="Áp dụng khi việc khai tử đã đăng ký nhưng Sổ hộ tịch và bản chính giấy tờ hộ tịch đều bị mất.",
        legal_basis=HO_TICH_BASIS,
        result="Trích lục khai tử (ghi chú “đăng ký lại”).",
        applicants="Người thân thích của người chết.",
        documents=[
            doc("Tờ khai đăng ký lại khai tử"),
            doc("Bản sao giấy tờ có thông tin về việc khai tử trước đây", copies="01 bản sao"),
            ID_CARD,
        ],
        process=steps(15, 65, 20, check="Xác minh việc khai tử trước đây"),
        form_schema=[
            *f.applicant(relationship=SPOUSE_OR_RELATIVE),
            f.text("deceased_full_name", "Họ, chữ đệm, tên người chết"),
            f.date("date_of_death", "Ngày chết"),
            f.text("original_registration_place", "Nơi đã đăng ký khai tử trước đây", max_length=255),
        ],
        source_note="Mã: đã đối chiếu. Thời hạn 5 ngày làm việc, lệ phí: chưa đối chiếu.",
    ),
    commune(
        "1.004845",
        "Đăng ký chấm dứt giám hộ",
        HO_TICH,
        online_level="partial",
        deadline_days="2",
        fee="0",
        fee_note="Miễn lệ phí đăng ký giám hộ và chấm dứt giám hộ.",
        description=(
            "Người yêu cầu nộp tờ khai và giấy tờ chứng minh đủ điều kiện chấm dứt giám hộ theo Bộ luật Dân sự."
        ),
        legal_basis=HO_TICH_BASIS + " Bộ luật Dân sự năm 2015.",
        result="Trích lục đăng ký chấm dứt giám hộ.",
        applicants="Người giám hộ, người được giám hộ hoặc người thân thích.",
        documents=[
            doc("Tờ khai đăng ký chấm dứt giám hộ"),
            doc("Giấy tờ làm căn cứ chấm dứt việc giám hộ", copies="01 bản sao"),
            ID_CARD,
        ],
        process=steps(20, 60, 20),
        form_schema=[
            *f.applicant(),
            f.text("ward_full_name", "Họ, chữ đệm, tên người được giám hộ"),
            f.text("guardian_full_name", "Họ, chữ đệm, tên người giám hộ"),
            f.select(
                "termination_reason",
                "Căn cứ chấm dứt giám hộ",
                [
                    ["thanh_nien", "Người được giám hộ đã thành niên"],
                    ["co_nang_luc", "Người được giám hộ có đầy đủ năng lực hành vi"],
                    ["chet", "Người được giám hộ chết"],
                    ["khac", "Căn cứ khác"],
                ],
            ),
        ],
        source_note="Mã: đã đối chiếu. Thời hạn 2 ngày làm việc (Luật Hộ tịch, Điều 22): đã đối chiếu.",
    ),
]

CERTIFICATION = [
    commune(
        "2.000815",
        "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan có thẩm quyền của Việt Nam cấp hoặc chứng nhận",
        CHUNG_THUC,
        online_level="partial",
        deadline_days="1",
        fee="2000",
        fee_note="2.000 đồng/trang; từ trang thứ ba trở lên 1.000 đồng/trang, tối đa 200.000 đồng/bản.",
        description=(
            "Người yêu cầu xuất trình bản chính và bản sao cần chứng thực. Người thực hiện chứng thực đối chiếu, "
            "ghi lời chứng, ký và đóng dấu; vào sổ chứng thực. Có thể cấp bản sao điện tử từ bản chính."
        ),
        legal_basis="Nghị định số 23/2015/NĐ-CP về chứng thực; Thông tư số 226/2016/TT-BTC về phí chứng thực.",
        result="Bản sao được chứng thực từ bản chính.",
        applicants="Cá nhân, tổ chức.",
        documents=[
            doc("Bản chính giấy tờ, văn bản làm cơ sở để chứng thực bản sao", copies="01 bản chính (xuất trình)"),
            doc("Bản sao cần chứng thực", copies="Theo số lượng yêu cầu"),
        ],
        process=steps(30, 40, 30, check="Đối chiếu bản sao với bản chính", sign="Ký chứng thực, đóng dấu"),
        form_schema=[
            *f.applicant(),
            f.text("document_title", "Tên giấy tờ cần chứng thực", max_length=255),
            f.integer("page_count", "Số trang của mỗi bản", minimum=1, maximum=500),
            f.integer("copies", "Số bản cần chứng thực", minimum=1, maximum=50),
            f.radio(
                "delivery",
                "Hình thức nhận kết quả",
                [["truc_tiep", "Nhận trực tiếp"], ["buu_chinh", "Qua bưu chính"], ["dien_tu", "Bản sao điện tử"]],
            ),
        ],
        source_note="Mã, phí (Thông tư 226/2016/TT-BTC): đã đối chiếu.",
    ),
    commune(
        "2.000884",
        "Chứng thực chữ ký trong các giấy tờ, văn bản",
        CHUNG_THUC,
        online_level="partial",
        deadline_days="1",
        fee="10000",
        fee_note="10.000 đồng/trường hợp.",
        description=(
            "Người yêu cầu ký trước mặt người thực hiện chứng thực; người thực hiện chứng thực ghi lời chứng và ký."
        ),
        legal_basis="Nghị định số 23/2015/NĐ-CP về chứng thực; Thông tư số 226/2016/TT-BTC về phí chứng thực.",
        result="Giấy tờ, văn bản đã được chứng thực chữ ký.",
        applicants="Cá nhân.",
        documents=[ID_CARD, doc("Giấy tờ, văn bản mà mình sẽ ký", copies="Theo số lượng yêu cầu")],
        process=steps(30, 40, 30, check="Kiểm tra giấy tờ, chứng kiến việc ký", sign="Ký chứng thực, đóng dấu"),
        form_schema=[
            *f.applicant(),
            f.text("document_title", "Tên giấy tờ, văn bản cần chứng thực chữ ký", max_length=255),
            f.integer("copies", "Số bản", minimum=1, maximum=20),
        ],
        source_note="Mã, phí 10.000 đồng/trường hợp: đã đối chiếu.",
    ),
]

RESIDENCE = [
    ward_police(
        "1.004222",
        "Đăng ký thường trú",
        online_level="full",
        deadline_days="7",
        fee="20000",
        fee_online="10000",
        fee_note="Nộp trực tuyến: 10.000 đồng/lần.",
        description=(
            "Người đăng ký nộp tờ khai thay đổi thông tin cư trú (CT01) và giấy tờ chứng minh chỗ ở hợp pháp tại "
            "Công an cấp xã hoặc trực tuyến. Cơ quan đăng ký cư trú thẩm định, cập nhật Cơ sở dữ liệu về cư trú."
        ),
        result="Thông tin về nơi thường trú được cập nhật trong Cơ sở dữ liệu về cư trú; thông báo cho người đăng ký.",
        applicants="Công dân Việt Nam có chỗ ở hợp pháp.",
        documents=[
            doc("Tờ khai thay đổi thông tin cư trú (Mẫu CT01)"),
            doc("Giấy tờ, tài liệu chứng minh chỗ ở hợp pháp", copies="01 bản sao"),
            doc(
                "Văn bản đồng ý của chủ hộ, chủ sở hữu chỗ ở (nếu không ghi ý kiến trên tờ khai)",
                mandatory=False,
            ),
        ],
        process=steps(15, 65, 20, check="Thẩm định, xác minh chỗ ở hợp pháp", sign="Trưởng Công an cấp xã phê duyệt"),
        form_schema=[
            *f.applicant(),
            f.text("new_address", "Địa chỉ đăng ký thường trú", max_length=255),
            f.select(
                "housing_basis",
                "Căn cứ chỗ ở hợp pháp",
                [
                    ["so_huu", "Nhà thuộc sở hữu của mình"],
                    ["thue_muon", "Thuê, mượn, ở nhờ"],
                    ["ve_o_voi_nguoi_than", "Về ở với người thân"],
                ],
            ),
            f.text("household_head_full_name", "Họ, chữ đệm, tên chủ hộ", required=False),
            f.select(
                "relationship_to_head",
                "Quan hệ với chủ hộ",
                [
                    ["chu_ho", "Là chủ hộ"],
                    ["vo_chong", "Vợ, chồng"],
                    ["con", "Con"],
                    ["cha_me", "Cha, mẹ"],
                    ["khac", "Quan hệ khác"],
                ],
            ),
            f.decimal(
                "floor_area_per_person",
                "Diện tích sàn bình quân (m²/người), nếu thuê, mượn, ở nhờ",
                minimum=0,
                maximum=1000,
                required=False,
            ),
        ],
        source_note=(
            "Mã (Cổng DVC Bộ Công an), thời hạn 7 ngày làm việc (Luật Cư trú, Điều 22), lệ phí 20.000/10.000 đồng "
            "(Thông tư 75/2022/TT-BTC): đã đối chiếu."
        ),
    ),
    ward_police(
        "1.004194",
        "Đăng ký tạm trú",
        online_level="full",
        deadline_days="3",
        fee="15000",
        fee_online="7000",
        fee_note="Nộp trực tuyến: 7.000 đồng/lần.",
        description=(
            "Người đăng ký nộp tờ khai CT01 và giấy tờ chứng minh chỗ ở hợp pháp; cơ quan đăng ký cư trú thẩm định, "
            "cập nhật."
        ),
        result="Thông tin về nơi tạm trú được cập nhật trong Cơ sở dữ liệu về cư trú.",
        applicants="Công dân đến sinh sống tại chỗ ở hợp pháp ngoài nơi thường trú từ 30 ngày trở lên.",
        documents=[
            doc("Tờ khai thay đổi thông tin cư trú (Mẫu CT01)"),
            doc("Giấy tờ, tài liệu chứng minh chỗ ở hợp pháp (hợp đồng thuê nhà…)", copies="01 bản sao"),
        ],
        process=steps(15, 65, 20, check="Thẩm định hồ sơ", sign="Trưởng Công an cấp xã phê duyệt"),
        form_schema=[
            *f.applicant(),
            f.text("temporary_address", "Địa chỉ đăng ký tạm trú", max_length=255),
            f.date("stay_from", "Tạm trú từ ngày"),
            f.integer("stay_months", "Thời hạn tạm trú đề nghị (tháng)", minimum=1, maximum=24),
            f.select(
                "stay_reason",
                "Lý do tạm trú",
                [["lao_dong", "Lao động, làm việc"], ["hoc_tap", "Học tập"], ["khac", "Lý do khác"]],
            ),
            f.text("landlord_full_name", "Họ, chữ đệm, tên chủ nhà / chủ hộ", required=False),
        ],
        source_note=(
            "Mã, thời hạn 3 ngày làm việc (Cổng DVC Bộ Công an), lệ phí (Thông tư 75/2022/TT-BTC): đã đối chiếu."
        ),
    ),
    ward_police(
        "1.002755",
        "Gia hạn tạm trú",
        online_level="full",
        deadline_days="3",
        fee="10000",
        fee_online="5000",
        fee_note="Nộp trực tuyến: 5.000 đồng/lần.",
        description=(
            "Trong 15 ngày trước khi hết thời hạn tạm trú, công dân làm thủ tục gia hạn tại cơ quan đăng ký cư trú."
        ),
        result="Thời hạn tạm trú mới được cập nhật trong Cơ sở dữ liệu về cư trú.",
        applicants="Công dân đã đăng ký tạm trú.",
        documents=[doc("Tờ khai thay đổi thông tin cư trú (Mẫu CT01)")],
        process=steps(20, 60, 20, sign="Trưởng Công an cấp xã phê duyệt"),
        form_schema=[
            *f.applicant(),
            f.text("temporary_address", "Địa chỉ đang tạm trú", max_length=255),
            f.date("current_expiry", "Ngày hết hạn tạm trú hiện tại"),
            f.integer("extension_months", "Số tháng đề nghị gia hạn", minimum=1, maximum=24),
        ],
        source_note="Mã: đã đối chiếu. Thời hạn 3 ngày làm việc, lệ phí (Thông tư 75/2022/TT-BTC): đã đối chiếu.",
    ),
    ward_police(
        "1.010028",
        "Xóa đăng ký tạm trú",
        online_level="full",
        deadline_days="2",
        fee="0",
        description=(
            "Người thuộc trường hợp bị xóa đăng ký tạm trú hoặc đại diện hộ gia đình nộp hồ sơ; cơ quan đăng ký cư trú"
            " xóa và cập nhật."
        ),
        result="Thông tin tạm trú được xóa trong Cơ sở dữ liệu về cư trú.",
        applicants="Công dân, đại diện hộ gia đình.",
        documents=[
            doc("Tờ khai thay đổi thông tin cư trú (Mẫu CT01)"),
            doc("Giấy tờ chứng minh thuộc trường hợp xóa đăng ký tạm trú", mandatory=False, copies="01 bản sao"),
        ],
        process=steps(20, 60, 20, sign="Trưởng Công an cấp xã phê duyệt"),
        form_schema=[
            *f.applicant(),
            f.text("temporary_address", "Địa chỉ tạm trú cần xóa", max_length=255),
            f.select(
                "removal_reason",
                "Lý do xóa đăng ký tạm trú",
                [["chuyen_di", "Đã chuyển đi nơi khác"], ["het_han", "Hết thời hạn tạm trú"], ["khac", "Lý do khác"]],
            ),
        ],
        source_note="Mã, thời hạn 2 ngày làm việc (Cổng DVC Bộ Công an): đã đối chiếu.",
    ),
    ward_police(
        "1.003197",
        "Xóa đăng ký thường trú",
        online_level="full",
        deadline_days="1",
        fee="0",
        description=(
            "Cơ quan đăng ký cư trú xóa đăng ký thường trú trong 01 ngày làm việc kể từ khi nhận đủ hồ sơ hợp lệ."
        ),
        result="Thông tin thường trú được xóa trong Cơ sở dữ liệu về cư trú.",
        applicants="Công dân thuộc trường hợp bị xóa đăng ký thường trú hoặc người đại diện.",
        documents=[
            doc("Tờ khai thay đổi thông tin cư trú (Mẫu CT01)"),
            doc("Giấy tờ chứng minh thuộc trường hợp xóa đăng ký thường trú", copies="01 bản sao"),
        ],
        process=steps(20, 60, 20, sign="Trưởng Công an cấp xã phê duyệt"),
        form_schema=[
            *f.applicant(),
            f.text("registered_full_name", "Họ, chữ đệm, tên người bị xóa đăng ký thường trú"),
            f.personal_id("registered_personal_id", "Số định danh cá nhân của người bị xóa đăng ký"),
            f.select(
                "removal_reason",
                "Lý do xóa đăng ký thường trú",
                [
                    ["chet", "Người đăng ký đã chết"],
                    ["ra_nuoc_ngoai", "Định cư ở nước ngoài"],
                    ["vang_mat", "Vắng mặt liên tục từ 12 tháng"],
                    ["khac", "Lý do khác"],
                ],
            ),
        ],
        source_note=(
            "Mã: đã đối chiếu. Thời hạn 1 ngày làm việc (Luật Cư trú, Điều 24): chưa đối chiếu với Cổng DVC Bộ Công an."
        ),
    ),
]

HOUSEHOLD_BUSINESS = [
    commune(
        "1.001612",
        "Đăng ký thành lập hộ kinh doanh",
        HO_KINH_DOANH,
        online_level="full",
        deadline_days="3",
        fee="100000",
        fee_online="0",
        fee_note="Lệ phí theo Nghị quyết của HĐND Thành phố; miễn khi nộp hồ sơ trực tuyến.",
        description=(
            "Chủ hộ kinh doanh nộp giấy đề nghị đăng ký hộ kinh doanh tại UBND cấp xã nơi đặt trụ sở. Trong 03 ngày "
            "làm việc, cơ quan đăng ký kinh doanh cấp Giấy chứng nhận đăng ký hộ kinh doanh nếu hồ sơ hợp lệ."
        ),
        legal_basis=HO_KINH_DOANH_BASIS,
        result="Giấy chứng nhận đăng ký hộ kinh doanh.",
        applicants="Cá nhân, thành viên hộ gia đình là công dân Việt Nam có năng lực hành vi dân sự đầy đủ.",
        documents=[
            doc("Giấy đề nghị đăng ký hộ kinh doanh"),
            doc(
                "Biên bản họp thành viên hộ gia đình về việc thành lập hộ kinh doanh (nếu các thành viên cùng đăng ký)",
                mandatory=False,
            ),
            doc("Văn bản ủy quyền của thành viên hộ gia đình cho một thành viên làm chủ hộ", mandatory=False),
        ],
        process=steps(20, 60, 20, check="Thẩm định hồ sơ đăng ký kinh doanh"),
        form_schema=[
            *f.business_owner(),
            f.text(
                "business_name",
                "Tên hộ kinh doanh",
                max_length=200,
                help_text="Gồm cụm từ “Hộ kinh doanh” và tên riêng",
            ),
            f.text("business_address", "Địa điểm kinh doanh", max_length=255),
            f.textarea("business_lines", "Ngành, nghề kinh doanh", max_length=1000),
            f.integer("capital_vnd", "Vốn kinh doanh (đồng)", minimum=0, maximum=100_000_000_000),
            f.integer("employee_count", "Số lao động sử dụng", minimum=0, maximum=1000),
        ],
        source_note=(
            "Mã, thời hạn 3 ngày làm việc: đã đối chiếu. Thẩm quyền chuyển về cấp xã từ 01/7/2025. Mức lệ phí "
            "100.000 đồng và miễn khi nộp trực tuyến: chưa đối chiếu."
        ),
    ),
    commune(
        "2.000720",
        "Đăng ký thay đổi nội dung đăng ký hộ kinh doanh",
        HO_KINH_DOANH,
        online_level="full",
        deadline_days="3",
        fee="50000",
        fee_online="0",
        fee_note="Lệ phí theo Nghị quyết của HĐND Thành phố; miễn khi nộp hồ sơ trực tuyến.",
        description=(
            "Hộ kinh doanh nộp thông báo thay đổi nội dung đăng ký; cơ quan đăng ký kinh doanh cấp lại Giấy chứng nhận."
        ),
        legal_basis=HO_KINH_DOANH_BASIS,
        result="Giấy chứng nhận đăng ký hộ kinh doanh (cấp đổi).",
        applicants="Hộ kinh doanh.",
        documents=[
            doc("Thông báo thay đổi nội dung đăng ký hộ kinh doanh"),
            doc("Bản gốc Giấy chứng nhận đăng ký hộ kinh doanh đã cấp", copies="01 bản chính"),
        ],
        process=steps(20, 60, 20),
        form_schema=[
            *f.business_owner(),
            f.text("registration_number", "Số Giấy chứng nhận đăng ký hộ kinh doanh", max_length=30),
            f.select(
                "change_type",
                "Nội dung thay đổi",
                [
                    ["ten", "Tên hộ kinh doanh"],
                    ["dia_diem", "Địa điểm kinh doanh"],
                    ["nganh_nghe", "Ngành, nghề kinh doanh"],
                    ["von", "Vốn kinh doanh"],
                    ["chu_ho", "Chủ hộ kinh doanh"],
                ],
            ),
            f.textarea("change_detail", "Nội dung sau khi thay đổi", max_length=1000),
        ],
        source_note="Mã: đã đối chiếu. Thời hạn 3 ngày làm việc: đã đối chiếu. Lệ phí: chưa đối chiếu.",
    ),
    commune(
        "1.001570",
        "Thông báo tạm ngừng kinh doanh, tiếp tục kinh doanh trước thời hạn đã thông báo của hộ kinh doanh",
        HO_KINH_DOANH,
        online_level="full",
        deadline_days="3",
        fee="0",
        description=(
            "Hộ kinh doanh gửi thông báo chậm nhất 03 ngày làm việc trước ngày tạm ngừng hoặc tiếp tục kinh doanh."
        ),
        legal_basis=HO_KINH_DOANH_BASIS,
        result="Giấy xác nhận về việc hộ kinh doanh tạm ngừng kinh doanh / tiếp tục kinh doanh.",
        applicants="Hộ kinh doanh.",
        documents=[doc("Thông báo về việc tạm ngừng / tiếp tục kinh doanh của hộ kinh doanh")],
        process=steps(20, 60, 20),
        form_schema=[
            *f.business_owner(),
            f.text("registration_number", "Số Giấy chứng nhận đăng ký hộ kinh doanh", max_length=30),
            f.radio(
                "notice_type",
                "Loại thông báo",
                [["tam_ngung", "Tạm ngừng kinh doanh"], ["tiep_tuc", "Tiếp tục kinh doanh trước thời hạn"]],
            ),
            f.date("effective_from", "Từ ngày"),
            f.date("effective_to", "Đến ngày", required=False),
        ],
        source_note="Mã: đã đối chiếu. Thời hạn 3 ngày làm việc, không thu phí: chưa đối chiếu.",
    ),
    commune(
        "1.001266",
        "Chấm dứt hoạt động hộ kinh doanh",
        HO_KINH_DOANH,
        online_level="full",
        deadline_days="3",
        fee="0",
        description=(
            "Hộ kinh doanh gửi thông báo chấm dứt hoạt động kèm thông báo của cơ quan thuế về việc hoàn thành nghĩa vụ"
            " thuế."
        ),
        legal_basis=HO_KINH_DOANH_BASIS,
        result="Thông báo về việc chấm dứt hoạt động hộ kinh doanh.",
        applicants="Hộ kinh doanh.",
        documents=[
            doc("Thông báo về việc chấm dứt hoạt động hộ kinh doanh"),
            doc("Thông báo của cơ quan thuế về việc hoàn thành nghĩa vụ thuế", copies="01 bản sao"),
            doc("Bản gốc Giấy chứng nhận đăng ký hộ kinh doanh", copies="01 bản chính"),
        ],
        process=steps(20, 60, 20),
        form_schema=[
            *f.business_owner(),
            f.text("registration_number", "Số Giấy chứng nhận đăng ký hộ kinh doanh", max_length=30),
            f.date("closing_date", "Ngày chấm dứt hoạt động"),
        ],
        source_note="Mã: đã đối chiếu. Thời hạn 3 ngày làm việc: chưa đối chiếu.",
    ),
    commune(
        "2.000620",
        "Cấp Giấy phép bán lẻ sản phẩm rượu",
        LUU_THONG,
        online_level="partial",
        deadline_days="10",
        fee="1200000",
        fee_note="Phí thẩm định tại thành phố trực thuộc trung ương: 1.200.000 đồng/điểm kinh doanh/lần thẩm định.",
        description=(
            "Thương nhân nộp hồ sơ; cơ quan cấp phép thẩm định và cấp Giấy phép trong 10 ngày làm việc kể từ ngày "
            "nhận đủ hồ sơ hợp lệ; từ chối phải trả lời bằng văn bản nêu rõ lý do."
        ),
        legal_basis=(
            "Nghị định số 105/2017/NĐ-CP về kinh doanh rượu, sửa đổi bởi Nghị định số 17/2020/NĐ-CP; "
            "Thông tư số 168/2016/TT-BTC về phí thẩm định kinh doanh hàng hóa, dịch vụ hạn chế kinh doanh."
        ),
        result="Giấy phép bán lẻ sản phẩm rượu (thời hạn 05 năm).",
        applicants="Thương nhân (doanh nghiệp, hộ kinh doanh) kinh doanh bán lẻ rượu.",
        documents=[
            doc("Đơn đề nghị cấp Giấy phép bán lẻ sản phẩm rượu"),
            doc("Bản sao Giấy chứng nhận đăng ký doanh nghiệp / hộ kinh doanh", copies="01 bản sao"),
            doc("Bản sao hợp đồng thuê hoặc giấy tờ chứng minh quyền sử dụng địa điểm kinh doanh", copies="01 bản sao"),
            doc("Bản sao hợp đồng mua bán hoặc văn bản giới thiệu của nhà cung cấp sản phẩm rượu", copies="01 bản sao"),
        ],
        process=steps(15, 65, 20, check="Thẩm định hồ sơ, kiểm tra địa điểm kinh doanh"),
        form_schema=[
            *f.company_representative(),
            f.text("shop_address", "Địa điểm bán lẻ", max_length=255),
            f.decimal("shop_area_m2", "Diện tích điểm bán (m²)", minimum=1, maximum=100_000),
            f.textarea("supplier_names", "Tên các thương nhân cung cấp sản phẩm rượu", max_length=1000),
        ],
        source_note=(
            "Mã 2.000620: chưa đối chiếu. Thẩm quyền chuyển về cấp xã từ 01/7/2025: chưa đối chiếu. Phí 1.200.000 "
            "đồng (Thông tư 168/2016/TT-BTC, khu vực thành phố trực thuộc trung ương): chưa đối chiếu."
        ),
    ),
]

CONSTRUCTION_AND_SOCIAL = [
    commune(
        "1.013225",
        "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ",
        XAY_DUNG,
        online_level="partial",
        deadline_days="15",
        fee="75000",
        fee_note="Lệ phí cấp giấy phép xây dựng nhà ở riêng lẻ theo Nghị quyết của HĐND Thành phố.",
        description=(
            "Chủ đầu tư nộp hồ sơ; cơ quan cấp phép kiểm tra, thẩm định hồ sơ và thực địa, lấy ý kiến cơ quan liên "
            "quan nếu cần, rồi cấp giấy phép trong 15 ngày kể từ ngày nhận đủ hồ sơ hợp lệ."
        ),
        legal_basis=XAY_DUNG_BASIS,
        result="Giấy phép xây dựng kèm bản vẽ thiết kế được đóng dấu.",
        applicants="Chủ đầu tư xây dựng nhà ở riêng lẻ (hộ gia đình, cá nhân).",
        documents=[
            doc("Đơn đề nghị cấp giấy phép xây dựng (Mẫu số 01)"),
            doc("Giấy tờ hợp pháp về quyền sử dụng đất", copies="01 bản sao"),
            doc(
                "02 bộ bản vẽ thiết kế xây dựng (mặt bằng, mặt cắt, mặt đứng, móng, đấu nối hạ tầng)",
                types=PDF,
                copies="02 bộ",
            ),
            doc(
                "Bản kê khai kinh nghiệm của tổ chức, cá nhân thiết kế (nếu chủ đầu tư tự thiết kế nhà dưới 250 m²)",
                mandatory=False,
                types=PDF,
            ),
        ],
        process=steps(10, 70, 20, check="Thẩm định hồ sơ, kiểm tra thực địa"),
        form_schema=[
            *f.applicant(),
            f.text("construction_address", "Địa điểm xây dựng (số nhà, đường, phường/xã)", max_length=255),
            f.text("land_parcel", "Thửa đất số, tờ bản đồ số", max_length=100),
            f.decimal("land_area_m2", "Diện tích thửa đất (m²)", minimum=1, maximum=100_000),
            f.decimal("building_footprint_m2", "Diện tích xây dựng tầng 1 (m²)", minimum=1, maximum=100_000),
            f.decimal("total_floor_area_m2", "Tổng diện tích sàn (m²)", minimum=1, maximum=1_000_000),
            f.integer("floors", "Số tầng (kể cả tầng hầm, tầng lửng)", minimum=1, maximum=30),
            f.decimal("height_m", "Chiều cao công trình (m)", minimum=1, maximum=200),
            f.text("designer_name", "Tổ chức, cá nhân thiết kế", max_length=255, required=False),
        ],
        source_note=(
            "Mã 1.013225: đã đối chiếu (bộ thủ tục giấy phép xây dựng ban hành năm 2025). Thời hạn 15 ngày: chưa "
            "đối chiếu với quyết định công bố của TP. Lệ phí 75.000 đồng: chưa đối chiếu."
        ),
    ),
    commune(
        "1.013227",
        "Gia hạn giấy phép xây dựng",
        XAY_DUNG,
        online_level="full",
        deadline_days="5",
        fee="15000",
        description=(
            "Trước khi giấy phép hết hạn khởi công, chủ đầu tư đề nghị gia hạn; mỗi giấy phép được gia hạn tối đa 02 "
            "lần, mỗi lần 12 tháng."
        ),
        legal_basis=XAY_DUNG_BASIS,
        result="Giấy phép xây dựng được gia hạn.",
        applicants="Chủ đầu tư đã được cấp giấy phép xây dựng.",
        documents=[
            doc("Đơn đề nghị gia hạn giấy phép xây dựng"),
            doc("Bản chính giấy phép xây dựng đã được cấp", copies="01 bản chính"),
        ],
        process=steps(20, 60, 20),
        form_schema=[
            *f.applicant(),
            f.text("permit_number", "Số giấy phép xây dựng", max_length=50),
            f.date("permit_date", "Ngày cấp giấy phép"),
            f.textarea("extension_reason", "Lý do đề nghị gia hạn", max_length=1000),
        ],
        source_note="Mã: đã đối chiếu. Thời hạn 5 ngày làm việc và lệ phí 15.000 đồng: chưa đối chiếu.",
    ),
    commune(
        "1.013228",
        "Cấp lại giấy phép xây dựng",
        XAY_DUNG,
        online_level="full",
        deadline_days="5",
        fee="15000",
        description="Cấp lại khi giấy phép bị rách, nát hoặc bị mất.",
        legal_basis=XAY_DUNG_BASIS,
        result="Giấy phép xây dựng cấp lại.",
        applicants="Chủ đầu tư đã được cấp giấy phép xây dựng.",
        documents=[
            doc("Đơn đề nghị cấp lại giấy phép xây dựng, nêu rõ lý do"),
            doc("Bản chính giấy phép xây dựng bị rách, nát (trường hợp không bị mất)", mandatory=False),
        ],
        process=steps(20, 60, 20),
        form_schema=[
            *f.applicant(),
            f.text("permit_number", "Số giấy phép xây dựng đã cấp", max_length=50),
            f.radio("reissue_reason", "Lý do cấp lại", [["bi_mat", "Bị mất"], ["rach_nat", "Bị rách, nát"]]),
        ],
        source_note="Mã: đã đối chiếu. Thời hạn 5 ngày làm việc và lệ phí: chưa đối chiếu.",
    ),
    commune(
        "1.001699",
        "Xác định, xác định lại mức độ khuyết tật và cấp Giấy xác nhận khuyết tật",
        BAO_TRO_XA_HOI,
        online_level="partial",
        deadline_days="25",
        fee="0",
        description=(
            "Hội đồng xác định mức độ khuyết tật cấp xã triệu tập người đề nghị, xác định mức độ khuyết tật; Chủ "
            "tịch UBND cấp xã cấp Giấy xác nhận khuyết tật."
        ),
        legal_basis="Luật Người khuyết tật năm 2010; Thông tư số 01/2019/TT-BLĐTBXH về xác định mức độ khuyết tật.",
        result="Giấy xác nhận khuyết tật.",
        applicants="Người khuyết tật hoặc người đại diện hợp pháp.",
        documents=[
            doc("Đơn đề nghị xác định, xác định lại mức độ khuyết tật (Mẫu số 01)"),
            doc("Bản sao giấy tờ, hồ sơ y tế liên quan đến khuyết tật (nếu có)", mandatory=False, copies="01 bản sao"),
        ],
        process=steps(10, 70, 20, check="Hội đồng xác định mức độ khuyết tật họp, đánh giá"),
        form_schema=[
            *f.applicant(
                relationship=[["ban_than", "Bản thân"], ["cha_me", "Cha, mẹ"], ["nguoi_giam_ho", "Người giám hộ"]]
            ),
            f.text("disabled_full_name", "Họ, chữ đệm, tên người khuyết tật"),
            f.personal_id("disabled_personal_id", "Số định danh cá nhân của người khuyết tật"),
            f.date("disabled_date_of_birth", "Ngày sinh"),
            f.select(
                "disability_type",
                "Dạng khuyết tật",
                [
                    ["van_dong", "Khuyết tật vận động"],
                    ["nghe_noi", "Khuyết tật nghe, nói"],
                    ["nhin", "Khuyết tật nhìn"],
                    ["than_kinh_tam_than", "Khuyết tật thần kinh, tâm thần"],
                    ["tri_tue", "Khuyết tật trí tuệ"],
                    ["khac", "Khuyết tật khác"],
                ],
            ),
            f.radio("request_type", "Loại yêu cầu", [["lan_dau", "Xác định lần đầu"], ["lai", "Xác định lại"]]),
        ],
        source_note=(
            "Mã: đã đối chiếu. Thời hạn 25 ngày (20 ngày triệu tập Hội đồng + 5 ngày cấp giấy): chưa đối chiếu."
        ),
    ),
]

CITY_LEVEL = [
    city(
        "3.000333",
        "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, người nước ngoài đang cư trú tại Việt Nam",
        LY_LICH,
        POLICE,
        online_level="full",
        deadline_days="10",
        fee="200000",
        fee_note=(
            "Sinh viên, người có công với cách mạng, thân nhân liệt sĩ: 100.000 đồng/lần; từ phiếu thứ 3 trở đi: 5.000"
            " đồng/phiếu."
        ),
        description=(
            "Người yêu cầu nộp tờ khai trực tiếp, qua bưu chính hoặc trực tuyến (VNeID, Cổng Dịch vụ công). Công an "
            "Thành phố tra cứu, xác minh thông tin lý lịch tư pháp và cấp Phiếu trong 10 ngày; trường hợp phải xác "
            "minh phức tạp không quá 15 ngày."
        ),
        legal_basis=(
            "Luật Lý lịch tư pháp năm 2009; Thông tư số 244/2016/TT-BTC về phí cung cấp thông tin lý lịch tư pháp."
        ),
        result="Phiếu lý lịch tư pháp số 1 hoặc số 2 (bản giấy hoặc bản điện tử).",
        applicants="Công dân Việt Nam; người nước ngoài đang cư trú tại Việt Nam.",
        documents=[
            doc("Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp"),
            ID_CARD,
            doc("Văn bản ủy quyền (trường hợp ủy quyền yêu cầu cấp Phiếu số 1)", mandatory=False),
        ],
        process=steps(10, 75, 15, check="Tra cứu, xác minh thông tin lý lịch tư pháp"),
        form_schema=[
            *f.applicant(),
            f.date("applicant_date_of_birth", "Ngày sinh"),
            f.select("applicant_sex", "Giới tính", f.SEX_CHOICES),
            f.text("place_of_birth", "Nơi sinh", max_length=255),
            f.text("father_full_name", "Họ, chữ đệm, tên cha"),
            f.text("mother_full_name", "Họ, chữ đệm, tên mẹ"),
            f.text("spouse_full_name", "Họ, chữ đệm, tên vợ/chồng", required=False),
            f.radio("form_number", "Loại Phiếu yêu cầu cấp", [["1", "Phiếu số 1"], ["2", "Phiếu số 2"]]),
            f.integer("copies", "Số lượng Phiếu", minimum=1, maximum=10),
            f.text("purpose", "Mục đích sử dụng Phiếu", max_length=255),
            f.textarea("residence_history", "Quá trình cư trú (từ đủ 14 tuổi)", max_length=2000),
        ],
        source_note=(
            "Thẩm quyền: Công an cấp tỉnh (chuyển từ Sở Tư pháp năm 2025) và thời hạn 10/15 ngày: theo Cổng DVC Bộ "
            "Công an. Mã 3.000333: chưa đối chiếu trực tiếp. Phí theo Thông tư 244/2016/TT-BTC: đã đối chiếu."
        ),
    ),
    city(
        "1.014199",
        "Cấp giấy phép lao động cho người lao động nước ngoài làm việc tại Việt Nam",
        VIEC_LAM,
        HOME_AFFAIRS,
        online_level="full",
        deadline_days="10",
        fee="600000",
        fee_note="Lệ phí theo Nghị quyết của HĐND Thành phố.",
        description=(
            "Người sử dụng lao động nộp hồ sơ trước ít nhất 15 ngày kể từ ngày người lao động nước ngoài dự kiến "
            "làm việc. Sở Nội vụ thẩm định và cấp giấy phép lao động."
        ),
        legal_basis=(
            "Bộ luật Lao động năm 2019; Nghị định quy định về người lao động nước ngoài làm việc tại Việt Nam hiện "
            "hành."
        ),
        result="Giấy phép lao động (thời hạn tối đa 02 năm).",
        applicants="Người sử dụng lao động (doanh nghiệp, tổ chức) tuyển người lao động nước ngoài.",
        documents=[
            doc("Văn bản đề nghị cấp giấy phép lao động của người sử dụng lao động"),
            doc("Giấy chứng nhận sức khỏe do cơ sở y tế có thẩm quyền cấp", copies="01 bản chính hoặc bản sao"),
            doc(
                "Phiếu lý lịch tư pháp hoặc văn bản xác nhận không phải người phạm tội",
                copies="01 bản chính hoặc bản sao",
            ),
            doc("Văn bằng, chứng chỉ chứng minh trình độ chuyên môn, kinh nghiệm", copies="01 bản sao chứng thực"),
            doc("Hộ chiếu còn giá trị", copies="01 bản sao"),
            doc("02 ảnh màu 4 cm x 6 cm", types=["jpeg", "png"], copies="02 ảnh"),
        ],
        process=steps(15, 65, 20, check="Thẩm định điều kiện cấp giấy phép lao động"),
        form_schema=[
            *f.company_representative(),
            f.text("worker_full_name", "Họ và tên người lao động nước ngoài (theo hộ chiếu)", max_length=150),
            f.text("worker_nationality", "Quốc tịch", max_length=60),
            f.text("worker_passport_number", "Số hộ chiếu", max_length=20),
            f.date("worker_date_of_birth", "Ngày sinh"),
            f.select(
                "job_position",
                "Vị trí công việc",
                [
                    ["nha_quan_ly", "Nhà quản lý"],
                    ["giam_doc_dieu_hanh", "Giám đốc điều hành"],
                    ["chuyen_gia", "Chuyên gia"],
                    ["lao_dong_ky_thuat", "Lao động kỹ thuật"],
                ],
            ),
            f.text("job_title", "Chức danh công việc", max_length=150),
            f.date("work_from", "Thời hạn làm việc từ ngày"),
            f.date("work_to", "Đến ngày"),
            f.text("workplace_address", "Địa điểm làm việc", max_length=255),
        ],
        source_note=(
            "Mã 1.014199 (bộ thủ tục giấy phép lao động ban hành năm 2025): đã đối chiếu. Thời hạn 10 ngày làm việc "
            "và lệ phí 600.000 đồng: chưa đối chiếu."
        ),
    ),
    city(
        "1.014201",
        "Gia hạn giấy phép lao động cho người lao động nước ngoài làm việc tại Việt Nam",
        VIEC_LAM,
        HOME_AFFAIRS,
        online_level="full",
        deadline_days="10",
        fee="450000",
        fee_note="Lệ phí theo Nghị quyết của HĐND Thành phố.",
        description=(
            "Người sử dụng lao động nộp hồ sơ gia hạn trước ít nhất 10 ngày, nhưng không quá 45 ngày, trước khi giấy "
            "phép hết hạn."
        ),
        legal_basis=(
            "Bộ luật Lao động năm 2019; Nghị định quy định về người lao động nước ngoài làm việc tại Việt Nam hiện "
            "hành."
        ),
        result="Giấy phép lao động được gia hạn (một lần, tối đa 02 năm).",
        applicants="Người sử dụng lao động.",
        documents=[
            doc("Văn bản đề nghị gia hạn giấy phép lao động"),
            doc("Giấy phép lao động còn hiệu lực", copies="01 bản chính"),
            doc("Giấy chứng nhận sức khỏe", copies="01 bản chính hoặc bản sao"),
            doc("Hộ chiếu còn giá trị", copies="01 bản sao"),
        ],
        process=steps(15, 65, 20),
        form_schema=[
            *f.company_representative(),
            f.text("worker_full_name", "Họ và tên người lao động nước ngoài (theo hộ chiếu)", max_length=150),
            f.text("work_permit_number", "Số giấy phép lao động đã cấp", max_length=30),
            f.date("current_expiry", "Ngày hết hạn giấy phép hiện tại"),
            f.date("extend_to", "Đề nghị gia hạn đến ngày"),
        ],
        source_note="Mã: đã đối chiếu. Thời hạn và lệ phí: chưa đối chiếu.",
    ),
    city(
        "1.012753",
        "Đăng ký đất đai, tài sản gắn liền với đất, cấp Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản "
        "gắn liền với đất lần đầu đối với tổ chức đang sử dụng đất",
        DAT_DAI,
        AGRICULTURE_ENVIRONMENT,
        online_level="partial",
        deadline_days="20",
        fee="100000",
        fee_note=(
            "Lệ phí cấp Giấy chứng nhận theo Nghị quyết của HĐND Thành phố; chưa gồm tiền sử dụng đất, lệ phí trước bạ."
        ),
        description=(
            "Tổ chức nộp hồ sơ; Văn phòng đăng ký đất đai kiểm tra, đo đạc nếu cần, xác định nghĩa vụ tài chính; "
            "Sở Nông nghiệp và Môi trường ký Giấy chứng nhận. Thời gian không tính thời gian thực hiện nghĩa vụ tài "
            "chính."
        ),
        legal_basis=(
            "Luật Đất đai năm 2024; Nghị định số 101/2024/NĐ-CP về điều tra cơ bản đất đai, đăng ký, cấp Giấy chứng "
            "nhận."
        ),
        result="Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất.",
        applicants="Tổ chức trong nước đang sử dụng đất.",
        documents=[
            doc("Đơn đăng ký đất đai, tài sản gắn liền với đất (Mẫu số 04/ĐK)"),
            doc("Giấy tờ về quyền sử dụng đất, quyết định giao đất, cho thuê đất", copies="01 bản sao"),
            doc("Mảnh trích đo bản đồ địa chính (nếu có)", mandatory=False, types=PDF),
            doc("Chứng từ thực hiện nghĩa vụ tài chính (nếu có)", mandatory=False, copies="01 bản sao"),
        ],
        process=steps(10, 70, 20, check="Văn phòng đăng ký đất đai kiểm tra, đo đạc, trình ký"),
        form_schema=[
            *f.company_representative(),
            f.text("land_address", "Địa chỉ thửa đất", max_length=255),
            f.text("land_parcel", "Thửa đất số, tờ bản đồ số", max_length=100),
            f.decimal("land_area_m2", "Diện tích (m²)", minimum=1, maximum=100_000_000),
            f.select(
                "land_use_purpose",
                "Mục đích sử dụng đất",
                [
                    ["thuong_mai_dich_vu", "Đất thương mại, dịch vụ"],
                    ["san_xuat_kinh_doanh", "Đất cơ sở sản xuất phi nông nghiệp"],
                    ["tru_so", "Đất xây dựng trụ sở cơ quan"],
                    ["khac", "Mục đích khác"],
                ],
            ),
            f.select(
                "land_use_form",
                "Hình thức sử dụng",
                [
                    ["giao_dat", "Nhà nước giao đất"],
                    ["thue_dat", "Nhà nước cho thuê đất"],
                    ["cong_nhan", "Công nhận quyền sử dụng đất"],
                ],
            ),
        ],
        source_note="Mã 1.012753: đã đối chiếu. Thời hạn 20 ngày làm việc, lệ phí 100.000 đồng: chưa đối chiếu.",
    ),
    city(
        "2.001614",
        "Đăng ký thành lập công ty trách nhiệm hữu hạn một thành viên",
        DOANH_NGHIEP,
        FINANCE,
        online_level="full",
        deadline_days="3",
        fee="50000",
        fee_online="0",
        fee_note="Miễn lệ phí khi đăng ký qua mạng; phí công bố nội dung đăng ký doanh nghiệp 100.000 đồng.",
        description=(
            "Người thành lập nộp hồ sơ qua Hệ thống thông tin quốc gia về đăng ký doanh nghiệp hoặc tại Phòng Đăng "
            "ký kinh doanh thuộc Sở Tài chính; Giấy chứng nhận được cấp trong 03 ngày làm việc."
        ),
        legal_basis="Luật Doanh nghiệp năm 2020; Thông tư số 47/2019/TT-BTC về phí, lệ phí đăng ký doanh nghiệp.",
        result="Giấy chứng nhận đăng ký doanh nghiệp.",
        applicants="Tổ chức, cá nhân thành lập doanh nghiệp.",
        documents=[
            doc("Giấy đề nghị đăng ký doanh nghiệp"),
            doc("Điều lệ công ty", types=PDF),
            doc(
                "Bản sao giấy tờ pháp lý của cá nhân là người đại diện theo pháp luật và chủ sở hữu",
                copies="01 bản sao",
            ),
            doc("Văn bản ủy quyền cho người nộp hồ sơ (nếu có)", mandatory=False),
        ],
        process=steps(20, 60, 20, check="Phòng Đăng ký kinh doanh thẩm định hồ sơ"),
        form_schema=[
            f.text("company_name", "Tên công ty bằng tiếng Việt", max_length=255),
            f.text("company_name_foreign", "Tên công ty bằng tiếng nước ngoài", max_length=255, required=False),
            f.text("head_office_address", "Địa chỉ trụ sở chính", max_length=255),
            f.integer("charter_capital_vnd", "Vốn điều lệ (đồng)", minimum=1_000_000, maximum=1_000_000_000_000_000),
            f.textarea("business_lines", "Ngành, nghề kinh doanh (mã ngành cấp 4)", max_length=2000),
            f.text("owner_full_name", "Họ, chữ đệm, tên chủ sở hữu"),
            f.personal_id("owner_personal_id", "Số định danh cá nhân của chủ sở hữu"),
            f.text("representative_full_name", "Họ, chữ đệm, tên người đại diện theo pháp luật"),
            f.personal_id("representative_personal_id", "Số định danh cá nhân của người đại diện"),
            f.phone("contact_phone", "Số điện thoại liên hệ"),
            f.email("contact_email", "Thư điện tử", required=True),
        ],
        source_note=(
            "Mã 2.001614: chưa đối chiếu. Thời hạn 3 ngày làm việc (Luật Doanh nghiệp), lệ phí 50.000 đồng, miễn "
            "khi nộp qua mạng (Thông tư 47/2019/TT-BTC): đã đối chiếu."
        ),
    ),
    city(
        "1.001620",
        "Cấp Giấy phép bán buôn sản phẩm rượu",
        LUU_THONG,
        INDUSTRY_TRADE,
        online_level="partial",
        deadline_days="10",
        fee="2200000",
        fee_note="Phí thẩm định tại thành phố trực thuộc trung ương: 2.200.000 đồng/lần thẩm định.",
        description="Thương nhân nộp hồ sơ tại Sở Công Thương; Sở thẩm định và cấp Giấy phép trong 10 ngày làm việc.",
        legal_basis=(
            "Nghị định số 105/2017/NĐ-CP về kinh doanh rượu, sửa đổi bởi Nghị định số 17/2020/NĐ-CP; "
            "Thông tư số 168/2016/TT-BTC."
        ),
        result="Giấy phép bán buôn sản phẩm rượu (thời hạn 05 năm).",
        applicants="Doanh nghiệp kinh doanh bán buôn rượu.",
        documents=[
            doc("Đơn đề nghị cấp Giấy phép bán buôn sản phẩm rượu"),
            doc("Bản sao Giấy chứng nhận đăng ký doanh nghiệp", copies="01 bản sao"),
            doc("Hợp đồng, văn bản giới thiệu với thương nhân sản xuất, phân phối rượu", copies="01 bản sao"),
            doc("Giấy tờ chứng minh quyền sử dụng kho hàng (tổng diện tích từ 50 m²)", copies="01 bản sao"),
        ],
        process=steps(15, 65, 20, check="Phòng Quản lý thương mại thẩm định"),
        form_schema=[
            *f.company_representative(),
            f.text("warehouse_address", "Địa chỉ kho hàng", max_length=255),
            f.decimal("warehouse_area_m2", "Tổng diện tích kho (m²)", minimum=1, maximum=1_000_000),
            f.textarea("suppliers", "Thương nhân sản xuất, phân phối cung cấp rượu", max_length=1000),
            f.textarea("distribution_area", "Địa bàn dự kiến kinh doanh", max_length=1000),
        ],
        source_note="Mã 1.001620: chưa đối chiếu. Thời hạn 10 ngày làm việc và phí 2.200.000 đồng: chưa đối chiếu.",
    ),
    city(
        "1.004614",
        "Cấp giấy phép kinh doanh dịch vụ lữ hành nội địa",
        LU_HANH,
        TOURISM,
        online_level="full",
        deadline_days="10",
        fee="3000000",
        fee_note="Phí thẩm định cấp giấy phép kinh doanh dịch vụ lữ hành nội địa: 3.000.000 đồng/giấy phép.",
        description=(
            "Doanh nghiệp nộp hồ sơ tại Sở Du lịch; trong 10 ngày làm việc Sở thẩm định, cấp giấy phép và thông báo "
            "cho Cục Du lịch Quốc gia."
        ),
        legal_basis="Luật Du lịch năm 2017; Nghị định số 168/2017/NĐ-CP; Thông tư số 33/2018/TT-BTC.",
        result="Giấy phép kinh doanh dịch vụ lữ hành nội địa.",
        applicants="Doanh nghiệp thành lập theo Luật Doanh nghiệp.",
        documents=[
            doc("Đơn đề nghị cấp giấy phép kinh doanh dịch vụ lữ hành"),
            doc("Bản sao Giấy chứng nhận đăng ký doanh nghiệp", copies="01 bản sao"),
            doc("Giấy chứng nhận ký quỹ kinh doanh dịch vụ lữ hành nội địa (100.000.000 đồng)", copies="01 bản chính"),
            doc("Bằng cấp chuyên ngành lữ hành của người phụ trách kinh doanh", copies="01 bản sao chứng thực"),
            doc("Quyết định bổ nhiệm hoặc hợp đồng lao động của người phụ trách kinh doanh", copies="01 bản sao"),
        ],
        process=steps(15, 65, 20),
        form_schema=[
            *f.company_representative(),
            f.text("manager_full_name", "Họ, chữ đệm, tên người phụ trách kinh doanh dịch vụ lữ hành"),
            f.text("manager_qualification", "Văn bằng, chứng chỉ của người phụ trách", max_length=255),
            f.text("escrow_bank", "Ngân hàng nhận ký quỹ", max_length=255),
            f.integer("escrow_amount_vnd", "Số tiền ký quỹ (đồng)", minimum=100_000_000, maximum=10_000_000_000),
        ],
        source_note=(
            "Mã 1.004614: chưa đối chiếu. Thời hạn 10 ngày làm việc (Luật Du lịch, Điều 32), phí 3.000.000 đồng "
            "(Thông tư 33/2018/TT-BTC), ký quỹ 100 triệu đồng: đã đối chiếu."
        ),
    ),
    city(
        "1.001817",
        "Cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm đối với cơ sở kinh doanh dịch vụ ăn uống",
        AN_TOAN_THUC_PHAM,
        FOOD_SAFETY,
        online_level="partial",
        deadline_days="20",
        fee="700000",
        fee_note="Phục vụ từ 200 suất ăn trở xuống: 700.000 đồng/lần thẩm định; trên 200 suất: 1.000.000 đồng.",
        description=(
            "Cơ sở nộp hồ sơ; trong 15 ngày làm việc Sở An toàn thực phẩm thẩm định tại cơ sở; cơ sở đạt yêu cầu "
            "được cấp Giấy chứng nhận trong 05 ngày làm việc tiếp theo."
        ),
        legal_basis="Luật An toàn thực phẩm năm 2010; Nghị định số 15/2018/NĐ-CP; Thông tư số 67/2021/TT-BTC.",
        result="Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm (hiệu lực 03 năm).",
        applicants="Cơ sở kinh doanh dịch vụ ăn uống (nhà hàng, bếp ăn tập thể, căng tin…).",
        documents=[
            doc("Đơn đề nghị cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm"),
            doc("Bản thuyết minh về cơ sở vật chất, trang thiết bị, dụng cụ", types=PDF),
            doc(
                "Giấy xác nhận đã được tập huấn kiến thức an toàn thực phẩm của chủ cơ sở và người trực tiếp chế biến",
                copies="01 bản sao",
            ),
            doc("Giấy xác nhận đủ sức khỏe của chủ cơ sở và người trực tiếp chế biến", copies="01 bản sao"),
        ],
        process=steps(10, 70, 20, check="Thẩm định hồ sơ và thẩm định thực tế tại cơ sở"),
        form_schema=[
            *f.company_representative(),
            f.text("premises_name", "Tên cơ sở", max_length=255),
            f.text("premises_address", "Địa chỉ cơ sở", max_length=255),
            f.select(
                "premises_type",
                "Loại hình",
                [
                    ["nha_hang", "Nhà hàng ăn uống"],
                    ["bep_an_tap_the", "Bếp ăn tập thể"],
                    ["can_tin", "Căng tin"],
                    ["khac", "Loại hình khác"],
                ],
            ),
            f.integer("meals_per_day", "Số suất ăn phục vụ mỗi ngày", minimum=1, maximum=100_000),
            f.integer("food_handlers", "Số người trực tiếp chế biến", minimum=1, maximum=10_000),
        ],
        source_note=(
            "Mã 1.001817: chưa đối chiếu. Thời hạn (15 + 5 ngày làm việc theo Nghị định 15/2018) và phí (Thông tư "
            "67/2021/TT-BTC): đã đối chiếu."
        ),
    ),
    city(
        "2.001914",
        "Cấp bản sao văn bằng, chứng chỉ từ sổ gốc",
        VAN_BANG,
        EDUCATION,
        online_level="full",
        deadline_days="1",
        fee="0",
        fee_note="Không thu phí theo quy định hiện hành; có thể thu phí dịch vụ bưu chính nếu nhận qua bưu điện.",
        description=(
            "Người yêu cầu nộp phiếu yêu cầu; cơ quan đang quản lý sổ gốc cấp bản sao ngay trong ngày, hoặc trong "
            "ngày làm việc tiếp theo nếu nhận sau 15 giờ."
        ),
        legal_basis=(
            "Nghị định số 23/2015/NĐ-CP; Thông tư số 21/2019/TT-BGDĐT ban hành Quy chế quản lý bằng tốt nghiệp."
        ),
        result="Bản sao văn bằng, chứng chỉ từ sổ gốc.",
        applicants="Người được cấp văn bằng, chứng chỉ hoặc người đại diện hợp pháp.",
        documents=[
            doc("Phiếu yêu cầu cấp bản sao văn bằng, chứng chỉ từ sổ gốc"),
            ID_CARD,
            POWER_OF_ATTORNEY,
        ],
        process=steps(30, 40, 30, check="Tra cứu sổ gốc"),
        form_schema=[
            *f.applicant(),
            f.select(
                "certificate_type",
                "Loại văn bằng, chứng chỉ",
                [
                    ["thpt", "Bằng tốt nghiệp trung học phổ thông"],
                    ["thcs", "Bằng tốt nghiệp trung học cơ sở"],
                    ["chung_chi", "Chứng chỉ"],
                ],
            ),
            f.text("holder_full_name", "Họ, chữ đệm, tên người được cấp văn bằng"),
            f.date("holder_date_of_birth", "Ngày sinh người được cấp văn bằng"),
            f.integer("graduation_year", "Năm tốt nghiệp", minimum=1975, maximum=2100),
            f.text("school_name", "Trường, hội đồng thi", max_length=255),
            f.integer("copies", "Số bản sao", minimum=1, maximum=10),
        ],
        source_note="Mã 2.001914: chưa đối chiếu. Thời hạn (ngay trong ngày, Nghị định 23/2015): đã đối chiếu.",
    ),
]

JUSTICE_DEPARTMENT = [
    city(
        "1.005136",
        "Nhập quốc tịch Việt Nam",
        QUOC_TICH,
        JUSTICE,
        online_level="partial",
        deadline_days="20",
        fee="3000000",
        fee_note=(
            "Lệ phí 3.000.000 đồng/trường hợp; miễn cho người không quốc tịch thường trú ở Việt Nam có hoàn cảnh khó "
            "khăn."
        ),
        description=(
            "Người xin nhập quốc tịch nộp hồ sơ tại Sở Tư pháp. Sở Tư pháp phối hợp Công an Thành phố xác minh nhân "
            "thân, báo cáo UBND Thành phố để đề xuất Bộ Tư pháp trình Chủ tịch nước. Thời hạn ghi ở đây là phần "
            "việc tại Sở Tư pháp và UBND Thành phố."
        ),
        legal_basis=(
            "Luật Quốc tịch Việt Nam năm 2008, sửa đổi, bổ sung; Nghị định số 16/2020/NĐ-CP; Thông tư số 281/2016/TT-"
            "BTC."
        ),
        result="Quyết định của Chủ tịch nước cho nhập quốc tịch Việt Nam.",
        applicants="Công dân nước ngoài, người không quốc tịch đang thường trú ở Việt Nam.",
        documents=[
            doc("Đơn xin nhập quốc tịch Việt Nam"),
            doc("Bản khai lý lịch"),
            doc("Phiếu lý lịch tư pháp (cấp không quá 90 ngày)", copies="01 bản chính"),
            doc("Giấy tờ chứng minh trình độ tiếng Việt", copies="01 bản sao"),
            doc("Giấy tờ chứng minh chỗ ở, thời gian thường trú ở Việt Nam", copies="01 bản sao"),
            doc("Giấy tờ chứng minh bảo đảm cuộc sống tại Việt Nam", copies="01 bản sao"),
        ],
        process=steps(
            10, 70, 20, check="Xác minh nhân thân, lập báo cáo", sign="Lãnh đạo Sở ký báo cáo trình UBND Thành phố"
        ),
        form_schema=[
            f.text("applicant_full_name", "Họ và tên (theo hộ chiếu)", max_length=150),
            f.text("proposed_vietnamese_name", "Tên gọi Việt Nam dự kiến", max_length=150),
            f.date("applicant_date_of_birth", "Ngày sinh"),
            f.select("applicant_sex", "Giới tính", f.SEX_CHOICES),
            f.text("current_nationality", "Quốc tịch hiện nay (ghi “không quốc tịch” nếu không có)", max_length=60),
            f.text("passport_number", "Số hộ chiếu / giấy tờ thay thế", max_length=20),
            f.text("permanent_residence_card", "Số thẻ thường trú", max_length=20),
            f.text("address", "Nơi thường trú tại Việt Nam", max_length=255),
            f.integer("years_resident", "Số năm thường trú tại Việt Nam", minimum=0, maximum=100),
            f.radio(
                "keep_foreign_nationality", "Đề nghị được giữ quốc tịch nước ngoài", [["khong", "Không"], ["co", "Có"]]
            ),
            f.phone("applicant_phone", "Số điện thoại liên hệ"),
            f.email("applicant_email", "Thư điện tử"),
        ],
        source_note=(
            "Mã 1.005136 và thời hạn 20 ngày cho phần việc cấp tỉnh: chưa đối chiếu. Lệ phí 3.000.000 đồng (Thông "
            "tư 281/2016/TT-BTC): đã đối chiếu."
        ),
    ),
    city(
        "1.005139",
        "Xác nhận có quốc tịch Việt Nam ở trong nước",
        QUOC_TICH,
        JUSTICE,
        online_level="full",
        deadline_days="5",
        fee="100000",
        fee_note="Lệ phí 100.000 đồng/trường hợp.",
        description=(
            "Người yêu cầu nộp tờ khai và giấy tờ làm căn cứ; Sở Tư pháp tra cứu, xác minh và cấp Giấy xác nhận có "
            "quốc tịch Việt Nam."
        ),
        legal_basis=(
            "Luật Quốc tịch Việt Nam năm 2008, sửa đổi, bổ sung; Nghị định số 16/2020/NĐ-CP; Thông tư số 281/2016/TT-"
            "BTC."
        ),
        result="Giấy xác nhận có quốc tịch Việt Nam.",
        applicants="Người có yêu cầu xác nhận đang cư trú ở trong nước.",
        documents=[
            doc("Tờ khai đề nghị xác nhận có quốc tịch Việt Nam"),
            doc(
                "Giấy tờ làm căn cứ xác định có quốc tịch Việt Nam (giấy khai sinh, hộ chiếu cũ…)", copies="01 bản sao"
            ),
            ID_CARD,
        ],
        process=steps(20, 60, 20, check="Tra cứu, xác minh"),
        form_schema=[
            *f.applicant(),
            f.date("applicant_date_of_birth", "Ngày sinh"),
            f.text("place_of_birth", "Nơi sinh", max_length=255),
            f.textarea("basis_documents", "Giấy tờ chứng minh có quốc tịch Việt Nam đang có", max_length=1000),
            f.text("purpose", "Mục đích xác nhận", max_length=255),
        ],
        source_note=(
            "Mã 1.005139, thời hạn 5 ngày: chưa đối chiếu. Lệ phí 100.000 đồng (Thông tư 281/2016/TT-BTC): đã đối "
            "chiếu."
        ),
    ),
    city(
        "2.000789",
        "Đăng ký hành nghề và cấp Thẻ công chứng viên",
        CONG_CHUNG,
        JUSTICE,
        online_level="partial",
        deadline_days="10",
        fee="100000",
        fee_note="Phí thẩm định 100.000 đồng/hồ sơ.",
        description=(
            "Tổ chức hành nghề công chứng đề nghị Sở Tư pháp đăng ký hành nghề và cấp Thẻ công chứng viên cho công "
            "chứng viên của tổ chức."
        ),
        legal_basis="Luật Công chứng năm 2024 và văn bản hướng dẫn thi hành.",
        result="Thẻ công chứng viên.",
        applicants="Tổ chức hành nghề công chứng.",
        documents=[
            doc("Văn bản đề nghị đăng ký hành nghề và cấp Thẻ công chứng viên"),
            doc("Quyết định bổ nhiệm công chứng viên", copies="01 bản sao"),
            doc(
                "Giấy tờ chứng minh công chứng viên là thành viên hợp danh hoặc nhân viên hợp đồng", copies="01 bản sao"
            ),
            doc("01 ảnh chân dung 2 cm x 3 cm", types=["jpeg", "png"], copies="01 ảnh"),
        ],
        process=steps(20, 60, 20),
        form_schema=[
            *f.company_representative(),
            f.text("notary_full_name", "Họ, chữ đệm, tên công chứng viên"),
            f.personal_id("notary_personal_id", "Số định danh cá nhân của công chứng viên"),
            f.text("appointment_decision", "Số, ngày quyết định bổ nhiệm công chứng viên", max_length=100),
        ],
        source_note="Mã 2.000789, thời hạn 10 ngày làm việc và phí 100.000 đồng: chưa đối chiếu.",
    ),
]

PROCEDURES: list[dict] = [
    *BIRTH,
    *MARRIAGE_AND_DEATH,
    *CERTIFICATION,
    *RESIDENCE,
    *HOUSEHOLD_BUSINESS,
    *CONSTRUCTION_AND_SOCIAL,
    *CITY_LEVEL,
    *JUSTICE_DEPARTMENT,
]
