"""govid's sign-out page: it ends the sign-in, then frames each system's front-channel logout
address (hidden) before going on; with nothing to frame it simply redirects."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from govid.sso import signins
from govid.sso.models import Visit
from govid.web.api import policy_framing

# Seconds the page stays for the frames to load before it goes on (a meta refresh: no script).
FRAME_WAIT = 2


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def signed_out(
    request: HttpRequest,
    visits: list[Visit],
    next_url: str,
    *,
    plain: HttpResponse | None = None,
) -> HttpResponse:
    """Where the browser goes after a sign-out: through the front-channel page if any system
    asked for it, else straight on (``plain``, or a redirect to ``next_url``)."""
    urls = signins.front_channel_urls(visits)
    if not urls:
        return plain if plain is not None else redirect(next_url)
    response = render(
        request,
        "sso/signed_out.html",
        {"frames": urls, "next": next_url, "wait": FRAME_WAIT},
    )
    origins = sorted({_origin(url) for url in urls})
    response["Content-Security-Policy"] = policy_framing(origins)
    response["Cache-Control"] = "no-store"
    return response
