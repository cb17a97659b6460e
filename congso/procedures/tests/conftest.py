"""Fixtures shared by the procedures tests: a ward, the birth registration procedure and two agencies."""

from dataclasses import dataclass
from decimal import Decimal

import pytest

from congso.accounts.models import User
from congso.agencies.models import Agency
from congso.procedures.models import Procedure
from congso.procedures.tests.factories import (
    AgencyFactory,
    FieldFactory,
    ProcedureFactory,
    StaffFactory,
    catalog_record,
    make_agency_admin,
)


@pytest.fixture
def ward(db) -> Agency:
    """UBND phường Bến Thành, the commune the catalog record is published at (H29.P001)."""
    return AgencyFactory(code="H29.P001", name="UBND phường Bến Thành", kind=Agency.Kind.COMMUNE)


@pytest.fixture
def birth_procedure(ward) -> Procedure:
    """Đăng ký khai sinh (1.001193) at the ward, with the catalog record's form; modules add documents and steps."""
    return ProcedureFactory(
        code="1.001193",
        name="Đăng ký khai sinh",
        field=FieldFactory(code="ho-tich", name="Hộ tịch"),
        agencies=[ward],
        deadline_days=Decimal("0.5"),
        fee=Decimal(8000),
        fee_online=Decimal(0),
        form_schema=catalog_record()["form_schema"],
        legal_basis="Luật Hộ tịch 2014",
    )


@dataclass
class TwoAgencies:
    """Sở A (H29.A) and Sở B (H29.B), and a staff member who administers only Sở A."""

    agency_a: Agency
    agency_b: Agency
    admin_a: User


@pytest.fixture
def two_agencies(db) -> TwoAgencies:
    agency_a = AgencyFactory(code="H29.A", name="Sở A")
    agency_b = AgencyFactory(code="H29.B", name="Sở B")
    admin_a = StaffFactory()
    make_agency_admin(admin_a, agency_a)
    return TwoAgencies(agency_a=agency_a, agency_b=agency_b, admin_a=admin_a)
