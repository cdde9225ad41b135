"""The demo relying party's registration: on the port it is served on, and no other."""

from __future__ import annotations

from oauth2_provider.models import Application

from govid.audit.models import Event
from govid.demo.client import CLIENT_ID, register_demo_client
from tests.sso.oidc import RelyingParty, callback, signed_in


def registered() -> tuple[list[str], list[str]]:
    application = Application.objects.get(client_id=CLIENT_ID)
    return application.redirect_uris.split(), application.post_logout_redirect_uris.split()


def test_the_demo_is_registered_with_the_port_it_is_served_on(db, settings):
    settings.GOVID_DEMO = {"port": "8123"}
    assert register_demo_client() is True
    assert registered() == (
        [
            "http://127.0.0.1:8123/demo/callback/",
            "http://localhost:8123/demo/callback/",
            "http://[::1]:8123/demo/callback/",
        ],
        ["http://127.0.0.1:8123/demo/", "http://localhost:8123/demo/", "http://[::1]:8123/demo/"],
    )


def test_another_port_moves_the_registration_and_the_audit_log_says_so(db, settings):
    settings.GOVID_DEMO = {"port": "8000"}
    register_demo_client()
    settings.GOVID_DEMO = {"port": "9000"}
    assert register_demo_client() is True
    assert registered()[0][0] == "http://127.0.0.1:9000/demo/callback/"
    changed = Event.objects.get(action="client_changed", subject=CLIENT_ID)
    assert changed.actor == "demo"
    assert "http://localhost:9000/demo/" in changed.data["post_logout_uris"]
    assert register_demo_client() is False  # the same port again: nothing to do


def test_the_demo_client_gets_no_other_port_than_its_own(account, settings):
    settings.GOVID_DEMO = {"port": "8000"}
    register_demo_client()
    browser = signed_in()
    demo = RelyingParty(CLIENT_ID, None, redirect_uri="http://127.0.0.1:8000/demo/callback/")
    for elsewhere in (
        "http://127.0.0.1:4444/demo/callback/",
        "http://localhost:4444/demo/callback/",
    ):
        refused = demo.authorize(browser, redirect_uri=elsewhere)
        assert refused.status_code == 400 and "Location" not in refused.headers
    assert "code" in callback(demo.authorize(browser))
