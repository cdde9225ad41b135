"""ldap_bind: the directory's part of a login, bare: the baseline login_ldap is a ratio of.

What a login asks of the directory, without govid or HTTP: the service account searches for
the login with govid's filter (GOVID_LDAP_USER_FILTER's default), then the person's DN binds
with the password. python-ldap on the same slapd, just before login_ldap, at the same
concurrency (one process per connection pair: the search's and the bind's), for SECONDS.
Prints:

    ldap_bind: N/s (search and bind, C at once) | the baseline of login_ldap
"""

from __future__ import annotations

import multiprocessing
import time
from typing import Any

from bench import report
from bench.knobs import CONCURRENCY, SECONDS
from bench.site import PASSWORD, account_login


def _logins_for(
    url: str, base: str, accounts: int, n: int, start_at: float, seconds: float, out: Any
) -> None:
    import ldap
    from ldap.filter import escape_filter_chars

    from govid.directory.conf import LdapSettings
    from tests.servers.slapd import SERVICE_DN, SERVICE_PASSWORD

    user_filter = LdapSettings().user_filter
    service, person = ldap.initialize(url), ldap.initialize(url)
    service.simple_bind_s(SERVICE_DN, SERVICE_PASSWORD)
    while time.time() < start_at:  # every process starts together
        time.sleep(0.001)
    end = time.perf_counter() + seconds
    done, k = 0, n
    while time.perf_counter() < end:
        login = account_login(k % accounts)
        query = user_filter.replace("{login}", escape_filter_chars(login)).replace(
            "{local}", escape_filter_chars(login.split("@", 1)[0])
        )
        found = service.search_ext_s(
            base, ldap.SCOPE_SUBTREE, query, ["mail", "mobile"], sizelimit=4
        )
        person.simple_bind_s(found[0][0], PASSWORD)
        done, k = done + 1, k + CONCURRENCY
    service.unbind_s()
    person.unbind_s()
    out.put(done)


def measure(url: str, base: str, *, accounts: int, seconds: float = SECONDS) -> dict[str, Any]:
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    start_at = time.time() + 0.5
    processes = [
        context.Process(target=_logins_for, args=(url, base, accounts, n, start_at, seconds, queue))
        for n in range(CONCURRENCY)
    ]
    for process in processes:
        process.start()
    counts = [queue.get(timeout=seconds + 60) for _ in processes]
    for process in processes:
        process.join()
    return {
        "per_s": sum(counts) / seconds,
        "operations": sum(counts),
        "concurrency": CONCURRENCY,
        "seconds": seconds,
    }


def main(url: str, base: str, *, accounts: int) -> dict[str, Any]:
    """Measure and print ldap_bind on the slapd at ``url`` whose people are under ``base``."""
    result = measure(url, base, accounts=accounts)
    report.line(
        "ldap_bind",
        f"{result['per_s']:.0f}/s",
        detail=f"search and bind, {CONCURRENCY} at once",
        of="the baseline of login_ldap",
    )
    return result
