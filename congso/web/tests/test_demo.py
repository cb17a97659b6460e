"""The Ho Chi Minh City demo: ``load_demo`` and ``demo_totp``.

The demo is loaded once per module (twice, to prove idempotency) inside a
transaction that is rolled back at the end, so other test modules never see it;
each test runs in its own savepoint on top of it.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from congso.agencies.models import Agency, CityRole, Membership
from congso.core.models import AuditEntry
from congso.geo.models import AdministrativeUnit
from congso.procedures.form_schema import validate_schema
from congso.procedures.models import Procedure, ProcessingStep, RequiredDocument
from congso.web.demo import accounts, agencies, procedures
from congso.web.demo.loader import totp_secret_base32

User = get_user_model()

STAFF = accounts.STAFF
STEP_ORDER = ["desk_officer", "specialist", "leader"]


def _counts() -> dict[str, int]:
    return {
        "provinces": AdministrativeUnit.objects.filter(level="province").count(),
        "hcmc_units": AdministrativeUnit.objects.filter(parent__code="79", valid_to__isnull=True).count(),
        "units": AdministrativeUnit.objects.count(),
        "agencies": Agency.objects.count(),
        "procedures": Procedure.objects.count(),
        "documents": RequiredDocument.objects.count(),
        "steps": ProcessingStep.objects.count(),
        "procedure_agency_links": Procedure.agencies.through.objects.count(),
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
        "city_roles": CityRole.objects.count(),
        "totp_devices": TOTPDevice.objects.count(),
    }


def _run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@dataclass(frozen=True)
class Loaded:
    first_counts: dict[str, int]
    second_counts: dict[str, int]
    first_output: str
    second_output: str


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Loaded]:
    # The demo's open-data files go to a temporary folder, not to var/media.
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), transaction.atomic(), override_settings(MEDIA_ROOT=media):
        with override_settings(DEBUG=True):
            first_output = _run("load_demo", "--no-history")
        first_counts = _counts()
        second_output = _run("load_demo", "--force", "--no-history")
        second_counts = _counts()
        yield Loaded(first_counts, second_counts, first_output, second_output)
        transaction.set_rollback(True)


def _totp_code(username: str) -> str:
    with override_settings(DEBUG=True):
        return _run("demo_totp", username).strip()


def test_load_demo_twice_creates_nothing_new(demo, db):
    # Given the demo loaded once, when it is loaded again, then every count is the same
    assert demo.second_counts == demo.first_counts
    assert "Thủ tục hành chính: 38 mới, 0 cập nhật, 0 không đổi." in demo.first_output
    assert "Thủ tục hành chính: 0 mới, 0 cập nhật, 38 không đổi." in demo.second_output


def test_load_demo_loads_all_provinces_and_the_168_hcmc_units(demo, db):
    assert demo.first_counts["provinces"] == 34
    assert demo.first_counts["hcmc_units"] == 168
    assert AdministrativeUnit.objects.get(code="26743", level="commune").name == "Phường Bến Thành"


def test_load_demo_creates_the_city_agencies(demo, db):
    assert demo.first_counts["agencies"] == len(agencies.CITY_BODIES) + 2 * len(agencies.COMMUNE_UNIT_CODES)
    assert demo.first_counts["agencies"] >= 25
    root = Agency.objects.get(code="000.00.00.H29")
    assert (root.name, root.kind, root.parent, root.administrative_unit.code) == (
        "Ủy ban nhân dân Thành phố Hồ Chí Minh",
        "city",
        None,
        "79",
    )
    justice = Agency.objects.get(code=agencies.JUSTICE)
    assert (justice.name, justice.kind, justice.parent) == ("Sở Tư pháp", "department", root)
    centre = Agency.objects.get(code="000.01.01.H29")
    assert (centre.kind, centre.parent.code, centre.address) == (
        "centre",
        agencies.OFFICE,
        "43 Nguyễn Văn Bá, phường Thủ Đức",
    )


def test_every_ward_committee_and_police_station_is_linked_to_its_real_unit(demo, db):
    communes = Agency.objects.filter(kind="commune").select_related("administrative_unit", "parent")
    assert sorted(agency.administrative_unit.code for agency in communes) == sorted(agencies.COMMUNE_UNIT_CODES)
    for agency in communes:
        unit = agency.administrative_unit
        assert agency.code == agencies.commune_code(unit.code)
        assert agency.name == "Ủy ban nhân dân " + unit.name[0].lower() + unit.name[1:]
        assert agency.parent.code == agencies.CITY
        assert unit.parent.code == "79"
    ben_thanh = Agency.objects.get(code="267.43.99.H29")
    assert ben_thanh.name == "Ủy ban nhân dân phường Bến Thành"
    police = Agency.objects.get(code="267.43.98.H29")
    assert (police.name, police.kind, police.parent.code) == ("Công an phường Bến Thành", "police", agencies.POLICE)
    con_dao = Agency.objects.get(code=agencies.ward_police_code("26732"))
    assert con_dao.name == "Công an đặc khu Côn Đảo"


def test_load_demo_publishes_at_least_30_complete_procedures(demo, db):
    published = Procedure.objects.filter(is_published=True).prefetch_related("documents", "steps", "agencies")
    assert sorted(published.values_list("code", flat=True)) == sorted(
        record["code"] for record in procedures.PROCEDURES
    )
    assert published.count() >= 30
    for procedure in published:
        documents = list(procedure.documents.all())
        assert documents, procedure.code
        assert any(document.is_mandatory for document in documents), procedure.code
        assert all(document.accepted_types for document in documents), procedure.code
        steps = list(procedure.steps.all())
        assert [step.role for step in steps] == STEP_ORDER, procedure.code
        assert sum(step.share_percent for step in steps) == 100, procedure.code
        assert procedure.form_schema, procedure.code
        validate_schema(procedure.form_schema)
        assert procedure.agencies.exists(), procedure.code


def test_commune_procedures_go_to_every_ward_committee_and_city_ones_to_their_body(demo, db):
    committees = set(Agency.objects.filter(kind="commune").values_list("code", flat=True))
    birth = Procedure.objects.get(code="1.001193")
    assert (birth.name, birth.level, birth.online_level, birth.deadline_days, birth.fee) == (
        "Đăng ký khai sinh",
        "commune",
        "full",
        Decimal("1.0"),
        Decimal(0),
    )
    assert set(birth.agencies.values_list("code", flat=True)) == committees
    residence = Procedure.objects.get(code="1.004222")
    assert set(residence.agencies.values_list("code", flat=True)) == set(agencies.WARD_POLICE)
    assert (residence.fee, residence.fee_online) == (Decimal(20000), Decimal(10000))
    criminal_record = Procedure.objects.get(code="3.000333")
    assert list(criminal_record.agencies.values_list("code", flat=True)) == [agencies.POLICE]
    justice = Procedure.objects.filter(agencies__code=agencies.JUSTICE)
    assert justice.count() == 3


def test_the_birth_registration_form_asks_for_the_child_and_the_parents(demo, db):
    schema = Procedure.objects.get(code="1.001193").form_schema
    by_name = {field["name"]: field for field in schema}
    assert by_name["child_full_name"]["type"] == "text"
    assert by_name["child_sex"]["choices"] == [["nam", "Nam"], ["nu", "Nữ"]]
    assert by_name["mother_personal_id"]["type"] == "personal_id"
    assert by_name["father_personal_id"]["required"] is False
    assert by_name["applicant_relationship"]["type"] == "select"


def test_data_files_keep_a_review_note_for_every_procedure():
    assert all(record["source_note"] for record in procedures.PROCEDURES)
    assert len({record["code"] for record in procedures.PROCEDURES}) == len(procedures.PROCEDURES)


def test_agency_code_scheme():
    assert agencies.commune_code("26743") == "267.43.99.H29"
    assert agencies.ward_police_code("26743") == "267.43.98.H29"
    assert agencies.ward_police_name("Xã Củ Chi") == "Công an xã Củ Chi"


def test_the_printed_table_lists_every_login_with_the_demo_password(demo, db):
    for account in STAFF:
        line = next(line for line in demo.first_output.splitlines() if f" {account.username} " in line)
        assert accounts.DEMO_PASSWORD in line
        assert totp_secret_base32(account.totp_key_hex) in line
    assert " 079302004215 " in demo.first_output
    assert " 0318765432 " in demo.first_output


def test_staff_hold_their_roles(demo, db):
    for account in STAFF:
        user = User.objects.get(username=account.username)
        assert user.kind == "staff"
        if account.agency:
            assert list(user.memberships.values_list("agency__code", "role")) == [(account.agency, account.role)]
        else:
            assert list(user.city_roles.values_list("role", flat=True)) == [account.role]
    admin = User.objects.get(username=accounts.PLATFORM_ADMIN)
    assert (admin.is_staff, admin.is_superuser) == (True, True)
    others = User.objects.filter(username__in=[a.username for a in STAFF]).exclude(pk=admin.pk)
    assert not others.filter(is_superuser=True).exists()


@pytest.mark.parametrize("account", STAFF, ids=lambda account: account.username)
def test_every_staff_login_works_with_password_and_demo_totp(demo, db, client, account):
    # Given the demo accounts, when a staff member signs in with the demo password
    response = client.post(
        reverse("accounts:login"), {"username": account.username, "password": accounts.DEMO_PASSWORD}
    )
    # then the second factor is asked for
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:otp_verify"))
    # and the code printed by demo_totp is accepted by the device
    response = client.post(reverse("accounts:otp_verify"), {"token": _totp_code(account.username)})
    assert response.status_code == 302
    assert response.url == reverse("web:backoffice")
    assert client.session["otp_device_id"] == TOTPDevice.objects.get(user__username=account.username).persistent_id


@pytest.mark.parametrize("username", ["079302004215", "0318765432"])
def test_citizen_and_business_logins_work(demo, db, client, username):
    response = client.post(reverse("accounts:login"), {"username": username, "password": accounts.DEMO_PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("web:home")
    assert client.session["_auth_user_id"] == str(User.objects.get(username=username).pk)


def test_demo_citizen_and_business_have_valid_identities(demo, db):
    citizen = User.objects.get(personal_id="079302004215")
    assert (citizen.kind, citizen.full_name, citizen.date_of_birth.year) == ("citizen", "Trương Ngọc Anh", 2002)
    business = User.objects.get(tax_code="0318765432")
    assert (business.kind, business.business_name) == ("business", "Công ty TNHH Cà phê Bến Thành Demo")


def test_load_demo_refuses_without_debug(db):
    # Given DEBUG off (the test settings) and no --force
    before = _counts()
    audit_before = AuditEntry.objects.count()
    # When load_demo runs, then it refuses and writes nothing
    with pytest.raises(CommandError, match="DEBUG tắt"):
        _run("load_demo")
    assert _counts() == before
    assert AuditEntry.objects.count() == audit_before


def test_demo_totp_refuses_without_debug(demo, db):
    with pytest.raises(CommandError, match="chỉ dùng khi DEBUG bật"):
        _run("demo_totp", "demo.benthanh.motcua")


@pytest.mark.parametrize("username", ["079302004215", "admin", "", "demo.khongco"])
def test_demo_totp_refuses_accounts_that_are_not_demo_staff(demo, db, username):
    with override_settings(DEBUG=True), pytest.raises(CommandError, match="không phải tài khoản cán bộ trình diễn"):
        _run("demo_totp", username)


def test_demo_totp_refuses_a_demo_account_whose_secret_was_changed(demo, db):
    # Given a demo staff member who re-keyed their authenticator
    device = TOTPDevice.objects.get(user__username="demo.thanhtra")
    device.key = "00" * 20
    device.save()
    # When demo_totp is asked for their code, then it refuses (it only ever prints codes for published secrets)
    with override_settings(DEBUG=True), pytest.raises(CommandError, match="không phải tài khoản cán bộ trình diễn"):
        _run("demo_totp", "demo.thanhtra")


def test_a_rerun_keeps_a_password_the_user_changed(demo, db):
    # Given a demo user who changed their password
    user = User.objects.get(username="demo.tuphap.motcua")
    user.set_password("Mat-khau-rieng-2026")
    user.save()
    # When the demo is loaded again
    _run("load_demo", "--force", "--no-history")
    # Then their own password still works
    user.refresh_from_db()
    assert user.check_password("Mat-khau-rieng-2026")
