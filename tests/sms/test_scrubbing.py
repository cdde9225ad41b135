"""A carrier's error text never carries the code, the text or the number, however it spells
them: the scrubber on its own, then the worker against a carrier that echoes the request."""

from __future__ import annotations

import html
import logging
import re
from urllib.parse import quote, quote_plus, unquote, unquote_plus

import pytest

from govid.audit.models import Event
from govid.recovery import codes, flow
from govid.recovery.errors import CodeNotSent
from govid.recovery.models import Challenge
from govid.sms.base import SmsGateway
from govid.sms.messages import code_text, redacted_code_text
from govid.sms.models import Message
from govid.sms.scrubbing import hidden_parts, scrub
from govid.sms.tracking import apply_report
from tests.servers.carrier import PASSWORD, USERNAME

LOGIN = "an.nguyen@soctrang.gov.vn"
TO = "+84393555121"  # the ``account`` fixture's phone
MASKED = "0393XXX121"
SENT = "Ma xac nhan: 123456. Het han sau 9 phut."
_JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
_NUMBER = re.compile(r"[\s.+-]*".join("393555121"))


def readings(text: str) -> list[str]:
    """``text`` as each encoding a carrier may use would decode it (percent twice over)."""
    unescaped = _JSON_ESCAPE.sub(lambda match: chr(int(match.group(1), 16)), text)
    return [text, unquote_plus(text), unquote(unquote(text)), html.unescape(text), unescaped]


def leaks(text: str, *secrets: str) -> list[str]:
    """What of ``secrets`` and of the account's number any reading of ``text`` still holds."""
    found = [secret for secret in secrets for reading in readings(text) if secret in reading]
    return found + ["number" for reading in readings(text) if _NUMBER.search(reading)]


# --- the scrubber ----------------------------------------------------------------------------

SPELLINGS = {
    "plain": lambda s: s,
    "form": quote_plus,
    "percent": lambda s: quote(s, safe=""),
    "percent every byte": lambda s: "".join(f"%{b:02X}" for b in s.encode()),
    "percent lower case": lambda s: "".join(f"%{b:02x}" for b in s.encode()),
    "percent twice": lambda s: quote("".join(f"%{b:02X}" for b in s.encode()), safe=""),
    "json escapes": lambda s: "".join(f"\\u{ord(c):04x}" for c in s),
    "json escapes upper case": lambda s: "".join(f"\\u{ord(c):04X}" for c in s),
    "html decimal": lambda s: "".join(f"&#{ord(c)};" for c in s),
    "html hex": lambda s: "".join(f"&#x{ord(c):x};" for c in s),
    "html padded": lambda s: "".join(f"&#00{ord(c)};" for c in s),
    "mixed": lambda s: "".join(
        f"%{ord(c):02X}" if i % 2 else f"&#{ord(c)};" for i, c in enumerate(s)
    ),
}


@pytest.mark.parametrize("spell", SPELLINGS.values(), ids=list(SPELLINGS))
def test_the_text_and_its_code_are_hidden_in_every_spelling(spell):
    for secret in (SENT, "123456"):
        answer = f"ERR 400 echo={spell(secret)} end"
        assert scrub(answer, to=TO, text=SENT, secrets=["123456"]) == "ERR 400 echo=*** end"


def test_a_gateway_that_knows_only_the_text_still_hides_the_code_in_it():
    assert scrub("ERR code=%31%32%33%34%35%36", to=TO, text=SENT) == "ERR code=***"


@pytest.mark.parametrize(
    "written",
    [
        "+84393555121",
        "84393555121",
        "0393555121",
        "0393 555 121",
        "+84 393-555-121",
        "0084.393.555.121",
        "%2B84393555121",
        "0393+555+121",
        "\\u0030\\u0033\\u0039\\u0033\\u0035\\u0035\\u0035\\u0031\\u0032\\u0031",
        "&#48;&#51;&#57;&#51;&#53;&#53;&#53;&#49;&#50;&#49;",
    ],
)
def test_the_number_is_masked_however_it_is_written(written):
    assert scrub(f"to {written}: refused", to=TO, text="x") == f"to {MASKED}: refused"


def test_an_answer_that_echoes_nothing_is_kept_as_it_is():
    answer = "ERR: 301, Try again later (HTTP 503)"
    assert scrub(answer, to=TO, text=SENT, secrets=["123456"]) == answer


def test_the_code_is_what_the_text_sent_holds_where_the_record_has_its_mark():
    sent, kept = code_text("042917", minutes=9), redacted_code_text(minutes=10)
    assert hidden_parts(sent, kept) == ["042917"]  # the minutes left differ: no matter
    assert hidden_parts("Mat khau da doi", "Mat khau da doi") == []  # a notice hides nothing


# --- through the worker ----------------------------------------------------------------------


def through_echo(settings, carrier, encoding: str, how: str, *, busy: bool = False) -> None:
    """Send over the HTTP gateway (requests in ``encoding``) to the carrier's echoing stand-in."""
    settings.GOVID_SMS = {"gateway": "http"}
    settings.GOVID_HTTP_SMS = {
        "preset": "form",
        "url": f"{carrier.url}/echo/{how}{'/busy' if busy else ''}",
        "encoding": encoding,
        "username": USERNAME,
        "password": PASSWORD,
    }


def the_code() -> str:
    return codes.code_for(Challenge.objects.get().seed)


def audit_text() -> str:
    return " ".join(f"{e.action} {e.actor} {e.subject} {e.data}" for e in Event.objects.all())


# (how the request goes, how the carrier writes its echo)
ECHOES = [
    ("form", "raw"),
    ("query", "raw"),
    ("json", "json"),
    ("form", "percent"),
    ("form", "html"),
]


@pytest.mark.parametrize(("encoding", "how"), ECHOES, ids=[f"{e}-{h}" for e, h in ECHOES])
def test_a_refusal_that_echoes_the_code_leaves_it_in_no_record_row_or_log_line(
    account, carrier, settings, caplog, encoding, how
):
    caplog.set_level(logging.DEBUG)
    through_echo(settings, carrier, encoding, how)
    with pytest.raises(CodeNotSent):
        flow.send_code(LOGIN, ip=None)
    code = the_code()
    (text,) = carrier.echoes
    assert code in text  # what the carrier sent back held it
    message = Message.objects.get()
    for kept in (message.last_error, audit_text(), caplog.text):
        assert not leaks(kept, code, text)
    assert message.state == "failed" and "HTTP 400" in message.last_error
    assert "***" in message.last_error  # the echo was there, and is gone


def test_a_busy_carrier_that_echoes_leaves_no_code_while_the_retry_waits(
    account, carrier, settings, caplog, frozen
):
    caplog.set_level(logging.DEBUG)
    through_echo(settings, carrier, "json", "json", busy=True)
    flow.send_code(LOGIN, ip=None)
    message = Message.objects.get()
    assert message.pending_retry and "HTTP 503" in message.last_error
    assert not leaks(message.last_error + caplog.text, the_code(), carrier.echoes[-1])


class QuotingGateway(SmsGateway):
    """A gateway with a bug whose exception quotes what it was given."""

    def send(self, to: str, text: str, *, ref: str = "") -> str:
        raise ValueError(f"cannot encode {text!r} for {to}")


def test_a_gateway_bug_that_quotes_the_text_logs_no_code(account, settings, caplog):
    caplog.set_level(logging.DEBUG)
    settings.GOVID_SMS = {"gateway": f"{__name__}.QuotingGateway", "max_attempts": "1"}
    with pytest.raises(CodeNotSent):
        flow.send_code(LOGIN, ip=None)
    code = the_code()
    assert "ValueError" in caplog.text and "Traceback" not in Message.objects.get().last_error
    assert not leaks(caplog.text + Message.objects.get().last_error, code)


def test_a_delivery_report_that_echoes_the_code_keeps_none_of_it(account, sms, caplog):
    caplog.set_level(logging.DEBUG)
    flow.send_code(LOGIN, ip=None)
    code, message = the_code(), Message.objects.get()
    spelled = "".join(f"%{ord(c):02X}" for c in code)
    assert apply_report("failed", ref=str(message.ref), detail=f"NACK {spelled} to 0393 555 121")
    message.refresh_from_db()
    assert message.state == "failed" and message.last_error == f"NACK *** to {MASKED}"
    assert not leaks(caplog.text + audit_text(), code)
