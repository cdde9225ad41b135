"""The auditor reads the log as sentences (who, what, whom, when, from where), filters it by
person, unit, kind and date, and takes the filtered rows away as CSV or XLSX."""

from __future__ import annotations

import ast
import csv
import html
import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from govid import clock
from govid.audit.log import record
from govid.backoffice.audit_words import KINDS, SENTENCES, Narrator
from govid.backoffice.models import State
from govid.directory.api import get_directory
from tests.backoffice.conftest import DOMAIN
from tests.fuzz.strategies import any_text

pytestmark = pytest.mark.django_db

CO_SO = f"co.so@{DOMAIN}"
AT = "24/11/2026 08:00"  # the frozen clock's moment in Sóc Trăng (UTC+7)


@pytest.fixture
def events(world, frozen) -> None:
    """A wrong password, a held login, a phone change, an export (role grants: the world's)."""
    record("login_failed", actor="anonymous", subject=CO_SO, ip="192.0.2.10")
    record("login_refused", actor="anonymous", subject=CO_SO, ip="192.0.2.10",
           reason="account_held")  # fmt: skip
    record("phone_changed", actor=world.logins["provider"], subject=CO_SO, phone="0912XXX678",
           replaced=True, source="request", request=7)  # fmt: skip
    world.client("officer").get("/van-phong/tai-khoan/xuat.xlsx?unit=MYTU-HHN")


def page_of(world, query: str = "", language: str | None = None) -> str:
    client = world.client("auditor")
    if language:
        client.cookies["govid_language"] = language
    response = client.get(f"/van-phong/nhat-ky/?{query}")
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_each_event_reads_as_a_sentence_with_who_whom_when_and_from_where(world, events):
    page = page_of(world)
    triet = f"Võ Minh Triết ({CO_SO})"
    assert f"{triet} đăng nhập sai mật khẩu — {AT}, từ 192.0.2.10" in page
    assert f"{triet} không được đăng nhập: tài khoản đang bị tạm khóa — {AT}, từ 192.0.2.10" in page
    provider = f"Cán bộ provider (provider@{DOMAIN})"
    assert f"{provider} thay số điện thoại của {triet} bằng số 0912XXX678 (theo đề nghị)" in page
    officer = f"Cán bộ officer (officer@{DOMAIN})"
    rows = len(get_directory().accounts_in(["MYTU-HHN"]))
    assert (
        f"{officer} tải danh sách tài khoản của UBND thị trấn Huỳnh Hữu Nghĩa (MYTU-HHN) "
        f"({rows} dòng, số điện thoại đầy đủ)"
    ) in page
    assert (
        f"test cấp vai trò “Kiểm tra viên” cho Cán bộ auditor (auditor@{DOMAIN}) tại toàn tỉnh"
    ) in page
    assert "reason=" not in page and "account_held" not in page and "anonymous" not in page
    assert "0912345678" not in page


def test_the_english_switch_tells_the_same_events_in_english(world, events):
    page = page_of(world, language="en")
    triet = f"Võ Minh Triết ({CO_SO})"
    assert f"{triet} signed in with a wrong password — {AT}, from 192.0.2.10" in page
    assert f"{triet} was not let in: the account is on hold — {AT}, from 192.0.2.10" in page
    assert "đăng nhập sai mật khẩu" not in page


def test_an_action_without_a_sentence_still_reads_plainly(world, frozen):
    record("something_new", actor="system", subject="x-1", flavour="odd")
    record("role_granted", actor="cli", subject=CO_SO)  # its data lacks the role and the unit
    page = page_of(world)
    assert f"Hệ thống thực hiện thao tác “something_new” với x-1 — {AT}" in page
    assert f"Dòng lệnh quản trị cấp vai trò “?” cho Võ Minh Triết ({CO_SO}) tại ?" in page


def test_filters_narrow_by_kind_unit_person_and_date(frozen, world, events):
    failed = "đăng nhập sai mật khẩu"
    exported = "tải danh sách tài khoản"
    logins = page_of(world, "kind=logins")
    assert failed in logins and "cấp vai trò" not in logins and exported not in logins
    assert exported in page_of(world, "kind=exports")
    assert failed not in page_of(world, "kind=exports")
    assert "Không có sự kiện nào." in page_of(world, "kind=nonsense")

    person = page_of(world, "person=co.so")
    assert failed in person and "thay số điện thoại" in person and "cấp vai trò" not in person

    district = page_of(world, "unit=TPST")  # a district: its units, their accounts and grants
    assert "cấp vai trò “Cán bộ đầu mối đơn vị” cho Cán bộ other_officer" in district
    assert "Lâm Quốc Bảo" in district  # phuong1's account, added in UBND Phường 1
    assert failed not in district and exported not in district
    unit = page_of(world, "unit=MYTU-HHN")
    assert failed in unit and exported in unit and "other_officer" not in unit

    assert failed in page_of(world, "since=2026-11-24&until=2026-11-24")
    assert "Không có sự kiện nào." in page_of(world, "since=2026-11-25")
    assert "Không có sự kiện nào." in page_of(world, "until=2026-11-23")


def test_the_filters_are_kept_across_pages(world, frozen):
    for _ in range(60):
        record("login_failed", actor="anonymous", subject=CO_SO, ip="192.0.2.10")
    page = world.client("auditor").get("/van-phong/nhat-ky/?kind=logins&person=co.so")
    body = page.content.decode()
    assert "?kind=logins&amp;person=co.so&amp;page=2" in body
    assert 'value="co.so"' in body and '<option value="logins" selected>' in body
    second = page_of(world, "kind=logins&person=co.so&page=2")
    assert second.count("đăng nhập sai mật khẩu") == 10


def test_csv_and_xlsx_hold_the_filtered_rows_with_their_sentence(world, events):
    client = world.client("auditor")
    exported = client.get("/van-phong/nhat-ky.csv?kind=logins&person=co.so")
    lines = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert lines[0] == ["seq", "at", "action", "actor", "subject", "ip", "data", "hash", "sentence"]
    assert [line[2] for line in lines[1:]] == ["login_refused", "login_failed"]
    assert lines[2][8] == f"Võ Minh Triết ({CO_SO}) đăng nhập sai mật khẩu — {AT}, từ 192.0.2.10"

    response = client.get("/van-phong/nhat-ky.xlsx?kind=logins&person=co.so")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="nhat-ky.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == lines[0]
    assert [row[2] for row in rows[1:]] == ["login_refused", "login_failed"]
    assert rows[2][8] == lines[2][8] and rows[2][0] == int(lines[2][0])


def test_the_xlsx_is_the_auditors_and_its_cells_are_inert(world, frozen):
    record("login_failed", actor="anonymous", subject='=HYPERLINK("http://x","y")')
    assert world.client("officer").get("/van-phong/nhat-ky.xlsx").status_code == 403
    assert world.client(None).get("/van-phong/nhat-ky.xlsx").status_code in (302, 403)
    content = world.client("auditor").get("/van-phong/nhat-ky.xlsx?kind=logins").content
    sheet = load_workbook(io.BytesIO(content)).active
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    assert "f" not in {cell.data_type for cell in cells}  # no formula anywhere
    assert all(cell.data_type == "s" for cell in cells if isinstance(cell.value, str))
    assert '\'=HYPERLINK("http://x","y")' in [cell.value for cell in cells]


def _recorded_actions() -> set[str]:
    """Every action govid records: ``record("x", ...)``, ``record("x" if ... else "y")``, an
    ``action = "x"`` handed to ``record(action)``, ``action="x"`` handed on (password changes,
    the keyed chain's migration) and ``f"request_{state}"`` for every state of a request."""
    found: set[str] = set()
    for path in Path("govid").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                if name == "record" and node.args:
                    found |= _values(node.args[0])
                for keyword in node.keywords:
                    if keyword.arg == "action" and name != "add_argument":
                        found |= _values(keyword.value)
            if isinstance(node, ast.Assign) and any(
                getattr(target, "id", "") == "action" for target in node.targets
            ):
                found |= _values(node.value)
    return found - {"request_draft"}  # no step leads back to a draft


def _values(node: ast.AST) -> set[str]:
    """The texts an expression may be: a literal, either side of ``x if c else y``, or an
    f-string ``request_{...}`` with every state of a request."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _values(node.body) | _values(node.orelse)
    if isinstance(node, ast.JoinedStr):
        prefix = node.values[0]
        assert isinstance(prefix, ast.Constant) and prefix.value == "request_", ast.unparse(node)
        return {f"request_{state}" for state in State.values}
    return set()


def test_every_action_recorded_anywhere_has_its_own_sentence():
    actions = _recorded_actions()
    assert {"login_failed", "password_reset", "account_unlocked", "request_applied"} <= actions
    assert {"audit_chain_keyed", "oidc_refused", "client_changed"} <= actions
    missing = sorted(a for a in actions if a not in SENTENCES)
    assert missing == []
    kinds = {action for _label, members in KINDS.values() for action in members}
    assert sorted(actions - kinds) == []


def test_a_sentence_names_the_moment_in_local_time(world):
    with clock.frozen(clock.now().replace(year=2026, month=12, day=2, hour=1, minute=14)):
        record("login_failed", actor="anonymous", subject=CO_SO, ip="192.0.2.10")
    assert "đăng nhập sai mật khẩu — 02/12/2026 08:14, từ 192.0.2.10" in page_of(world)


@given(
    query=st.dictionaries(
        st.sampled_from(["kind", "unit", "person", "since", "until", "page", "action", "subject"]),
        st.one_of(
            any_text,
            st.sampled_from(["logins", "TPST", "MYTU-HHN", "2026-02-30", "2026-11-24", "-1"]),
        ),
        max_size=5,
    )
)
def test_any_filter_gives_a_page_and_exports(world, query):
    client = world.client("auditor")
    for path in ("/van-phong/nhat-ky/", "/van-phong/nhat-ky.csv", "/van-phong/nhat-ky.xlsx"):
        assert client.get(path, query).status_code in (200, 400)  # 400: a NUL, refused first


# What the portal can store: no NUL (refused before any view; PostgreSQL's text and jsonb
# hold none).
storable = st.text(max_size=12).filter(lambda t: "\x00" not in t)
# A detail's name: never one of record()'s own parameters (no caller can pass those as data).
detail_name = storable.filter(lambda t: t not in ("action", "actor", "subject", "ip"))


@given(action=st.sampled_from(sorted(SENTENCES)), data=st.dictionaries(detail_name,
       st.one_of(any_text.filter(lambda t: "\x00" not in t), st.integers(), st.booleans(),
                 st.none()), max_size=4))  # fmt: skip
def test_any_data_of_any_action_reads_as_a_sentence(world, action, data):
    event = record(action.split("/")[0], actor="system", subject="request/1", **data)
    sentence = Narrator([event], world.staff("auditor").tree).sentence(event)
    assert sentence.startswith(("Hệ thống", "Gửi", "Không", "Dữ liệu", "request/1"))


def test_a_sign_in_to_a_system_names_the_system_not_the_person_twice(world, frozen):
    record("cas_signed_in", actor=CO_SO, subject=CO_SO, ip="192.0.2.10", client="Một cửa")
    record("saml_signed_in", actor=CO_SO, subject=CO_SO, ip="192.0.2.10", client="Văn bản")
    page = page_of(world, "kind=applications")
    triet = f"Võ Minh Triết ({CO_SO})"
    assert f"{triet} đăng nhập vào hệ thống Một cửa (CAS) — {AT}, từ 192.0.2.10" in page
    assert f"{triet} đăng nhập vào hệ thống Văn bản (SAML) — {AT}, từ 192.0.2.10" in page
