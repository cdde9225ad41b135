"""Security keys and passkeys through Django's test client: the ceremonies' options, and bad
input refused in Vietnamese (the full ceremonies run in Chromium, tests/e2e)."""

from __future__ import annotations

import json

from django.test import Client

from govid import clock
from govid.sso.factors.devices import has_factor
from govid.sso.factors.models import SecurityKey
from tests.conftest import PASSWORD

LOGIN = "an.nguyen@soctrang.gov.vn"


def signed_in() -> Client:
    client = Client()
    assert client.post("/", {"username": "an.nguyen", "password": PASSWORD}).status_code == 302
    return client


def a_key() -> SecurityKey:
    return SecurityKey.objects.create(
        login=LOGIN, credential_id="AAAA", public_key=b"x", name="Khoá USB", created_at=clock.now()
    )


def test_the_registration_options_name_the_site_and_never_the_address(account):
    options = signed_in().post("/tai-khoan/bao-mat/khoa/tuy-chon/").json()
    assert options["rp"]["id"] == "testserver"
    assert options["user"]["name"] == LOGIN
    assert LOGIN not in options["user"]["id"]  # an opaque handle
    assert len(options["challenge"]) >= 86  # 64 bytes, base64url
    assert options["authenticatorSelection"]["userVerification"] == "preferred"


def test_a_made_up_credential_is_refused_in_vietnamese(account):
    client = signed_in()
    client.post("/tai-khoan/bao-mat/khoa/tuy-chon/")
    forged = {"credential": {"id": "AAAA", "rawId": "AAAA", "type": "public-key", "response": {}}}
    answer = client.post("/tai-khoan/bao-mat/khoa/", forged, content_type="application/json")
    assert answer.status_code == 400
    assert answer.json()["error"] == "Không đăng ký được khoá bảo mật. Vui lòng thử lại."
    assert not has_factor(LOGIN)


def test_bad_bodies_get_a_400_never_an_error(account):
    client = signed_in()
    for body in ("", "[]", "{", '{"credential": 5}', "\u0000"):
        answer = client.post("/tai-khoan/bao-mat/khoa/", body, content_type="application/json")
        assert answer.status_code == 400, body
        assert answer.json()["error"] == "Dữ liệu gửi lên không hợp lệ. Vui lòng thử lại."


def test_without_a_pending_sign_in_there_is_nothing_to_sign(client, account):
    assert client.post("/dang-nhap/xac-thuc/khoa/tuy-chon/").status_code == 403
    answer = client.post("/dang-nhap/xac-thuc/khoa/", "{}", content_type="application/json")
    assert answer.status_code == 403


def test_a_person_with_a_key_gets_the_second_step_and_its_options(account):
    a_key()
    client = Client()
    answer = client.post("/", {"username": "an.nguyen", "password": PASSWORD})
    assert answer.headers["Location"] == "/dang-nhap/xac-thuc/"
    assert "Dùng khoá bảo mật hoặc passkey" in client.get("/dang-nhap/xac-thuc/").content.decode()
    options = client.post("/dang-nhap/xac-thuc/khoa/tuy-chon/").json()
    assert [c["id"] for c in options["allowCredentials"]] == ["AAAA"]
    signed = {"credential": {"id": "AAAA", "response": {}}}
    refused = client.post("/dang-nhap/xac-thuc/khoa/", json.dumps(signed), "application/json")
    assert refused.status_code == 400
    assert refused.json()["error"] == "Khoá bảo mật không được chấp nhận. Vui lòng thử lại."
    assert client.get("/tai-khoan/").status_code == 302  # still not signed in


def test_removing_a_key_asks_for_the_factor_again(account):
    key = a_key()
    client = Client()
    from govid.sso.models import User

    client.force_login(User.objects.get_or_create(login=LOGIN)[0])
    answer = client.post(f"/tai-khoan/bao-mat/khoa/{key.pk}/go/")
    assert answer.headers["Location"].startswith("/tai-khoan/bao-mat/xac-nhan/")
    assert SecurityKey.objects.filter(pk=key.pk).exists()
