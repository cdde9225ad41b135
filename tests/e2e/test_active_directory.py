"""The seed's flow in Chromium against gunicorn with GOVID_DIRECTORY=ad on a real Active
Directory (a Samba AD DC): AD's own refusal is told next to the password field, then the new
password binds over LDAPS and the old one no longer does. One journey: the locked out and disabled
users, and the refusals, go through Django's test client (tests/directory/test_ad_recovery.py)."""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import LiveServer, serve
from tests.e2e.test_ldap_seed_flow import submit
from tests.e2e.test_seed_flow import start_forgot
from tests.servers.samba_ad import MAILBOXES, STARTTLS_URL, SambaAd

pytestmark = [pytest.mark.e2e, pytest.mark.once]

PASSWORD = "Cu@Matkhau2025"
NEW_PASSWORD = "Moi#Matkhau2026"


@pytest.fixture(scope="session")
def ad_live(tmp_path_factory: pytest.TempPathFactory, samba_ad: SambaAd) -> Iterator[LiveServer]:
    """govid served as in production on the AD (its mailboxes' OU): nothing in its database."""
    var_dir = tmp_path_factory.mktemp("govid-ad-var")
    with serve(var_dir, setup=(), **samba_ad.environment(base_dn=MAILBOXES)) as server:
        # The first request loads the rest of govid: not within a page's 10 s on a busy machine.
        urllib.request.urlopen(server.url + "/", timeout=120).close()  # noqa: S310  (loopback)
        yield server


@pytest.fixture
def page(browser, ad_live) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_an_ad_user_recovers_by_sms_and_only_the_new_password_binds(page, ad_live, samba_ad):
    container = samba_ad.container("PVHTT-MYTU")
    dn = samba_ad.add_user(
        f"OU=PVHTT-MYTU,{container}", "ad.nguoidung", password=PASSWORD,
        name="Người Dùng AD", mobile="0393770901",
    )  # fmt: skip
    try:
        # Pages 1-3: the login page's link, the bare account name, the masked phone, the code.
        start_forgot(page, ad_live, "ad.nguoidung")
        expect(page.get_by_text("0393XXX901", exact=True)).to_be_visible()
        page.get_by_role("button", name="Lấy mã xác nhận").click()
        code = ad_live.wait_for_code("+84393770901")
        # Page 4: AD's own rule (here a domain minimum of 16 characters) next to the field.
        samba_ad.set_min_password_length(16)
        try:
            submit(page, code, NEW_PASSWORD)
            expect(page.locator("#id_password1_error")).to_have_text(
                "Mật khẩu quá ngắn so với quy định của hệ thống thư điện tử."
            )
        finally:
            samba_ad.set_min_password_length(7)
        assert samba_ad.binds(dn, PASSWORD)
        submit(page, code, NEW_PASSWORD)
        dialog = page.get_by_role("dialog")
        expect(dialog.get_by_text("Thay đổi mật khẩu thành công!")).to_be_visible()

        # Any LDAP client now: a simple bind over verified LDAPS (and StartTLS).
        assert samba_ad.binds(dn, NEW_PASSWORD)
        assert samba_ad.binds(dn, NEW_PASSWORD, url=STARTTLS_URL)
        assert not samba_ad.binds(dn, PASSWORD)
    finally:
        samba_ad.remove(container)
