"""What relying parties learn: email_verified only for the province's own mailboxes."""

from __future__ import annotations

import base64
import json

from django.test import Client

from govid.directory.models import StoredAccount, Unit
from govid.sso.claims import user_claims
from govid.sso.models import User
from tests.sso.oidc import register


def payload(jwt: str) -> dict[str, object]:
    body = jwt.split(".")[1]
    decoded: dict[str, object] = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    return decoded


def test_email_is_verified_only_for_an_address_of_the_configured_domains(db, settings):
    settings.GOVID_DIRECTORY = {"mail_domains": ("soctrang.gov.vn", "cantho.gov.vn")}
    verified = {
        login: user_claims(User(login=login), trusted=True)["email_verified"]
        for login in (
            "an.nguyen@soctrang.gov.vn",
            "an.nguyen@cantho.gov.vn",
            "an.nguyen@gmail.com",
            "an.nguyen@soctrang.gov.vn.",
            "an.nguyen@sub.soctrang.gov.vn",
        )
    }
    assert verified == {
        "an.nguyen@soctrang.gov.vn": True,
        "an.nguyen@cantho.gov.vn": True,
        "an.nguyen@gmail.com": False,
        "an.nguyen@soctrang.gov.vn.": False,
        "an.nguyen@sub.soctrang.gov.vn": False,
    }


def test_an_account_whose_mail_is_elsewhere_gets_tokens_saying_it_is_not_verified(units):
    # As an LDAP entry found by its uid whose mail attribute is another domain's.
    StoredAccount.objects.create(
        login="an.nguyen@gmail.com", name="Nguyễn Văn An", unit=Unit.objects.get(code="MYTU-VHTT")
    )
    browser = Client()
    browser.force_login(User.objects.create_user("an.nguyen@gmail.com", name="Nguyễn Văn An"))
    rp = register()
    tokens = rp.token(rp.code(browser)).json()
    claims = payload(tokens["id_token"])
    assert claims["email"] == "an.nguyen@gmail.com" and claims["email_verified"] is False
    info = Client().get("/oidc/userinfo/", HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}")
    assert info.json()["email_verified"] is False
