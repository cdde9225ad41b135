"""Every page of every role at 360 px, checked by axe-core (WCAG 2.0/2.1 A and AA rules): no
serious or critical violation. axe runs inside Chromium on the page as the person sees it."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.e2e.oidc import PASSWORD, new_account
from tests.e2e.people import signed_in, sized_page

pytestmark = pytest.mark.e2e

WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
SERIOUS = ("serious", "critical")
AXE = Axe()


def problems(page: Page) -> list[str]:
    """The serious and critical violations on the page, one line each (rule, where, why)."""
    found = AXE.run(page, options=WCAG_AA).response["violations"]
    return [
        f"{page.url}: {v['id']} ({v['impact']}) at {node['target']}: {v['help']}"
        for v in found
        if v["impact"] in SERIOUS
        for node in v["nodes"][:3]
    ]


def test_the_seed_pages_pass_axe_at_360_px(browser, live):
    page = sized_page(browser)
    found: list[str] = []
    page.goto(live.url + "/")
    found += problems(page)
    page.goto(live.url + "/quen-mat-khau/")
    found += problems(page)
    # An account without a phone: the error, with its link to the blank form.
    page.get_by_label("Email công vụ").fill("vnpt_testvpdt3")
    page.get_by_role("button", name="Tiếp tục").click()
    page.wait_for_load_state()
    found += problems(page)
    # The phone page, then the reset page with its countdown: an account of this test's own,
    # so that its code goes to a phone no other test reads.
    login, _phone = new_account(live)
    page.goto(live.url + "/quen-mat-khau/")
    page.get_by_label("Email công vụ").fill(login)
    page.get_by_role("button", name="Tiếp tục").click()
    expect(page.get_by_role("button", name="Lấy mã xác nhận")).to_be_visible()
    found += problems(page)
    page.get_by_role("button", name="Lấy mã xác nhận").click()
    expect(page.get_by_label("Mã xác nhận")).to_be_visible()
    found += problems(page)
    assert found == []


def test_the_account_page_passes_axe_at_360_px(browser, live):
    login, _phone = new_account(live)
    page = signed_in(browser, live, login, PASSWORD, start="/tai-khoan/")
    expect(page.get_by_role("heading", name="Tài khoản của tôi")).to_be_visible()
    assert problems(page) == []


@pytest.mark.parametrize(
    ("login", "paths"),
    [
        ("daumoi.p1", ["/van-phong/", "/van-phong/de-nghi/", "/van-phong/de-nghi/moi/",
                       "/van-phong/tai-khoan/", "/van-phong/nhap/"]),
        ("vhtt.tpst", ["/van-phong/", "/van-phong/de-nghi/", "/van-phong/bao-cao/"]),
        ("quantri", ["/van-phong/ho-tro/", "/van-phong/phan-quyen/", "/quan-tri/"]),
        ("kiemtra", ["/van-phong/nhat-ky/"]),
    ],
)  # fmt: skip
def test_every_roles_pages_pass_axe_at_360_px(browser, live, login, paths):
    page = signed_in(browser, live, login, start=paths[0])
    found: list[str] = []
    for path in paths:
        page.goto(live.url + path)
        page.wait_for_load_state()
        assert page.url.startswith(live.url + path), page.url  # really there, not refused
        found += problems(page)
    assert found == []
