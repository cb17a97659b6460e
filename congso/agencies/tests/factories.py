"""Factories for agencies and the roles people hold in them (cơ quan, vai trò)."""

import factory

from congso.accounts.tests.factories import StaffFactory
from congso.agencies.models import Agency, CityRole, Membership
from congso.agencies.services import agency_search_text


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    code = factory.Sequence(lambda n: f"H29.{n:02d}")
    name = factory.Sequence(lambda n: f"Ủy ban nhân dân phường Số {n}")
    kind = Agency.Kind.COMMUNE
    search_text = factory.LazyAttribute(
        lambda agency: agency_search_text(code=agency.code, name=agency.name, short_name=agency.short_name)
    )
    short_name = ""


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(StaffFactory)
    agency = factory.SubFactory(AgencyFactory)
    role = Membership.Role.SPECIALIST


class CityRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CityRole

    user = factory.SubFactory(StaffFactory)
    role = CityRole.Role.PLATFORM_ADMIN


class PlatformAdminFactory(StaffFactory):
    """A staff member holding the city-wide platform admin role (quản trị nền tảng)."""

    username = factory.Sequence(lambda n: f"qtnentang{n}")
    is_staff = True
    city_role = factory.RelatedFactory(CityRoleFactory, factory_related_name="user", role=CityRole.Role.PLATFORM_ADMIN)
