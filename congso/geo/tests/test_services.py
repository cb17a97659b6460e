"""Loading the national list of administrative units."""

import datetime
from collections import Counter

import pytest
from django.core.management import call_command
from django.utils import timezone

from congso.core.models import AuditEntry
from congso.geo.models import AdministrativeUnit
from congso.geo.services import REORGANISATION_DATE, units_sync_from_package
from congso.geo.tests.factories import CommuneFactory

pytestmark = pytest.mark.django_db


def test_sync_loads_34_provinces_and_their_communes():
    # when
    counts = units_sync_from_package()

    # then
    assert counts == {"provinces": 34, "communes": 3321, "created": 3355, "updated": 0, "closed": 0}
    assert AdministrativeUnit.objects.filter(level="province").count() == 34
    assert AdministrativeUnit.objects.filter(level="commune").count() == 3321
    assert set(AdministrativeUnit.objects.values_list("valid_from", flat=True)) == {REORGANISATION_DATE}
    assert AdministrativeUnit.objects.filter(valid_to__isnull=False).count() == 0
    assert AdministrativeUnit.objects.filter(level="commune", parent__isnull=True).count() == 0
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.data["created"]) == ("geo.units_sync", None, 3355)


def test_ho_chi_minh_city_has_168_units(units):
    hcmc = AdministrativeUnit.objects.get(level="province", code="79")
    communes = AdministrativeUnit.objects.filter(parent=hcmc)

    assert (hcmc.name, hcmc.division_type, hcmc.codename) == (
        "Thành phố Hồ Chí Minh",
        "thanh_pho_trung_uong",
        "ho_chi_minh",
    )
    assert communes.count() == 168
    assert Counter(communes.values_list("division_type", flat=True)) == {"phuong": 113, "xa": 54, "dac_khu": 1}
    assert communes.get(division_type="dac_khu").name == "Đặc khu Côn Đảo"


def test_commune_codes_are_five_digits_and_province_codes_two(units):
    ben_thanh = AdministrativeUnit.objects.get(code="26743")
    hanoi = AdministrativeUnit.objects.get(level="province", code="01")

    assert (ben_thanh.name, ben_thanh.name_search, ben_thanh.parent.code) == (
        "Phường Bến Thành",
        "phuong ben thanh",
        "79",
    )
    assert hanoi.name == "Thành phố Hà Nội"
    assert AdministrativeUnit.objects.get(code="00070").name == "Phường Hoàn Kiếm"


def test_doubled_spaces_in_package_names_are_normalised(units):
    assert AdministrativeUnit.objects.filter(name__contains="  ").count() == 0
    assert AdministrativeUnit.objects.filter(name="Phường Buôn Ma Thuột").count() == 1


def test_second_sync_changes_nothing(units):
    # given
    before = list(AdministrativeUnit.objects.order_by("id").values())

    # when
    counts = units_sync_from_package()

    # then
    assert counts == {"provinces": 34, "communes": 3321, "created": 0, "updated": 0, "closed": 0}
    assert list(AdministrativeUnit.objects.order_by("id").values()) == before
    assert AuditEntry.objects.count() == 1


def test_sync_repairs_a_changed_unit_in_place(units):
    # given
    ben_thanh = AdministrativeUnit.objects.get(code="26743")
    AdministrativeUnit.objects.filter(pk=ben_thanh.pk).update(name="Phường Sai Tên", name_search="phuong sai ten")

    # when
    counts = units_sync_from_package()

    # then
    assert (counts["created"], counts["updated"], counts["closed"]) == (0, 1, 0)
    ben_thanh.refresh_from_db()
    assert (ben_thanh.name, ben_thanh.name_search) == ("Phường Bến Thành", "phuong ben thanh")


def test_unit_missing_from_the_package_is_closed_not_deleted(units):
    # given a unit the package does not list
    hcmc = AdministrativeUnit.objects.get(level="province", code="79")
    gone = CommuneFactory(code="99999", parent=hcmc, valid_from=REORGANISATION_DATE)

    # when
    counts = units_sync_from_package()

    # then
    assert (counts["created"], counts["updated"], counts["closed"]) == (0, 0, 1)
    gone.refresh_from_db()
    assert gone.valid_to == timezone.localdate()
    assert units_sync_from_package()["closed"] == 0


def test_closed_unit_that_is_listed_again_is_reopened(units):
    AdministrativeUnit.objects.filter(code="26743").update(valid_to=datetime.date(2026, 1, 1))

    counts = units_sync_from_package()

    assert counts["updated"] == 1
    assert AdministrativeUnit.objects.get(code="26743").valid_to is None


def test_older_units_with_the_same_code_are_left_alone(units):
    # given a pre-2025 unit that reused a code
    old = CommuneFactory(code="26743", parent=None, valid_from=datetime.date(2008, 8, 1), valid_to=REORGANISATION_DATE)

    # when
    units_sync_from_package()

    # then
    old.refresh_from_db()
    assert (old.valid_from, old.valid_to) == (datetime.date(2008, 8, 1), REORGANISATION_DATE)
    assert AdministrativeUnit.objects.filter(code="26743").count() == 2


def test_load_units_command(db, capsys):
    call_command("load_units")
    call_command("load_units")

    out = capsys.readouterr().out.splitlines()
    assert out == [
        "Tỉnh: 34, xã: 3321; thêm 3355, cập nhật 0, hết hiệu lực 0.",
        "Tỉnh: 34, xã: 3321; thêm 0, cập nhật 0, hết hiệu lực 0.",
    ]
