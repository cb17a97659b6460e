"""Factories for the web app's tests: people, agencies, roles and published procedures."""

from decimal import Decimal

import factory

from congso.accounts.models import User
from congso.agencies.models import Agency, CityRole, Membership
from congso.core.text import fold
from congso.procedures.models import Field, Procedure


class CitizenFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"0790900{n:05d}")
    full_name = "Nguyễn Văn An"
    email = factory.Sequence(lambda n: f"congdan{n}@example.vn")
    kind = User.Kind.CITIZEN
    password = factory.django.Password("mat-khau-an-toan-1")


class StaffFactory(CitizenFactory):
    username = factory.Sequence(lambda n: f"canbo{n}")
    full_name = "Trần Thị Bích"
    email = factory.Sequence(lambda n: f"canbo{n}@hochiminhcity.gov.vn")
    kind = User.Kind.STAFF


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"H29.{n:02d}")
    name = factory.Sequence(lambda n: f"UBND Phường Số {n}")
    kind = Agency.Kind.COMMUNE


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(StaffFactory)
    agency = factory.SubFactory(AgencyFactory)
    role = Membership.Role.DESK_OFFICER


class CityRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CityRole

    user = factory.SubFactory(StaffFactory)
    role = CityRole.Role.OPERATIONS_VIEWER


class FieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Field
        django_get_or_create = ("code",)

    code = "ho-tich"
    name = "Hộ tịch"


class ProcedureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Procedure
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"1.00{n:04d}")
    name = "Đăng ký khai sinh"
    field = factory.SubFactory(FieldFactory)
    level = Procedure.Level.COMMUNE
    online_level = Procedure.OnlineLevel.FULL
    deadline_days = Decimal("3")
    fee = Decimal("0")
    name_search = factory.LazyAttribute(lambda o: fold(f"{o.code} {o.name} {o.field.name}"))
