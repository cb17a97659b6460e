"""Requests refused before any view (NUL, too large, too many fields or files) answer in the path's shape."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse

from congso.accounts.models import User
from congso.core import middleware

pytestmark = pytest.mark.django_db

REGISTER = "/api/v1/accounts/register"
TOO_LARGE = "Nội dung gửi lên quá lớn (tối đa 1000\xa0byte, không kể tệp đính kèm). Vui lòng gửi ít dữ liệu hơn."


@pytest.fixture
def small_uploads(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 3
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 1


def test_api_nul_in_the_query_string_gets_the_json_error(client):
    response = client.get("/api/v1/procedures", {"q": "khai\x00sinh"})

    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "code": "null_characters_not_allowed",
            "message": "Yêu cầu chứa ký tự rỗng (NUL), không được phép. Vui lòng xóa ký tự đó và gửi lại.",
            "fields": {},
        }
    }


def test_api_body_over_the_limit_gets_413_json(client, small_uploads):
    body = json.dumps({"full_name": "An" * 600})

    response = client.post(REGISTER, body, content_type="application/json")

    assert response.status_code == 413
    assert response.json() == {"error": {"code": "request_too_large", "message": TOO_LARGE, "fields": {}}}
    assert not User.objects.exists()


def test_api_too_many_query_fields_gets_400_json(client, small_uploads):
    response = client.get("/api/v1/procedures", {"a": 1, "b": 2, "c": 3, "d": 4})

    assert response.status_code == 400
    assert response.json()["error"] == {
        "code": "too_many_fields",
        "message": "Yêu cầu có quá nhiều trường dữ liệu (tối đa 3). Vui lòng gửi ít trường hơn.",
        "fields": {},
    }


def test_web_form_over_the_limit_gets_the_page_with_413(client, small_uploads):
    response = client.post("/accounts/login/", {"username": "canbo", "password": "x" * 2000})

    assert response.status_code == 413
    assert response.templates[0].name == "400.html"
    assert TOO_LARGE in response.content.decode()


def test_web_multipart_over_the_limit_gets_413(client, small_uploads):
    upload = SimpleUploadedFile("scan.pdf", b"%PDF-1.7", content_type="application/pdf")

    response = client.post("/accounts/login/", {"username": "canbo", "password": "x" * 2000, "file": upload})

    assert response.status_code == 413


def test_web_form_with_too_many_fields_gets_the_page_with_400(client, small_uploads):
    response = client.post("/accounts/login/", {"username": "canbo", "password": "x", "a": "1", "b": "2"})

    assert response.status_code == 400
    assert "Yêu cầu có quá nhiều trường dữ liệu (tối đa 3)." in response.content.decode()


def test_web_multipart_with_too_many_files_gets_the_page_with_400(client, small_uploads):
    files = [SimpleUploadedFile(f"scan{i}.pdf", b"%PDF-1.7", content_type="application/pdf") for i in range(2)]

    response = client.post("/accounts/login/", {"username": "canbo", "file": files})

    assert response.status_code == 400
    assert "Yêu cầu đính kèm quá nhiều tệp (tối đa 1)." in response.content.decode()


def test_a_small_body_passes(client, small_uploads):
    assert client.post("/accounts/login/", {"username": "canbo", "password": "x"}).status_code == 200


def test_the_longest_registered_prefix_wins(client, monkeypatch):
    monkeypatch.setattr(middleware, "_error_bodies", dict(middleware._error_bodies))

    def teapot(request, status, code, message):
        return HttpResponse(code, status=418)

    middleware.register_error_body("/api/v1/procedures", teapot)

    narrow = client.get("/api/v1/procedures", {"q": "\x00"})
    wide = client.get("/api/v1/dossiers", {"q": "\x00"})

    assert (narrow.status_code, narrow.content) == (418, b"null_characters_not_allowed")
    assert wide.status_code == 400
    assert wide.json()["error"]["code"] == "null_characters_not_allowed"
