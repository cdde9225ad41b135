"""Phone requests of Phường 1 in every state, filed and moved by the demo's staff: run on a live
server's database through ``manage.py shell`` (``live.manage``), it prints their numbers."""

from __future__ import annotations

import json

from govid.backoffice import flow
from govid.backoffice.access import Staff, load_staff
from govid.directory.provision import add_account
from tests.backoffice.test_scan import PDF

DOMAIN = "soctrang.gov.vn"
MOVES = {
    "draft": [],
    "submitted": ["submit"],
    "forwarded": ["submit", "forward"],
    "applied": ["submit", "forward", "apply"],
    "returned": ["submit", "return"],
    "rejected": ["submit", "forward", "reject"],
}
SHELL = "from tests.e2e.states import print_requests_in_every_state as p; p()"


def _staff(local: str) -> Staff:
    staff = load_staff(f"{local}@{DOMAIN}")
    assert staff is not None, local
    return staff


def print_requests_in_every_state() -> None:
    officer, district, provider = (_staff(w) for w in ("daumoi.p1", "vhtt.tpst", "quantri"))
    who = {"submit": officer, "forward": district, "return": district}
    who |= {"apply": provider, "reject": provider}
    made = {}
    for n, (state, moves) in enumerate(MOVES.items()):
        login = f"e2e.trang.thai.{state}@{DOMAIN}"
        add_account(login, name=f"Người Đề Nghị {n}", unit="TPST-P1", actor="test")
        request = flow.file_request(officer, unit_code="TPST-P1", ip=None)
        flow.add_line(officer, request.pk, login=login, phone=f"09135000{n:02d}",
                      reason="Mới chuyển công tác", unlock=False, ip=None)  # fmt: skip
        if moves:
            flow.attach_scan(officer, request.pk, content=PDF, ip=None)
        for step in moves:
            comment = "Thiếu chữ ký của thủ trưởng" if step in ("return", "reject") else ""
            flow.move(who[step], request.pk, step, comment=comment, ip=None)
        made[state] = request.pk
    print(json.dumps(made))  # read by the test that ran this shell
