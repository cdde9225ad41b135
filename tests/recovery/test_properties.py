"""Property tests: the recovery flow's functions, fed anything, refuse in their own words.

Whatever arrives, each function either does its job or raises one of the flow's refusals;
nothing else escapes, and no guess ever opens a challenge.

Hypothesis runs every example of a test inside that test's one transaction and fixtures, so
each example starts afresh by itself: ``new_day`` moves the frozen clock two days on (every
limit window and the daily cap follow govid's clock, on every counter store) and clears the
cache, and the tests about a challenge make a new account and send it a live code. Each example
then asserts its precondition (the challenge is live, no counter holds anything, the attempt
was really checked), so that a run that only met refusals fails instead of passing.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import timedelta

from django.core.cache import cache
from hypothesis import assume, example, given
from hypothesis import strategies as st

from govid import clock
from govid.directory import canonical_login
from govid.directory.models import StoredAccount
from govid.directory.provision import add_account
from govid.limits.counting import attempts
from govid.recovery import flow
from govid.recovery.errors import ChallengeOver, PasswordRejected, RecoveryError, WrongCode
from govid.recovery.models import Challenge
from govid.sms.gateways.memory import MemoryGateway
from tests.conftest import NEW_PASSWORD
from tests.fuzz.strategies import any_text, codes, logins

LOGIN = "an.nguyen@soctrang.gov.vn"
# Spellings of the recoverable account that must find it (case and spaces do not matter).
SPELLINGS = ["an.nguyen", "AN.NGUYEN ", " An.Nguyen@SocTrang.gov.vn", LOGIN]
MAX_ATTEMPTS = 5  # the seed's rule: the fifth wrong code ends the challenge
LIVE = "<the live challenge's token>"
UNKNOWN = "00000000-0000-4000-8000-000000000000"  # well formed, no challenge's

ips = st.one_of(st.none(), st.ip_addresses().map(str))
tokens = st.one_of(st.none(), any_text, st.uuids().map(str)).filter(lambda t: t != LIVE)
_accounts = itertools.count(1)


def new_day() -> None:
    """Every limit window and the daily cap start over; the cache holds nothing."""
    cache.clear()
    clock.advance(timedelta(days=2))


def code_in(text: str) -> str:
    match = re.search(r"\b(\d{6})\b", text)
    assert match, text
    return match.group(1)


@dataclass(frozen=True)
class Live:
    """A new account and its live challenge, with the code its SMS carried."""

    login: str
    challenge: Challenge
    code: str

    @property
    def token(self) -> str:
        return str(self.challenge.token)

    def password_hash(self) -> str:
        return StoredAccount.objects.get(login=self.login).password

    def checks(self) -> int:
        """Code checks counted against the account's guessing budget in this window."""
        return attempts("check", "account", self.login)


def live_challenge(sms: MemoryGateway) -> Live:
    """A new account of its own (own login, own phone: no budget shared with earlier examples)
    and a code sent to it; asserts the challenge is live and nothing was counted yet."""
    n = next(_accounts)
    login = f"thu.nghiem.{n}@soctrang.gov.vn"
    add_account(login, name="Thử Nghiệm", unit="MYTU-VHTT", phone=f"0396{n:06d}", actor="test")
    before = len(sms.sent)
    challenge = flow.send_code(login, ip=None)
    assert len(sms.sent) == before + 1 and sms.sent[-1].to == f"+84396{n:06d}"
    live = Live(login=login, challenge=challenge, code=code_in(sms.sent[-1].text))
    assert flow.live_challenge(live.token).pk == challenge.pk
    assert challenge.attempts == 0 and live.checks() == 0
    return live


def refusal_of_guess(live: Live, token: str | None, guess: str, *, password: str) -> RecoveryError:
    """How reset_password refuses ``guess`` (it must)."""
    try:
        flow.reset_password(token, code=guess, password=password, ip=None)
    except RecoveryError as refused:
        return refused
    raise AssertionError(f"the guess {guess!r} for {live.code} opened the challenge")


@dataclass(frozen=True)
class Guess:
    """A wrong code, made from the right one (known only once it is sent).

    ``offset``: the six-digit code ``n`` further on (1 is the next one, 999999 the one before);
    ``digit``: digit ``n`` raised by ``by``; ``cut``: the first ``n`` digits; ``longer``: one
    digit ``by`` more, after (``n`` 0) or before; ``typed``: ``text``, whatever it is.
    """

    kind: str
    n: int = 0
    by: int = 1
    text: str = ""

    def against(self, code: str) -> str | None:
        """The guess typed against ``code``; None if it would be the code itself."""
        if self.kind == "offset":
            return f"{(int(code) + self.n) % 10**6:06d}"
        if self.kind == "digit":
            digit = str((int(code[self.n]) + self.by) % 10)
            return code[: self.n] + digit + code[self.n + 1 :]
        if self.kind == "cut":
            return code[: self.n]
        if self.kind == "longer":
            return code + str(self.by) if self.n == 0 else str(self.by) + code
        # Typed text: spaces are not part of a code (the form drops them), so "140 899" for
        # 140899 would not be a guess.
        return None if "".join(self.text.split()) == code else self.text


guesses = st.one_of(
    st.builds(
        Guess,
        kind=st.just("offset"),
        n=st.one_of(st.sampled_from([1, 10**6 - 1]), st.integers(1, 10**6 - 1)),
    ),
    st.builds(Guess, kind=st.just("digit"), n=st.integers(0, 5), by=st.integers(1, 9)),
    st.builds(Guess, kind=st.just("cut"), n=st.integers(0, 5)),
    st.builds(Guess, kind=st.just("longer"), n=st.integers(0, 1), by=st.integers(0, 9)),
    st.builds(Guess, kind=st.just("typed"), text=codes),
)


@example(typed="an.nguyen")
@example(typed="cuong.le")  # locked
@example(typed="vnpt_testvpdt3")  # no phone
@given(typed=st.one_of(logins, st.sampled_from(SPELLINGS)))
def test_start_recovery_finds_or_refuses(account, locked_account, phoneless_account, typed):
    # The precondition, each example: the recoverable account is there and found.
    try:
        assert flow.start_recovery("an.nguyen").login == LOGIN
    except RecoveryError as refused:
        raise AssertionError(f"precondition: {LOGIN} itself refused ({refused.code})") from None
    must_find = typed in SPELLINGS or canonical_login(typed) == LOGIN
    try:
        lookup = flow.start_recovery(typed)
    except RecoveryError as refused:
        assert not must_find, f"{typed!r} is {LOGIN}, yet refused ({refused.code})"
        assert refused.code == "account_unavailable"
    else:
        assert must_find, f"{typed!r} found {lookup.login}"
        assert lookup.login == LOGIN
        assert lookup.masked_phone == "0393XXX121"


@example(typed="an.nguyen", ip=None)
@example(typed="cuong.le", ip=None)
@example(typed="vnpt_testvpdt3", ip=None)
@given(typed=st.one_of(logins, st.sampled_from(SPELLINGS)), ip=ips)
def test_send_code_sends_or_refuses(
    account, locked_account, phoneless_account, sms, frozen, typed, ip
):
    new_day()
    # The precondition: no code today, no counter, so nothing but the account can refuse.
    day = clock.now() - timedelta(hours=24)
    assert not Challenge.objects.filter(login=LOGIN, created_at__gt=day).exists()
    assert attempts("code", "account", LOGIN) == 0
    must_send = typed in SPELLINGS or canonical_login(typed) == LOGIN
    before = len(sms.sent)
    try:
        challenge = flow.send_code(typed, ip=ip)
    except RecoveryError as refused:
        assert not must_send, f"{typed!r} is {LOGIN}, yet refused ({refused.code})"
        assert refused.code == "account_unavailable"
        assert len(sms.sent) == before
    else:
        assert must_send, f"{typed!r} was sent a code for {challenge.login}"
        assert challenge.login == LOGIN
        assert [m.to for m in sms.sent[before:]] == ["+84393555121"]
        assert flow.live_challenge(str(challenge.token)).pk == challenge.pk


@example(token=LIVE, guess=Guess("offset", 1), password=NEW_PASSWORD)  # the next code
@example(token=LIVE, guess=Guess("offset", 10**6 - 1), password=NEW_PASSWORD)  # the one before
@given(
    token=st.one_of(st.just(LIVE), st.just(LIVE), tokens),
    guess=guesses,
    password=st.one_of(st.just(NEW_PASSWORD), any_text),
)
def test_reset_password_never_opens_with_a_guess(units, sms, frozen, token, guess, password):
    new_day()
    live = live_challenge(sms)
    attempt = guess.against(live.code)
    assume(attempt is not None)
    hashed = live.password_hash()
    outcome = refusal_of_guess(
        live, live.token if token == LIVE else token, attempt, password=password
    )
    assert live.password_hash() == hashed
    live.challenge.refresh_from_db()
    if token == LIVE:
        # Checked and counted as a wrong code, whatever the password: the challenge goes on.
        assert isinstance(outcome, WrongCode), f"{attempt!r} for {live.code}: {outcome.code}"
        assert outcome.attempts_left == MAX_ATTEMPTS - 1
        assert live.challenge.attempts == 1 and live.checks() == 1
        assert flow.live_challenge(live.token).pk == live.challenge.pk
    else:
        assert isinstance(outcome, ChallengeOver) and outcome.code == "no_challenge", outcome
        assert live.challenge.attempts == 0 and live.checks() == 0


@example(tries=[(LIVE, Guess("offset", 1))] * (MAX_ATTEMPTS + 1))  # the attempts limit
@given(
    tries=st.lists(
        st.tuples(st.sampled_from([LIVE, LIVE, UNKNOWN, "x"]), guesses), min_size=1, max_size=7
    )
)
def test_guesses_against_a_live_challenge_are_refused(units, sms, frozen, tries):
    new_day()
    live = live_challenge(sms)
    hashed = live.password_hash()
    wrong = 0  # wrong codes the live challenge took
    for token, guess in tries:
        attempt = guess.against(live.code)
        assume(attempt is not None)
        outcome = refusal_of_guess(
            live, live.token if token == LIVE else token, attempt, password=NEW_PASSWORD
        )
        if token != LIVE:
            assert isinstance(outcome, ChallengeOver) and outcome.code == "no_challenge", outcome
        elif wrong < MAX_ATTEMPTS - 1:
            wrong += 1
            assert isinstance(outcome, WrongCode), f"{attempt!r} for {live.code}: {outcome.code}"
            assert outcome.attempts_left == MAX_ATTEMPTS - wrong
        else:
            wrong = MAX_ATTEMPTS
            assert isinstance(outcome, ChallengeOver), f"past the limit: {outcome.code}"
            assert outcome.code == "too_many_attempts"
        live.challenge.refresh_from_db()
        assert live.challenge.attempts == wrong and live.checks() == wrong
        assert live.password_hash() == hashed
    # Then the code itself, with a password the cheap rules refuse (no Argon2 spent): it still
    # passes the code check unless the guesses ended the challenge, which shows they were
    # checked against a live challenge, and refused for being wrong.
    try:
        flow.reset_password(live.token, code=live.code, password="x", ip=None)
    except PasswordRejected:
        assert wrong < MAX_ATTEMPTS, f"the right code passed after {wrong} wrong ones"
        assert flow.live_challenge(live.token).attempts == wrong
    except ChallengeOver as over:
        assert wrong == MAX_ATTEMPTS, f"the right code refused after {wrong} guesses: {over.code}"
        assert over.code == "too_many_attempts"
    else:
        raise AssertionError("the password 'x' was taken")
    assert live.password_hash() == hashed


@dataclass(frozen=True)
class NearToken:
    """The live challenge's token with one hex digit changed: ``at`` picks the digit,
    ``by`` (1 to 15) how far it moves."""

    at: int
    by: int

    def of(self, token: str) -> str:
        positions = [i for i, char in enumerate(token) if char != "-"]
        i = positions[self.at % len(positions)]
        return token[:i] + f"{(int(token[i], 16) + self.by) % 16:x}" + token[i + 1 :]


@example(token=None, ip=None)
@example(token=NearToken(0, 1), ip=None)
@given(
    token=st.one_of(tokens, st.builds(NearToken, at=st.integers(0, 31), by=st.integers(1, 15))),
    ip=ips,
)
def test_resend_and_live_challenge_refuse_any_token(units, sms, frozen, token, ip):
    new_day()
    live = live_challenge(sms)  # the one a loose lookup could hand out
    sent = token.of(live.token) if isinstance(token, NearToken) else token
    before = len(sms.sent)
    for name, call in (
        ("resend_code", lambda: flow.resend_code(sent, ip=ip)),
        ("live_challenge", lambda: flow.live_challenge(sent)),
    ):
        try:
            found = call()
        except RecoveryError as refused:  # a rate limit is no answer here: it escapes
            assert isinstance(refused, ChallengeOver) and refused.code == "no_challenge", (
                f"{name}({sent!r}) refused with {refused.code}: it found a challenge"
            )
        else:
            raise AssertionError(f"{name}({sent!r}) took it for challenge {found.pk}")
    assert len(sms.sent) == before
    live.challenge.refresh_from_db()
    untouched = (live.challenge.resends, live.challenge.attempts, live.challenge.end_reason)
    assert untouched == (0, 0, ""), untouched
    assert flow.live_challenge(live.token).pk == live.challenge.pk
