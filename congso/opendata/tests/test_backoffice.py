"""The open-data back office: datasets of the user's agencies, the two-step table upload, versions,
publication and withdrawal, access grants and API keys."""

import hashlib
import os
import time
from datetime import date, timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from congso.accounts.tests.factories import CitizenFactory
from congso.agencies.models import Membership
from congso.agencies.tests.factories import AgencyFactory, MembershipFactory, PlatformAdminFactory
from congso.core.models import AuditEntry, CodeCounter
from congso.opendata import access, backoffice_forms, backoffice_views, datastore, services
from congso.opendata.models import AccessGrant, ApiKey, Dataset, Licence, Resource, SlowSearch, Theme
from congso.opendata.tests.factories import AccessGrantFactory, DatasetFactory, ResourceFactory, api_key_for

pytestmark = pytest.mark.django_db

LIST = "/backoffice/opendata/"
CREATE = "/backoffice/opendata/new/"
KEYS = "/backoffice/opendata/keys/"
POPULATION = "phuong,dan_so,ngay_cap_nhat\nBến Thành,11000,2026-01-31\nSài Gòn,45000,2026-01-31\n"


@pytest.fixture
def office():
    """An agency with its admin (the data officer) and a specialist; another agency next door."""
    agency = AgencyFactory(code="000.00.31.H29", name="Sở Thông tin và Truyền thông")
    other = AgencyFactory(code="000.00.32.H29", name="Sở Giao thông Vận tải")
    return type(
        "Office",
        (),
        {
            "agency": agency,
            "other": other,
            "admin": MembershipFactory(agency=agency, role=Membership.Role.AGENCY_ADMIN).user,
            "specialist": MembershipFactory(agency=agency, role=Membership.Role.SPECIALIST).user,
            "other_admin": MembershipFactory(agency=other, role=Membership.Role.AGENCY_ADMIN).user,
        },
    )


@pytest.fixture
def admin_client(client, login_staff, office):
    login_staff(client, office.admin)
    return client


def _html(response) -> str:
    return response.content.decode()


def _csv(text: str = POPULATION, name: str = "dan-so.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def _dataset_form(office, **overrides) -> dict:
    data = {
        "organization": str(office.agency.pk),
        "title": "Dân số các phường",
        "name": "dan-so-phuong",
        "title_en": "Population of wards",
        "description": "Số dân theo phường, cập nhật hằng năm.",
        "description_en": "",
        "keywords": "dân số, phường, , dân số",
        "theme": Theme.SOCI,
        "visibility": Dataset.Visibility.OPEN,
        "licence": Licence.CC_BY,
        "frequency": "ANNUAL",
        "spatial": "",
        "temporal_start": "2025-01-01",
        "temporal_end": "31/12/2025",
        "contact_name": "Phòng Dữ liệu",
        "contact_email": "dulieu@tphcm.gov.vn",
    }
    data.update(overrides)
    return data


def _draft(office, **fields) -> Dataset:
    return DatasetFactory(organization=office.agency, state=Dataset.State.DRAFT, **fields)


def _detail(dataset) -> str:
    return reverse("backoffice_opendata:detail", args=[dataset.pk])


def _staged_files() -> list[str]:
    try:
        return default_storage.listdir(backoffice_views.STAGING_DIR)[1]
    except FileNotFoundError:
        return []


# --- who may enter --------------------------------------------------------------------------------------


def test_visitors_are_sent_to_login_and_citizens_refused(client):
    assert client.get(LIST).status_code == 302
    assert client.get(LIST)["Location"].startswith("/accounts/login/")
    client.force_login(CitizenFactory())
    assert client.get(LIST).status_code == 403


def test_staff_without_the_second_factor_go_to_it(client, office):
    client.force_login(office.admin)

    response = client.get(LIST)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/otp/setup/?next=%2Fbackoffice%2Fopendata%2F"


def test_staff_who_publish_for_no_agency_see_an_empty_state(client, login_staff, office):
    login_staff(client, office.specialist)

    html = _html(client.get(LIST))

    assert "Bạn chưa quản lý dữ liệu mở của cơ quan nào" in html
    assert client.get(CREATE).status_code == 403
    assert client.get(KEYS + "new/").status_code == 403


def test_list_shows_the_datasets_of_the_users_agencies_only(admin_client, office):
    _draft(office, title="Của sở mình")
    DatasetFactory(organization=office.other, title="Của sở khác")

    response = admin_client.get(LIST)

    assert [d.title for d in response.context["page_obj"].object_list] == ["Của sở mình"]
    html = _html(response)
    assert "1 bộ dữ liệu của cơ quan bạn quản lý" in html
    assert '<li><a href="/backoffice/opendata/" aria-current="page">Dữ liệu mở</a></li>' in html


def test_list_filters_by_words_and_state(admin_client, office):
    services.dataset_create(actor=None, organization=office.agency, name="cho", title="Chợ", theme=Theme.ECON)
    services.dataset_create(actor=None, organization=office.agency, name="truong", title="Trường", theme=Theme.EDUC)

    by_words = admin_client.get(LIST, {"q": "cho"})
    by_state = admin_client.get(LIST, {"state": "published"})
    garbage = admin_client.get(LIST, {"state": "x", "page": "abc", "q": "x" * 500})

    assert [d.name for d in by_words.context["page_obj"].object_list] == ["cho"]
    assert "Không có bộ dữ liệu nào khớp bộ lọc" in _html(by_state)
    assert garbage.status_code == 200


def test_another_agencys_dataset_is_not_found(admin_client, office):
    foreign = DatasetFactory(organization=office.other)

    assert admin_client.get(_detail(foreign)).status_code == 404
    assert admin_client.post(reverse("backoffice_opendata:publish", args=[foreign.pk])).status_code == 404
    assert admin_client.get(reverse("backoffice_opendata:resource_new", args=[foreign.pk])).status_code == 404


def test_a_platform_admin_manages_every_agency(client, login_staff, office):
    login_staff(client, PlatformAdminFactory())
    dataset = DatasetFactory(organization=office.other)

    assert client.get(_detail(dataset)).status_code == 200


# --- datasets -------------------------------------------------------------------------------------------


def test_create_a_draft_dataset(admin_client, office):
    response = admin_client.post(CREATE, _dataset_form(office))

    dataset = Dataset.objects.get(name="dan-so-phuong")
    assert response.status_code == 302 and response["Location"] == _detail(dataset)
    assert dataset.state == Dataset.State.DRAFT
    assert dataset.organization == office.agency
    assert dataset.keywords == ["dân số", "phường"]
    assert (str(dataset.temporal_start), str(dataset.temporal_end)) == ("2025-01-01", "2025-12-31")
    assert dataset.created_by == office.admin
    assert AuditEntry.objects.filter(action="opendata.dataset_create").count() == 1


def test_the_form_preselects_the_only_agency(admin_client):
    form = admin_client.get(CREATE).context["form"]

    assert len(form.fields["organization"].choices) == 1
    assert form["organization"].value() is not None


def test_create_refuses_a_bad_name_and_keeps_nothing(admin_client, office):
    response = admin_client.post(CREATE, _dataset_form(office, name="Dân Số!"))

    assert response.status_code == 200
    assert "name" in response.context["form"].errors
    assert "Tên định danh dài 2–100 ký tự" in _html(response)
    assert Dataset.objects.count() == 0


def test_create_refuses_an_end_before_the_start(admin_client, office):
    response = admin_client.post(CREATE, _dataset_form(office, temporal_end="2024-01-01"))

    assert "temporal_end" in response.context["form"].errors
    assert Dataset.objects.count() == 0


def test_create_for_another_agency_is_refused_by_the_form(admin_client, office):
    response = admin_client.post(CREATE, _dataset_form(office, organization=str(office.other.pk)))

    assert "organization" in response.context["form"].errors
    assert Dataset.objects.count() == 0


def test_a_shared_dataset_gets_the_closed_licence(admin_client, office):
    admin_client.post(CREATE, _dataset_form(office, visibility="shared"))

    assert Dataset.objects.get().licence == Licence.OTHER_CLOSED


def test_edit_changes_the_metadata(admin_client, office):
    dataset = services.dataset_create(
        actor=office.admin, organization=office.agency, name="cu", title="Cũ", theme=Theme.GOVE
    )

    response = admin_client.post(
        reverse("backoffice_opendata:edit", args=[dataset.pk]), _dataset_form(office, name="moi", title="Mới")
    )

    dataset.refresh_from_db()
    assert response.status_code == 302
    assert (dataset.name, dataset.title) == ("moi", "Mới")


def test_the_name_of_a_published_dataset_is_locked(admin_client, office):
    dataset = DatasetFactory(organization=office.agency, name="da-cong-bo", published_at=timezone.now())
    url = reverse("backoffice_opendata:edit", args=[dataset.pk])

    form = admin_client.get(url).context["form"]
    admin_client.post(url, _dataset_form(office, name="ten-khac", title="Tên mới"))

    dataset.refresh_from_db()
    assert form.fields["name"].disabled is True
    assert (dataset.name, dataset.title) == ("da-cong-bo", "Tên mới")


def test_publish_needs_a_resource(admin_client, office):
    dataset = _draft(office)
    url = reverse("backoffice_opendata:publish", args=[dataset.pk])

    refused = admin_client.post(url, follow=True)
    dataset.refresh_from_db()
    assert dataset.state == Dataset.State.DRAFT
    assert "Bộ dữ liệu cần ít nhất một tài nguyên trước khi công bố." in _html(refused)

    ResourceFactory(dataset=dataset)
    admin_client.post(url)
    dataset.refresh_from_db()
    assert dataset.state == Dataset.State.PUBLISHED and dataset.published_at is not None


def test_publish_answers_only_post(admin_client, office):
    dataset = _draft(office)

    assert admin_client.get(reverse("backoffice_opendata:publish", args=[dataset.pk])).status_code == 405


def test_withdraw_needs_a_reason(admin_client, office):
    dataset = DatasetFactory(organization=office.agency)
    url = reverse("backoffice_opendata:withdraw", args=[dataset.pk])

    refused = admin_client.post(url, {"reason": "  "})
    dataset.refresh_from_db()
    assert dataset.state == Dataset.State.PUBLISHED
    assert "reason" in refused.context["form"].errors

    done = admin_client.post(url, {"reason": "Số liệu sai, sẽ công bố lại"})
    dataset.refresh_from_db()
    assert done.status_code == 302
    assert dataset.state == Dataset.State.WITHDRAWN
    assert AuditEntry.objects.get(action="opendata.dataset_withdraw").data["reason"] == "Số liệu sai, sẽ công bố lại"


def test_withdrawing_a_draft_is_refused_with_a_message(admin_client, office):
    dataset = _draft(office)
    url = reverse("backoffice_opendata:withdraw", args=[dataset.pk])

    response = admin_client.post(url, {"reason": "x"}, follow=True)

    assert "Chỉ rút được bộ dữ liệu đang công bố." in _html(response)


def test_detail_shows_resources_state_and_actions(admin_client, office):
    dataset = _draft(office, title="Chợ")
    resource = ResourceFactory(dataset=dataset, name="Danh sách chợ")

    html = _html(admin_client.get(_detail(dataset)))

    assert "<h1>Chợ</h1>" in html
    assert f'href="/backoffice/opendata/{dataset.pk}/resources/{resource.pk}/"' in html
    assert f'action="/backoffice/opendata/{dataset.pk}/publish/"' in html
    assert "Cơ quan được cấp quyền khai thác" not in html


# --- uploads --------------------------------------------------------------------------------------------


def _new_resource(client, dataset, upload, **fields):
    data = {"name": "Dân số theo phường", "upload": upload, **fields}
    return client.post(reverse("backoffice_opendata:resource_new", args=[dataset.pk]), data)


def _confirm(client, dataset, token, **fields):
    return client.post(reverse("backoffice_opendata:upload_confirm", args=[dataset.pk]), {"token": token, **fields})


def test_uploading_a_csv_shows_the_inferred_columns_and_a_sample(admin_client, office):
    dataset = _draft(office)

    response = _new_resource(admin_client, dataset, _csv())

    assert response.status_code == 200
    assert response.templates[0].name == "opendata/backoffice/inspect.html"
    form = response.context["form"]
    assert [column["id"] for column in form.columns] == ["phuong", "dan_so", "ngay_cap_nhat"]
    assert [form[f"type_{i}"].value() for i in range(3)] == ["text", "int", "date"]
    html = _html(response)
    assert "Kiểu dữ liệu của cột “dan_so”" in html
    assert "<td>Bến Thành</td><td>11000</td><td>2026-01-31</td>" in html
    assert Resource.objects.count() == 0
    assert len(_staged_files()) == 1


def test_confirming_loads_the_table_with_the_chosen_types_and_removes_the_staged_file(admin_client, office):
    dataset = _draft(office)
    token = _new_resource(admin_client, dataset, _csv()).context["form"]["token"].value()

    response = _confirm(
        admin_client, dataset, token, type_0="text", type_1="numeric", type_2="text", label_1="Dân số (người)"
    )

    resource = Resource.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("backoffice_opendata:resource", args=[dataset.pk, resource.pk])
    assert resource.datastore_active is True and resource.row_count == 2
    assert [(f["id"], f["type"], f["label"]) for f in resource.fields] == [
        ("phuong", "text", "phuong"),
        ("dan_so", "numeric", "Dân số (người)"),
        ("ngay_cap_nhat", "text", "ngay_cap_nhat"),
    ]
    assert resource.versions.get().original_name == "dan-so.csv"
    assert _staged_files() == []
    assert admin_client.session[backoffice_views.SESSION_KEY] == {}
    assert _confirm(admin_client, dataset, token, type_0="text", type_1="int", type_2="date").status_code == 302
    assert Resource.objects.count() == 1


def test_a_type_the_values_do_not_fit_is_reported_and_nothing_is_kept(admin_client, office):
    dataset = _draft(office)
    token = _new_resource(admin_client, dataset, _csv()).context["form"]["token"].value()

    response = _confirm(admin_client, dataset, token, type_0="int", type_1="int", type_2="date")

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert "Có lỗi cần sửa" in _html(response)
    assert Resource.objects.count() == 0
    assert len(_staged_files()) == 1

    cancelled = _confirm(admin_client, dataset, token, _action="cancel")
    assert cancelled.status_code == 302
    assert _staged_files() == []


def test_a_type_outside_the_list_is_a_form_error(admin_client, office):
    dataset = _draft(office)
    token = _new_resource(admin_client, dataset, _csv()).context["form"]["token"].value()

    response = _confirm(admin_client, dataset, token, type_0="geometry", type_1="int", type_2="date")

    assert "type_0" in response.context["form"].errors
    assert Resource.objects.count() == 0


def test_an_unknown_or_foreign_token_is_refused(admin_client, office):
    dataset = _draft(office)
    token = _new_resource(admin_client, dataset, _csv()).context["form"]["token"].value()
    other = _draft(office)

    unknown = _confirm(admin_client, dataset, "khong-co", type_0="text")
    foreign = _confirm(admin_client, other, token, type_0="text", type_1="int", type_2="date")

    assert unknown.status_code == foreign.status_code == 302
    assert Resource.objects.count() == 0


def test_a_broken_csv_is_refused_at_upload_and_not_staged(admin_client, office):
    dataset = _draft(office)

    response = _new_resource(admin_client, dataset, _csv("a,b\n1,2\n3\n"))

    assert response.status_code == 200
    assert "upload" in response.context["form"].errors
    assert "3" in " ".join(response.context["form"].errors["upload"])
    assert _staged_files() == []


def test_a_file_over_the_limit_is_refused(admin_client, office, settings):
    settings.CONGSO_OPENDATA_MAX_UPLOAD_MB = 1
    dataset = _draft(office)

    response = _new_resource(admin_client, dataset, _csv("a\n" + "1\n" * (1024 * 1024 // 2 + 1)))

    assert response.context["form"].errors["upload"] == ["Tệp vượt quá dung lượng cho phép 1 MB."]
    assert Resource.objects.count() == 0 and _staged_files() == []


def test_another_file_is_stored_directly(admin_client, office):
    dataset = _draft(office)

    response = _new_resource(admin_client, dataset, SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4 bao cao"))

    resource = Resource.objects.get()
    assert response.status_code == 302
    assert (resource.format, resource.datastore_active) == ("PDF", False)
    assert resource.versions.get().size == len(b"%PDF-1.4 bao cao")


def test_a_file_without_extension_needs_a_format(admin_client, office):
    dataset = _draft(office)

    refused = _new_resource(admin_client, dataset, SimpleUploadedFile("tep", b"\x00\x01 du lieu"))
    given = _new_resource(admin_client, dataset, SimpleUploadedFile("tep", b"\x00\x01 du lieu"), format="bin")

    assert "format" in refused.context["form"].errors
    assert given.status_code == 302
    assert Resource.objects.get().format == "BIN"


def test_a_new_version_keeps_the_previous_one_and_its_column_types(admin_client, office):
    dataset = _draft(office)
    resource = services.resource_create(
        actor=None,
        dataset=dataset,
        name="Dân số",
        upload=_csv(),
        fields=[
            {"id": "phuong", "type": "text", "label": "Phường"},
            {"id": "dan_so", "type": "numeric", "label": "Dân số"},
            {"id": "ngay_cap_nhat", "type": "date", "label": "Ngày"},
        ],
    )
    url = reverse("backoffice_opendata:version_new", args=[dataset.pk, resource.pk])

    inspect = admin_client.post(url, {"upload": _csv(POPULATION + "Tân Định,38000,2026-02-28\n"), "note": "Tháng 2"})
    form = inspect.context["form"]
    assert [form[f"type_{i}"].value() for i in range(3)] == ["text", "numeric", "date"]
    assert form["label_0"].value() == "Phường"
    response = _confirm(
        admin_client,
        dataset,
        form["token"].value(),
        type_0="text",
        type_1="numeric",
        type_2="date",
        label_0="Phường",
        label_1="Dân số",
        label_2="Ngày",
    )

    resource.refresh_from_db()
    assert response.status_code == 302
    assert list(resource.versions.order_by("number").values_list("number", "row_count", "note")) == [
        (1, 2, ""),
        (2, 3, "Tháng 2"),
    ]
    assert resource.row_count == 3


def test_staged_files_older_than_the_limit_are_swept(admin_client, office):
    dataset = _draft(office)
    old = default_storage.save(f"{backoffice_views.STAGING_DIR}/cu.upload", ContentFile(b"a,b\n"))
    stale = time.time() - backoffice_views.STAGING_TTL.total_seconds() - 60
    os.utime(default_storage.path(old), (stale, stale))

    _new_resource(admin_client, dataset, _csv())

    assert not default_storage.exists(old)
    assert len(_staged_files()) == 1


def test_resource_page_shows_columns_and_versions(admin_client, office):
    dataset = _draft(office)
    resource = services.resource_create(actor=None, dataset=dataset, name="Dân số", upload=_csv())

    html = _html(admin_client.get(reverse("backoffice_opendata:resource", args=[dataset.pk, resource.pk])))

    assert "<h1>Dân số</h1>" in html
    assert '<span class="code-text code-text--wrap">dan_so</span></th><td>Số nguyên</td>' in html
    assert "Các phiên bản của “Dân số”, mới nhất trước" in html


def test_declare_and_remove_a_combined_index(admin_client, office):
    dataset = _draft(office)
    resource = services.resource_create(actor=None, dataset=dataset, name="Dân số", upload=_csv())
    page = reverse("backoffice_opendata:resource", args=[dataset.pk, resource.pk])
    add = reverse("backoffice_opendata:index_add", args=[dataset.pk, resource.pk])
    remove = reverse("backoffice_opendata:index_remove", args=[dataset.pk, resource.pk])
    assert "Chưa khai báo chỉ mục kết hợp nào." in _html(admin_client.get(page))

    response = admin_client.post(add, {"first": "phuong", "second": "ngay_cap_nhat", "third": ""}, follow=True)

    html = _html(response)
    assert "Đã thêm chỉ mục kết hợp phuong → ngay_cap_nhat." in html
    assert '<input type="hidden" name="columns" value="[&quot;phuong&quot;, &quot;ngay_cap_nhat&quot;]">' in html
    assert Resource.objects.get(pk=resource.pk).indexes == [["phuong", "ngay_cap_nhat"]]

    html = _html(admin_client.post(add, {"first": "phuong", "second": "phuong"}, follow=True))
    assert "Chọn các cột khác nhau." in html
    html = _html(admin_client.post(add, {"first": "phuong", "second": "ngay_cap_nhat"}, follow=True))
    assert "Chỉ mục kết hợp này đã có." in html
    html = _html(admin_client.post(add, {"first": "phuong", "second": "quan"}, follow=True))
    assert "Hãy chọn một lựa chọn hợp lệ. quan không phải là một trong các lựa chọn khả thi." in html

    html = _html(admin_client.post(remove, {"columns": '["phuong", "ngay_cap_nhat"]'}, follow=True))
    assert "Đã bỏ chỉ mục kết hợp phuong → ngay_cap_nhat." in html
    assert Resource.objects.get(pk=resource.pk).indexes == []
    html = _html(admin_client.post(remove, {"columns": '["phuong", "ngay_cap_nhat"]'}, follow=True))
    assert "Chỉ mục này không còn trong danh sách; trang đã được tải lại." in html
    assert admin_client.get(add).status_code == 405


def test_slow_search_shapes_are_proposed_and_declared_in_one_click(admin_client, office):
    dataset = _draft(office)
    resource = services.resource_create(actor=None, dataset=dataset, name="Dân số", upload=_csv())
    SlowSearch.objects.create(resource=resource, columns='["phuong", "dan_so"]', count=12, total_ms=12 * 340)
    page = reverse("backoffice_opendata:resource", args=[dataset.pk, resource.pk])

    html = _html(admin_client.get(page))

    assert "Gợi ý từ các lượt tra cứu chậm" in html
    assert '<td class="numeric">12</td>\n          <td class="numeric">340</td>' in html
    assert '<input type="hidden" name="first" value="phuong"><input type="hidden" name="second" value="dan_so">' in html
    response = admin_client.post(
        reverse("backoffice_opendata:index_add", args=[dataset.pk, resource.pk]),
        {"first": "phuong", "second": "dan_so"},
        follow=True,
    )
    assert "Đã thêm chỉ mục kết hợp phuong → dan_so." in _html(response)
    assert Resource.objects.get(pk=resource.pk).indexes == [["phuong", "dan_so"]]
    assert "Gợi ý từ các lượt tra cứu chậm" not in _html(response)


def test_a_file_resource_has_no_index_section(admin_client, office):
    dataset = _draft(office)
    upload = SimpleUploadedFile("qd.pdf", b"%PDF-1.4", content_type="application/pdf")
    resource = services.resource_create(actor=None, dataset=dataset, name="Quyết định", upload=upload)

    html = _html(admin_client.get(reverse("backoffice_opendata:resource", args=[dataset.pk, resource.pk])))

    assert "Chỉ mục kết hợp" not in html
    response = admin_client.post(
        reverse("backoffice_opendata:index_add", args=[dataset.pk, resource.pk]),
        {"first": "a", "second": "b"},
        follow=True,
    )
    assert response.status_code == 200
    assert Resource.objects.get(pk=resource.pk).indexes == []


# --- access grants --------------------------------------------------------------------------------------


def test_grant_and_revoke_access_to_a_shared_dataset(admin_client, office):
    dataset = _draft(office, visibility=Dataset.Visibility.SHARED, licence=Licence.OTHER_CLOSED)
    ward = AgencyFactory(name="UBND phường Bến Thành")

    page = admin_client.get(_detail(dataset))
    choices = [label for _value, label in page.context["grant_form"].fields["agency"].choices]
    assert "UBND phường Bến Thành" in choices and office.agency.name not in choices

    admin_client.post(reverse("backoffice_opendata:grant_add", args=[dataset.pk]), {"agency": str(ward.pk)})
    assert list(AccessGrant.objects.values_list("agency", flat=True)) == [ward.pk]
    assert "UBND phường Bến Thành" in _html(admin_client.get(_detail(dataset)))

    admin_client.post(reverse("backoffice_opendata:grant_remove", args=[dataset.pk, ward.pk]))
    assert AccessGrant.objects.count() == 0


def test_granting_needs_a_listed_agency(admin_client, office):
    dataset = _draft(office, visibility=Dataset.Visibility.SHARED, licence=Licence.OTHER_CLOSED)

    response = admin_client.post(
        reverse("backoffice_opendata:grant_add", args=[dataset.pk]), {"agency": str(office.agency.pk)}, follow=True
    )

    assert "Vui lòng chọn một cơ quan trong danh sách." in _html(response)
    assert AccessGrant.objects.count() == 0


def test_granting_on_an_open_dataset_is_refused(admin_client, office):
    dataset = _draft(office)

    response = admin_client.post(
        reverse("backoffice_opendata:grant_add", args=[dataset.pk]), {"agency": str(office.other.pk)}, follow=True
    )

    assert "Chỉ cấp quyền khai thác cho dữ liệu dùng chung." in _html(response)
    assert AccessGrant.objects.count() == 0


def test_revoking_a_grant_that_does_not_exist_is_not_found(admin_client, office):
    dataset = _draft(office, visibility=Dataset.Visibility.SHARED, licence=Licence.OTHER_CLOSED)

    assert admin_client.post(reverse("backoffice_opendata:grant_remove", args=[dataset.pk, 99])).status_code == 404
    assert admin_client.post(f"/backoffice/opendata/{dataset.pk}/grants/{2**70}/remove/").status_code == 404


# --- API keys -------------------------------------------------------------------------------------------


def test_a_new_key_is_shown_once_and_only_its_hash_kept(admin_client, office):
    response = admin_client.post(
        KEYS + "new/",
        {"agency": str(office.agency.pk), "name": "Hệ thống một cửa", "daily_quota": "500", "expires_on": ""},
    )

    key = ApiKey.objects.get()
    raw = response.context["raw"]
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert raw.startswith("cs_") and raw in _html(response)
    assert key.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert (key.name, key.daily_quota, key.expires_at) == ("Hệ thống một cửa", 500, None)
    assert raw not in _html(admin_client.get(KEYS))


def test_a_key_expires_at_the_end_of_the_chosen_day(admin_client, office):
    admin_client.post(
        KEYS + "new/",
        {"agency": str(office.agency.pk), "name": "Tạm", "daily_quota": "10", "expires_on": "2099-12-31"},
    )

    expires = timezone.localtime(ApiKey.objects.get().expires_at)
    assert (expires.year, expires.month, expires.day, expires.hour) == (2100, 1, 1, 0)


@pytest.mark.parametrize(
    ("field", "value"),
    [("daily_quota", "0"), ("daily_quota", "99999999999"), ("expires_on", "9999-12-31"), ("name", "")],
)
def test_bad_key_values_are_form_errors(admin_client, office, field, value):
    data = {"agency": str(office.agency.pk), "name": "Khóa", "daily_quota": "10", "expires_on": ""}
    data[field] = value

    response = admin_client.post(KEYS + "new/", data)

    assert field in response.context["form"].errors
    assert ApiKey.objects.count() == 0


def test_the_key_list_shows_todays_use_against_the_quota(admin_client, office):
    key, raw = api_key_for(office.agency, daily_quota=100, name="Máy chủ báo cáo")
    for action in ("package_list", "package_list", "package_show"):  # the last one is a 404, and counts
        admin_client.get(f"/opendata/api/3/action/{action}?id=khong-co", HTTP_AUTHORIZATION=raw)
    CodeCounter.objects.create(scope=access.quota_scope(key), day=date.today() - timedelta(days=2), value=40)
    api_key_for(office.other, name="Của sở khác")

    response = admin_client.get(KEYS)

    [shown] = response.context["page_obj"].object_list
    assert (shown.name, shown.used_today) == ("Máy chủ báo cáo", 3)
    assert "3 / 100" in _html(response)
    assert "Của sở khác" not in _html(response)


def test_revoke_a_key(admin_client, office):
    key, _raw = api_key_for(office.agency)

    response = admin_client.post(reverse("backoffice_opendata:key_revoke", args=[key.pk]))

    key.refresh_from_db()
    assert response.status_code == 302
    assert key.revoked_at is not None
    assert "Đã thu hồi" in _html(admin_client.get(KEYS))


def test_another_agencys_key_cannot_be_revoked(admin_client, office):
    key, _raw = api_key_for(office.other)

    assert admin_client.post(reverse("backoffice_opendata:key_revoke", args=[key.pk])).status_code == 404
    assert admin_client.post(f"/backoffice/opendata/keys/{2**70}/revoke/").status_code == 404
    key.refresh_from_db()
    assert key.revoked_at is None


def test_shared_dataset_detail_lists_grants(admin_client, office):
    grant = AccessGrantFactory(
        dataset__organization=office.agency, dataset__licence=Licence.OTHER_CLOSED, agency__name="UBND phường Tân Định"
    )

    html = _html(admin_client.get(_detail(grant.dataset)))

    assert '<th scope="row">UBND phường Tân Định</th>' in html
    assert "Thu hồi quyền" in html


def test_the_column_types_offered_are_the_tabular_stores():
    assert sorted(value for value, _label in backoffice_forms.COLUMN_TYPES) == sorted(datastore.FIELD_TYPES)


def test_list_pages_make_as_many_queries_for_many_rows_as_for_one(admin_client, office, django_assert_max_num_queries):
    ResourceFactory(dataset=_draft(office))
    api_key_for(office.agency)
    with django_assert_max_num_queries(30) as one_list:
        admin_client.get(LIST)
    with django_assert_max_num_queries(30) as one_key:
        admin_client.get(KEYS)
    for _ in range(6):
        ResourceFactory(dataset=_draft(office))
        api_key_for(office.agency)

    with django_assert_max_num_queries(len(one_list.captured_queries)):
        assert len(admin_client.get(LIST).context["page_obj"].object_list) == 7
    with django_assert_max_num_queries(len(one_key.captured_queries)):
        assert len(admin_client.get(KEYS).context["page_obj"].object_list) == 7
