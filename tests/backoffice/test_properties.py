"""Property tests: the request workflow's functions, fed anything, refuse with a stable code.

Hypothesis runs every example of a test inside that test's one transaction and fixtures, so
each example makes what it works on afresh (a new draft, a new account for its line) and
asserts it is as intended before the call; and each test knows which inputs must be taken, so
that a run where everything was refused fails instead of passing.

Text that the database stores is drawn without NUL (PostgreSQL refuses it in text columns;
the forms refuse it before the flow sees it), and a line's reason within its column's 300
characters, as the form keeps it.
"""

from __future__ import annotations

import itertools
import re
import string
from dataclasses import dataclass

from hypothesis import example, given, settings
from hypothesis import strategies as st

from govid.backoffice import flow
from govid.backoffice.errors import RequestRefused
from govid.backoffice.models import PhoneRequest, Scan
from govid.directory.imports.plan import plan_import
from govid.directory.imports.reader import ImportFileError, read_table
from govid.directory.provision import add_account
from tests.backoffice.conftest import DOMAIN, World
from tests.backoffice.test_scan import PDF
from tests.fuzz.strategies import any_text

stored_text = any_text.map(lambda text: text.replace("\x00", ""))
_serial = itertools.count(1)

# --- filing and lines ------------------------------------------------------------------------

UNITS = ["MYTU-HHN", "TPST-P1", "MYTU", "ST", "mytu-hhn", " MYTU-HHN", ""]
# Accounts of the officer's unit without a role: the only ones a line may name.
JOINABLE = {f"co.so@{DOMAIN}", f"khong.so@{DOMAIN}", f"nobody@{DOMAIN}"}
GOOD_LOGINS = {
    "co.so": f"co.so@{DOMAIN}",
    "KHONG.SO@SOCTRANG.GOV.VN ": f"khong.so@{DOMAIN}",
    "nobody": f"nobody@{DOMAIN}",
}
OTHER_LOGINS = ["phuong1", "officer", "reviewer", "an.nguyen", "khong.ton.tai"]
GOOD_PHONES = {
    "0912 345 679": "+84912345679",
    "+84393555122": "+84393555122",
    "0393.555.123": "+84393555123",
}
OTHER_PHONES = ["028 3829 5555", "+1 202 555 0100", "0912", "091234567890", ""]
LINE_REFUSALS = {
    "phone_invalid",
    "phone_foreign",
    "phone_not_mobile",
    "reason_required",
    "account_unknown",
    "account_other_unit",
    "account_protected",
}


@example(unit="MYTU-HHN", login="co.so", phone="0912 345 679", reason="Đổi số", unlock=False)
@example(unit="TPST-P1", login="phuong1", phone="0912 345 679", reason="Đổi số", unlock=False)
@example(unit="MYTU", login="officer", phone="0912 345 679", reason="Đổi số", unlock=True)
@example(unit="ST", login="co.so", phone="028 3829 5555", reason="Đổi số", unlock=False)
@example(unit="", login="co.so", phone="0912 345 679", reason=" \n", unlock=False)
@given(
    unit=st.one_of(any_text, st.sampled_from(UNITS)),
    login=st.one_of(any_text, st.sampled_from([*GOOD_LOGINS, *OTHER_LOGINS])),
    phone=st.one_of(any_text, st.sampled_from([*GOOD_PHONES, *OTHER_PHONES])),
    reason=st.one_of(st.sampled_from(["Đổi số", "", " \n\t"]), stored_text.map(lambda t: t[:300])),
    unlock=st.booleans(),
)
def test_filing_and_lines_take_anything(world, unit, login, phone, reason, unlock):
    officer = world.staff("officer")
    filed = PhoneRequest.objects.count()
    try:
        request = flow.file_request(officer, unit_code=unit, ip=None)
    except RequestRefused as refused:
        assert unit != "MYTU-HHN", f"the officer's own unit refused: {refused.code}"
        assert refused.code == "not_allowed"
        assert PhoneRequest.objects.count() == filed
    else:
        assert unit == "MYTU-HHN", f"filed for {unit!r}"
        assert (request.unit_code, request.state) == ("MYTU-HHN", "draft")
    # The line goes on a new draft of the officer's unit: one that can take it.
    request = flow.file_request(officer, unit_code="MYTU-HHN", ip=None)
    assert officer.can_edit(request) and not request.lines.exists()
    valid = login in GOOD_LOGINS and phone in GOOD_PHONES and bool(reason.strip())
    try:
        line = flow.add_line(
            officer, request.pk, login=login, phone=phone, reason=reason, unlock=unlock, ip=None
        )
    except RequestRefused as refused:
        assert not valid, f"a valid line refused: {refused.code}"
        assert refused.code in LINE_REFUSALS, refused.code
        assert not request.lines.exists()
    else:
        assert line.login in JOINABLE, line.login
        assert re.fullmatch(r"\+84[35789]\d{8}", line.new_phone), line.new_phone
        assert (line.reason, line.unlock) == (reason.strip(), unlock)
        if valid:
            assert (line.login, line.new_phone) == (GOOD_LOGINS[login], GOOD_PHONES[phone])
        assert list(request.lines.all()) == [line]


# --- steps -------------------------------------------------------------------------------------

# The procedure: who may take which step from which state (the officer files and submits, the
# district reviewer forwards or returns, the provider applies, rejects or returns), and which
# steps need a comment. Everyone else, and every other step, is refused.
MAY = {
    ("submit", "draft"): "officer",
    ("submit", "returned"): "officer",
    ("forward", "submitted"): "reviewer",
    ("return", "submitted"): "reviewer",
    ("return", "forwarded"): "provider",
    ("apply", "forwarded"): "provider",
    ("reject", "forwarded"): "provider",
}
TARGET = {
    "submit": "submitted",
    "forward": "forwarded",
    "return": "returned",
    "apply": "applied",
    "reject": "rejected",
}
NEEDS_COMMENT = {"return", "reject"}
PATH = {
    "draft": [],
    "submitted": [("officer", "submit")],
    "returned": [("officer", "submit"), ("reviewer", "return")],
    "forwarded": [("officer", "submit"), ("reviewer", "forward")],
    "applied": [("officer", "submit"), ("reviewer", "forward"), ("provider", "apply")],
    "rejected": [("officer", "submit"), ("reviewer", "forward"), ("provider", "reject")],
}
JUNK = "<the drawn step>"
STAFF = ["officer", "other_officer", "reviewer", "other_reviewer", "provider", "auditor"]
PAIRS = [(action, who) for action in [*TARGET, JUNK] for who in STAFF]
# Each example tries all 36 steps in turn: a quarter of the profile's examples (15 in the
# short run, 500 in `make fuzz`) besides the 24 explicit ones.
SWEEPS = max(10, settings().max_examples // 4)


def request_in(world: World, state: str) -> PhoneRequest:
    """A new request of MYTU-HHN with one line (a new account of its own) and its signed scan,
    taken to ``state`` along the procedure."""
    n = next(_serial)
    login = f"thu.nghiem.{n}@{DOMAIN}"
    add_account(login, name="Thử Nghiệm", unit="MYTU-HHN", actor="test")
    officer = world.staff("officer")
    request = flow.file_request(officer, unit_code="MYTU-HHN", ip=None)
    flow.add_line(
        officer, request.pk, login=login, phone=f"0912{n:06d}", reason="x", unlock=False, ip=None
    )
    flow.attach_scan(officer, request.pk, content=PDF, ip=None)
    for who, action in PATH[state]:
        flow.move(world.staff(who), request.pk, action, comment="Lý do", ip=None)
    request.refresh_from_db()
    assert request.state == state and request.lines.count() == 1
    return request


def every_state(test):
    """Explicit examples: each state, without a comment and with one, in both orders."""
    for state in PATH:
        for comment in ("", "Lý do"):
            for order in (PAIRS, PAIRS[::-1]):
                test = example(state=state, comment=comment, junk="", order=order, missing=None)(
                    test
                )
    return test


@every_state
@settings(max_examples=SWEEPS)
@given(
    state=st.sampled_from(list(PATH)),
    comment=st.one_of(st.sampled_from(["", " ", "\t\n", "Lý do"]), stored_text),
    junk=any_text.filter(lambda text: text not in TARGET),
    order=st.permutations(PAIRS),
    missing=st.one_of(
        st.none(), st.none(), st.none(), st.integers(-5, 0), st.integers(10**6, 2**31 - 1)
    ),
)
def test_any_step_by_anyone_is_taken_or_refused(world, state, comment, junk, order, missing):
    staff = {who: world.staff(who) for who in STAFF}
    request = request_in(world, state)
    request_state = state
    request_id = request.pk if missing is None else missing
    assert missing is None or not PhoneRequest.objects.filter(pk=missing).exists()
    taken = []  # (from, to, actor, comment) of each step the procedure allows
    for action, who in order:  # every step by everyone, in the drawn order
        step = junk if action == JUNK else action
        taken_by = MAY.get((action, state)) if missing is None else None
        must_take = who == taken_by and (action not in NEEDS_COMMENT or bool(comment.strip()))
        try:
            flow.move(staff[who], request_id, step, comment=comment, ip=None)
        except RequestRefused as refused:
            assert not must_take, f"{who} refused {action} from {state}: {refused.code}"
            codes = {"not_allowed", "wrong_state"}
            if action in NEEDS_COMMENT and not comment.strip():
                # The one who may take it hears that the comment is missing.
                codes = {"comment_required"} if who == taken_by else {*codes, "comment_required"}
            if action == JUNK:
                codes = {"unknown_action"}
            assert refused.code in codes, f"{who}'s {action} from {state}: {refused.code}"
        else:
            assert must_take, f"{who} took {action} from {state}"
            taken.append((state, TARGET[action], world.logins[who], comment.strip()))
            state = TARGET[action]
    # A refused step changed nothing: the history holds the taken steps and nothing else.
    request.refresh_from_db()
    assert request.state == state
    history = request.history.values_list("from_state", "to_state", "actor", "comment")
    assert list(history)[len(PATH[request_state]) :] == taken


# --- scans -----------------------------------------------------------------------------------

SCAN_MAX_BYTES = 5 * 1024 * 1024  # GOVID_BACKOFFICE_SCAN_MAX_BYTES' default
HEADERS = {b"%PDF-1.4\n": True, b"%PDF-1.7\r\n": True, b"%PDF-2.0\n": True, b"%PDF-3.0\n": False}
ENDS = {
    b"%%EOF": True,
    b"%%EOF\n": True,
    b"%%EOF\r\n \t": True,
    b"%%EOF\nX": False,
    b"%%EO\n": False,
}
_NO_DIGITS = bytes.maketrans(b"0123456789x", b"#" * 11)  # junk that no offset can land on


@dataclass(frozen=True)
class PdfShape:
    """A file built like a PDF (junk, header, body, cross-reference table, trailer) with its
    ``startxref`` ``miss`` bytes off, and padded to ``size`` bytes if given."""

    junk: bytes
    header: bytes
    body: bytes
    miss: int
    end: bytes
    size: int | None

    def build(self) -> bytes:
        head = self.junk.translate(_NO_DIGITS) + self.header
        body = self.body.translate(_NO_DIGITS)
        xref = b"xref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size 1 >>\n"
        if self.size is not None:
            tail = len(head + body + xref) + len(b"startxref\n0000000000\n") + len(self.end)
            body += b"#" * max(0, self.size - tail)
        offset = len(head + body) - len(self.junk) + self.miss
        return head + body + xref + b"startxref\n%010d\n" % max(0, offset) + self.end

    @property
    def is_pdf(self) -> bool:
        return (
            len(self.junk) + len(self.header) <= 1024
            and HEADERS[self.header]
            and self.miss == 0
            and ENDS[self.end]
        )


pdf_shapes = st.builds(
    PdfShape,
    junk=st.one_of(st.binary(max_size=64), st.just(b"#" * 1100)),
    header=st.sampled_from(list(HEADERS)),
    body=st.binary(max_size=2000),
    miss=st.one_of(st.just(0), st.just(0), st.integers(-40, 40)),
    end=st.sampled_from(list(ENDS)),
    size=st.one_of(st.none(), st.none(), st.sampled_from([SCAN_MAX_BYTES, SCAN_MAX_BYTES + 1])),
)


@example(content=PdfShape(b"", b"%PDF-1.4\n", b"", 0, b"%%EOF\n", None))
@example(content=PdfShape(b"", b"%PDF-1.4\n", b"", 1, b"%%EOF\n", None))
@example(content=PdfShape(b"", b"%PDF-1.4\n", b"", 0, b"%%EOF\n", SCAN_MAX_BYTES))
@example(content=PdfShape(b"", b"%PDF-1.4\n", b"", 0, b"%%EOF\n", SCAN_MAX_BYTES + 1))
@given(content=st.one_of(st.binary(max_size=20_000), pdf_shapes))
def test_a_scan_is_a_pdf_or_refused(world, content):
    officer = world.staff("officer")
    request = flow.file_request(officer, unit_code="MYTU-HHN", ip=None)
    assert officer.can_edit(request) and not Scan.objects.filter(request=request).exists()
    data = content.build() if isinstance(content, PdfShape) else content
    if isinstance(content, PdfShape):
        assert content.size is None or len(data) == content.size
        expected = "scan_too_big" if len(data) > SCAN_MAX_BYTES else None
        expected = expected or (None if content.is_pdf else "scan_not_pdf")
    else:  # random bytes: not a PDF (bytes that carried both of its ends could be one)
        maybe = b"%PDF-" in data[:1024] and b"%%EOF" in data[-2048:]
        expected = None if maybe else "scan_not_pdf"
    try:
        scan = flow.attach_scan(officer, request.pk, content=data, ip=None)
    except RequestRefused as refused:
        assert isinstance(content, bytes) or expected, f"a PDF refused: {refused.code}"
        assert refused.code == (expected or "scan_not_pdf"), refused.code
        assert not Scan.objects.filter(request=request).exists()
    else:
        assert expected is None, f"{expected} taken: {data[:40]!r}...{data[-40:]!r}"
        assert (scan.size, bytes(Scan.objects.get(request=request).content)) == (len(data), data)


# --- account lists -----------------------------------------------------------------------------

cells = st.text(alphabet=string.ascii_letters + string.digits + "@._- ", max_size=30)


@dataclass(frozen=True)
class CleanList:
    """An account list as an office writes one: a header, then one line per account."""

    rows: list[tuple[str, str]]
    delimiter: str

    def build(self) -> bytes:
        d = self.delimiter
        lines = [d.join(["email", "phone", "name", "unit"])]
        lines += [d.join([a, b, "x", "y"]) for a, b in self.rows]
        return "\n".join(lines).encode()


@example(content=CleanList([("co.so", "0912345679")], ";"), name="list.csv")
@example(content=CleanList([("a", "1"), ("b", "2")], ","), name="LIST.TXT")
@given(
    content=st.one_of(
        st.binary(max_size=5000),
        st.text(max_size=2000).map(lambda t: ("email,phone\n" + t).encode()),
        st.lists(st.tuples(any_text, any_text), max_size=20).map(
            lambda rows: "\n".join(
                ["email;phone;name;unit", *(f"{a};{b};x;y" for a, b in rows)]
            ).encode("utf-8", "replace")
        ),
        st.builds(
            CleanList,
            rows=st.lists(st.tuples(cells, cells), max_size=20),
            delimiter=st.sampled_from([";", ",", "\t"]),
        ),
    ),
    name=st.sampled_from(["list.csv", "list.xlsx", "list.txt", "list.pdf", "", "LIST.CSV"]),
)
def test_an_account_list_is_read_or_refused(world, content, name):
    data = content.build() if isinstance(content, CleanList) else content
    # A clean list named as a CSV must be read, one row per account, as written.
    must_read = isinstance(content, CleanList) and name.lower().endswith((".csv", ".txt"))
    try:
        rows = read_table(data, name)
    except ImportFileError as refused:
        assert not must_read, f"a clean list refused: {refused.code}"
        assert refused.code
        return
    if must_read:
        assert isinstance(content, CleanList)
        read = [(row.values["email"], row.values["phone"]) for row in rows]
        assert read == [(a.strip(), b.strip()) for a, b in content.rows]
    plan = plan_import(rows)
    assert len(plan.rows) == len(rows)
