"""A throwaway Active Directory: a Samba 4 AD domain controller from Debian's packages.

Provisioned in a temporary folder (realm SOCTRANG.LOCAL, base DC=soctrang,DC=local), only its
LDAP service running, bound to 127.0.0.1, stopped by PID. Samba's LDAP ports are compiled in
(389 LDAP, 636 LDAPS, 3268/3269 global catalog), so one such DC runs per machine at a time, and
it needs root to bind them. Like a production AD:

- a simple bind on plain ``ldap://`` is refused: LDAPS (or StartTLS) with a throwaway CA whose
  server certificate names 127.0.0.1;
- the domain's password policy: complexity, minimum length 7, history 24, minimum age 1 day;
  lockout after 5 bad passwords until an administrator unlocks;
- govid's service account (OU=Services) holds only the "Reset Password" right and writes of
  ``mobile``, ``userAccountControl``, ``lockoutTime``, ``pwdLastSet`` on the users of
  OU=Mailboxes (the delegation README.md asks of an AD administrator);
- seeded users in OU=Mailboxes: one with a mobile and a mail address, one locked out by five
  failed binds, one disabled, one without a mobile.

One thing differs on purpose: "old password allowed period = 0". Samba, as Windows, keeps
accepting the previous password for 60 minutes after a reset; the tests must see it refused.

The session fixture ``samba_ad`` provisions once (about 10-20 s); ``python -m tests.servers
samba_ad -- COMMAND`` runs a command with the GOVID_* variables of a deployment on it.
"""

from __future__ import annotations

import itertools
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.servers import listening

SAMBA = "/usr/sbin/samba"
SAMBA_TOOL = "/usr/bin/samba-tool"
OPENSSL = "/usr/bin/openssl"
PORTS = (389, 636, 3268, 3269)
REALM = "SOCTRANG.LOCAL"
DNS_DOMAIN = "soctrang.local"
BASE = "DC=soctrang,DC=local"
MAILBOXES = f"OU=Mailboxes,{BASE}"
SERVICES = f"OU=Services,{BASE}"
MAIL_DOMAIN = "soctrang.gov.vn"
URL = "ldaps://127.0.0.1"
STARTTLS_URL = "ldap://127.0.0.1"
# Test-only secrets.
ADMIN_UPN = f"Administrator@{DNS_DOMAIN}"
ADMIN_DN = f"CN=Administrator,CN=Users,{BASE}"
ADMIN_PASSWORD = "Quan#TriAD2024"
SERVICE_DN = f"CN=govid-svc,{SERVICES}"
SERVICE_PASSWORD = "Govid#Svc2024r"
# AD's user class and the rights delegated on it (schemaIDGUID / rightsGuid).
USER_CLASS = "bf967aba-0de6-11d0-a285-00aa003049e2"
RESET_PASSWORD = "00299570-246d-11d0-a768-00aa006e0529"
WRITABLE = {
    "mobile": "f0f8ffa3-1191-11d0-a060-00aa006c33ed",
    "userAccountControl": "bf967a68-0de6-11d0-a285-00aa003049e2",
    "lockoutTime": "28630ebf-41d5-11d1-a9c1-0000f80367c1",
    "pwdLastSet": "bf967a0a-0de6-11d0-a285-00aa003049e2",
}
NORMAL_ACCOUNT = 0x200
ACCOUNTDISABLE = 0x2
DONT_EXPIRE_PASSWORD = 0x10000
LOCKOUT = 0x10
LOCKOUT_THRESHOLD = 5


def unicode_pwd(password: str) -> bytes:
    """AD's ``unicodePwd`` value: the password in double quotes, UTF-16LE."""
    return f'"{password}"'.encode("utf-16-le")


@dataclass(frozen=True)
class Seeded:
    """One of the users the DC is provisioned with."""

    login: str  # sAMAccountName
    password: str
    name: str
    mobile: str = ""

    @property
    def dn(self) -> str:
        return f"CN={self.login},{MAILBOXES}"

    @property
    def mail(self) -> str:
        return f"{self.login}@{MAIL_DOMAIN}"

    @property
    def upn(self) -> str:
        return f"{self.login}@{DNS_DOMAIN}"


USER1 = Seeded("nguyenvana", "SocTrang#2024a", "Nguyễn Văn A", "0393555121")
LOCKED = Seeded("lequangc", "HueCity#2024c", "Lê Quang C", "0987654321")
DISABLED = Seeded("tranthib", "SaiGon#2024b", "Trần Thị B", "0912345678")
NOMOBILE = Seeded("vnpt_khongdt", "KhongDien#2024", "VNPT Khong Dien Thoai")


class SambaAd:
    """One provisioned DC under ``root``; ``start()``/``stop()`` the one samba process."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.conf = root / "etc" / "smb.conf"
        self.ca_file = root / "private" / "tls" / "ca.pem"
        self.process: subprocess.Popen[bytes] | None = None
        self._containers = itertools.count(1)

    # --- provisioning and the process ---

    def provision(self) -> None:
        if not Path(SAMBA).exists() or not Path("/usr/share/samba/setup/ad-schema").is_dir():
            raise RuntimeError(
                "samba (AD DC) is missing: `make test-deps` installs Debian's samba, "
                "samba-ad-dc, samba-ad-provision and samba-dsdb-modules"
            )
        if os.geteuid() != 0:
            raise RuntimeError("Samba AD binds ports 389 and 636: run the tests as root")
        busy = [port for port in PORTS if listening(port)]
        if busy:
            raise RuntimeError(f"Samba's fixed LDAP ports are taken ({busy}): another DC runs here")
        for folder in ("log", "run", "sock", "state", "cache"):
            (self.root / folder).mkdir(parents=True, exist_ok=True)
        self._run(
            SAMBA_TOOL, "domain", "provision", f"--realm={REALM}", "--domain=SOCTRANG",
            "--server-role=dc", "--dns-backend=NONE", "--use-rfc2307", "--host-name=dc1",
            f"--adminpass={ADMIN_PASSWORD}", f"--targetdir={self.root}",
            "--option=netbios name=DC1", "--option=interfaces=127.0.0.1",
            "--option=bind interfaces only=yes",
        )  # fmt: skip
        self.conf.write_text(self._smb_conf())
        self._certificates()
        self._tool(
            "domain", "passwordsettings", "set", "--complexity=on", "--history-length=24",
            "--min-pwd-length=7", "--min-pwd-age=1", "--max-pwd-age=0",
            f"--account-lockout-threshold={LOCKOUT_THRESHOLD}", "--account-lockout-duration=0",
            "--reset-account-lockout-after=0",
        )  # fmt: skip

    def _smb_conf(self) -> str:
        r = self.root
        return f"""[global]
\tnetbios name = DC1
\trealm = {REALM}
\tworkgroup = SOCTRANG
\tserver role = active directory domain controller
\tserver services = ldap
\tinterfaces = 127.0.0.1
\tbind interfaces only = yes
\tprivate dir = {r}/private
\tlock directory = {r}
\tstate directory = {r}/state
\tcache directory = {r}/cache
\tbinddns dir = {r}/bind-dns
\tpid directory = {r}/run
\tncalrpc dir = {r}/sock/ncalrpc
\twinbindd socket directory = {r}/sock/winbindd
\tntp signd socket directory = {r}/sock/ntp_signd
\tlog file = {r}/log/samba.log
\tlogging = file
\tlog level = 1
\tmax log size = 0
\tidmap_ldb:use rfc2307 = yes
\ttls enabled = yes
\told password allowed period = 0
"""

    def _certificates(self) -> None:
        """A throwaway CA and a certificate for 127.0.0.1 in Samba's default TLS paths."""
        tls = self.root / "private" / "tls"
        work = self.root / "private" / "tls-ca"
        tls.mkdir(parents=True, exist_ok=True)
        work.mkdir(parents=True, exist_ok=True)
        (work / "server.ext").write_text(
            "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:dc1.soctrang.local\n"
            "extendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n"
            "keyUsage=critical,digitalSignature,keyEncipherment\n"
        )
        ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        self._run(OPENSSL, "req", "-x509", *ec, "-days", "2", "-subj", "/CN=govid tests AD CA",
                  "-keyout", str(work / "ca.key"), "-out", str(self.ca_file),
                  "-addext", "basicConstraints=critical,CA:TRUE",
                  "-addext", "keyUsage=critical,keyCertSign,cRLSign")  # fmt: skip
        self._run(OPENSSL, "req", *ec, "-subj", "/CN=dc1.soctrang.local",
                  "-keyout", str(tls / "key.pem"), "-out", str(work / "server.csr"))  # fmt: skip
        self._run(OPENSSL, "x509", "-req", "-in", str(work / "server.csr"),
                  "-CA", str(self.ca_file), "-CAkey", str(work / "ca.key"), "-CAcreateserial",
                  "-days", "2", "-extfile", str(work / "server.ext"),
                  "-out", str(tls / "cert.pem"))  # fmt: skip
        (tls / "key.pem").chmod(0o600)

    def start(self) -> None:
        log = open(self.root / "log" / "stdout.log", "ab")  # noqa: SIM115  (samba holds it)
        # -F: foreground, so the PID is ours; a session of its own: no terminal signal reaches it.
        self.process = subprocess.Popen(
            [SAMBA, "-F", "-s", str(self.conf)],
            cwd=self.root,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + 90
        while True:
            try:
                self.admin().unbind_s()
                return
            except Exception:  # not answering yet
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    text = (self.root / "log" / "samba.log").read_text(errors="replace")
                    raise RuntimeError(f"samba did not answer on {URL}:\n{text[-3000:]}") from None
                time.sleep(0.3)

    def stop(self) -> None:
        """TERM to our samba (it stops its own task processes); KILL its process group later."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)  # the group is this PID's own session
            process.wait(timeout=5)

    def seed(self) -> None:
        """The OUs, govid's service account and its delegation, the seeded users and locks."""
        conn = self.admin()
        for dn, name in ((MAILBOXES, b"Mailboxes"), (SERVICES, b"Services")):
            conn.add_s(dn, [("objectClass", [b"organizationalUnit"]), ("ou", [name])])
        conn.add_s(
            SERVICE_DN,
            [
                ("objectClass", [b"user"]),
                ("sAMAccountName", [b"govid-svc"]),
                ("userPrincipalName", [f"govid-svc@{DNS_DOMAIN}".encode()]),
                ("description", [b"govid password-recovery portal"]),
                ("unicodePwd", [unicode_pwd(SERVICE_PASSWORD)]),
                ("userAccountControl", [b"%d" % (NORMAL_ACCOUNT | DONT_EXPIRE_PASSWORD)]),
            ],
        )
        sid = self._sid(conn, SERVICE_DN)
        conn.unbind_s()
        sddl = f"(OA;CIIO;CR;{RESET_PASSWORD};{USER_CLASS};{sid})"
        sddl += "".join(f"(OA;CIIO;RPWP;{guid};{USER_CLASS};{sid})" for guid in WRITABLE.values())
        self._tool("dsacl", "set", f"--objectdn={MAILBOXES}", f"--sddl={sddl}")
        for user in (USER1, LOCKED, NOMOBILE):
            self.add_user(MAILBOXES, user.login, password=user.password, name=user.name,
                          mobile=user.mobile)  # fmt: skip
        self.add_user(MAILBOXES, DISABLED.login, password=DISABLED.password, name=DISABLED.name,
                      mobile=DISABLED.mobile, disabled=True)  # fmt: skip
        self.lock_out(LOCKED.dn)

    @staticmethod
    def _sid(conn: Any, dn: str) -> str:
        import ldap

        raw = conn.search_s(dn, ldap.SCOPE_BASE, "(objectClass=*)", ["objectSid"])[0][1]
        sid = raw["objectSid"][0]
        authority = int.from_bytes(sid[2:8], "big")
        subs = [int.from_bytes(sid[8 + 4 * i : 12 + 4 * i], "little") for i in range(sid[1])]
        return f"S-{sid[0]}-{authority}-" + "-".join(map(str, subs))

    def _run(self, *command: str) -> None:
        result = subprocess.run(command, cwd=self.root, capture_output=True, timeout=120)
        if result.returncode != 0:
            output = (result.stdout + result.stderr).decode(errors="replace")
            raise RuntimeError(f"{command[0]} {command[1]} failed:\n{output[-3000:]}")

    def _tool(self, *args: str) -> None:
        sam = self.root / "private" / "sam.ldb"
        self._run(SAMBA_TOOL, *args, "-s", str(self.conf), "-H", str(sam))

    # --- arranging entries, as the domain's Administrator (never govid's account) ---

    def connect(self, url: str = URL) -> Any:
        import ldap

        conn = ldap.initialize(url)
        conn.set_option(ldap.OPT_PROTOCOL_VERSION, 3)
        conn.set_option(ldap.OPT_REFERRALS, 0)
        conn.set_option(ldap.OPT_NETWORK_TIMEOUT, 5)
        conn.set_option(ldap.OPT_X_TLS_CACERTFILE, str(self.ca_file))
        conn.set_option(ldap.OPT_X_TLS_REQUIRE_CERT, ldap.OPT_X_TLS_DEMAND)
        conn.set_option(ldap.OPT_X_TLS_NEWCTX, 0)
        return conn

    def admin(self) -> Any:
        conn = self.connect()
        conn.simple_bind_s(ADMIN_UPN, ADMIN_PASSWORD)
        return conn

    def container(self, *units: str) -> str:
        """A fresh OU under OU=Mailboxes (inside the delegation), with these units inside."""
        dn = f"OU=t{next(self._containers)},{MAILBOXES}"
        conn = self.admin()
        for where in [dn, *(f"OU={unit},{dn}" for unit in units)]:
            ou = where.split(",", 1)[0].split("=", 1)[1]
            conn.add_s(where, [("objectClass", [b"organizationalUnit"]), ("ou", [ou.encode()])])
        conn.unbind_s()
        return dn

    def add_user(
        self,
        parent: str,
        login: str,
        *,
        password: str,
        name: str = "Nguyễn Văn An",
        mail: str | None = "",
        mobile: str = "",
        disabled: bool = False,
    ) -> str:
        """A user under ``parent``; ``mail`` empty: login@soctrang.gov.vn, None: no mail."""
        dn = f"CN={login},{parent}"
        address = f"{login}@{MAIL_DOMAIN}" if mail == "" else mail
        control = NORMAL_ACCOUNT | (ACCOUNTDISABLE if disabled else 0)
        attrs = {
            "objectClass": [b"user"],
            "sAMAccountName": [login.encode()],
            "userPrincipalName": [f"{login}@{DNS_DOMAIN}".encode()],
            "displayName": [name.encode()],
            "mail": [address.encode()] if address else [],
            "mobile": [mobile.encode()] if mobile else [],
            "unicodePwd": [unicode_pwd(password)],
            "userAccountControl": [b"%d" % control],
        }
        conn = self.admin()
        conn.add_s(dn, [(key, values) for key, values in attrs.items() if values])
        conn.unbind_s()
        return dn

    def remove(self, dn: str) -> None:
        """Delete an entry and everything under it (sAMAccountNames are unique domain-wide)."""
        import ldap

        conn = self.admin()
        found = conn.search_s(dn, ldap.SCOPE_SUBTREE, "(objectClass=*)", ["1.1"])
        for entry in sorted((entry for entry, _attrs in found), key=len, reverse=True):
            conn.delete_s(entry)
        conn.unbind_s()

    def lock_out(self, dn: str) -> None:
        """Lock the user out the way AD does it: bad passwords up to the threshold."""
        for attempt in range(LOCKOUT_THRESHOLD):
            assert not self.binds(dn, f"Sai#Matkhau{attempt}")
        assert self.read(dn, "msDS-User-Account-Control-Computed")[0] & LOCKOUT

    def read(self, dn: str, *attributes: str) -> list[int]:
        """Integer attributes of an entry, as the Administrator reads them (0 when absent)."""
        import ldap

        conn = self.admin()
        found = conn.search_s(dn, ldap.SCOPE_BASE, "(objectClass=*)", list(attributes))[0][1]
        conn.unbind_s()
        folded = {key.lower(): values for key, values in found.items()}
        return [int(folded.get(name.lower(), [b"0"])[0]) for name in attributes]

    def modify(self, dn: str, changes: list[Any]) -> None:
        conn = self.admin()
        conn.modify_s(dn, changes)
        conn.unbind_s()

    def set_max_password_age(self, age: timedelta | None) -> None:
        """The domain's maxPwdAge (None: passwords never expire), in AD's negative 100 ns ticks."""
        import ldap

        ticks = -int(age.total_seconds() * 10_000_000) if age else -(2**63)
        self.modify(BASE, [(ldap.MOD_REPLACE, "maxPwdAge", [str(ticks).encode()])])

    def set_min_password_length(self, length: int) -> None:
        """The domain's minPwdLength (provisioned at 7)."""
        import ldap

        self.modify(BASE, [(ldap.MOD_REPLACE, "minPwdLength", [str(length).encode()])])

    def binds(self, dn: str, password: str, url: str = URL) -> bool:
        """Whether a simple bind over verified LDAPS (or StartTLS) succeeds with this password."""
        import ldap

        conn = self.connect(url)
        try:
            if url.startswith("ldap://"):
                conn.start_tls_s()
            conn.simple_bind_s(dn, password)
        except ldap.INVALID_CREDENTIALS:
            return False
        finally:
            with suppress(ldap.LDAPError):
                conn.unbind_s()
        return True

    # --- govid's configuration on this DC ---

    def settings(self, base_dn: str = MAILBOXES, **overrides: Any) -> Any:
        from govid.directory.conf import AdSettings

        values: dict[str, Any] = {
            "url": URL,
            "ca_file": str(self.ca_file),
            "bind_dn": SERVICE_DN,
            "bind_password": SERVICE_PASSWORD,
            "base_dn": base_dn,
            "timeout": timedelta(seconds=5),
            **overrides,
        }
        return AdSettings(**values)

    def environment(self, base_dn: str = MAILBOXES) -> dict[str, str]:
        """The GOVID_* variables of a deployment on this DC."""
        return {
            "GOVID_DIRECTORY": "ad",
            "GOVID_LDAP_URL": URL,
            "GOVID_LDAP_CA_FILE": str(self.ca_file),
            "GOVID_LDAP_BIND_DN": SERVICE_DN,
            "GOVID_LDAP_BIND_PASSWORD": SERVICE_PASSWORD,
            "GOVID_LDAP_BASE_DN": base_dn,
        }


@contextmanager
def samba_ad_server() -> Iterator[SambaAd]:
    """Provision, start and seed a DC; stop it and delete its folder afterwards."""
    # Short path: Samba's unix sockets live under it.
    root = Path(tempfile.mkdtemp(prefix="govid-ad-", dir="/tmp"))
    server = SambaAd(root)
    try:
        server.provision()
        server.start()
        server.seed()
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def samba_ad() -> Iterator[SambaAd]:
    with samba_ad_server() as server:
        yield server
