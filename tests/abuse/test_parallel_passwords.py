"""Parallel wrong passwords for one account, sent at the same moment from many addresses to two
server workers: the hold takes exactly ``GOVID_SSO_HOLD_AFTER`` password checks, never one
more (the attempt takes its place in the count before its password is checked, atomically)."""

from __future__ import annotations

import json
import threading

import pytest
import requests

from tests.abuse.attacker import Visitor, summary

pytestmark = pytest.mark.e2e
ATTEMPTS = 20


def at_once(visitors: list[Visitor], login: str) -> list[requests.Response]:
    """Every visitor posts a wrong password for ``login`` when the barrier opens."""
    for visitor in visitors:
        visitor.token()  # the CSRF cookie first, so that the posts themselves start together
    barrier = threading.Barrier(len(visitors))
    answers: list[requests.Response | None] = [None] * len(visitors)

    def post(i: int) -> None:
        barrier.wait()
        answers[i] = visitors[i].post("/", {"username": login, "password": f"Sai@Matkhau{i}"})

    threads = [threading.Thread(target=post, args=(i,)) for i in range(len(visitors))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [answer for answer in answers if answer is not None]


def events(live, action: str, subject: str) -> int:
    code = (
        "from govid.audit.models import Event;"
        f"print(Event.objects.filter(action={action!r}, subject={subject!r}).count())"
    )
    return int(live.manage("shell", "-c", code).split()[-1])


def test_parallel_wrong_passwords_hold_the_account_at_exactly_the_count(abuse_live):
    added = abuse_live.manage(
        "accounts", "add", "song.song", "--name", "Song Song", "--unit", "MYTU-VHTT",
        "--password", "Cu@Matkhau2025",
    )  # fmt: skip
    login = json.loads(added)["login"]
    answers = at_once([Visitor(abuse_live.url) for _ in range(ATTEMPTS)], login)
    assert summary(answers) == {400: 4, 429: ATTEMPTS - 4}, summary(answers)
    assert events(abuse_live, "login_failed", login) == 5  # five passwords checked, no more
    assert events(abuse_live, "login_held", login) == 1
