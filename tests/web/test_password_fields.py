"""Password fields welcome password managers and pasting (ASVS 2.1.11)."""

from __future__ import annotations

import re

from django.test import Client

from tests.conftest import PASSWORD


def password_inputs(html: str) -> list[str]:
    return re.findall(r"<input[^>]*type=\"password\"[^>]*>", html)


def test_every_password_field_says_what_it_holds_and_blocks_nothing(client, account):
    login = client.get("/").content.decode()
    assert 'autocomplete="current-password"' in password_inputs(login)[0]
    signed = Client()
    signed.post("/", {"username": "an.nguyen", "password": PASSWORD})
    page = signed.get("/tai-khoan/").content.decode()
    fields = password_inputs(page)
    assert len(fields) == 3
    assert 'autocomplete="current-password"' in fields[0]
    assert all('autocomplete="new-password"' in field for field in fields[1:])
    for field in password_inputs(login) + fields:
        assert "onpaste" not in field and "readonly" not in field and 'maxlength="128"' in field
