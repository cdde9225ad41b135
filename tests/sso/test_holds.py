"""Login holds: wrong passwords counted per account and per address, a growing capped hold."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.test import Client

from govid import clock
from govid.audit.models import Event
from govid.sso.models import User
from tests.conftest import NEW_PASSWORD, PASSWORD

WRONG = "Sai@Matkhau1"
GENERIC = "Tên tài khoản hoặc mật khẩu không đúng."


def login(client: Client, username: str, password: str):
    return client.post("/", {"username": username, "password": password})


def alert(response) -> str:
    return " ".join(re.findall(r'role="alert"><p>([^<]+)</p>', response.content.decode()))


def fail(client: Client, username: str = "an.nguyen", times: int = 5):
    for _ in range(times):
        response = login(client, username, WRONG)
    return response


def test_the_fifth_wrong_password_holds_the_account_and_says_until_when(client, account, frozen):
    for _ in range(4):
        response = login(client, "an.nguyen", WRONG)
        assert response.status_code == 400 and alert(response) == GENERIC
    held = login(client, "an.nguyen", WRONG)
    assert held.status_code == 429
    # 01:00 UTC is 08:00 in Sóc Trăng; the first hold lasts five minutes.
    assert "Vui lòng thử lại sau 5 phút nữa (lúc 08:05)" in alert(held)
    assert "Quên mật khẩu?" in alert(held)


def test_the_right_password_is_refused_during_the_hold_and_works_after(client, account, frozen):
    fail(client)
    clock.advance(timedelta(minutes=2))
    refused = login(client, "an.nguyen", PASSWORD)
    assert refused.status_code == 429
    assert "Vui lòng thử lại sau 3 phút nữa (lúc 08:05)" in alert(refused)
    clock.advance(timedelta(minutes=3, seconds=1))
    assert login(client, "an.nguyen", PASSWORD).status_code == 302


def test_each_next_hold_is_twice_as_long_up_to_an_hour(client, account, frozen):
    waits = []
    for _ in range(6):
        held = fail(client)
        waits.append(int(re.search(r"sau (\d+) phút", alert(held))[1]))
        clock.advance(timedelta(hours=1, seconds=1))
    assert waits == [5, 10, 20, 40, 60, 60]


def test_unknown_accounts_are_held_like_known_ones(client, account, frozen):
    known = alert(fail(client, "an.nguyen"))
    unknown = alert(fail(Client(), "khong.ton.tai"))
    assert known == unknown


def test_a_successful_login_starts_the_count_again(client, account, frozen):
    fail(client, times=4)
    assert login(client, "an.nguyen", PASSWORD).status_code == 302
    client.post("/dang-xuat/")
    assert fail(client, times=4).status_code == 400


def test_many_failures_from_one_address_hold_the_address(client, account, frozen, settings):
    settings.GOVID_SSO = {"hold_after_ip": "3"}
    for n in range(2):
        assert login(client, f"nguoi.{n}", WRONG).status_code == 400
    held = login(client, "nguoi.3", WRONG)
    assert held.status_code == 429
    assert "Có quá nhiều lần đăng nhập sai từ địa chỉ mạng của bạn" in alert(held)
    other_address = Client(REMOTE_ADDR="10.0.0.9")
    assert login(other_address, "an.nguyen", PASSWORD).status_code == 302


def test_failures_holds_and_refusals_are_audited(client, account, frozen):
    fail(client)
    login(client, "an.nguyen", PASSWORD)
    rows = Event.objects.filter(subject="an.nguyen@soctrang.gov.vn")
    actions = list(rows.order_by("id").values_list("action", flat=True))
    assert actions[-7:] == ["login_failed"] * 5 + ["login_held", "login_refused"]
    held = rows.get(action="login_held")
    assert held.data == {"kind": "account", "strikes": 1, "minutes": 5}
    assert WRONG not in json.dumps(list(rows.values_list("data", flat=True)))


def test_the_administrator_unblocks_from_the_command_line(client, account, frozen):
    fail(client)
    out = StringIO()
    call_command("accounts", "unblock", "an.nguyen", stdout=out)
    assert json.loads(out.getvalue()) == {"login": "an.nguyen@soctrang.gov.vn", "was_held": True}
    assert Event.objects.filter(action="login_hold_released", actor="cli").exists()
    assert login(client, "an.nguyen", PASSWORD).status_code == 302


def test_the_administrator_unblocks_from_the_admin(client, account, administrator, frozen):
    fail(client)
    User.objects.create_user("an.nguyen@soctrang.gov.vn")
    admin = administrator
    target = User.objects.get(login="an.nguyen@soctrang.gov.vn")
    response = admin.post(
        "/quan-tri/sso/user/",
        {"action": "release_hold", "_selected_action": [target.pk]},
        follow=True,
    )
    assert "Đã gỡ: an.nguyen@soctrang.gov.vn" in response.content.decode()
    assert login(client, "an.nguyen", PASSWORD).status_code == 302


def test_recovery_stays_open_for_a_held_account_and_ends_the_hold(
    client, account, sms, frozen, django_capture_on_commit_callbacks
):
    fail(client)
    response = client.post("/quen-mat-khau/", {"email": "an.nguyen"}, follow=True)
    assert "0393XXX121" in response.content.decode()
    client.post("/quen-mat-khau/lay-ma/")
    code = re.search(r"\d{6}", sms.sent[-1].text)[0]
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            "/quen-mat-khau/dat-lai/",
            {"code": code, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )
    assert done.headers["Location"] == "/quen-mat-khau/thanh-cong/"
    assert login(Client(), "an.nguyen", NEW_PASSWORD).status_code == 302
    assert Event.objects.filter(action="login_hold_released").exists()


def test_the_hold_is_explained_in_english_through_the_switch(client, account, frozen):
    client.cookies["govid_language"] = "en"
    held = fail(client)
    assert "Please try again in 5 minutes (at 08:05)" in alert(held)
