"""Second-factor settings (GOVID_FACTORS_*): who must have one, the grace period, re-checks.

Durations are seconds in the environment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from govid.conf import settings_block

EVERY_ROLE = "*"


@dataclass(frozen=True)
class FactorSettings:
    # Back-office roles whose holders must have a second factor ("*": every role; empty: none).
    required_roles: tuple[str, ...] = (EVERY_ROLE,)
    # The administration (/quan-tri/): staff and superusers must have one.
    required_for_admin: bool = True
    # From the first sign-in at which a person must have a factor and has none: until then the
    # enrolment page may be put off; after it, the back office and /quan-tri/ refuse them.
    grace_period: timedelta = timedelta(days=7)
    # Sensitive actions (granting a role, applying a phone change, removing a factor) ask for
    # a code again when the last check is older than this.
    recent_check: timedelta = timedelta(minutes=10)
    # Between the right password and the second step: after this, the password again.
    pending_ttl: timedelta = timedelta(minutes=5)
    # The name an authenticator app shows beside the account.
    issuer_name: str = "govid"
    recovery_codes: int = 10
    # OpenID Connect: the ``acr`` of a password-only sign-in and of one with a second factor
    # (a client asks for the latter with acr_values), and the clients that always need it.
    acr_one_factor: str = "urn:govid:acr:one-factor"
    acr_second_factor: str = "urn:govid:acr:second-factor"
    clients_requiring: tuple[str, ...] = ()
    # WebAuthn: the relying party id (a registrable domain of the site, e.g. soctrang.gov.vn;
    # empty: the host each request names) and the origins allowed (empty: the request's own).
    webauthn_rp_id: str = ""
    webauthn_origins: tuple[str, ...] = ()


def factor_settings() -> FactorSettings:
    return settings_block(FactorSettings, "GOVID_FACTORS")
