"""The platform administration site; staff must have passed the TOTP second factor."""

from django.utils.translation import gettext_lazy as _
from django_otp.admin import OTPAdminSite


class CongSoAdminSite(OTPAdminSite):
    site_header = _("Quản trị Công Sở")
    site_title = _("Quản trị Công Sở")
    index_title = _("Quản trị nền tảng")


admin_site = CongSoAdminSite(name="admin")
