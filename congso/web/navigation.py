"""The back office's side navigation: which modules a staff member sees, the current one marked."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from congso.agencies.permissions import is_platform_admin


@dataclass(frozen=True)
class NavLink:
    """One entry of a navigation list; ``current`` sets ``aria-current="page"``."""

    label: str | Promise
    url: str
    current: bool = False


def _is_current(path: str, url: str, *, exact: bool) -> bool:
    return path == url if exact else path.startswith(url)


def backoffice_links(*, user, path: str) -> list[NavLink]:
    """The back-office modules for ``user``; the audit log only for platform admins."""
    entries: list[tuple[str | Promise, str, bool]] = [
        (_("Tổng quan"), reverse("web:backoffice"), True),
        (_("Hồ sơ"), reverse("backoffice_dossiers:queue"), False),
        (_("Cơ quan"), reverse("agencies:list"), False),
        (_("Thủ tục"), reverse("procedures:manage_list"), False),
        (_("Dữ liệu mở"), reverse("backoffice_opendata:list"), False),
    ]
    if is_platform_admin(user):
        entries.append((_("Nhật ký"), reverse("admin:core_auditentry_changelist"), False))
    return [NavLink(label, url, _is_current(path, url, exact=exact)) for label, url, exact in entries]
