"""The platform admin pages for accounts and API keys."""

import pytest
from django.urls import reverse

from congso.accounts import services
from congso.accounts.models import ApiToken
from congso.accounts.tests.factories import StaffFactory
from congso.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, login_staff):
    login_staff(client, StaffFactory(is_staff=True, is_superuser=True))
    return client


def test_user_list_filters_by_kind_and_searches_identity_numbers(admin_client, citizen, business):
    url = reverse("admin:accounts_user_changelist")

    by_id = admin_client.get(url, {"q": citizen.personal_id})
    by_kind = admin_client.get(url, {"kind__exact": "business"})

    assert by_id.status_code == 200
    assert list(by_id.context["cl"].result_list) == [citizen]
    assert list(by_kind.context["cl"].result_list) == [business]
    assert list(AuditEntry.objects.values_list("action", "data")) == [
        ("accounts.user_search", {"query": citizen.personal_id})
    ]


def test_viewing_a_user_is_audited(admin_client, citizen):
    response = admin_client.get(reverse("admin:accounts_user_change", args=[citizen.pk]))

    assert response.status_code == 200
    entry = AuditEntry.objects.get(action="accounts.user_view")
    assert entry.object_id == str(citizen.pk)


def test_add_user_page_renders(admin_client):
    assert admin_client.get(reverse("admin:accounts_user_add")).status_code == 200


def test_tokens_are_listed_and_revoked_by_action(admin_client, citizen):
    token, _ = services.api_token_create(user=citizen, name="Điện thoại")
    url = reverse("admin:accounts_apitoken_changelist")

    assert admin_client.get(url).status_code == 200
    assert admin_client.get(reverse("admin:accounts_apitoken_add")).status_code == 403
    response = admin_client.post(url, {"action": "revoke", "_selected_action": [token.pk]})

    assert response.status_code == 302
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
