"""govid.keyed: keyed hashes under the secret key and its fallbacks; and the values each
concern made before it, which an unrotated key must keep giving."""

from __future__ import annotations

import hashlib
import hmac

import pytest
from django.utils.crypto import salted_hmac

from govid import keyed

OLD = "old-secret-key-" + "o" * 40
NEW = "new-secret-key-" + "n" * 40
OLDER = "older-secret-key-" + "x" * 40


@pytest.fixture
def rotated(settings):
    settings.SECRET_KEY = NEW
    settings.SECRET_KEY_FALLBACKS = [OLD]
    return settings


def test_keyed_hash_is_djangos_salted_hmac_with_sha256(settings):
    settings.SECRET_KEY = OLD
    expected = salted_hmac("govid.test", "value", algorithm="sha256").digest()
    assert keyed.keyed_hash("govid.test", "value") == expected
    assert keyed.keyed_hash("govid.test", "value", secret=NEW) == (
        salted_hmac("govid.test", "value", secret=NEW, algorithm="sha256").digest()
    )
    assert keyed.derived_key("govid.test") == hashlib.sha256(f"govid.test{OLD}".encode()).digest()


def test_each_purpose_has_its_own_hash(settings):
    assert keyed.keyed_hash("govid.a", "v") != keyed.keyed_hash("govid.b", "v")
    assert keyed.derived_key("govid.a") != keyed.derived_key("govid.b")


def test_the_secret_keys_are_the_current_one_then_each_fallback_once(settings):
    settings.SECRET_KEY = NEW
    settings.SECRET_KEY_FALLBACKS = [OLD, "", NEW, OLDER, OLD]
    assert keyed.secret_keys() == [NEW, OLD, OLDER]  # a repeated key would count twice
    assert keyed.candidates("p", "v") == [
        keyed.keyed_hash("p", "v", secret=k) for k in (NEW, OLD, OLDER)
    ]
    assert keyed.derived_keys("p") == [keyed.derived_key("p", secret=k) for k in (NEW, OLD, OLDER)]


def test_matches_the_current_key_and_each_fallback_until_it_is_dropped(settings):
    settings.SECRET_KEY = OLD
    before = keyed.keyed_hash("p", "v").hex()
    short = keyed.keyed_hash("p", "v").hex()[:12]
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW, [OLD]  # no cache to reset
    assert keyed.keyed_hash("p", "v").hex() != before  # made under the new key from now on
    assert keyed.matches("p", "v", before)
    assert keyed.matches("p", "v", keyed.keyed_hash("p", "v").hex())
    assert keyed.matches("p", "v", short, shown=lambda digest: digest.hex()[:12])
    assert not keyed.matches("p", "v", short)
    assert not keyed.matches("p", "other", before)
    assert not keyed.matches("other", "v", before)
    settings.SECRET_KEY_FALLBACKS = []
    assert not keyed.matches("p", "v", before)


@pytest.mark.parametrize("given", ["", "é" * 64, "\x00", "0" * 10_000])
def test_matches_refuses_anything_without_an_error(rotated, given):
    assert keyed.matches("p", "v", given) is False


def test_a_key_id_names_the_key_until_it_is_dropped(rotated):
    old_id, new_id = keyed.key_id(secret=OLD), keyed.key_id()
    assert len(new_id) == 8 and new_id != old_id
    assert OLD[:8] not in old_id
    assert keyed.secret_named(new_id) == NEW
    assert keyed.secret_named(old_id) == OLD
    assert keyed.secret_named("") is None and keyed.secret_named("zzzzzzzz") is None
    rotated.SECRET_KEY_FALLBACKS = []
    assert keyed.secret_named(old_id) is None


# --- today's values: an unrotated key gives what each concern gave before govid.keyed --------


def test_the_concerns_values_are_unchanged_under_an_unrotated_key(settings, db):
    from govid.captcha import pow
    from govid.limits import devices
    from govid.limits.rules import counter_key, counter_keys
    from govid.sms.reports import report_token
    from govid.sso.models import User

    settings.SECRET_KEY = OLD
    secret = hashlib.sha256(b"govid.limits\0" + OLD.encode()).digest()
    message = "\0".join(["login", "ip", "192.0.2.1"]).encode()
    digest = hmac.new(secret, message, hashlib.sha256).hexdigest()[:40]
    assert counter_key("login", "ip", "192.0.2.1") == f"login.ip.{digest}"
    assert counter_keys("login", "ip", "192.0.2.1") == (f"login.ip.{digest}",)
    for purpose in ("challenge", "key"):
        made = hashlib.sha256(f"govid.captcha.{purpose}\0{OLD}".encode()).digest()
        assert pow._secret(purpose) == made
    ref = "0b5c7d1e-2f3a-4b5c-8d9e-0f1a2b3c4d5e"
    assert (
        report_token(ref)
        == salted_hmac("govid.sms.reports", ref, algorithm="sha256").hexdigest()[:32]
    )
    login = "an.nguyen@soctrang.gov.vn"
    tag = salted_hmac("govid.limits.devices", login, algorithm="sha256").hexdigest()[:24]
    assert devices._tag(login) == tag
    user = User(login=login)
    session_hash = salted_hmac(
        "govid.sso.User.session_auth_hash", f"{user.sub}:0", algorithm="sha256"
    ).hexdigest()
    assert user.get_session_auth_hash() == session_hash
    assert (
        user._get_session_auth_hash(secret=NEW)
        == salted_hmac(
            "govid.sso.User.session_auth_hash", f"{user.sub}:0", secret=NEW, algorithm="sha256"
        ).hexdigest()
    )


def salted_code(seed: str, secret: str) -> str:
    digest = salted_hmac("govid.recovery.codes", seed, secret=secret, algorithm="sha256").digest()
    return f"{int.from_bytes(digest[:8], 'big') % 10**6:06d}"


def test_a_recovery_code_is_derived_as_before(settings):
    from govid.recovery import codes

    settings.SECRET_KEY = OLD
    seed = codes.new_seed()
    assert len(seed) <= 32  # the column's length
    assert codes.code_for(seed) == salted_code(seed, OLD)
    untagged = "0123456789abcdef0123456789abcdef"  # a seed made before seeds named their key
    assert codes.code_for(untagged) == salted_code(untagged, OLD)


def test_a_recovery_code_is_sent_under_its_seeds_key_while_that_key_is_kept(settings):
    from govid.recovery import codes

    settings.SECRET_KEY = OLD
    seed, untagged = codes.new_seed(), "0123456789abcdef0123456789abcdef"
    sent = codes.code_for(seed)
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW, [OLD]
    assert codes.code_for(seed) == sent  # a resend: the code the person has
    assert codes.code_matches(seed, sent)
    assert codes.code_for(untagged) == salted_code(untagged, NEW)
    assert codes.code_matches(untagged, salted_code(untagged, OLD))
    assert codes.new_seed().endswith("." + keyed.key_id(secret=NEW))
    settings.SECRET_KEY_FALLBACKS = []
    assert not codes.code_matches(seed, sent)
    assert codes.code_for(seed) == salted_code(seed, NEW)  # the one that works now
    assert codes.code_matches(seed, codes.code_for(seed))


def test_a_secret_key_may_be_bytes_as_django_allows(settings):
    settings.SECRET_KEY = NEW.encode()
    settings.SECRET_KEY_FALLBACKS = [OLD.encode()]
    assert keyed.keyed_hash("p", "v") == salted_hmac("p", "v", algorithm="sha256").digest()
    assert keyed.keyed_hash("p", "v", secret=OLD) == keyed.keyed_hash("p", "v", secret=OLD.encode())
    assert keyed.matches("p", "v", keyed.keyed_hash("p", "v", secret=OLD).hex())
    assert keyed.secret_named(keyed.key_id(secret=OLD)) == OLD.encode()
