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

    return front_logout_url(visit)


def register_logout() -> None:
    """govid's sign-out (and a password reset, a lock...) reaches the SAML SPs this way."""
    from govid.sso import signins

    signins.register_logout("saml", front=_front_logout_url)
