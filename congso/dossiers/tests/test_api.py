"""The dossier API (/api/v1/dossiers/): filing with an idempotency key, follow-up, public tracking, staff actions."""

import json
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from congso.accounts.services import api_token_create
from congso.accounts.tests.factories import CitizenFactory, StaffFactory
from congso.agencies.models import Membership
from congso.agencies.tests.factories import AgencyFactory, MembershipFactory
from congso.core import calendar
from congso.core.models import AuditEntry
from congso.dossiers import services
from congso.dossiers.models import Dossier, DossierFile, DossierRating
from congso.dossiers.tests.factories import (
    agency_staff,
    awaiting_approval_dossier,
    draft_dossier,
    form_values,
    online_procedure,
    pdf_bytes,
    pdf_upload,
    png_upload,
    processing_dossier,
    released_dossier,
    submitted_dossier,
    supplement_requested_dossier,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/dossiers/"
State = Dossier.State


def bearer(user) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_token_create(user=user, name='test')[1]}"}


def mandatory(procedure):
    return procedure.documents.get(is_mandatory=True)


def optional(procedure):
    return procedure.documents.get(is_mandatory=False)


def submission(for_procedure, /, **overrides):
    """A valid multipart body for the procedure: form values as JSON and the mandatory document."""
    body = {
        "procedure": for_procedure.code,
        "data": json.dumps(form_values(for_procedure)),
        f"doc_{mandatory(for_procedure).pk}": pdf_upload(),
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not None}


def post_submission(client, headers, for_procedure, /, key="khoa-nop-0001", **overrides):
    if key is not None:
        headers = {**headers, "Idempotency-Key": key}
    return client.post(URL, data=submission(for_procedure, **overrides), headers=headers)


def action(client, headers, dossier, name, body=None):
    return client.post(
        f"{URL}{dossier.pk}/actions/{name}", data=json.dumps(body or {}), content_type="application/json", **_h(headers)
    )


def _h(headers: dict[str, str]) -> dict[str, str]:
    return {"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()}


def error(response) -> dict:
    body = response.json()
    assert set(body) == {"error"}
    return body["error"]


@pytest.fixture
def procedure():
    return online_procedure()


@pytest.fixture
def citizen():
    return CitizenFactory(phone="0912345678")


@pytest.fixture
def as_citizen(citizen):
    return bearer(citizen)


@pytest.fixture
def people(procedure):
    return agency_staff(procedure.agencies.get())


# --- submission ------------------------------------------------------------------------------------


def test_submission_creates_the_dossier_with_its_file(client, procedure, citizen, as_citizen):
    response = post_submission(client, as_citizen, procedure, applicant_address="12 Lê Lợi, phường Bến Thành")

    assert response.status_code == 201, response.content
    body = response.json()
    dossier = Dossier.objects.get()
    assert body["id"] == dossier.pk
    assert body["receipt_code"] == dossier.receipt_code and dossier.receipt_code.startswith(
        procedure.agencies.get().code
    )
    assert (body["state"], body["national_code"], body["channel"]) == ("submitted", 1, "online")
    assert body["procedure"] == {"code": procedure.code, "name": procedure.name}
    assert dossier.applicant == citizen and dossier.idempotency_key == "khoa-nop-0001"
    assert dossier.applicant_address == "12 Lê Lợi, phường Bến Thành"
    assert dossier.form_data == {"full_name": "Nguyễn Văn An", "purpose": "Nội dung thử nghiệm"}
    assert list(dossier.files.values_list("kind", "document")) == [("document", mandatory(procedure).pk)]


def test_retry_with_the_same_key_answers_200_with_the_same_dossier(client, procedure, as_citizen):
    first = post_submission(client, as_citizen, procedure)
    again = post_submission(client, as_citizen, procedure)

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["receipt_code"] == first.json()["receipt_code"]
    assert Dossier.objects.count() == 1
    assert DossierFile.objects.count() == 1


def test_racing_retry_that_loses_the_insert_answers_200_with_the_winner(client, procedure, as_citizen, monkeypatch):
    """Two identical requests in flight: the second passes the existence check before the first commits."""
    first = post_submission(client, as_citizen, procedure)
    real_existing = services._existing
    calls = []

    def blind_once(created_by, key):
        calls.append(key)
        return None if len(calls) == 1 else real_existing(created_by, key)

    monkeypatch.setattr(services, "_existing", blind_once)
    again = post_submission(client, as_citizen, procedure)

    assert len(calls) == 2  # the unique constraint refused the second insert; the winner was looked up
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert Dossier.objects.count() == 1
    # The loser's copy of the file was removed again: storage holds the winner's file only.
    stored = [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]
    assert [str(path.relative_to(settings.MEDIA_ROOT)) for path in stored] == [DossierFile.objects.get().file.name]


def test_a_submission_is_a_handful_of_statements(client, procedure, as_citizen, django_assert_max_num_queries):
    """Once warm: token, procedure version, earlier submission or draft, receipt number, dossier id, then the
    dossier with its event, audit entry, file and notification in one statement (under a savepoint here, inside
    the test's transaction) on PostgreSQL; one statement a row on SQLite. Plus one: the test reads the
    procedure's documents to build the request."""
    post_submission(client, as_citizen, procedure, key="khoa-nop-0001")
    limit = 9 if connection.vendor == "postgresql" else 12
    with django_assert_max_num_queries(limit):
        response = post_submission(client, as_citizen, procedure, key="khoa-nop-0002")

    assert response.status_code == 201


def test_another_key_is_another_dossier(client, procedure, as_citizen):
    post_submission(client, as_citizen, procedure, key="khoa-nop-0001")
    response = post_submission(client, as_citizen, procedure, key="khoa-nop-0002")

    assert response.status_code == 201
    assert Dossier.objects.count() == 2


def test_missing_idempotency_key_is_a_400_and_nothing_is_saved(client, procedure, as_citizen):
    response = post_submission(client, as_citizen, procedure, key=None)

    assert response.status_code == 400
    assert error(response)["code"] == "idempotency_key_required"
    assert Dossier.objects.count() == 0


def test_too_short_idempotency_key_is_refused(client, procedure, as_citizen):
    response = post_submission(client, as_citizen, procedure, key="short")

    assert response.status_code == 422
    assert list(error(response)["fields"]) == ["idempotency_key"]
    assert Dossier.objects.count() == 0


@pytest.mark.parametrize("data", ["{not json", "[1, 2]", '"text"', "[" * 5000])
def test_form_data_that_is_not_a_json_object_is_a_422_on_data(client, procedure, as_citizen, data):
    response = post_submission(client, as_citizen, procedure, data=data)

    assert response.status_code == 422
    assert error(response)["code"] == "invalid_json"
    assert list(error(response)["fields"]) == ["data"]
    assert Dossier.objects.count() == 0


def test_form_errors_and_missing_documents_come_back_per_field(client, procedure, as_citizen):
    document = mandatory(procedure)
    response = post_submission(
        client, as_citizen, procedure, data=json.dumps({"purpose": "x"}), **{f"doc_{document.pk}": None}
    )

    assert response.status_code == 422
    fields = error(response)["fields"]
    assert set(fields) == {"full_name", f"doc_{document.pk}"}
    assert fields[f"doc_{document.pk}"] == [f"Thiếu giấy tờ bắt buộc: {document.name}."]
    assert Dossier.objects.count() == 0


def test_a_file_that_is_not_what_the_document_accepts_is_refused(client, procedure, as_citizen):
    document = mandatory(procedure)  # PDF only
    fake = SimpleUploadedFile("don.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = post_submission(client, as_citizen, procedure, **{f"doc_{document.pk}": fake})

    assert response.status_code == 422
    assert list(error(response)["fields"]) == [f"doc_{document.pk}"]
    assert "không đúng định dạng" in error(response)["fields"][f"doc_{document.pk}"][0]
    assert Dossier.objects.count() == 0


def test_a_png_where_only_pdf_is_accepted_is_refused(client, procedure, as_citizen):
    document = mandatory(procedure)
    response = post_submission(client, as_citizen, procedure, **{f"doc_{document.pk}": png_upload()})

    assert response.status_code == 422
    assert list(error(response)["fields"]) == [f"doc_{document.pk}"]


def test_an_oversize_file_is_refused(client, procedure, as_citizen, settings):
    settings.CONGSO_UPLOAD_MAX_FILE_MB = 1
    document = mandatory(procedure)
    big = SimpleUploadedFile("lon.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024) + b"\n%%EOF\n")
    response = post_submission(client, as_citizen, procedure, **{f"doc_{document.pk}": big})

    assert response.status_code == 422
    assert "vượt quá dung lượng" in error(response)["fields"][f"doc_{document.pk}"][0]
    assert Dossier.objects.count() == 0


def test_several_files_for_one_document_are_all_kept(client, procedure, as_citizen):
    other = optional(procedure)
    response = post_submission(
        client, as_citizen, procedure, **{f"doc_{other.pk}": [pdf_upload("a.pdf"), png_upload("b.png")]}
    )

    assert response.status_code == 201
    assert Dossier.objects.get().files.filter(document=other).count() == 2


@pytest.mark.parametrize("field", ["tep", "doc_abc", "doc_0", "doc_"])
def test_a_file_under_an_unknown_field_name_is_refused(client, procedure, as_citizen, field):
    response = post_submission(client, as_citizen, procedure, **{field: pdf_upload()})

    assert response.status_code == 422
    assert list(error(response)["fields"]) == [field]


def test_a_document_of_another_procedure_is_refused(client, procedure, as_citizen):
    stranger = mandatory(online_procedure())
    response = post_submission(client, as_citizen, procedure, **{f"doc_{stranger.pk}": pdf_upload()})

    assert response.status_code == 422
    assert f"doc_{stranger.pk}" in error(response)["fields"]


def test_unknown_procedure_and_agency_are_field_errors(client, procedure, as_citizen):
    unknown = post_submission(client, as_citizen, procedure, procedure="0.000000")
    wrong_agency = post_submission(client, as_citizen, procedure, agency="KHONG-CO")

    assert unknown.status_code == wrong_agency.status_code == 422
    assert list(error(unknown)["fields"]) == ["procedure"]
    assert list(error(wrong_agency)["fields"]) == ["agency"]


def test_a_procedure_with_several_agencies_needs_one_chosen(client, as_citizen):
    first, second = AgencyFactory(), AgencyFactory()
    procedure = online_procedure(agencies=[first, second])

    missing = post_submission(client, as_citizen, procedure, key="khoa-nop-0001")
    chosen = post_submission(client, as_citizen, procedure, key="khoa-nop-0002", agency=second.code)

    assert missing.status_code == 422 and list(error(missing)["fields"]) == ["agency"]
    assert chosen.status_code == 201 and chosen.json()["agency"]["code"] == second.code


def test_invalid_contact_email_is_refused(client, procedure, as_citizen):
    response = post_submission(client, as_citizen, procedure, applicant_email="khong-phai-email")

    assert response.status_code == 422
    assert error(response)["fields"] == {"applicant_email": ["Địa chỉ thư điện tử không hợp lệ."]}


def test_staff_cannot_submit_and_anonymous_must_sign_in(client, procedure):
    staff = post_submission(client, bearer(StaffFactory()), procedure)
    anonymous = post_submission(client, {}, procedure)

    assert (staff.status_code, error(staff)["code"]) == (403, "forbidden")
    assert (anonymous.status_code, error(anonymous)["code"]) == (401, "unauthenticated")
    assert Dossier.objects.count() == 0


def test_a_json_body_instead_of_multipart_is_a_422_not_a_500(client, procedure, as_citizen):
    response = client.post(
        URL,
        data=json.dumps({"procedure": procedure.code}),
        content_type="application/json",
        **_h({**as_citizen, "Idempotency-Key": "khoa-nop-0001"}),
    )

    assert response.status_code == 422
    assert "procedure" in error(response)["fields"]


def test_submission_stays_within_a_query_budget(client, procedure, as_citizen):
    with CaptureQueriesContext(connection) as first:
        assert post_submission(client, as_citizen, procedure).status_code == 201
    with CaptureQueriesContext(connection) as retry:
        assert post_submission(client, as_citizen, procedure).status_code == 200

    assert len(first) <= 40, [q["sql"] for q in first.captured_queries]
    assert len(retry) <= 10, [q["sql"] for q in retry.captured_queries]


# --- drafts ----------------------------------------------------------------------------------------


def test_draft_is_saved_updated_then_submitted(client, procedure, as_citizen):
    created = client.post(
        f"{URL}drafts",
        data=json.dumps({"procedure": procedure.code, "data": {"full_name": "Nguyễn Văn An", "unknown": "x"}}),
        content_type="application/json",
        **_h(as_citizen),
    )
    assert created.status_code == 201, created.content
    draft_id = created.json()["id"]
    assert (created.json()["state"], created.json()["receipt_code"]) == ("draft", None)
    assert created.json()["form_data"] == {"full_name": "Nguyễn Văn An"}

    updated = client.put(
        f"{URL}drafts/{draft_id}",
        data=json.dumps({"data": {"full_name": "Trần Thị Bình", "purpose": "Xin cấp"}}),
        content_type="application/json",
        **_h(as_citizen),
    )
    assert updated.status_code == 200
    assert updated.json()["form_data"] == {"full_name": "Trần Thị Bình", "purpose": "Xin cấp"}

    headers = {**as_citizen, "Idempotency-Key": "khoa-nhap-0001"}
    files = {f"doc_{mandatory(procedure).pk}": pdf_upload()}
    submitted = client.post(f"{URL}drafts/{draft_id}/submit", data=files, headers=headers)
    again = client.post(f"{URL}drafts/{draft_id}/submit", data=files, headers=headers)

    assert submitted.status_code == 201, submitted.content
    assert submitted.json()["id"] == draft_id and submitted.json()["state"] == "submitted"
    assert again.status_code == 200 and again.json()["id"] == draft_id
    dossier = Dossier.objects.get()
    assert dossier.form_data["full_name"] == "Trần Thị Bình" and dossier.receipt_code


def test_draft_submit_needs_its_key_and_its_files(client, procedure, citizen, as_citizen):
    draft = draft_dossier(applicant=citizen, procedure=procedure)

    no_key = client.post(f"{URL}drafts/{draft.pk}/submit", data={}, headers=as_citizen)
    no_files = client.post(
        f"{URL}drafts/{draft.pk}/submit", data={}, headers={**as_citizen, "Idempotency-Key": "k" * 8}
    )

    assert no_key.status_code == 400
    assert no_files.status_code == 422 and f"doc_{mandatory(procedure).pk}" in error(no_files)["fields"]
    assert Dossier.objects.get().state == State.DRAFT


def test_someone_elses_draft_and_a_submitted_dossier_are_not_drafts(client, procedure, citizen, as_citizen):
    others = draft_dossier(procedure=procedure)
    mine = submitted_dossier(applicant=citizen, procedure=procedure)

    for dossier in (others, mine):
        response = client.put(
            f"{URL}drafts/{dossier.pk}",
            data=json.dumps({"data": {}}),
            content_type="application/json",
            **_h(as_citizen),
        )
        assert response.status_code == 404
        assert error(response)["code"] == "not_found"


def test_draft_for_an_unknown_procedure_is_a_field_error(client, as_citizen):
    response = client.post(
        f"{URL}drafts", data=json.dumps({"procedure": "0.0"}), content_type="application/json", **_h(as_citizen)
    )

    assert response.status_code == 422
    assert list(error(response)["fields"]) == ["procedure"]


# --- my dossiers and one dossier ---------------------------------------------------------------------


def test_my_dossiers_are_paginated_and_filtered(client, procedure, citizen, as_citizen):
    open_ones = [submitted_dossier(applicant=citizen, procedure=procedure) for _ in range(3)]
    draft = draft_dossier(applicant=citizen, procedure=procedure)  # after: a submission takes up an open draft
    submitted_dossier(procedure=procedure)  # someone else's

    with CaptureQueriesContext(connection) as queries:
        everything = client.get(f"{URL}mine?page_size=2", **_h(as_citizen))
    drafts = client.get(f"{URL}mine?state=draft", **_h(as_citizen))
    open_page_2 = client.get(f"{URL}mine?state=open&page=2&page_size=2", **_h(as_citizen))
    closed = client.get(f"{URL}mine?state=closed", **_h(as_citizen))

    assert everything.status_code == 200
    assert everything.json()["count"] == 4 and len(everything.json()["items"]) == 2
    assert len(queries) <= 6
    assert [item["id"] for item in drafts.json()["items"]] == [draft.pk]
    assert open_page_2.json()["count"] == 3 and len(open_page_2.json()["items"]) == 1
    assert open_page_2.json()["items"][0]["id"] in {d.pk for d in open_ones}
    assert closed.json()["count"] == 0
    assert client.get(f"{URL}mine?state=nonsense", **_h(as_citizen)).status_code == 422


def test_the_applicant_sees_the_whole_dossier(client, procedure, citizen, as_citizen):
    dossier = processing_dossier(applicant=citizen, procedure=procedure)

    response = client.get(f"{URL}{dossier.pk}", **_h(as_citizen))

    assert response.status_code == 200
    body = response.json()
    assert (body["state"], body["national_code"], body["sla"]) == ("processing", 4, "on_time")
    assert [event["action"] for event in body["events"]] == ["submit", "accept"]
    assert body["events"][1]["state_label"] == "Đang xử lý"
    assert {f["kind"] for f in body["files"]} == {"document", "slip"}
    assert [step["order"] for step in body["steps"]] == [1, 2, 3]
    assert [step["is_current"] for step in body["steps"]] == [False, True, False]
    assert body["fee"]["status"] == "not_required"
    assert body["assignee"] is None
    assert [a["name"] for a in body["actions"]] == ["withdraw"]
    assert body["result_url"] is None and body["rating"] is None
    assert body["applicant"]["phone"] == "0912345678"

    download = client.get(body["files"][0]["url"], **_h(as_citizen))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_a_dossier_of_someone_else_is_not_found(client, procedure, as_citizen):
    dossier = submitted_dossier(procedure=procedure)
    file_id = dossier.files.first().pk

    assert client.get(f"{URL}{dossier.pk}", **_h(as_citizen)).status_code == 404
    assert client.get(f"{URL}files/{file_id}", **_h(as_citizen)).status_code == 404
    assert client.get(f"{URL}{dossier.pk}/messages", **_h(as_citizen)).status_code == 404


def test_staff_read_of_a_visible_dossier_is_audited_and_another_agency_gets_404(client, procedure, people):
    dossier = submitted_dossier(procedure=procedure)
    outsider = MembershipFactory(agency=AgencyFactory(), role=Membership.Role.DESK_OFFICER).user

    seen = client.get(f"{URL}{dossier.pk}", **_h(bearer(people.desk)))
    hidden = client.get(f"{URL}{dossier.pk}", **_h(bearer(outsider)))

    assert seen.status_code == 200
    assert {a["name"] for a in seen.json()["actions"]} >= {"accept", "refuse", "request_supplement"}
    assert AuditEntry.objects.filter(action="dossiers.view", object_id=str(dossier.pk), actor=people.desk).exists()
    assert hidden.status_code == 404


@pytest.mark.parametrize("dossier_id", ["0", "-1", "9" * 30, "abc"])
def test_bad_ids_are_client_errors(client, as_citizen, dossier_id):
    response = client.get(f"{URL}{dossier_id}", **_h(as_citizen))

    assert 400 <= response.status_code < 500


# --- applicant actions -----------------------------------------------------------------------------


def test_supplement_with_files_resumes_processing(client, procedure, citizen, as_citizen):
    dossier = supplement_requested_dossier(applicant=citizen, procedure=procedure)
    files = {f"doc_{optional(procedure).pk}": png_upload(), "note": "Đã bổ sung bản sao"}

    response = client.post(f"{URL}{dossier.pk}/supplement", data=files, headers=as_citizen)

    assert response.status_code == 200, response.content
    assert response.json()["state"] == "processing"
    assert response.json()["events"][-1]["reason"] == "Đã bổ sung bản sao"
    assert Dossier.objects.get().files.filter(kind=DossierFile.Kind.SUPPLEMENT).count() == 1


def test_supplement_needs_something_and_only_when_asked(client, procedure, citizen, as_citizen):
    asked = supplement_requested_dossier(applicant=citizen, procedure=procedure)
    not_asked = submitted_dossier(applicant=citizen, procedure=procedure)

    empty = client.post(f"{URL}{asked.pk}/supplement", data={}, headers=as_citizen)
    wrong_state = client.post(f"{URL}{not_asked.pk}/supplement", data={"note": "x"}, headers=as_citizen)

    assert empty.status_code == 422 and list(error(empty)["fields"]) == ["files"]
    assert wrong_state.status_code == 422 and error(wrong_state)["code"] == "invalid_transition"


def test_withdraw_ends_the_dossier(client, procedure, citizen, as_citizen):
    dossier = processing_dossier(applicant=citizen, procedure=procedure)

    response = client.post(
        f"{URL}{dossier.pk}/withdraw",
        data=json.dumps({"reason": "Nộp nhầm"}),
        content_type="application/json",
        **_h(as_citizen),
    )
    again = client.post(f"{URL}{dossier.pk}/withdraw", data="{}", content_type="application/json", **_h(as_citizen))

    assert response.status_code == 200
    assert (response.json()["state"], response.json()["national_code"]) == ("withdrawn", 7)
    assert again.status_code == 422 and error(again)["code"] == "invalid_transition"


def test_result_download_is_the_online_return_then_rating_once(client, procedure, citizen, as_citizen):
    dossier = released_dossier(applicant=citizen, procedure=procedure)

    detail = client.get(f"{URL}{dossier.pk}", **_h(as_citizen)).json()
    assert detail["state"] == "released" and detail["result_url"] == f"{URL}{dossier.pk}/result"
    assert detail["verification_url"].endswith(f"/xac-thuc/{dossier.result_token}/")
    download = client.get(detail["result_url"], **_h(as_citizen))

    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    dossier.refresh_from_db()
    assert (dossier.state, dossier.return_method) == (State.RETURNED, "online")

    rated = client.post(
        f"{URL}{dossier.pk}/rate",
        data=json.dumps({"score": 5, "comment": "Nhanh"}),
        content_type="application/json",
        **_h(as_citizen),
    )
    twice = client.post(
        f"{URL}{dossier.pk}/rate", data=json.dumps({"score": 4}), content_type="application/json", **_h(as_citizen)
    )
    assert rated.status_code == 201 and rated.json()["score"] == 5
    assert twice.status_code == 422 and error(twice)["code"] == "already_rated"
    assert DossierRating.objects.get().comment == "Nhanh"
    assert client.get(f"{URL}{dossier.pk}", **_h(as_citizen)).json()["rating"]["score"] == 5


@pytest.mark.parametrize("score", [0, 6, -1])
def test_rating_out_of_range_is_a_field_error(client, procedure, citizen, as_citizen, score):
    dossier = released_dossier(applicant=citizen, procedure=procedure)
    services.result_file(actor=citizen, dossier=dossier)

    response = client.post(
        f"{URL}{dossier.pk}/rate", data=json.dumps({"score": score}), content_type="application/json", **_h(as_citizen)
    )

    assert response.status_code == 422 and list(error(response)["fields"]) == ["score"]


def test_no_result_yet_is_a_422(client, procedure, citizen, as_citizen):
    dossier = processing_dossier(applicant=citizen, procedure=procedure)

    response = client.get(f"{URL}{dossier.pk}/result", **_h(as_citizen))

    assert response.status_code == 422 and error(response)["code"] == "no_result"


def test_messages_between_applicant_and_agency(client, procedure, citizen, as_citizen, people):
    dossier = submitted_dossier(applicant=citizen, procedure=procedure)

    mine = client.post(
        f"{URL}{dossier.pk}/messages",
        data=json.dumps({"body": "Khi nào có kết quả?"}),
        content_type="application/json",
        **_h(as_citizen),
    )
    reply = client.post(
        f"{URL}{dossier.pk}/messages",
        data=json.dumps({"body": "Trong 3 ngày làm việc."}),
        content_type="application/json",
        **_h(bearer(people.desk)),
    )
    empty = client.post(
        f"{URL}{dossier.pk}/messages",
        data=json.dumps({"body": "  "}),
        content_type="application/json",
        **_h(as_citizen),
    )
    listed = client.get(f"{URL}{dossier.pk}/messages", **_h(as_citizen))

    assert (mine.status_code, reply.status_code) == (201, 201)
    assert empty.status_code == 422 and list(error(empty)["fields"]) == ["body"]
    assert [(m["from_agency"], m["body"]) for m in listed.json()] == [
        (False, "Khi nào có kết quả?"),
        (True, "Trong 3 ngày làm việc."),
    ]


# --- public tracking and verification -------------------------------------------------------------------


def test_tracking_with_the_right_phone_digits_shows_status_without_personal_data(client, procedure, citizen):
    dossier = processing_dossier(applicant=citizen, procedure=procedure)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"{URL}tracking/{dossier.receipt_code}?phone_last4=5678")

    assert response.status_code == 200
    body = response.json()
    assert (body["receipt_code"], body["state"], body["national_code"]) == (dossier.receipt_code, "processing", 4)
    assert [step["action"] for step in body["history"]] == ["submit", "accept"]
    text = response.content.decode()
    assert citizen.full_name not in text and "0912345678" not in text and "actor" not in text
    assert len(queries) <= 3


def test_tracking_answer_is_cached_until_the_dossier_moves(
    client, procedure, citizen, django_capture_on_commit_callbacks
):
    dossier = submitted_dossier(applicant=citizen, procedure=procedure)
    url = f"{URL}tracking/{dossier.receipt_code}?phone_last4=5678"
    first = client.get(url)

    with CaptureQueriesContext(connection) as queries:
        again = client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        services.dossier_accept(actor=agency_staff(dossier.agency).desk, dossier=dossier)
    moved = client.get(url)

    assert again.content == first.content and len(queries) == 0
    assert (first.json()["state"], moved.json()["state"]) == ("submitted", "processing")
    assert client.get(f"{URL}tracking/{dossier.receipt_code}?phone_last4=0000").status_code == 404


@pytest.mark.parametrize("query", ["?phone_last4=0000", "?phone_last4=56789", "?phone_last4=abcd", ""])
def test_tracking_mismatch_is_a_structured_404_or_422(client, procedure, citizen, query):
    dossier = submitted_dossier(applicant=citizen, procedure=procedure)

    response = client.get(f"{URL}tracking/{dossier.receipt_code}{query}")

    assert response.status_code in (404, 422)
    assert error(response)["code"] in ("not_found", "invalid")


@pytest.mark.parametrize("code", ["H29.01-260101-0001", "%C3%9C%14", "a%20b"])
def test_tracking_an_unknown_code_is_404(client, db, code):
    response = client.get(f"{URL}tracking/{code}?phone_last4=1234")

    assert response.status_code == 404 and error(response)["code"] == "not_found"


def test_result_verification_by_token(client, procedure):
    dossier = released_dossier(procedure=procedure)

    found = client.get(f"{URL}verify/{dossier.result_token}")
    missing = client.get(f"{URL}verify/khong-co-ma-nay")

    assert found.status_code == 200
    assert found.json()["receipt_code"] == dossier.receipt_code
    assert found.json()["result_sha256"] == dossier.files.get(kind="result").sha256
    assert missing.status_code == 404


# --- staff: queue and intake --------------------------------------------------------------------------------


def test_queue_lists_the_agencys_dossiers_with_their_sla(client, procedure, people):
    waiting = [submitted_dossier(procedure=procedure) for _ in range(3)]
    accepted = processing_dossier(procedure=procedure)
    elsewhere = submitted_dossier()
    headers = _h(bearer(people.desk))

    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"{URL}queue", **headers)
    reception = client.get(f"{URL}queue?state=reception", **headers)
    processing = client.get(f"{URL}queue?state=processing&sla=on_time&channel=online", **headers)
    by_procedure = client.get(f"{URL}queue?procedure={procedure.code}&agency={people.agency.code}", **headers)
    search = client.get(f"{URL}queue?q={waiting[0].receipt_code}", **headers)

    assert response.status_code == 200
    ids = {item["id"] for item in response.json()["items"]}
    assert ids == {d.pk for d in [*waiting, accepted]} and elsewhere.pk not in ids
    assert len(queries) <= 8
    assert reception.json()["count"] == 3 and {i["sla"] for i in reception.json()["items"]} == {None}
    assert [(i["id"], i["sla"]) for i in processing.json()["items"]] == [(accepted.pk, "on_time")]
    assert by_procedure.json()["count"] == 4
    assert [i["id"] for i in search.json()["items"]] == [waiting[0].pk]


def test_queue_is_for_staff_and_checks_its_filters(client, procedure, people, as_citizen):
    headers = _h(bearer(people.desk))

    assert client.get(f"{URL}queue", **_h(as_citizen)).status_code == 403
    assert list(error(client.get(f"{URL}queue?agency=KHONG", **headers))["fields"]) == ["agency"]
    assert list(error(client.get(f"{URL}queue?procedure=0.0", **headers))["fields"]) == ["procedure"]
    assert client.get(f"{URL}queue?state=bogus", **headers).status_code == 422


def test_counter_intake_is_accepted_at_once_and_idempotent(client, procedure, people):
    headers = {**bearer(people.desk), "Idempotency-Key": "quay-0001-abc"}
    body = {
        "procedure": procedure.code,
        "data": json.dumps(form_values(procedure)),
        "applicant_name": "Lê Văn Cường",
        "applicant_phone": "0987654321",
    }

    first = client.post(f"{URL}intake", data=body, headers=headers)
    again = client.post(f"{URL}intake", data=body, headers=headers)

    assert first.status_code == 201, first.content
    assert (first.json()["state"], first.json()["channel"]) == ("processing", "counter")
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    dossier = Dossier.objects.get()
    assert dossier.applicant is None and dossier.created_by == people.desk and dossier.applicant_name == "Lê Văn Cường"


def test_intake_needs_a_desk_officer_a_key_and_a_phone(client, procedure, people, as_citizen):
    body = {"procedure": procedure.code, "data": json.dumps(form_values(procedure)), "applicant_name": "A"}

    no_key = client.post(f"{URL}intake", data=body, headers=bearer(people.desk))
    citizen = client.post(f"{URL}intake", data=body, headers={**as_citizen, "Idempotency-Key": "k" * 10})
    specialist = client.post(
        f"{URL}intake", data=body, headers={**bearer(people.specialist), "Idempotency-Key": "k" * 10}
    )
    no_phone = client.post(f"{URL}intake", data=body, headers={**bearer(people.desk), "Idempotency-Key": "k" * 10})

    assert no_key.status_code == 400
    assert citizen.status_code == 403
    assert specialist.status_code == 403
    assert no_phone.status_code == 422 and list(error(no_phone)["fields"]) == ["applicant_phone"]
    assert Dossier.objects.count() == 0


# --- staff: workflow actions -------------------------------------------------------------------------------


def test_full_processing_through_the_actions(client, procedure, people):
    dossier = submitted_dossier(procedure=procedure)

    accepted = action(client, bearer(people.desk), dossier, "accept", {"assignee": people.specialist.username})
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["state"] == "processing"
    assert accepted.json()["assignee"]["username"] == people.specialist.username
    assert "slip" in {f["kind"] for f in accepted.json()["files"]}

    done = action(client, bearer(people.specialist), dossier, "complete_step", {"note": "Đã thẩm định"})
    assert done.json()["state"] == "awaiting_approval"

    sent_back = action(client, bearer(people.leader), dossier, "send_back", {"reason": "Thiếu ý kiến"})
    assert sent_back.json()["state"] == "processing"
    action(client, bearer(people.specialist), dossier, "complete_step")

    approved = action(client, bearer(people.leader), dossier, "approve", {"note": "Đồng ý"})
    assert approved.status_code == 200
    assert (approved.json()["state"], approved.json()["national_code"]) == ("released", 9)

    returned = action(client, bearer(people.desk), dossier, "return_result", {"method": "counter"})
    assert (returned.json()["state"], returned.json()["national_code"]) == ("returned", 10)
    actions = [e["action"] for e in returned.json()["events"]]
    assert actions == ["submit", "accept", "complete_step", "send_back", "complete_step", "approve", "return_result"]


def test_internal_notes_are_hidden_from_the_applicant(client, procedure, citizen, as_citizen, people):
    dossier = awaiting_approval_dossier(applicant=citizen, procedure=procedure)
    action(client, bearer(people.leader), dossier, "send_back", {"reason": "Ghi chú nội bộ"})

    applicant_view = client.get(f"{URL}{dossier.pk}", **_h(as_citizen)).json()
    staff_view = client.get(f"{URL}{dossier.pk}", **_h(bearer(people.leader))).json()

    assert applicant_view["events"][-1]["reason"] == ""
    assert staff_view["events"][-1]["reason"] == "Ghi chú nội bộ"


def test_an_action_the_state_does_not_allow_is_invalid_and_changes_nothing(client, procedure, people):
    dossier = submitted_dossier(procedure=procedure)

    response = action(client, bearer(people.leader), dossier, "approve")

    assert response.status_code == 422
    assert error(response)["code"] == "invalid_transition"
    dossier.refresh_from_db()
    assert dossier.state == State.SUBMITTED and dossier.events.count() == 1


def test_wrong_role_on_a_visible_dossier_is_403_and_changes_nothing(client, procedure, people):
    dossier = submitted_dossier(procedure=procedure)

    response = action(client, bearer(people.specialist), dossier, "accept")

    assert response.status_code == 403 and error(response)["code"] == "forbidden"
    dossier.refresh_from_db()
    assert dossier.state == State.SUBMITTED and dossier.events.count() == 1


def test_the_applicant_cannot_act_as_staff(client, procedure, citizen, as_citizen):
    dossier = submitted_dossier(applicant=citizen, procedure=procedure)

    response = action(client, as_citizen, dossier, "accept")

    assert response.status_code == 403


def test_staff_of_another_agency_get_404(client, procedure):
    dossier = submitted_dossier(procedure=procedure)
    outsider = MembershipFactory(agency=AgencyFactory(), role=Membership.Role.DESK_OFFICER).user

    response = action(client, bearer(outsider), dossier, "accept")

    assert response.status_code == 404 and error(response)["code"] == "not_found"


def test_refusal_needs_a_reason(client, procedure, people):
    dossier = submitted_dossier(procedure=procedure)

    blank = action(client, bearer(people.desk), dossier, "refuse", {"reason": " "})
    refused = action(client, bearer(people.desk), dossier, "refuse", {"reason": "Sai thẩm quyền"})

    assert blank.status_code == 422 and list(error(blank)["fields"]) == ["reason"]
    assert refused.status_code == 200
    assert (refused.json()["state"], refused.json()["refusal_reason"]) == ("refused", "Sai thẩm quyền")


def test_request_supplement_pauses_the_clock(client, procedure, people):
    dossier = processing_dossier(procedure=procedure)

    empty = action(client, bearer(people.desk), dossier, "request_supplement", {"items": []})
    asked = action(
        client, bearer(people.desk), dossier, "request_supplement", {"items": ["Bản sao CCCD"], "note": "Gấp"}
    )

    assert empty.status_code == 422 and list(error(empty)["fields"]) == ["items"]
    assert asked.status_code == 200
    assert (asked.json()["state"], asked.json()["sla"]) == ("supplement_requested", "paused")
    assert asked.json()["supplement_request"] == {"items": ["Bản sao CCCD"], "note": "Gấp"}


def test_unknown_fields_and_unknown_people_are_refused(client, procedure, people):
    dossier = processing_dossier(procedure=procedure)

    extra = action(client, bearer(people.desk), dossier, "assign", {"assignee": "x", "typo": 1})
    nobody = action(client, bearer(people.desk), dossier, "assign", {"assignee": "khong-co-ai"})
    not_specialist = action(client, bearer(people.desk), dossier, "assign", {"assignee": people.leader.username})

    assert extra.status_code == 422 and "typo" in error(extra)["fields"]
    assert nobody.status_code == 422 and list(error(nobody)["fields"]) == ["assignee"]
    assert not_specialist.status_code == 422 and list(error(not_specialist)["fields"]) == ["assignee"]


def test_transfer_then_the_competent_agency_receives_it(client, procedure, people):
    dossier = processing_dossier(procedure=procedure)
    target = AgencyFactory()
    target_staff = agency_staff(target)

    same = action(client, bearer(people.desk), dossier, "transfer", {"to_agency": people.agency.code, "reason": "x"})
    unknown = action(client, bearer(people.desk), dossier, "transfer", {"to_agency": "KHONG", "reason": "x"})
    moved = action(client, bearer(people.desk), dossier, "transfer", {"to_agency": target.code, "reason": "Thẩm quyền"})
    received = action(client, bearer(target_staff.desk), dossier, "receive_transfer", {})

    assert same.status_code == 422 and list(error(same)["fields"]) == ["to_agency"]
    assert unknown.status_code == 422 and list(error(unknown)["fields"]) == ["to_agency"]
    assert moved.status_code == 200
    assert (moved.json()["state"], moved.json()["national_code"]) == ("transferred", 0)
    assert moved.json()["agency"]["code"] == target.code and moved.json()["received_by"]["code"] == people.agency.code
    assert received.status_code == 200 and received.json()["state"] == "processing"


def test_apology_with_a_new_appointment(client, procedure, citizen, as_citizen, people):
    dossier = processing_dossier(applicant=citizen, procedure=procedure)
    later = calendar.add_working_days(dossier.appointment_at, Decimal(2))
    naive = timezone.localtime(later).replace(tzinfo=None)

    past = action(
        client,
        bearer(people.leader),
        dossier,
        "apologise",
        {"reason": "Chờ xác minh", "new_appointment_at": "2020-01-06T09:00:00"},
    )
    response = action(
        client,
        bearer(people.leader),
        dossier,
        "apologise",
        {"reason": "Chờ xác minh", "new_appointment_at": naive.isoformat()},
    )

    assert past.status_code == 422 and list(error(past)["fields"]) == ["new_appointment_at"]
    assert response.status_code == 200, response.content
    body = response.json()
    assert datetime.fromisoformat(body["appointment_at"]) == later.replace(microsecond=0) or abs(
        datetime.fromisoformat(body["appointment_at"]) - later
    ) < timedelta(seconds=1)
    assert body["apologies"][0]["reason"] == "Chờ xác minh"
    assert "apology" in {f["kind"] for f in body["files"]}
    assert client.get(f"{URL}{dossier.pk}", **_h(as_citizen)).json()["apologies"][0]["reason"] == "Chờ xác minh"


def test_counter_fee_must_be_paid_before_the_result_is_returned(client, people):
    procedure = online_procedure(agencies=[people.agency], fee=Decimal(50000), fee_online=Decimal(40000))
    dossier = released_dossier(procedure=procedure)
    desk = bearer(people.desk)

    unpaid = action(client, desk, dossier, "return_result")
    paid = action(client, desk, dossier, "record_payment", {"reference": "BL-0001"})
    twice = action(client, desk, dossier, "record_payment")
    returned = action(client, desk, dossier, "return_result")

    assert unpaid.status_code == 422 and error(unpaid)["code"] == "unpaid"
    assert paid.status_code == 200
    assert paid.json()["fee"] == {
        "amount": "40000",
        "status": "paid",
        "status_label": "Đã nộp",
        "method": "counter",
        "reference": "BL-0001",
        "paid_at": paid.json()["fee"]["paid_at"],
    }
    assert twice.status_code == 422 and error(twice)["code"] == "nothing_to_pay"
    assert returned.status_code == 200 and returned.json()["return_method"] == "counter"


def test_stop_and_staff_withdrawal(client, procedure, people):
    stopped = processing_dossier(procedure=procedure)
    withdrawn = processing_dossier(procedure=procedure)

    stop = action(client, bearer(people.leader), stopped, "stop", {"reason": "Người nộp không bổ sung"})
    withdraw = action(client, bearer(people.desk), withdrawn, "withdraw", {"reason": "Theo đơn"})

    assert (stop.status_code, stop.json()["state"], stop.json()["national_code"]) == (200, "stopped", 8)
    assert (withdraw.status_code, withdraw.json()["state"]) == (200, "withdrawn")


def test_an_empty_body_is_read_as_no_options(client, procedure, people):
    dossier = submitted_dossier(procedure=procedure)

    response = client.post(
        f"{URL}{dossier.pk}/actions/accept", data="", content_type="application/json", **_h(bearer(people.desk))
    )

    assert response.status_code == 200 and response.json()["state"] == "processing"


def test_unknown_action_is_not_routed(client, procedure, people):
    dossier = submitted_dossier(procedure=procedure)

    response = action(client, bearer(people.desk), dossier, "delete")

    assert response.status_code in (404, 405)


# --- contract ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/api/v1/dossiers/", "/api/v1/dossiers/drafts/{draft_id}/submit", "/api/v1/dossiers/intake"]
)
def test_openapi_documents_the_required_idempotency_key_and_both_answers(client, path):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"][path]["post"]

    header = next(p for p in operation["parameters"] if p["in"] == "header")
    assert header["name"] == "Idempotency-Key" and header["required"] is True
    assert "Khóa chống nộp trùng" in header["description"] and "Idempotency key" in header["description"]
    assert (header["schema"]["minLength"], header["schema"]["maxLength"]) == (8, 100)
    assert {"200", "201", "400", "422"} <= set(operation["responses"])
    assert "multipart/form-data" in operation["requestBody"]["content"]


def test_openapi_lists_the_public_endpoints_without_security(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]

    assert "security" not in paths["/api/v1/dossiers/tracking/{receipt_code}"]["get"]
    assert "security" not in paths["/api/v1/dossiers/verify/{token}"]["get"]
    assert "security" in paths["/api/v1/dossiers/queue"]["get"]


def test_garbage_multipart_never_answers_500(client, procedure, as_citizen):
    headers = _h({**as_citizen, "Idempotency-Key": "khoa-nop-0001"})
    broken = client.generic(
        "POST", URL, b"--x\r\nnot really", content_type="multipart/form-data; boundary=x", **headers
    )
    no_boundary = client.generic("POST", URL, b"abc", content_type="multipart/form-data", **headers)
    binary_data = client.post(URL, data={"procedure": procedure.code, "data": pdf_bytes()[:50]}, **headers)

    for response in (broken, no_boundary, binary_data):
        assert 400 <= response.status_code < 500
