"""One login, every protocol; one logout, every system: the journey and the systems it
reaches, for one instance (test_federation.py) and for several behind nginx
(test_several_instances.py).

A CAS client (Debian's Apache with mod_auth_cas), a SAML service provider (Apache with
mod_auth_mellon) and an OpenID Connect relying party (it verifies the back-channel logout token
against govid's JWKS), started on 127.0.0.1 and stopped by PID. ``Systems`` gathers them so
that another protocol's system joins the same journey.
"""

from __future__ import annotations

import base64
import json
import secrets
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlencode, urlsplit

import requests
from playwright.sync_api import Page

from tests.e2e.conftest import LiveServer
from tests.e2e.oidc import PASSWORD
from tests.servers.apache_cas import ApacheCas, apache_cas
from tests.servers.apache_mellon import ApacheMellon, apache_mellon
from tests.servers.relying_party import RelyingPartyServer


@dataclass
class OidcClient:
    """A relying party of govid: its logout endpoints on loopback, its registration."""

    server: RelyingPartyServer
    client_id: str
    secret: str

    @property
    def redirect_uri(self) -> str:
        return self.server.url + "/callback"

    def authorize_url(self, live: LiveServer) -> str:
        query = {
            "response_type": "code",
            "client_id": self.client_id,
            "redirect_uri": self.redirect_uri,
            "scope": "openid profile email",
            "state": secrets.token_urlsafe(8),
            "nonce": secrets.token_urlsafe(8),
        }
        return f"{live.url}/oidc/authorize/?{urlencode(query)}"

    def redeem(self, live: LiveServer, callback_url: str) -> dict[str, object]:
        """The code the browser brought back, exchanged: the ID token's claims."""
        [code] = parse_qs(urlsplit(callback_url).query)["code"]
        answer = requests.post(
            live.url + "/oidc/token/",
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": self.redirect_uri,
            },
            auth=(self.client_id, self.secret),
            timeout=10,
        )
        answer.raise_for_status()
        payload = answer.json()["id_token"].split(".")[1]
        claims: dict[str, object] = json.loads(
            base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        )
        return claims


@dataclass
class Systems:
    live: LiveServer
    cas: ApacheCas
    oidc: OidcClient
    saml: ApacheMellon
    # Each protocol's check that its system was signed out (another protocol adds its own).
    signed_out_checks: list[Callable[[Page], None]] = field(default_factory=list)


def _fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as answer:  # noqa: S310  (loopback)
        return str(answer.read().decode())


@contextmanager
def systems_for(live: LiveServer) -> Iterator[Systems]:
    """The three systems, registered at ``live`` (one instance, or the address in front of
    several: its ``manage`` runs on one of them, the registrations are the database's)."""
    # The first request to a fresh server loads the protocols' libraries: not in a page's time.
    urllib.request.urlopen(live.url + "/cas/login", timeout=60).close()  # noqa: S310
    idp_metadata = requests.get(live.url + "/saml/metadata/", timeout=90).text
    with apache_cas(live.url + "/cas") as cas, apache_mellon(idp_metadata) as saml:
        live.manage(
            "sso",
            "add-saml-sp",
            "--metadata",
            str(saml.metadata),
            "--name",
            "Văn phòng điện tử (SAML)",
        )
        live.manage(
            "sso", "add-cas-service", "Một cửa (CAS)", "--service-url", cas.url, "--single-logout"
        )
        server = RelyingPartyServer(
            jwks=lambda: _fetch(live.url + "/oidc/jwks/"), issuer=live.url
        ).start()
        try:
            registered = json.loads(
                live.manage(
                    "sso", "add-client", "Hệ thống nhân sự",
                    "--redirect-uri", server.url + "/callback",
                    "--backchannel-logout-uri", server.url + "/backchannel",
                    "--trusted",
                )
            )  # fmt: skip
            server.client_id = registered["client_id"]
            oidc = OidcClient(server, registered["client_id"], registered["client_secret"])
            yield Systems(live=live, cas=cas, oidc=oidc, saml=saml)
        finally:
            server.stop()
            live.manage("sso", "remove-cas-service", "Một cửa (CAS)")
            live.manage("sso", "remove-saml-sp", saml.entity_id)


def _wait(check: Callable[[], bool], what: str, timeout: float = 15.0) -> None:
    end = time.monotonic() + timeout
    while not check():
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def sign_in_at_the_cas_client(page: Page, systems: Systems, login: str) -> str:
    """Open the protected page: govid's login, then the page as mod_auth_cas shows it."""
    page.goto(systems.cas.secret_url)
    page.get_by_label("Tên tài khoản").fill(login)
    page.get_by_label("Mật khẩu", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(systems.cas.secret_url)
    return str(page.locator("body").inner_text())


def _no_route(page: Page, step: str) -> None:
    """One instance: every step goes to it."""


def one_login_then_one_logout(
    page: Page, systems: Systems, login: str, *, route: Callable[[Page, str], None] = _no_route
) -> None:
    """The journey: one login signs in the CAS client, the SAML SP and the OIDC RP; one logout
    at govid signs all three out (the RP verifies the back-channel logout token).

    ``route(page, step)`` is called before each step ("cas", "saml", "oidc", "account", "logout",
    "after"): where several instances stand behind one address, it says which one serves it.
    """
    live = systems.live
    name = login.split("@")[0].replace("oidc.user", "Trần Văn Một ")

    route(page, "cas")
    shown = sign_in_at_the_cas_client(page, systems, login)
    assert f"REMOTE_USER={login}" in shown
    assert f"CAS_MAIL={login}" in shown
    assert f"CAS_DISPLAYNAME={name}" in shown  # the Vietnamese name, diacritics intact

    # The same browser at the SAML service provider (mod_auth_mellon): no second login.
    route(page, "saml")
    page.goto(systems.saml.secret_url)
    page.wait_for_url(systems.saml.secret_url)
    shown = page.locator("body").inner_text()
    assert f"MELLON_mail={login}" in shown
    assert f"MELLON_displayName={name}" in shown

    # The same browser at the relying party: no second login.
    route(page, "oidc")
    page.goto(systems.oidc.authorize_url(live))
    page.wait_for_url(systems.oidc.redirect_uri + "*")
    claims = systems.oidc.redeem(live, page.url)
    assert claims["sid"]

    # The account page lists the systems this sign-in reached, then its logout.
    route(page, "account")
    page.goto(live.url + "/tai-khoan/")
    systems_text = page.locator("body").inner_text()
    assert "Một cửa (CAS)" in systems_text and "Hệ thống nhân sự" in systems_text
    assert "Văn phòng điện tử (SAML)" in systems_text
    route(page, "logout")
    page.locator("form.logout").get_by_role("button", name="Đăng xuất").click()
    page.wait_for_load_state()

    _wait(
        lambda: any(c["sid"] == claims["sid"] for c in systems.oidc.server.logged_out),
        "the back-channel logout token",
    )
    assert systems.oidc.server.refused == []
    [token] = [c for c in systems.oidc.server.logged_out if c["sid"] == claims["sid"]]
    assert token["sub"] == claims["sub"] and "nonce" not in token

    # mod_auth_cas got the single logout: its page asks govid again, which asks for a login.
    route(page, "after")
    page.goto(systems.cas.secret_url)
    page.wait_for_load_state()
    assert page.url.startswith(live.url + "/?next=")
    # mod_auth_mellon got govid's LogoutRequest (the sign-out page's frame): it asks govid again.
    page.goto(systems.saml.secret_url)
    page.wait_for_load_state()
    assert page.url.startswith(live.url + "/?next=")
    for check in systems.signed_out_checks:
        check(page)
