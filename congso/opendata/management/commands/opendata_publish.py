"""``manage.py opendata_publish``: refresh the datasets the platform publishes itself, now or every night.

Without ``--key`` it also completes the indexes of every table of the tabular store, as the nightly task does.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from congso.opendata import datastore
from congso.opendata.publishers import PublishResult, publish_all, registered
from congso.opendata.tasks import schedule_refresh


class Command(BaseCommand):
    help = _(
        "Cập nhật các bộ dữ liệu mở do nền tảng tự công bố (sổ đăng ký bộ phát hành). Chạy lại nhiều lần không "
        "tạo phiên bản trùng. Khi chạy tất cả, lập bổ sung chỉ mục còn thiếu của các bảng tra cứu."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--key",
            action="append",
            default=[],
            metavar="KEY",
            help=_("Chỉ chạy bộ phát hành có mã này (dùng nhiều lần được)."),
        )
        parser.add_argument(
            "--schedule",
            action="store_true",
            help=_("Đặt lịch chạy hằng đêm qua hàng đợi tác vụ (cần TASKS_BACKEND=database) thay vì chạy ngay."),
        )
        parser.add_argument(
            "--list", dest="list_only", action="store_true", help=_("Liệt kê các bộ phát hành đã đăng ký.")
        )

    def handle(self, *args, key: list[str], schedule: bool = False, list_only: bool = False, **options) -> None:
        if list_only:
            for publisher in registered():
                self.stdout.write(f"{publisher.key}\t{publisher.name}\t{publisher.title}")
            return
        if schedule:
            self._schedule()
            return
        known = {publisher.key for publisher in registered()}
        unknown = [wanted for wanted in key if wanted not in known]
        if unknown:
            raise CommandError(
                _("Không có bộ phát hành mang mã: {keys}. Xem danh sách bằng --list.").format(keys=", ".join(unknown))
            )
        results = publish_all(keys=key or None)
        for result in results:
            self.stdout.write(self._line(result))
        if not key:
            tables = datastore.complete_indexes()
            self.stdout.write(_("Đã kiểm tra chỉ mục của {count} bảng tra cứu.").format(count=tables))
        failed = [result for result in results if result.error]
        if failed:
            raise CommandError(
                _("{count} bộ phát hành không chạy được: {keys}.").format(
                    count=len(failed), keys=", ".join(result.key for result in failed)
                )
            )

    def _schedule(self) -> None:
        run_after = schedule_refresh()
        if run_after is None:
            raise CommandError(
                _(
                    "Hàng đợi tác vụ đang ở chế độ chạy ngay (TASKS_BACKEND=immediate), không đặt lịch được. "
                    "Dùng TASKS_BACKEND=database với “manage.py db_worker”, hoặc cron gọi “manage.py opendata_publish”."
                )
            )
        self.stdout.write(_("Lần cập nhật tiếp theo: {at:%H:%M %d/%m/%Y}.").format(at=timezone.localtime(run_after)))

    @staticmethod
    def _line(result: PublishResult) -> str:
        if result.error:
            return _("{key}: lỗi — {error}").format(key=result.key, error=result.error)
        name = result.dataset.name if result.dataset is not None else ""
        if result.skipped:
            return _("{key}: bỏ qua, bộ dữ liệu “{name}” đã bị rút.").format(key=result.key, name=name)
        if result.created:
            return _("{key}: đã tạo và công bố “{name}”.").format(key=result.key, name=name)
        if result.new_versions:
            return _("{key}: “{name}” có phiên bản mới: {tables}.").format(
                key=result.key, name=name, tables=", ".join(result.new_versions)
            )
        return _("{key}: “{name}” không thay đổi.").format(key=result.key, name=name)
