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
    assert list(AuditEntry.objects.order_by("id").values_list("action", "data")) == [
        ("accounts.user_search", {"query": citizen.personal_id}),
        ("accounts.user_list", {"filters": {"q": citizen.personal_id}, "shown": [citizen.pk]}),
        ("accounts.user_list", {"filters": {"kind__exact": "business"}, "shown": [business.pk]}),
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


def test_changing_a_user_is_audited_with_the_field_names(admin_client, citizen):
    url = reverse("admin:accounts_user_change", args=[citizen.pk])
    data = {
        "username": citizen.username,
        "kind": "citizen",
        "full_name": citizen.full_name,
        "personal_id": citizen.personal_id,
        "date_of_birth": "17/05/1990",
        "email": citizen.email,
        "phone": citizen.phone,
        "is_active": "on",
        "is_staff": "on",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "01/01/2026",
        "date_joined_1": "08:00:00",
    }

    response = admin_client.post(url, data)

    assert response.status_code == 302
    citizen.refresh_from_db()
    assert citizen.is_staff
    entry = AuditEntry.objects.get(action="accounts.user_update")
    assert entry.object_id == str(citizen.pk)
    assert "is_staff" in entry.data["fields"]


def test_setting_a_password_in_the_admin_is_audited_without_the_password(admin_client, citizen):
    new_password = "Mat-khau-moi-2026!"
    url = reverse("admin:auth_user_password_change", args=[citizen.pk])

    response = admin_client.post(url, {"password1": new_password, "password2": new_password})

    assert response.status_code == 302
    citizen.refresh_from_db()
    assert citizen.check_password(new_password)
    entry = AuditEntry.objects.get(action="accounts.user_password_set")
    assert entry.object_id == str(citizen.pk)
    assert new_password not in str(entry.data)


def test_deleting_users_and_keys_is_audited(admin_client, citizen, business):
    token, _ = services.api_token_create(user=business, name="Máy chủ")

    admin_client.post(reverse("admin:accounts_apitoken_delete", args=[token.pk]), {"post": "yes"})
    admin_client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "delete_selected", "_selected_action": [citizen.pk, business.pk], "post": "yes"},
    )

    assert not ApiToken.objects.filter(pk=token.pk).exists()
    assert set(AuditEntry.objects.filter(action="accounts.user_delete").values_list("object_id", flat=True)) == {
        str(citizen.pk),
        str(business.pk),
    }
    assert AuditEntry.objects.get(action="accounts.api_token_delete").data == {"prefix": token.prefix}


def test_searching_users_from_an_autocomplete_box_is_audited(admin_client, citizen):
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "agencies", "model_name": "membership", "field_name": "user", "term": citizen.personal_id},
    )

    assert response.status_code == 200
    assert [item["id"] for item in response.json()["results"]] == [str(citizen.pk)]
    assert list(AuditEntry.objects.values_list("action", "data")) == [
        ("accounts.user_search", {"query": citizen.personal_id})
    ]
