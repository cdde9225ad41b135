"""One login, every protocol; one logout, every system, on one instance: a CAS client, a SAML
service provider and an OpenID Connect relying party (tests/e2e/federation.py), signed in by one
login in Chromium at 360 px and signed out by one logout. The same journey through two
instances behind nginx is in test_several_instances.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlencode

import pytest

from tests.e2e.conftest import LiveServer
from tests.e2e.federation import (
    Systems,
    one_login_then_one_logout,
    sign_in_at_the_cas_client,
    systems_for,
)
from tests.e2e.oidc import new_account
from tests.e2e.people import sized_page

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def systems(live: LiveServer) -> Iterator[Systems]:
    with systems_for(live) as found:
        yield found


def test_one_login_signs_in_every_system_and_one_logout_signs_out_of_all(browser, systems):
    login, _ = new_account(systems.live)
    page = sized_page(browser, 360)
    one_login_then_one_logout(page, systems, login)
    page.context.close()


def test_signing_out_at_the_cas_client_ends_the_govid_session(browser, systems):
    live = systems.live
    login, _ = new_account(live)
    page = sized_page(browser, 360)
    sign_in_at_the_cas_client(page, systems, login)
    logout = f"{live.url}/cas/logout?{urlencode({'service': systems.cas.url + 'logged-out.html'})}"
    page.goto(logout)
    page.wait_for_url(systems.cas.url + "logged-out.html")
    page.goto(live.url + "/tai-khoan/")
    assert page.url.startswith(live.url + "/?next=")  # govid asks for a login again
    page.context.close()
