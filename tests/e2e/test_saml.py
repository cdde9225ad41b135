"""A real SAML service provider (Apache with mod_auth_mellon) signs a person in through govid,
in Chromium at 360 px, and its single logout ends govid's session."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import requests

from tests.e2e.oidc import PASSWORD, new_account
from tests.servers.apache_mellon import ApacheMellon, apache_mellon

pytestmark = [pytest.mark.e2e, pytest.mark.once]


@pytest.fixture(scope="module")
def mellon(live) -> Iterator[ApacheMellon]:
    """mod_auth_mellon trusting govid's metadata, registered with ``add-saml-sp``."""
    # The first SAML request loads pysaml2 and its XML schemas in the server: give it time.
    idp_metadata = requests.get(f"{live.url}/saml/metadata/", timeout=90).text
    with apache_mellon(idp_metadata) as sp:
        added = json.loads(
            live.manage("sso", "add-saml-sp", "--metadata", str(sp.metadata), "--name", "Một cửa")
        )
        assert added["entity_id"] == sp.entity_id
        yield sp
        live.manage("sso", "remove-saml-sp", sp.entity_id)


def arrive(page, url: str, sp: ApacheMellon) -> None:
    """Wait for ``url``; if the journey stops elsewhere, say where and what the SP logged."""
    try:
        page.wait_for_url(url, timeout=30_000)
    except Exception as error:
        raise AssertionError(
            f"stopped at {page.url}:\n{page.inner_text('body')[:2000]}\n{sp.error_log()[-3000:]}"
        ) from error


def test_mellon_signs_in_through_govid_and_its_logout_ends_govids_session(phone_page, live, mellon):
    login, _phone = new_account(live)
    page = phone_page
    page.goto(mellon.secret_url)
    assert page.url.startswith(f"{live.url}/?next=")  # govid's login page, then back
    page.get_by_label("Tên tài khoản").fill(login.split("@")[0])
    page.get_by_label("Mật khẩu", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    arrive(page, mellon.secret_url, mellon)
    text = page.inner_text("body")
    assert f"MELLON_mail={login}" in text, mellon.error_log()
    number = login.split("@")[0].removeprefix("oidc.user").lstrip("0")
    assert f"MELLON_displayName=Trần Văn Một {number}" in text
    assert "MELLON_ou=" in text
    assert "MELLON_NAME_ID=_" in text  # mellon asks a transient NameID

    page.goto(f"{live.url}/tai-khoan/")
    assert page.url.startswith(f"{live.url}/tai-khoan/")  # signed in at govid too

    page.goto(mellon.logout_url)  # mellon -> govid (LogoutRequest) -> mellon (LogoutResponse)
    arrive(page, mellon.url + "logged-out.html", mellon)
    assert "Signed out of the SAML SP" in page.inner_text("body")
    page.goto(f"{live.url}/tai-khoan/")
    assert page.url.startswith(f"{live.url}/?next=")  # govid's session ended with it
    page.goto(mellon.secret_url)
    assert page.url.startswith(f"{live.url}/?next=")  # and mellon asks govid again
