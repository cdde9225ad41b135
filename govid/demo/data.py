"""Demo data for `make run`: the province of the seed, a few units and accounts."""

from __future__ import annotations

from django.db import transaction

from govid.backoffice.api import grant, load_staff
from govid.demo.client import register_demo_client
from govid.directory.api import add_account, add_unit, get_directory, has_unit
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


def load_demo(domain: str) -> int:
    """Create what is missing; return how many rows were added. Safe to run at every start."""
    added = 0
    with transaction.atomic():
        for code, name, parent in UNITS:
            if not has_unit(code):
                add_unit(code, name=name, parent=parent, actor="demo")
                added += 1
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
        for local, role, units in STAFF:
            staff = load_staff(f"{local}@{domain}")
            if staff is None or not staff.has(role):
                grant(f"{local}@{domain}", role=role, units=units, actor="demo")
                added += 1
        added += ensure_administrator(f"{ADMIN}@{domain}", name="Quản trị hệ thống")
        added += register_demo_client()
    return added
