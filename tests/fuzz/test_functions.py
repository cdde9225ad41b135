"""Property tests: the small functions every request goes through, fed anything."""

from __future__ import annotations

import ipaddress

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory, override_settings
from hypothesis import given
from hypothesis import strategies as st

from govid.directory import canonical_login
from govid.directory.base import Account
from govid.limits.rules import network_of, parse_rule
from govid.networks import client_ip
from govid.passwords.blocklist import is_common
from govid.passwords.policy import check_policy
from govid.phones import InvalidPhone, mask_phone, normalize_phone
from tests.fuzz.strategies import any_text

ACCOUNT = Account(key="1", login="an.nguyen@soctrang.gov.vn", name="Nguyễn Văn An")


@given(typed=any_text)
def test_canonical_login_is_a_plain_lower_case_address_or_none(typed):
    login = canonical_login(typed)
    assert login is None or (login == login.lower() and "@" in login and len(login) <= 254)


@given(raw=any_text)
def test_a_phone_is_normalised_or_refused_with_a_reason(raw):
    try:
        e164 = normalize_phone(raw)
    except InvalidPhone as refused:
        assert refused.code
    else:
        assert e164.startswith("+84") and e164[1:].isdigit()
        assert "XXX" in mask_phone(e164)


@given(password=any_text)
def test_the_policy_always_answers_with_sentences(password):
    errors = check_policy(password, ACCOUNT)
    assert all(isinstance(e, str) and e.strip() for e in errors)
    assert isinstance(is_common(password), bool)


@given(text=any_text)
def test_a_rule_is_read_or_refused_by_name(text):
    try:
        rule = parse_rule(text, name="GOVID_LIMITS_X")
    except ImproperlyConfigured as refused:
        assert "GOVID_LIMITS_X" in str(refused)
    else:
        assert rule is None or (rule.ceiling >= 1 and rule.window >= 1)


@given(address=st.ip_addresses())
def test_every_address_has_its_network(address):
    net = ipaddress.ip_network(network_of(str(address)))
    assert net.prefixlen in (24, 64)
    mapped = getattr(address, "ipv4_mapped", None)
    assert (mapped or address) in net


@given(text=any_text)
def test_anything_else_has_no_network(text):
    try:
        ipaddress.ip_address(text)
    except ValueError:
        assert network_of(text) is None


@pytest.mark.parametrize("trusted", [(), ("127.0.0.1/32",)])
@given(forwarded=any_text, remote=st.one_of(st.just("127.0.0.1"), st.ip_addresses().map(str)))
def test_the_client_address_is_an_address(trusted, forwarded, remote):
    # override_settings per example: the settings fixture would stack one override per example.
    with override_settings(GOVID_OPS={"trusted_proxies": ",".join(trusted)}):
        request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR=remote)
        found = client_ip(request)
    assert found is not None
    ipaddress.ip_address(found)
    if not trusted:
        assert found == remote
