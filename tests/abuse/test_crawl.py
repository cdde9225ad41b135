"""Malformed input to every URL (3,000 requests in `make test`, 100,000 in `make fuzz`): no
answer is a 5xx, none shows a stack trace, and the server's log has no traceback."""

from __future__ import annotations

import itertools
import random
import re
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from govid.demo.data import PASSWORD
from tests.abuse.attacker import new_ip
from tests.abuse.crawl import MUTATIONS, Answer, Identity, Sender
from tests.abuse.scale import CRAWL, DEADLINE, report
from tests.web.pages import every_url

pytestmark = pytest.mark.e2e
WHO = {"anonymous": None, "administrator": "quantri", "unit officer": "daumoi.p1"}
LOGOUT = re.compile(r"dang-xuat|logout")
BATCH = 500  # after this many requests, identities the crawl logged out sign in again


def identities(url: str, kept: dict[str, Identity] | None = None) -> dict[str, Identity]:
    """A session for each of WHO: the ``kept`` one while it is still signed in, else a new one
    (signing in only when needed keeps the long crawl within the per-account login ceiling)."""
    found = {}
    for name, login in WHO.items():
        if kept and (login is None or _signed_in(url, kept[name])):
            found[name] = kept[name]
            continue
        http = requests.Session()
        headers = {"X-Forwarded-For": new_ip()}
        http.get(url + "/", headers=headers, timeout=30)
        if login:
            data = {"username": login, "password": PASSWORD,
                    "csrfmiddlewaretoken": http.cookies["govid_csrf"]}  # fmt: skip
            answer = http.post(url + "/", data=data, headers=headers, allow_redirects=False)
            assert answer.status_code == 302, (login, answer.status_code)
        found[name] = Identity(name, {k: v or "" for k, v in http.cookies.get_dict().items()})
    return found


def _signed_in(url: str, identity: Identity) -> bool:
    answer = requests.get(
        url + "/tai-khoan/",
        cookies=identity.cookies,
        headers={"X-Forwarded-For": new_ip()},
        allow_redirects=False,
        timeout=30,
    )
    return answer.status_code == 200


def test_malformed_requests_to_every_url_get_no_5xx_and_no_trace(abuse_live):
    # No real object ids: a valid-token POST of garbage to an admin "change" page would really
    # change that row (e.g. take the administrator's own staff flag away mid-crawl).
    paths = [path for path, _name in every_url(object_id="987654")] + ["/static/govid/govid.css"]
    jobs = [
        (who, path, mutation)
        for who, path, mutation in itertools.product(WHO, paths, MUTATIONS)
        if WHO[who] is None or not LOGOUT.search(path)  # signed in, they stay signed in
    ]
    random.Random(8).shuffle(jobs)
    local = threading.local()
    statuses: Counter[int] = Counter()
    problems: list[str] = []
    lock = threading.Lock()
    started = time.monotonic()

    def send(job: tuple[str, str, str], who: dict[str, Identity], seed: int) -> None:
        if time.monotonic() - started > DEADLINE:
            return
        name, path, mutation = job
        sender = getattr(local, "sender", None) or Sender(abuse_live.url)
        local.sender = sender
        probe = MUTATIONS[mutation](path, who[name], random.Random(seed))
        answer: Answer = sender.send(probe, who[name], new_ip(v6=seed % 4 == 0))
        with lock:
            statuses[answer.status] += 1
            if answer.status >= 500 or answer.leak:
                problems.append(f"{mutation} {probe.method} {path} as {name}: {answer}")

    cycle = itertools.cycle(jobs)
    with ThreadPoolExecutor(max_workers=6) as pool:
        who: dict[str, Identity] | None = None
        for start in range(0, CRAWL, BATCH):
            who = identities(abuse_live.url, who)
            batch = [next(cycle) for _ in range(min(BATCH, CRAWL - start))]
            list(pool.map(send, batch, itertools.repeat(who), range(start, start + len(batch))))
    elapsed = time.monotonic() - started
    sent = sum(statuses.values())
    log = (abuse_live.var_dir / "server.log").read_text(errors="replace")
    report(
        "crawl",
        {"requests": sent, "urls": len(paths), "mutations": len(MUTATIONS),
         "seconds": round(elapsed, 1), "per_second": round(sent / elapsed),
         **{f"http_{code}": n for code, n in sorted(statuses.items())}},
    )  # fmt: skip
    assert sent == CRAWL, "the crawl did not finish within its deadline"
    assert problems == []
    assert all(code < 500 for code in statuses)
    assert "Traceback" not in log and "Internal Server Error" not in log
