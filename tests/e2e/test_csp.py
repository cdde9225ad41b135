"""The Content-Security-Policy holds in a real browser: on every page a person or an
administrator opens (the back office, the administration, the OIDC consent and logout pages,
the strength meter at work), Chromium reports no violation and fetches nothing elsewhere."""

from __future__ import annotations

import re

import pytest

from tests.e2e.oidc import RelyingParty, add_client
from tests.e2e.people import log_in
from tests.web.pages import every_url

pytestmark = pytest.mark.e2e
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}`);
});
"""
ADMIN_PAGE = re.compile(r"^/quan-tri/(\w+/\w+/((1/change|add)/)?)?$")


@pytest.fixture
def watched(browser, live):
    """A browser page that records CSP violations and any request to another host."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    context.set_default_timeout(15_000)
    context.add_init_script(WATCH)
    page = context.new_page()
    page.elsewhere = []
    page.console_errors = []
    page.on("request", lambda r: r.url.startswith(live.url) or page.elsewhere.append(r.url))
    page.on(
        "console",
        lambda m: m.type == "error" and "Content Security Policy" in m.text
        and page.console_errors.append(m.text),
    )  # fmt: skip
    yield page
    context.close()


def visit(page, url: str) -> list[str]:
    """Open ``url`` if it is a page (not a download or JSON); the violations it caused."""
    head = page.context.request.get(url, max_redirects=0)
    if not head.headers.get("content-type", "").startswith("text/html"):
        return []
    page.goto(url, wait_until="load")  # scripts, styles, images: loaded and checked by then
    return list(page.evaluate("window.__violations"))


def to_account_page(page, live, login: str) -> None:
    log_in(page, live, login)
    page.wait_for_url(live.url + "/tai-khoan/")


def test_every_page_keeps_the_policy_for_people_and_staff(watched, live):
    pages = [path for path, _name in every_url() if not path.startswith("/quan-tri/")]
    found = {path: visit(watched, live.url + path) for path in pages}
    to_account_page(watched, live, "quantri")
    admin = [path for path, _name in every_url() if ADMIN_PAGE.match(path)]
    assert len(admin) > 20
    for path in pages + admin:
        found[path] = found.get(path, []) + visit(watched, live.url + path)
    assert {path: v for path, v in found.items() if v} == {}
    assert watched.console_errors == []
    assert watched.elsewhere == []


def test_the_consent_and_logout_pages_keep_the_policy(watched, live):
    client = add_client(live, name="Ứng dụng bên ngoài")  # not trusted: asks for consent
    rp = RelyingParty(live, client["client_id"], client["client_secret"])
    to_account_page(watched, live, "binh.tran")
    watched.goto(rp.authorization_url())
    assert "Cho phép ứng dụng dùng tài khoản" in watched.content()
    assert watched.evaluate("window.__violations") == []
    watched.goto(live.url + "/oidc/logout/")
    assert "Bạn có muốn đăng xuất" in watched.content()
    assert watched.evaluate("window.__violations") == []
    assert watched.console_errors == [] and watched.elsewhere == []


def test_the_strength_meter_works_under_the_policy(watched, live):
    to_account_page(watched, live, "kiemtra")
    watched.fill("#id_password1", "abc")
    watched.wait_for_selector("#id_password1_strength:not([hidden])")
    weak = watched.get_attribute("#id_password1_strength", "data-score")
    watched.fill("#id_password1", "Sông-Hậu mưa 2026 rất to!")
    watched.wait_for_function(
        "() => document.querySelector('#id_password1_strength').dataset.score === '4'"
    )
    assert weak == "0"
    assert "Rất mạnh" in watched.inner_text("#id_password1_strength")
    watched.click("button.reveal >> nth=1")  # "Hiện": the new password, as typed
    assert watched.get_attribute("#id_password1", "type") == "text"
    assert watched.evaluate("window.__violations") == []
    assert watched.console_errors == [] and watched.elsewhere == []
