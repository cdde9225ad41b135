"""The proof of work on the forgot page: when it shows, what it accepts, and only once."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govid import clock
from govid.captcha import pow
from tests.captcha.solve import challenge_in, solve

FORGOT = "/quen-mat-khau/"
CHEAP = {"cost": 10, "counter_min": 10, "counter_max": 60}


@pytest.fixture(autouse=True)
def cheap_work(settings):
    settings.GOVID_CAPTCHA = dict(CHEAP)


def test_a_solution_is_accepted_once(db, frozen):
    payload = solve(pow.new_challenge("forgot"))
    assert pow.accept(payload, "forgot")
    assert not pow.accept(payload, "forgot")


def test_a_challenge_expires_after_ten_minutes(db, frozen):
    payload = solve(pow.new_challenge("forgot"))
    clock.advance(timedelta(minutes=10))
    assert not pow.accept(payload, "forgot")


def test_a_challenge_serves_only_its_purpose(db, frozen):
    assert not pow.accept(solve(pow.new_challenge("login")), "forgot")


def test_a_changed_challenge_or_solution_is_refused(db, frozen):
    payload = json.loads(base64.b64decode(solve(pow.new_challenge("forgot"))))
    for change in (
        lambda p: p["challenge"]["parameters"].update(cost=1),
        lambda p: p["challenge"]["parameters"]["data"].update(until=4_000_000_000),
        lambda p: p["solution"].update(derivedKey="00" * 32),
        lambda p: p["challenge"].update(signature="0" * 64),
    ):
        forged = json.loads(json.dumps(payload))
        change(forged)
        assert not pow.accept(base64.b64encode(json.dumps(forged).encode()).decode(), "forgot")


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=5000), st.binary(max_size=3000).map(base64.b64encode)))
def test_any_garbage_is_refused_without_an_error(garbage):
    text = garbage if isinstance(garbage, str) else garbage.decode()
    assert pow.accept(text, "forgot") is False


def lookup(client, typed="an.nguyen", **extra):
    return client.post(FORGOT, {"email": typed, **extra}, REMOTE_ADDR="198.51.100.7")


def test_it_shows_from_the_sixth_lookup_of_an_address(client, account, frozen):
    for _ in range(5):
        assert challenge_in(client.get(FORGOT, REMOTE_ADDR="198.51.100.7").content.decode()) is None
        assert lookup(client).status_code == 302
    page = client.get(FORGOT, REMOTE_ADDR="198.51.100.7").content.decode()
    assert challenge_in(page) is not None
    assert "<noscript>" in page and "cần JavaScript" in page
    refused = lookup(client)
    assert refused.status_code == 400
    assert "Vui lòng xác minh bạn không phải là máy" in refused.content.decode()
    # It names what the widget shows (it verifies by itself), not a box to tick.
    assert "“Đã xác minh”" in refused.content.decode()
    assert "Tôi không phải là robot" not in refused.content.decode()
    challenge = challenge_in(refused.content.decode())
    assert lookup(client, altcha=solve(challenge)).status_code == 302


def test_a_network_shows_it_from_its_twenty_first_lookup(client, account, frozen):
    for i in range(20):
        response = client.post(FORGOT, {"email": "x"}, REMOTE_ADDR=f"203.0.113.{i}")
        assert challenge_in(response.content.decode()) is None
    response = client.get(FORGOT, REMOTE_ADDR="203.0.113.99")
    assert challenge_in(response.content.decode()) is not None


def test_a_deployment_can_always_ask_for_it(client, account, settings):
    settings.GOVID_CAPTCHA = {**CHEAP, "mode": "always"}
    assert challenge_in(client.get(FORGOT).content.decode()) is not None
    assert lookup(client).status_code == 400


def test_or_never(client, account, settings):
    settings.GOVID_CAPTCHA = {**CHEAP, "mode": "off"}
    for _ in range(10):
        assert lookup(client).status_code == 302
