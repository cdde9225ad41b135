"""Step 1 and the account page: login, sessions, change of password."""

from __future__ import annotations

import re

from django.test import Client

from govid.sso.models import User
from tests.conftest import NEW_PASSWORD, PASSWORD


def login(client: Client, username: str, password: str, **extra: str):
    return client.post("/", {"username": username, "password": password, **extra})


def test_login_page_shows_the_seed(client):
    html = client.get("/").content.decode()
    for text in (
        "NỀN TẢNG TÍCH HỢP VÀ CHIA SẺ DỮ LIỆU LGSP",
        "TỈNH SÓC TRĂNG",
        "Đăng nhập",
        "Tên tài khoản",
        "Mật khẩu",
        "Nhớ mật khẩu",
        "Quên mật khẩu?",
    ):
        assert text in html


def test_a_correct_login_lands_on_my_account(client, account):
    response = login(client, "an.nguyen", PASSWORD)
    assert response.headers["Location"] == "/tai-khoan/"
    html = client.get("/tai-khoan/").content.decode()
    for text in (
        "Nguyễn Văn An",
        "an.nguyen@soctrang.gov.vn",
        "Phòng Văn hóa và Thông tin",
        "0393XXX121",
        "Đổi mật khẩu",
        "Đăng xuất",
    ):
        assert text in html
    user = User.objects.get(login="an.nguyen@soctrang.gov.vn")
    assert not user.has_usable_password()  # govid never holds the password itself


def test_a_wrong_login_does_not_say_which_part_was_wrong(client, account, locked_account):
    messages = set()
    for username, password in [
        ("an.nguyen", "Sai@Matkhau1"),
        ("khong.co", PASSWORD),
        ("cuong.le", PASSWORD),
    ]:
        response = login(client, username, password)
        assert response.status_code == 400
        found = re.findall(r'role="alert"><p>([^<]+)</p>', response.content.decode())
        messages.add(tuple(found))
    assert messages == {("Tên tài khoản hoặc mật khẩu không đúng.",)}


def test_the_session_id_rotates_at_login(client, account):
    client.get("/")
    client.cookies["govid_session"] = "attacker-chosen-session-id"
    login(client, "an.nguyen", PASSWORD)
    assert client.cookies["govid_session"].value != "attacker-chosen-session-id"


def test_without_remember_me_the_session_ends_with_the_browser(client, account):
    login(client, "an.nguyen", PASSWORD)
    assert client.cookies["govid_session"]["expires"] == ""
    assert client.cookies["govid_session"]["max-age"] == ""


def test_remember_me_keeps_the_session_for_30_days(client, account):
    login(client, "an.nguyen", PASSWORD, remember="on")
    assert client.cookies["govid_session"]["max-age"] == 30 * 24 * 3600


def test_logout_ends_the_session_server_side(client, account):
    login(client, "an.nguyen", PASSWORD)
    old = client.cookies["govid_session"].value
    client.post("/dang-xuat/")
    other = Client()
    other.cookies["govid_session"] = old
    assert other.get("/tai-khoan/").status_code == 302


def test_a_password_reset_ends_every_session(client, account, sms):
    phone_browser, laptop = Client(), Client()
    login(phone_browser, "an.nguyen", PASSWORD)
    login(laptop, "an.nguyen", PASSWORD)
    assert laptop.get("/tai-khoan/").status_code == 200
    client.post("/quen-mat-khau/", {"email": "an.nguyen"})
    client.post("/quen-mat-khau/lay-ma/")
    code = re.search(r"\d{6}", sms.sent[-1].text).group(0)
    client.post(
        "/quen-mat-khau/dat-lai/",
        {"code": code, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert laptop.get("/tai-khoan/").headers["Location"].startswith("/?next=")
    assert phone_browser.get("/tai-khoan/").status_code == 302
    assert login(Client(), "an.nguyen", PASSWORD).status_code == 400
    assert login(Client(), "an.nguyen", NEW_PASSWORD).status_code == 302


def test_change_password_keeps_this_session_and_ends_the_others(client, account):
    other = Client()
    login(other, "an.nguyen", PASSWORD)
    login(client, "an.nguyen", PASSWORD)
    response = client.post(
        "/tai-khoan/",
        {"old_password": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        follow=True,
    )
    assert "Thay đổi mật khẩu thành công!" in response.content.decode()
    assert client.get("/tai-khoan/").status_code == 200
    assert other.get("/tai-khoan/").status_code == 302


def test_change_password_needs_the_old_one_and_the_policy(client, account):
    login(client, "an.nguyen", PASSWORD)
    html = client.post(
        "/tai-khoan/",
        {"old_password": "Sai@Matkhau1", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    ).content.decode()
    assert "Mật khẩu hiện tại không đúng." in html
    html = client.post(
        "/tai-khoan/", {"old_password": PASSWORD, "password1": "yeu", "password2": "yeu"}
    ).content.decode()
    assert "Mật khẩu phải có ít nhất 8 ký tự." in html


def test_next_only_goes_to_this_site(client, account):
    response = client.post(
        "/?next=https://evil.example/",
        {"username": "an.nguyen", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response.headers["Location"] == "/tai-khoan/"


def test_the_admin_signs_in_through_the_portal_login(client, account):
    from govid.sso.models import User

    response = client.get("/quan-tri/")
    assert response.status_code == 302
    login_page = client.get(response.headers["Location"], follow=True)
    assert login_page.redirect_chain[-1][0].startswith("/?next=")
    login(client, "an.nguyen", PASSWORD)
    assert client.get("/quan-tri/").status_code == 302  # not staff: sent to the admin's login
    assert client.get("/quan-tri/login/").status_code == 403  # ...which refuses, no loop
    User.objects.filter(login="an.nguyen@soctrang.gov.vn").update(is_staff=True, is_superuser=True)
    assert client.get("/quan-tri/").status_code == 200


def test_staff_find_the_back_office_and_the_administration_from_their_account(client, account):
    from govid.backoffice.staff import grant

    login(client, "an.nguyen", PASSWORD)
    html = client.get("/tai-khoan/").content.decode()
    assert "/van-phong/" not in html and "/quan-tri/" not in html
    grant("an.nguyen@soctrang.gov.vn", role="auditor", units=[], actor="test")
    User.objects.filter(login="an.nguyen@soctrang.gov.vn").update(is_staff=True)
    html = client.get("/tai-khoan/").content.decode()
    assert 'href="/van-phong/"' in html and 'href="/quan-tri/"' in html
