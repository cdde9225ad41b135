"""A SAML service provider from Debian: Apache httpd with mod_auth_mellon protecting
``/secret/``, on a free loopback port, its files in a throwaway directory, stopped by PID.

mod_auth_mellon signs its AuthnRequests (RSA-SHA256), asks a transient NameID, takes the
Response at ``/mellon/postResponse`` (HTTP-POST) and speaks single logout on HTTP-Redirect
(``/mellon/logout``). After a login ``/secret/`` is a CGI that prints, as text/plain
``name=value`` lines, ``REMOTE_USER``, ``MELLON_NAME_ID`` and every ``MELLON_*`` attribute (the
common OIDs also under their short names: ``MELLON_mail``, ``MELLON_displayName``,
``MELLON_ou``). Needs apache2 and libapache2-mod-auth-mellon.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from tests.servers import free_port, spawn, stop, wait_until

APACHE = "/usr/sbin/apache2"
MODULES = Path("/usr/lib/apache2/modules")
CREATE_METADATA = "/usr/sbin/mellon_create_metadata"

CONFIG = """\
ServerRoot "{dir}"
ServerName 127.0.0.1
Listen 127.0.0.1:{port}
PidFile "{dir}/run/httpd.pid"
DefaultRuntimeDir "{dir}/run"
Mutex file:{dir}/run default
ErrorLog "{dir}/log/error.log"
LogLevel warn auth_mellon:info
{user}
ServerTokens Prod
Timeout 30
LoadModule mpm_event_module {modules}/mod_mpm_event.so
LoadModule authn_core_module {modules}/mod_authn_core.so
LoadModule authz_core_module {modules}/mod_authz_core.so
LoadModule authz_user_module {modules}/mod_authz_user.so
LoadModule auth_mellon_module {modules}/mod_auth_mellon.so
LoadModule headers_module {modules}/mod_headers.so
LoadModule setenvif_module {modules}/mod_setenvif.so
LoadModule mime_module {modules}/mod_mime.so
LoadModule alias_module {modules}/mod_alias.so
LoadModule cgid_module {modules}/mod_cgid.so
StartServers 1
ServerLimit 1
ThreadsPerChild 8
MaxRequestWorkers 8
ScriptSock "{dir}/run/cgid.sock"
TypesConfig /etc/mime.types
AddDefaultCharset utf-8
DocumentRoot "{dir}/htdocs"
<Directory />
  AllowOverride None
  Require all denied
</Directory>
<Directory "{dir}/htdocs">
  Require all granted
</Directory>
<Directory "{dir}/cgi-bin">
  Require all granted
</Directory>
MellonCacheSize 100
MellonLockFile "{dir}/run/mellon.lock"
# Plain http on loopback: a "SameSite=None" cookie without "Secure" is dropped by Chromium;
# without the attribute it is Lax, and 127.0.0.1 (govid) -> 127.0.0.1 (SP) is same-site.
SetEnvIf Request_URI "." MELLON_DISABLE_SAMESITE=1
<Location />
  MellonEnable info
  MellonEndpointPath /mellon
  MellonSecureCookie Off
  MellonSPPrivateKeyFile "{dir}/keys/sp.key"
  MellonSPCertFile "{dir}/keys/sp.cert"
  MellonSPMetadataFile "{dir}/sp-metadata.xml"
  MellonIdPMetadataFile "{dir}/idp-metadata.xml"
  MellonUser NAME_ID
  MellonIdP IDP
  MellonSessionLength 3600
  MellonDefaultLoginPath /secret/
  MellonSetEnv mail urn:oid:0.9.2342.19200300.100.1.3
  MellonSetEnv displayName urn:oid:2.16.840.1.113730.3.1.241
  MellonSetEnv ou urn:oid:2.5.4.11
</Location>
<Location /secret/>
  AuthType Mellon
  MellonEnable auth
  Require valid-user
  Header always set Cache-Control "no-store"
</Location>
ScriptAliasMatch "^/secret/$" "{dir}/cgi-bin/attributes.cgi"
"""

CGI = """\
#!/bin/sh
printf 'Content-Type: text/plain; charset=utf-8\\r\\n\\r\\n'
printf 'REMOTE_USER=%s\\n' "${REMOTE_USER:-}"
printf 'MELLON_NAME_ID=%s\\n' "${MELLON_NAME_ID:-}"
env | LC_ALL=C grep '^MELLON_' | LC_ALL=C grep -v -e '^MELLON_SESSION=' -e '^MELLON_NAME_ID=' \\
  | LC_ALL=C sort
"""


@dataclass(frozen=True)
class ApacheMellon:
    url: str  # http://127.0.0.1:PORT/
    directory: Path

    @property
    def entity_id(self) -> str:
        return self.url + "mellon/metadata"

    @property
    def metadata(self) -> Path:
        """The SP's metadata, to register at govid (``manage.py sso add-saml-sp``)."""
        return self.directory / "sp-metadata.xml"

    @property
    def secret_url(self) -> str:
        return self.url + "secret/"

    @property
    def logout_url(self) -> str:
        """SP-initiated single logout, landing on /logged-out.html afterwards."""
        return self.url + "mellon/logout?ReturnTo=" + quote(self.url + "logged-out.html", safe="")

    def error_log(self) -> str:
        path = self.directory / "log" / "error.log"
        return path.read_text(errors="replace") if path.exists() else ""


def _ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "health.txt", timeout=2) as answer:  # noqa: S310
            return bool(answer.read().strip() == b"ok")
    except OSError:
        return False


def _make_sp_keys(root: Path, url: str) -> None:
    """Key, self-signed certificate and metadata, made by mellon's own tool."""
    work = root / "keys" / "gen"
    work.mkdir()
    subprocess.run(
        [CREATE_METADATA, url + "mellon/metadata", url + "mellon"],
        cwd=work,
        check=True,
        capture_output=True,
    )
    [key] = work.glob("*.key")
    [cert] = work.glob("*.cert")
    [xml] = work.glob("*.xml")
    key.rename(root / "keys" / "sp.key")
    cert.rename(root / "keys" / "sp.cert")
    xml.rename(root / "sp-metadata.xml")
    work.rmdir()


@contextmanager
def apache_mellon(idp_metadata: str) -> Iterator[ApacheMellon]:
    """Apache + mod_auth_mellon trusting the IdP whose metadata (XML text) is given."""
    if not (Path(APACHE).exists() and (MODULES / "mod_auth_mellon.so").exists()):
        raise RuntimeError("apache2 or mod_auth_mellon missing: `make test` installs them")
    root = Path(tempfile.mkdtemp(prefix="govid-mellon-", dir="/tmp"))
    root.chmod(0o755)  # Apache's children (www-data when we are root) must enter it
    for name in ("run", "log", "htdocs", "cgi-bin", "keys"):
        (root / name).mkdir()
        (root / name).chmod(0o755)
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    _make_sp_keys(root, url)
    (root / "idp-metadata.xml").write_text(idp_metadata)
    user = "# not root: children run as this user"
    if os.geteuid() == 0:
        user = "User www-data\nGroup www-data"
        shutil.chown(root / "log", "www-data", "www-data")
    (root / "httpd.conf").write_text(CONFIG.format(dir=root, port=port, user=user, modules=MODULES))
    cgi = root / "cgi-bin" / "attributes.cgi"
    cgi.write_text(CGI)
    cgi.chmod(0o755)
    (root / "htdocs" / "health.txt").write_text("ok\n")
    (root / "htdocs" / "logged-out.html").write_text(
        "<!doctype html><title>Signed out</title><h1>Signed out of the SAML SP</h1>\n"
    )
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "APACHE_RUN_DIR": str(root / "run"),
        "APACHE_LOCK_DIR": str(root / "run"),
        "APACHE_LOG_DIR": str(root / "log"),
    }
    process = spawn(
        [APACHE, "-d", str(root), "-f", str(root / "httpd.conf"), "-DFOREGROUND"],
        cwd=root,
        log="start.log",
        env=env,
    )
    try:
        wait_until(lambda: _ready(url), what="Apache with mod_auth_mellon", processes=[process])
        yield ApacheMellon(url=url, directory=root)
    finally:
        stop(process)
        shutil.rmtree(root, ignore_errors=True)
