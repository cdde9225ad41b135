"""login_sql and login_ldap: full logins through the real login page, production shape.

Each login is what a person's browser does: GET the login page as a new visitor, POST the
form with its CSRF token, receive the redirect that sets the session. First at a fixed
concurrency (the capacity), then paced at 80% of that capacity (the latency people see on a
busy morning). login_ldap's baseline is ldap_bind (bench/ldap_bind.py): the directory calls
of a login without govid, on the same slapd, just before. Prints:

    login_sql: N/s p50 X ms p99 Y ms (at 80%: ...) | ratio R of hash_bound | target ratio >= 0.85
    ldap_bind: N/s (search and bind, C at once) | the baseline of login_ldap
    login_ldap: N/s p50 X ms p99 Y ms (govid CPU Z ms per login; at 80%: ...) | ratio R of
        ldap_bind | target >= 250/s
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

from bench import hash_bound, ldap_bind, report
from bench.browser import Browser
from bench.knobs import ACCOUNTS, CONCURRENCY, SECONDS, WARM_UP
from bench.load import Run, run_wrk
from bench.machine import details, write_result
from bench.site import PASSWORD, Site, account_login, add_sql_accounts, production_site, serve

SUCCESS = "/tai-khoan/"
SQL_TARGET = 0.85  # login_sql's ratio of hash_bound (the moonshot: 0.90)
LDAP_TARGET = 250  # logins a second on LDAP


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
    run_wrk("login", site.url, connections=CONCURRENCY, seconds=WARM_UP, **common)
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
    report.line(
        "login_sql",
        f"{full.rate:.0f}/s {_ms(full)}",
        detail=f"at 80%: {_ms(paced)}",
        ratio=ratio,
        of=f"hash_bound ({bound:.0f} verifies/s)",
        targets=[report.at_least(ratio, SQL_TARGET, f"ratio >= {SQL_TARGET} (moonshot 0.90)")],
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
            bare = ldap_bind.main(slapd.url, base, accounts=ACCOUNTS)
            with production_site(Path(tmp), extra_env=slapd.environment(base)) as site:
                add_users(ACCOUNTS)
                serve(site)
                check_one_login(site)
                full, paced = measure(site)
        finally:
            slapd.stop()
    cpu = full.summary()["server_cpu_ms_per_op"]
    bound = bare["per_s"]
    report.line(
        "login_ldap",
        f"{full.rate:.0f}/s {_ms(full)}",
        detail=f"govid CPU {cpu:.1f} ms per login; at 80%: {_ms(paced)}",
        ratio=full.rate / bound if bound else 0.0,
        of=f"ldap_bind ({bound:.0f}/s)",
        targets=[report.at_least(full.rate, LDAP_TARGET, f">= {LDAP_TARGET}/s")],
    )
    result = _result(full, paced, ldap_bind=bare)
    write_result("login_ldap", result, machine=machine)
    return result


def main(argv: list[str]) -> None:
    for name in argv or ["login_sql", "login_ldap"]:
        {"login_sql": login_sql, "login_ldap": login_ldap}[name]()


if __name__ == "__main__":
    main(sys.argv[1:])
