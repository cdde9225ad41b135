"""Rotating the secret key as an operator does: the new key in SECRET_KEY, the old one kept in
SECRET_KEY_FALLBACKS. What was made before the rotation keeps working while the old key is a
fallback (a code on its way, a half-spent ceiling, a solved proof of work, a delivery-report
link, a known device), and stops once it is dropped. Through the pages where a test client can.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from govid import clock
from govid.limits.store import CounterStore, DatabaseStore, MemoryStore, RedisStore
from govid.sms.delivery import queue_sms
from govid.sms.reports import report_token
from tests.captcha.solve import challenge_in, solve
from tests.conftest import NEW_PASSWORD, PASSWORD
from tests.servers.redis import RedisServer, redis

OLD_KEY = "govid-old-secret-key-" + "o" * 40
NEW_KEY = "govid-new-secret-key-" + "n" * 40
LOGIN = "an.nguyen"
FORGOT = "/quen-mat-khau/"
CODE = "/quen-mat-khau/lay-ma/"
RESEND = "/quen-mat-khau/gui-lai/"
RESET = "/quen-mat-khau/dat-lai/"
DONE = "/quen-mat-khau/thanh-cong/"
HOME: dict[str, Any] = {"REMOTE_ADDR": "192.0.2.10"}
CHEAP = {"cost": 10, "counter_min": 10, "counter_max": 60}


@dataclass
class Operator:
    settings: Any

    def rotate(self) -> None:
        self.settings.SECRET_KEY = NEW_KEY
        self.settings.SECRET_KEY_FALLBACKS = [OLD_KEY]

    def drop_old_key(self) -> None:
        self.settings.SECRET_KEY_FALLBACKS = []


@pytest.fixture
def operator(settings) -> Operator:
    """The deployment runs on OLD_KEY until the test rotates it."""
    settings.SECRET_KEY = OLD_KEY
    settings.SECRET_KEY_FALLBACKS = []
    settings.GOVID_CAPTCHA = {"mode": "off"}  # its own test below
    return Operator(settings)


def code_in(text: str) -> str:
    found = re.search(r"\b(\d{6})\b", text)
    assert found, text
    return found.group(1)


def lookup(client: Client, ip: str = "192.0.2.10", **extra: str):
    return client.post(FORGOT, {"email": LOGIN, **extra}, REMOTE_ADDR=ip)


def reset(client: Client, code: str):
    data = {"code": code, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    return client.post(RESET, data, **HOME)


def code_sent(client: Client, sms) -> str:
    assert lookup(client).status_code == 302
    assert client.post(CODE, **HOME).status_code == 302
    return code_in(sms.sent[-1].text)


# --- a recovery code on its way ---------------------------------------------------------------


def test_a_code_sent_before_a_rotation_resets_the_password_after_it(account, sms, frozen, operator):
    person = Client()
    code = code_sent(person, sms)
    operator.rotate()
    clock.advance(timedelta(seconds=60))
    assert person.post(RESEND, **HOME).status_code == 302
    assert code_in(sms.sent[-1].text) == code  # "Gửi lại" sends the code the person has
    assert reset(person, code).headers["Location"] == DONE


def test_once_the_old_key_is_dropped_its_code_is_refused_and_a_resend_sends_a_working_one(
    account, sms, frozen, operator
):
    person = Client()
    code = code_sent(person, sms)
    operator.rotate()
    clock.advance(timedelta(seconds=60))
    person.post(RESEND, **HOME)  # the same code (its session is kept under the new key)
    assert code_in(sms.sent[-1].text) == code
    operator.drop_old_key()
    refused = reset(person, code)
    assert refused.status_code == 400 and "Mã xác nhận không đúng" in refused.content.decode()
    clock.advance(timedelta(seconds=60))
    person.post(RESEND, **HOME)
    resent = code_in(sms.sent[-1].text)
    assert resent != code  # the old code cannot work any more: the one that does
    assert reset(person, resent).headers["Location"] == DONE


# --- ceilings half spent before the rotation ---------------------------------------------------


def test_a_lookup_ceiling_half_spent_before_a_rotation_holds_after_it(account, frozen, operator):
    for i in range(5):  # ten lookups of one account an hour
        assert lookup(Client(), f"203.0.{i}.7").status_code == 302
    operator.rotate()
    for i in range(5, 10):
        assert lookup(Client(), f"203.0.{i}.7").status_code == 302
    refused = lookup(Client(), "203.0.99.7")
    assert refused.status_code == 429
    assert "Tài khoản này có quá nhiều yêu cầu khôi phục mật khẩu." in refused.content.decode()
    assert 0 < int(refused["Retry-After"]) <= 3600
    operator.drop_old_key()  # what the old key counted is forgotten with it
    assert lookup(Client(), "203.0.100.7").status_code == 302


def test_a_login_ceiling_half_spent_before_a_rotation_holds_after_it(account, frozen, operator):
    operator.settings.GOVID_LIMITS = {**operator.settings.GOVID_LIMITS, "login_ip": "10/900"}

    def attempt(n: int):
        data = {"username": f"nguoi.{n}", "password": "Sai#Matkhau1"}
        return Client().post("/", data, REMOTE_ADDR="198.51.100.7")

    assert [attempt(n).status_code for n in range(5)] == [400] * 5
    operator.rotate()
    assert [attempt(n).status_code for n in range(5, 10)] == [400] * 5
    assert attempt(10).status_code == 429
    operator.drop_old_key()
    assert attempt(11).status_code == 400


WRONG = "Sai#Matkhau1"


def test_an_accounts_wrong_passwords_before_a_rotation_still_count_towards_its_hold(
    account, frozen, operator
):
    """A guesser does not get five fresh tries on the day the operator rotates the key."""

    def guess(password: str = WRONG):
        return Client().post("/", {"username": "an.nguyen", "password": password})

    assert [guess().status_code for _ in range(3)] == [400] * 3
    operator.rotate()
    assert [guess().status_code for _ in range(2)] == [400, 429]
    assert guess(PASSWORD).status_code == 429  # held: even the right password waits


# --- a proof of work solved before the rotation ----------------------------------------------


def test_a_proof_of_work_solved_before_a_rotation_is_accepted_after_it(
    client, account, frozen, operator
):
    operator.settings.GOVID_CAPTCHA = {**CHEAP, "mode": "always"}
    solved = solve(challenge_in(client.get(FORGOT).content.decode()))
    spent = solve(challenge_in(client.get(FORGOT).content.decode()))
    assert lookup(client, altcha=spent).status_code == 302
    operator.rotate()
    assert lookup(client, altcha=solved).status_code == 302
    assert lookup(client, altcha=spent).status_code == 400  # once, across a rotation too


def test_once_the_old_key_is_dropped_its_proof_of_work_is_refused(
    client, account, frozen, operator
):
    operator.settings.GOVID_CAPTCHA = {**CHEAP, "mode": "always"}
    solved = [solve(challenge_in(client.get(FORGOT).content.decode())) for _ in range(2)]
    operator.rotate()
    assert lookup(client, altcha=solved[0]).status_code == 302
    operator.drop_old_key()
    refused = lookup(client, altcha=solved[1])
    assert refused.status_code == 400
    assert "Xác minh không hợp lệ hoặc đã hết hạn." in refused.content.decode()


# --- a delivery-report link handed to the gateway before the rotation --------------------------


def report_link(sms_text: str) -> tuple[Any, str]:
    message = queue_sms("+84393555121", sms_text, purpose="notice")
    ref = str(message.ref)
    # What the Kannel gateway gives Kannel as the dlr-url when it sends the message.
    return message, reverse("sms:kannel_report", kwargs={"ref": ref, "token": report_token(ref)})


def test_a_delivery_report_link_made_before_a_rotation_is_accepted_after_it(
    client, sms, db, operator
):
    message, link = report_link("x")
    operator.rotate()
    assert client.get(f"{link}?type=1").status_code == 200
    message.refresh_from_db()
    assert message.state == "delivered"


def test_once_the_old_key_is_dropped_its_delivery_report_links_are_refused(
    client, sms, db, operator
):
    (_, first), (failed, second) = report_link("x"), report_link("y")
    operator.rotate()
    assert client.get(f"{first}?type=1").status_code == 200
    operator.drop_old_key()
    assert client.get(f"{second}?type=2").status_code == 403
    failed.refresh_from_db()
    assert failed.state == "sent"


# --- a known device ------------------------------------------------------------------------


def signed_in_before(frozen: Any) -> Client:
    owner = Client()  # the office computer
    assert owner.post("/", {"username": LOGIN, "password": PASSWORD}, **HOME).status_code == 302
    owner.post("/dang-xuat/", **HOME)
    return owner


def strangers_spend_the_lookups() -> None:
    for i in range(10):
        lookup(Client(), f"203.0.{i}.7")
    assert lookup(Client(), "203.0.99.7").status_code == 429


def test_a_known_device_keeps_its_budget_across_a_rotation(account, sms, frozen, operator):
    owner = signed_in_before(frozen)
    operator.rotate()
    strangers_spend_the_lookups()
    assert lookup(owner).status_code == 302  # its own budget, which the strangers cannot reach
    assert owner.post(CODE, **HOME).status_code == 302
    assert reset(owner, code_in(sms.sent[-1].text)).headers["Location"] == DONE


def test_once_the_old_key_is_dropped_the_device_is_a_stranger(account, frozen, operator):
    owner = signed_in_before(frozen)
    operator.rotate()
    strangers_spend_the_lookups()
    assert lookup(owner).status_code == 302
    operator.drop_old_key()
    assert lookup(owner).status_code == 429  # counted with the strangers, whose budget is spent


# --- the counter stores: a counter's names under the old keys count too ------------------------

NOW = 1_800_000_000.0
COUNTER = ("new", "old")  # a counter's name under the current key, then under the old one


@pytest.fixture(scope="module")
def redis_server() -> Iterator[RedisServer]:
    with redis() as server:
        yield server


@pytest.fixture(params=["memory", "database", "redis"])
def store(request, db) -> Iterator[CounterStore]:
    if request.param == "memory":
        yield MemoryStore()
    elif request.param == "database":
        yield DatabaseStore()
    else:
        store = RedisStore(request.getfixturevalue("redis_server").url(4))
        store.client.flushdb()
        yield store
        store.client.close()


def test_a_hit_adds_the_counts_of_the_old_names_and_writes_the_new_one(store):
    store.hit("old", 60, NOW)
    store.hit("old", 60, NOW + 1)  # the rotation
    counts = [store.hit(COUNTER, 60, NOW + 2 + i) for i in range(2)]
    assert [c.n for c in counts] == [3, 4]
    assert {c.until for c in counts} == {NOW + 62}  # the latest window's end
    assert store.peek(COUNTER, NOW + 5) == counts[-1]
    assert store.peek("old", NOW + 5).n == 2 and store.peek("new", NOW + 5).n == 2
    assert store.peek(COUNTER, NOW + 61).n == 2  # the old window is over
    assert store.peek(("never", "gone"), NOW) is None


def test_hit_each_stops_at_the_first_counter_past_its_ceiling_with_the_old_counts(store):
    for i in range(3):
        store.hit("old", 600, NOW + i)
    refused = store.hit_each([(COUNTER, 600, 3), (("acc-new", "acc-old"), 600, 9)], NOW + 5)
    assert [c.n for c in refused] == [4]
    assert store.peek(("acc-new", "acc-old"), NOW + 5) is None
    assert store.hit_each([(("a-new", "a-old"), 60, 5), (COUNTER, 600, 9)], NOW + 6)[1].n == 5


def test_give_back_and_reset_reach_the_old_names(store):
    store.hit("old", 60, NOW)
    store.hit(COUNTER, 60, NOW + 1)
    store.give_back(COUNTER, NOW + 2)  # the hit just made, under the new name
    assert (store.peek("new", NOW + 2).n, store.peek("old", NOW + 2).n) == (0, 1)
    store.give_back(COUNTER, NOW + 2)  # nothing left under the new name: the old one's
    assert store.peek(COUNTER, NOW + 2).n == 0
    store.hit(COUNTER, 60, NOW + 3)
    store.hit("old", 60, NOW + 3)
    store.reset(COUNTER)
    assert store.peek("old", NOW + 3) is None and store.peek("new", NOW + 3) is None
