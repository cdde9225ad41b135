"""A system check that every instance of one deployment signs with the same keys.

Several instances share one database and one cache, but each reads its keys from its own
machine: the secret key (sessions, the TOTP secrets' encryption, every keyed hash), the ID
token signing keys (``var/oidc-keys/``) and the SAML identity provider's certificate. An
instance started with keys of its own would sign ID tokens that the JWKS served by another
instance does not list, and SAML assertions that the SPs refuse, and would fail on every TOTP
secret sealed elsewhere: a fault that shows only on the requests it happens to serve.

So the first instance to be checked (``govid migrate``, ``govid check --database default``)
publishes the fingerprints of its keys in the shared cache, under a name of the shared
database; every later one compares. Only fingerprints go there: a key's public part hashed,
or for the secret key an HMAC under it. A rotation done the documented way passes: the
secret key's fallbacks and the retired ID token keys still match what was published, and the
newcomer's current keys are published in turn.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.core.cache import BaseCache, caches
from django.core.checks import CheckMessage, Error, Tags, register
from django.db import DatabaseError, connections
from redis.exceptions import RedisError

from govid.keyed import keyed_hash, secret_keys
from govid.sso.saml.keys import idp_key_files

_PURPOSE = "govid.sso.key_check"
# Per-process caches: nothing another instance could see.
_PRIVATE_CACHES = ("LocMemCache", "DummyCache")


@dataclass(frozen=True)
class KeyPrints:
    """Each key's fingerprint now in use, and those it still accepts (a rotation's old ones)."""

    secret: str
    oidc: str
    saml: str
    secret_accepted: tuple[str, ...] = ()
    oidc_accepted: tuple[str, ...] = ()

    def published(self) -> dict[str, str]:
        return {"secret": self.secret, "oidc": self.oidc, "saml": self.saml}


def _public_print(private_pem: str) -> str:
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    der = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return hashlib.sha256(der).hexdigest()


def this_instance() -> KeyPrints:
    """The fingerprints of the keys this process signs with (the SAML ones made if missing,
    as the first SAML request would make them)."""
    secrets = [keyed_hash(_PURPOSE, "secret-key", secret=key).hex() for key in secret_keys()]
    oidc = settings.OAUTH2_PROVIDER
    retired = [_public_print(pem) for pem in oidc.get("OIDC_RSA_PRIVATE_KEYS_INACTIVE", [])]
    cert = idp_key_files(settings.VAR_DIR).cert.read_bytes()
    return KeyPrints(
        secret=secrets[0],
        oidc=_public_print(oidc["OIDC_RSA_PRIVATE_KEY"]),
        saml=hashlib.sha256(cert).hexdigest(),
        secret_accepted=tuple(secrets),
        oidc_accepted=tuple(retired),
    )


def record_name() -> str:
    """The cache key of the deployment's fingerprints: one per shared database."""
    db = connections["default"].settings_dict
    where = f"{db['ENGINE']}|{db.get('HOST', '')}|{db.get('PORT', '')}|{db['NAME']}"
    return "sso:deployment-keys:" + hashlib.sha256(where.encode()).hexdigest()[:16]


FIXES = {
    "secret": "Set the same GOVID_SECRET_KEY on every instance (the old one in "
    "GOVID_SECRET_KEY_FALLBACKS while a rotation goes round).",
    "oidc": "Copy var/oidc-keys/ from an instance that runs to this one (after `govid sso "
    "rotate-key`, to every instance), then restart it.",
    "saml": "Give every instance the same GOVID_SSO_SAML_KEY_FILE and GOVID_SSO_SAML_CERT_FILE "
    "(or copy var/saml-keys/ from an instance that runs).",
}
NAMES = {
    "secret": "secret key",
    "oidc": "ID token signing key",
    "saml": "SAML identity provider certificate",
}


def compare(cache: BaseCache, name: str, mine: KeyPrints) -> list[CheckMessage]:
    """Publish ``mine`` unless another instance did first; an Error for each key that differs
    from the published one (and is not one this instance still accepts)."""
    cache.add(name, mine.published(), timeout=None)
    theirs: dict[str, str] = cache.get(name) or mine.published()
    accepted = {
        "secret": {mine.secret, *mine.secret_accepted},
        "oidc": {mine.oidc, *mine.oidc_accepted},
        "saml": {mine.saml},
    }
    errors: list[CheckMessage] = [
        Error(
            f"This instance's {NAMES[key]} is not the one another instance of this deployment "
            "(the same database and cache) uses.",
            hint=f"{FIXES[key]} If every instance's was replaced on purpose, forget the old one: "
            f"govid shell -c \"from django.core.cache import cache; cache.delete('{name}')\"",
            id="govid.E310",
        )
        for key in ("secret", "oidc", "saml")
        if theirs.get(key) not in accepted[key]
    ]
    if not errors:
        cache.set(name, mine.published(), timeout=None)  # a rotation's new keys, from now on
    return errors


@register(Tags.database)
def check_deployment_keys(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Run with the database checks (migrate, ``check --database default``): it reads the
    shared cache, which a plain ``check`` must not need."""
    if not kwargs.get("databases"):
        return []
    if str(settings.CACHES["default"]["BACKEND"]).rsplit(".", 1)[-1] in _PRIVATE_CACHES:
        return []
    mine = this_instance()
    try:
        return compare(caches["default"], record_name(), mine)
    except (DatabaseError, RedisError):
        # A cache not there yet (the first migrate, before createcachetable) or unreachable:
        # /readyz reports that; this check only compares keys it can read.
        return []
