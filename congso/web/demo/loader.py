"""Load the Ho Chi Minh City demo (dữ liệu trình diễn) through the apps' own services.

Every step is idempotent: running ``load_demo`` twice neither fails nor
duplicates anything. All writes are system actions (``actor=None``) and are
audited by the services they go through.
"""

import base64
import time
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from congso.accounts.services import business_register, citizen_register, staff_create, staff_totp_device_ensure
from congso.agencies.models import Agency
from congso.agencies.services import agency_upsert, city_role_grant, membership_grant
from congso.core.services import audit_record
from congso.geo.models import AdministrativeUnit
from congso.geo.services import units_sync_from_package
from congso.procedures.services import catalog_import
from congso.web.demo import accounts, agencies, procedures

User = get_user_model()

HCMC_PROVINCE_CODE = "79"


@dataclass(frozen=True)
class DemoLogin:
    """One row of the printed table of demo logins."""

    role: str
    agency: str
    username: str
    password: str
    totp_secret: str


@dataclass(frozen=True)
class DemoSummary:
    units: dict[str, Any]
    agencies: int
    procedures: dict[str, int]
    logins: list[DemoLogin]


def totp_secret_base32(key_hex: str) -> str:
    """The secret as authenticator apps expect it (RFC 4648 base32, no padding)."""
    return base64.b32encode(bytes.fromhex(key_hex)).decode().rstrip("=")


def _current_unit(code: str) -> AdministrativeUnit:
    return AdministrativeUnit.objects.get(code=code, level=AdministrativeUnit.Level.COMMUNE, valid_to__isnull=True)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def load_units() -> dict[str, Any]:
    """The 34 provinces and their communes from the ``vietnam-provinces`` package."""
    return units_sync_from_package()


def load_agencies() -> int:
    """The city bodies, then one People's Committee and one police station per demo ward/commune."""
    for code, name, short_name, kind, parent_code, address in agencies.CITY_BODIES:
        agency_upsert(
            actor=None,
            code=code,
            name=name,
            short_name=short_name,
            kind=kind,
            parent_code=parent_code,
            unit_code=HCMC_PROVINCE_CODE if kind == Agency.Kind.CITY else None,
            address=address,
        )
    for unit_code in agencies.COMMUNE_UNIT_CODES:
        unit_name = _current_unit(unit_code).name
        agency_upsert(
            actor=None,
            code=agencies.commune_code(unit_code),
            name="Ủy ban nhân dân " + _lower_first(unit_name),
            short_name="UBND " + _lower_first(unit_name),
            kind=Agency.Kind.COMMUNE,
            parent_code=agencies.CITY,
            unit_code=unit_code,
        )
        agency_upsert(
            actor=None,
            code=agencies.ward_police_code(unit_code),
            name=agencies.ward_police_name(unit_name),
            kind=Agency.Kind.POLICE,
            parent_code=agencies.POLICE,
            unit_code=unit_code,
        )
    return len(agencies.CITY_BODIES) + 2 * len(agencies.COMMUNE_UNIT_CODES)


def catalog_records() -> list[dict]:
    """The procedure records as ``catalog_import`` takes them (review notes removed)."""
    return [{key: value for key, value in record.items() if key != "source_note"} for record in procedures.PROCEDURES]


def load_procedures() -> dict[str, int]:
    return catalog_import(actor=None, records=catalog_records())


@cache
def demo_password_hash() -> str:
    """The demo password hashed once per run: hashing is deliberately slow (about a second each)."""
    return make_password(accounts.DEMO_PASSWORD)


def _ensure_staff(account: accounts.StaffAccount) -> User:
    # A new account starts without a usable password; it then gets the published
    # demo password. An existing password is kept, so a re-run never resets one.
    user = staff_create(username=account.username, full_name=account.full_name, email=account.email)
    if not user.has_usable_password():
        user.password = demo_password_hash()
        user.save(update_fields=["password"])
        audit_record(actor=None, action="web.demo_password_set", obj=user, data={"username": user.get_username()})
    has_demo_key = TOTPDevice.objects.filter(user=user, confirmed=True, key=account.totp_key_hex).exists()
    staff_totp_device_ensure(user=user, key_hex=None if has_demo_key else account.totp_key_hex)
    if account.agency is not None:
        agency = Agency.objects.get(code=account.agency)
        membership_grant(actor=None, user=user, agency=agency, role=account.role)
    else:
        city_role_grant(actor=None, user=user, role=account.role)
    if account.username == accounts.PLATFORM_ADMIN and not (user.is_staff and user.is_superuser):
        # The platform admin also runs Django's /admin/.
        user.is_staff = user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])
        audit_record(actor=None, action="web.demo_superuser", obj=user, data={"username": user.get_username()})
    return user


def load_accounts() -> list[DemoLogin]:
    """One login per role; staff get their fixed TOTP secret. Existing citizen/business accounts are kept."""
    logins = []
    for account in accounts.STAFF:
        _ensure_staff(account)
        agency_name = Agency.objects.get(code=account.agency).name if account.agency else "Toàn thành phố"
        logins.append(
            DemoLogin(
                role=account.role_label,
                agency=agency_name,
                username=account.username,
                password=accounts.DEMO_PASSWORD,
                totp_secret=totp_secret_base32(account.totp_key_hex),
            )
        )
    citizen = User.objects.filter(personal_id=accounts.CITIZEN["personal_id"]).first()
    if citizen is None:
        citizen = citizen_register(**accounts.CITIZEN, password=accounts.DEMO_PASSWORD, consent=True)
    business = User.objects.filter(tax_code=accounts.BUSINESS["tax_code"]).first()
    if business is None:
        business = business_register(**accounts.BUSINESS, password=accounts.DEMO_PASSWORD, consent=True)
    logins.append(DemoLogin("Công dân", citizen.full_name, citizen.get_username(), accounts.DEMO_PASSWORD, ""))
    logins.append(
        DemoLogin("Doanh nghiệp", business.business_name, business.get_username(), accounts.DEMO_PASSWORD, "")
    )
    return logins


@transaction.atomic
def load_demo() -> DemoSummary:
    """Load everything, all or nothing."""
    units = load_units()
    agency_count = load_agencies()
    procedure_counts = load_procedures()
    logins = load_accounts()
    return DemoSummary(units=units, agencies=agency_count, procedures=procedure_counts, logins=logins)


def demo_totp_device(username: str) -> TOTPDevice | None:
    """The confirmed TOTP device of a demo staff account that still uses its published demo secret."""
    account = accounts.staff_account(username)
    if account is None:
        return None
    return TOTPDevice.objects.filter(user__username=username, confirmed=True, key=account.totp_key_hex).first()


def current_totp_code(device: TOTPDevice) -> str:
    """The code an authenticator app shows right now for this device."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"
