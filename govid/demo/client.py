"""The demo's own registration as a client: public (PKCE, no secret), trusted, loopback only.

Its addresses carry the port the demo is served on (PORT): no client gets RFC 8252's
any-port loopback redirects, so each `manage.py demo` moves the registration to this run's
port if it changed.
"""

from __future__ import annotations

from django.db import transaction
from oauth2_provider.models import Application

from govid.audit.api import record
from govid.demo.conf import demo_settings
from govid.sso.api import add_client, describe

CLIENT_ID = "hop-thu-cong-vu-demo"
NAME = "Hộp thư công vụ (demo)"
HOSTS = ("127.0.0.1", "localhost", "[::1]")


def demo_addresses(port: int) -> tuple[list[str], list[str]]:
    """The demo's redirect and post-logout addresses when it is served on ``port``."""
    return (
        [f"http://{host}:{port}/demo/callback/" for host in HOSTS],
        [f"http://{host}:{port}/demo/" for host in HOSTS],
    )


def register_demo_client() -> bool:
    """Register the demo relying party on this run's port; whether anything changed."""
    redirects, logouts = demo_addresses(demo_settings().port)
    application = Application.objects.filter(client_id=CLIENT_ID).first()
    if application is None:
        add_client(
            NAME,
            client_id=CLIENT_ID,
            redirect_uris=redirects,
            post_logout_uris=logouts,
            public=True,
            trusted=True,
            actor="demo",
        )
        return True
    if (application.redirect_uris.split(), application.post_logout_redirect_uris.split()) == (
        redirects,
        logouts,
    ):
        return False
    with transaction.atomic():
        application.redirect_uris = " ".join(redirects)
        application.post_logout_redirect_uris = " ".join(logouts)
        application.save(update_fields=["redirect_uris", "post_logout_redirect_uris"])
        record("client_changed", actor="demo", subject=CLIENT_ID, **describe(application))
    return True
