import pytest
from django.urls import reverse
from django.utils import timezone

from congso.accounts.tests.factories import CitizenFactory, StaffFactory
from congso.notify.models import Notification
from congso.notify.tests.factories import NotificationFactory
from congso.notify.views import PAGE_SIZE

pytestmark = pytest.mark.django_db

INBOX = "/hop-thu/"


def test_inbox_url_names():
    assert reverse("notify:inbox") == INBOX
    assert reverse("notify:mark_all_read") == "/hop-thu/da-doc/"
    assert reverse("notify:mark_read", args=[7]) == "/hop-thu/7/da-doc/"
    assert reverse("notify:open", args=[7]) == "/hop-thu/7/"


def test_inbox_sends_anonymous_visitors_to_login(client):
    response = client.get(INBOX)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/hop-thu/"


def test_inbox_asks_staff_for_the_second_factor_first(client):
    staff = StaffFactory()
    client.force_login(staff)

    response = client.get(INBOX)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/otp/setup/?next=")


def test_staff_who_passed_the_second_factor_see_their_inbox(client, login_staff):
    staff = StaffFactory()
    NotificationFactory(user=staff, subject="Hồ sơ mới được phân công cho bạn")
    login_staff(client, staff)

    response = client.get(INBOX)

    assert response.status_code == 200
    assert "Hồ sơ mới được phân công cho bạn" in response.content.decode()


def test_empty_inbox_says_so_in_vietnamese(client):
    client.force_login(CitizenFactory())

    html = client.get(INBOX).content.decode()

    assert "<h1>Hộp thư</h1>" in html
    assert "Hộp thư của bạn đang trống." in html
    assert "Đánh dấu tất cả là đã đọc" not in html


def test_inbox_lists_own_notifications_newest_first_unread_in_bold(client):
    citizen = CitizenFactory()
    now = timezone.now()
    NotificationFactory(user=citizen, subject="Cũ đã đọc", created_at=now - timezone.timedelta(days=2), read_at=now)
    unread = NotificationFactory(user=citizen, subject="Mới chưa đọc", body="Dòng một\nDòng hai", url="/ho-so/5/")
    NotificationFactory(subject="Của người khác")
    client.force_login(citizen)

    html = client.get(INBOX).content.decode()

    assert html.index("Mới chưa đọc") < html.index("Cũ đã đọc")
    assert f'<a href="/hop-thu/{unread.pk}/"><strong>Mới chưa đọc</strong></a>' in html
    assert "<strong>Cũ đã đọc</strong>" not in html
    assert "Dòng một<br>Dòng hai" in html
    assert "Của người khác" not in html
    assert "Bạn có 1 thông báo chưa đọc." in html
    assert html.count('action="/hop-thu/') == 2  # mark this one read + mark all read
    assert 'name="csrfmiddlewaretoken"' in html


def test_inbox_escapes_the_text(client):
    citizen = CitizenFactory()
    NotificationFactory(user=citizen, subject="<script>alert(1)</script>", body="<img src=x onerror=alert(1)>")
    client.force_login(citizen)

    html = client.get(INBOX).content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;" in html


def test_inbox_is_paginated_with_few_queries(client, django_assert_max_num_queries):
    citizen = CitizenFactory()
    NotificationFactory.create_batch(PAGE_SIZE + 5, user=citizen)
    client.force_login(citizen)

    with django_assert_max_num_queries(8):
        first = client.get(INBOX)
    second = client.get(INBOX, {"page": 2})

    assert first.content.decode().count('class="card notification') == PAGE_SIZE
    assert second.content.decode().count('class="card notification') == 5
    assert 'rel="next"' in first.content.decode()
    assert client.get(INBOX, {"page": "abc"}).status_code == 200


def test_mark_one_read(client):
    citizen = CitizenFactory()
    notification = NotificationFactory(user=citizen)
    client.force_login(citizen)

    response = client.post(reverse("notify:mark_read", args=[notification.pk]), {"page": "2"})

    assert response.status_code == 302
    assert response["Location"] == "/hop-thu/?page=2"
    notification.refresh_from_db()
    assert notification.read_at is not None
    html = client.get(INBOX).content.decode()
    assert "đã đọc" in html
    assert f"<strong>{notification.subject}</strong>" not in html


def test_mark_read_refuses_get_and_needs_csrf(client):
    from django.test import Client

    citizen = CitizenFactory()
    notification = NotificationFactory(user=citizen)
    client.force_login(citizen)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(citizen)

    assert client.get(reverse("notify:mark_read", args=[notification.pk])).status_code == 405
    assert strict.post(reverse("notify:mark_read", args=[notification.pk])).status_code == 403
    assert strict.post(reverse("notify:mark_all_read")).status_code == 403
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_all_read(client):
    citizen = CitizenFactory()
    NotificationFactory.create_batch(3, user=citizen)
    other = NotificationFactory()
    client.force_login(citizen)

    response = client.post(reverse("notify:mark_all_read"), {"page": "9" * 5000}, follow=True)

    assert response.redirect_chain == [("/hop-thu/", 302)]
    assert "Đã đánh dấu 3 thông báo là đã đọc." in response.content.decode()
    assert Notification.objects.filter(user=citizen, read_at__isnull=True).count() == 0
    other.refresh_from_db()
    assert other.read_at is None
    again = client.post(reverse("notify:mark_all_read"), follow=True)
    assert "Không còn thông báo nào chưa đọc." in again.content.decode()


def test_open_marks_read_and_follows_the_link(client):
    citizen = CitizenFactory()
    notification = NotificationFactory(user=citizen, url="/ho-so/12/")
    without_link = NotificationFactory(user=citizen, url="")
    client.force_login(citizen)

    response = client.get(reverse("notify:open", args=[notification.pk]))

    assert response.status_code == 302
    assert response["Location"] == "/ho-so/12/"
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert client.get(reverse("notify:open", args=[without_link.pk]))["Location"] == INBOX


def test_open_never_follows_an_unsafe_link_written_around_the_service(client):
    citizen = CitizenFactory()
    notification = NotificationFactory(user=citizen)
    Notification.objects.filter(pk=notification.pk).update(url="javascript:alert(1)")
    client.force_login(citizen)

    assert client.get(reverse("notify:open", args=[notification.pk]))["Location"] == INBOX


def test_inbox_in_english(client):
    citizen = CitizenFactory()
    client.force_login(citizen)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    html = client.get(INBOX).content.decode()

    assert '<html lang="en">' in html
