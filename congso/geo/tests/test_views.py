"""Administrative units in the platform administration."""

import pytest
from django.urls import reverse

from congso.accounts.tests.factories import SuperuserFactory
from congso.geo.models import AdministrativeUnit

pytestmark = pytest.mark.django_db

UNIT_LIST = "admin:geo_administrativeunit_changelist"


@pytest.fixture
def admin_client(client, login_staff):
    login_staff(client, SuperuserFactory())
    return client


@pytest.mark.parametrize("query", ["ben thanh", "Bến Thành", "26743"])
def test_admin_searches_units_with_or_without_diacritics(admin_client, loaded_units, query):
    response = admin_client.get(reverse(UNIT_LIST), {"q": query})

    assert response.status_code == 200
    assert [unit.code for unit in response.context["cl"].result_list] == ["26743"]


def test_admin_units_are_read_only(admin_client, loaded_units):
    unit = AdministrativeUnit.objects.get(code="26743")

    assert admin_client.get(reverse("admin:geo_administrativeunit_add")).status_code == 403
    assert admin_client.get(reverse("admin:geo_administrativeunit_change", args=[unit.pk])).status_code == 200
    assert (
        admin_client.post(reverse("admin:geo_administrativeunit_change", args=[unit.pk]), {"name": "Đổi"}).status_code
        == 403
    )
    assert (
        admin_client.post(reverse("admin:geo_administrativeunit_delete", args=[unit.pk]), {"post": "yes"}).status_code
        == 403
    )
    unit.refresh_from_db()
    assert unit.name == "Phường Bến Thành"


def test_admin_lists_unit_successions(admin_client, loaded_units):
    response = admin_client.get(reverse("admin:geo_unitsuccession_changelist"), {"q": "Bến Thành"})

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == []
