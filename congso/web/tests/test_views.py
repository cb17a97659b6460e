"""The home page, the back-office overview, error pages and the page shell."""

import re
from decimal import Decimal

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.template import loader
from django.test import Client, RequestFactory
from django.views import defaults

from congso.agencies.models import CityRole, Membership
from congso.procedures.models import Procedure
from congso.web.tests.factories import (
    AgencyFactory,
    CitizenFactory,
    CityRoleFactory,
    FieldFactory,
    MembershipFactory,
    ProcedureFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db


def _count(html: str, tag: str) -> int:
    return len(re.findall(rf"<{tag}[\s>]", html))


def _first_heading(html: str) -> str:
    return re.search(r"<(h[1-6])[\s>]", html).group(1)


def _first_focusable(html: str) -> str:
    body = html[html.index("<body") :]
    return re.search(r"<(a|button|input|select|textarea|summary)[\s>][^>]*>", body).group(0)


# --- Home page ------------------------------------------------------------------------------------


def test_home_has_the_page_shell_landmarks_and_one_h1(client):
    response = client.get("/")

    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="vi">' in html
    assert _count(html, "h1") == 1
    assert _first_heading(html) == "h1"
    assert _count(html, "header") == 1
    assert _count(html, "main") == 1
    assert _count(html, "footer") == 1
    assert 'aria-label="Điều hướng chính"' in html
    assert 'href="/static/web/css/congso.css"' in html
    assert '<script src="/static/django_htmx/htmx-2.min.js" defer></script>' in html
    assert "Công Sở" in html
    assert "Cổng dịch vụ công TP. Hồ Chí Minh" in html


def test_home_skip_link_is_the_first_focusable_element_and_targets_main(client):
    html = client.get("/").content.decode()

    assert _first_focusable(html) == '<a class="skip-link" href="#main">'
    assert '<main id="main"' in html


def test_home_search_form_sends_q_to_the_procedure_search(client):
    html = client.get("/").content.decode()

    assert '<form class="search-form" method="get" action="/procedures/" role="search">' in html
    assert '<label for="home-search">Tìm thủ tục hành chính</label>' in html
    assert 'id="home-search" name="q"' in html


def test_home_with_an_empty_catalog_shows_the_empty_state(client):
    html = client.get("/").content.decode()

    assert "Danh mục thủ tục đang được cập nhật" in html
    assert "Thủ tục theo lĩnh vực" not in html
    assert "Làm thủ tục trực tuyến như thế nào?" in html


def test_home_lists_fields_with_counts_and_full_online_procedures_first(client):
    civil = FieldFactory(code="ho-tich", name="Hộ tịch")
    building = FieldFactory(code="xay-dung", name="Xây dựng")
    ProcedureFactory(code="1.001193", name="Đăng ký khai sinh", field=civil, fee=Decimal("0"))
    ProcedureFactory(code="1.000894", name="Đăng ký kết hôn", field=civil, online_level=Procedure.OnlineLevel.PARTIAL)
    ProcedureFactory(
        code="1.009972",
        name="Cấp giấy phép xây dựng",
        field=building,
        fee=Decimal("150000"),
        online_level=Procedure.OnlineLevel.FULL,
    )
    ProcedureFactory(code="9.999999", name="Thủ tục chưa công bố", field=building, is_published=False)

    response = client.get("/")

    html = response.content.decode()
    assert "Danh mục thủ tục đang được cập nhật" not in html
    featured = [p.code for p in response.context["catalog"].featured]
    assert sorted(featured[:2]) == ["1.001193", "1.009972"]
    assert featured[2:] == ["1.000894"]
    assert [(f.code, f.procedure_count) for f in response.context["catalog"].fields] == [
        ("ho-tich", 2),
        ("xay-dung", 1),
    ]
    assert 'href="/procedures/?field=ho-tich"' in html
    assert "2 thủ tục" in html
    assert 'href="/procedures/1.001193/"' in html
    assert "150.000\u00a0đ" in html
    assert "Miễn phí" in html
    assert '<span class="badge badge-success">Toàn trình</span>' in html
    assert '<span class="badge badge-info">Một phần</span>' in html
    assert "Thủ tục chưa công bố" not in html


def test_home_shows_at_most_six_featured_procedures_with_few_queries(client, django_assert_max_num_queries):
    field = FieldFactory()
    for number in range(9):
        ProcedureFactory(code=f"1.10{number:04d}", name=f"Thủ tục {number}", field=field)

    with django_assert_max_num_queries(4):
        response = client.get("/")

    assert len(response.context["catalog"].featured) == 6


def test_home_ignores_unexpected_query_parameters(client):
    response = client.get("/", {"q": "<script>alert(1)</script>", "page": "-1"})

    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_home_answers_head_requests(client):
    response = client.head("/")

    assert response.status_code == 200


def test_home_refuses_post_without_an_error_page(client):
    response = client.post("/", {"q": "khai sinh"})

    assert response.status_code == 405


def test_anonymous_visitor_sees_login_and_register_links(client):
    html = client.get("/").content.decode()

    assert 'href="/accounts/login/"' in html
    assert 'href="/accounts/register/"' in html
    assert "Đăng xuất" not in html
    assert 'href="/backoffice/"' not in html


def test_citizen_sees_their_name_profile_and_a_logout_form(client):
    citizen = CitizenFactory(full_name="Lê Thị Cúc")
    client.force_login(citizen)

    html = client.get("/").content.decode()

    assert "Xin chào, <strong>Lê Thị Cúc</strong>" in html
    assert 'href="/accounts/profile/"' in html
    assert '<form method="post" action="/accounts/logout/">' in html
    assert 'href="/accounts/login/"' not in html
    assert 'href="/backoffice/"' not in html


def test_staff_sees_the_back_office_link(client):
    client.force_login(StaffFactory())

    html = client.get("/").content.decode()

    assert 'href="/backoffice/"' in html


def test_current_section_is_marked_in_the_navigation(client):
    html = client.get("/").content.decode()

    assert '<a href="/" aria-current="page">Trang chủ</a>' in html
    assert '<a href="/procedures/">Thủ tục hành chính</a>' in html


def test_language_switcher_is_a_post_form_to_set_language(client):
    html = client.get("/").content.decode()

    assert '<form class="language-switcher" action="/i18n/setlang/" method="post">' in html
    assert '<input type="hidden" name="next" value="/">' in html
    assert 'name="language" value="en" lang="en">English</button>' in html


def test_switching_language_renders_the_shell_in_english_lang(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    html = client.get("/").content.decode()

    assert '<html lang="en">' in html
    assert 'name="language" value="vi" lang="vi">Tiếng Việt</button>' in html


# --- Back office ------------------------------------------------------------------------------------


def test_backoffice_sends_anonymous_visitors_to_login(client):
    response = client.get("/backoffice/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/backoffice/"


def test_backoffice_refuses_citizens_with_a_vietnamese_403_page(client):
    client.force_login(CitizenFactory())

    response = client.get("/backoffice/")

    html = response.content.decode()
    assert response.status_code == 403
    assert "Bạn không có quyền truy cập trang này" in html
    assert _count(html, "h1") == 1


def test_backoffice_asks_staff_for_the_second_factor_first(client):
    client.force_login(StaffFactory())

    response = client.get("/backoffice/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/otp/")


def test_backoffice_shows_the_staff_members_agencies_and_roles(client, login_staff):
    staff = StaffFactory(full_name="Phạm Minh Đức")
    ward = AgencyFactory(code="H29.26734", name="UBND Phường Bến Thành")
    MembershipFactory(user=staff, agency=ward, role=Membership.Role.DESK_OFFICER)
    MembershipFactory(user=staff, agency=ward, role=Membership.Role.LEADER)
    MembershipFactory(
        user=staff, agency=AgencyFactory(code="H29.01", name="Sở Tư pháp"), role=Membership.Role.DESK_OFFICER
    )
    CityRoleFactory(user=staff, role=CityRole.Role.INSPECTOR)
    MembershipFactory(agency=AgencyFactory(code="H29.99", name="Cơ quan của người khác"))
    login_staff(client, staff)

    response = client.get("/backoffice/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Xin chào, Phạm Minh Đức</h1>" in html
    overview = response.context["overview"]
    assert [(entry.agency.code, [str(r) for r in entry.roles]) for entry in overview.agencies] == [
        ("H29.01", ["Cán bộ một cửa"]),
        ("H29.26734", ["Cán bộ một cửa", "Lãnh đạo"]),
    ]
    assert [str(role) for role in overview.city_roles] == ["Thanh tra"]
    assert overview.is_platform_admin is False
    assert 'href="/backoffice/agencies/H29.26734/"' in html
    assert "Cơ quan của người khác" not in html
    assert 'href="/admin/core/auditentry/"' not in html
    assert _count(html, "h1") == 1


def test_backoffice_side_navigation_marks_the_overview(client, login_staff):
    login_staff(client, StaffFactory())

    html = client.get("/backoffice/").content.decode()

    assert 'class="site-backoffice"' in html
    assert _first_heading(html) == "h1"
    assert '<span class="site-header__area">Trang quản lý</span>' in html
    assert '<li><a href="/backoffice/" aria-current="page">Tổng quan</a></li>' in html
    assert '<li><a href="/backoffice/agencies/">Cơ quan</a></li>' in html
    assert '<li><a href="/procedures/manage/">Thủ tục</a></li>' in html
    assert "Nhật ký" not in html


def test_backoffice_without_roles_shows_an_empty_state(client, login_staff):
    login_staff(client, StaffFactory())

    html = client.get("/backoffice/").content.decode()

    assert "Bạn chưa được giao vai trò nào" in html


def test_backoffice_shows_the_audit_log_to_platform_admins(client, login_staff):
    admin = StaffFactory()
    CityRoleFactory(user=admin, role=CityRole.Role.PLATFORM_ADMIN)
    login_staff(client, admin)

    response = client.get("/backoffice/")

    html = response.content.decode()
    assert response.context["overview"].is_platform_admin is True
    assert '<li><a href="/admin/core/auditentry/">Nhật ký</a></li>' in html
    assert 'href="/admin/"' in html


# --- Error pages and CSRF ------------------------------------------------------------------------------


def test_unknown_page_gives_a_vietnamese_404(client):
    response = client.get("/khong-ton-tai/")

    html = response.content.decode()
    assert response.status_code == 404
    assert "<h1>Không tìm thấy trang</h1>" in html
    assert _count(html, "h1") == 1


def test_400_page_is_vietnamese():
    request = RequestFactory().get("/")

    response = defaults.bad_request(request, Exception("bad"))

    assert response.status_code == 400
    assert "<h1>Yêu cầu không hợp lệ</h1>" in response.content.decode()


def test_500_page_renders_without_request_or_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        html = loader.get_template("500.html").render()
        response = defaults.server_error(RequestFactory().get("/"))

    assert "<h1>Hệ thống đang gặp sự cố</h1>" in html
    assert response.status_code == 500
    assert "Hệ thống đang gặp sự cố" in response.content.decode()


def test_csrf_failure_explains_in_vietnamese_and_hides_the_reason():
    client = Client(enforce_csrf_checks=True)

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    html = response.content.decode()
    assert response.status_code == 403
    assert "<h1>Không gửi được biểu mẫu</h1>" in html
    assert "CSRF cookie not set" not in html
    assert client.cookies.get("django_language") is None


# --- Messages --------------------------------------------------------------------------------------------


def test_messages_region_announces_each_message_with_a_text_prefix():
    html = loader.render_to_string(
        "web/includes/messages.html",
        {"messages": [Message(constants.SUCCESS, "Đã lưu hồ sơ."), Message(constants.ERROR, "Không lưu được.")]},
    )

    assert html.startswith('<div class="messages" id="messages" role="status">')
    assert (
        '<div class="alert alert-success"><p><span class="visually-hidden">Thành công: </span>Đã lưu hồ sơ.</p>' in html
    )
    assert '<div class="alert alert-error"><p><span class="visually-hidden">Lỗi: </span>Không lưu được.</p>' in html


def test_messages_region_is_empty_without_messages():
    html = loader.render_to_string("web/includes/messages.html", {"messages": []})

    assert html.strip() == '<div class="messages" id="messages" role="status"></div>'


def test_backoffice_query_count_does_not_grow_with_roles(client, login_staff, django_assert_max_num_queries):
    staff = StaffFactory()
    for number in range(8):
        MembershipFactory(user=staff, agency=AgencyFactory(code=f"H29.5{number}"), role=Membership.Role.SPECIALIST)
    login_staff(client, staff)

    with django_assert_max_num_queries(10):
        response = client.get("/backoffice/")

    assert len(response.context["overview"].agencies) == 8
