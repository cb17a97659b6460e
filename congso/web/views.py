"""The shell of both sites: home page, back-office overview and the CSRF failure page."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from congso.accounts.decorators import staff_required
from congso.web.selectors import home_catalog, staff_overview


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """Trang chủ: search the procedure catalog, browse by field, see how it works."""
    return render(request, "web/home.html", {"catalog": home_catalog()})


@require_safe
@staff_required
def backoffice(request: HttpRequest) -> HttpResponse:
    """Tổng quan: the staff member's agencies and roles and links to the modules."""
    return render(request, "web/backoffice.html", {"overview": staff_overview(user=request.user)})


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form was sent without a valid security token: explain in Vietnamese, never show ``reason``."""
    return render(request, "web/csrf_failure.html", status=403)
