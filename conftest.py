"""Fixtures shared by every app's tests: a real Chromium page driven by Playwright."""

import os
from collections.abc import Iterator

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator["object"]:
    """Debian's chromium (never a downloaded build), started once per test session."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the Django ORM
    # calls made by test set-up happen outside it and are safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        yield launched
        launched.close()


@pytest.fixture
def page(browser, live_server) -> Iterator["object"]:
    """A fresh browser context in Vietnamese, pointed at the live test server."""
    context = browser.new_context(base_url=live_server.url, locale="vi-VN")
    context.set_default_timeout(10_000)
    opened = context.new_page()
    yield opened
    context.close()


@pytest.fixture
def login_staff():
    """Log a staff user into a Django test client as having passed the TOTP second factor.

    Usage: ``login_staff(client, user)``; creates a confirmed TOTP device if needed.
    """
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    def _login(client, user):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        client.force_login(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return device

    return _login


@pytest.fixture
def staff_page(browser, live_server, login_staff):
    """``staff_page(user)``: a browser page signed in as that staff member, second factor passed.

    The session is made by Django's test client and handed to the browser as its cookie; the contexts are
    closed at the end of the test.
    """
    from django.conf import settings
    from django.test import Client

    contexts = []

    def _open(user):
        client = Client()
        login_staff(client, user)
        context = browser.new_context(base_url=live_server.url, locale="vi-VN")
        context.set_default_timeout(10_000)
        contexts.append(context)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
        return context.new_page()

    yield _open
    for context in contexts:
        context.close()
