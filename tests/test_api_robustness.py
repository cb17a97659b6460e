"""No input reaches a 500: every operation of the published OpenAPI schema, fed arbitrary
path and query values and arbitrary JSON bodies, anonymously and as a platform admin.
"""

import json
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from congso.accounts.services import api_token_create
from congso.accounts.tests.factories import StaffFactory
from congso.agencies.models import CityRole
from congso.agencies.services import city_role_grant
from congso.api.urls import api

OPERATIONS = [
    (method.upper(), path, operation)
    for path, methods in api.get_openapi_schema()["paths"].items()
    for method, operation in methods.items()
]

text_values = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", "0", "-1", "9" * 30, "1e309", "NaN", "' OR 1=1 --", "%00", "../../etc", "2026-02-30"]),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5),
    max_leaves=12,
)


def body_for(operation):
    """Bodies that mix the operation's real field names with wrong-typed values."""
    schema = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
    ref = schema.get("$ref", "")
    properties = api.get_openapi_schema()["components"]["schemas"].get(ref.rsplit("/", 1)[-1], {}).get("properties", {})
    known = st.fixed_dictionaries({}, optional=dict.fromkeys(properties, json_values))
    return st.one_of(json_values, known)


@pytest.fixture
def admin_token(db):
    admin = StaffFactory()
    city_role_grant(actor=None, user=admin, role=CityRole.Role.PLATFORM_ADMIN)
    return api_token_create(user=admin, name="robustness")[1]


@pytest.mark.parametrize(("method", "path", "operation"), OPERATIONS, ids=[f"{m} {p}" for m, p, _ in OPERATIONS])
def test_operation_never_answers_500(client, admin_token, method, path, operation):
    parameters = operation.get("parameters", [])
    path_names = [p["name"] for p in parameters if p["in"] == "path"]
    query_names = [p["name"] for p in parameters if p["in"] == "query"]

    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(
        path_values=st.fixed_dictionaries(dict.fromkeys(path_names, text_values)),
        query=st.fixed_dictionaries({}, optional=dict.fromkeys(query_names, text_values)),
        body=body_for(operation),
        authenticated=st.booleans(),
    )
    def check(path_values, query, body, authenticated):
        url = path
        for name, value in path_values.items():
            url = url.replace("{" + name + "}", quote(value, safe="") or "x")
        if query:
            url = f"{url}?{urlencode(query)}"
        headers = {"HTTP_AUTHORIZATION": f"Bearer {admin_token}"} if authenticated else {}
        response = client.generic(method, url, data=json.dumps(body), content_type="application/json", **headers)
        assert response.status_code < 500, (method, url, body, response.content[:300])
        if response.status_code >= 400 and response["Content-Type"].startswith("application/json"):
            assert set(response.json()) == {"error"}

    check()
