"""A NUL character anywhere in a request is refused before any view runs (PostgreSQL cannot hold one)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from congso.accounts.models import User

pytestmark = pytest.mark.django_db

MESSAGE = "Yêu cầu chứa ký tự rỗng (NUL), không được phép."


def test_nul_in_a_web_path_gets_the_400_page_with_the_reason(client):
    response = client.get("/procedures/1.001193%00/")

    assert response.status_code == 400
    assert MESSAGE in response.content.decode()


def test_nul_in_a_query_string(client):
    assert client.get("/procedures/", {"q": "khai\x00sinh"}).status_code == 400


def test_nul_in_a_web_form_post(client):
    response = client.post("/accounts/login/", {"username": "canbo\x00", "password": "x"})

    assert response.status_code == 400
    assert MESSAGE in response.content.decode()


def test_nul_escaped_in_a_json_body_gets_the_api_error_shape(client):
    response = client.post("/api/v1/accounts/register", '{"full_name": "An\\u0000"}', content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "null_characters_not_allowed"
    assert response.json()["error"]["message"].startswith(MESSAGE)
    assert not User.objects.exists()


def test_binary_file_parts_of_a_multipart_post_are_not_looked_at(client):
    upload = SimpleUploadedFile("scan.pdf", b"%PDF-1.7\x00\x00binary", content_type="application/pdf")

    response = client.post("/accounts/login/", {"username": "canbo", "password": "x", "file": upload})

    assert response.status_code == 200


def test_clean_requests_pass(client):
    assert client.get("/procedures/", {"q": "khai sinh"}).status_code == 200
