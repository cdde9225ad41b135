"""The seed's rules, without HTTP; time moves through govid.clock."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from govid import clock
from govid.audit.models import Event
from govid.directory.backends.sql import SqlDirectory
from govid.directory.models import StoredAccount
from govid.recovery import flow
from govid.recovery.errors import (
    ChallengeOver,
    CodeNotSent,
    DailyLimitReached,
    NoMoreResends,
    NotRecoverable,
    PasswordRejected,
    ResendTooEarly,
    WrongCode,
)
from govid.recovery.models import Challenge
from govid.recovery.sms import code_sms
from govid.sms.base import SmsError, SmsRefused
from govid.sms.delivery import deliver_due
from govid.sms.models import Message
from tests.conftest import NEW_PASSWORD, PASSWORD

LOGIN = "an.nguyen@soctrang.gov.vn"


def code_in(text: str) -> str:
    match = re.search(r"\b(\d{6})\b", text)
    assert match, text
    return match.group(1)


def last_code(sms) -> str:
    return code_in(sms.sent[-1].text)


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def password_works(password: str) -> bool:
    directory = SqlDirectory()
    account = directory.find(LOGIN)
    assert account is not None
    return directory.verify_password(account, password)


# --- step 2: the lookup --------------------------------------------------------------------


def test_lookup_accepts_a_bare_name_and_masks_the_phone_like_the_seed(account):
    lookup = flow.start_recovery("  AN.NGUYEN ")
    assert lookup.login == LOGIN
    assert lookup.masked_phone == "0393XXX121"


@pytest.mark.parametrize("typed", ["nobody", "cuong.le", "vnpt_testvpdt3", "", "x" * 10_000])
def test_unknown_locked_and_phoneless_accounts_are_refused_alike(
    typed, locked_account, phoneless_account
):
    with pytest.raises(NotRecoverable):
        flow.start_recovery(typed)


# --- step 3: the code ------------------------------------------------------------------------


def test_the_code_is_six_digits_in_one_unaccented_gsm7_sms(account, sms, frozen):
    flow.send_code(LOGIN, ip="192.0.2.1")
    (message,) = sms.sent
    assert message.to == "+84393555121"
    assert re.search(r"\b\d{6}\b", message.text)
    assert "5 phut" in message.text
    assert message.text.isascii() and len(message.text) <= 160


def test_the_code_is_never_stored_and_never_logged(account, sms, caplog, frozen):
    caplog.set_level("DEBUG")
    challenge = flow.send_code(LOGIN, ip=None)
    code = last_code(sms)
    row = Challenge.objects.filter(pk=challenge.pk).values().get()
    assert all(code not in str(value) for value in row.values())
    assert code not in caplog.text
    events = Event.objects.values_list("data", flat=True)
    assert all(code not in str(data) for data in events)


def test_codes_differ_between_challenges(account, sms, frozen):
    codes = set()
    for _ in range(5):
        flow.send_code(LOGIN, ip=None)
        codes.add(last_code(sms))
    assert len(codes) >= 4  # one collision in a million is possible, five is not


def test_at_most_five_codes_per_account_per_24_hours(account, sms, frozen):
    for _ in range(5):
        flow.send_code(LOGIN, ip=None)
    with pytest.raises(DailyLimitReached):
        flow.send_code(LOGIN, ip=None)
    assert len(sms.sent) == 5
    clock.advance(timedelta(hours=24, seconds=1))
    flow.send_code(LOGIN, ip=None)
    assert len(sms.sent) == 6


def run_retries(times: int = 4) -> None:
    """Let the clock pass each back-off and run the retries that fall due."""
    for _ in range(times):
        clock.advance(timedelta(seconds=30))
        deliver_due()


def test_a_code_no_gateway_took_does_not_count_against_the_cap(account, sms, frozen):
    sms.fail_with = SmsError("gateway down")
    for _ in range(6):
        challenge = flow.send_code(LOGIN, ip=None)  # queued: the page follows the SMS
        assert code_sms(challenge).pending
        run_retries()
        assert code_sms(challenge).failed
        with pytest.raises(ChallengeOver) as over:
            flow.live_challenge(str(challenge.token))
        assert over.value.code == "code_not_sent"
    assert Event.objects.filter(action="recovery_code_not_sent").count() == 6
    sms.fail_with = None
    for _ in range(5):
        flow.send_code(LOGIN, ip=None)
    assert len(sms.sent) == 5
    with pytest.raises(DailyLimitReached):
        flow.send_code(LOGIN, ip=None)


def test_a_transient_failure_is_retried_and_the_code_still_arrives(account, sms, frozen):
    sms.fail_with = SmsError("gateway busy")
    challenge = flow.send_code(LOGIN, ip=None)
    assert code_sms(challenge).retrying
    sms.fail_with = None
    run_retries(1)
    assert code_sms(challenge).state == "sent"
    assert len(sms.sent) == 1


def test_a_number_the_gateway_refuses_for_good_fails_at_once(account, sms, frozen):
    sms.fail_with = SmsRefused("invalid number")
    with pytest.raises(CodeNotSent):
        flow.send_code(LOGIN, ip=None)
    (message,) = Message.objects.all()
    assert message.state == "failed" and message.attempts == 1
    assert "invalid number" in message.last_error


def test_a_locked_account_gets_no_code(locked_account, sms):
    with pytest.raises(NotRecoverable):
        flow.send_code("cuong.le@soctrang.gov.vn", ip=None)
    assert sms.sent == []


# --- resend ---------------------------------------------------------------------------------


def test_resend_waits_sixty_seconds(account, sms, frozen):
    challenge = flow.send_code(LOGIN, ip=None)
    clock.advance(timedelta(seconds=59))
    with pytest.raises(ResendTooEarly) as early:
        flow.resend_code(str(challenge.token), ip=None)
    assert early.value.seconds == 1
    clock.advance(timedelta(seconds=1))
    flow.resend_code(str(challenge.token), ip=None)
    assert len(sms.sent) == 2


def test_resend_sends_the_same_code_until_it_expires(account, sms, frozen):
    challenge = flow.send_code(LOGIN, ip=None)
    first = last_code(sms)
    clock.advance(timedelta(seconds=60))
    flow.resend_code(str(challenge.token), ip=None)
    assert last_code(sms) == first
    assert "4 phut" in sms.sent[-1].text  # the code's remaining validity, not a fresh 5


def test_at_most_three_resends(account, sms, frozen):
    challenge = flow.send_code(LOGIN, ip=None)
    for _ in range(3):
        clock.advance(timedelta(seconds=60))
        flow.resend_code(str(challenge.token), ip=None)
    clock.advance(timedelta(seconds=60))
    with pytest.raises(NoMoreResends):
        flow.resend_code(str(challenge.token), ip=None)
    assert len(sms.sent) == 4


def test_resend_after_expiry_sends_a_new_code(account, sms, frozen):
    challenge = flow.send_code(LOGIN, ip=None)
    first = last_code(sms)
    clock.advance(timedelta(minutes=5))
    new = flow.resend_code(str(challenge.token), ip=None)
    assert new.token != challenge.token
    assert last_code(sms) != first or new.seed != challenge.seed


def test_a_failed_resend_is_given_back(account, sms, frozen):
    challenge = flow.send_code(LOGIN, ip=None)
    clock.advance(timedelta(seconds=60))
    sms.fail_with = SmsRefused("gateway refused")
    with pytest.raises(CodeNotSent):
        flow.resend_code(str(challenge.token), ip=None)
    sms.fail_with = None
    flow.resend_code(str(challenge.token), ip=None)  # no new wait, no resend used up
    challenge.refresh_from_db()
    assert challenge.resends == 1


# --- step 4: the reset ----------------------------------------------------------------------


def test_the_right_code_and_a_good_password_reset_it(account, sms, frozen):
    challenge = flow.send_code(LOGIN, ip=None)
    flow.reset_password(
        str(challenge.token), code=last_code(sms), password=NEW_PASSWORD, ip="192.0.2.1"
    )
    assert password_works(NEW_PASSWORD)
    assert not password_works(PASSWORD)
    assert Event.objects.filter(action="password_reset", subject=LOGIN, ip="192.0.2.1").exists()


def test_after_a_reset_an_sms_notice_tells_the_time_and_whom_to_call(
    account, sms, frozen, django_capture_on_commit_callbacks
):
    challenge = flow.send_code(LOGIN, ip=None)
    with django_capture_on_commit_callbacks(execute=True):
        flow.reset_password(
            str(challenge.token), code=last_code(sms), password=NEW_PASSWORD, ip=None
        )
    notice = sms.sent[-1]
    assert notice.to == "+84393555121"
    assert "08:00 24/11/2026" in notice.text  # local time (UTC+7)
    assert "0299 3 888 999" in notice.text
    assert notice.text.isascii() and len(notice.text) <= 160


def test_a_code_works_once(account, sms, frozen):
    challenge = flow.send_code(LOGIN, ip=None)
    code = last_code(sms)
    flow.reset_password(str(challenge.token), code=code, password=NEW_PASSWORD, ip=None)
    with pytest.raises(ChallengeOver) as over:
        flow.reset_password(str(challenge.token), code=code, password="Khac#Matkhau2027", ip=None)
    assert over.value.code == "challenge_used"
    assert password_works(NEW_PASSWORD)


def test_the_code_expires_after_five_minutes(account, sms, frozen):
    challenge = flow.send_code(LOGIN, ip=None)
    clock.advance(timedelta(minutes=4, seconds=59))
    flow.live_challenge(str(challenge.token))
    clock.advance(timedelta(seconds=1))
    with pytest.raises(ChallengeOver) as over:
        flow.reset_password(
            str(challenge.token), code=last_code(sms), password=NEW_PASSWORD, ip=None
        )
    assert over.value.code == "code_expired"
    assert password_works(PASSWORD)


def test_a_wrong_code_uses_up_an_attempt(account, sms, frozen):
    challenge = flow.send_code(LOGIN, ip=None)
    with pytest.raises(WrongCode) as wrong_code:
        flow.reset_password(
            str(challenge.token), code=wrong(last_code(sms)), password=NEW_PASSWORD, ip=None
        )
    assert wrong_code.value.attempts_left == 4


def test_five_wrong_codes_end_the_challenge_even_for_the_right_code(account, sms, frozen):
    challenge = flow.send_code(LOGIN, ip=None)
    code = last_code(sms)
    for left in (4, 3, 2, 1):
        with pytest.raises(WrongCode) as wrong_code:
            flow.reset_password(
                str(challenge.token), code=wrong(code), password=NEW_PASSWORD, ip=None
            )
        assert wrong_code.value.attempts_left == left
    with pytest.raises(ChallengeOver) as over:
        flow.reset_password(str(challenge.token), code=wrong(code), password=NEW_PASSWORD, ip=None)
    assert over.value.code == "too_many_attempts"
    with pytest.raises(ChallengeOver):
        flow.reset_password(str(challenge.token), code=code, password=NEW_PASSWORD, ip=None)
    assert password_works(PASSWORD)
    assert Event.objects.filter(action="recovery_attempts_exhausted").count() == 1


@pytest.mark.parametrize(
    ("password", "fragment"),
    [
        ("Ngan@1", "ít nhất 8 ký tự"),
        ("khongcohoa@2026", "chữ hoa"),
        ("KHONGCOTHUONG@2026", "chữ thường"),
        ("KhongCoSo@abc", "chữ số"),
        ("KhongDacBiet2026", "ký tự đặc biệt"),
        ("An.Nguyen@2026", "tên tài khoản"),
        ("P@ssw0rd", "quá phổ biến"),
        (PASSWORD, "khác mật khẩu hiện tại"),
    ],
)
def test_the_password_policy(account, sms, frozen, password, fragment):
    challenge = flow.send_code(LOGIN, ip=None)
    with pytest.raises(PasswordRejected) as rejected:
        flow.reset_password(str(challenge.token), code=last_code(sms), password=password, ip=None)
    assert any(fragment in message for message in rejected.value.messages), rejected.value
    # A refused password leaves the code usable.
    flow.reset_password(str(challenge.token), code=last_code(sms), password=NEW_PASSWORD, ip=None)


def test_an_account_locked_after_the_code_was_sent_is_not_reset(account, sms, frozen):
    challenge = flow.send_code(LOGIN, ip=None)
    StoredAccount.objects.filter(login=LOGIN).update(locked=True)
    with pytest.raises(NotRecoverable):
        flow.reset_password(
            str(challenge.token), code=last_code(sms), password=NEW_PASSWORD, ip=None
        )
    assert password_works(PASSWORD)
    assert StoredAccount.objects.get(login=LOGIN).locked


def test_no_challenge_and_garbage_tokens_are_refused(account):
    for token in (None, "", "not-a-uuid", "00000000-0000-0000-0000-000000000000"):
        with pytest.raises(ChallengeOver) as over:
            flow.reset_password(token, code="123456", password=NEW_PASSWORD, ip=None)
        assert over.value.code == "no_challenge"


def test_a_code_opens_only_its_own_challenge(account, sms, frozen):
    """ASVS 2.7.3: a code is usable only for the request it was sent for."""
    first = flow.send_code(LOGIN, ip=None)
    first_code = last_code(sms)
    second = flow.send_code(LOGIN, ip=None)
    if first_code == last_code(sms):  # one chance in a million: both codes alike
        return
    with pytest.raises(WrongCode):
        flow.reset_password(str(second.token), code=first_code, password=NEW_PASSWORD, ip=None)
    flow.reset_password(str(first.token), code=first_code, password=NEW_PASSWORD, ip=None)


def test_the_loser_of_two_submissions_of_one_code_is_told_the_code_was_used(
    account, sms, frozen, monkeypatch
):
    """Two submissions of the same code and password at once: while the second checks the
    password, the first sets it (so it is now in the history). The second hears that the code
    was used, not that its password breaks the rules."""
    challenge = flow.send_code(LOGIN, ip=None)
    code = last_code(sms)
    full_check = flow.policy_errors

    def the_other_one_wins(account, password, **kwargs):
        if kwargs.get("check_current", True):  # the full check, just before consuming
            Challenge.objects.filter(pk=challenge.pk).update(end_reason=Challenge.End.USED)
            return ["Mật khẩu mới không được trùng với mật khẩu đã dùng gần đây."]
        return full_check(account, password, **kwargs)

    monkeypatch.setattr(flow, "policy_errors", the_other_one_wins)
    with pytest.raises(ChallengeOver) as over:
        flow.reset_password(str(challenge.token), code=code, password=NEW_PASSWORD, ip=None)
    assert over.value.code == "challenge_used"
    assert password_works(PASSWORD)  # this submission changed nothing
