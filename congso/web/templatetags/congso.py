"""Template helpers for every Công Sở page: ``{% load congso %}``.

Filters: ``vnd`` (money in đồng), ``vn_date`` (dates the Vietnamese way),
``elided_pages`` (page numbers with gaps for the pagination include),
``startswith`` (mark the current section of a menu), ``can_use_backoffice``,
``nfc`` (Unicode-compose text such as Django's decomposed "Tiếng Việt").
Tags: ``{% backoffice_nav %}`` (the back-office side navigation).
"""

import unicodedata
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django import template
from django.core.paginator import Page
from django.utils import timezone
from django.utils.translation import get_language

from congso.accounts.selectors import is_staff_user
from congso.web.navigation import backoffice_links

register = template.Library()


@register.filter
def vnd(value: Any) -> str:
    """Format an amount of đồng: ``1500000`` → ``"1.500.000 đ"`` (in English ``"1,500,000 VND"``).

    Rounds to whole đồng (the currency has no minor unit). Empty values give
    ``""``; anything that is not a number is returned unchanged as text.
    """
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        return str(value)
    if not amount.is_finite():
        return str(value)
    sign = "-" if amount < 0 else ""
    grouped = f"{abs(int(amount)):,}"
    if (get_language() or "").startswith("en"):
        return f"{sign}{grouped}\u00a0VND"
    return f"{sign}{grouped.replace(',', '.')}\u00a0đ"


@register.filter
def vn_date(value: Any, style: str = "") -> str:
    """Format a date as ``dd/mm/yyyy``; a datetime in local time as ``dd/mm/yyyy HH:MM``.

    ``{{ value|vn_date:"date" }}`` drops the time of a datetime. Empty or
    unknown values give ``""``.
    """
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        if style == "date":
            return value.strftime("%d/%m/%Y")
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return ""


@register.filter
def elided_pages(page_obj: Page) -> list[int | str]:
    """Page numbers around the current page, with the paginator's ellipsis for gaps."""
    if not isinstance(page_obj, Page):
        return []
    return list(page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=1, on_ends=1))


@register.filter
def startswith(value: Any, prefix: Any) -> bool:
    """``{% if request.path|startswith:"/procedures/" %}``; false for an empty prefix."""
    return bool(prefix) and str(value).startswith(str(prefix))


@register.filter
def nfc(value: Any) -> str:
    """The text in Unicode normal form C, so that composed and decomposed Vietnamese compare and render alike."""
    return unicodedata.normalize("NFC", str(value))


@register.filter
def can_use_backoffice(user: Any) -> bool:
    """The user is staff and so may open the back office (the second factor is checked there)."""
    return bool(getattr(user, "is_authenticated", False)) and is_staff_user(user)


@register.inclusion_tag("web/includes/backoffice_nav.html", takes_context=True)
def backoffice_nav(context: template.Context) -> dict[str, Any]:
    """The back-office side navigation for the current user, the current page marked."""
    request = context.get("request")
    if request is None:
        return {"links": []}
    return {"links": backoffice_links(user=request.user, path=request.path)}
