"""The applicant's web pages for dossiers: online submission, drafts, my dossiers, one dossier and its actions,
downloads, public tracking and result verification."""

import hashlib
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from congso.accounts.tests.factories import BusinessFactory, CitizenFactory, StaffFactory
from congso.agencies.tests.factories import AgencyFactory
from congso.core import calendar
from congso.dossiers import services
from congso.dossiers.models import Dossier, DossierFile, DossierMessage, DossierRating
from congso.dossiers.selectors import TRACKING_FAILURES_MAX
from congso.dossiers.tests.factories import (
    DossierFactory,
    agency_staff,
    counter_dossier,
    draft_dossier,
    online_procedure,
    pdf_bytes,
    pdf_upload,
    png_upload,
    processing_dossier,
    released_dossier,
    returned_dossier,
    submitted_dossier,
    supplement_requested_dossier,
)
from congso.geo.tests.factories import CommuneFactory
from congso.notify.models import Notification

pytestmark = pytest.mark.django_db
State = Dossier.State


def apply_url(procedure) -> str:
    return reverse("procedures:apply", args=[procedure.code])


def detail_url(dossier) -> str:
    return reverse("dossiers:detail", args=[dossier.pk])


def html_of(response) -> str:
    return response.content.decode()


def apologise(dossier, *, reason: str) -> None:
    """The agency's leader sends an apology letter with a new date three working days later."""
    new_date = calendar.add_working_days(dossier.appointment_at, 3)
    services.dossier_apologise(
        actor=agency_staff(dossier.agency).leader, dossier=dossier, reason=reason, new_appointment_at=new_date
    )


@pytest.fixture
def citizen():
    return CitizenFactory(phone="0912345678", email="an@example.vn", address="12 Lê Lợi")


@pytest.fixture
def procedure():
    return online_procedure(fee=Decimal(8000), fee_online=Decimal(0))


@pytest.fixture
def logged_in(client, citizen):
    client.force_login(citizen)
    return client


def documents_of(procedure):
    mandatory = procedure.documents.get(is_mandatory=True)
    optional = procedure.documents.get(is_mandatory=False)
    return mandatory, optional


def check_post(procedure, **extra) -> dict:
    """What step 1 posts on "Kiểm tra thông tin"."""
    return {"full_name": "Nguyễn Văn An", "purpose": "Xin cấp", "hs-applicant_phone": "0912 345 678", **extra}


def submit_post(procedure, key="khoa-nop-ho-so-0000001", **extra) -> dict:
    """What step 2 posts on "Nộp hồ sơ" (values carried as hidden inputs, files attached)."""
    mandatory, _optional = documents_of(procedure)
    return {
        "full_name": "Nguyễn Văn An",
        "purpose": "Xin cấp",
        "hs-applicant_phone": "0912345678",
        "hs-applicant_email": "an@example.vn",
        "hs-applicant_address": "12 Lê Lợi",
        "hs-idempotency_key": key,
        f"doc_{mandatory.pk}": pdf_upload("Đơn đề nghị.pdf"),
        "_action": "submit",
        **extra,
    }


# --- online submission -----------------------------------------------------------------------------------


class TestApply:
    def test_first_page_shows_contact_prefilled_fee_key_and_autosave(self, logged_in, procedure, citizen):
        response = logged_in.get(apply_url(procedure))

        html = html_of(response)
        assert response.status_code == 200
        assert 'name="hs-applicant_phone"' in html and 'value="0912345678"' in html
        assert "Miễn phí khi nộp trực tuyến" in html
        key = re.search(r'name="hs-idempotency_key" value="([^"]+)"', html).group(1)
        assert len(key) >= 16
        assert reverse("dossiers:draft_autosave", args=[procedure.code]) in html
        assert 'value="draft"' in html and "Lưu nháp" in html
        assert "Đơn đề nghị" in html

    def test_several_agencies_default_to_the_users_ward(self, client):
        ward = CommuneFactory()
        mine, other = AgencyFactory(administrative_unit=ward, name="UBND phường Của Tôi"), AgencyFactory()
        procedure = online_procedure(agencies=[other, mine])
        client.force_login(CitizenFactory(ward=ward))

        html = html_of(client.get(apply_url(procedure)))

        assert 'name="hs-agency"' in html
        assert re.search(rf'<option value="{mine.pk}" selected>', html)

    def test_check_step_keeps_a_draft_and_asks_for_the_files(self, logged_in, procedure, citizen):
        response = logged_in.post(apply_url(procedure), check_post(procedure))

        html = html_of(response)
        mandatory, optional = documents_of(procedure)
        assert response.templates[0].name == "procedures/apply_check.html"
        assert 'enctype="multipart/form-data"' in html
        assert f'name="doc_{mandatory.pk}"' in html and 'accept=".pdf,application/pdf"' in html
        assert f'name="doc_{optional.pk}"' in html
        assert "(bắt buộc)" in html and "(không bắt buộc)" in html
        draft = Dossier.objects.get(applicant=citizen)
        assert draft.state == State.DRAFT and draft.form_data["full_name"] == "Nguyễn Văn An"
        assert f'name="hs-draft" value="{draft.pk}"' in html

    def test_submission_with_files_redirects_with_the_receipt_code(self, logged_in, procedure, citizen):
        mandatory, optional = documents_of(procedure)
        data = submit_post(procedure, **{f"doc_{optional.pk}": png_upload("ảnh.png")})

        response = logged_in.post(apply_url(procedure), data, follow=True)

        dossier = Dossier.objects.get(applicant=citizen)
        assert response.redirect_chain[-1][0] == detail_url(dossier)
        assert dossier.state == State.SUBMITTED and dossier.receipt_code
        assert f"Mã hồ sơ của bạn: {dossier.receipt_code}" in html_of(response)
        assert dossier.applicant_phone == "0912345678" and dossier.applicant_address == "12 Lê Lợi"
        assert dossier.fee_amount == 0
        kinds = sorted((f.document_id, f.content_type) for f in dossier.files.all())
        assert kinds == sorted([(mandatory.pk, "application/pdf"), (optional.pk, "image/png")])

    def test_the_checked_draft_becomes_the_dossier(self, logged_in, procedure, citizen):
        logged_in.post(apply_url(procedure), check_post(procedure))
        draft = Dossier.objects.get(applicant=citizen)

        logged_in.post(apply_url(procedure), submit_post(procedure, **{"hs-draft": str(draft.pk)}))

        assert Dossier.objects.filter(applicant=citizen).count() == 1
        draft.refresh_from_db()
        assert draft.state == State.SUBMITTED

    def test_double_post_returns_the_same_dossier(self, logged_in, procedure, citizen):
        first = logged_in.post(apply_url(procedure), submit_post(procedure))
        second = logged_in.post(apply_url(procedure), submit_post(procedure))
        retry_without_files = logged_in.post(
            apply_url(procedure), {k: v for k, v in submit_post(procedure).items() if not k.startswith("doc_")}
        )

        assert Dossier.objects.filter(applicant=citizen).count() == 1
        dossier = Dossier.objects.get(applicant=citizen)
        assert first["Location"] == second["Location"] == retry_without_files["Location"] == detail_url(dossier)

    def test_missing_mandatory_document_is_shown_on_the_form(self, logged_in, procedure):
        mandatory, _optional = documents_of(procedure)
        data = submit_post(procedure)
        del data[f"doc_{mandatory.pk}"]

        response = logged_in.post(apply_url(procedure), data)

        html = html_of(response)
        assert response.status_code == 200
        assert response.templates[0].name == "procedures/apply_check.html"
        assert 'class="error-summary"' in html
        assert "Thiếu giấy tờ bắt buộc: Đơn đề nghị." in html
        assert not Dossier.objects.exclude(state=State.DRAFT).exists()

    def test_wrong_file_type_is_refused_by_content(self, logged_in, procedure):
        mandatory, _optional = documents_of(procedure)
        fake = SimpleUploadedFile("don.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf")

        response = logged_in.post(apply_url(procedure), submit_post(procedure, **{f"doc_{mandatory.pk}": fake}))

        html = html_of(response)
        assert response.status_code == 200
        assert "không đúng định dạng cho phép" in html
        assert not Dossier.objects.exclude(state=State.DRAFT).exists()

    def test_png_where_only_pdf_is_accepted_is_refused(self, logged_in, procedure):
        mandatory, _optional = documents_of(procedure)

        response = logged_in.post(apply_url(procedure), submit_post(procedure, **{f"doc_{mandatory.pk}": png_upload()}))

        assert "không đúng định dạng cho phép (PDF)" in html_of(response)
        assert not Dossier.objects.exclude(state=State.DRAFT).exists()

    def test_invalid_form_values_on_submit_go_back_to_step_one(self, logged_in, procedure):
        response = logged_in.post(apply_url(procedure), submit_post(procedure, full_name=""))

        assert response.templates[0].name == "procedures/apply.html"
        assert "Vui lòng nhập “Họ và tên”." in html_of(response)

    def test_missing_phone_is_an_error(self, logged_in, procedure):
        response = logged_in.post(apply_url(procedure), check_post(procedure, **{"hs-applicant_phone": ""}))

        assert response.templates[0].name == "procedures/apply.html"
        assert "Vui lòng nhập số điện thoại" in html_of(response)

    def test_mangled_key_still_submits_once(self, logged_in, procedure, citizen):
        response = logged_in.post(apply_url(procedure), submit_post(procedure, key="x"))

        assert response.status_code == 302
        assert Dossier.objects.get(applicant=citizen).idempotency_key != "x"

    def test_business_account_may_apply(self, client, procedure):
        business = BusinessFactory()
        client.force_login(business)

        response = client.post(apply_url(procedure), submit_post(procedure))

        assert response.status_code == 302
        assert Dossier.objects.get(applicant=business).applicant_id_number == business.tax_code


# --- drafts ------------------------------------------------------------------------------------------------


class TestDrafts:
    def test_save_draft_button_without_javascript_then_resume(self, logged_in, procedure, citizen):
        response = logged_in.post(apply_url(procedure), {"full_name": "Trần Thị Bình", "_action": "draft"})

        draft = Dossier.objects.get(applicant=citizen, state=State.DRAFT)
        assert response["Location"] == f"{apply_url(procedure)}?draft={draft.pk}"
        resumed = logged_in.get(response["Location"])
        html = html_of(resumed)
        assert 'value="Trần Thị Bình"' in html
        assert f'name="hs-draft" value="{draft.pk}"' in html

    def test_autosave_creates_then_updates_one_draft(self, logged_in, procedure, citizen):
        url = reverse("dossiers:draft_autosave", args=[procedure.code])

        first = logged_in.post(url, {"full_name": "Lê Văn C"}, HTTP_HX_REQUEST="true")
        draft = Dossier.objects.get(applicant=citizen)
        second = logged_in.post(url, {"full_name": "Lê Văn Cường", "hs-draft": str(draft.pk)}, HTTP_HX_REQUEST="true")

        assert first.status_code == second.status_code == 200
        assert "Đã tự động lưu nháp" in html_of(first)
        assert f'id="draft-id" value="{draft.pk}" hx-swap-oob="true"' in html_of(first)
        draft.refresh_from_db()
        assert Dossier.objects.filter(applicant=citizen).count() == 1
        assert draft.form_data == {"full_name": "Lê Văn Cường"}

    def test_autosave_never_touches_someone_elses_draft(self, logged_in, procedure, citizen):
        other = draft_dossier(procedure=procedure)

        logged_in.post(
            reverse("dossiers:draft_autosave", args=[procedure.code]),
            {"full_name": "X", "hs-draft": str(other.pk)},
        )

        other.refresh_from_db()
        assert other.form_data["full_name"] == "Nguyễn Văn An"
        assert Dossier.objects.filter(applicant=citizen).count() == 1

    def test_autosave_refuses_staff(self, client, login_staff, procedure):
        login_staff(client, StaffFactory())

        response = client.post(reverse("dossiers:draft_autosave", args=[procedure.code]), {"full_name": "X"})

        assert response.status_code == 403
        assert not Dossier.objects.exists()

    def test_autosave_signed_out_does_nothing(self, client, procedure):
        response = client.post(reverse("dossiers:draft_autosave", args=[procedure.code]), {"full_name": "X"})

        assert response.status_code == 204
        assert not Dossier.objects.exists()

    def test_resuming_someone_elses_draft_is_404(self, logged_in, procedure):
        other = draft_dossier(procedure=procedure)

        assert logged_in.get(f"{apply_url(procedure)}?draft={other.pk}").status_code == 404

    def test_drafts_are_listed_and_offered(self, logged_in, procedure, citizen):
        draft = draft_dossier(applicant=citizen, procedure=procedure)

        mine = html_of(logged_in.get(reverse("dossiers:mine") + "?state=draft"))
        fresh = html_of(logged_in.get(apply_url(procedure)))

        assert f"{apply_url(procedure)}?draft={draft.pk}" in mine
        assert "Tiếp tục hồ sơ nháp" in fresh and f"?draft={draft.pk}" in fresh

    def test_submitted_draft_link_goes_to_the_dossier(self, logged_in, procedure, citizen):
        dossier = submitted_dossier(applicant=citizen, procedure=procedure)

        response = logged_in.get(f"{apply_url(procedure)}?draft={dossier.pk}")

        assert response["Location"] == detail_url(dossier)


# --- my dossiers ----------------------------------------------------------------------------------------


class TestMine:
    url = reverse("dossiers:mine")

    def test_requires_login(self, client):
        response = client.get(self.url)

        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))

    def test_staff_get_a_clear_message(self, client, login_staff):
        login_staff(client, StaffFactory())

        response = client.get(self.url)

        assert response.status_code == 403
        assert "Tài khoản cán bộ xem và xử lý hồ sơ tại Trang quản lý" in html_of(response)

    def test_empty_state(self, logged_in):
        html = html_of(logged_in.get(self.url))

        assert "Bạn chưa nộp hồ sơ nào." in html
        assert reverse("procedures:search") in html

    def test_lists_own_dossiers_with_status_and_deadline(self, logged_in, citizen):
        dossier = processing_dossier(applicant=citizen)
        other = submitted_dossier()

        html = html_of(logged_in.get(self.url))

        assert dossier.receipt_code in html and other.receipt_code not in html
        assert "Đang xử lý" in html
        assert "Trong hạn" in html or "Sắp đến hạn" in html
        assert 'aria-current="page">Tất cả' in html

    def test_tabs_filter(self, logged_in, citizen, procedure):
        open_one = submitted_dossier(applicant=citizen, procedure=procedure)
        closed = submitted_dossier(applicant=citizen, procedure=procedure)
        services.dossier_withdraw(actor=citizen, dossier=closed, reason="Nộp nhầm")
        draft = draft_dossier(applicant=citizen, procedure=procedure)

        def listed(state):
            return html_of(logged_in.get(self.url, {"state": state}))

        assert open_one.receipt_code in listed("open") and closed.receipt_code not in listed("open")
        assert closed.receipt_code in listed("closed") and open_one.receipt_code not in listed("closed")
        assert f"?draft={draft.pk}" in listed("draft") and open_one.receipt_code not in listed("draft")
        assert "Không có hồ sơ nào ở mục này." not in listed("garbage")

    def test_paginates(self, logged_in, citizen, procedure):
        for _ in range(21):
            submitted_dossier(applicant=citizen, procedure=procedure)

        html = html_of(logged_in.get(self.url, {"page": 2}))

        assert "Đang xem 21–21 trên tổng số 21" in html

    def test_query_count_does_not_grow(self, logged_in, citizen, procedure, django_assert_max_num_queries):
        for _ in range(3):
            processing_dossier(applicant=citizen, procedure=procedure)
        with django_assert_max_num_queries(12) as few:
            logged_in.get(self.url)
        for _ in range(5):
            processing_dossier(applicant=citizen, procedure=procedure)

        with django_assert_max_num_queries(len(few.captured_queries)):
            response = logged_in.get(self.url)

        assert response.status_code == 200


# --- one dossier ---------------------------------------------------------------------------------------


class TestDetail:
    def test_shows_status_dates_files_and_history(self, logged_in, citizen):
        dossier = processing_dossier(applicant=citizen)

        html = html_of(logged_in.get(detail_url(dossier)))

        assert dossier.receipt_code in html
        assert "Đang xử lý" in html and "Mã trạng thái trên Cổng dịch vụ công quốc gia: 4" in html
        assert dossier.agency.name in html
        document = dossier.files.get(kind=DossierFile.Kind.DOCUMENT)
        assert reverse("dossiers:file", args=[document.pk]) in html
        slip = dossier.files.get(kind=DossierFile.Kind.SLIP)
        assert reverse("dossiers:file", args=[slip.pk]) in html
        assert "Nộp hồ sơ" in html and "Tiếp nhận" in html
        assert "Nguyễn Văn An" in html  # the declared form value
        assert reverse("dossiers:withdraw", args=[dossier.pk]) in html

    def test_other_users_dossier_is_404(self, logged_in):
        dossier = submitted_dossier()

        assert logged_in.get(detail_url(dossier)).status_code == 404
        assert logged_in.post(reverse("dossiers:message", args=[dossier.pk]), {"body": "x"}).status_code == 404

    def test_huge_id_is_404(self, logged_in):
        assert logged_in.get(f"/ho-so/{2**70}/").status_code == 404
        assert logged_in.get(f"/ho-so/tep/{2**70}/").status_code == 404

    def test_supplement_request_shows_items_and_takes_files(self, logged_in, citizen):
        dossier = supplement_requested_dossier(applicant=citizen, items=["Bản sao sổ hộ khẩu"], note="Bản rõ nét")
        mandatory = dossier.procedure.documents.get(is_mandatory=True)

        page = html_of(logged_in.get(detail_url(dossier)))
        response = logged_in.post(
            reverse("dossiers:supplement", args=[dossier.pk]),
            {f"doc_{mandatory.pk}": pdf_upload("bo-sung.pdf"), "note": "Đã bổ sung"},
        )

        assert "Bản sao sổ hộ khẩu" in page and "Bản rõ nét" in page and "Gửi giấy tờ bổ sung" in page
        assert response["Location"] == detail_url(dossier)
        dossier.refresh_from_db()
        assert dossier.state == State.PROCESSING
        assert dossier.files.filter(kind=DossierFile.Kind.SUPPLEMENT).count() == 1

    def test_empty_supplement_shows_an_error(self, logged_in, citizen):
        dossier = supplement_requested_dossier(applicant=citizen)

        response = logged_in.post(reverse("dossiers:supplement", args=[dossier.pk]), {"note": ""})

        assert response.status_code == 200
        assert "Vui lòng đính kèm giấy tờ bổ sung hoặc ghi chú." in html_of(response)
        dossier.refresh_from_db()
        assert dossier.state == State.SUPPLEMENT_REQUESTED

    def test_supplement_when_not_asked_says_why(self, logged_in, citizen):
        dossier = submitted_dossier(applicant=citizen)

        response = logged_in.post(reverse("dossiers:supplement", args=[dossier.pk]), {"note": "x"}, follow=True)

        assert "Không thể “Bổ sung hồ sơ”" in html_of(response)

    def test_withdraw_with_confirmation_and_reason(self, logged_in, citizen):
        dossier = submitted_dossier(applicant=citizen)
        url = reverse("dossiers:withdraw", args=[dossier.pk])

        confirm = logged_in.get(url)
        no_reason = logged_in.post(url, {"reason": ""})
        done = logged_in.post(url, {"reason": "Nộp nhầm thủ tục"})

        assert "Xác nhận rút hồ sơ" in html_of(confirm)
        assert "Vui lòng nêu lý do rút hồ sơ." in html_of(no_reason)
        assert done["Location"] == detail_url(dossier)
        dossier.refresh_from_db()
        assert dossier.state == State.WITHDRAWN
        assert dossier.events.get(action="withdraw").reason == "Nộp nhầm thủ tục"
        assert logged_in.get(url)["Location"] == detail_url(dossier)

    def test_messages_thread(self, logged_in, citizen):
        dossier = submitted_dossier(applicant=citizen)
        services.dossier_message_post(actor=agency_staff(dossier.agency).desk, dossier=dossier, body="Chào ông/bà")

        empty = logged_in.post(reverse("dossiers:message", args=[dossier.pk]), {"body": "  "})
        sent = logged_in.post(reverse("dossiers:message", args=[dossier.pk]), {"body": "Cảm ơn cơ quan"})
        html = html_of(logged_in.get(detail_url(dossier)))

        assert "Vui lòng nhập nội dung." in html_of(empty)
        assert sent.status_code == 302
        assert "Chào ông/bà" in html and "Cảm ơn cơ quan" in html
        assert DossierMessage.objects.filter(dossier=dossier, from_agency=False).count() == 1

    def test_result_first_download_is_the_online_return(self, logged_in, citizen):
        dossier = released_dossier(applicant=citizen)
        url = reverse("dossiers:result", args=[dossier.pk])

        page = html_of(logged_in.get(detail_url(dossier)))
        get_first = logged_in.get(url)
        response = logged_in.post(url)

        assert "Nhận kết quả (tải tệp PDF)" in page
        assert get_first.status_code == 302  # a GET never counts as the return
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
        dossier.refresh_from_db()
        assert dossier.state == State.RETURNED and dossier.return_method == Dossier.ReturnMethod.ONLINE

    def test_result_with_unpaid_fee_says_so(self, logged_in, citizen):
        procedure = online_procedure(fee=Decimal(50000))
        dossier = released_dossier(applicant=citizen, procedure=procedure)

        response = logged_in.post(reverse("dossiers:result", args=[dossier.pk]), follow=True)

        assert "Vui lòng nộp phí, lệ phí" in html_of(response)
        dossier.refresh_from_db()
        assert dossier.state == State.RELEASED

    def test_result_of_a_partial_online_procedure_is_at_the_counter(self, logged_in, citizen):
        procedure = online_procedure(online_level="partial")
        dossier = released_dossier(applicant=citizen, procedure=procedure)

        page = html_of(logged_in.get(detail_url(dossier)))
        response = logged_in.post(reverse("dossiers:result", args=[dossier.pk]))

        assert "Mời ông/bà đến bộ phận một cửa" in page
        assert response.status_code == 302
        dossier.refresh_from_db()
        assert dossier.state == State.RELEASED

    def test_rating_once(self, logged_in, citizen):
        dossier = returned_dossier(applicant=citizen)
        url = reverse("dossiers:rate", args=[dossier.pk])

        invalid = logged_in.post(url, {"score": "9"})
        first = logged_in.post(url, {"score": "4", "comment": "Nhanh"})
        second = logged_in.post(url, {"score": "1"}, follow=True)

        assert "Vui lòng chọn mức từ 1 đến 5." in html_of(invalid)
        assert first.status_code == 302
        assert "Hồ sơ này đã được đánh giá." in html_of(second)
        rating = DossierRating.objects.get(dossier=dossier)
        assert (rating.score, rating.comment) == (4, "Nhanh")
        assert "Bạn đã đánh giá 4/5" in html_of(logged_in.get(detail_url(dossier)))

    def test_rating_before_return_is_refused(self, logged_in, citizen):
        dossier = processing_dossier(applicant=citizen)

        logged_in.post(reverse("dossiers:rate", args=[dossier.pk]), {"score": "5"})

        assert not DossierRating.objects.exists()

    def test_apology_letter_is_shown(self, logged_in, citizen):
        dossier = processing_dossier(applicant=citizen)
        apologise(dossier, reason="Chờ xác minh")

        html = html_of(logged_in.get(detail_url(dossier)))

        assert "Thư xin lỗi và hẹn lại ngày trả kết quả" in html and "Chờ xác minh" in html

    def test_draft_detail_goes_to_the_form(self, logged_in, citizen, procedure):
        draft = draft_dossier(applicant=citizen, procedure=procedure)

        assert logged_in.get(detail_url(draft))["Location"] == f"{apply_url(procedure)}?draft={draft.pk}"


# --- files ---------------------------------------------------------------------------------------------


class TestFiles:
    def test_download_streams_the_file_as_an_attachment(self, logged_in, citizen):
        dossier = submitted_dossier(applicant=citizen)
        stored = dossier.files.get()

        response = logged_in.get(reverse("dossiers:file", args=[stored.pk]))

        content = b"".join(response.streaming_content)
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert hashlib.sha256(content).hexdigest() == stored.sha256

    def test_vietnamese_file_name_is_kept_safely(self, logged_in, citizen, procedure):
        mandatory, _optional = documents_of(procedure)
        dossier = submitted_dossier(
            applicant=citizen,
            procedure=procedure,
            files={mandatory.pk: [SimpleUploadedFile('Đơn "đề nghị";.pdf', pdf_bytes())]},
        )

        response = logged_in.get(reverse("dossiers:file", args=[dossier.files.get().pk]))

        disposition = response["Content-Disposition"]
        assert "filename*=utf-8''" in disposition and '"' not in disposition.split("filename*=")[1]

    def test_other_users_file_is_404(self, logged_in):
        stored = submitted_dossier().files.get()

        assert logged_in.get(reverse("dossiers:file", args=[stored.pk])).status_code == 404

    def test_anonymous_goes_to_login(self, client):
        stored = submitted_dossier().files.get()

        assert client.get(reverse("dossiers:file", args=[stored.pk])).status_code == 302

    def test_staff_of_the_agency_may_download(self, client, login_staff):
        dossier = submitted_dossier()
        login_staff(client, agency_staff(dossier.agency).desk)

        response = client.get(reverse("dossiers:file", args=[dossier.files.get().pk]))

        assert response.status_code == 200

    def test_result_file_link_does_not_bypass_the_return(self, logged_in, citizen):
        dossier = released_dossier(applicant=citizen)
        result = dossier.files.get(kind=DossierFile.Kind.RESULT)

        response = logged_in.get(reverse("dossiers:file", args=[result.pk]))

        assert response.status_code == 404
        dossier.refresh_from_db()
        assert dossier.state == State.RELEASED

    def test_slip(self, logged_in, citizen):
        accepted = processing_dossier(applicant=citizen)
        waiting = submitted_dossier(applicant=citizen)

        response = logged_in.get(reverse("dossiers:slip", args=[accepted.pk]))

        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert logged_in.get(reverse("dossiers:slip", args=[waiting.pk])).status_code == 404


# --- public tracking and verification ------------------------------------------------------------------------


class TestTrack:
    url = reverse("dossiers:track")

    def test_form_prefilled_from_the_qr_link(self, client):
        html = html_of(client.get(self.url, {"code": "H29.01-260115-0001"}))

        assert 'value="H29.01-260115-0001"' in html
        assert "error-summary" not in html and "Không tìm thấy" not in html

    def test_right_digits_show_status_and_history_without_personal_data(self, client, citizen):
        dossier = processing_dossier(applicant=citizen)

        response = client.get(self.url, {"code": dossier.receipt_code.lower(), "last4": "5678"})

        html = html_of(response)
        assert response.status_code == 200
        assert "Đang xử lý" in html and dossier.procedure.name in html and dossier.agency.name in html
        assert "Tiếp nhận" in html
        assert citizen.full_name not in html and "0912345678" not in html
        assert " ".join(f"{word[0]}." for word in citizen.full_name.split() if word[0].isalpha()) in html
        assert response["Cache-Control"] == "private, no-store"

    def test_wrong_digits_and_unknown_code_answer_alike(self, client, citizen):
        dossier = submitted_dossier(applicant=citizen)

        wrong = html_of(client.get(self.url, {"code": dossier.receipt_code, "last4": "0000"}))
        unknown = html_of(client.get(self.url, {"code": "KHONG-CO", "last4": "5678"}))

        assert "Không tìm thấy hồ sơ phù hợp" in wrong and "Không tìm thấy hồ sơ phù hợp" in unknown
        assert dossier.procedure.name not in wrong

    def test_guesses_are_throttled(self, client, citizen):
        dossier = submitted_dossier(applicant=citizen)
        for _ in range(TRACKING_FAILURES_MAX):
            client.get(self.url, {"code": dossier.receipt_code, "last4": "0000"})

        html = html_of(client.get(self.url, {"code": dossier.receipt_code, "last4": "5678"}))

        assert "Không tìm thấy hồ sơ phù hợp" in html

    def test_bad_digits_are_a_form_error(self, client):
        html = html_of(client.get(self.url, {"code": "ABC", "last4": "12a"}))

        assert "Vui lòng nhập đúng 4 chữ số." in html

    def test_apology_new_date_is_shown(self, client, citizen):
        dossier = processing_dossier(applicant=citizen)
        apologise(dossier, reason="Chờ xác minh")

        html = html_of(client.get(self.url, {"code": dossier.receipt_code, "last4": "5678"}))

        assert "thư xin lỗi và hẹn lại ngày trả kết quả" in html
        assert "Chờ xác minh" not in html  # the reason is for the applicant's own page


class TestVerify:
    def test_issued_result_is_confirmed(self, client, citizen):
        dossier = released_dossier(applicant=citizen)
        result = dossier.files.get(kind=DossierFile.Kind.RESULT)

        response = client.get(reverse("dossiers:verify", args=[dossier.result_token]))

        html = html_of(response)
        assert response.status_code == 200
        assert "Kết quả đã được xác thực" in html
        assert result.sha256 in html and dossier.receipt_code in html and dossier.procedure.name in html
        assert citizen.full_name not in html
        assert citizen.full_name.split()[0] in html

    def test_unknown_token_is_404_with_a_clear_page(self, client):
        response = client.get(reverse("dossiers:verify", args=["khong-ton-tai"]))

        assert response.status_code == 404
        assert "Không xác thực được kết quả" in html_of(response)


# --- the factories other modules rely on ----------------------------------------------------------------------


def test_factories_build_valid_dossiers():
    counter = counter_dossier()
    dossier = DossierFactory()

    assert counter.channel == Dossier.Channel.COUNTER and counter.state == State.PROCESSING

    assert dossier.state == State.SUBMITTED and dossier.receipt_code
    assert dossier.files.filter(kind=DossierFile.Kind.DOCUMENT).count() == 1
    assert Notification.objects.filter(user=dossier.applicant).exists()


@pytest.mark.parametrize(
    "data",
    [
        {"_action": "submit", "hs-agency": "9" * 40, "hs-draft": "-1", "hs-idempotency_key": "\x01" * 300},
        {"_action": "submit", "hs-draft": "9" * 30, "hs-applicant_phone": "١٢٣٤٥٦٧٨٩٠", "full_name": "x" * 5000},
        {"_action": "draft", "hs-agency": "abc", "hs-draft": "0", "full_name": ["a", "b"]},
        {"_action": "edit", "hs-agency": "1e309"},
        {"_action": "check", "hs-applicant_email": "not-an-email", "hs-applicant_address": "x" * 300},
        {"_action": "whatever"},
    ],
)
def test_garbage_on_the_application_never_fails(client, data):
    ward = CommuneFactory()
    procedure = online_procedure(agencies=[AgencyFactory(administrative_unit=ward), AgencyFactory()])
    client.force_login(CitizenFactory())

    response = client.post(apply_url(procedure), data)
    autosave = client.post(reverse("dossiers:draft_autosave", args=[procedure.code]), data)

    assert response.status_code in (200, 302)
    assert autosave.status_code == 200
