"""The geo API: provinces, units of a province, unit search."""

import pytest

pytestmark = pytest.mark.django_db


def test_provinces_lists_the_34_provinces(client, loaded_units, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/api/v1/geo/provinces")

    assert response.status_code == 200
    body = response.json()
    assert len(body) == 34
    hcmc = next(item for item in body if item["code"] == "79")
    assert hcmc == {
        "code": "79",
        "name": "Thành phố Hồ Chí Minh",
        "level": "province",
        "division_type": "thanh_pho_trung_uong",
        "division_type_label": "Thành phố trực thuộc trung ương",
        "codename": "ho_chi_minh",
        "province_code": None,
        "valid_from": "2025-07-01",
        "valid_to": None,
    }


def test_province_units_are_paginated(client, loaded_units, django_assert_num_queries):
    with django_assert_num_queries(3):
        first = client.get("/api/v1/geo/provinces/79/units").json()
    last = client.get("/api/v1/geo/provinces/79/units", {"page": 4}).json()

    assert first["count"] == 168
    assert len(first["items"]) == 50
    assert len(last["items"]) == 18
    assert {item["province_code"] for item in first["items"] + last["items"]} == {"79"}


def test_province_units_filter_without_diacritics(client, loaded_units):
    body = client.get("/api/v1/geo/provinces/79/units", {"q": "ben thanh"}).json()

    assert body["count"] == 1
    assert body["items"][0]["code"] == "26743"
    assert body["items"][0]["name"] == "Phường Bến Thành"
    assert body["items"][0]["division_type_label"] == "Phường"


@pytest.mark.parametrize("code", ["99", "xx", "7%019", "1" * 50])
def test_unknown_province_is_a_structured_404(client, loaded_units, code):
    response = client.get(f"/api/v1/geo/provinces/{code}/units")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_unit_search(client, loaded_units, django_assert_num_queries):
    with django_assert_num_queries(2):
        response = client.get("/api/v1/geo/units", {"q": "phuong ben thanh"})

    assert response.status_code == 200
    assert [item["code"] for item in response.json()["items"]] == ["26743"]


def test_unit_search_filters_by_level_and_province(client, loaded_units):
    assert client.get("/api/v1/geo/units", {"level": "province"}).json()["count"] == 34
    assert client.get("/api/v1/geo/units", {"province": "79", "q": "xa"}).json()["count"] == 54
    assert client.get("/api/v1/geo/units", {"page_size": 200}).json()["count"] == 3355


def test_unit_search_past_the_last_page_is_empty(client, loaded_units):
    body = client.get("/api/v1/geo/units", {"page": 400}).json()

    assert body == {"items": [], "count": 3355}


def test_unit_search_tolerates_control_characters(client, loaded_units):
    response = client.get("/api/v1/geo/units", {"q": "ben\x07 thanh"})

    assert response.status_code == 200
    assert [item["code"] for item in response.json()["items"]] == ["26743"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"level": "district"}, "level"),
        ({"page": "0"}, "page"),
        ({"page": "99999999999999999999"}, "page"),
        ({"page": "một"}, "page"),
        ({"page_size": "1000"}, "page_size"),
        ({"q": "a" * 101}, "q"),
    ],
)
def test_unit_search_bad_input_is_a_structured_422(client, loaded_units, query, field):
    response = client.get("/api/v1/geo/units", query)

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid"
    assert list(response.json()["error"]["fields"]) == [field]
