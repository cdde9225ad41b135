"""Pages rendered once for every visitor: each still gets its own working CSRF token, its
language, and the messages meant for it."""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.test import Client, RequestFactory

from govid.web.pages import render_shared
from tests.conftest import PASSWORD


def token_of(page) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert found
    return found.group(1)


def test_two_visitors_each_log_in_with_the_token_their_page_gave(db, account):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    tokens = [token_of(first.get("/")), token_of(second.get("/"))]
    assert tokens[0] != tokens[1]
    for client, token in zip((first, second), tokens, strict=True):
        answer = client.post(
            "/", {"csrfmiddlewaretoken": token, "username": "an.nguyen", "password": PASSWORD}
        )
        assert answer.status_code == 302 and answer["Location"] == "/tai-khoan/"
    # One visitor's token with another's cookie is refused, as on any page.
    stranger = Client(enforce_csrf_checks=True)
    stranger.get("/")
    refused = stranger.post("/", {"csrfmiddlewaretoken": "x" * 64, "username": "an.nguyen"})
    assert refused.status_code == 403


def test_the_page_follows_the_language_switch(db):
    client = Client()
    assert "Quên mật khẩu?" in client.get("/").content.decode()
    client.post("/ngon-ngu/", {"language": "en", "next": "/"})
    assert "Forgot password?" in client.get("/").content.decode()
    assert "Quên mật khẩu?" in Client().get("/").content.decode()


def test_a_visitor_with_a_message_gets_it_on_the_page(db):
    request = RequestFactory().get("/quen-mat-khau/")
    SessionMiddleware(lambda r: None).process_request(request)
    MessageMiddleware(lambda r: None).process_request(request)
    messages.error(request, "Mã xác nhận đã hết hạn. Vui lòng lấy mã xác nhận mới.")
    from govid.recovery.forms import ForgotPasswordForm

    page = render_shared(request, "recovery/forgot.html", {"form": ForgotPasswordForm()})
    assert "Mã xác nhận đã hết hạn." in page.content.decode()
    plain = RequestFactory().get("/quen-mat-khau/")
    SessionMiddleware(lambda r: None).process_request(plain)
    MessageMiddleware(lambda r: None).process_request(plain)
    again = render_shared(plain, "recovery/forgot.html", {"form": ForgotPasswordForm()})
    assert "Mã xác nhận đã hết hạn." not in again.content.decode()
