"""Demo data for `make run`: the province of the seed, a few units and accounts.

The accounts are created only in govid's own SQL directory. On any other directory (the mail
system's LDAP) the demo writes no account there: the back-office roles go only to the demo
accounts that directory holds, and one line says what was skipped and why.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from govid.backoffice.api import grant, load_staff
from govid.demo.client import register_demo_client
from govid.directory.api import (
    DirectoryUnavailable,
    add_account,
    add_unit,
    directory_settings,
    get_directory,
    has_unit,
)
from govid.sso.api import ensure_administrator

PASSWORD = "Demo@2026"  # noqa: S105  (the demo accounts' documented password)

UNITS = [
    ("ST", "Tỉnh Sóc Trăng", None),
    ("CQT", "Các cơ quan cấp tỉnh", "ST"),
    ("MYTU", "Huyện Mỹ Tú", "ST"),
    ("TPST", "Thành phố Sóc Trăng", "ST"),
    ("CQT-TTCNS", "Trung tâm Công nghệ số (Sở Thông tin và Truyền thông)", "CQT"),
    ("MYTU-VHTT", "Phòng Văn hóa và Thông tin huyện Mỹ Tú", "MYTU"),
    ("MYTU-HHN", "UBND thị trấn Huỳnh Hữu Nghĩa", "MYTU"),
    ("MYTU-MH", "UBND xã Mỹ Hương", "MYTU"),
    ("TPST-P1", "UBND Phường 1", "TPST"),
    ("TPST-VHTT", "Phòng Văn hóa và Thông tin thành phố Sóc Trăng", "TPST"),
]

# (local part, name, unit, phone, locked)
ACCOUNTS = [
    ("an.nguyen", "Nguyễn Văn An", "MYTU-VHTT", "0393555121", False),
    ("binh.tran", "Trần Thị Bình", "MYTU-HHN", "0912345678", False),
    ("cuong.le", "Lê Văn Cường", "MYTU-MH", "0987654321", True),
    ("vnpt_testvpdt3", "Tài khoản thử nghiệm VPĐT 3", "TPST-P1", None, False),
    ("quantri", "Quản trị hệ thống", "CQT-TTCNS", "0393000111", False),
    ("daumoi.p1", "Phạm Thị Duyên", "TPST-P1", "0915222333", False),
    ("vhtt.tpst", "Lý Văn Hải", "TPST-VHTT", "0916444555", False),
    ("kiemtra", "Đỗ Thị Thanh", "CQT-TTCNS", "0917666777", False),
]
ADMIN = "quantri"
# Back-office roles (local part, role, units): the paper request's three desks and an auditor.
STAFF = [
    ("daumoi.p1", "unit_officer", ["TPST-P1"]),
    ("vhtt.tpst", "district_reviewer", ["TPST"]),
    ("quantri", "provider_admin", []),
    ("kiemtra", "auditor", []),
]


@dataclass(frozen=True)
class DemoLoad:
    added: int  # rows added (units, accounts, roles, the administrator, the relying party)
    skipped: str = ""  # one line: what was not created and why; empty on the SQL directory


def load_demo(domain: str) -> DemoLoad:
    """Create what is missing. Safe to run at every start, on any directory."""
    owns_accounts = directory_settings().owns_accounts
    added = 0
    with transaction.atomic():
        # The unit tree is govid's own table (the back office's scopes), whatever the directory.
        for code, name, parent in UNITS:
            if not has_unit(code):
                add_unit(code, name=name, parent=parent, actor="demo")
                added += 1
        if owns_accounts:
            added += _add_accounts(domain)
        held, silent = _held(domain, [local for local, _role, _units in STAFF])
        for local, role, units in STAFF:
            staff = load_staff(f"{local}@{domain}")
            if local in held and (staff is None or not staff.has(role)):
                grant(f"{local}@{domain}", role=role, units=units, actor="demo")
                added += 1
        if ADMIN in held:
            added += ensure_administrator(f"{ADMIN}@{domain}", name="Quản trị hệ thống")
        added += register_demo_client()
    skipped = "" if owns_accounts else _skipped(held, silent)
    return DemoLoad(added, skipped)


def _add_accounts(domain: str) -> int:
    added = 0
    for local, name, unit, phone, locked in ACCOUNTS:
        login = f"{local}@{domain}"
        if get_directory().find(login) is None:
            add_account(
                login,
                name=name,
                unit=unit,
                phone=phone,
                password=PASSWORD,
                locked=locked,
                actor="demo",
            )
            added += 1
    return added


def _held(domain: str, locals_: list[str]) -> tuple[set[str], str]:
    """Which of these demo account names the directory holds; why it could not say, if so."""
    try:
        return {local for local in locals_ if get_directory().find(f"{local}@{domain}")}, ""
    except DirectoryUnavailable as error:
        return set(), str(error) or "no answer"


def _skipped(held: set[str], silent: str) -> str:
    staff = [(local, role) for local, role, _units in STAFF]
    if silent:
        roles = f"the directory did not answer ({silent}): no back-office role granted"
    else:
        granted = ", ".join(f"{local} ({role})" for local, role in staff if local in held)
        missing = ", ".join(local for local, _role in staff if local not in held)
        roles = "back-office roles granted only to the demo accounts it holds: " + (
            f"{granted}; not held: {missing}" if granted and missing else granted or "none"
        )
        if not granted:
            roles += f" of {missing}"
    backend = directory_settings().backend
    return (
        f"demo: GOVID_DIRECTORY={backend}: no demo account created in that directory (govid "
        f"creates accounts only in its own SQL directory); {roles}"
    )
