"""Session timeouts: idle and absolute for a browser session, 30 days when remembered."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client

from govid import clock
from tests.conftest import PASSWORD


def log_in(client: Client, **extra: str) -> None:
    response = client.post("/", {"username": "an.nguyen", "password": PASSWORD, **extra})
    assert response.status_code == 302


def signed_in(client: Client) -> bool:
    return client.get("/tai-khoan/").status_code == 200


def test_a_browser_session_ends_after_two_idle_hours(client, account, frozen):
    log_in(client)
    clock.advance(timedelta(hours=1, minutes=59))
    assert signed_in(client)
    clock.advance(timedelta(hours=1, minutes=59))  # idle is counted from the last request
    assert signed_in(client)
    clock.advance(timedelta(hours=2, minutes=1))
    assert not signed_in(client)
    assert client.get("/tai-khoan/").headers["Location"].startswith("/?next=")


def test_a_browser_session_ends_twelve_hours_after_login_even_when_busy(client, account, frozen):
    log_in(client)
    for _hour in range(11):
        clock.advance(timedelta(hours=1))
        assert signed_in(client)
    clock.advance(timedelta(hours=1, minutes=1))
    assert not signed_in(client)


def test_a_remembered_session_survives_idle_days_and_ends_after_30(client, account, frozen):
    log_in(client, remember="on")
    clock.advance(timedelta(days=3))
    assert signed_in(client)
    clock.advance(timedelta(days=27, minutes=1))
    assert not signed_in(client)


def test_the_timeouts_are_configurable(client, account, frozen, settings):
    settings.GOVID_SSO = {"idle_timeout": "600"}
    log_in(client)
    clock.advance(timedelta(minutes=11))
    assert not signed_in(client)


def test_remember_me_lasts_as_configured(client, account, settings):
    settings.GOVID_SSO = {"remember_for": str(7 * 24 * 3600)}
    log_in(client, remember="on")
    assert client.cookies["govid_session"]["max-age"] == 7 * 24 * 3600


def test_an_expired_session_is_gone_from_the_server(client, account, frozen):
    log_in(client)
    old = client.cookies["govid_session"].value
    clock.advance(timedelta(hours=3))
    client.get("/tai-khoan/")
    replay = Client()
    replay.cookies["govid_session"] = old
    clock.advance(timedelta(seconds=-3 * 3600))  # even back in time, the session is gone
    assert not signed_in(replay)
