"""The login page's ceilings, on top of the holds: per address, per network, per account."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client

from govid import clock
from govid.limits.conf import limit_settings
from tests.conftest import PASSWORD

WRONG = "Sai#Matkhau1"


def attempt(ip: str, password: str = WRONG, who: str = "an.nguyen"):
    return Client().post("/", {"username": who, "password": password}, REMOTE_ADDR=ip)


def test_one_account_gets_twenty_attempts_in_fifteen_minutes_from_anywhere(account, frozen):
    answers = [attempt(f"198.51.{n}.1", PASSWORD).status_code for n in range(21)]
    assert answers == [302] * 20 + [429]  # even right passwords: the ceiling counts attempts
    refused = attempt("203.0.113.5", PASSWORD)
    assert refused.status_code == 429 and 0 < int(refused["Retry-After"]) <= 900
    assert "Tài khoản này có quá nhiều lần đăng nhập." in refused.content.decode()
    clock.advance(timedelta(minutes=15))
    assert attempt("203.0.113.5", PASSWORD).status_code == 302


def test_one_address_gets_its_attempts_in_fifteen_minutes(account, frozen, settings):
    assert limit_settings().login_ip == "100/900"
    # Ten instead of a hundred, to spare a hundred password checks; the rule is the same.
    settings.GOVID_LIMITS = {**settings.GOVID_LIMITS, "login_ip": "10/900"}
    answers = [attempt("198.51.100.7", who=f"nguoi.{n}").status_code for n in range(11)]
    assert answers[:10] == [400] * 10 and answers[10] == 429
    assert attempt("198.51.100.7", PASSWORD).status_code == 429
    assert attempt("198.51.101.7", PASSWORD).status_code == 302  # another network
