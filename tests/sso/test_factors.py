"""Second factors: TOTP enrolment, the second step at login, recovery codes, removal."""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp
from django.test import Client

from govid import clock
from govid.audit.models import Event
from govid.recovery import flow
from govid.sso.factors.devices import has_factor
from govid.sso.factors.models import RecoveryCode, TotpDevice
from tests.conftest import NEW_PASSWORD, PASSWORD

LOGIN = "an.nguyen@soctrang.gov.vn"
SECURITY = "/tai-khoan/bao-mat/"
SECOND_STEP = "/dang-nhap/xac-thuc/"


def password_step(client: Client, password: str = PASSWORD, **extra: str):
    return client.post("/", {"username": "an.nguyen", "password": password, **extra})


def shown_secret(html: str) -> str:
    match = re.search(r'<code id="totp-secret">([A-Z2-7 ]+)</code>', html)
    assert match, html
    return match.group(1).replace(" ", "")


def code_now(secret: str, *, steps: int = 0) -> str:
    return pyotp.TOTP(secret).at(clock.now() + timedelta(seconds=30 * steps))


def enrol(client: Client) -> tuple[str, list[str]]:
    """Through the security page: the secret shown, then the recovery codes shown once."""
    secret = shown_secret(client.get(SECURITY).content.decode())
    page = client.post(SECURITY, {"code": code_now(secret)})
    assert page.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>", page.content.decode())
    return secret, codes


def enrolled(account, frozen) -> tuple[str, list[str]]:
    client = Client()
    assert password_step(client).headers["Location"] == "/tai-khoan/"
    secret, codes = enrol(client)
    clock.advance(timedelta(seconds=30))  # the enrolment's code is used up
    return secret, codes


def test_enrolment_shows_a_qr_code_and_the_secret_as_text(client, account, frozen):
    password_step(client)
    html = client.get(SECURITY).content.decode()
    assert "<svg" in html and "Khoá bí mật" in html
    assert len(shown_secret(html)) == 32
    assert "Bật xác thực hai bước" in html


def test_enrolment_needs_a_right_code_and_then_gives_ten_recovery_codes(client, account, frozen):
    password_step(client)
    secret = shown_secret(client.get(SECURITY).content.decode())
    wrong = client.post(SECURITY, {"code": "000000" if code_now(secret) != "000000" else "111111"})
    assert wrong.status_code == 400
    assert "Mã không đúng" in wrong.content.decode()
    assert not has_factor(LOGIN)
    # The page reloaded shows the same secret: the app already holds it.
    assert shown_secret(wrong.content.decode()) == secret
    page = client.post(SECURITY, {"code": code_now(secret)})
    codes = re.findall(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>", page.content.decode())
    assert len(set(codes)) == 10
    assert "chỉ hiện một lần" in page.content.decode()
    assert has_factor(LOGIN)
    assert Event.objects.filter(action="factor_added", subject=LOGIN).exists()
    # Shown once: the page now says how many are left, never the codes.
    again = client.get(SECURITY).content.decode()
    assert "Còn 10 mã khôi phục chưa dùng." in again and codes[0] not in again


def test_the_secret_and_the_recovery_codes_are_not_stored_as_they_are(account, frozen):
    secret, codes = enrolled(account, frozen)
    stored = TotpDevice.objects.get(login=LOGIN).secret
    assert secret not in stored and secret.lower() not in stored.lower()
    hashes = set(RecoveryCode.objects.values_list("code_hash", flat=True))
    assert not any(code.replace("-", "") in h for h in hashes for code in codes)
    events = " ".join(str(e.data) for e in Event.objects.all())
    assert secret not in events


def test_with_a_factor_the_password_alone_does_not_sign_in(account, frozen):
    secret, _codes = enrolled(account, frozen)
    client = Client()
    answer = password_step(client)
    assert answer.headers["Location"] == SECOND_STEP
    assert client.get("/tai-khoan/").status_code == 302  # not signed in yet
    page = client.get(SECOND_STEP).content.decode()
    assert "Xác thực hai bước" in page and "Mã xác thực" in page
    done = client.post(SECOND_STEP, {"code": code_now(secret)})
    assert done.headers["Location"] == "/tai-khoan/"
    assert "Nguyễn Văn An" in client.get("/tai-khoan/").content.decode()
    event = Event.objects.filter(action="login", subject=LOGIN).latest("seq")
    assert event.data["amr"] == ["pwd", "otp"]


def test_the_second_step_keeps_where_the_person_was_going(account, frozen):
    secret, _codes = enrolled(account, frozen)
    client = Client()
    answer = password_step(client, next="/tai-khoan/bao-mat/")
    assert answer.headers["Location"] == f"{SECOND_STEP}?next=%2Ftai-khoan%2Fbao-mat%2F"
    done = client.post(SECOND_STEP, {"code": code_now(secret), "next": "/tai-khoan/bao-mat/"})
    assert done.headers["Location"] == "/tai-khoan/bao-mat/"


def test_a_code_is_accepted_once_only(account, frozen):
    secret, _codes = enrolled(account, frozen)
    code = code_now(secret)
    first = Client()
    password_step(first)
    assert first.post(SECOND_STEP, {"code": code}).status_code == 302
    second = Client()
    password_step(second)
    replay = second.post(SECOND_STEP, {"code": code})
    assert replay.status_code == 400
    assert "Mã xác thực không đúng hoặc đã được dùng." in replay.content.decode()
    assert second.get("/tai-khoan/").status_code == 302
    assert Event.objects.filter(action="factor_failed", subject=LOGIN).exists()


def test_one_step_of_clock_drift_is_accepted_and_two_are_not(account, frozen):
    secret, _codes = enrolled(account, frozen)
    client = Client()
    password_step(client)
    assert client.post(SECOND_STEP, {"code": code_now(secret, steps=-2)}).status_code == 400
    assert client.post(SECOND_STEP, {"code": code_now(secret, steps=2)}).status_code == 400
    assert client.post(SECOND_STEP, {"code": code_now(secret, steps=1)}).status_code == 302


def test_a_code_older_than_the_last_one_used_is_refused(account, frozen):
    secret, _codes = enrolled(account, frozen)
    client = Client()
    password_step(client)
    assert client.post(SECOND_STEP, {"code": code_now(secret, steps=1)}).status_code == 302
    other = Client()
    password_step(other)
    assert other.post(SECOND_STEP, {"code": code_now(secret)}).status_code == 400


def test_a_recovery_code_signs_in_once(account, frozen):
    _secret, codes = enrolled(account, frozen)
    client = Client()
    password_step(client)
    assert client.post(SECOND_STEP, {"code": codes[0].upper()}).status_code == 302
    assert Event.objects.filter(action="factor_recovery_code_used", subject=LOGIN).exists()
    again = Client()
    password_step(again)
    assert again.post(SECOND_STEP, {"code": codes[0]}).status_code == 400
    assert again.post(SECOND_STEP, {"code": codes[1]}).status_code == 302
    page = again.get(SECURITY).content.decode()
    assert "Còn 8 mã khôi phục chưa dùng." in page


def test_the_pending_step_expires(account, frozen):
    secret, _codes = enrolled(account, frozen)
    client = Client()
    password_step(client)
    clock.advance(timedelta(minutes=6))
    answer = client.post(SECOND_STEP, {"code": code_now(secret)})
    assert answer.headers["Location"] == "/"
    assert client.get("/tai-khoan/").status_code == 302


def test_without_the_password_step_there_is_no_second_step(client, account, frozen):
    enrolled(account, frozen)
    assert client.get(SECOND_STEP).headers["Location"] == "/"
    assert client.post(SECOND_STEP, {"code": "123456"}).headers["Location"] == "/"


def test_wrong_codes_count_towards_the_login_hold(account, frozen):
    secret, _codes = enrolled(account, frozen)
    client = Client()
    password_step(client)
    for _ in range(5):
        assert client.post(SECOND_STEP, {"code": "12345a"}).status_code == 400
    answer = client.post(SECOND_STEP, {"code": code_now(secret)})
    assert answer.headers["Location"] == "/"
    assert client.get("/tai-khoan/").status_code == 302


def test_bad_input_gets_a_vietnamese_message_not_an_error(account, frozen):
    enrolled(account, frozen)
    client = Client()
    password_step(client)
    for code in ("", "x" * 30, "\u0000", "\uff11\uff12\uff13\uff14\uff15\uff16"):
        answer = client.post(SECOND_STEP, {"code": code})
        assert answer.status_code == 400, code


def test_removing_the_factor_asks_for_a_code_again_after_a_while(account, frozen):
    secret, _codes = enrolled(account, frozen)
    client = Client()
    password_step(client)
    client.post(SECOND_STEP, {"code": code_now(secret)})
    clock.advance(timedelta(minutes=11))
    answer = client.post(SECURITY, {"action": "remove"})
    assert answer.headers["Location"].startswith("/tai-khoan/bao-mat/xac-nhan/?next=")
    assert has_factor(LOGIN)
    page = client.get(answer.headers["Location"]).content.decode()
    assert "Thao tác này cần xác nhận lại bằng mã xác thực." in page
    confirmed = client.post(
        "/tai-khoan/bao-mat/xac-nhan/", {"code": code_now(secret), "next": SECURITY}
    )
    assert confirmed.headers["Location"] == SECURITY
    removed = client.post(SECURITY, {"action": "remove"})
    assert removed.headers["Location"] == SECURITY
    assert not has_factor(LOGIN)
    assert not RecoveryCode.objects.filter(login=LOGIN).exists()
    assert Event.objects.filter(action="factor_removed", subject=LOGIN, actor=LOGIN).exists()
    # And the password alone signs in again.
    assert password_step(Client()).headers["Location"] == "/tai-khoan/"


def test_the_sms_recovery_resets_the_password_but_keeps_the_factor(account, sms, frozen):
    secret, _codes = enrolled(account, frozen)
    challenge = flow.send_code(LOGIN, ip=None)
    code = re.search(r"\b(\d{6})\b", sms.sent[-1].text)
    assert code
    flow.reset_password(str(challenge.token), code=code.group(1), password=NEW_PASSWORD, ip=None)
    assert has_factor(LOGIN)
    client = Client()
    # The new password leads to the second step, never past it.
    assert password_step(client, NEW_PASSWORD).headers["Location"] == SECOND_STEP
    assert client.get("/tai-khoan/").status_code == 302
    assert client.post(SECOND_STEP, {"code": code_now(secret)}).status_code == 302
