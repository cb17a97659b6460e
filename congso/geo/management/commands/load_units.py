"""Load or refresh the administrative units from the installed vietnam-provinces package."""

from django.core.management.base import BaseCommand

from congso.geo.services import units_sync_from_package


class Command(BaseCommand):
    help = "Nạp 34 tỉnh, thành phố và các phường, xã, đặc khu từ gói vietnam-provinces (chạy lại an toàn)."

    def handle(self, *args, **options) -> None:
        counts = units_sync_from_package()
        self.stdout.write(
            "Tỉnh: {provinces}, xã: {communes}; thêm {created}, cập nhật {updated}, hết hiệu lực {closed}.".format(
                **counts
            )
        )
