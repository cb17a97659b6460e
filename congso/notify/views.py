"""The inbox (hộp thư) at /hop-thu/: one's own notifications, newest first, and marking them read."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from congso.accounts.decorators import account_required
from congso.notify.models import Notification
from congso.notify.selectors import notification_get_for, notifications_for, unread_count
from congso.notify.services import notification_mark_read, notifications_mark_all_read
from congso.notify.validators import is_safe_link

PAGE_SIZE = 20
MAX_ID = 2**63 - 1


def _own_notification(request: HttpRequest, pk: int) -> Notification:
    """The user's notification, or 404 (someone else's looks exactly like one that does not exist)."""
    notification = notification_get_for(user=request.user, pk=pk) if 0 < pk <= MAX_ID else None
    if notification is None:
        raise Http404(_("Không tìm thấy thông báo."))
    return notification


def _back_to_inbox(request: HttpRequest) -> str:
    """The inbox page the form was sent from (``page`` is kept when it is a plausible page number)."""
    url = reverse("notify:inbox")
    page = request.POST.get("page", "")
    if page.isascii() and page.isdigit() and len(page) <= 6 and int(page) > 1:
        return f"{url}?page={int(page)}"
    return url


@account_required
@require_GET
def inbox_view(request: HttpRequest) -> HttpResponse:
    page_obj = Paginator(notifications_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notify/inbox.html",
        {"page_obj": page_obj, "notifications": page_obj.object_list, "unread": unread_count(request.user)},
    )


@account_required
@require_GET
def open_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a notification's link, marking it read on the way."""
    notification = _own_notification(request, pk)
    notification_mark_read(user=request.user, notification=notification)
    if notification.url and is_safe_link(notification.url):
        return HttpResponseRedirect(notification.url)
    return redirect("notify:inbox")


@account_required
@require_POST
def mark_read_view(request: HttpRequest, pk: int) -> HttpResponse:
    notification = _own_notification(request, pk)
    notification_mark_read(user=request.user, notification=notification)
    messages.success(request, _("Đã đánh dấu thông báo “{subject}” là đã đọc.").format(subject=notification.subject))
    return redirect(_back_to_inbox(request))


@account_required
@require_POST
def mark_all_read_view(request: HttpRequest) -> HttpResponse:
    count = notifications_mark_all_read(user=request.user)
    if count:
        message = ngettext(
            "Đã đánh dấu {count} thông báo là đã đọc.", "Đã đánh dấu {count} thông báo là đã đọc.", count
        ).format(count=count)
    else:
        message = _("Không còn thông báo nào chưa đọc.")
    messages.success(request, message)
    return redirect(_back_to_inbox(request))
