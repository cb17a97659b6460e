"""The one-stop forms of a dossier as PDFs (Circular 01/2018/TT-VPCP): 01 slip, 02 supplement request,
03 refusal, 04 apology letter, and the result with its QR verification link.
"""

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from congso.core.pdf import render_official
from congso.dossiers.links import tracking_url, verify_url
from congso.dossiers.models import Dossier, DossierApology


def _at(value: datetime | None) -> str:
    return "" if value is None else timezone.localtime(value).strftime("%H giờ %M, ngày %d/%m/%Y")


def _place_date(value: datetime | None = None) -> str:
    local = timezone.localtime(value or timezone.now())
    return _("Thành phố Hồ Chí Minh, ngày {d:02d} tháng {m:02d} năm {y}").format(
        d=local.day, m=local.month, y=local.year
    )


def _fee(dossier: Dossier) -> str:
    if dossier.fee_amount <= 0:
        return _("Miễn phí")
    amount = f"{dossier.fee_amount:,.0f}".replace(",", ".")
    return _("{amount} đồng ({status})").format(amount=amount, status=dossier.get_payment_status_display())


def _head(dossier: Dossier) -> dict:
    agency = dossier.received_by
    return {
        "agency_name": agency.name,
        "parent_agency_name": agency.parent.name if agency.parent_id else "",
        "number_line": _("Mã hồ sơ: {code}").format(code=dossier.receipt_code),
    }


def _applicant_rows(dossier: Dossier) -> list[tuple[str, str]]:
    return [
        (_("Người nộp hồ sơ"), dossier.applicant_name),
        (_("Số định danh / mã số thuế"), dossier.applicant_id_number or "—"),
        (_("Số điện thoại"), dossier.applicant_phone),
        (_("Địa chỉ"), dossier.applicant_address or "—"),
        (_("Thủ tục"), f"{dossier.procedure.code} – {dossier.procedure.name}"),
    ]


def slip_pdf(dossier: Dossier) -> bytes:
    """Mẫu 01: giấy tiếp nhận hồ sơ và hẹn trả kết quả, with a QR code to the public tracking page."""
    documents = [f.original_name for f in dossier.files.filter(kind="document")]
    return render_official(
        title=_("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"),
        rows=[
            *_applicant_rows(dossier),
            (_("Hình thức nộp"), dossier.get_channel_display()),
            (_("Nộp lúc"), _at(dossier.submitted_at)),
            (_("Tiếp nhận lúc"), _at(dossier.accepted_at)),
            (_("Ngày hẹn trả kết quả"), _at(dossier.appointment_at)),
            (_("Phí, lệ phí"), _fee(dossier)),
            (_("Giấy tờ đã nộp"), "\n".join(documents) or _("Bản giấy tại quầy")),
        ],
        paragraphs=[
            _("Tra cứu tình trạng hồ sơ bằng mã hồ sơ và 4 số cuối điện thoại tại Cổng dịch vụ công hoặc quét mã QR.")
        ],
        qr_url=tracking_url(dossier),
        qr_caption=_("Tra cứu hồ sơ"),
        signer_title=_("NGƯỜI TIẾP NHẬN"),
        signer_name="",
        place_date=_place_date(dossier.accepted_at),
        **_head(dossier),
    )


def supplement_request_pdf(dossier: Dossier) -> bytes:
    """Mẫu 02: phiếu yêu cầu bổ sung, hoàn thiện hồ sơ."""
    request = dossier.supplement_request or {}
    items = request.get("items") or []
    return render_official(
        title=_("PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ"),
        rows=_applicant_rows(dossier),
        paragraphs=[
            _("Cơ quan đề nghị ông/bà bổ sung, hoàn thiện hồ sơ gồm những nội dung sau:"),
            *[f"{i}. {item}" for i, item in enumerate(items, start=1)],
            request.get("note") or "",
            _("Thời gian chờ bổ sung không tính vào thời hạn giải quyết hồ sơ."),
        ],
        qr_url=tracking_url(dossier),
        qr_caption=_("Tra cứu hồ sơ"),
        signer_title=_("NGƯỜI HƯỚNG DẪN"),
        place_date=_place_date(),
        **_head(dossier),
    )


def refusal_pdf(dossier: Dossier) -> bytes:
    """Mẫu 03: phiếu từ chối tiếp nhận giải quyết hồ sơ."""
    return render_official(
        title=_("PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ"),
        rows=_applicant_rows(dossier),
        paragraphs=[_("Hồ sơ không đủ điều kiện tiếp nhận vì lý do sau:"), dossier.refusal_reason],
        signer_title=_("NGƯỜI TIẾP NHẬN"),
        place_date=_place_date(),
        **_head(dossier),
    )


def apology_pdf(apology: DossierApology) -> bytes:
    """Mẫu 04: phiếu xin lỗi và hẹn lại ngày trả kết quả, signed by the agency head (Quyết định 5157/QĐ-UBND)."""
    dossier = apology.dossier
    return render_official(
        title=_("PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ"),
        rows=[
            *_applicant_rows(dossier),
            (_("Tình trạng hồ sơ"), dossier.get_state_display()),
            (_("Ngày hẹn trả cũ"), _at(apology.previous_appointment_at)),
            (_("Ngày hẹn trả mới"), _at(apology.new_appointment_at)),
        ],
        paragraphs=[
            _("Lý do chậm trễ: {reason}").format(reason=apology.reason),
            _(
                "Cơ quan chân thành xin lỗi ông/bà vì sự chậm trễ này và hẹn trả kết quả vào ngày mới nêu trên. "
                "Rất mong ông/bà thông cảm."
            ),
        ],
        qr_url=tracking_url(dossier),
        qr_caption=_("Tra cứu hồ sơ"),
        signer_title=_("THỦ TRƯỞNG CƠ QUAN"),
        signer_name=apology.issued_by.display_name if apology.issued_by else "",
        place_date=_place_date(apology.issued_at),
        agency_name=dossier.agency.name,
        parent_agency_name=dossier.agency.parent.name if dossier.agency.parent_id else "",
        number_line=_("Mã hồ sơ: {code}").format(code=dossier.receipt_code),
    )


def result_pdf(dossier: Dossier) -> bytes:
    """The result of the procedure, with a QR link anyone can open to check it was issued by the agency."""
    values = [(str(k), str(v)) for k, v in (dossier.form_data or {}).items() if v not in (None, "")]
    labels = {s.get("name"): s.get("label") for s in dossier.procedure.form_schema if isinstance(s, dict)}
    return render_official(
        title=dossier.procedure.result.upper() or _("KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"),
        rows=[
            *_applicant_rows(dossier),
            *[(labels.get(name) or name, value) for name, value in values],
            (_("Ngày cấp"), _at(dossier.result_issued_at)),
        ],
        paragraphs=[_("Kết quả điện tử có giá trị như bản giấy. Quét mã QR để xác thực.")],
        qr_url=verify_url(dossier),
        qr_caption=_("Xác thực kết quả"),
        signer_title=_("LÃNH ĐẠO CƠ QUAN"),
        place_date=_place_date(dossier.result_issued_at),
        agency_name=dossier.agency.name,
        parent_agency_name=dossier.agency.parent.name if dossier.agency.parent_id else "",
        number_line=_("Mã hồ sơ: {code}").format(code=dossier.receipt_code),
    )
