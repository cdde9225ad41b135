"""AD's policy-hints control on the suite's Samba AD DC (Debian 12's Samba 4.17): what it answers.

A reset by the service account (a ``unicodePwd`` replace) skips the password history and the
minimum age unless it carries LDAP_SERVER_POLICY_HINTS (1.2.840.113556.1.4.2239, or the older
1.2.840.113556.1.4.2066) with the value SEQUENCE { INTEGER 1 }. Windows Server 2012 and later
honour it. Samba learned it in 4.24.0 (2026: ``policy_hints_reset_is_change`` in
source4/dsdb/samdb/ldb_modules/password_hash.c, history and minimum age, refused as result 53
with ``0000052D``); 4.17 does not know it, and these tests pin down how that shows:

- the root DSE's ``supportedControl`` names neither OID;
- sent critical with a well-formed value (DER, or BER with a long-form length as some clients
  send), either OID: result 12 unavailableCriticalExtension, carried in an ExtendedResponse
  with no diagnostic text, and nothing is written;
- sent non-critical: dropped unread; the reset is done, and the same password is taken again.

Hence govid sends it critical and only with GOVID_LDAP_POLICY_HINTS=1 (off by default): a
directory that does not honour it then refuses every reset loudly, instead of quietly skipping
the history. History and minimum-age refusals are read from AD's own words after ``0000052D``:
Samba says them on a user's own change (old and new password), which it checks in full; the
tests make it say them and hand that real error to govid's reading of refusals.
"""

from __future__ import annotations

from collections.abc import Iterator

import ldap
import pytest
from ldap.controls import LDAPControl

from govid.directory.backends.ldap import POLICY_HINTS, POLICY_HINTS_OID
from govid.directory.backends.ldap_refusals import (
    AD_POLICY_CODE,
    diagnostic,
    ppolicy_error,
    refusal_message,
)
from tests.servers.samba_ad import BASE, SERVICE_DN, SERVICE_PASSWORD, SambaAd, unicode_pwd

pytestmark = pytest.mark.once

PASSWORD = "Cu@Matkhau2025"
NEW_PASSWORD = "Moi#Matkhau2026"
DEPRECATED_OID = "1.2.840.113556.1.4.2066"
# SEQUENCE { INTEGER 1 } with its length in the long form (0x84 + four bytes), as Keycloak sends.
LONG_FORM = bytes([0x30, 0x84, 0, 0, 0, 3, 0x02, 0x01, 0x01])
ONE_DAY = b"-864000000000"  # minPwdAge as provisioned, in AD's negative 100 ns ticks


@pytest.fixture
def container(samba_ad: SambaAd) -> Iterator[str]:
    dn = samba_ad.container()
    yield dn
    samba_ad.remove(dn)


def reset(samba_ad: SambaAd, dn: str, password: str, control: LDAPControl) -> None:
    """What govid's service account sends: a unicodePwd replace, with this control."""
    conn = samba_ad.connect()
    conn.simple_bind_s(SERVICE_DN, SERVICE_PASSWORD)
    try:
        conn.modify_ext_s(
            dn, [(ldap.MOD_REPLACE, "unicodePwd", [unicode_pwd(password)])], serverctrls=[control]
        )
    finally:
        conn.unbind_s()


def own_change(samba_ad: SambaAd, dn: str, old: str, new: str) -> None:
    """The user changes their own password (delete the old value, add the new one)."""
    conn = samba_ad.connect()
    conn.simple_bind_s(dn, old)
    change = [
        (ldap.MOD_DELETE, "unicodePwd", [unicode_pwd(old)]),
        (ldap.MOD_ADD, "unicodePwd", [unicode_pwd(new)]),
    ]
    try:
        conn.modify_s(dn, change)
    finally:
        conn.unbind_s()


def test_the_root_dse_offers_neither_policy_hints_control(samba_ad):
    conn = samba_ad.admin()
    root = conn.search_s("", ldap.SCOPE_BASE, "(objectClass=*)", ["supportedControl"])
    conn.unbind_s()
    offered = {value.decode() for value in root[0][1]["supportedControl"]}
    assert "1.2.840.113556.1.4.319" in offered  # paged results: the attribute is really read
    assert POLICY_HINTS_OID not in offered and DEPRECATED_OID not in offered


@pytest.mark.parametrize("value", [POLICY_HINTS, LONG_FORM], ids=["DER", "long form"])
@pytest.mark.parametrize("oid", [POLICY_HINTS_OID, DEPRECATED_OID])
def test_a_critical_policy_hints_control_is_refused_with_result_12_and_nothing_is_written(
    samba_ad, container, oid, value
):
    assert bytes([0x30, 0x03, 0x02, 0x01, 0x01]) == POLICY_HINTS  # SEQUENCE { INTEGER 1 }
    dn = samba_ad.add_user(container, "an.hints", password=PASSWORD)
    with pytest.raises(ldap.UNAVAILABLE_CRITICAL_EXTENSION) as refused:
        reset(samba_ad, dn, NEW_PASSWORD, LDAPControl(oid, True, value))
    assert refused.value.args[0]["result"] == 12
    assert "info" not in refused.value.args[0]  # Samba gives no reason
    assert samba_ad.binds(dn, PASSWORD) and not samba_ad.binds(dn, NEW_PASSWORD)


@pytest.mark.parametrize("oid", [POLICY_HINTS_OID, DEPRECATED_OID])
def test_a_non_critical_policy_hints_control_is_ignored_and_the_history_skipped(
    samba_ad, container, oid
):
    dn = samba_ad.add_user(container, "an.boqua", password=PASSWORD)
    hints = LDAPControl(oid, False, POLICY_HINTS)
    reset(samba_ad, dn, NEW_PASSWORD, hints)
    reset(samba_ad, dn, NEW_PASSWORD, hints)  # the same again, and within the minimum age
    reset(samba_ad, dn, PASSWORD, hints)  # back to the first one, 24 are remembered
    assert samba_ad.binds(dn, PASSWORD)


def test_samba_says_a_password_is_too_young_after_0000052d_and_govid_tells_it(samba_ad, container):
    dn = samba_ad.add_user(container, "an.vuadoi", password=PASSWORD)
    with pytest.raises(ldap.CONSTRAINT_VIOLATION) as refused:
        own_change(samba_ad, dn, PASSWORD, NEW_PASSWORD)  # the domain's minimum age: 1 day
    error = refused.value
    text = diagnostic(error)
    assert text.startswith(AD_POLICY_CODE) and "too young" in text
    message = refusal_message(ppolicy_error(error), text)
    assert message == "Mật khẩu vừa được thay đổi. Vui lòng thử lại sau."
    assert samba_ad.binds(dn, PASSWORD)


@pytest.mark.parametrize(
    ("earlier", "wording"),
    [([], "(previous password)"), ([NEW_PASSWORD], "(in history)")],
    ids=["the current one", "an older one"],
)
def test_samba_says_a_password_was_already_used_after_0000052d_and_govid_tells_it(
    samba_ad, container, earlier, wording
):
    dn = samba_ad.add_user(container, "an.lichsu", password=PASSWORD)
    samba_ad.modify(BASE, [(ldap.MOD_REPLACE, "minPwdAge", [b"0"])])
    try:
        current = PASSWORD
        for password in earlier:
            own_change(samba_ad, dn, current, password)
            current = password
        with pytest.raises(ldap.CONSTRAINT_VIOLATION) as refused:
            own_change(samba_ad, dn, current, PASSWORD)
    finally:
        samba_ad.modify(BASE, [(ldap.MOD_REPLACE, "minPwdAge", [ONE_DAY])])
    error = refused.value
    text = diagnostic(error)
    assert text.startswith(AD_POLICY_CODE) and f"already used {wording}" in text
    message = refusal_message(ppolicy_error(error), text)
    assert message == "Mật khẩu này đã được dùng gần đây. Vui lòng chọn mật khẩu khác."
    assert samba_ad.binds(dn, current)
