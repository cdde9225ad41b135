"""`make run GOVID_DIRECTORY=ldap` against a real slapd: set up as `make run` does (its last step
is `manage.py demo`), served by gunicorn, the login page and the demo relying party work for the
directory's own accounts."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import LiveServer, serve
from tests.servers.slapd import Slapd

pytestmark = pytest.mark.e2e

PASSWORD = "Cu@Matkhau2025"
NAME = "Trịnh Quản Trị"


@pytest.fixture(scope="module")
def made_run(tmp_path_factory: pytest.TempPathFactory, slapd: Slapd) -> Iterator[LiveServer]:
    """The directory holds one of the demo's accounts (the administrator), none of the others."""
    base = slapd.container("CQT-TTCNS")
    slapd.add_person(
        f"ou=CQT-TTCNS,{base}", "quantri", password=PASSWORD, name=NAME, mobile=["0393000111"]
    )
    var_dir = tmp_path_factory.mktemp("govid-make-run-ldap")
    with serve(var_dir, setup=(["demo"],), **slapd.environment(base_dn=base)) as server:
        yield server


@pytest.fixture
def page(browser, made_run) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_the_login_page_is_served(page, made_run):
    response = page.goto(made_run.url + "/")
    assert response is not None and response.status == 200
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()
    expect(page.get_by_label("Tên tài khoản")).to_be_visible()


def test_the_demo_mailbox_signs_in_an_account_of_the_directory(page, made_run):
    page.goto(made_run.url + "/demo/")
    page.get_by_role("link", name="Đăng nhập bằng tài khoản công vụ").click()
    page.get_by_label("Tên tài khoản").fill("quantri")
    page.get_by_label("Mật khẩu", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_text(f"Xin chào, {NAME}!")).to_be_visible()


def test_a_demo_account_the_directory_does_not_hold_cannot_sign_in(page, made_run):
    page.goto(made_run.url + "/")
    page.get_by_label("Tên tài khoản").fill("an.nguyen")
    page.get_by_label("Mật khẩu", exact=True).fill("Demo@2026")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()
    expect(page.get_by_role("alert")).to_be_visible()
