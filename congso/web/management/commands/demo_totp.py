"""``manage.py demo_totp <username>``: the current second-factor code of a demo staff account."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from congso.web.demo.loader import current_totp_code, demo_totp_device


class Command(BaseCommand):
    help = _("In mã xác thực TOTP hiện tại của một tài khoản cán bộ trình diễn (chỉ khi DEBUG bật).")

    def add_arguments(self, parser) -> None:
        parser.add_argument("username", help=_("Tên đăng nhập của tài khoản cán bộ trình diễn"))

    def handle(self, *args, username: str, **options) -> None:
        if not settings.DEBUG:
            raise CommandError(_("Từ chối: lệnh demo_totp chỉ dùng khi DEBUG bật."))
        device = demo_totp_device(username)
        if device is None:
            raise CommandError(
                _(
                    "Từ chối: “{username}” không phải tài khoản cán bộ trình diễn còn dùng mã bí mật mẫu "
                    "(hãy chạy load_demo trước)."
                ).format(username=username)
            )
        self.stdout.write(current_totp_code(device))
