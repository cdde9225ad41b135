"""Two govid instances (gunicorn each) on one PostgreSQL and one Redis, as a province runs them
behind a load balancer: whatever one instance starts, the other one finishes or refuses.

The person's browser is one cookie jar used against both instances (cookies belong to the
host, whatever the port), so each request may land on either one, as behind nginx.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from tests.e2e.conftest import ROOT, LiveServer, serve
from tests.e2e.oidc import PASSWORD, Browser, new_account
from tests.servers import stop
from tests.servers.postgres import fresh_database, postgres
from tests.servers.redis import redis

pytestmark = pytest.mark.e2e
NEW_PASSWORD = "Moi#Matkhau2026"


@dataclass
class Deployment:
    a: LiveServer
    b: LiveServer
    outbox: Path

    def code_for(self, phone: str, *, after: int = 0, timeout: float = 15.0) -> str:
        """The code of the (after+1)-th SMS to ``phone``, whichever process sent it."""
        reader = LiveServer(url="", var_dir=self.outbox.parent, env={})
        return reader.wait_for_code(phone, after=after, timeout=timeout)

    def sent_to(self, phone: str) -> int:
        return len(LiveServer(url="", var_dir=self.outbox.parent, env={}).messages(phone))

    def events(self, action: str, subject: str) -> int:
        """How many audit events of ``action`` about ``subject`` the shared database holds."""
        code = (
            "from govid.audit.models import Event;"
            f"print(Event.objects.filter(action={action!r}, subject={subject!r}).count())"
        )
        return int(self.a.manage("shell", "-c", code).split()[-1])


def _shared_backends(stack: ExitStack) -> tuple[str, str]:
    """One PostgreSQL database and one Redis database for both instances: the suite's servers
    when it runs on them, else throwaway ones started here."""
    name = f"govid_instances_{os.getpid()}"
    database = os.environ.get("GOVID_DATABASE_URL", "")
    if database.startswith("postgresql://"):
        database = fresh_database(database, name)
    else:
        database = stack.enter_context(postgres()).create_database(name)
    cache = os.environ.get("GOVID_REDIS_URL", "")
    cache = cache.rsplit("/", 1)[0] + "/2" if cache else stack.enter_context(redis()).url()
    return database, cache


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    shared = tmp_path_factory.mktemp("shared")
    with ExitStack() as stack:
        database, cache = _shared_backends(stack)
        env = {
            "GOVID_DATABASE_URL": database,
            "GOVID_REDIS_URL": cache,
            "GOVID_SECRET_KEY": "several-instances-" + "k" * 40,  # one deployment, one key
            "GOVID_AUDIT_KEY": "several-instances-audit-" + "a" * 40,  # and one audit key
            "GOVID_SMS_OUTBOX": str(shared / "sms-outbox.jsonl"),
            "GOVID_TASKS_WORKER": "external",
            "GOVID_WORKERS": "2",
        }
        a = stack.enter_context(serve(tmp_path_factory.mktemp("instance-a"), **env))
        b = stack.enter_context(serve(tmp_path_factory.mktemp("instance-b"), setup=(), **env))
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "worker"],
            cwd=ROOT,
            env=a.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        stack.callback(stop, worker)
        yield Deployment(a=a, b=b, outbox=shared / "sms-outbox.jsonl")


def _ask_for_code(deployment: Deployment, browser: Browser, login: str) -> requests.Response:
    """Steps 2 and 3 on whichever instance ``browser`` talks to: the reset page."""
    live = browser.live
    page = browser.submit(browser.go(f"{live.url}/quen-mat-khau/"), {"email": login})
    assert "Lấy mã xác nhận" in page.text, page.text
    page = browser.submit(page, {})
    assert page.url.endswith("/quen-mat-khau/dat-lai/"), page.url
    return page


def test_a_code_requested_on_one_instance_is_accepted_on_the_other(deployment):
    login, phone = new_account(deployment.a)
    on_a = Browser(deployment.a)
    _ask_for_code(deployment, on_a, login)
    code = deployment.code_for(phone)

    on_b = Browser(deployment.b, http=on_a.http)  # the same person, routed to B
    page = on_b.go(f"{deployment.b.url}/quen-mat-khau/dat-lai/")
    assert page.status_code == 200 and 'name="code"' in page.text
    done = on_b.submit(page, {"code": code, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert "Thay đổi mật khẩu thành công!" in done.text

    fresh = Browser(deployment.a)
    page = fresh.log_in(fresh.go(f"{deployment.a.url}/"), login, NEW_PASSWORD)
    assert "Tài khoản của tôi" in page.text


def _submit_at_once(
    targets: list[tuple[str, requests.Session]], fields: dict[str, str]
) -> list[requests.Response]:
    """POST the same form to every target at the same moment (a barrier releases them)."""
    barrier = threading.Barrier(len(targets))
    answers: list[requests.Response | None] = [None] * len(targets)

    def post(i: int, url: str, http: requests.Session) -> None:
        barrier.wait()
        answers[i] = http.post(url, data=fields, allow_redirects=False, timeout=30)

    threads = [
        threading.Thread(target=post, args=(i, url, http)) for i, (url, http) in enumerate(targets)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(answer is not None for answer in answers)
    return [answer for answer in answers if answer is not None]


@pytest.mark.parametrize("round_", range(3))
def test_the_same_code_sent_to_both_instances_at_once_is_accepted_once(deployment, round_):
    login, phone = new_account(deployment.a)
    browser = Browser(deployment.a)
    page = _ask_for_code(deployment, browser, login)
    code = deployment.code_for(phone)
    token = page.text.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    fields = {
        "csrfmiddlewaretoken": token,
        "code": code,
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    }
    targets = []
    for live in (deployment.a, deployment.b):
        http = requests.Session()
        http.cookies.update(browser.http.cookies)
        targets.append((f"{live.url}/quen-mat-khau/dat-lai/", http))

    answers = _submit_at_once(targets, fields)

    places = [answer.headers.get("Location", str(answer.status_code)) for answer in answers]
    assert places.count("/quen-mat-khau/thanh-cong/") == 1, places
    # The other one is told the code was used (or, if it came a moment late, starts over).
    assert set(places) - {"/quen-mat-khau/thanh-cong/"} <= {
        "/quen-mat-khau/so-dien-thoai/",
        "/quen-mat-khau/",
    }, places
    assert deployment.events("password_reset", login) == 1


def test_wrong_passwords_on_both_instances_add_up_to_one_hold(deployment):
    login, _phone = new_account(deployment.a)
    instances = [deployment.a, deployment.b]
    answers = []
    for attempt in range(5):  # 5 wrong passwords within the window hold the account
        live = instances[attempt % 2]
        browser = Browser(live)
        page = browser.log_in(browser.go(f"{live.url}/"), login, f"Sai@Matkhau{attempt}")
        answers.append(page.status_code)
    assert answers == [400, 400, 400, 400, 429]
    for live in instances:  # even the right password, on either instance
        browser = Browser(live)
        page = browser.log_in(browser.go(f"{live.url}/"), login, PASSWORD)
        assert page.status_code == 429 and "tạm thời không đăng nhập được" in page.text


def test_parallel_wrong_passwords_on_both_instances_are_checked_five_times(deployment):
    """Sent at once, half to each instance: one count in Redis, exactly five checks."""
    login, _phone = new_account(deployment.a)
    targets = []
    for n in range(12):
        live = (deployment.a, deployment.b)[n % 2]
        http = requests.Session()
        http.get(f"{live.url}/", timeout=10)  # the CSRF cookie
        targets.append((f"{live.url}/", http))
    token = targets[0][1].cookies["govid_csrf"]
    for _url, http in targets:
        http.cookies.set("govid_csrf", token)
    fields = {"csrfmiddlewaretoken": token, "username": login, "password": "Sai@Matkhau1"}
    answers = _submit_at_once(targets, fields)
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [400] * 4 + [429] * 8, statuses
    assert deployment.events("login_failed", login) == 5
    assert deployment.events("login_held", login) == 1


def test_the_daily_code_limit_counts_codes_from_both_instances(deployment):
    login, phone = new_account(deployment.a)
    instances = [deployment.a, deployment.b]
    for n in range(5):  # GOVID_RECOVERY_DAILY_CODES: 5 a day, asked on A, B, A, B, A
        browser = Browser(instances[n % 2])
        _ask_for_code(deployment, browser, login)
        deployment.code_for(phone, after=n)
    browser = Browser(deployment.b)
    page = browser.submit(browser.go(f"{deployment.b.url}/quen-mat-khau/"), {"email": login})
    refused = browser.submit(page, {})
    assert refused.status_code == 429
    assert "Tài khoản đã nhận đủ số mã xác nhận cho phép trong 24 giờ." in refused.text
    time.sleep(1)  # the worker had every chance to send a sixth code: it must not exist
    assert deployment.sent_to(phone) == 5


def test_the_lookup_ceiling_of_an_account_counts_lookups_on_both_instances(deployment):
    login, _phone = new_account(deployment.a)
    instances = [deployment.a, deployment.b]
    for n in range(10):  # GOVID_LIMITS_LOOKUP_ACCOUNT: 10 an hour, asked on A, B, A, B, ...
        live = instances[n % 2]
        browser = Browser(live)
        page = browser.submit(browser.go(f"{live.url}/quen-mat-khau/"), {"email": login})
        assert "Lấy mã xác nhận" in page.text, (n, page.status_code)
    for live in instances:  # the eleventh, on either instance, waits
        browser = Browser(live)
        refused = browser.submit(browser.go(f"{live.url}/quen-mat-khau/"), {"email": login})
        assert refused.status_code == 429
        assert "Tài khoản này có quá nhiều yêu cầu khôi phục mật khẩu." in refused.text
        assert 0 < int(refused.headers["Retry-After"]) <= 3600


def test_a_session_made_on_one_instance_is_valid_on_the_other(deployment):
    login, _phone = new_account(deployment.a)
    on_a = Browser(deployment.a)
    page = on_a.log_in(on_a.go(f"{deployment.a.url}/"), login)
    assert "Tài khoản của tôi" in page.text

    on_b = Browser(deployment.b, http=on_a.http)
    account = on_b.go(f"{deployment.b.url}/tai-khoan/")
    assert account.status_code == 200 and login in account.text

    # Logging out on B ends the session for A too.
    token = account.text.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    on_b.go(f"{deployment.b.url}/dang-xuat/", data={"csrfmiddlewaretoken": token})
    again = on_a.http.get(f"{deployment.a.url}/tai-khoan/", allow_redirects=False, timeout=10)
    assert again.status_code == 302 and again.headers["Location"].startswith("/?next=")


def test_a_lock_on_one_instance_ends_a_remembered_session_held_on_the_other(deployment):
    login, _phone = new_account(deployment.a)
    on_b = Browser(deployment.b)
    page = on_b.go(f"{deployment.b.url}/")
    page = on_b.submit(page, {"username": login, "password": PASSWORD, "remember": "on"})
    assert "Tài khoản của tôi" in page.text
    deployment.a.manage("accounts", "lock", login)  # the operator, on instance A's machine
    again = on_b.http.get(f"{deployment.b.url}/tai-khoan/", allow_redirects=False, timeout=10)
    assert again.status_code == 302 and again.headers["Location"].startswith("/?next=")


def test_both_instances_say_they_are_ready_on_the_shared_servers(deployment):
    for live in (deployment.a, deployment.b):
        answer = requests.get(f"{live.url}/readyz", timeout=10)
        assert answer.status_code == 200
        assert json.loads(answer.text)["checks"] == {
            "database": "ok",
            "cache": "ok",
            "directory": "ok",
            "sms": "ok",
        }


def test_both_instances_seal_one_audit_chain_that_verifies(deployment):
    """Everything the tests above did on either instance is one chain, sealed by the one key
    the deployment shares, and verified from the other instance."""
    new_account(deployment.a)
    new_account(deployment.b)
    verified = json.loads(deployment.b.manage("audit", "verify").splitlines()[-1])
    assert verified["intact"] is True and verified["rows"] > 2
