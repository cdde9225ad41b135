"""Privacy mode: unknown, locked and phone-less accounts walk the known ones' path."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from govid.recovery import codes
from govid.recovery.models import Challenge
from tests.conftest import NEW_PASSWORD

WHO = ("an.nguyen", "khong.ton.tai", "cuong.le", "vnpt_testvpdt3")


@pytest.fixture(autouse=True)
def privacy(settings, account, locked_account, phoneless_account):
    settings.GOVID_RECOVERY = {"privacy": True}


def same(html: str, typed: str) -> str:
    """The page with what legitimately differs taken out: the typed address, the tokens."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    html = html.replace("<wbr>", "")  # where a shown address may break (the address filter)
    return html.replace(f"{typed}@soctrang.gov.vn", "ADDRESS")


def walk(typed: str) -> dict[str, str]:
    """Lookup, phone page, code, reset page, status, one wrong code: what each one shows."""
    client = Client()
    seen = {}
    response = client.post("/quen-mat-khau/", {"email": typed})
    seen["lookup"] = f"{response.status_code} {response.headers.get('Location')}"
    seen["phone"] = same(client.get("/quen-mat-khau/so-dien-thoai/").content.decode(), typed)
    response = client.post("/quen-mat-khau/lay-ma/")
    seen["code"] = f"{response.status_code} {response.headers.get('Location')}"
    seen["reset"] = same(client.get("/quen-mat-khau/dat-lai/").content.decode(), typed)
    seen["status"] = client.get("/quen-mat-khau/trang-thai-tin-nhan/").content.decode()
    guess = {"code": "000000", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    response = client.post("/quen-mat-khau/dat-lai/", guess)
    seen["wrong"] = f"{response.status_code} " + same(response.content.decode(), typed)
    return seen


def test_every_account_looks_the_same_up_to_the_code(sms):
    walks = {typed: walk(typed) for typed in WHO}
    for typed in WHO[1:]:
        assert walks[typed] == walks["an.nguyen"], typed
    first = walks["an.nguyen"]
    assert first["lookup"] == "302 /quen-mat-khau/so-dien-thoai/"
    assert first["code"] == "302 /quen-mat-khau/dat-lai/"
    assert "0393XXX121" not in first["phone"] + first["reset"]
    assert "Nếu Email công vụ này có số điện thoại đã đăng ký" in first["phone"]
    assert "Bạn còn 4 lần thử." in first["wrong"]
    assert [m.to for m in sms.sent] == ["+84393555121"]  # only the real account got a code


def test_a_stand_in_challenge_opens_with_no_code(sms):
    client = Client()
    client.post("/quen-mat-khau/", {"email": "khong.ton.tai"})
    client.post("/quen-mat-khau/lay-ma/")
    challenge = Challenge.objects.get(login="khong.ton.tai@soctrang.gov.vn")
    assert challenge.stand_in
    its_code = codes.code_for(challenge.seed)
    data = {"code": its_code, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    for left in (4, 3, 2, 1):
        assert (
            f"Bạn còn {left} lần thử."
            in client.post("/quen-mat-khau/dat-lai/", data).content.decode()
        )
    over = client.post("/quen-mat-khau/dat-lai/", data, follow=True)
    assert "Bạn đã nhập sai mã xác nhận quá số lần cho phép." in over.content.decode()
    assert not Challenge.objects.filter(end_reason=Challenge.End.USED).exists()


def test_the_real_account_still_recovers(sms):
    client = Client()
    client.post("/quen-mat-khau/", {"email": "an.nguyen"})
    client.post("/quen-mat-khau/lay-ma/")
    code = re.search(r"\d{6}", sms.sent[-1].text).group()
    data = {"code": code, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    response = client.post("/quen-mat-khau/dat-lai/", data)
    assert response.headers["Location"] == "/quen-mat-khau/thanh-cong/"


def test_the_daily_cap_holds_for_stand_ins_too(sms):
    answers = []
    for typed in ("an.nguyen", "khong.ton.tai"):
        for i in range(6):
            client = Client()
            client.post("/quen-mat-khau/", {"email": typed}, REMOTE_ADDR=f"192.0.2.{i}")
            answers.append(
                client.post("/quen-mat-khau/lay-ma/", REMOTE_ADDR=f"192.0.2.{i}").status_code
            )
    assert answers == ([302] * 5 + [429]) * 2


def test_the_code_step_answers_after_the_same_floor_for_everyone(settings, sms):
    """A real code is queued (rows, a task), a stand-in is not: neither answers sooner than the
    floor, so the time of "Lấy mã xác nhận" does not tell them apart either."""
    import time

    settings.GOVID_LIMITS = {**settings.GOVID_LIMITS, "lookup_time_ms": 250}
    for typed in WHO:
        client = Client()
        client.post("/quen-mat-khau/", {"email": typed})
        started = time.monotonic()
        response = client.post("/quen-mat-khau/lay-ma/")
        took = time.monotonic() - started
        assert response.status_code == 302, typed
        assert took >= 0.25, (typed, took)
