"""What is counted: a rule per step and scope, and the keys counters are stored under."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, fields

from django.core.exceptions import ImproperlyConfigured

from govid.keyed import candidates, keyed_hash
from govid.limits.conf import LimitSettings, limit_settings

STEPS = ("lookup", "code", "check", "login")
SCOPES = ("ip", "net", "account", "phone")
OFF_WORDS = {"", "0", "off"}
# The NUL belongs to the purpose: counters were first named under SHA-256("govid.limits\0" +
# secret key), and keeping it keeps the names of the counters running when this is deployed.
KEY_PURPOSE = "govid.limits\0"


@dataclass(frozen=True)
class Rule:
    """At most ``ceiling`` attempts per ``window`` seconds (a fixed window from the first)."""

    ceiling: int
    window: int


def parse_rule(text: str, *, name: str = "rule") -> Rule | None:
    """``"5/3600"`` -> Rule(5, 3600); ``"0"``/``"off"`` -> None; anything else is an error."""
    word = text.strip().lower()
    if word in OFF_WORDS:
        return None
    count, _slash, seconds = word.partition("/")
    try:
        rule = Rule(int(count), int(seconds))
    except ValueError:
        rule = Rule(0, 0)
    if rule.ceiling < 1 or rule.window < 1:
        raise ImproperlyConfigured(f"{name}: {text!r} is not COUNT/SECONDS, e.g. 5/3600")
    return rule


def rule_for(step: str, scope: str, conf: LimitSettings | None = None) -> Rule | None:
    """The configured rule of ``step`` for ``scope`` (None when off or not defined)."""
    conf = conf or limit_settings()
    name = f"{step}_{scope}"
    raw = getattr(conf, name, None)
    if not isinstance(raw, str):
        return None
    return parse_rule(raw, name=f"GOVID_LIMITS_{name.upper()}")


def all_rules(conf: LimitSettings | None = None) -> dict[str, Rule]:
    """Every rule that is on, by ``step_scope`` name (for checks and the lockout bound)."""
    conf = conf or limit_settings()
    rules = {}
    for field in fields(conf):
        step, _sep, scope = field.name.partition("_")
        if step in STEPS and scope in SCOPES:
            rule = rule_for(step, scope, conf)
            if rule is not None:
                rules[field.name] = rule
    return rules


def network_of(ip: str) -> str | None:
    """The client's network: its IPv4 /24 or IPv6 /64 (IPv4-mapped addresses count as IPv4)."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    prefix = 24 if address.version == 4 else 64
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


def _name(step: str, scope: str, digest: bytes) -> str:
    return f"{step}.{scope}.{digest.hex()[:40]}"


def counter_key(step: str, scope: str, who: str) -> str:
    """The counter's name in the store under the current secret key alone: keyed-hashed, so
    that addresses, logins and phones are not stored. Counting wants ``counter_keys``."""
    return _name(step, scope, keyed_hash(KEY_PURPOSE, f"{step}\0{scope}\0{who}"))


def counter_keys(step: str, scope: str, who: str) -> tuple[str, ...]:
    """The counter's names under the current secret key, then under each of
    SECRET_KEY_FALLBACKS: the store counts new hits under the first and adds the running
    counts of the others, so that a rotation gives nobody a fresh budget."""
    digests = candidates(KEY_PURPOSE, f"{step}\0{scope}\0{who}")
    return tuple(_name(step, scope, digest) for digest in digests)
