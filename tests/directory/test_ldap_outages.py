"""LdapDirectory when slapd stops, hangs, restarts, or refuses the service account."""

from __future__ import annotations

import threading
import time

import pytest

from govid.directory.backends.ldap import LdapDirectory
from govid.directory.base import DirectoryUnavailable
from tests.servers.slapd import Slapd

PASSWORD = "Cu@Matkhau2025"
NEW_PASSWORD = "Moi#Matkhau2026"


@pytest.fixture
def entry(running_slapd: Slapd):
    base = running_slapd.container("MYTU-VHTT")
    dn = running_slapd.add_person(f"ou=MYTU-VHTT,{base}", "an.nguyen", password=PASSWORD)
    directory = LdapDirectory(running_slapd.settings(base_dn=base), mail_domain="soctrang.gov.vn")
    yield running_slapd, directory, dn
    directory.close()


def test_a_stopped_directory_is_unavailable_and_nothing_is_written(entry, caplog):
    slapd, directory, dn = entry
    account = directory.find("an.nguyen@soctrang.gov.vn")
    slapd.stop()
    with pytest.raises(DirectoryUnavailable):
        directory.find("an.nguyen@soctrang.gov.vn")
    with pytest.raises(DirectoryUnavailable):
        directory.set_password(account, NEW_PASSWORD)
    with pytest.raises(DirectoryUnavailable):
        directory.verify_password(account, PASSWORD)
    assert f"LDAP directory {slapd.url} unavailable" in caplog.text
    slapd.start()
    assert slapd.binds(dn, PASSWORD)


def test_a_hung_directory_times_out_instead_of_holding_the_request(entry):
    slapd, directory, _dn = entry
    directory.find("an.nguyen@soctrang.gov.vn")
    slapd.pause()  # the port still accepts; nothing answers
    try:
        with pytest.raises(DirectoryUnavailable):
            directory.find("an.nguyen@soctrang.gov.vn")
        with pytest.raises(DirectoryUnavailable):
            LdapDirectory(directory.conf).find("an.nguyen@soctrang.gov.vn")  # a new connection
    finally:
        slapd.resume()
    # slapd first works off what queued up while it was stopped (slow on a loaded machine);
    # then govid's next calls reach it again, without a restart of govid.
    deadline = time.monotonic() + 30
    while True:
        try:
            assert directory.find("an.nguyen@soctrang.gov.vn") is not None
            break
        except DirectoryUnavailable:
            assert time.monotonic() < deadline, "govid did not reach slapd again"
            time.sleep(0.2)


def test_the_service_account_binds_again_after_the_directory_restarts(entry):
    slapd, directory, dn = entry
    account = directory.find("an.nguyen@soctrang.gov.vn")
    assert directory.verify_password(account, PASSWORD)
    slapd.stop()
    slapd.start()
    # The pooled connections died with the old process; the next calls reconnect and succeed.
    assert directory.find("an.nguyen@soctrang.gov.vn") == account
    assert directory.verify_password(account, PASSWORD)
    slapd.stop()
    slapd.start()
    directory.set_password(account, NEW_PASSWORD)
    assert slapd.binds(dn, NEW_PASSWORD)


def test_many_threads_share_a_small_pool(entry):
    slapd, directory, _dn = entry
    small = LdapDirectory(slapd.settings(base_dn=directory.conf.base_dn, pool_size=2))
    found = []

    def look():
        for _ in range(5):
            found.append(small.find("an.nguyen@soctrang.gov.vn"))

    threads = [threading.Thread(target=look) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(found) == 40 and all(account is not None for account in found)
    assert len(small._service._idle) <= 2
    small.close()


def test_a_refused_service_account_is_unavailable_and_logged(entry, caplog):
    slapd, directory, _dn = entry
    wrong = LdapDirectory(slapd.settings(base_dn=directory.conf.base_dn, bind_password="sai"))
    with pytest.raises(DirectoryUnavailable):
        wrong.find("an.nguyen@soctrang.gov.vn")
    assert "check GOVID_LDAP_BIND_DN and GOVID_LDAP_BIND_PASSWORD" in caplog.text
    assert "sai" not in caplog.text.split()


def test_an_answer_govid_cannot_use_is_unavailable_not_a_crash(entry, caplog):
    slapd, directory, _dn = entry
    broken = LdapDirectory(
        slapd.settings(base_dn=directory.conf.base_dn, user_filter="(mail={login}")
    )
    with pytest.raises(DirectoryUnavailable):
        broken.find("an.nguyen@soctrang.gov.vn")
    assert "FILTER_ERROR" in caplog.text
