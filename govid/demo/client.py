"""The demo's own registration as a client: public (PKCE, no secret), trusted, loopback only.

Loopback redirect addresses match any port (RFC 8252), so the demo works on any PORT.
"""

from __future__ import annotations

from oauth2_provider.models import Application

from govid.sso.clients import add_client

CLIENT_ID = "hop-thu-cong-vu-demo"
NAME = "Hộp thư công vụ (demo)"
HOSTS = ("127.0.0.1", "localhost", "[::1]")


def register_demo_client() -> bool:
    """Register the demo relying party unless it is there; whether it was added."""
    if Application.objects.filter(client_id=CLIENT_ID).exists():
        return False
    add_client(
        NAME,
        client_id=CLIENT_ID,
        redirect_uris=[f"http://{host}/demo/callback/" for host in HOSTS],
        post_logout_uris=[f"http://{host}/demo/" for host in HOSTS],
        public=True,
        trusted=True,
        actor="demo",
    )
    return True
