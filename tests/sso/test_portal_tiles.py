"""The portal's home: the province's shared systems as tiles on the account page, only those
the person may use, each opening through SSO."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from govid.directory.provision import add_account, add_unit
from govid.sso.cas.services import add_service
from govid.sso.clients import add_client
from govid.sso.portal.tiles import add_tile
from tests.conftest import PASSWORD


def _page(login: str = "an.nguyen") -> str:
    client = Client()
    assert client.post("/", {"username": login, "password": PASSWORD}).status_code == 302
    return client.get("/tai-khoan/").content.decode()


@pytest.fixture
def systems(account) -> None:
    add_service(
        "Một cửa", service_url="https://motcua.soctrang.gov.vn/", single_logout=False, actor="t"
    )
    add_tile(
        protocol="cas", party="Một cửa", name="Một cửa điện tử",
        start_url="https://motcua.soctrang.gov.vn/", description="Hồ sơ thủ tục hành chính",
        icon="mot-cua", actor="test",
    )  # fmt: skip
    application, _ = add_client(
        "Nhân sự", redirect_uris=["https://nhansu.soctrang.gov.vn/cb"], actor="t"
    )
    add_tile(
        protocol="oidc", party=application.client_id, name="Quản lý cán bộ",
        start_url="https://nhansu.soctrang.gov.vn/", icon="nhan-su", units=["MYTU"], actor="test",
    )  # fmt: skip


def test_the_account_page_shows_the_systems_as_tiles_that_open_through_sso(systems):
    page = _page()
    assert "Hệ thống dùng chung" in page
    assert "Một cửa điện tử" in page and "Hồ sơ thủ tục hành chính" in page
    assert 'href="/cas/login?service=https%3A%2F%2Fmotcua.soctrang.gov.vn%2F"' in page
    assert 'href="https://nhansu.soctrang.gov.vn/"' in page  # in the person's district
    assert "/static/sso/icons/mot-cua" in page


def test_a_tile_for_other_units_is_not_shown(systems):
    add_unit("NGANAM", name="Thị xã Ngã Năm", parent="ST", actor="test")
    add_account(
        "binh.tran@soctrang.gov.vn", name="Trần Thị Bình", unit="NGANAM", password=PASSWORD,
        actor="test",
    )  # fmt: skip
    page = _page("binh.tran")
    assert "Một cửa điện tử" in page
    assert "Quản lý cán bộ" not in page


def test_without_tiles_there_is_no_section(account):
    assert "Hệ thống dùng chung" not in _page()


def test_the_command_adds_only_tiles_of_registered_systems(systems):
    out = StringIO()
    call_command("sso", "list-tiles", stdout=out)
    assert [tile["name"] for tile in json.loads(out.getvalue())] == [
        "Một cửa điện tử",
        "Quản lý cán bộ",
    ]
    with pytest.raises(CommandError, match="no cas system"):
        call_command(
            "sso", "add-tile", "--protocol", "cas", "--party", "Không có", "--name", "X",
            "--start-url", "https://x.soctrang.gov.vn/", stdout=StringIO(),
        )  # fmt: skip
    out = StringIO()
    call_command("sso", "remove-tile", "--protocol", "cas", "--party", "Một cửa", stdout=out)
    assert json.loads(out.getvalue())["removed"] is True
    assert "Một cửa điện tử" not in _page()
