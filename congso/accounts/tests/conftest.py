"""Fixtures for the accounts tests."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from congso.accounts.tests.factories import BusinessFactory, CitizenFactory, StaffFactory


def totp_code(device: TOTPDevice, offset_steps: int = 0) -> str:
    """The code an authenticator app shows now for this device (``offset_steps`` moves the clock)."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift + offset_steps):06d}"


@pytest.fixture
def citizen(db):
    return CitizenFactory()


@pytest.fixture
def business(db):
    return BusinessFactory()


@pytest.fixture
def staff(db):
    return StaffFactory()
