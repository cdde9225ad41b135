"""Sign-ins and the systems they reached: one session, every protocol.

A login begins a ``SignIn`` (its public ``sid`` is kept in the Django session). Each protocol
(OIDC, SAML, CAS) records a ``Visit`` when it signs the person in to a system. Ending a sign-in
(a sign-out from govid or from any system, "Đăng xuất" on the account page, a password reset, a
lock, a phone change) deletes its Django session and tells every system it reached:

- back-channel: each protocol registers a sender (``register_logout(protocol, back=...)``),
  called once the ending transaction commits, for each visit of that protocol (it queues a
  task; the worker delivers with retries);
- front-channel: each protocol may register ``front=`` giving a URL the browser opens during
  govid's own sign-out page (an iframe), for the systems that asked for it.

A system that only the front channel reaches stays signed in when the sign-in ends away from
that browser (a reset, a lock, "Đăng xuất" from another device): ``afar=`` tells which visits a
back-channel message reaches, and ``browser_only`` lists the others, so that nothing claims more.

Nothing here knows any protocol: the protocols know this module.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.db import IntegrityError, transaction
from django.http import HttpRequest

from govid import clock
from govid.networks import client_ip
from govid.sso.models import SignIn, Visit

SID = "sso.sid"
# A visit's last time is written at most this often (seconds): one write a minute, not per use.
VISIT_RESOLUTION = 60

BackSender = Callable[[Visit], None]
FrontUrl = Callable[[Visit], "str | None"]
AfarCheck = Callable[[Visit], bool]


@dataclass(frozen=True)
class _Logout:
    back: BackSender | None
    front: FrontUrl | None
    afar: AfarCheck | None


_LOGOUTS: dict[str, _Logout] = {}


def register_logout(
    protocol: str,
    *,
    back: BackSender | None = None,
    front: FrontUrl | None = None,
    afar: AfarCheck | None = None,
) -> None:
    """How ``protocol`` signs a visit out: ``back`` queues a server-to-server message, ``front``
    gives a URL for the browser (or None when that visit asked for none); ``afar`` says whether
    ``back`` reaches a given visit (when not given: whenever there is a ``back``)."""
    _LOGOUTS[protocol] = _Logout(back=back, front=front, afar=afar)


def reaches_from_afar(visit: Visit) -> bool:
    """Whether ending the sign-in tells this visit's system without the person's browser."""
    logout = _LOGOUTS.get(visit.protocol)
    if logout is None or logout.back is None:
        return False
    return logout.afar is None or logout.afar(visit)


def browser_only(visits: Iterable[Visit]) -> list[Visit]:
    """The visits that only the browser that made them can sign out (a front channel alone)."""
    return [visit for visit in visits if not reaches_from_afar(visit)]


def _session_store(session_key: str = "") -> SessionBase:
    engine = import_module(settings.SESSION_ENGINE)
    store: SessionBase = engine.SessionStore(session_key or None)
    return store


def begin(request: HttpRequest, login: str) -> SignIn:
    """Right after ``login()``: a new sign-in for this browser, its sid kept in the session."""
    sid = secrets.token_urlsafe(24)
    request.session[SID] = sid
    request.session.save()  # the session's key exists from now on, so that it can be ended
    now = clock.now()
    agent = request.headers.get("User-Agent", "")[:300]
    return SignIn.objects.create(
        sid=sid,
        login=login,
        session_key=request.session.session_key or "",
        started_at=now,
        seen_at=now,
        ip=client_ip(request) or None,
        user_agent=agent,
    )


def current(request: HttpRequest) -> SignIn | None:
    """The live sign-in of this request's session, if any."""
    sid = request.session.get(SID) if hasattr(request, "session") else None
    if not sid:
        return None
    return SignIn.objects.filter(sid=sid, ended_at__isnull=True).first()


def current_sid(request: HttpRequest) -> str | None:
    """The sid of this request's session (no query): OIDC's ``sid`` claim."""
    sid = request.session.get(SID) if hasattr(request, "session") else None
    return str(sid) if sid else None


def record_visit(
    request: HttpRequest,
    *,
    protocol: str,
    party: str,
    party_name: str = "",
    subject: str = "",
    detail: dict[str, Any] | None = None,
) -> Visit | None:
    """This request's sign-in reached ``party`` through ``protocol``; ``detail`` is merged into
    what an earlier visit to the same party kept (a later SAML SessionIndex, a new CAS ticket)."""
    sign_in = current(request)
    if sign_in is None:
        return None
    return record_visit_of(
        sign_in,
        protocol=protocol,
        party=party,
        party_name=party_name,
        subject=subject,
        detail=detail,
    )


def record_visit_of(
    sign_in: SignIn,
    *,
    protocol: str,
    party: str,
    party_name: str = "",
    subject: str = "",
    detail: dict[str, Any] | None = None,
) -> Visit:
    """``record_visit`` for a sign-in known otherwise (an OIDC token exchange carries no
    browser session)."""
    now = clock.now()
    visit = Visit.objects.filter(sign_in=sign_in, protocol=protocol, party=party).first()
    if visit is None:
        try:
            with transaction.atomic():
                return Visit.objects.create(
                    sign_in=sign_in,
                    protocol=protocol,
                    party=party,
                    party_name=party_name,
                    subject=subject,
                    detail=detail or {},
                    first_at=now,
                    last_at=now,
                )
        except IntegrityError:  # the same party at once from two tabs: keep the first
            visit = Visit.objects.get(sign_in=sign_in, protocol=protocol, party=party)
    changed = {**visit.detail, **(detail or {})} != visit.detail
    stale = (now - visit.last_at).total_seconds() >= VISIT_RESOLUTION
    if changed or stale or (subject and subject != visit.subject):
        visit.detail = {**visit.detail, **(detail or {})}
        visit.subject = subject or visit.subject
        visit.party_name = party_name or visit.party_name
        visit.last_at = now
        visit.save(update_fields=["detail", "subject", "party_name", "last_at"])
    return visit


def find(sid: str) -> SignIn | None:
    """The sign-in with this public id (live or ended)."""
    return SignIn.objects.filter(sid=sid).first() if sid else None


def live_of(login: str) -> list[SignIn]:
    """The person's live sign-ins, newest first, with their visits; a sign-in whose session
    has gone (timed out, cleared) is ended here, without telling its systems again."""
    found = list(
        SignIn.objects.filter(login=login, ended_at__isnull=True)
        .prefetch_related("visits")
        .order_by("-started_at")
    )
    live = []
    store = _session_store()
    gone = []
    for sign_in in found:
        if sign_in.session_key and not store.exists(sign_in.session_key):
            gone.append(sign_in.pk)
        else:
            live.append(sign_in)
    if gone:
        SignIn.objects.filter(pk__in=gone, ended_at__isnull=True).update(ended_at=clock.now())
    return live


def end(
    sign_in: SignIn, *, delete_session: bool = True, asked_by: tuple[str, str] | None = None
) -> list[Visit]:
    """End one sign-in: its session is deleted and every system it reached is told (back-channel
    once the transaction commits). Returns its visits, for the front-channel page; an already
    ended sign-in returns none (each system is told once). ``asked_by`` (protocol, party): the
    system whose own logout request this answers, which hears back in that answer instead.

    ``delete_session=False`` when the session is already void some other way (the account's
    auth epoch moved on): the request that ends it may be running in that very session (a
    recovery in a browser where the person was signed in), and its session must not vanish
    under it."""
    now = clock.now()
    if not SignIn.objects.filter(pk=sign_in.pk, ended_at__isnull=True).update(ended_at=now):
        return []
    sign_in.ended_at = now
    if delete_session and sign_in.session_key:
        _session_store().delete(sign_in.session_key)
    visits = list(sign_in.visits.all())
    others = [v.pk for v in visits if (v.protocol, v.party) != asked_by]
    transaction.on_commit(partial(_send_back, others))
    return visits


def end_all(login: str, *, keep: str | None = None, delete_sessions: bool = True) -> list[Visit]:
    """End every live sign-in of ``login`` (but the one whose sid is ``keep``)."""
    visits: list[Visit] = []
    query = SignIn.objects.filter(login=login, ended_at__isnull=True)
    if keep:
        query = query.exclude(sid=keep)
    for sign_in in query:
        visits.extend(end(sign_in, delete_session=delete_sessions))
    return visits


def _send_back(visit_ids: Iterable[int]) -> None:
    for visit in Visit.objects.filter(pk__in=list(visit_ids)).select_related("sign_in"):
        logout = _LOGOUTS.get(visit.protocol)
        if logout is not None and logout.back is not None:
            logout.back(visit)


def front_channel_urls(visits: Iterable[Visit]) -> list[str]:
    """The URLs a browser opens (in iframes) to sign these visits out front-channel."""
    urls = []
    for visit in visits:
        logout = _LOGOUTS.get(visit.protocol)
        if logout is not None and logout.front is not None:
            url = logout.front(visit)
            if url:
                urls.append(url)
    return urls
