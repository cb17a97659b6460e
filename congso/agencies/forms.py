"""Back-office forms for agencies: search, and granting a role to a staff account."""

from django import forms
from django.utils.translation import gettext_lazy as _

from congso.agencies.models import Agency, Membership
from congso.agencies.permissions import can_assign_role
from congso.agencies.selectors import staff_user_get


class AgencySearchForm(forms.Form):
    q = forms.CharField(label=_("Tìm cơ quan"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("Loại cơ quan"), required=False, choices=[("", _("Tất cả")), *Agency.Kind.choices])


def grantable_roles(actor, agency: Agency) -> list[tuple[str, str]]:
    """The roles ``actor`` may grant in ``agency``: agency admin only for a platform admin."""
    return [(value, label) for value, label in Membership.Role.choices if can_assign_role(actor, agency, value)]


class MembershipAddForm(forms.Form):
    username = forms.CharField(
        label=_("Tên đăng nhập của cán bộ"),
        max_length=150,
        help_text=_("Tài khoản cán bộ, công chức đã được cấp."),
    )
    role = forms.ChoiceField(label=_("Vai trò"))

    def __init__(self, *args, actor, agency: Agency, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = grantable_roles(actor, agency)
        self.staff_user = None

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        self.staff_user = staff_user_get(username=username)
        if self.staff_user is None:
            raise forms.ValidationError(
                _("Không tìm thấy tài khoản cán bộ đang hoạt động với tên đăng nhập này."), code="unknown_user"
            )
        return username
