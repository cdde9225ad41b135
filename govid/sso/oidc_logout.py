"""OpenID Connect logout that reaches the relying parties.

- Back-Channel Logout 1.0: when a sign-in ends, each client it reached that registered a
  ``backchannel_logout_uri`` gets a logout token (a JWT signed with the ID tokens' key, so the
  client verifies it against the JWKS it already reads) POSTed as ``logout_token=`` by a
  background task, retried with a doubling wait.
- Front-Channel Logout 1.0: govid's sign-out page opens each ``frontchannel_logout_uri`` with
  ``iss`` and ``sid`` in a hidden iframe.

The ``sid`` in both is the sign-in's public id, the same the ID token carried.
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from datetime import timedelta

from django.db import transaction
from django_tasks import task, task_backends
from jwcrypto import jwt
from oauth2_provider.models import Application
from oauth2_provider.settings import oauth2_settings
from oauth2_provider.utils import jwk_from_pem
from oauthlib.common import add_params_to_uri

from govid import clock
from govid.sso import signins
from govid.sso.conf import sso_settings
from govid.sso.logout_posts import post_form, retry_wait
from govid.sso.models import RelyingParty, SignIn, TokenSignIn, Visit

log = logging.getLogger("govid.sso")

BACKCHANNEL_EVENT = "http://schemas.openid.net/event/backchannel-logout"
PROTOCOL = "oidc"


# --- the sid of the ID tokens -------------------------------------------------------------


def _code_key(code: str) -> str:
    return "code:" + hashlib.sha256(code.encode()).hexdigest()


def remember_code_sid(code: str, sid: str | None) -> None:
    """The sign-in behind an authorization code just issued (only a hash of the code is kept)."""
    if not sid:
        return
    now = clock.now()
    # Codes live a minute; a row a day old is of no use to anyone.
    TokenSignIn.objects.filter(
        key__startswith="code:", created_at__lt=now - timedelta(days=1)
    ).delete()
    TokenSignIn.objects.update_or_create(
        key=_code_key(code), defaults={"sid": sid, "created_at": now}
    )


def sid_of_code(code: str) -> str | None:
    return TokenSignIn.objects.filter(key=_code_key(code)).values_list("sid", flat=True).first()


def remember_family_sid(family: uuid.UUID | None, sid: str | None) -> None:
    """Refresh tokens of this family give ID tokens for the same sign-in (at the exchange of
    the code, and again at each refresh)."""
    if family is None or not sid:
        return
    now = clock.now()
    conf = sso_settings()
    # A family unused for longer than its refresh tokens live is dead (each use renews this).
    stale = now - conf.refresh_token_ttl - conf.access_token_ttl - timedelta(days=1)
    TokenSignIn.objects.filter(key__startswith="family:", created_at__lt=stale).delete()
    TokenSignIn.objects.update_or_create(
        key=f"family:{family}", defaults={"sid": sid, "created_at": now}
    )


def sid_of_family(family: uuid.UUID | None) -> str | None:
    if family is None:
        return None
    found = TokenSignIn.objects.filter(key=f"family:{family}").values_list("sid", flat=True)
    return found.first()


def record_code_issued(
    sign_in_sid: str | None, *, application: Application, subject: str, issuer: str
) -> None:
    """A code went to ``application`` for this sign-in: the sign-in reached that system."""
    sign_in = SignIn.objects.filter(sid=sign_in_sid or "", ended_at__isnull=True).first()
    if sign_in is None:
        return
    signins.record_visit_of(
        sign_in,
        protocol=PROTOCOL,
        party=application.client_id,
        party_name=application.name,
        subject=subject,
        detail={"iss": issuer},
    )


# --- back-channel ---------------------------------------------------------------------------


def _party_of(client_id: str) -> RelyingParty | None:
    return RelyingParty.objects.filter(application__client_id=client_id).first()


def logout_token(visit: Visit, *, jti: str) -> str:
    """The signed logout token for one visit (Back-Channel Logout 1.0, 2.4): never a nonce."""
    now = int(clock.now().timestamp())
    claims = {
        "iss": visit.detail.get("iss", ""),
        "sub": visit.subject,
        "aud": visit.party,
        "iat": now,
        "exp": now + int(sso_settings().logout_token_ttl.total_seconds()),
        "jti": jti,
        "events": {BACKCHANNEL_EVENT: {}},
        "sid": visit.sign_in.sid,
    }
    key = jwk_from_pem(oauth2_settings.OIDC_RSA_PRIVATE_KEY)
    header = {"typ": "logout+jwt", "alg": "RS256", "kid": key.thumbprint()}
    token = jwt.JWT(header=json.dumps(header), claims=json.dumps(claims))
    token.make_signed_token(key)
    return str(token.serialize())


def queue_backchannel(visit: Visit) -> None:
    """The back-channel sender: a task for each client that registered a back-channel URI."""
    party = _party_of(visit.party)
    if party is None or not party.backchannel_logout_uri:
        return
    send_backchannel_logout.enqueue(visit.pk, str(uuid.uuid4()), 1)


@task()
def send_backchannel_logout(visit_id: int, jti: str, attempt: int) -> str:
    """The background task: one delivery attempt of one logout token."""
    return deliver_backchannel(visit_id, jti=jti, attempt=attempt)


def deliver_backchannel(visit_id: int, *, jti: str, attempt: int) -> str:
    """POST the logout token; "sent", "retry" (queued again, later) or "failed"."""
    visit = Visit.objects.select_related("sign_in").filter(pk=visit_id).first()
    party = _party_of(visit.party) if visit is not None else None
    if visit is None or party is None or not party.backchannel_logout_uri:
        return "gone"
    token = logout_token(visit, jti=jti)
    status, why = post_form(party.backchannel_logout_uri, {"logout_token": token})
    if status in (200, 204):
        log.info("back-channel logout sent to %s", visit.party)
        return "sent"
    wait = retry_wait(attempt)
    if wait is None or status == 400:  # 400: the client read the token and refused it
        log.warning("back-channel logout to %s failed: %s", visit.party, why)
        return "failed"
    log.info("back-channel logout to %s: %s; try %d in %s", visit.party, why, attempt + 1, wait)
    if task_backends[send_backchannel_logout.backend].supports_defer:
        later = send_backchannel_logout.using(run_after=clock.now() + wait)
        transaction.on_commit(lambda: later.enqueue(visit_id, jti, attempt + 1))
    return "retry"


# --- front-channel --------------------------------------------------------------------------


def frontchannel_url(visit: Visit) -> str | None:
    """The URL the sign-out page frames for this visit, with ``iss`` and ``sid``; or None."""
    party = _party_of(visit.party)
    if party is None or not party.frontchannel_logout_uri:
        return None
    params = [("iss", visit.detail.get("iss", "")), ("sid", visit.sign_in.sid)]
    return str(add_params_to_uri(party.frontchannel_logout_uri, params))


def reaches_from_afar(visit: Visit) -> bool:
    """A relying party is told without the person's browser only by back-channel logout; one
    with front-channel logout alone is signed out only by the browser that entered it."""
    party = _party_of(visit.party)
    return party is not None and bool(party.backchannel_logout_uri)


signins.register_logout(
    PROTOCOL, back=queue_backchannel, front=frontchannel_url, afar=reaches_from_afar
)
