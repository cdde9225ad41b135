"""Property tests: the recovery flow's functions, fed anything, refuse in their own words.

Whatever arrives, each function either does its job or raises one of the flow's refusals (or a
rate limit); nothing else escapes, and no guess ever changes the password.
"""

from __future__ import annotations

import contextlib
import uuid

from hypothesis import given
from hypothesis import strategies as st

from govid.directory import get_directory
from govid.limits.counting import RateLimited
from govid.recovery import flow
from govid.recovery.errors import RecoveryError
from tests.conftest import PASSWORD
from tests.fuzz.strategies import any_text, codes, logins

REFUSALS = (RecoveryError, RateLimited)
tokens = st.one_of(st.none(), any_text, st.uuids().map(str))


@given(typed=logins)
def test_start_recovery_finds_or_refuses(account, locked_account, typed):
    try:
        lookup = flow.start_recovery(typed)
    except RecoveryError as refused:
        assert refused.code == "account_unavailable"
    else:
        assert lookup.login == "an.nguyen@soctrang.gov.vn"
        assert lookup.masked_phone == "0393XXX121"


@given(typed=logins, ip=st.one_of(st.none(), st.ip_addresses().map(str)))
def test_send_code_sends_or_refuses(account, sms, typed, ip):
    before = len(sms.sent)
    try:
        challenge = flow.send_code(typed, ip=ip)
    except REFUSALS:
        assert len(sms.sent) == before
    else:
        assert challenge.login == "an.nguyen@soctrang.gov.vn"
        assert len(sms.sent) == before + 1


@given(token=tokens, code=codes, password=any_text)
def test_reset_password_never_opens_with_a_guess(account, token, code, password):
    with contextlib.suppress(REFUSALS):
        flow.reset_password(token, code=code, password=password, ip=None)
    found = get_directory().find("an.nguyen@soctrang.gov.vn")
    assert found is not None and get_directory().verify_password(found, PASSWORD)


@given(which=st.sampled_from(["live", "unknown", "garbage"]), code=codes)
def test_guesses_against_a_live_challenge_are_refused(account, sms, frozen, which, code):
    try:
        challenge = flow.send_code("an.nguyen", ip=None)
    except REFUSALS:
        return  # the day's codes are spent: the other examples go on with refusals
    token = {"live": str(challenge.token), "unknown": str(uuid.uuid4()), "garbage": "x"}[which]
    try:
        flow.reset_password(token, code=code, password="Moi#Matkhau2026", ip=None)
    except REFUSALS:
        pass
    else:
        raise AssertionError(f"a guessed code {code!r} opened the challenge")


@given(token=tokens, ip=st.one_of(st.none(), st.ip_addresses().map(str)))
def test_resend_and_live_challenge_refuse_any_token(account, token, ip):
    for call in (lambda: flow.resend_code(token, ip=ip), lambda: flow.live_challenge(token)):
        with contextlib.suppress(REFUSALS):
            call()
