"""Factories for agencies, roles and the accounts that hold them."""

import factory
from django.contrib.auth import get_user_model

from congso.agencies.models import Agency, CityRole, Membership
from congso.agencies.services import agency_search_text

User = get_user_model()


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"canbo{n}")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Cán Bộ {n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@hcmc.gov.vn")
    kind = User.Kind.STAFF
    password = factory.django.Password("mat-khau-thu-nghiem")


class CitizenFactory(UserFactory):
    username = factory.Sequence(lambda n: f"0790900{n:05d}")
    full_name = factory.Sequence(lambda n: f"Trần Thị Công Dân {n}")
    kind = User.Kind.CITIZEN


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

    user = factory.SubFactory(UserFactory)
    agency = factory.SubFactory(AgencyFactory)
    role = Membership.Role.SPECIALIST


class CityRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CityRole

    user = factory.SubFactory(UserFactory)
    role = CityRole.Role.PLATFORM_ADMIN
