"""The shipped nginx site (deploy/nginx/) in front of gunicorn, run by Debian's nginx on loopback.

The site file is used as shipped, with only its ports, paths and certificate moved to the
test's own (a throwaway self-signed certificate made by openssl). The person's browser
connects from 127.0.0.2, so that its address differs from the proxy's (127.0.0.1), as a
phone's differs from the server's.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from requests.adapters import HTTPAdapter

from tests.e2e.conftest import ROOT, LiveServer, serve
from tests.servers import free_port, stop, wait_for_port

NGINX = "/usr/sbin/nginx"
OPENSSL = "/usr/bin/openssl"
DEPLOY = ROOT / "deploy" / "nginx"
CLIENT = "127.0.0.2"  # any 127.x address is loopback on Linux

pytestmark = pytest.mark.e2e


@dataclass
class Proxy:
    http: str
    https: str
    cert: Path
    root: Path
    live: LiveServer


def _certificate(root: Path) -> Path:
    subprocess.run(
        [OPENSSL, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(root / "privkey.pem"), "-out", str(root / "fullchain.pem")],
        check=True, capture_output=True,
    )  # fmt: skip
    return root / "fullchain.pem"


def _replace(text: str, old: str, new: str) -> str:
    """Replace a line of the shipped file; fail if the file no longer has it."""
    assert old in text, f"deploy/nginx/govid.conf no longer contains {old!r}"
    return text.replace(old, new)


def site_config(root: Path, *, app: int, http: int, https: int, static: Path) -> str:
    """deploy/nginx/govid.conf with its ports, paths and certificate moved under ``root``."""
    text = (DEPLOY / "govid.conf").read_text()
    for old, new in [
        ("server 127.0.0.1:8000;", f"server 127.0.0.1:{app};"),
        ("listen 80;", f"listen 127.0.0.1:{http};"),
        ("listen [::]:80;", ""),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https} ssl http2;"),
        ("listen [::]:443 ssl http2;", ""),
        ("/etc/ssl/govid/fullchain.pem", str(root / "fullchain.pem")),
        ("/etc/ssl/govid/privkey.pem", str(root / "privkey.pem")),
        ("/srv/govid/var/static/", f"{static}/"),
        ("include /etc/nginx/govid-proxy.conf;", f"include {root / 'govid-proxy.conf'};"),
    ]:
        text = _replace(text, old, new)
    return text


def main_config(root: Path) -> str:
    """What Debian's /etc/nginx/nginx.conf provides, with every path in ``root``."""
    kinds = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    temp = " ".join(f"{kind}_temp_path {root / kind};" for kind in kinds)
    return (
        "user root;\n"  # the workers read files from the test's own folders
        f"worker_processes 1;\npid {root / 'nginx.pid'};\nerror_log {root / 'error.log'};\n"
        "events { worker_connections 64; }\n"
        "http {\n  include /etc/nginx/mime.types;\n  default_type application/octet-stream;\n"
        f"  access_log {root / 'access.log'};\n  {temp}\n  include {root / 'govid.conf'};\n}}\n"
    )


@pytest.fixture(scope="module")
def proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxy]:
    if not Path(NGINX).exists():
        pytest.fail(f"{NGINX} is missing: `make test` installs Debian's nginx")
    root = tmp_path_factory.mktemp("nginx")
    with serve(
        tmp_path_factory.mktemp("govid-behind-nginx"),
        setup=(["demo"],),
        GOVID_OPS_TRUSTED_PROXIES="127.0.0.1/32",
    ) as live:
        app = int(live.url.rsplit(":", 1)[1])
        http, https = free_port(), free_port()
        cert = _certificate(root)
        shutil.copy(DEPLOY / "govid-proxy.conf", root / "govid-proxy.conf")
        (root / "govid.conf").write_text(
            site_config(root, app=app, http=http, https=https, static=live.var_dir / "static")
        )
        (root / "nginx.conf").write_text(main_config(root))
        command = [NGINX, "-p", str(root), "-c", str(root / "nginx.conf")]
        checked = subprocess.run([*command, "-t"], capture_output=True, text=True, check=False)
        assert checked.returncode == 0, checked.stderr
        with open(root / "nginx.out", "wb") as out:
            process = subprocess.Popen(
                [*command, "-g", "daemon off;"], stdout=out, stderr=subprocess.STDOUT
            )
        try:
            wait_for_port(https, process, root / "error.log")
            yield Proxy(
                http=f"http://127.0.0.1:{http}",
                https=f"https://127.0.0.1:{https}",
                cert=cert,
                root=root,
                live=live,
            )
        finally:
            stop(process)


class _FromClientAddress(HTTPAdapter):
    """Connect from CLIENT, not from the proxy's own address."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["source_address"] = (CLIENT, 0)
        super().init_poolmanager(*args, **kwargs)


def browser(proxy: Proxy) -> requests.Session:
    http = requests.Session()
    http.mount("https://", _FromClientAddress())
    http.mount("http://", _FromClientAddress())
    http.trust_env = False  # REQUESTS_CA_BUNDLE would replace the certificate given here
    http.verify = str(proxy.cert)
    # As on port 443: the name people type, without a port (CSRF compares it with Referer).
    http.headers.update({"Host": "127.0.0.1", "Referer": "https://127.0.0.1/"})
    return http


def test_plain_http_is_sent_to_https(proxy):
    answer = browser(proxy).get(f"{proxy.http}/", allow_redirects=False, timeout=10)
    assert answer.status_code == 301
    assert answer.headers["Location"] == "https://127.0.0.1/"


def test_static_files_come_from_disk_through_tls(proxy):
    answer = browser(proxy).get(f"{proxy.https}/static/govid/govid.css", timeout=10)
    assert answer.status_code == 200
    assert answer.content == (proxy.live.var_dir / "static" / "govid" / "govid.css").read_bytes()
    assert "immutable" in answer.headers["Cache-Control"]
    assert "X-Request-ID" not in answer.headers  # nginx answered; gunicorn never saw it


def test_each_request_carries_nginx_request_id_into_govid_logs(proxy):
    forged = "chosen-by-the-client-123"
    answer = browser(proxy).get(f"{proxy.https}/", headers={"X-Request-ID": forged}, timeout=10)
    assert answer.status_code == 200 and "Đăng nhập" in answer.text
    rid = answer.headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", rid) and rid != forged
    # gunicorn writes its access line just after the answer has gone out.
    log = proxy.live.var_dir / "access.log"
    deadline = time.monotonic() + 5
    while rid not in log.read_text() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert rid in log.read_text()


def _last_event(live: LiveServer) -> tuple[str, str]:
    code = (
        "from govid.audit.models import Event; e = Event.objects.order_by('-seq').first();"
        "print(e.action, e.ip)"
    )
    action, ip = live.manage("shell", "-c", code).split()[-2:]
    return action, ip


def test_govid_sees_the_real_client_address_not_a_forged_one(proxy):
    http = browser(proxy)
    page = http.get(f"{proxy.https}/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token
    answer = http.post(
        f"{proxy.https}/",
        data={"csrfmiddlewaretoken": token[1], "username": "an.nguyen", "password": "Sai@Mk123"},
        headers={"X-Forwarded-For": "203.0.113.7"},
        timeout=10,
    )
    assert answer.status_code == 400 and "không đúng" in answer.text
    assert _last_event(proxy.live) == ("login_failed", CLIENT)


def test_govid_knows_the_request_came_over_https(proxy):
    answer = browser(proxy).get(f"{proxy.https}/.well-known/openid-configuration", timeout=10)
    assert answer.json()["issuer"].startswith("https://127.0.0.1")


@pytest.mark.parametrize(
    "path", ["/static/", "/static/govid/", "/.git/config", "/static/../manage.py", "/.env"]
)
def test_no_folder_is_listed_and_no_repository_file_is_served(proxy, path):
    answer = browser(proxy).get(f"{proxy.https}{path}", allow_redirects=False, timeout=10)
    assert answer.status_code in (403, 404), (path, answer.status_code)
    assert "Index of" not in answer.text and "[core]" not in answer.text
