"""Debian's nginx in front of several govid instances on loopback, as a province's load balancer
runs it: the shipped proxy headers (deploy/nginx/govid-proxy.conf), one public address, and
each request sent to the next instance in turn. Stopped by PID.

A request carrying ``X-Govid-Instance: <n>`` goes to the n-th instance (from 0) instead, so a
test can say which instance serves which step of a journey; requests without it (the service
providers' own calls to govid) go round the instances as usual.

Plain HTTP on one port, and the Host header passed with its port (``$http_host``, where the
shipped site's ``$host`` drops it: it listens on 443), so that govid builds the addresses the
browser and the service providers used.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.servers import free_port, stop, wait_for_port

NGINX = "/usr/sbin/nginx"
ROOT = Path(__file__).resolve().parents[2]
PROXY_HEADERS = ROOT / "deploy" / "nginx" / "govid-proxy.conf"
INSTANCE_HEADER = "X-Govid-Instance"

SITE = """\
upstream govid {{
{servers}
}}
map $http_x_govid_instance $govid_backend {{
    default govid;
{choices}
}}
server {{
    listen 127.0.0.1:{port};
    location / {{
        proxy_pass http://$govid_backend;
        include {root}/govid-proxy.conf;
    }}
}}
"""


@dataclass(frozen=True)
class Nginx:
    url: str  # http://127.0.0.1:<port>, no trailing slash
    root: Path


def _main_config(root: Path) -> str:
    """What Debian's /etc/nginx/nginx.conf provides, with every path in ``root``."""
    kinds = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    temp = " ".join(f"{kind}_temp_path {root / kind};" for kind in kinds)
    return (
        "user root;\n"  # the workers write their buffers into the test's own folders
        f"worker_processes 1;\npid {root / 'nginx.pid'};\nerror_log {root / 'error.log'};\n"
        "events { worker_connections 256; }\n"
        "http {\n  include /etc/nginx/mime.types;\n  default_type application/octet-stream;\n"
        f"  access_log {root / 'access.log'};\n  {temp}\n  include {root / 'site.conf'};\n}}\n"
    )


def _proxy_headers() -> str:
    """The shipped proxy headers, with the Host passed as the client sent it (port included)."""
    text = PROXY_HEADERS.read_text()
    shipped = "proxy_set_header Host $host;"
    assert shipped in text, f"{PROXY_HEADERS} no longer contains {shipped!r}"
    return text.replace(shipped, "proxy_set_header Host $http_host;")


@contextmanager
def nginx_in_front(root: Path, upstreams: Sequence[str]) -> Iterator[Nginx]:
    """nginx on a free port spreading requests over ``upstreams`` (``http://127.0.0.1:PORT``)."""
    if not Path(NGINX).exists():
        raise RuntimeError(f"{NGINX} is missing: `make test` installs Debian's nginx")
    port = free_port()
    hosts = [upstream.removeprefix("http://") for upstream in upstreams]
    (root / "govid-proxy.conf").write_text(_proxy_headers())
    (root / "site.conf").write_text(
        SITE.format(
            servers="\n".join(f"    server {host};" for host in hosts),
            choices="\n".join(f"    {n} {host};" for n, host in enumerate(hosts)),
            port=port,
            root=root,
        )
    )
    (root / "nginx.conf").write_text(_main_config(root))
    command = [NGINX, "-p", str(root), "-c", str(root / "nginx.conf")]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True, check=False)
    if checked.returncode != 0:
        raise RuntimeError(checked.stderr)
    with open(root / "nginx.out", "wb") as out:
        process = subprocess.Popen([*command, "-g", "daemon off;"], stdout=out, stderr=out)
    try:
        wait_for_port(port, process, root / "error.log")
        yield Nginx(url=f"http://127.0.0.1:{port}", root=root)
    finally:
        stop(process)
