"""Apache httpd from Debian protecting ``/secret/`` with one authentication module, on a free
loopback port, its files in a throwaway directory, stopped by PID.

The service providers of the federation tests (``apache_cas``, ``apache_mellon``) differ only
in their module's lines and in what ``/secret/`` prints: the frame is here. ``/secret/`` is a
CGI printing ``name=value`` lines as text/plain; ``/health.txt`` answers ``ok`` once Apache
serves; ``/logged-out.html`` is where a single logout may land.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.servers import free_port, spawn, stop, wait_until

APACHE = "/usr/sbin/apache2"
MODULES = Path("/usr/lib/apache2/modules")

FRAME = """\
ServerRoot "{dir}"
ServerName 127.0.0.1
Listen 127.0.0.1:{port}
PidFile "{dir}/run/httpd.pid"
DefaultRuntimeDir "{dir}/run"
Mutex file:{dir}/run default
ErrorLog "{dir}/log/error.log"
LogLevel warn {log_level}
{user}
ServerTokens Prod
Timeout 30
LoadModule mpm_event_module {modules}/mod_mpm_event.so
LoadModule authn_core_module {modules}/mod_authn_core.so
LoadModule authz_core_module {modules}/mod_authz_core.so
LoadModule authz_user_module {modules}/mod_authz_user.so
LoadModule headers_module {modules}/mod_headers.so
LoadModule setenvif_module {modules}/mod_setenvif.so
LoadModule mime_module {modules}/mod_mime.so
LoadModule alias_module {modules}/mod_alias.so
LoadModule cgid_module {modules}/mod_cgid.so
{load}
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
{module_config}
ScriptAliasMatch "^/secret/$" "{dir}/cgi-bin/attributes.cgi"
"""


@dataclass(frozen=True)
class Module:
    """What one authentication module adds to the frame."""

    name: str  # e.g. "auth_cas" (the .so is mod_<name>.so, the LoadModule <name>_module)
    label: str  # for error messages: "mod_auth_cas"
    config: str  # the module's lines; {dir}, {port}, {url} are filled in
    cgi: str  # the /secret/ script
    folders: Sequence[str] = ()  # more folders under the root, writable by Apache's children
    prepare: Callable[[Path, str], None] | None = None  # (root, url) before the start


@dataclass(frozen=True)
class ApacheSite:
    url: str  # http://127.0.0.1:PORT/
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
def apache(module: Module, *, signed_out_title: str) -> Iterator[ApacheSite]:
    """Apache with ``module`` protecting ``/secret/``, until the block ends."""
    so = MODULES / f"mod_{module.name}.so"
    if not (Path(APACHE).exists() and so.exists()):
        raise RuntimeError(f"apache2 or {module.label} missing: `make test` installs them")
    root = Path(tempfile.mkdtemp(prefix=f"govid-{module.name}-", dir="/tmp"))
    root.chmod(0o755)  # Apache's children (www-data when we are root) must enter it
    for name in ("run", "log", "htdocs", "cgi-bin", "keys", *module.folders):
        (root / name).mkdir()
        (root / name).chmod(0o755)
    user = "# not root: children run as this user"
    if os.geteuid() == 0:
        user = "User www-data\nGroup www-data"
        for name in ("log", *module.folders):
            shutil.chown(root / name, "www-data", "www-data")
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    if module.prepare is not None:
        module.prepare(root, url)
    config = FRAME.format(
        dir=root,
        port=port,
        user=user,
        modules=MODULES,
        log_level=f"{module.name}:info",
        load=f"LoadModule {module.name}_module {so}",
        module_config=module.config.format(dir=root, port=port, url=url),
    )
    (root / "httpd.conf").write_text(config)
    cgi = root / "cgi-bin" / "attributes.cgi"
    cgi.write_text(module.cgi)
    cgi.chmod(0o755)
    (root / "htdocs" / "health.txt").write_text("ok\n")
    (root / "htdocs" / "logged-out.html").write_text(
        f"<!doctype html><title>Signed out</title><h1>{signed_out_title}</h1>\n"
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
        wait_until(lambda: _ready(url), what=f"Apache with {module.label}", processes=[process])
        yield ApacheSite(url=url, directory=root)
    finally:
        stop(process)
        shutil.rmtree(root, ignore_errors=True)
