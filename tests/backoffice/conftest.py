"""Two districts, their units and accounts, one staff member per role (and the wrong ones)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from govid.backoffice.access import Staff, load_staff
from govid.backoffice.staff import grant
from govid.directory.provision import add_account, add_unit
from govid.sso.models import User

DOMAIN = "soctrang.gov.vn"
ROLES: dict[str, tuple[str | None, list[str]]] = {
    "officer": ("unit_officer", ["MYTU-HHN"]),
    "other_officer": ("unit_officer", ["TPST-P1"]),
    "reviewer": ("district_reviewer", ["MYTU"]),
    "other_reviewer": ("district_reviewer", ["TPST"]),
    "provider": ("provider_admin", []),
    "auditor": ("auditor", []),
    "nobody": (None, []),
}


@dataclass
class World:
    logins: dict[str, str]

    def staff(self, who: str) -> Staff:
        staff = load_staff(self.logins[who])
        assert staff is not None
        return staff

    def client(self, who: str | None) -> Client:
        """Signed in as ``who`` (the login page itself is tested in tests/sso)."""
        client = Client()
        if who is not None:
            user, _ = User.objects.get_or_create(login=self.logins[who])
            client.force_login(user)
        return client


@pytest.fixture
def world(units: None) -> World:
    add_unit("MYTU-HHN", name="UBND thị trấn Huỳnh Hữu Nghĩa", parent="MYTU", actor="test")
    add_unit("TPST", name="Thành phố Sóc Trăng", parent="ST", actor="test")
    add_unit("TPST-P1", name="UBND Phường 1", parent="TPST", actor="test")
    add_account(f"khong.so@{DOMAIN}", name="Đặng Thị Hồng Nhung", unit="MYTU-HHN", actor="test")
    add_account(
        f"co.so@{DOMAIN}", name="Võ Minh Triết", unit="MYTU-HHN", phone="0912345678", actor="test"
    )
    add_account(f"phuong1@{DOMAIN}", name="Lâm Quốc Bảo", unit="TPST-P1", actor="test")
    logins = {}
    for who, (role, codes) in ROLES.items():
        login = f"{who.replace('_', '.')}@{DOMAIN}"
        unit = "TPST-P1" if who.startswith("other") else "MYTU-HHN"
        add_account(login, name=f"Cán bộ {who}", unit=unit, actor="test")
        if role:
            grant(login, role=role, units=codes, actor="test")
        logins[who] = login
    return World(logins=logins)
