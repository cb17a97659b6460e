"""Factories for accounts: citizens, businesses, staff and API keys."""

import datetime

import factory

from congso.accounts.models import User

PASSWORD = "Mat-khau-an-toan-2026"


class CitizenFactory(factory.django.DjangoModelFactory):
    """A citizen born in 1990 and registered in Ho Chi Minh City (prefix 079)."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    personal_id = factory.Sequence(lambda n: f"0790900{n:05d}")
    username = factory.SelfAttribute("personal_id")
    kind = User.Kind.CITIZEN
    full_name = factory.Sequence(lambda n: f"Nguyễn Thị Công Dân {n}")
    date_of_birth = datetime.date(1990, 5, 17)
    phone = factory.Sequence(lambda n: f"09{n:08d}")
    email = factory.Sequence(lambda n: f"congdan{n}@example.vn")
    password = factory.django.Password(PASSWORD)


class BusinessFactory(factory.django.DjangoModelFactory):
    """A business (doanh nghiệp) signing in with its tax code."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    tax_code = factory.Sequence(lambda n: f"03{n:08d}")
    username = factory.SelfAttribute("tax_code")
    kind = User.Kind.BUSINESS
    business_name = factory.Sequence(lambda n: f"Công ty TNHH Số {n}")
    full_name = factory.Sequence(lambda n: f"Lê Văn Đại Diện {n}")
    phone = factory.Sequence(lambda n: f"028{n:08d}")
    email = factory.Sequence(lambda n: f"doanhnghiep{n}@example.vn")
    password = factory.django.Password(PASSWORD)


class StaffFactory(factory.django.DjangoModelFactory):
    """A staff member (cán bộ) without Django admin access; pass ``is_staff=True`` for that."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"canbo.{n}")
    kind = User.Kind.STAFF
    full_name = factory.Sequence(lambda n: f"Phạm Văn Cán Bộ {n}")
    email = factory.Sequence(lambda n: f"canbo{n}@tphcm.gov.vn")
    password = factory.django.Password(PASSWORD)


class SuperuserFactory(StaffFactory):
    """A staff member who is a Django superuser (quản trị hệ thống)."""

    username = factory.Sequence(lambda n: f"quantri{n}")
    is_staff = True
    is_superuser = True
