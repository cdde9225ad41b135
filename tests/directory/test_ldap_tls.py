"""LDAPS and StartTLS: the directory's certificate is always verified."""

from __future__ import annotations

import pytest

from govid.directory.backends.ldap import LdapDirectory
from govid.directory.base import DirectoryUnavailable


@pytest.fixture
def base(running_slapd):
    base = running_slapd.container("MYTU-VHTT")
    running_slapd.add_person(f"ou=MYTU-VHTT,{base}", "an.nguyen", password="Cu@Matkhau2025")
    return base


@pytest.mark.parametrize("over", ["ldaps", "starttls"])
def test_a_directory_signed_by_the_configured_ca_is_reached(running_slapd, base, over):
    url = running_slapd.ldaps_url if over == "ldaps" else running_slapd.url
    conf = running_slapd.settings(
        base_dn=base, url=url, start_tls=over == "starttls", ca_file=str(running_slapd.ca_file)
    )
    directory = LdapDirectory(conf)
    account = directory.find("an.nguyen@soctrang.gov.vn")
    assert account is not None
    assert directory.verify_password(account, "Cu@Matkhau2025")
    directory.close()


@pytest.mark.parametrize("over", ["ldaps", "starttls"])
def test_a_certificate_from_an_unknown_ca_is_refused(running_slapd, base, over):
    url = running_slapd.ldaps_url if over == "ldaps" else running_slapd.url
    conf = running_slapd.settings(base_dn=base, url=url, start_tls=over == "starttls")
    with pytest.raises(DirectoryUnavailable):
        LdapDirectory(conf).find("an.nguyen@soctrang.gov.vn")
