"""Security headers on every response, and the scheme a trusted proxy reports.

- Content-Security-Policy: scripts, styles, images, fonts, workers and requests from this
  site only, no inline script or style, no framing (``frame-ancestors 'none'``), no ``<base>``
  or plugins. ``form-action`` is left out on purpose: the login and consent forms end in a
  redirect to the relying party, and browsers apply ``form-action`` to that redirect.
- Permissions-Policy: no camera, microphone, location, payment, sensors or USB.
- Cookies get ``Secure`` whenever the request came over TLS (directly, or through a trusted
  proxy's ``X-Forwarded-Proto``), on top of the configured flags.

Django's SecurityMiddleware adds HSTS (TLS only), nosniff, Referrer-Policy and
Cross-Origin-Opener-Policy; XFrameOptionsMiddleware adds ``X-Frame-Options: DENY``.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from govid.networks import from_trusted_proxy, ops_settings

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "worker-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)


def policy_framing(origins: list[str]) -> str:
    """The policy for a page that frames these origins (govid's sign-out page opens each
    system's front-channel logout address in a hidden iframe)."""
    return (
        f"{CONTENT_SECURITY_POLICY}; frame-src {' '.join(origins)}"
        if origins
        else (CONTENT_SECURITY_POLICY)
    )


PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)
PROTO = "HTTP_X_FORWARDED_PROTO"


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Django reads the scheme from X-Forwarded-Proto (SECURE_PROXY_SSL_HEADER): only a
        # trusted proxy may say it, anyone else's is dropped before anything reads it.
        if PROTO in request.META and not from_trusted_proxy(request, ops_settings()):
            del request.META[PROTO]
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        # Also on pages made after XFrameOptionsMiddleware ran (the friendly 405 page).
        response.headers.setdefault("X-Frame-Options", "DENY")
        if request.is_secure():
            for morsel in response.cookies.values():
                morsel["secure"] = True
        return response
