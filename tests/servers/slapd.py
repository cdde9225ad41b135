"""A throwaway OpenLDAP (Debian's slapd 2.5) with ppolicy, as a mail system's directory.

Its own slapd.conf, mdb database and pid file in a temporary folder, a free 127.0.0.1 port,
the ACLs README.md recommends, and a service account that is not the root DN. The session
fixture ``slapd`` starts it once; tests that stop it start it again on the same port and data.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import os
import signal
import subprocess
import time
from collections.abc import Iterator, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from govid.directory.conf import LdapSettings
from tests.servers import free_port, stop, wait_for_port

SLAPD = "/usr/sbin/slapd"
SLAPADD = "/usr/sbin/slapadd"
OPENSSL = "/usr/bin/openssl"
HERE = Path(__file__).resolve().parent
BASE = "dc=soctrang,dc=gov,dc=vn"
PEOPLE = f"ou=people,{BASE}"
ROOT_DN = f"cn=admin,{BASE}"
ROOT_PASSWORD = "Goc#Quan-tri-2026"
SERVICE_DN = f"cn=govid,ou=services,{BASE}"
SERVICE_PASSWORD = "Dich-vu#govid-2026"
MAIL_DN = f"cn=mail,ou=services,{BASE}"  # the mail server's own read-only account
MAIL_PASSWORD = "Thu-dien-tu.2026"  # no "#": a comment in Dovecot's files
MIN_LENGTH = 12  # the directory's own rule, stricter than govid's 8
PERMANENT_LOCK = b"000001010000Z"

CONFIG = (HERE / "slapd.conf.in").read_text()  # the ACLs README.md recommends
BASE_LDIF = (HERE / "base.ldif.in").read_text()  # the policy, the service accounts


def ssha(password: str) -> str:
    """An {SSHA} userPassword value, as slappasswd makes it."""
    salt = os.urandom(8)
    digest = hashlib.sha1(password.encode() + salt).digest()  # noqa: S324  (slapd's own scheme)
    return "{SSHA}" + base64.b64encode(digest + salt).decode()


def make_certificates(root: Path) -> None:
    """A throwaway CA and a certificate for 127.0.0.1 signed by it (Debian's openssl)."""

    def openssl(*args: str) -> None:
        subprocess.run([OPENSSL, *args], cwd=root, check=True, capture_output=True)

    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    days = ["-days", "2"]
    openssl("req", "-x509", *ec, *days, "-keyout", "ca.key", "-out", "ca.pem", "-subj", "/CN=CA")
    openssl("req", *ec, "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1")
    (root / "san.ext").write_text("subjectAltName=IP:127.0.0.1\n")
    signed_by_ca = ["-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", *days]
    openssl("x509", "-req", "-in", "server.csr", *signed_by_ca, "-out", "server.pem",
            "-extfile", "san.ext")  # fmt: skip


class Slapd:
    """One slapd process; ``start()`` again after ``stop()`` serves the same data."""

    def __init__(self, root: Path, port: int, tls_port: int) -> None:
        self.root = root
        self.port = port
        self.url = f"ldap://127.0.0.1:{port}"
        self.ldaps_url = f"ldaps://127.0.0.1:{tls_port}"
        self.ca_file = root / "ca.pem"
        self.process: subprocess.Popen[bytes] | None = None
        self._containers = itertools.count(1)
        make_certificates(root)
        self._write_config()

    def _write_config(self) -> None:
        (self.root / "data").mkdir(parents=True, exist_ok=True)
        (self.root / "slapd.conf").write_text(
            CONFIG.format(
                schema=HERE / "govid-test.schema",
                root=self.root,
                base=BASE,
                root_dn=ROOT_DN,
                root_pw=ssha(ROOT_PASSWORD),
                service=SERVICE_DN,
                mail=MAIL_DN,
            )
        )
        ldif = BASE_LDIF.format(
            base=BASE,
            min_length=MIN_LENGTH,
            service=SERVICE_DN,
            service_hash=ssha(SERVICE_PASSWORD),
            mail=MAIL_DN,
            mail_hash=ssha(MAIL_PASSWORD),
            people=PEOPLE,
        )
        (self.root / "base.ldif").write_text(ldif)
        subprocess.run(
            [
                SLAPADD,
                "-q",
                "-f",
                str(self.root / "slapd.conf"),
                "-l",
                str(self.root / "base.ldif"),
            ],
            check=True,
            capture_output=True,
        )

    def start(self) -> None:
        log = open(self.root / "slapd.log", "ab")  # noqa: SIM115  (slapd holds it)
        # -d 0: stay in the foreground (the PID is ours to stop) and print nothing.
        urls = f"{self.url}/ {self.ldaps_url}/"
        command = [SLAPD, "-f", str(self.root / "slapd.conf"), "-h", urls, "-d", "0"]
        self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        wait_for_port(self.port, self.process, self.root / "slapd.log")

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)
            self.process = None

    def pause(self) -> None:
        """SIGSTOP: the port still accepts connections but nothing answers (a hung server)."""
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)
        # The signal lands asynchronously: wait until the kernel reports the process stopped.
        stat = Path(f"/proc/{self.process.pid}/stat")
        deadline = time.monotonic() + 5
        while stat.read_text().rsplit(")", 1)[1].split()[0] != "T":
            assert time.monotonic() < deadline, "slapd did not stop"
            time.sleep(0.01)

    def resume(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGCONT)

    def admin(self) -> Any:
        """A connection as the root DN: to arrange entries and look at them, never for govid."""
        import ldap

        conn = ldap.initialize(self.url)
        conn.set_option(ldap.OPT_NETWORK_TIMEOUT, 5)
        conn.simple_bind_s(ROOT_DN, ROOT_PASSWORD)
        return conn

    def container(self, *units: str) -> str:
        """A fresh ``ou=`` under people, with the given units inside, for one test's entries."""
        dn = f"ou=t{next(self._containers)},{PEOPLE}"
        conn = self.admin()
        for where in [dn, *(f"ou={unit},{dn}" for unit in units)]:
            ou = where.split(",", 1)[0].split("=", 1)[1]
            conn.add_s(where, [("objectClass", [b"organizationalUnit"]), ("ou", [ou.encode()])])
        conn.unbind_s()
        return dn

    def add_person(
        self,
        parent: str,
        uid: str,
        *,
        password: str,
        mail: Sequence[str] | None = None,
        name: str = "Nguyễn Văn An",
        mobile: Sequence[str] = (),
        locked: bool = False,
        extra: dict[str, Sequence[str]] | None = None,
    ) -> str:
        """An inetOrgPerson under ``parent``; ``locked`` is ppolicy's permanent lock."""
        dn = f"uid={uid},{parent}"
        attrs: dict[str, Sequence[str]] = {
            "objectClass": ["inetOrgPerson", "govidTestAccount"],
            "uid": [uid],
            "cn": [name],
            "sn": [name.split()[0]],
            "mail": list(mail) if mail is not None else [f"{uid}@soctrang.gov.vn"],
            "userPassword": [ssha(password)],
            **({"mobile": list(mobile)} if mobile else {}),
            **(extra or {}),
        }
        conn = self.admin()
        conn.add_s(
            dn, [(key, [v.encode() for v in values]) for key, values in attrs.items() if values]
        )
        if locked:
            self.lock(dn)
        conn.unbind_s()
        return dn

    def lock(self, dn: str) -> None:
        import ldap

        conn = self.admin()
        conn.modify_s(dn, [(ldap.MOD_REPLACE, "pwdAccountLockedTime", [PERMANENT_LOCK])])
        conn.unbind_s()

    def read(self, dn: str, *attributes: str) -> dict[str, list[bytes]]:
        """The entry's attributes as the root DN sees them (operational ones by name)."""
        import ldap

        conn = self.admin()
        found = conn.search_s(dn, ldap.SCOPE_BASE, "(objectClass=*)", list(attributes))
        conn.unbind_s()
        return {key.lower(): values for key, values in found[0][1].items()}

    def binds(self, dn: str, password: str) -> bool:
        """Whether a plain simple bind with this password succeeds, as any service would try."""
        import ldap

        conn = ldap.initialize(self.url)
        conn.set_option(ldap.OPT_NETWORK_TIMEOUT, 5)
        try:
            conn.simple_bind_s(dn, password)
        except ldap.INVALID_CREDENTIALS:
            return False
        finally:
            conn.unbind_s()
        return True

    def settings(self, base_dn: str = PEOPLE, **overrides: Any) -> LdapSettings:
        values: dict[str, Any] = {
            "url": self.url,
            "bind_dn": SERVICE_DN,
            "bind_password": SERVICE_PASSWORD,
            "base_dn": base_dn,
            "timeout": timedelta(seconds=2),
            **overrides,
        }
        return LdapSettings(**values)

    def environment(self, base_dn: str = PEOPLE) -> dict[str, str]:
        """The GOVID_* variables of a deployment on this directory."""
        return {
            "GOVID_DIRECTORY": "ldap",
            "GOVID_LDAP_URL": self.url,
            "GOVID_LDAP_BIND_DN": SERVICE_DN,
            "GOVID_LDAP_BIND_PASSWORD": SERVICE_PASSWORD,
            "GOVID_LDAP_BASE_DN": base_dn,
            "GOVID_LDAP_TIMEOUT": "2",
        }


@pytest.fixture(scope="session")
def slapd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Slapd]:
    server = Slapd(tmp_path_factory.mktemp("slapd"), free_port(), free_port())
    server.start()
    try:
        yield server
    finally:
        if server.process is not None:
            server.resume()
        server.stop()


@pytest.fixture
def running_slapd(slapd: Slapd) -> Iterator[Slapd]:
    """The session's slapd, started again after a test that stopped or paused it."""
    yield slapd
    if slapd.process is not None:
        slapd.resume()
    else:
        slapd.start()
