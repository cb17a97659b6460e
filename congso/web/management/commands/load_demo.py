"""``manage.py load_demo``: the Ho Chi Minh City demo data and one login per role."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from congso.dossiers.demo import HISTORY_SIZE, generate_history
from congso.opendata.demo import load_demo_opendata
from congso.web.demo.loader import DemoLogin, load_demo


def _table(rows: list[list[str]]) -> str:
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    lines = [" | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "-+-".join("-" * width for width in widths))
    return "\n".join(line.rstrip() for line in lines)


class Command(BaseCommand):
    help = _(
        "Nạp dữ liệu trình diễn của TP. Hồ Chí Minh (đơn vị hành chính, cơ quan, thủ tục, tài khoản mẫu). "
        "Chạy lại nhiều lần không tạo bản trùng."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help=_(
                "Cho phép chạy khi DEBUG tắt (tạo tài khoản với mật khẩu công khai — không dùng cho hệ thống thật)."
            ),
        )
        parser.add_argument(
            "--history",
            type=int,
            default=HISTORY_SIZE,
            metavar="N",
            help=_("Số hồ sơ lịch sử tạo qua quy trình xử lý trong 12 tháng qua (mặc định {count}).").format(
                count=HISTORY_SIZE
            ),
        )
        parser.add_argument("--no-history", action="store_true", help=_("Không tạo hồ sơ lịch sử."))

    def handle(
        self, *args, force: bool = False, history: int = HISTORY_SIZE, no_history: bool = False, **options
    ) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                _(
                    "Từ chối nạp dữ liệu trình diễn khi DEBUG tắt: lệnh tạo tài khoản với mật khẩu công khai. "
                    "Dùng --force nếu thật sự muốn."
                )
            )
        try:
            summary = load_demo()
        except ValidationError as exc:
            raise CommandError(
                _("Không nạp được dữ liệu trình diễn: {errors}").format(errors="; ".join(exc.messages))
            ) from exc
        self.stdout.write(
            _("Đơn vị hành chính: {provinces} tỉnh, thành phố; {communes} xã, phường, đặc khu.").format(
                provinces=summary.units["provinces"], communes=summary.units["communes"]
            )
        )
        self.stdout.write(_("Cơ quan: {count}.").format(count=summary.agencies))
        self.stdout.write(
            _("Thủ tục hành chính: {created} mới, {updated} cập nhật, {unchanged} không đổi.").format(
                **summary.procedures
            )
        )
        if not no_history and history > 0:
            self._history(history)
        api_key = self._opendata()
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(_("Tài khoản trình diễn:")))
        self.stdout.write(_table(self._rows(summary.logins)))
        self.stdout.write("")
        self.stdout.write(
            _(
                "Cán bộ đăng nhập bước hai bằng mã TOTP: thêm mã bí mật vào ứng dụng xác thực, hoặc chạy "
                "“python manage.py demo_totp <tên đăng nhập>” để lấy mã hiện tại."
            )
        )
        self.stdout.write(
            _("Khóa API trình diễn của UBND phường Bến Thành (đọc dữ liệu dùng chung): {key}").format(key=api_key)
        )

    def _opendata(self) -> str:
        """The demo open-data catalog, then the datasets the platform publishes itself; returns the demo API key."""
        from congso.opendata.publishers import publish_all

        try:
            summary = load_demo_opendata()
        except (ValidationError, PermissionDenied) as exc:
            messages = getattr(exc, "messages", None) or [str(exc)]
            raise CommandError(_("Không nạp được dữ liệu mở: {errors}").format(errors="; ".join(messages))) from exc
        self.stdout.write(
            _("Dữ liệu mở: {created} bộ dữ liệu mới, {unchanged} đã có.").format(
                created=summary["created"], unchanged=summary["unchanged"]
            )
        )
        for result in publish_all():
            if result.error:
                self.stderr.write(
                    _("Không phát hành được bộ dữ liệu “{key}”: {error}").format(key=result.key, error=result.error)
                )
        return str(summary["api_key"])

    def _history(self, count: int) -> None:
        """A year of past dossiers played through the case engine, once (a re-run finds them and adds none)."""
        try:
            summary = generate_history(n=count)
        except (ValidationError, PermissionDenied) as exc:
            messages = getattr(exc, "messages", None) or [str(exc)]
            raise CommandError(_("Không tạo được hồ sơ lịch sử: {errors}").format(errors="; ".join(messages))) from exc
        if summary.skipped:
            self.stdout.write(_("Hồ sơ lịch sử: đã có, không tạo thêm."))
            return
        self.stdout.write(
            _(
                "Hồ sơ lịch sử: {count} hồ sơ trong 12 tháng qua ({seconds:.0f} giây) — trực tuyến {online:.0%}, "
                "đúng hạn {on_time:.0%}, đang xử lý {open:.0%}."
            ).format(count=summary.created, seconds=summary.seconds, **summary.shares)
        )

    @staticmethod
    def _rows(logins: list[DemoLogin]) -> list[list[str]]:
        header = [_("Vai trò"), _("Cơ quan / tên"), _("Tên đăng nhập"), _("Mật khẩu"), _("Mã bí mật TOTP")]
        return [header, *[[row.role, row.agency, row.username, row.password, row.totp_secret or "—"] for row in logins]]
