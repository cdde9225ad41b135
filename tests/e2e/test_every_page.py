"""Every page of every role, walked in Chromium as its people open it: axe-core (WCAG 2.1 AA) finds
no serious or critical violation at 360 px, nothing scrolls sideways at 360 px nor at 1280 px,
and the page's own "English" switch brings the same page back in English, with no Vietnamese
string left where the translations have an English one.

The pages come from govid's URL configuration: a route that is a page must be walked here (or
named below as not a page, with why), so a new page cannot slip past. One browser, one sign-in
per role, the pages in a loop."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
from babel.messages.pofile import read_po
from django.contrib import admin
from django.urls import Resolver404, resolve
from playwright.sync_api import Page, expect

from tests.e2e.oidc import RelyingParty, add_client, new_account
from tests.e2e.people import PASSWORD, fits, log_in, sized_page
from tests.e2e.states import MOVES, SHELL
from tests.e2e.test_accessibility import problems
from tests.web.pages import every_url

pytestmark = [pytest.mark.e2e, pytest.mark.once]  # the browser proves nothing more on PostgreSQL

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = "soctrang.gov.vn"
NEW_PASSWORD = "Moi#Matkhau2026"
TIMEOUT = 30_000  # ms: a long walk on a shared machine; a page that never comes still fails
# Routes that are no page a person reads (what they are), by URL name.
NOT_PAGES = {
    "sso:logout": "a POST that signs out",
    "sso:end_sign_in": "a POST that ends one sign-in",
    "sso:end_other_sign_ins": "a POST that ends the other sign-ins",
    "sso:second_step": "the second step of a login: walked with axe in test_second_factor.py",
    "sso:factor_recheck": "a person with a factor asked for it again: tests/sso/test_factors*.py",
    "sso:key_register_options": "JSON for the security keys' script",
    "sso:key_register": "JSON for the security keys' script",
    "sso:key_remove": "a POST that removes a security key",
    "sso:key_sign_options": "JSON for the security keys' script",
    "sso:key_sign": "JSON for the security keys' script",
    "cas:login": "a redirect to the CAS service (or the login page)",
    "cas:logout": "a redirect after the CAS logout",
    "cas:service-validate": "XML for CAS services",
    "cas:p3-service-validate": "XML for CAS services",
    "cas:proxy-validate": "XML for CAS services",
    "cas:p3-proxy-validate": "XML for CAS services",
    "cas:proxy": "XML for CAS services",
    "oauth2_provider:oauth-server-metadata": "JSON for relying parties",
    "oauth2_provider:oidc-connect-discovery-info": "JSON for relying parties",
    "oauth2_provider:jwks-info": "JSON for relying parties",
    "oauth2_provider:token": "the token endpoint (POST, JSON)",
    "oauth2_provider:revoke-token": "the revocation endpoint (POST)",
    "oauth2_provider:user-info": "JSON for relying parties",
    "saml:metadata": "XML for SAML service providers",
    "saml:sso_post": "a SAML binding: answered by a redirect or a form posted at once",
    "saml:sso_redirect": "a SAML binding: answered by a redirect or a form posted at once",
    "saml:continue": "the SAML answer after the login, a form posted at once",
    "saml:slo_post": "a SAML logout binding",
    "saml:slo_redirect": "a SAML logout binding",
    "demo:callback": "a redirect back to the demo mailbox",
    "demo:sign_in": "a redirect to the login page",
    "demo:sign_out": "a redirect through the logout",
    "healthz": "plain text for the load balancer",
    "readyz": "plain text for the load balancer",
    "metrics": "plain text for the monitoring",
    "set_language": "the language switch's POST",
    "recovery:code": "a POST that sends the code",
    "recovery:resend": "a POST that sends the code again",
    "recovery:sms_status": "JSON for the reset page's script",
    "sms:kannel_report": "the carrier's delivery report",
    "backoffice:report_csv": "a CSV download",
    "backoffice:letter": "a PDF download",
    "backoffice:blank_letter": "a PDF download",
    "backoffice:audit_csv": "a CSV download",
    "backoffice:audit_xlsx": "an XLSX download",
    "backoffice:export": "an XLSX download",
    "backoffice:scan": "a POST (the signed scan)",
    "backoffice:add_line": "a POST (a line of the request)",
    "backoffice:remove_line": "a POST (a line of the request)",
    "backoffice:move": "a POST (a step of the request)",
    "backoffice:import_apply": "a POST (the import)",
    "backoffice:revoke_role": "a POST (a role)",
    "backoffice:helpdesk_release": "a POST (the helpdesk's action)",
    "backoffice:helpdesk_end_sessions": "a POST (the helpdesk's action)",
    "backoffice:helpdesk_remove_factors": "a POST (the helpdesk's action)",
}
# What the demo data calls its people and units: Vietnamese in both languages.
DATA = re.compile(
    r"Phòng Văn hóa và Thông tin|Trung tâm Công nghệ số|Văn phòng HĐND và UBND|Quản trị hệ thống"
    r"|Hộp thư công vụ \(demo"
)
VIETNAMESE = re.compile(r"[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]",
                        re.IGNORECASE)  # fmt: skip


def translated_strings() -> list[str]:
    """The Vietnamese source strings that have an English translation (the longer literal
    pieces of each, between its placeholders): none may show once the page is in English."""
    with (ROOT / "govid/locale/en/LC_MESSAGES/django.po").open("rb") as po:
        catalog = read_po(po)
    found = set()
    for message in catalog:
        source = message.id[0] if isinstance(message.id, tuple) else message.id
        english = message.string[0] if isinstance(message.string, tuple) else message.string
        if not source or not english or english == source:
            continue
        for piece in re.split(r"%\(\w+\)\w|%\w|\{\{.*?\}\}|\{\w+\}|\n", str(source)):
            piece = piece.strip(" .,:;!?()“”'\"-—·/")
            if len(piece) >= 12 and VIETNAMESE.search(piece) and not DATA.search(piece):
                found.add(piece)
    return sorted(found, key=len, reverse=True)


TRANSLATED = translated_strings()


def wider(page: Page) -> list[str]:
    """The innermost elements that reach past the screen's right edge."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll("body *"))
          .filter(e => e.getBoundingClientRect().right > innerWidth + 1 && !e.firstElementChild)
          .slice(0, 5)
          .map(e => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}px`
                    + ` "${(e.textContent || "").trim().slice(0, 40)}"`)"""
    )


def route(path: str) -> str:
    try:
        return resolve(urlparse(path).path).view_name
    except Resolver404:
        return "404"


class Walk:
    """One role's browser: each page checked at 360 px and at 1280 px, then in English."""

    def __init__(self, page: Page, live) -> None:
        self.page, self.live = page, live
        self.found: list[str] = []
        self.routes: set[str] = set()

    def here(self, *, english: bool = True) -> None:
        """Check the page the browser shows now (reached by a link, a form or ``visit``)."""
        page = self.page
        page.wait_for_load_state()
        path = urlparse(page.url).path
        self.routes.add(route(page.url))
        self.found += problems(page)
        for width in (360, 1280):
            page.set_viewport_size({"width": width, "height": 740})
            if not fits(page):
                self.found.append(f"{path} scrolls sideways at {width} px: {wider(page)}")
        page.set_viewport_size({"width": 360, "height": 740})
        if english:
            self.in_english(path)

    def in_english(self, path: str) -> None:
        page = self.page
        page.get_by_role("button", name="English").click()
        page.wait_for_load_state()
        if urlparse(page.url).path != path:
            self.found.append(f"{path}: the English switch led to {page.url}")
        if page.evaluate("document.documentElement.lang") != "en":
            self.found.append(f"{path}: not in English after the switch")
        text = page.evaluate("document.body.innerText")
        left = [s for s in TRANSLATED if s in text]
        if left:
            self.found.append(f"{path}: Vietnamese left in English: {left[:5]}")
        page.get_by_role("button", name="Tiếng Việt").click()
        page.wait_for_load_state()

    def visit(self, path: str, *, english: bool = True) -> None:
        self.page.goto(self.live.url + path)
        self.here(english=english)


@pytest.fixture(scope="module")
def requests_in_every_state(live) -> dict[str, int]:
    """Phường 1's requests, one in each state, filed and moved by the demo's staff."""
    made = json.loads(live.manage("shell", "-c", SHELL).strip().splitlines()[-1])
    assert set(made) == set(MOVES)
    return made


@pytest.fixture(scope="module")
def walked(browser, live, requests_in_every_state) -> Iterator[dict[str, Walk]]:
    """Every role's pages, walked once for the module's tests."""
    rq = requests_in_every_state
    walks = {}

    # A person without an account yet: the seed's four steps, the error pages.
    anonymous = walks["anonymous"] = Walk(sized_page(browser, timeout=TIMEOUT), live)
    anonymous.visit("/")
    anonymous.visit("/demo/")
    anonymous.visit("/quen-mat-khau/")
    anonymous.page.get_by_label("Email công vụ").fill("vnpt_testvpdt3")  # no phone: the error
    anonymous.page.get_by_role("button", name="Tiếp tục").click()
    expect(anonymous.page.get_by_role("alert")).to_be_visible()
    anonymous.here(english=False)  # a POST's answer: the switch shows the empty form again
    login, phone = new_account(live)
    anonymous.visit("/quen-mat-khau/")
    anonymous.page.get_by_label("Email công vụ").fill(login)
    anonymous.page.get_by_role("button", name="Tiếp tục").click()
    expect(anonymous.page.get_by_role("button", name="Lấy mã xác nhận")).to_be_visible()
    anonymous.here()
    anonymous.page.get_by_role("button", name="Lấy mã xác nhận").click()
    expect(anonymous.page.get_by_label("Mã xác nhận")).to_be_visible()
    anonymous.here()
    anonymous.page.get_by_label("Mã xác nhận").fill(live.wait_for_code(phone))
    anonymous.page.get_by_label("Mật khẩu", exact=True).fill(NEW_PASSWORD)
    anonymous.page.get_by_label("Nhập lại mật khẩu").fill(NEW_PASSWORD)
    anonymous.page.get_by_role("button", name="Khôi phục mật khẩu").click()
    expect(anonymous.page.get_by_role("dialog")).to_be_visible()
    anonymous.here(english=False)  # the dialog over the reset page
    anonymous.visit("/quen-mat-khau/thanh-cong/")  # without scripts: the same as a page
    anonymous.visit("/khong-co-trang-nay/")  # 404
    held, _phone = new_account(live)
    for _ in range(5):
        log_in(anonymous.page, live, held, "Sai@Matkhau1")
    expect(anonymous.page.get_by_text("Vui lòng thử lại sau")).to_be_visible()
    anonymous.here(english=False)  # 429: the switch shows the login form again

    # A civil servant: the account page, an application's consent, the logout question.
    user = walks["user"] = Walk(sized_page(browser, timeout=TIMEOUT), live)
    login, _phone = new_account(live)
    log_in(user.page, live, login, "Cu@Matkhau2025")
    user.visit("/tai-khoan/")
    user.visit("/tai-khoan/bao-mat/")  # the second factors: the app's QR code, keys, passkeys
    client = add_client(live, name="Hệ thống quản lý hồ sơ công việc")  # asks for consent
    rp = RelyingParty(live, client["client_id"], client.get("client_secret"))
    user.page.goto(rp.authorization_url())
    expect(
        user.page.get_by_role("heading", name="Cho phép ứng dụng dùng tài khoản")
    ).to_be_visible()
    user.here()
    user.visit("/oidc/logout/")
    user.visit("/van-phong/")  # 403: no role in the back office

    # The unit's officer, the district's reviewer, the provider, the auditor.
    officer = walks["officer"] = Walk(sized_page(browser, timeout=TIMEOUT), live)
    log_in(officer.page, live, "daumoi.p1", PASSWORD, start="/van-phong/")
    for path in (
        "/van-phong/",
        "/van-phong/de-nghi/",
        "/van-phong/de-nghi/moi/",
        "/van-phong/tai-khoan/",
        "/van-phong/bao-cao/",
        "/van-phong/nhap/",
    ):
        officer.visit(path)  # fmt: skip
    officer.page.locator("input[type=file]").set_input_files(
        {"name": "danh-sach.csv", "mimeType": "text/csv",
         "buffer": "email,name,unit,phone\ne2e.nhap.moi,Nguyễn Văn Nhập,TPST-P1,01667778899\n"
                   "sai@@,Sai,KHONG-CO,123\n".encode()}
    )  # fmt: skip
    officer.page.get_by_role("button", name="Xem trước").click()
    expect(officer.page.get_by_role("heading", name="Xem trước danh sách")).to_be_visible()
    officer.here()
    for state in ("draft", "submitted", "returned", "applied"):
        officer.visit(f"/van-phong/de-nghi/{rq[state]}/")
    officer.visit("/van-phong/phan-quyen/")  # 403: not the officer's

    district = walks["district"] = Walk(sized_page(browser, timeout=TIMEOUT), live)
    log_in(district.page, live, "vhtt.tpst", PASSWORD, start="/van-phong/")
    for path in (
        "/van-phong/",
        "/van-phong/de-nghi/",
        "/van-phong/bao-cao/",
        "/van-phong/tai-khoan/",
    ):
        district.visit(path)  # fmt: skip
    for state in ("submitted", "forwarded", "rejected"):
        district.visit(f"/van-phong/de-nghi/{rq[state]}/")

    auditor = walks["auditor"] = Walk(sized_page(browser, timeout=TIMEOUT), live)
    log_in(auditor.page, live, "kiemtra", PASSWORD, start="/van-phong/")
    auditor.visit("/van-phong/")
    auditor.visit("/van-phong/nhat-ky/")
    auditor.visit(f"/van-phong/nhat-ky/?kind=roles&unit=TPST-P1&person=daumoi.p1%40{DOMAIN}")
    auditor.visit("/van-phong/nhat-ky/?kind=logins&since=2020-01-01&until=2099-12-31")

    provider = walks["provider"] = Walk(sized_page(browser, timeout=TIMEOUT), live)
    log_in(provider.page, live, "quantri", PASSWORD, start="/van-phong/")
    for path in (
        "/van-phong/",
        "/van-phong/de-nghi/",
        "/van-phong/ho-tro/",
        "/van-phong/ho-tro/?q=Ph%E1%BA%A1m+Th%E1%BB%8B",
        f"/van-phong/ho-tro/daumoi.p1@{DOMAIN}/",
        "/van-phong/phan-quyen/",
        "/van-phong/tai-khoan/",
        "/van-phong/nhap/",
        "/van-phong/bao-cao/",
    ):
        provider.visit(path)  # fmt: skip
    for state in ("forwarded", "applied", "rejected"):
        provider.visit(f"/van-phong/de-nghi/{rq[state]}/")
    provider.visit("/van-phong/ho-tro/khong.co.ai@soctrang.gov.vn/")  # 404 in the back office

    # The provider in the administration: the index, an app's page, each model's list, its add
    # form where it has one, its first row's page; the 403 and 404 looks.
    provider.visit("/quan-tri/")
    provider.visit("/quan-tri/audit/")
    for model in admin.site._registry:
        meta = model._meta
        provider.visit(f"/quan-tri/{meta.app_label}/{meta.model_name}/")
        links = provider.page.locator("#result_list tbody tr th a, #result_list tbody tr td a")
        row = links.first.get_attribute("href") if links.count() else None
        add = provider.page.locator("a.addlink")
        add_form = add.first.get_attribute("href") if add.count() else None
        for target in (add_form, row):
            if target:
                provider.visit(target)
    provider.visit("/quan-tri/audit/event/add/")  # 403: the log is written by govid alone
    provider.visit("/quan-tri/khong-co/")
    yield walks
    for walk in walks.values():
        walk.page.context.close()


def test_every_page_of_every_role_passes_axe_fits_and_speaks_english(walked):
    found = [f"{who}: {problem}" for who, walk in walked.items() for problem in walk.found]
    assert found == [], "\n".join(found)


def test_every_page_route_is_walked(walked):
    """A route is a page someone walks here, or it is named above as no page."""
    routes = set().union(*(walk.routes for walk in walked.values()))
    pages = {route(path) for path, _name in every_url() if not path.startswith("/quan-tri/")}
    assert pages - routes - set(NOT_PAGES) == set()
    assert set(NOT_PAGES) <= pages  # no stale excuse
    for model in admin.site._registry:
        meta = model._meta
        assert f"admin:{meta.app_label}_{meta.model_name}_changelist" in routes
    assert {"admin:index", "admin:app_list", "404"} <= routes
