"""API router for one's own notifications (mounted at /api/v1/notifications/)."""

from datetime import datetime

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest
from ninja import Field, Path, Query, Router, Schema

from congso.accounts.auth import api_auth
from congso.api.errors import ErrorOut
from congso.notify.models import Notification
from congso.notify.selectors import notification_get_for, notifications_for, unread_count
from congso.notify.services import notification_mark_read, notifications_mark_all_read

router = Router(tags=["notifications"], auth=api_auth)

PAGE_SIZE = 50
MAX_PAGE = 10_000
MAX_ID = 2**63 - 1


class NotificationOut(Schema):
    id: int
    kind: str = Field(..., description="Mã loại thông báo, ví dụ dossier.received")
    subject: str
    body: str
    url: str = Field(..., description="Đường dẫn trên cổng (/ho-so/12/) hoặc địa chỉ http(s); rỗng nếu không có")
    created_at: datetime
    read_at: datetime | None


class NotificationQuery(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE)
    unread: bool = Field(False, description="Chỉ lấy thông báo chưa đọc")


class NotificationPageOut(Schema):
    count: int
    page: int
    page_size: int
    unread_count: int
    items: list[NotificationOut]


class ReadAllOut(Schema):
    marked: int = Field(..., description="Số thông báo vừa được đánh dấu đã đọc")
    unread_count: int


def _own_or_404(request: HttpRequest, notification_id: int) -> Notification:
    notification = notification_get_for(user=request.auth, pk=notification_id)
    if notification is None:
        raise Http404
    return notification


@router.get(
    "/",
    response={200: NotificationPageOut, 401: ErrorOut, 422: ErrorOut},
    summary="Hộp thư: thông báo của tôi",
)
def list_notifications(request: HttpRequest, params: Query[NotificationQuery]):
    """The signed-in user's notifications, newest first, 50 per page."""
    notifications = notifications_for(request.auth)
    if params.unread:
        notifications = notifications.filter(read_at__isnull=True)
    paginator = Paginator(notifications, PAGE_SIZE)
    page = params.page
    items = list(paginator.page(page).object_list) if page <= paginator.num_pages else []
    return {
        "count": paginator.count,
        "page": page,
        "page_size": PAGE_SIZE,
        "unread_count": unread_count(request.auth),
        "items": items,
    }


@router.post(
    "/read-all",
    response={200: ReadAllOut, 401: ErrorOut},
    summary="Đánh dấu tất cả thông báo là đã đọc",
)
def read_all(request: HttpRequest):
    return {"marked": notifications_mark_all_read(user=request.auth), "unread_count": 0}


@router.post(
    "/{notification_id}/read",
    response={200: NotificationOut, 401: ErrorOut, 404: ErrorOut},
    summary="Đánh dấu một thông báo là đã đọc",
)
def read_one(request: HttpRequest, notification_id: int = Path(..., ge=1, le=MAX_ID)):
    """Idempotent; someone else's notification answers 404, like one that does not exist."""
    return notification_mark_read(user=request.auth, notification=_own_or_404(request, notification_id))
