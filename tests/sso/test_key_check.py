"""The check that every instance of a deployment signs with the same keys (govid.E310)."""

from __future__ import annotations

import pytest
from django.core.cache.backends.locmem import LocMemCache

from govid.sso.key_check import KeyPrints, compare, this_instance

NAME = "sso:deployment-keys:test"


@pytest.fixture
def shared() -> LocMemCache:
    """The cache every instance of the deployment reads (its own, emptied for each test)."""
    cache = LocMemCache("govid-key-check", {})
    cache.clear()
    return cache


FIRST = KeyPrints(secret="s1", oidc="o1", saml="c1", secret_accepted=("s1",))


def test_the_first_instance_publishes_and_one_with_the_same_keys_passes(shared):
    assert compare(shared, NAME, FIRST) == []
    assert shared.get(NAME) == {"secret": "s1", "oidc": "o1", "saml": "c1"}
    assert compare(shared, NAME, KeyPrints(secret="s1", oidc="o1", saml="c1")) == []


def test_an_instance_with_signing_keys_of_its_own_is_told_what_to_copy(shared):
    compare(shared, NAME, FIRST)
    [error] = compare(shared, NAME, KeyPrints(secret="s1", oidc="o2", saml="c1"))
    assert error.id == "govid.E310"
    assert "ID token signing key" in error.msg
    assert "var/oidc-keys/" in (error.hint or "")
    # Refused, it publishes nothing: the instances that run keep theirs.
    assert shared.get(NAME)["oidc"] == "o1"


def test_another_secret_key_and_saml_certificate_are_each_named(shared):
    compare(shared, NAME, FIRST)
    errors = compare(shared, NAME, KeyPrints(secret="s2", oidc="o1", saml="c2"))
    assert [e.msg.split("'s ", 1)[1].split(" is not", 1)[0] for e in errors] == [
        "secret key",
        "SAML identity provider certificate",
    ]
    assert "GOVID_SECRET_KEY" in (errors[0].hint or "")
    assert "GOVID_SSO_SAML_CERT_FILE" in (errors[1].hint or "")


def test_a_rotation_done_the_documented_way_passes_and_publishes_the_new_keys(shared):
    compare(shared, NAME, FIRST)
    # The new secret key with the old one as a fallback; the old signing key retired.
    rotated = KeyPrints(
        secret="s2", oidc="o2", saml="c1", secret_accepted=("s2", "s1"), oidc_accepted=("o1",)
    )
    assert compare(shared, NAME, rotated) == []
    assert shared.get(NAME) == {"secret": "s2", "oidc": "o2", "saml": "c1"}
    # An instance the new keys never reached is refused from now on.
    assert len(compare(shared, NAME, FIRST)) == 2


def test_a_fallback_secret_key_is_accepted_by_its_fingerprint(settings):
    old, new = "the-old-" + "k" * 50, "the-new-" + "k" * 50
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = old, []
    before = this_instance()
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = new, [old]
    after = this_instance()
    assert after.secret != before.secret and after.oidc == before.oidc
    assert after.secret_accepted == (after.secret, before.secret)
    assert old not in before.secret and len(before.secret) == 64  # an HMAC, never the key
