"""OpenID Connect logout that reaches the relying parties: the sid in the ID token, the signed
logout token a relying party verifies (Back-Channel Logout 1.0), the frames of the sign-out page
(Front-Channel Logout 1.0), and the retries when a client is down."""

from __future__ import annotations

import json
from collections.abc import Iterator
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, override_settings
from django_tasks import default_task_backend
from jwcrypto import jwt

from govid import clock
from govid.directory.api import get_directory, set_locked
from govid.sso import signins
from govid.sso.clients import add_client, describe
from govid.sso.models import SignIn, Visit
from govid.sso.oidc_logout import deliver_backchannel
from tests.servers.relying_party import RelyingPartyServer, verify_logout_token
from tests.sso.oidc import REDIRECT_URI, RelyingParty, signed_in

ISSUER = "http://testserver"
LOGIN = "an.nguyen@soctrang.gov.vn"


def _jwks() -> str:
    return str(Client().get("/oidc/jwks/").content.decode())


@pytest.fixture
def party_server() -> Iterator[RelyingPartyServer]:
    server = RelyingPartyServer(jwks=_jwks, issuer=ISSUER).start()
    yield server
    server.stop()


def _register(
    server: RelyingPartyServer, *, back: str = "/backchannel", front: str = ""
) -> RelyingParty:
    application, secret = add_client(
        "Hệ thống một cửa",
        redirect_uris=[REDIRECT_URI],
        trusted=True,
        backchannel_logout_uri=server.url + back if back else "",
        frontchannel_logout_uri=server.url + front if front else "",
        actor="test",
    )
    server.client_id = application.client_id
    return RelyingParty(application.client_id, secret)


def _id_token(party: RelyingParty, browser: Client) -> dict[str, object]:
    answer = party.token(party.code(browser))
    assert answer.status_code == 200, answer.content
    claims: dict[str, object] = json.loads(
        jwt.JWT(jwt=answer.json()["id_token"]).token.objects["payload"]
    )
    return claims


@pytest.mark.django_db
def test_discovery_advertises_back_and_front_channel_logout_with_sessions():
    data = Client().get("/.well-known/openid-configuration").json()
    assert data["backchannel_logout_supported"] is True
    assert data["backchannel_logout_session_supported"] is True
    assert data["frontchannel_logout_supported"] is True
    assert data["frontchannel_logout_session_supported"] is True


@pytest.mark.django_db(transaction=True)
def test_the_id_token_carries_the_sign_ins_sid_and_the_visit_is_listed(account, party_server):
    party = _register(party_server)
    browser = signed_in()
    claims = _id_token(party, browser)
    assert claims["sid"] == browser.session[signins.SID]
    [visit] = Visit.objects.filter(protocol="oidc")
    assert visit.party == party.client_id
    assert visit.party_name == "Hệ thống một cửa"
    assert visit.subject == claims["sub"]


@pytest.mark.django_db(transaction=True)
def test_a_refreshed_id_token_keeps_the_sid(account, party_server):
    party = _register(party_server)
    browser = signed_in()
    first = party.token(party.code(browser)).json()
    refresh = first["refresh_token"]
    refreshed = party.token(
        refresh, grant_type="refresh_token", refresh_token=refresh, redirect_uri=None,
        code_verifier=None,
    )  # fmt: skip
    assert refreshed.status_code == 200, refreshed.content
    claims = json.loads(jwt.JWT(jwt=refreshed.json()["id_token"]).token.objects["payload"])
    assert claims["sid"] == browser.session[signins.SID]


@pytest.mark.django_db(transaction=True)
def test_signing_out_of_govid_sends_a_logout_token_the_client_verifies(account, party_server):
    party = _register(party_server)
    browser = signed_in()
    id_claims = _id_token(party, browser)
    response = browser.post("/dang-xuat/")
    assert response.status_code == 302
    assert party_server.refused == []
    [claims] = party_server.logged_out
    assert claims["sid"] == id_claims["sid"]
    assert claims["sub"] == id_claims["sub"]
    assert claims["aud"] == party.client_id
    assert claims["iss"] == ISSUER
    assert claims["exp"] > claims["iat"]
    assert "nonce" not in claims
    assert browser.get("/tai-khoan/").status_code == 302  # signed out of govid too


@pytest.mark.django_db(transaction=True)
def test_a_lock_reaches_the_client_too(account, party_server):
    party = _register(party_server)
    _id_token(party, signed_in())
    set_locked(get_directory().find(LOGIN), True, actor="test")
    assert len(party_server.logged_out) == 1


@pytest.mark.django_db(transaction=True)
def test_a_client_verifies_and_refuses_a_token_signed_with_another_key(account, party_server):
    from jwcrypto import jwk

    party = _register(party_server)
    browser = signed_in()
    _id_token(party, browser)
    visit = Visit.objects.select_related("sign_in").get(protocol="oidc")
    from govid.sso.oidc_logout import logout_token

    token = logout_token(visit, jti="j-1")
    claims = verify_logout_token(token, jwks=_jwks(), issuer=ISSUER, client_id=party.client_id)
    assert claims["jti"] == "j-1"
    other = jwk.JWK.generate(kty="RSA", size=2048)
    forged = jwt.JWT(header={"alg": "RS256", "kid": "x"}, claims=claims)
    forged.make_signed_token(other)
    with pytest.raises(ValueError, match="signature"):
        verify_logout_token(
            forged.serialize(), jwks=_jwks(), issuer=ISSUER, client_id=party.client_id
        )
    with pytest.raises(ValueError, match="aud"):
        verify_logout_token(token, jwks=_jwks(), issuer=ISSUER, client_id="another")


@pytest.mark.django_db(transaction=True)
def test_a_client_that_is_down_is_tried_again_later(account, party_server):
    party = _register(party_server, back="/down")
    browser = signed_in()
    _id_token(party, browser)
    visit = Visit.objects.get(protocol="oidc")
    dummy = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with override_settings(TASKS=dummy):
        assert deliver_backchannel(visit.pk, jti="j-2", attempt=1) == "retry"
        [queued] = default_task_backend.results
        assert queued.args == [visit.pk, "j-2", 2]
        assert queued.task.run_after > clock.now()
        assert deliver_backchannel(visit.pk, jti="j-2", attempt=5) == "failed"
        assert len(default_task_backend.results) == 1


@pytest.mark.django_db(transaction=True)
def test_the_sign_out_page_frames_each_front_channel_client_then_goes_on(account, party_server):
    party = _register(party_server, back="", front="/frontchannel")
    browser = signed_in()
    sid = browser.session[signins.SID]
    _id_token(party, browser)
    response = browser.post("/dang-xuat/")
    assert response.status_code == 200
    page = response.content.decode()
    assert (
        f'src="{party_server.url}/frontchannel?iss=http%3A%2F%2Ftestserver&amp;sid={sid}"' in page
    )
    assert 'http-equiv="refresh" content="2;url=/"' in page
    assert f"frame-src {party_server.url}" in response["Content-Security-Policy"]
    assert party_server.logged_out == []  # it asked for no back-channel
    assert SignIn.objects.get(sid=sid).ended_at is not None


@pytest.mark.django_db(transaction=True)
def test_rp_initiated_logout_ends_the_sign_in_and_reaches_the_other_clients(account, party_server):
    other = _register(party_server)
    application, secret = add_client(
        "Hệ thống văn bản",
        redirect_uris=[REDIRECT_URI],
        post_logout_uris=["https://vanban.soctrang.gov.vn/"],
        trusted=True,
        actor="test",
    )
    initiator = RelyingParty(application.client_id, secret)
    browser = signed_in()
    _id_token(other, browser)
    hint = initiator.token(initiator.code(browser)).json()["id_token"]
    response = browser.get(
        "/oidc/logout/",
        {"id_token_hint": hint, "post_logout_redirect_uri": "https://vanban.soctrang.gov.vn/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "https://vanban.soctrang.gov.vn/"
    assert len(party_server.logged_out) == 1
    assert signins.live_of(LOGIN) == []


@pytest.mark.django_db
def test_add_client_takes_the_logout_uris_and_refuses_a_fragment():
    out = StringIO()
    call_command(
        "sso", "add-client", "Hệ thống nhân sự",
        "--redirect-uri", "https://nhansu.soctrang.gov.vn/cb",
        "--backchannel-logout-uri", "https://nhansu.soctrang.gov.vn/logout/back",
        "--frontchannel-logout-uri", "https://nhansu.soctrang.gov.vn/logout/front",
        stdout=out,
    )  # fmt: skip
    client_id = json.loads(out.getvalue())["client_id"]
    from oauth2_provider.models import Application

    described = describe(Application.objects.get(client_id=client_id))
    assert described["backchannel_logout_uri"] == "https://nhansu.soctrang.gov.vn/logout/back"
    assert described["frontchannel_logout_uri"] == "https://nhansu.soctrang.gov.vn/logout/front"
    with pytest.raises(CommandError, match="back-channel logout uri"):
        call_command(
            "sso", "add-client", "X", "--redirect-uri", "https://x.soctrang.gov.vn/cb",
            "--backchannel-logout-uri", "https://x.soctrang.gov.vn/logout#frag",
            stdout=StringIO(),
        )  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_a_client_with_front_channel_logout_alone_is_named_browser_only(account, party_server):
    front_only = _register(party_server, back="", front="/frontchannel")
    browser = signed_in()
    _id_token(front_only, browser)
    back = _register(party_server)
    _id_token(back, browser)
    visits = list(SignIn.objects.get(sid=browser.session[signins.SID]).visits.all())
    assert [v.party for v in signins.browser_only(visits)] == [front_only.client_id]
    page = browser.get("/tai-khoan/").content.decode()
    assert "Hệ thống một cửa" in page
