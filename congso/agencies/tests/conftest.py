"""Fixtures for the agencies tests."""

import pytest

from congso.agencies.tests.cast import Cast, build_cast


@pytest.fixture
def cast(db) -> Cast:
    return build_cast()


@pytest.fixture
def login_as(client, login_staff, cast):
    """Log ``client`` in as a member of the cast by name; staff pass the second factor, "anonymous" stays out."""

    def _login(name: str) -> None:
        user = cast.by_name(name)
        if name == "citizen":
            client.force_login(user)
        elif user is not None:
            login_staff(client, user)

    return _login
