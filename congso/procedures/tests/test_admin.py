"""The admin screens write through the services (permission check and audit)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from congso.core.models import AuditEntry
from congso.procedures.models import Field, Procedure
from congso.procedures.tests.factories import (
    AgencyFactory,
    ProcedureFactory,
    StaffFactory,
    make_agency_admin,
    make_platform_admin,
)

pytestmark = pytest.mark.django_db


def _form(procedure: Procedure, **changes) -> dict:
    data = {
        "name": procedure.name,
        "online_level": procedure.online_level,
        "deadline_days": str(procedure.deadline_days),
        "fee": str(procedure.fee),
        "fee_online": "",
        "fee_note": "",
        "is_published": "on",
        "applicants": "",
        "result": "",
        "description": "",
        "legal_basis": "",
        "form_schema": "[]",
    }
    for prefix in ("documents", "steps"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    data.update(changes)
    return data


@pytest.fixture
def setting(client, login_staff):
    agency_a = AgencyFactory(name="Sở A")
    admin_a = StaffFactory(is_staff=True)
    make_agency_admin(admin_a, agency_a)
    login_staff(client, admin_a)
    return {
        "admin_a": admin_a,
        "procedure_a": ProcedureFactory(agencies=[agency_a], fee=Decimal(100)),
        "procedure_b": ProcedureFactory(agencies=[AgencyFactory()], fee=Decimal(100)),
    }


def test_change_goes_through_the_service(client, setting):
    procedure = setting["procedure_a"]
    url = reverse("admin:procedures_procedure_change", args=[procedure.pk])

    response = client.post(url, _form(procedure, fee="200"))

    assert response.status_code == 302
    assert Procedure.objects.get(pk=procedure.pk).fee == 200
    assert AuditEntry.objects.get(action="procedures.update").data["changes"] == {"fee": {"from": "100", "to": "200"}}


def test_invalid_schema_is_a_form_error(client, setting):
    procedure = setting["procedure_a"]
    url = reverse("admin:procedures_procedure_change", args=[procedure.pk])

    response = client.post(url, _form(procedure, form_schema='[{"name": "x"}]', fee="200"))

    assert response.status_code == 200
    assert "Trường “x”: kiểu “” không được hỗ trợ" in response.content.decode()
    assert Procedure.objects.get(pk=procedure.pk).fee == 100


def test_other_agency_procedure_is_hidden(client, setting):
    url = reverse("admin:procedures_procedure_change", args=[setting["procedure_b"].pk])

    response = client.post(url, _form(setting["procedure_b"], fee="0"))

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    assert Procedure.objects.get(pk=setting["procedure_b"].pk).fee == 100


def test_field_rename_through_service(client, login_staff):
    admin = StaffFactory(is_staff=True)
    make_platform_admin(admin)
    login_staff(client, admin)
    field = Field.objects.create(code="ho-tich", name="Hộ tịch")

    response = client.post(
        reverse("admin:procedures_field_change", args=[field.pk]), {"code": "ho-tich", "name": "Hộ tịch, quốc tịch"}
    )

    assert response.status_code == 302
    assert Field.objects.get(pk=field.pk).name == "Hộ tịch, quốc tịch"
    assert AuditEntry.objects.filter(action="procedures.field_update", actor=admin).count() == 1
