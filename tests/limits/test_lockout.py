"""The bound on a victim's lockout with govid's defaults: a stranger who hits every ceiling of
one account keeps its owner, on a browser the owner never used, from logging in for at most an
hour and from getting a code for at most a day (the daily cap) after the stranger's last blow,
then the owner recovers; from a browser where the owner signed in before, not at all (a known
device counts against a budget of its own). (tests/abuse proves it live.)"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django.test import Client

from govid import clock
from govid.limits.rules import all_rules
from govid.recovery.conf import recovery_settings
from govid.sso.conf import sso_settings
from tests.conftest import NEW_PASSWORD, PASSWORD

LOGIN = "an.nguyen"


def lockout_bound() -> timedelta:
    """The longest a stranger can keep an owner out: the longest per-account or per-phone
    window, the daily code cap's day, the longest login hold."""
    windows = [
        timedelta(seconds=rule.window)
        for name, rule in all_rules().items()
        if name.endswith(("_account", "_phone"))
    ]
    return max([*windows, timedelta(hours=24), sso_settings().hold_max])


def stranger(n: int) -> dict[str, Any]:
    return {"REMOTE_ADDR": f"203.0.{n}.7"}


def attack() -> None:
    sessions = []
    for n in range(12):
        client = Client()
        client.post("/quen-mat-khau/", {"email": LOGIN}, **stranger(n))
        if client.post("/quen-mat-khau/lay-ma/", **stranger(n)).status_code == 302:
            sessions.append(client)
    guess = {"code": "000000", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    for n in range(12):
        sessions[n % len(sessions)].post("/quen-mat-khau/dat-lai/", guess, **stranger(50 + n))
    for n in range(8):
        Client().post("/", {"username": LOGIN, "password": "Sai#Matkhau1"}, **stranger(100 + n))


def test_the_default_bound_is_a_day(db):
    assert recovery_settings().daily_codes == 5
    assert lockout_bound() == timedelta(hours=24)


def test_the_owner_is_out_for_a_bounded_time_then_recovers(account, sms, frozen, settings):
    settings.GOVID_CAPTCHA = {"mode": "off"}  # its own tests; here the ceilings alone
    attack()
    owner = Client()
    home: dict[str, Any] = {"REMOTE_ADDR": "192.0.2.10"}
    assert owner.post("/quen-mat-khau/", {"email": LOGIN}, **home).status_code == 429
    assert owner.post("/", {"username": LOGIN, "password": PASSWORD}, **home).status_code == 429

    clock.advance(timedelta(hours=1, seconds=1))  # every hourly window and the hold are over
    signed = Client().post("/", {"username": LOGIN, "password": PASSWORD}, **home)
    assert signed.status_code == 302
    owner.post("/quen-mat-khau/", {"email": LOGIN}, **home)
    refused = owner.post("/quen-mat-khau/lay-ma/", **home)
    assert refused.status_code == 429  # the daily cap, in the seed flow's own words
    assert "trong 24 giờ" in refused.content.decode()

    clock.advance(lockout_bound() - timedelta(hours=1))
    owner.post("/quen-mat-khau/", {"email": LOGIN}, **home)
    assert owner.post("/quen-mat-khau/lay-ma/", **home).status_code == 302
    code = re.search(r"\d{6}", sms.sent[-1].text).group()
    data = {"code": code, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    done = owner.post("/quen-mat-khau/dat-lai/", data, **home)
    assert done.headers["Location"] == "/quen-mat-khau/thanh-cong/"


def test_from_a_known_device_the_owner_recovers_in_the_middle_of_the_attack(
    account, sms, frozen, settings
):
    settings.GOVID_CAPTCHA = {"mode": "off"}
    home: dict[str, Any] = {"REMOTE_ADDR": "192.0.2.10"}
    owner = Client()  # the office computer, signed in on earlier days
    assert owner.post("/", {"username": LOGIN, "password": PASSWORD}, **home).status_code == 302
    owner.post("/dang-xuat/", **home)
    attack()
    elsewhere = Client()  # any other browser is still refused, as the bound above says
    assert elsewhere.post("/quen-mat-khau/", {"email": LOGIN}, **stranger(200)).status_code == 429

    assert owner.post("/quen-mat-khau/", {"email": LOGIN}, **home).status_code == 302
    assert owner.post("/quen-mat-khau/lay-ma/", **home).status_code == 302
    code = re.search(r"\d{6}", sms.sent[-1].text).group()
    data = {"code": code, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    done = owner.post("/quen-mat-khau/dat-lai/", data, **home)
    assert done.headers["Location"] == "/quen-mat-khau/thanh-cong/"
