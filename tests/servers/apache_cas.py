"""A CAS client from Debian: Apache httpd with mod_auth_cas protecting ``/secret/``, on a free
loopback port, its files in a throwaway directory, stopped by PID.

After a login through the CAS server, ``/secret/`` is a CGI that prints, as text/plain
``name=value`` lines, ``REMOTE_USER`` and each attribute the server released
(``CAS_<NAME>=value``). ``CASSSOEnabled On``: a single-logout POST (``logoutRequest``) from the
server to the service URL ends the client's session. Needs apache2 and libapache2-mod-auth-cas.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.servers import free_port, spawn, stop, wait_until

APACHE = "/usr/sbin/apache2"
MODULES = Path("/usr/lib/apache2/modules")

CONFIG = """\
ServerRoot "{dir}"
ServerName 127.0.0.1
Listen 127.0.0.1:{port}
PidFile "{dir}/run/httpd.pid"
DefaultRuntimeDir "{dir}/run"
Mutex file:{dir}/run default
ErrorLog "{dir}/log/error.log"
LogLevel warn auth_cas:info
{user}
ServerTokens Prod
Timeout 30
LoadModule mpm_event_module {modules}/mod_mpm_event.so
LoadModule authn_core_module {modules}/mod_authn_core.so
LoadModule authz_core_module {modules}/mod_authz_core.so
LoadModule authz_user_module {modules}/mod_authz_user.so
LoadModule auth_cas_module {modules}/mod_auth_cas.so
LoadModule headers_module {modules}/mod_headers.so
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
CASVersion 2
CASLoginURL {cas}/login
CASValidateURL {cas}/p3/serviceValidate
CASCookiePath {dir}/cas-cache/
CASTimeout 3600
CASIdleTimeout 3600
CASSSOEnabled On
# Attributes reach the CGI as request headers (HTTP_CAS_<NAME>): Apache drops "_" names.
CASAttributePrefix CAS-
CASAttributeDelimiter ,
<Location /secret/>
  AuthType CAS
  CASAuthNHeader CAS-User
  Require valid-user
  Header always set Cache-Control "no-store"
</Location>
ScriptAliasMatch "^/secret/$" "{dir}/cgi-bin/attributes.cgi"
"""

CGI = """\
#!/bin/sh
printf 'Content-Type: text/plain; charset=utf-8\\r\\n\\r\\n'
printf 'REMOTE_USER=%s\\n' "${REMOTE_USER:-}"
env | LC_ALL=C grep '^HTTP_CAS_' | LC_ALL=C grep -v '^HTTP_CAS_USER=' \\
  | sed 's/^HTTP_CAS_/CAS_/' | LC_ALL=C sort
"""


@dataclass(frozen=True)
class ApacheCas:
    url: str  # http://127.0.0.1:PORT/ (the service prefix to register)
    directory: Path

    @property
    def secret_url(self) -> str:
        return self.url + "secret/"

    def error_log(self) -> str:
        path = self.directory / "log" / "error.log"
        return path.read_text(errors="replace") if path.exists() else ""


def _ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "health.txt", timeout=2) as answer:  # noqa: S310
            return bool(answer.read().strip() == b"ok")
    except OSError:
        return False


@contextmanager
def apache_cas(cas_base_url: str) -> Iterator[ApacheCas]:
    """Apache + mod_auth_cas using the CAS server at ``cas_base_url`` (``http://.../cas``)."""
    if not (Path(APACHE).exists() and (MODULES / "mod_auth_cas.so").exists()):
        raise RuntimeError("apache2 or mod_auth_cas missing: `make test` installs them")
    root = Path(tempfile.mkdtemp(prefix="govid-cas-", dir="/tmp"))
    root.chmod(0o755)  # Apache's children (www-data when we are root) must enter it
    for name in ("run", "log", "htdocs", "cgi-bin", "cas-cache"):
        (root / name).mkdir()
        (root / name).chmod(0o755)
    user = "# not root: children run as this user"
    if os.geteuid() == 0:
        user = "User www-data\nGroup www-data"
        shutil.chown(root / "cas-cache", "www-data", "www-data")
        shutil.chown(root / "log", "www-data", "www-data")
    port = free_port()
    (root / "httpd.conf").write_text(
        CONFIG.format(dir=root, port=port, user=user, modules=MODULES, cas=cas_base_url.rstrip("/"))
    )
    cgi = root / "cgi-bin" / "attributes.cgi"
    cgi.write_text(CGI)
    cgi.chmod(0o755)
    (root / "htdocs" / "health.txt").write_text("ok\n")
    (root / "htdocs" / "logged-out.html").write_text(
        "<!doctype html><title>Signed out</title><h1>Signed out of the CAS client</h1>\n"
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
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_until(lambda: _ready(url), what="Apache with mod_auth_cas", processes=[process])
        yield ApacheCas(url=url, directory=root)
    finally:
        stop(process)
        shutil.rmtree(root, ignore_errors=True)
