"""Property tests: the request workflow's functions, fed anything, refuse with a stable code."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from govid.backoffice import flow
from govid.backoffice.errors import RequestRefused
from govid.directory.imports.plan import plan_import
from govid.directory.imports.reader import ImportFileError, read_table
from tests.fuzz.strategies import any_text

steps = st.one_of(st.sampled_from(["submit", "forward", "return", "apply", "reject"]), any_text)


@given(unit=any_text, login=any_text, phone=any_text, reason=any_text, unlock=st.booleans())
def test_filing_and_lines_take_anything(world, unit, login, phone, reason, unlock):
    officer = world.staff("officer")
    try:
        flow.file_request(officer, unit_code=unit, ip=None)
    except RequestRefused as refused:
        assert refused.code
    request = flow.file_request(officer, unit_code="MYTU-HHN", ip=None)
    try:
        line = flow.add_line(
            officer, request.pk, login=login, phone=phone, reason=reason, unlock=unlock, ip=None
        )
    except RequestRefused as refused:
        assert refused.code
    else:
        assert line.new_phone.startswith("+84")


@given(
    action=steps,
    comment=any_text,
    request_id=st.integers(-5, 10**6),
    who=st.sampled_from(["officer", "other_officer", "reviewer", "provider", "auditor", "nobody"]),
)
def test_any_step_by_anyone_is_taken_or_refused(world, action, comment, request_id, who):
    staff = world.staff(who) if who != "nobody" else world.staff("auditor")
    try:
        flow.move(staff, request_id, action, comment=comment, ip=None)
    except RequestRefused as refused:
        assert refused.code


@given(content=st.binary(max_size=20_000))
def test_a_scan_is_a_pdf_or_refused(world, content):
    officer = world.staff("officer")
    request = flow.file_request(officer, unit_code="MYTU-HHN", ip=None)
    try:
        scan = flow.attach_scan(officer, request.pk, content=content, ip=None)
    except RequestRefused as refused:
        assert refused.code in ("scan_too_big", "scan_not_pdf")
    else:
        assert scan.size == len(content)


@given(
    content=st.one_of(
        st.binary(max_size=5000),
        st.text(max_size=2000).map(lambda t: ("email,phone\n" + t).encode()),
        st.lists(st.tuples(any_text, any_text), max_size=20).map(
            lambda rows: "\n".join(
                ["email;phone;name;unit", *(f"{a};{b};x;y" for a, b in rows)]
            ).encode("utf-8", "replace")
        ),
    ),
    name=st.sampled_from(["list.csv", "list.xlsx", "list.txt", "list.pdf", ""]),
)
def test_an_account_list_is_read_or_refused(world, content, name):
    try:
        rows = read_table(content, name)
    except ImportFileError as refused:
        assert refused.code
        return
    plan = plan_import(rows)
    assert len(plan.rows) == len(rows)
