"""login_sql and login_ldap: full logins through the real login page, production shape.

Each login is what a person's browser does: GET the login page as a new visitor, POST the
form with its CSRF token, receive the redirect that sets the session. First at a fixed
concurrency (the capacity), then paced at 80% of that capacity (the latency people see on a
busy morning). Prints:

    login_sql: N/s p50 X ms p99 Y ms ratio R of hash_bound (at 80%: p50 X ms p99 Y ms)
    login_ldap: N/s p50 X ms p99 Y ms (govid CPU Z ms per login; at 80%: p50 X ms p99 Y ms)
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench import hash_bound
from bench.browser import Browser
from bench.load import Run, run_wrk
from bench.machine import details, write_result
from bench.site import PASSWORD, Site, account_login, add_sql_accounts, production_site, serve

ACCOUNTS = int(os.environ.get("BENCH_ACCOUNTS", "2000"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "20"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", str(4 * (os.cpu_count() or 1))))
SUCCESS = "/tai-khoan/"


def add_users(count: int) -> None:
    """govid's own rows of people who signed in before (the usual morning: nobody is new)."""
    from django.contrib.auth.hashers import make_password

    from govid.sso.models import User

    unusable = make_password(None)
    User.objects.bulk_create(
        [User(login=account_login(n), name=f"Cán bộ {n}", password=unusable) for n in range(count)],
        batch_size=5000,
        ignore_conflicts=True,
    )


def check_one_login(site: Site) -> None:
    """One login by hand: the redirect the load generator counts must open the account page."""
    browser = Browser(site.url)
    status, location, _ = browser.post_form("/", {"username": "bench0000000", "password": PASSWORD})
    assert (status, location) == (302, SUCCESS), (status, location)
    status, _, page = browser.get(SUCCESS)
    assert status == 200 and "bench0000000" in page, status


def measure(site: Site) -> tuple[Run, Run]:
    """(capacity at CONCURRENCY, the same load paced at 80% of it)."""
    common: dict[str, Any] = {
        "server_cpu": site.server_cpu,
        "BENCH_ACCOUNTS": ACCOUNTS,
        "BENCH_PASSWORD": PASSWORD,
        "BENCH_SUCCESS": SUCCESS,
    }
    run_wrk("login", site.url, connections=CONCURRENCY, seconds=3, **common)  # warm up
    full = run_wrk("login", site.url, connections=CONCURRENCY, seconds=SECONDS, **common)
    paced = run_wrk(
        "login", site.url, connections=CONCURRENCY, seconds=SECONDS, rate=0.8 * full.rate, **common
    )
    return full, paced


def _ms(run: Run) -> str:
    return f"p50 {run.percentile(50):.0f} ms p99 {run.percentile(99):.0f} ms"


def login_sql() -> dict[str, Any]:
    bound = hash_bound.known_or_measured()
    machine = details()
    with (
        tempfile.TemporaryDirectory(prefix="govid-bench-") as tmp,
        production_site(Path(tmp)) as site,
    ):
        add_sql_accounts(ACCOUNTS)
        add_users(ACCOUNTS)
        serve(site)
        check_one_login(site)
        full, paced = measure(site)
    ratio = full.rate / bound
    print(
        f"login_sql: {full.rate:.0f}/s {_ms(full)} ratio {ratio:.2f} of hash_bound "
        f"(at 80%: {_ms(paced)})",
        flush=True,
    )
    result = _result(full, paced, hash_bound=bound, ratio=ratio)
    write_result("login_sql", result, machine=machine)
    return result


def _result(full: Run, paced: Run, **extra: Any) -> dict[str, Any]:
    return {
        "concurrency": CONCURRENCY,
        "accounts": ACCOUNTS,
        "capacity": full.summary(),
        "at_80_percent": {"target_per_s": round(0.8 * full.rate, 2), **paced.summary()},
        **extra,
    }


def add_ldap_people(slapd: Any, count: int) -> str:
    """``count`` people in a container of the throwaway slapd, all with PASSWORD."""
    from tests.servers.slapd import ssha

    base = slapd.container("BENCH")
    conn = slapd.admin()
    for n in range(count):
        uid = f"bench{n:07d}"
        attrs = {
            "objectClass": [b"inetOrgPerson", b"govidTestAccount"],
            "uid": [uid.encode()],
            "cn": [f"Cán bộ {n}".encode()],
            "sn": [b"Can"],
            "mail": [account_login(n).encode()],
            "userPassword": [ssha(PASSWORD).encode()],
            "mobile": [f"039{n:07d}".encode()],
        }
        conn.add_s(f"uid={uid},ou=BENCH,{base}", list(attrs.items()))
    conn.unbind_s()
    return base


def login_ldap() -> dict[str, Any]:
    from tests.servers import free_port
    from tests.servers.slapd import Slapd

    machine = details()
    with tempfile.TemporaryDirectory(prefix="govid-bench-") as tmp:
        (Path(tmp) / "slapd").mkdir()
        slapd = Slapd(Path(tmp) / "slapd", free_port(), free_port())
        slapd.start()
        try:
            base = add_ldap_people(slapd, ACCOUNTS)
            with production_site(Path(tmp), extra_env=slapd.environment(base)) as site:
                add_users(ACCOUNTS)
                serve(site)
                check_one_login(site)
                full, paced = measure(site)
        finally:
            slapd.stop()
    cpu = full.summary()["server_cpu_ms_per_op"]
    print(
        f"login_ldap: {full.rate:.0f}/s {_ms(full)} (govid CPU {cpu:.1f} ms per login; "
        f"at 80%: {_ms(paced)})",
        flush=True,
    )
    result = _result(full, paced)
    write_result("login_ldap", result, machine=machine)
    return result


def main(argv: list[str]) -> None:
    for name in argv or ["login_sql", "login_ldap"]:
        {"login_sql": login_sql, "login_ldap": login_ldap}[name]()


if __name__ == "__main__":
    main(sys.argv[1:])
