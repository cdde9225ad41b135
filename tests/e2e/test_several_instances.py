"""Two govid instances on one PostgreSQL and one Redis, as a province runs them behind a load
balancer (tests/e2e/instances.py): whatever one instance starts, the other one finishes or
refuses.

The person's browser is one cookie jar used against both instances (cookies belong to the
host, whatever the port), so each request may land on either one, as behind nginx. The browser
journeys (federation, second factors) go through nginx itself in front of both, each step sent
to the instance the test names, so that the service providers and WebAuthn see one address.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Page

from tests.e2e.conftest import ROOT, LiveServer
from tests.e2e.factors import authenticator_app_journey, passkey_journey
from tests.e2e.factors import new_account as new_account_without_factor
from tests.e2e.federation import one_login_then_one_logout, systems_for
from tests.e2e.instances import Deployment, two_instances
from tests.e2e.oidc import PASSWORD, Browser, new_account
from tests.e2e.people import sized_page
from tests.servers.nginx import INSTANCE_HEADER, nginx_in_front

pytestmark = pytest.mark.e2e
NEW_PASSWORD = "Moi#Matkhau2026"


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    with two_instances(tmp_path_factory.mktemp) as both:
        yield both


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
    # Five checks, the fifth sets the hold; a check that ends after it is answered with the hold
    # (429) too, so which of the five say 400 depends on their order: never more than four.
    assert len(statuses) == 12 and set(statuses) <= {400, 429}, statuses
    assert 1 <= statuses.count(400) <= 4, statuses
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


def _check_database(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`govid check --database default`, the checks `govid migrate` runs before it starts."""
    command = [sys.executable, "manage.py", "check", "--database", "default"]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)


def test_an_instance_with_signing_keys_of_its_own_is_refused_by_the_start_check(
    deployment, tmp_path
):
    """Instance C was set up without a copy of var/oidc-keys/: it made a key of its own, and
    the check says what to copy before it serves anything. B, with the copy, passes."""
    refused = _check_database({**deployment.b.env, "GOVID_VAR_DIR": str(tmp_path)})
    assert refused.returncode == 1
    assert "(govid.E310) This instance's ID token signing key is not the one" in refused.stderr
    assert "Copy var/oidc-keys/ from an instance that runs" in refused.stderr
    assert refused.stderr.count("govid.E310") == 1  # the secret key and SAML files are shared
    assert _check_database(deployment.b.env).returncode == 0


# --- Through nginx in front of both instances: federation and second factors ---------------

in_the_postgres_pass = pytest.mark.skipif(
    not os.environ.get("GOVID_DATABASE_URL", "").startswith("postgresql"),
    reason="the browser journeys across instances run in the PostgreSQL + Redis pass",
)
INSTANCES = {"A": "0", "B": "1"}  # nginx's upstream order


@pytest.fixture(scope="module")
def public(
    deployment: Deployment, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """The one address people and systems use: nginx in front of A and B. ``manage`` runs on
    A's machine; what it registers is the shared database's."""
    root = tmp_path_factory.mktemp("nginx")
    with nginx_in_front(root, [deployment.a.url, deployment.b.url]) as front:
        yield LiveServer(url=front.url, var_dir=deployment.a.var_dir, env=deployment.a.env)


def _routes(steps: dict[str, str]) -> Callable[[Page, str], None]:
    """A journey's ``route``: each named step sent to instance A or B."""

    def route(page: Page, step: str) -> None:
        page.set_extra_http_headers({INSTANCE_HEADER: INSTANCES[steps[step]]})

    return route


class Served:
    """What each instance served from now on, read from its access log."""

    def __init__(self, deployment: Deployment) -> None:
        self.logs = {
            "A": deployment.a.var_dir / "access.log",
            "B": deployment.b.var_dir / "access.log",
        }
        self.start = {name: _size(log) for name, log in self.logs.items()}

    def saw(self, instance: str, request: str) -> bool:
        """Whether ``instance`` served ``request`` ("POST /dang-xuat/") since the start."""
        with open(self.logs[instance], encoding="utf-8") as log:
            log.seek(self.start[instance])
            lines = log.read()
        return f'"{request} HTTP/1.1"' in lines


def _size(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0


@in_the_postgres_pass
def test_one_login_and_one_logout_reach_every_system_through_both_instances(
    browser, deployment, public
):
    served = Served(deployment)
    steps = {"cas": "A", "saml": "B", "oidc": "A", "account": "B", "logout": "B", "after": "A"}
    with systems_for(public) as systems:
        login, _ = new_account(public)
        page = sized_page(browser, 360, timeout=30_000)
        one_login_then_one_logout(page, systems, login, route=_routes(steps))
        page.context.close()
    # The login was A's; the SP's request and the sign-out were B's.
    assert served.saw("A", "POST /") and not served.saw("B", "POST /")
    assert served.saw("B", "GET /saml/sso/redirect/")
    assert served.saw("B", "POST /dang-xuat/") and not served.saw("A", "POST /dang-xuat/")


@in_the_postgres_pass
def test_an_app_enrolled_on_one_instance_signs_in_on_the_other_and_its_code_works_once(
    browser, deployment, public
):
    served = Served(deployment)
    login = new_account_without_factor(public, "e2e.hai.may", "Huỳnh Văn Hai Máy")
    steps = {"enrol": "A", "code": "B", "replay": "A", "recovery": "A", "recovery again": "B"}
    page = sized_page(browser, 360, timeout=30_000)
    authenticator_app_journey(page, public, login, route=_routes(steps))
    page.context.close()
    assert served.saw("A", "POST /tai-khoan/bao-mat/")  # the enrolment
    assert served.saw("B", "POST /dang-nhap/xac-thuc/")  # the code; a recovery code used again
    assert served.saw("A", "POST /dang-nhap/xac-thuc/")  # the code replayed; a recovery code


@in_the_postgres_pass
def test_a_passkey_enrolled_on_one_instance_signs_in_on_the_other(browser, deployment, public):
    served = Served(deployment)
    login = new_account_without_factor(public, "e2e.khoa.hai.may", "Lương Thị Khoá Máy")
    passkey_journey(browser, public, login, route=_routes({"enrol": "A", "sign in": "B"}))
    assert served.saw("A", "POST /tai-khoan/bao-mat/khoa/")  # the passkey made
    assert not served.saw("B", "POST /tai-khoan/bao-mat/khoa/")
    assert served.saw("B", "POST /dang-nhap/xac-thuc/khoa/")  # the passkey used
    assert not served.saw("A", "POST /dang-nhap/xac-thuc/khoa/")
