"""A throwaway Dovecot IMAP server (Debian's dovecot-imapd) that authenticates by binding to
the test slapd, as a Zimbra or Postfix/Dovecot mail system checks its users' passwords."""

from __future__ import annotations

import imaplib
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.servers import free_port, stop, wait_for_port
from tests.servers.slapd import MAIL_DN, MAIL_PASSWORD, PEOPLE, Slapd

DOVECOT = "/usr/sbin/dovecot"

CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
# Plain-text LOGIN on 127.0.0.1 only, to keep the test free of certificates.
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_verbose = yes
auth_cache_size = 0
default_login_user = dovenull
default_internal_user = dovecot
mail_location = maildir:{mail}/%n
first_valid_uid = {uid}
last_valid_uid = {uid}
passdb {{
  driver = ldap
  args = {root}/dovecot-ldap.conf.ext
}}
userdb {{
  driver = static
  args = uid=dovecot gid=dovecot home={mail}/%n
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
"""

# auth_bind: Dovecot finds the entry with its own read-only account, then binds as the user
# with the password typed: the directory alone says whether it is right.
LDAP = """\
uris = {url}
dn = {dn}
dnpass = {password}
auth_bind = yes
ldap_version = 3
base = {base}
scope = subtree
pass_filter = (&(objectClass=inetOrgPerson)(mail=%u))
pass_attrs = mail=user
"""


@dataclass
class Dovecot:
    port: int

    def accepts(self, user: str, password: str) -> bool:
        """Whether IMAP LOGIN succeeds, as a mail client would see it."""
        with imaplib.IMAP4("127.0.0.1", self.port, timeout=10) as imap:
            try:
                status, _data = imap.login(user, password)
            except imaplib.IMAP4.error:
                return False
            imap.logout()
            return status == "OK"


@pytest.fixture(scope="session")
def dovecot(slapd: Slapd) -> Iterator[Dovecot]:
    # Outside pytest's private tmp folder: Dovecot's mail process runs as user dovecot.
    root = Path(tempfile.mkdtemp(prefix="govid-dovecot-"))
    root.chmod(0o755)
    mail = root / "mail"
    mail.mkdir()
    account = pwd.getpwnam("dovecot")
    shutil.chown(mail, account.pw_uid, account.pw_gid)
    port = free_port()
    (root / "dovecot.conf").write_text(
        CONFIG.format(root=root, mail=mail, port=port, uid=account.pw_uid)
    )
    (root / "dovecot-ldap.conf.ext").write_text(
        LDAP.format(url=slapd.url, dn=MAIL_DN, password=MAIL_PASSWORD, base=PEOPLE)
    )
    (root / "dovecot-ldap.conf.ext").chmod(0o600)
    process = subprocess.Popen(
        [DOVECOT, "-F", "-c", str(root / "dovecot.conf")],
        stdout=subprocess.DEVNULL,
        stderr=open(root / "stderr.log", "wb"),  # noqa: SIM115  (the process holds it)
    )
    try:
        wait_for_port(port, process, root / "stderr.log")
        yield Dovecot(port=port)
    finally:
        stop(process)
        shutil.rmtree(root, ignore_errors=True)
