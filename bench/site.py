"""A govid deployment in production shape, on loopback, for one benchmark.

PostgreSQL (durable, as production runs it) and Redis from Debian's packages, the web server as
`make run` starts it (deploy/serve.py, one process per core as with Redis in production), a separate
`manage.py worker` for the SMS, JSON logs and an access log on disk. Everything is started in
a throwaway folder and stopped by PID.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bench.machine import children_of, cpu_seconds
from govid.limits.conf import LimitSettings
from tests.servers import free_port, stop, wait_for_port
from tests.servers.postgres import postgres
from tests.servers.redis import redis

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "Demo@2026"
DOMAIN = "soctrang.gov.vn"


def account_login(n: int) -> str:
    return f"bench{n:07d}@{DOMAIN}"


def account_phone(n: int) -> str:
    return f"+8439{n:07d}"


@dataclass
class Site:
    url: str
    var_dir: Path
    env: dict[str, str]
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def outbox(self) -> Path:
        return self.var_dir / "sms-outbox.jsonl"

    def server_pids(self) -> list[int]:
        """The web server's processes (not the SMS worker: it works after the response)."""
        return children_of(self.processes[0].pid)

    def server_cpu(self) -> float:
        return cpu_seconds(self.server_pids())

    def all_cpu(self) -> float:
        """CPU of every govid process: the web server and the SMS worker."""
        return sum(cpu_seconds(children_of(p.pid)) for p in self.processes)


# The benchmarks' clients all come from 127.0.0.1 and reuse a few thousand accounts: that one
# address stands for the whole province, so every ceiling is raised out of reach (the counters
# are still kept, as in production) and the proof of work never shows.
CROWD_LIMITS = {
    **{
        f"GOVID_LIMITS_{name.upper()}": "100000000/3600"
        for name, value in vars(LimitSettings()).items()
        if "/" in str(value)  # every COUNT/SECONDS rule
    },
    "GOVID_CAPTCHA_AFTER_IP": "100000000",
    "GOVID_CAPTCHA_AFTER_NET": "100000000",
}


def environment(var_dir: Path, port: int, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "GOVID_VAR_DIR": str(var_dir),
        "PORT": str(port),
        "GOVID_TASKS_WORKER": "external",
        "GOVID_LOG_FORMAT": "json",
        "GOVID_ACCESS_LOG": str(var_dir / "access.log"),
        "GOVID_SECRET_KEY": "bench-" + "x" * 50,
        **CROWD_LIMITS,
        **extra,
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def setup_django(env: dict[str, str]) -> None:
    """Point this process at the site (same variables as its servers) and migrate."""
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "govid.settings"
    os.environ["GOVID_LOG_LEVEL"] = "WARNING"  # this process only sets up and measures
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)


def add_sql_accounts(count: int, *, batch: int = 5000) -> None:
    """``count`` accounts with phones in one unit, all with PASSWORD (hashed once)."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection

    from govid.directory.models import StoredAccount, Unit

    unit, _ = Unit.objects.get_or_create(code="BENCH", defaults={"name": "Đơn vị đo tải"})
    encoded = make_password(PASSWORD)
    start = StoredAccount.objects.count()
    rows = (
        (account_login(n), f"Cán bộ {n}", unit.pk, account_phone(n), False, encoded)
        for n in range(start, count)
    )
    if connection.vendor == "postgresql":
        _copy_accounts(rows)
        return
    chunk: list[StoredAccount] = []
    for login, name, unit_id, phone, locked, password in rows:
        fields = {"login": login, "name": name, "unit_id": unit_id, "phone": phone}
        chunk.append(StoredAccount(**fields, locked=locked, password=password))
        if len(chunk) >= batch:
            StoredAccount.objects.bulk_create(chunk)
            chunk = []
    StoredAccount.objects.bulk_create(chunk)


def _copy_accounts(rows: Iterator[tuple[str, str, int, str, bool, str]]) -> None:
    """PostgreSQL's COPY: a million rows in seconds."""
    from django.db import connection

    from govid.directory.models import StoredAccount

    table = StoredAccount._meta.db_table
    columns = "login, name, unit_id, phone, locked, password, created_at, updated_at"
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg 3's own cursor
        with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row((*row, "now", "now"))
        cursor.execute(f"VACUUM ANALYZE {table}")  # the steady state, not autovacuum's catch-up


# The servers `make bench` compares (server_floor): production's (deploy/serve.py, as `make run`
# starts it) and the former one, gunicorn with its configuration.
SERVERS = {
    "granian": [sys.executable, "deploy/serve.py"],
    "gunicorn": [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "govid.wsgi"],
}
PRODUCTION = "granian"


def start_web(site: Site, root: Path, server: str = PRODUCTION) -> None:
    """The web server alone, first in ``site.processes``."""
    log = open(site.var_dir / "server.log", "ab")  # noqa: SIM115  (the server holds it)
    web = subprocess.Popen(
        SERVERS[server], cwd=root, env=site.env, stdout=log, stderr=subprocess.STDOUT
    )
    site.processes.insert(0, web)
    log.close()
    wait_for_port(int(site.env["PORT"]), web, site.var_dir / "server.log", timeout=60)
    _wait_for_workers(site)


def stop_web(site: Site) -> None:
    stop(site.processes.pop(0), grace=15)


def start_servers(site: Site, root: Path, server: str = PRODUCTION) -> None:
    """The web server as production runs it, then the SMS worker."""
    start_worker(site, root)
    start_web(site, root, server)


def start_worker(
    site: Site, root: Path, *, extra_env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    """`manage.py worker` (the SMS), appended to ``site.processes``; returns once it runs."""
    log_path = site.var_dir / "server.log"
    log = open(log_path, "ab")  # noqa: SIM115  (the worker holds it)
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "worker"],
        cwd=root, env={**site.env, **(extra_env or {})}, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    site.processes.append(worker)
    log.close()
    deadline = time.monotonic() + 120  # a busy machine boots Django slowly
    while worker.poll() is None and time.monotonic() < deadline:
        if f"-{worker.pid} started" in log_path.read_text(errors="replace"):
            break  # "worker <host>-<pid> started": it listens for new tasks now
        time.sleep(0.05)
    if worker.poll() is not None:
        raise RuntimeError(f"the worker stopped:\n{log_path.read_text(errors='replace')}")
    return worker


def stop_worker(site: Site, worker: subprocess.Popen[bytes]) -> None:
    site.processes.remove(worker)
    stop(worker, grace=15)


def _wait_for_workers(site: Site) -> None:
    """Until every server process has booted (their first requests would be slow)."""
    import urllib.request

    wanted = int(site.env.get("GOVID_WORKERS", os.cpu_count() or 1))
    deadline = time.monotonic() + 60
    while len(site.server_pids()) < wanted + 1 and time.monotonic() < deadline:
        time.sleep(0.1)
    for _ in range(wanted * 4):
        with urllib.request.urlopen(f"{site.url}/healthz", timeout=60) as answer:
            answer.read()


@contextmanager
def production_site(tmp: Path, *, extra_env: dict[str, str] | None = None) -> Iterator[Site]:
    """PostgreSQL + Redis + web server + worker; this process is set up on the same database."""
    with ExitStack() as stack:
        database = stack.enter_context(postgres(durable=True))
        cache = stack.enter_context(redis())
        var_dir = tmp / "var"
        var_dir.mkdir(parents=True, exist_ok=True)
        port = free_port()
        env = environment(
            var_dir,
            port,
            GOVID_DATABASE_URL=database.url(),
            GOVID_REDIS_URL=cache.url(),
            **(extra_env or {}),
        )
        setup_django(env)
        site = Site(url=f"http://127.0.0.1:{port}", var_dir=var_dir, env=env)
        stack.callback(_stop_all, site)
        yield site


def _stop_all(site: Site) -> None:
    for process in reversed(site.processes):
        stop(process, grace=15)


def serve(site: Site, server: str = PRODUCTION) -> None:
    """Start the site's servers once its data is in place."""
    from django.db import connections

    connections.close_all()
    start_servers(site, ROOT, server)
