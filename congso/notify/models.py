"""Notifications (thông báo): the messages in a person's inbox (hộp thư) on the portal."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congso.notify.validators import validate_link


class Notification(models.Model):
    """One message in one person's inbox, written by ``congso.notify.services.notify``.

    ``url`` points at what the message is about (a dossier, a complaint): a path on
    this site or an http(s) address. ``emailed_at`` is set when the e-mail copy is
    sent, so that re-running the e-mail task never sends it twice.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nhận"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(
        _("loại"), max_length=50, blank=True, help_text=_("Mã loại thông báo, ví dụ dossier.received")
    )
    subject = models.CharField(_("tiêu đề"), max_length=200)
    body = models.TextField(_("nội dung"), blank=True)
    url = models.CharField(_("đường dẫn"), max_length=500, blank=True, validators=[validate_link])
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("đã gửi thư lúc"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notify_user_created_idx"),
            models.Index(fields=["user"], condition=Q(read_at__isnull=True), name="notify_user_unread_idx"),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
