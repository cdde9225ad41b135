"""/metrics: logins and recovery steps by outcome, SMS records by state, each as a number that
moves when the thing happens."""

from __future__ import annotations

import re

from tests.conftest import NEW_PASSWORD, PASSWORD


def metric(client, name: str, **labels: str) -> float:
    """The value /metrics shows for one series (0 when it is not there yet)."""
    for line in client.get("/metrics").content.decode().splitlines():
        found = re.match(r"^(\w+)(?:\{(.*)\})? (\S+)$", line)
        if (
            found
            and found[1] == name
            and dict(re.findall(r'(\w+)="([^"]*)"', found[2] or "")) == labels
        ):
            return float(found[3])
    return 0.0


def test_logins_are_counted_by_outcome(client, account, django_capture_on_commit_callbacks):
    before = {o: metric(client, "govid_logins_total", outcome=o) for o in ("ok", "wrong_password")}
    # The counters wait for the commit of what they count; here it comes at the block's end.
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/", {"username": "an.nguyen", "password": "Sai@Matkhau1"})
        client.post("/", {"username": "an.nguyen", "password": PASSWORD})
    assert metric(client, "govid_logins_total", outcome="wrong_password") == (
        before["wrong_password"] + 1
    )
    assert metric(client, "govid_logins_total", outcome="ok") == before["ok"] + 1


def test_a_held_login_is_counted_as_held(
    client, account, settings, django_capture_on_commit_callbacks
):
    settings.GOVID_SSO = {"hold_after": "2"}
    before = metric(client, "govid_logins_total", outcome="held")
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            client.post("/", {"username": "an.nguyen", "password": "Sai@Matkhau1"})
        client.post("/", {"username": "an.nguyen", "password": PASSWORD})
    assert metric(client, "govid_logins_total", outcome="held") == before + 1


def test_recovery_steps_are_counted_by_outcome(client, account, sms):
    def count(step: str, outcome: str) -> float:
        return metric(client, "govid_recoveries_total", step=step, outcome=outcome)

    before = {
        key: count(*key) for key in [("code", "ok"), ("reset", "wrong_code"), ("reset", "ok")]
    }
    client.post("/quen-mat-khau/", {"email": "an.nguyen"})
    client.post("/quen-mat-khau/lay-ma/")
    code = re.search(r"\d{6}", sms.sent[-1].text).group(0)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for typed in (wrong, code):
        client.post(
            "/quen-mat-khau/dat-lai/",
            {"code": typed, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )
    assert count("code", "ok") == before[("code", "ok")] + 1
    assert count("reset", "wrong_code") == before[("reset", "wrong_code")] + 1
    assert count("reset", "ok") == before[("reset", "ok")] + 1


def test_sms_records_are_shown_by_purpose_and_state(client, account, sms):
    assert metric(client, "govid_sms_messages", purpose="code", state="sent") == 0
    client.post("/quen-mat-khau/", {"email": "an.nguyen"})
    client.post("/quen-mat-khau/lay-ma/")
    assert metric(client, "govid_sms_messages", purpose="code", state="sent") == 1
    assert metric(client, "govid_sms_messages", purpose="code", state="failed") == 0
