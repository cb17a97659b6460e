"""Requests refused by the middleware before the CKAN view still answer in CKAN's envelope.

``ckanapi`` reads ``__type`` "Bad Request" as a plain ``CKANAPIError``; there is no CKAN type for 413.
"""

import json

import pytest

pytestmark = pytest.mark.django_db

PACKAGE_LIST = "/opendata/api/3/action/package_list"
HELP = "http://testserver/opendata/api/3/action/help_show?name=package_list"


def test_nul_in_the_query_string_gets_the_ckan_envelope(client):
    response = client.get(PACKAGE_LIST, {"q": "dan\x00so"})

    assert response.status_code == 400
    assert response.json() == {
        "help": HELP,
        "success": False,
        "error": {
            "__type": "Bad Request",
            "message": "Yêu cầu không hợp lệ: yêu cầu chứa ký tự rỗng (NUL), không được phép. "
            "Vui lòng xóa ký tự đó và gửi lại.",
        },
    }


def test_a_json_body_over_the_limit_gets_413_in_the_ckan_envelope(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    response = client.post(PACKAGE_LIST, json.dumps({"q": "x" * 2000}), content_type="application/json")

    assert response.status_code == 413
    assert response.json() == {
        "help": HELP,
        "success": False,
        "error": {
            "__type": "Bad Request",
            "message": "Yêu cầu không hợp lệ: nội dung gửi lên quá lớn (tối đa 1000\xa0byte, không kể tệp đính kèm). "
            "Vui lòng gửi ít dữ liệu hơn.",
        },
    }


def test_the_unversioned_path_names_its_action_in_help(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    response = client.post("/opendata/api/action/package_show", {"id": "x" * 2000})

    assert response.status_code == 413
    assert response.json()["help"] == "http://testserver/opendata/api/3/action/help_show?name=package_show"
    assert response.json()["success"] is False


def test_too_many_fields_gets_400_in_the_ckan_envelope(client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 3

    response = client.get(PACKAGE_LIST, {"a": 1, "b": 2, "c": 3, "d": 4})

    assert response.status_code == 400
    assert response.json()["error"] == {
        "__type": "Bad Request",
        "message": "Yêu cầu không hợp lệ: yêu cầu có quá nhiều trường dữ liệu (tối đa 3). Vui lòng gửi ít trường hơn.",
    }
