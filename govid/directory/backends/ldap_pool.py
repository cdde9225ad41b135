"""Connections to the LDAP directory: timeouts, a small pool, a fresh connection after a drop."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any, TypeVar

import ldap

from govid.directory.base import DirectoryError, DirectoryUnavailable
from govid.directory.conf import LdapSettings

log = logging.getLogger("govid.directory")
T = TypeVar("T")

# The server is gone, slow or refusing work: the request ends with the 503 page.
UNREACHABLE = (
    ldap.SERVER_DOWN,
    ldap.CONNECT_ERROR,
    ldap.TIMEOUT,
    ldap.TIMELIMIT_EXCEEDED,
    ldap.UNAVAILABLE,
    ldap.BUSY,
)
# The connection itself was lost: a reused one may just have gone stale, so try a new one once.
DROPPED = (ldap.SERVER_DOWN, ldap.CONNECT_ERROR)


def describe(error: Exception) -> str:
    """One line about an LDAP error, for the log (python-ldap's dict carries no secret)."""
    info = error.args[0] if error.args and isinstance(error.args[0], dict) else {}
    text = " ".join(str(info.get(key, "")) for key in ("desc", "info")).strip()
    return f"{type(error).__name__}: {text or error}"


def connect(conf: LdapSettings) -> Any:
    """A new connection with every timeout set; TLS verified when asked for."""
    seconds = conf.timeout.total_seconds()
    conn = ldap.initialize(conf.url)
    conn.set_option(ldap.OPT_PROTOCOL_VERSION, 3)
    conn.set_option(ldap.OPT_REFERRALS, 0)  # AD answers with referrals nobody should chase
    conn.set_option(ldap.OPT_NETWORK_TIMEOUT, seconds)
    conn.set_option(ldap.OPT_TIMEOUT, seconds)
    conn.timeout = seconds  # python-ldap's limit for each synchronous operation
    if conf.ca_file:
        conn.set_option(ldap.OPT_X_TLS_CACERTFILE, conf.ca_file)
    if conf.url.startswith("ldaps://") or conf.start_tls:
        conn.set_option(ldap.OPT_X_TLS_REQUIRE_CERT, ldap.OPT_X_TLS_DEMAND)
        conn.set_option(ldap.OPT_X_TLS_NEWCTX, 0)
    if conf.start_tls:
        conn.start_tls_s()
    return conn


def close(conn: Any) -> None:
    with suppress(ldap.LDAPError):  # already gone: nothing to tell the server
        conn.unbind_s()


class _Dropped(Exception):
    def __init__(self, error: Exception) -> None:
        super().__init__(error)
        self.error = error


class LdapPool:
    """At most ``size`` connections, each used by one thread at a time.

    ``prepare`` runs on every new connection (the service account's bind). A connection that
    failed in any way is closed, never handed out again.
    """

    def __init__(self, conf: LdapSettings, *, size: int, prepare: Callable[[Any], None]) -> None:
        self.conf = conf
        self.prepare = prepare
        self._idle: list[Any] = []
        self._slots = threading.BoundedSemaphore(size)
        self._lock = threading.Lock()

    def run(self, work: Callable[[Any], T], *, retry: bool = True) -> T:
        """``work(conn)``; after a dropped pooled connection, once more on a new one if
        ``retry`` (only for work that is safe to repeat: never a write already sent)."""
        with self._slot():
            conn, reused = self._take()
            try:
                return self._attempt(conn, work)
            except _Dropped as dropped:
                if not (retry and reused):
                    raise self._unavailable(dropped.error) from None
                log.info("LDAP connection dropped (%s); connecting again", describe(dropped.error))
            conn, _reused = self._fresh()
            try:
                return self._attempt(conn, work)
            except _Dropped as dropped:
                raise self._unavailable(dropped.error) from None

    def clear(self) -> None:
        """Close every idle connection."""
        with self._lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            close(conn)

    @contextmanager
    def _slot(self) -> Iterator[None]:
        if not self._slots.acquire(timeout=self.conf.timeout.total_seconds()):
            raise DirectoryUnavailable("every LDAP connection of this process is busy")
        try:
            yield
        finally:
            self._slots.release()

    def _take(self) -> tuple[Any, bool]:
        with self._lock:
            if self._idle:
                return self._idle.pop(), True
        return self._fresh()

    def _fresh(self) -> tuple[Any, bool]:
        try:
            conn = connect(self.conf)
        except ldap.LDAPError as error:
            raise self._unavailable(error) from None
        try:
            self.prepare(conn)
        except BaseException as error:
            close(conn)
            raise self._translate(error) from None
        return conn, False

    def _attempt(self, conn: Any, work: Callable[[Any], T]) -> T:
        try:
            result = work(conn)
        except DirectoryError:
            self._give_back(conn)  # a refusal about an account: the connection is fine
            raise
        except DROPPED as error:
            close(conn)
            raise _Dropped(error) from None
        except BaseException as error:
            close(conn)
            raise self._translate(error) from None
        self._give_back(conn)
        return result

    def _give_back(self, conn: Any) -> None:
        with self._lock:
            self._idle.append(conn)

    def _translate(self, error: BaseException) -> BaseException:
        # Whatever else the directory answers (a filter it rejects, a control it lacks): to the
        # user it is a directory that cannot serve now, and nothing was written.
        if isinstance(error, ldap.LDAPError):
            return self._unavailable(error)
        return error

    def _unavailable(self, error: Exception) -> DirectoryUnavailable:
        log.error("LDAP directory %s unavailable: %s", self.conf.url, describe(error))
        return DirectoryUnavailable(describe(error))
