"""The SAML 2.0 identity provider: metadata, Web SSO, single logout, the registered SPs."""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING

# pysaml2 7.5 names a cipher mode that the cryptography library moved (it never uses it for
# govid's signatures): its import-time notice would reach every command's error output.
warnings.filterwarnings("ignore", message="CFB has been moved", module="saml2")

if TYPE_CHECKING:
    from govid.sso.models import Visit


def _front_logout_url(visit: Visit) -> str | None:
    # pysaml2 (and its XML schemas) load on the first SAML sign-out, not at every start.
    from govid.sso.saml.logout import front_logout_url
    from govid.sso.saml.soap_logout import reaches_from_afar

    if reaches_from_afar(visit):  # told over SOAP: each SP is told once
        return None
    return front_logout_url(visit)


def _queue_soap_logout(visit: Visit) -> None:
    from govid.sso.saml.soap_logout import queue_soap_logout

    queue_soap_logout(visit)


def _reaches_from_afar(visit: Visit) -> bool:
    from govid.sso.saml.soap_logout import reaches_from_afar

    return reaches_from_afar(visit)


def register_logout() -> None:
    """govid's sign-out (and a password reset, a lock...) reaches the SAML SPs this way: over
    SOAP from the worker for the SPs that take it, else through the browser's sign-out page."""
    from govid.sso import signins

    signins.register_logout(
        "saml", back=_queue_soap_logout, front=_front_logout_url, afar=_reaches_from_afar
    )
