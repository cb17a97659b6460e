"""The e-mail copy over real SMTP: an aiosmtpd server on the loopback interface."""

import logging

import pytest
from django.db import transaction

from congso.accounts.tests.factories import CitizenFactory
from congso.notify.models import Notification
from congso.notify.services import notify
from congso.notify.tests.conftest import free_port

SUBJECT = "Hồ sơ H29.01-261120-0001: yêu cầu bổ sung giấy tờ"
BODY = "Kính gửi ông Nguyễn Văn Ấn,\nĐề nghị bổ sung bản sao giấy chứng nhận quyền sử dụng đất (sổ đỏ)."


@pytest.mark.django_db(transaction=True)
def test_notify_sends_a_utf8_email_over_smtp_after_commit(smtp_server, smtp_settings):
    smtp_settings.EMAIL_HOST, smtp_settings.EMAIL_PORT = smtp_server.host, smtp_server.port
    smtp_settings.CONGSO_PUBLIC_URL = "https://dichvucong.example.vn"
    citizen = CitizenFactory(email="nguyen.van.an@example.vn")

    with transaction.atomic():
        notification = notify(user=citizen, subject=SUBJECT, body=BODY, url="/ho-so/1/", kind="dossier.supplement")
        assert smtp_server.received.messages == []

    [(recipients, message)] = smtp_server.received.messages
    assert recipients == ["nguyen.van.an@example.vn"]
    assert message["To"] == "nguyen.van.an@example.vn"
    # Python folds a long encoded header onto the next line ("Subject:\n =?utf-8?b?...?="); the
    # parser keeps the fold's leading space, which mail clients drop.
    assert message["Subject"].lstrip() == SUBJECT
    assert message["From"] == "Công Sở <no-reply@congso.local>"
    assert message.get_content_charset() == "utf-8"
    text = message.get_content().replace("\r\n", "\n")  # SMTP carries CRLF line ends
    assert text.startswith(BODY + "\n\nXem chi tiết: https://dichvucong.example.vn/ho-so/1/\n")
    assert "Thư gửi tự động từ Công Sở, vui lòng không trả lời thư này." in text
    notification.refresh_from_db()
    assert notification.emailed_at is not None


@pytest.mark.django_db(transaction=True)
def test_an_unreachable_mail_server_does_not_fail_the_caller(smtp_settings, caplog):
    smtp_settings.EMAIL_HOST, smtp_settings.EMAIL_PORT = "127.0.0.1", free_port()
    citizen = CitizenFactory()

    with caplog.at_level(logging.ERROR, "congso.notify"), transaction.atomic():
        notification = notify(user=citizen, subject=SUBJECT, body=BODY)

    stored = Notification.objects.get()
    assert stored == notification
    assert stored.emailed_at is None
    assert "e-mail not sent" in caplog.text
