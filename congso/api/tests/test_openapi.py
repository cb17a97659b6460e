"""The published API contract: schema, routers and the shared error shape."""

import pytest


@pytest.fixture
def schema(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_openapi_schema_is_served_as_openapi_3_1(schema):
    assert schema["openapi"].startswith("3.1")
    assert schema["info"]["title"] == "Công Sở API"


@pytest.mark.parametrize(
    "prefix",
    ["/api/v1/calendar/", "/api/v1/geo/", "/api/v1/accounts/", "/api/v1/agencies/", "/api/v1/procedures/"],
)
def test_every_module_publishes_its_endpoints(schema, prefix):
    assert any(path.startswith(prefix) for path in schema["paths"]), prefix


def test_bearer_token_scheme_is_documented(schema):
    schemes = schema["components"]["securitySchemes"]
    assert any(s.get("type") == "http" and s.get("scheme") == "bearer" for s in schemes.values())


def test_unknown_api_path_is_a_404(client):
    response = client.get("/api/v1/khong-ton-tai")
    assert response.status_code == 404


def test_unparsable_json_body_gets_a_structured_vietnamese_error(client, db):
    response = client.post("/api/v1/accounts/register", data="{not json", content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {
        "error": {"code": "bad_request", "message": "Không đọc được nội dung yêu cầu (JSON không hợp lệ)", "fields": {}}
    }
