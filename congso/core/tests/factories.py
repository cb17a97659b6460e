"""Factories for the core tests: people who act, and city calendar overrides."""

import datetime

import factory
from django.contrib.auth import get_user_model

from congso.agencies.models import CityRole
from congso.core.models import CalendarOverride

User = get_user_model()


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"canbo{n}")
    full_name = factory.Sequence(lambda n: f"Lê Thị Cán Bộ {n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@hcmc.gov.vn")
    kind = User.Kind.STAFF
    is_staff = True
    password = factory.django.Password("mat-khau-thu-nghiem")


class SuperuserFactory(StaffFactory):
    username = factory.Sequence(lambda n: f"quantri{n}")
    is_superuser = True


class PlatformAdminFactory(StaffFactory):
    """A staff member holding the city-wide platform admin role (quản trị nền tảng)."""

    username = factory.Sequence(lambda n: f"qtnentang{n}")
    city_role = factory.RelatedFactory(
        "congso.core.tests.factories.CityRoleFactory", factory_related_name="user", role=CityRole.Role.PLATFORM_ADMIN
    )


class CityRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CityRole

    user = factory.SubFactory(StaffFactory)
    role = CityRole.Role.PLATFORM_ADMIN


class CalendarOverrideFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CalendarOverride

    date = datetime.date(2026, 10, 10)
    kind = CalendarOverride.Kind.WORKING_DAY
    reason = "Làm bù theo quyết định của UBND Thành phố"
