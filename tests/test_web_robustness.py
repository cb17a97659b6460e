"""No input reaches a 500 on the web side: every URL pattern of the site (the API and the
admin have their own tests), its path parameters filled with real objects and with garbage,
fed garbage query strings and garbage form data, as an anonymous visitor, a citizen and a
staff member who passed the TOTP second factor.
"""

import re
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from congso.accounts.services import api_token_create
from congso.accounts.tests.factories import CitizenFactory, StaffFactory
from congso.agencies.models import Membership
from congso.agencies.tests.factories import AgencyFactory, MembershipFactory
from congso.geo.tests.factories import CommuneFactory
from congso.procedures.tests.factories import FieldFactory, ProcedureFactory, catalog_record

SKIPPED_PREFIXES = ("api/", "admin/", "static/", "media/")
_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def _routes(resolver: URLResolver, prefix: str = "") -> list[tuple[str, str]]:
    """(route with <converter:name> placeholders, name) of every pattern below ``resolver``."""
    routes = []
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if route.startswith(SKIPPED_PREFIXES):
            continue
        if isinstance(pattern, URLResolver):
            routes.extend(_routes(pattern, route))
        elif isinstance(pattern, URLPattern):
            namespace = f"{resolver.namespace}:" if resolver.namespace else ""
            routes.append((route, f"{namespace}{pattern.name or route}"))
    return routes


ROUTES = _routes(get_resolver())
ROLES = ["anonymous", "citizen", "staff"]

FIELD_NAMES = [
    # accounts
    "username", "password", "next", "personal_id", "full_name", "date_of_birth", "phone", "email",
    "password_confirm", "consent", "tax_code", "business_name", "address", "ward", "old_password",
    "new_password", "new_password_confirm", "token",
    # agencies
    "q", "kind", "role", "page",
    # procedures: search, edit and the birth registration form
    "field", "agency", "level", "online", "online_level", "deadline_days", "fee", "fee_online", "fee_note",
    "is_published", "_action", *(spec["name"] for spec in catalog_record()["form_schema"]),
    # i18n
    "language",
]  # fmt: skip

GARBAGE = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "",
            "\x00",
            "abc\x00def",
            "0",
            "-1",
            "-99999999999999999999",
            "9" * 40,
            "9" * 5000,
            "x" * 100_000,
            "1e309",
            "-1e-309",
            "NaN",
            "Infinity",
            "2026-02-30",
            "30/02/2026",
            "0000-00-00",
            "9999-12-31",
            "31/12/9999",
            "on",
            "edit",
            "true",
            "' OR 1=1 --",
            "<script>alert(1)</script>",
            "//evil.example/",
            "https://evil.example/",
            "../../etc/passwd",
            "%00",
            "H29.A",
            "1.001193",
            "admin",
            "agency_admin",
            "full",
        ]
    ),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)
FORM_DATA = st.dictionaries(st.sampled_from(FIELD_NAMES), st.one_of(GARBAGE, st.lists(GARBAGE, max_size=3)), max_size=8)
QUERY = st.dictionaries(st.sampled_from(FIELD_NAMES), GARBAGE, max_size=5)


@dataclass
class World:
    citizen: object
    staff: object
    real: dict[str, list[str]]


@pytest.fixture
def world(db) -> World:
    """A little of everything: an agency the staff member administers, another one, published and
    unpublished procedures with an application form, a ward, a membership and a citizen's API key.
    """
    CommuneFactory(parent__code="79")
    agency = AgencyFactory(code="H29.A", name="Sở A")
    other = AgencyFactory(code="H29.B", name="Sở B")
    staff = StaffFactory()
    MembershipFactory(user=staff, agency=agency, role=Membership.Role.AGENCY_ADMIN)
    member = MembershipFactory(agency=agency, role=Membership.Role.SPECIALIST)
    foreign = MembershipFactory(agency=other, role=Membership.Role.SPECIALIST)
    field = FieldFactory(code="ho-tich", name="Hộ tịch")
    form = catalog_record()["form_schema"]
    ProcedureFactory(code="1.001193", name="Đăng ký khai sinh", field=field, agencies=[agency], form_schema=form)
    ProcedureFactory(code="1.000001", field=field, agencies=[other], online_level="none", fee=Decimal(5000))
    ProcedureFactory(code="1.000002", field=field, agencies=[agency], is_published=False, form_schema=form)
    ProcedureFactory(code="1.000003", field=field, agencies=[agency], form_schema=[{"name": "broken"}])
    citizen = CitizenFactory()
    token, _key = api_token_create(user=citizen, name="Điện thoại")
    real = {
        "code": ["H29.A", "H29.B", "1.001193", "1.000001", "1.000002", "1.000003"],
        "pk": [str(member.pk), str(foreign.pk), str(token.pk)],
    }
    return World(citizen=citizen, staff=staff, real=real)


def _path_value(world: World, name: str, converter: str | None):
    real = st.sampled_from(world.real.get(name, ["1"]))
    garbage = GARBAGE.map(lambda value: quote(value[:200], safe="") or "x")
    if converter == "int":
        garbage = st.one_of(garbage, st.integers(min_value=0, max_value=2**80).map(str))
    return st.one_of(real, garbage)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("route", "name"), ROUTES, ids=[name for _route, name in ROUTES])
def test_web_page_never_answers_500(client, login_staff, world, route, name, role):
    parameters = [(match["name"], match["converter"]) for match in _PARAMETER.finditer(route)]

    def log_in() -> None:
        if role == "citizen":
            client.force_login(world.citizen)
        elif role == "staff":
            login_staff(client, world.staff)

    @settings(
        max_examples=6,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        path_values=st.fixed_dictionaries({name: _path_value(world, name, conv) for name, conv in parameters}),
        query=QUERY,
        data=FORM_DATA,
        htmx=st.booleans(),
    )
    def check(path_values, query, data, htmx):
        # A POST may have logged the client out or changed the account: start each example afresh.
        client.logout()
        log_in()
        url = "/" + _PARAMETER.sub(lambda match: path_values[match["name"]], route)
        headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
        for method in ("get", "post"):
            response = getattr(client, method)(url, query if method == "get" else data, **headers)
            assert response.status_code < 500, (method, url, query, data, response.content[:300])

    check()
