import contextlib
import logging

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from congso.accounts.tests.factories import CitizenFactory, StaffFactory
from congso.notify.channels import Channel, Delivery, get_channels, register_channel
from congso.notify.models import Notification
from congso.notify.selectors import notification_get_for, notifications_for, unread_count
from congso.notify.services import notification_mark_read, notifications_mark_all_read, notify
from congso.notify.tasks import send_notification_email
from congso.notify.tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db

SUBJECT = "Hồ sơ H29.01-261120-0001 đã được tiếp nhận"
BODY = "Ủy ban nhân dân phường Bến Thành đã tiếp nhận hồ sơ của bạn.\nNgày hẹn trả kết quả: 20/11/2026."


# --- notify: the inbox row ----------------------------------------------------------------------


def test_notify_writes_the_inbox_row(django_capture_on_commit_callbacks):
    citizen = CitizenFactory()

    with django_capture_on_commit_callbacks():
        notification = notify(user=citizen, subject=SUBJECT, body=BODY, url="/ho-so/1/", kind="dossier.received")

    stored = Notification.objects.get()
    assert stored == notification
    assert (stored.user, stored.subject, stored.body, stored.url, stored.kind) == (
        citizen,
        SUBJECT,
        BODY,
        "/ho-so/1/",
        "dossier.received",
    )
    assert stored.read_at is None
    assert stored.emailed_at is None


def test_notify_puts_the_subject_on_one_line_and_cuts_it_to_fit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        short = notify(user=CitizenFactory(), subject="Hồ sơ\r\n  đã   được\ttiếp nhận", body="")
        long = notify(user=CitizenFactory(), subject="Đ" * 300, body="")

    assert short.subject == "Hồ sơ đã được tiếp nhận"
    assert long.subject == "Đ" * 199 + "…"


@pytest.mark.parametrize("url", ["javascript:alert(1)", "//evil.example/", "ho-so/1", "/\t/evil.example", "ftp://x/"])
def test_notify_refuses_a_link_that_is_not_a_page_or_http_address(url, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(ValidationError) as caught:
        notify(user=CitizenFactory(), subject=SUBJECT, body=BODY, url=url)

    assert caught.value.code == "invalid_url"
    assert Notification.objects.count() == 0
    assert callbacks == []


def test_notify_accepts_an_http_address():
    notification = notify(user=CitizenFactory(), subject=SUBJECT, body=BODY, url="https://dichvucong.gov.vn/p/1")

    assert notification.url == "https://dichvucong.gov.vn/p/1"


def test_notify_without_anyone_to_tell_does_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        assert notify(subject=SUBJECT, body=BODY) is None
        assert notify(email="  ", subject=SUBJECT, body=BODY) is None

    assert Notification.objects.count() == 0
    assert callbacks == []


# --- notify: the e-mail -------------------------------------------------------------------------


def test_email_is_enqueued_only_when_the_transaction_commits(settings, django_capture_on_commit_callbacks):
    settings.CONGSO_PUBLIC_URL = "https://dichvucong.example.vn"
    citizen = CitizenFactory(email="nguyen.an@example.vn")

    with django_capture_on_commit_callbacks() as callbacks:
        notification = notify(user=citizen, subject=SUBJECT, body=BODY, url="/ho-so/1/")
        assert mail.outbox == []

    assert len(callbacks) == 1
    assert mail.outbox == []

    callbacks[0]()

    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["nguyen.an@example.vn"]
    assert sent.subject == SUBJECT
    assert sent.from_email == "Công Sở <no-reply@congso.local>"
    assert sent.body.startswith(BODY + "\n\nXem chi tiết: https://dichvucong.example.vn/ho-so/1/\n\n")
    assert "Thư gửi tự động từ Công Sở" in sent.body
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_a_rolled_back_action_sends_nothing(django_capture_on_commit_callbacks):
    citizen = CitizenFactory()

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        contextlib.suppress(RuntimeError),
        transaction.atomic(),
    ):
        notify(user=citizen, subject=SUBJECT, body=BODY)
        raise RuntimeError("the dossier transition failed")

    assert callbacks == []
    assert mail.outbox == []
    assert Notification.objects.count() == 0


def test_an_explicit_address_wins_over_the_users(django_capture_on_commit_callbacks):
    citizen = CitizenFactory(email="tai-khoan@example.vn")

    with django_capture_on_commit_callbacks(execute=True):
        notify(user=citizen, email="nguoi-nop@example.vn", subject=SUBJECT, body=BODY)

    assert [m.to for m in mail.outbox] == [["nguoi-nop@example.vn"]]


def test_email_only_notification_has_no_inbox_row(settings, django_capture_on_commit_callbacks):
    settings.CONGSO_PUBLIC_URL = ""
    with django_capture_on_commit_callbacks(execute=True):
        result = notify(email="khach@example.vn", subject=SUBJECT, body=BODY, url="/tra-cuu/")

    assert result is None
    assert Notification.objects.count() == 0
    assert [(m.to, m.subject) for m in mail.outbox] == [(["khach@example.vn"], SUBJECT)]
    assert "Xem chi tiết: /tra-cuu/" in mail.outbox[0].body


def test_public_address_makes_the_link_absolute(settings, django_capture_on_commit_callbacks):
    settings.CONGSO_PUBLIC_URL = "https://dichvucong.hochiminhcity.gov.vn/"

    with django_capture_on_commit_callbacks(execute=True):
        notify(email="khach@example.vn", subject=SUBJECT, body=BODY, url="/ho-so/7/")

    assert "Xem chi tiết: https://dichvucong.hochiminhcity.gov.vn/ho-so/7/" in mail.outbox[0].body


def test_user_without_email_gets_only_the_inbox_row(django_capture_on_commit_callbacks):
    citizen = CitizenFactory(email="")

    with django_capture_on_commit_callbacks() as callbacks:
        notification = notify(user=citizen, subject=SUBJECT, body=BODY)

    assert notification is not None
    assert callbacks == []


def test_an_invalid_address_is_skipped_and_logged(caplog, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, caplog.at_level(logging.WARNING, "congso.notify"):
        notification = notify(user=CitizenFactory(), email="khong-phai-dia-chi\r\nBcc: x@y.z", subject=SUBJECT, body="")

    assert notification is not None
    assert callbacks == []
    assert "not an e-mail address" in caplog.text


def test_the_email_task_sends_a_notification_once():
    notification = NotificationFactory(subject=SUBJECT, body=BODY)

    assert send_notification_email.call(to="a@example.vn", notification_id=notification.pk) is True
    assert send_notification_email.call(to="a@example.vn", notification_id=notification.pk) is False

    assert len(mail.outbox) == 1


def test_the_email_task_for_a_deleted_notification_sends_nothing():
    notification = NotificationFactory()
    pk = notification.pk
    notification.delete()

    assert send_notification_email.call(to="a@example.vn", notification_id=pk) is False
    assert mail.outbox == []


def test_a_failed_send_is_logged_and_released_for_a_retry(monkeypatch, caplog):
    notification = NotificationFactory()

    def broken(*args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("congso.notify.services.send_mail", broken)
    with caplog.at_level(logging.ERROR, "congso.notify"):
        assert send_notification_email.call(to="a@example.vn", notification_id=notification.pk) is False

    assert "e-mail not sent" in caplog.text
    notification.refresh_from_db()
    assert notification.emailed_at is None
    monkeypatch.undo()
    assert send_notification_email.call(to="a@example.vn", notification_id=notification.pk) is True
    assert len(mail.outbox) == 1


def test_a_failure_to_enqueue_does_not_reach_the_caller(monkeypatch, caplog, django_capture_on_commit_callbacks):
    class BrokenQueue:
        def enqueue(self, **kwargs):
            raise RuntimeError("queue unavailable")

    monkeypatch.setattr("congso.notify.tasks.send_notification_email", BrokenQueue())
    with caplog.at_level(logging.ERROR, "congso.notify"), django_capture_on_commit_callbacks(execute=True):
        notification = notify(user=CitizenFactory(), subject=SUBJECT, body=BODY)

    assert notification.pk is not None
    assert "could not enqueue" in caplog.text


@pytest.mark.django_db(transaction=True)  # the worker closes the database connection between tasks
def test_database_backend_queues_the_email_for_the_worker(settings, django_capture_on_commit_callbacks):
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    citizen = CitizenFactory(email="nguyen.an@example.vn")

    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(user=citizen, subject=SUBJECT, body=BODY)

    queued = DBTaskResult.objects.get()
    assert queued.task_path == "congso.notify.tasks.send_notification_email"
    assert queued.args_kwargs["kwargs"] == {"to": "nguyen.an@example.vn", "notification_id": notification.pk}
    assert mail.outbox == []

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    assert [m.to for m in mail.outbox] == [["nguyen.an@example.vn"]]
    queued.refresh_from_db()
    assert queued.status == "SUCCESSFUL"


# --- channels -----------------------------------------------------------------------------------


class RecordingChannel(Channel):
    name = "recording"
    seen: list[Delivery] = []

    def deliver(self, delivery: Delivery) -> None:
        RecordingChannel.seen.append(delivery)


def test_channels_come_from_the_setting(settings, django_capture_on_commit_callbacks):
    settings.CONGSO_NOTIFY_CHANNELS = ["inbox"]

    with django_capture_on_commit_callbacks() as callbacks:
        notification = notify(user=CitizenFactory(), subject=SUBJECT, body=BODY)

    assert notification is not None
    assert callbacks == []


def test_email_channel_alone_sends_the_text(settings, django_capture_on_commit_callbacks):
    settings.CONGSO_NOTIFY_CHANNELS = ["email"]

    with django_capture_on_commit_callbacks(execute=True):
        result = notify(user=CitizenFactory(email="an@example.vn"), subject=SUBJECT, body=BODY)

    assert result is None
    assert Notification.objects.count() == 0
    assert [(m.to, m.subject) for m in mail.outbox] == [(["an@example.vn"], SUBJECT)]


def test_email_before_inbox_still_sends_the_inbox_row_once(settings, django_capture_on_commit_callbacks):
    settings.CONGSO_NOTIFY_CHANNELS = ["email", "inbox"]

    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(user=CitizenFactory(), subject=SUBJECT, body=BODY)

    notification.refresh_from_db()
    assert notification.emailed_at is not None
    assert len(mail.outbox) == 1


def test_a_channel_by_dotted_path_and_by_registered_name(settings):
    RecordingChannel.seen = []
    settings.CONGSO_NOTIFY_CHANNELS = ["inbox", "congso.notify.tests.test_services.RecordingChannel"]

    notification = notify(user=CitizenFactory(), subject=SUBJECT, body=BODY, kind="test")

    assert [(d.subject, d.kind, d.notification) for d in RecordingChannel.seen] == [(SUBJECT, "test", notification)]
    register_channel(RecordingChannel)
    settings.CONGSO_NOTIFY_CHANNELS = ["recording"]
    assert [type(c) for c in get_channels()] == [RecordingChannel]


@pytest.mark.parametrize("entry", ["sms", "congso.notify.nowhere.Channel", "congso.notify.models.Notification"])
def test_an_unknown_channel_is_a_configuration_error(settings, entry):
    settings.CONGSO_NOTIFY_CHANNELS = ["inbox", entry]

    with pytest.raises(ImproperlyConfigured):
        notify(user=CitizenFactory(), subject=SUBJECT, body=BODY)

    assert Notification.objects.count() == 0


# --- marking read and the selectors -------------------------------------------------------------


def test_mark_read_sets_the_time_once():
    notification = NotificationFactory()

    first = notification_mark_read(user=notification.user, notification=notification).read_at
    again = notification_mark_read(user=notification.user, notification=notification).read_at

    assert first is not None
    assert again == first
    notification.refresh_from_db()
    assert notification.read_at == first


def test_nobody_marks_another_persons_notification_read():
    notification = NotificationFactory()

    with pytest.raises(PermissionDenied):
        notification_mark_read(user=StaffFactory(), notification=notification)

    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_all_read_touches_only_the_users_unread_notifications():
    citizen = CitizenFactory()
    earlier = timezone.now() - timezone.timedelta(days=1)
    already = NotificationFactory(user=citizen, read_at=earlier)
    NotificationFactory.create_batch(3, user=citizen)
    others = NotificationFactory()

    assert notifications_mark_all_read(user=citizen) == 3
    assert notifications_mark_all_read(user=citizen) == 0

    assert unread_count(citizen) == 0
    already.refresh_from_db()
    assert already.read_at == earlier
    others.refresh_from_db()
    assert others.read_at is None


def test_selectors_are_scoped_to_the_user(django_assert_num_queries):
    citizen = CitizenFactory()
    old = NotificationFactory(user=citizen, created_at=timezone.now() - timezone.timedelta(hours=2))
    new = NotificationFactory(user=citizen)
    read = NotificationFactory(user=citizen, read_at=timezone.now())
    foreign = NotificationFactory()

    assert list(notifications_for(citizen)) == [read, new, old]
    with django_assert_num_queries(1):
        assert unread_count(citizen) == 2
    assert notification_get_for(user=citizen, pk=foreign.pk) is None
    assert notification_get_for(user=citizen, pk=new.pk) == new


def test_anonymous_has_no_notifications():
    from django.contrib.auth.models import AnonymousUser

    NotificationFactory()

    assert list(notifications_for(AnonymousUser())) == []
    assert unread_count(AnonymousUser()) == 0
