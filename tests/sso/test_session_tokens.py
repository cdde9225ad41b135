"""Session tokens: random enough, made by the secrets module, never in a URL or a page."""

from __future__ import annotations

import re

from django.test import Client

from tests.conftest import PASSWORD


def sign_in() -> tuple[Client, str, list[str]]:
    client = Client()
    answers = [client.get("/")]
    answers.append(client.post("/", {"username": "an.nguyen", "password": PASSWORD}))
    answers.append(client.get("/tai-khoan/"))
    return (
        client,
        client.cookies["govid_session"].value,
        [a.content.decode() + a.headers.get("Location", "") for a in answers],
    )


def test_a_session_id_carries_well_over_64_bits(account):
    """32 characters of [a-z0-9] from Django's get_random_string (the secrets module):
    log2(36) * 32 = 165 bits; none of them repeats."""
    keys = set()
    for _ in range(15):  # the login ceiling allows twenty per account
        _client, key, _pages = sign_in()
        assert re.fullmatch(r"[a-z0-9]{32}", key)
        keys.add(key)
    assert len(keys) == 15


def test_the_session_id_never_appears_in_a_url_or_a_page(account):
    _client, key, pages = sign_in()
    assert all(key not in page for page in pages)
