"""Bad input on every form gets a 4xx page in Vietnamese, never a 500 or a stack trace."""

from __future__ import annotations

import pytest
from django.test import Client

from govid.recovery.views import LOGIN
from tests.conftest import PASSWORD

LONG = "x" * 10_000
NUL = "an\x00nguyen"


def assert_friendly_4xx(response, *, status=None):
    body = response.content.decode()
    assert 400 <= response.status_code < 500, (response.status_code, body[:300])
    if status:
        assert response.status_code == status
    assert '<html lang="vi">' in body
    assert "Traceback" not in body and "Exception" not in body


@pytest.fixture
def signed_in(client: Client, account) -> Client:
    response = client.post("/", {"username": "an.nguyen", "password": PASSWORD})
    assert response.status_code == 302
    return client


@pytest.fixture
def at_reset(client: Client, account) -> Client:
    client.post("/quen-mat-khau/", {"email": "an.nguyen"})
    response = client.post("/quen-mat-khau/lay-ma/")
    assert response.headers["Location"] == "/quen-mat-khau/dat-lai/"
    return client


FORMS = {
    "login": ("/", ["username", "password"]),
    "forgot": ("/quen-mat-khau/", ["email"]),
}


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("value", ["", "   ", LONG, NUL])
def test_login_and_forgot_forms_refuse_bad_values(client, account, form, value):
    url, fields = FORMS[form]
    response = client.post(url, {name: value for name in fields})
    assert_friendly_4xx(response, status=400)


@pytest.mark.parametrize("value", ["", LONG, NUL, "12345", "abcdef"])
def test_reset_form_refuses_bad_values(at_reset, value):
    response = at_reset.post(
        "/quen-mat-khau/dat-lai/", {"code": value, "password1": value, "password2": value}
    )
    assert_friendly_4xx(response, status=400)
    # A NUL byte never reaches the form: it is refused before any view (NulBytesMiddleware).
    assert ("Mã xác nhận" if "\x00" not in value else "Yêu cầu không hợp lệ") in (
        response.content.decode()
    )


@pytest.mark.parametrize("value", ["", LONG, NUL])
def test_change_password_form_refuses_bad_values(signed_in, value):
    response = signed_in.post(
        "/tai-khoan/",
        {
            "old_password": value,
            "password1": value,
            "password2": value,
        },
    )
    assert_friendly_4xx(response, status=400)


def test_missing_fields_entirely(client, account):
    assert_friendly_4xx(client.post("/", {}), status=400)
    assert_friendly_4xx(client.post("/quen-mat-khau/", {}), status=400)


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("put", "/"),
        ("delete", "/"),
        ("patch", "/quen-mat-khau/"),
        ("get", "/quen-mat-khau/lay-ma/"),
        ("get", "/quen-mat-khau/gui-lai/"),
        ("get", "/dang-xuat/"),
        ("post", "/quen-mat-khau/so-dien-thoai/"),
        ("post", "/quen-mat-khau/thanh-cong/"),
    ],
)
def test_wrong_method_gets_a_vietnamese_405(client, method, url):
    response = getattr(client, method)(url)
    assert_friendly_4xx(response, status=405)
    assert "Thao tác không được hỗ trợ" in response.content.decode()
    assert response["Allow"]


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/", {"username": "an.nguyen", "password": PASSWORD}),
        ("/quen-mat-khau/", {"email": "an.nguyen"}),
        ("/quen-mat-khau/lay-ma/", {}),
        ("/quen-mat-khau/dat-lai/", {"code": "123456"}),
        ("/quen-mat-khau/gui-lai/", {}),
        ("/dang-xuat/", {}),
        ("/ngon-ngu/", {"language": "en"}),
    ],
)
def test_missing_csrf_token_gets_a_vietnamese_403(account, url, data):
    client = Client(enforce_csrf_checks=True)
    response = client.post(url, data)
    assert_friendly_4xx(response, status=403)
    assert "Phiên làm việc đã hết hạn" in response.content.decode()


def test_a_huge_body_is_refused_with_400(client):
    response = client.post("/quen-mat-khau/", {"email": "a" * (300 * 1024)})
    assert_friendly_4xx(response, status=400)


def test_invalid_utf8_is_not_a_500(client, account):
    response = client.post(
        "/quen-mat-khau/", b"email=%FF%FE%00", content_type=("application/x-www-form-urlencoded")
    )
    assert_friendly_4xx(response)


def test_unknown_pages_get_a_vietnamese_404(client):
    assert_friendly_4xx(client.get("/khong-co/"), status=404)


def test_steps_out_of_order_go_back_to_the_start(client, account):
    for url in ("/quen-mat-khau/so-dien-thoai/", "/quen-mat-khau/dat-lai/"):
        assert client.get(url).headers["Location"] == "/quen-mat-khau/"
    assert client.post("/quen-mat-khau/lay-ma/").headers["Location"] == "/quen-mat-khau/"
    response = client.post("/quen-mat-khau/gui-lai/")
    assert response.headers["Location"] == "/quen-mat-khau/"
    assert client.get("/quen-mat-khau/thanh-cong/").headers["Location"] == "/"
    session = client.session
    session[LOGIN] = "an.nguyen@soctrang.gov.vn"
    session.save()
    assert client.get("/quen-mat-khau/dat-lai/").headers["Location"] == (
        "/quen-mat-khau/so-dien-thoai/"
    )


@pytest.mark.parametrize(
    "target", ["account", "\ufffd", "//evil.example/", "https://evil.example/"]
)
def test_a_next_that_is_not_a_path_here_is_ignored(signed_in, target):
    """Found by the crawler: a bare word in ?next= was reversed as a view name (a 500)."""
    response = signed_in.get("/", {"next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/tai-khoan/"


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/oidc/token/", {"grant_type": "authorization_code", "client_id": "x\x00", "code": "1"}),
        ("/quen-mat-khau/", {"email": "an\x00nguyen"}),
        ("/", {"user\x00name": "an.nguyen"}),
    ],
)
def test_a_nul_byte_anywhere_is_refused_before_any_view(client, account, url, data):
    """Found by the crawler on PostgreSQL (which cannot store NUL): the token endpoint's 500."""
    assert_friendly_4xx(client.post(url, data), status=400)
    assert_friendly_4xx(client.get("/quen-mat-khau/", {"next": "\x00"}), status=400)
