"""A reset or a lock away from the person's browser signs them out of a SAML service provider:
govid's worker sends a signed LogoutRequest over SOAP to Debian's Apache with mod_auth_mellon.

mod_auth_mellon takes SOAP logout at ``/mellon/logout`` and says so in the metadata it
generates itself (``/mellon/metadata`` when no MellonSPMetadataFile is set: a SOAP and an
HTTP-Redirect SingleLogoutService). ``mellon_create_metadata``'s file, which the federation
tests register, names HTTP-Redirect alone: such an SP is reached through the browser only.
"""

from __future__ import annotations

import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Page, expect

from tests.e2e.conftest import LiveServer
from tests.e2e.oidc import PASSWORD, new_account
from tests.e2e.people import sized_page
from tests.servers.apache import Module, apache
from tests.servers.apache_mellon import CGI, CONFIG, ApacheMellon, _make_sp_keys

pytestmark = pytest.mark.e2e

NEW_PASSWORD = "Moi#Matkhau2026"
SOAP = "urn:oasis:names:tc:SAML:2.0:bindings:SOAP"
# mod_auth_mellon serves the metadata it makes from its key and certificate.
OWN_METADATA = CONFIG.replace('  MellonSPMetadataFile "{dir}/sp-metadata.xml"\n', "")


@pytest.fixture(scope="module")
def mellon(live: LiveServer) -> Iterator[ApacheMellon]:
    idp_metadata = requests.get(live.url + "/saml/metadata/", timeout=90).text

    def prepare(root: Path, url: str) -> None:
        _make_sp_keys(root, url)
        (root / "idp-metadata.xml").write_text(idp_metadata)

    module = Module(
        name="auth_mellon", label="mod_auth_mellon", config=OWN_METADATA, cgi=CGI, prepare=prepare
    )
    with apache(module, signed_out_title="Signed out of the SAML SP") as site:
        sp = ApacheMellon(url=site.url, directory=site.directory)
        with urllib.request.urlopen(sp.entity_id, timeout=10) as answer:  # noqa: S310 (loopback)
            metadata = answer.read().decode()
        assert f'Binding="{SOAP}"' in metadata  # mellon's own word: it takes SOAP logout
        sp.metadata.write_text(metadata)
        live.manage("sso", "add-saml-sp", "--metadata", str(sp.metadata), "--name", "Hồ sơ (SOAP)")
        try:
            yield sp
        finally:
            live.manage("sso", "remove-saml-sp", sp.entity_id)


def _signed_in_at_the_sp(page: Page, sp: ApacheMellon, login: str) -> None:
    page.goto(sp.secret_url)
    page.get_by_label("Tên tài khoản").fill(login)
    page.get_by_label("Mật khẩu", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(sp.secret_url)
    assert f"MELLON_mail={login}" in page.locator("body").inner_text()


def _sp_asks_for_a_login(page: Page, sp: ApacheMellon, live: LiveServer) -> Callable[[], bool]:
    """Whether the SP's page, opened again, sends the browser to govid's login page: only an
    SP whose own session is gone asks govid (whose session is void as well)."""

    def check() -> bool:
        page.goto(sp.secret_url)
        page.wait_for_load_state()
        return page.url.startswith(live.url + "/?next=")

    return check


def _wait(check: Callable[[], bool], what: str, timeout: float = 20.0) -> None:
    end = time.monotonic() + timeout
    while not check():
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.3)


def test_a_reset_in_another_browser_signs_the_person_out_of_the_sp(browser, live, mellon):
    login, phone = new_account(live)
    page = sized_page(browser, 360)
    _signed_in_at_the_sp(page, mellon, login)

    # The seed's recovery, on another device: the first browser is nowhere near.
    other = sized_page(browser, 360)
    other.goto(live.url + "/")
    other.get_by_role("link", name="Quên mật khẩu?").click()
    other.get_by_label("Email công vụ").fill(login)
    other.get_by_role("button", name="Tiếp tục").click()
    other.get_by_role("button", name="Lấy mã xác nhận").click()
    code = live.wait_for_code(phone)
    other.get_by_label("Mã xác nhận").fill(code)
    other.get_by_label("Mật khẩu", exact=True).fill(NEW_PASSWORD)
    other.get_by_label("Nhập lại mật khẩu").fill(NEW_PASSWORD)
    other.get_by_role("button", name="Khôi phục mật khẩu").click()
    expect(other.get_by_role("dialog").get_by_role("heading", name="Thành công!")).to_be_visible()

    _wait(_sp_asks_for_a_login(page, mellon, live), "mod_auth_mellon to end its session")
    page.context.close()
    other.context.close()


def test_a_lock_by_the_administrator_signs_the_person_out_of_the_sp(browser, live, mellon):
    login, _ = new_account(live)
    page = sized_page(browser, 360)
    _signed_in_at_the_sp(page, mellon, login)
    page.goto(mellon.secret_url)  # still signed in: the SP's session is alive
    assert page.url == mellon.secret_url

    live.manage("accounts", "lock", login)

    _wait(_sp_asks_for_a_login(page, mellon, live), "mod_auth_mellon to end its session")
    page.context.close()
