"""The home page in a real Chromium at phone width, with and without JavaScript."""

import re

import pytest

PHONE = {"width": 360, "height": 740}

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_fits_a_phone_screen_and_starts_with_the_skip_link(page):
    page.set_viewport_size(PHONE)
    page.goto("/")

    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    page.keyboard.press("Tab")
    focused = page.evaluate("[document.activeElement.className, document.activeElement.getAttribute('href')]")
    skip_link_box = page.locator(".skip-link").bounding_box()

    assert overflow == 0
    assert focused == ["skip-link", "#main"]
    assert skip_link_box["y"] >= 0


def test_phone_menu_opens_without_javascript_and_shows_the_navigation(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="vi-VN", java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    try:
        page.goto("/")
        navigation = page.get_by_role("navigation", name="Điều hướng chính")
        hidden_before = not navigation.is_visible()

        page.get_by_text("Menu", exact=True).click()

        assert hidden_before
        assert navigation.get_by_role("link", name="Thủ tục hành chính").is_visible()
        assert navigation.get_by_role("link", name="Đăng nhập").is_visible()
    finally:
        context.close()


def test_wide_screen_shows_the_navigation_without_the_menu_button(page):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/")

    assert page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Trang chủ").is_visible()
    assert not page.get_by_text("Menu", exact=True).is_visible()


def test_search_form_works_without_javascript(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="vi-VN", java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    try:
        page.goto("/")
        page.get_by_label("Tìm thủ tục hành chính").fill("dang ky khai sinh")

        page.get_by_role("button", name="Tìm kiếm").click()
        page.wait_for_url(re.compile(r"/procedures/\?"))

        assert page.url == f"{live_server.url}/procedures/?q=dang+ky+khai+sinh"
    finally:
        context.close()
