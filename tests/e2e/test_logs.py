"""No code, password or full phone number in any log line: a live run, every log read back.

The server runs at DEBUG with JSON lines; one person fails a login, logs in, recovers the
password by SMS (a wrong code first) and changes it on the account page. Then every line that
gunicorn and govid wrote (application log, error log, access log) is searched for each secret
that went through, and for the phone number in every way it can be written.
"""

from __future__ import annotations

import json
import re

import pytest
import requests

from tests.e2e.conftest import serve
from tests.e2e.oidc import PASSWORD, Browser, new_account

pytestmark = pytest.mark.e2e
WRONG = "Sai@Matkhau777"
RESET_TO = "Moi#Matkhau2026"
CHANGED_TO = "Doi$Matkhau2027"


def phone_forms(e164: str) -> list[str]:
    """+84987650001 as people and systems write it: +84..., 84..., 0..., and the bare digits."""
    national = e164.removeprefix("+84")
    spaced = f"0{national[:3]} {national[3:6]} {national[6:]}"
    return [e164, e164[1:], "0" + national, national, spaced]


def walk_through_everything(live, login: str, phone: str) -> list[str]:
    """A morning's worth of one person's requests; returns the codes that were sent."""
    browser = Browser(live)
    assert browser.log_in(browser.go(f"{live.url}/"), login, WRONG).status_code == 400
    assert "Tài khoản của tôi" in browser.log_in(browser.go(f"{live.url}/"), login).text

    browser = Browser(live)
    page = browser.submit(browser.go(f"{live.url}/quen-mat-khau/"), {"email": login})
    page = browser.submit(page, {})
    code = live.wait_for_code(phone)
    wrong_code = f"{(int(code) + 1) % 1_000_000:06d}"
    page = browser.submit(page, {"code": wrong_code, "password1": RESET_TO, "password2": RESET_TO})
    assert "Mã xác nhận không đúng" in page.text
    done = browser.submit(page, {"code": code, "password1": RESET_TO, "password2": RESET_TO})
    assert "Thay đổi mật khẩu thành công!" in done.text

    browser = Browser(live)
    account = browser.log_in(browser.go(f"{live.url}/"), login, RESET_TO)
    fields = {"old_password": RESET_TO, "password1": CHANGED_TO, "password2": CHANGED_TO}
    assert "Thay đổi mật khẩu thành công!" in browser.submit(account, fields).text
    live.wait_for_messages(phone, 3)  # the code, and the two "password changed" notices
    return [code, wrong_code]


# What a visitor would send to slip a line of their own into the access log: a line break,
# then an access line as the server writes them.
FORGED = '%0D%0A2026-01-01T00:00:00.000Z%20127.0.0.1%20"GET%20/quan-tri/%20HTTP/1.1"%20200'


def test_no_secret_reaches_any_log_line(tmp_path_factory):
    var_dir = tmp_path_factory.mktemp("govid-logs")
    with serve(var_dir, GOVID_LOG_LEVEL="DEBUG", GOVID_LOG_FORMAT="json") as live:
        login, phone = new_account(live)
        codes = walk_through_everything(live, login, phone)
        assert requests.get(f"{live.url}/khong-co{FORGED}", timeout=10).status_code == 404
    logs = {
        name: (var_dir / name).read_text(errors="replace").splitlines()
        for name in ("server.log", "access.log")
    }
    secrets = [PASSWORD, WRONG, RESET_TO, CHANGED_TO, *codes, *phone_forms(phone)]
    leaks = [
        (name, secret, line)
        for name, lines in logs.items()
        for line in lines
        for secret in secrets
        if secret in line
    ]
    assert leaks == []
    # The run did log: requests with their ids, the SMS by their masked number.
    app_lines = [json.loads(line) for line in logs["server.log"] if line.startswith("{")]
    assert any("sms" in line["message"] and "XXX" in line["message"] for line in app_lines)
    assert len(logs["access.log"]) >= 10
    # Each access line: the time (UTC), address, request (path only), status, bytes, time taken,
    # the request's id.
    shape = re.compile(
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z "
        r'127\.0\.0\.1 "(GET|POST|HEAD) /\S* HTTP/1\.[01]" \d{3} (\d+|-) \d+ms [0-9a-f]{32}'
    )
    forged = [line for line in logs["access.log"] if "khong-co" in line]
    assert [line for line in logs["access.log"] if not shape.fullmatch(line)] == forged
    # The forged request is one line, its line break written out: no line begins with the forgery.
    assert len(forged) == 1
    assert '/khong-co\\r\\n2026-01-01T00:00:00.000Z 127.0.0.1 "GET' in forged[0]
    assert not any(line.startswith("2026-01-01T") for line in logs["access.log"])
    assert any('"POST /quen-mat-khau/ HTTP/1.1" 302 ' in line for line in logs["access.log"])
