"""The CAS 3.0 endpoints under /cas/: login, logout, ticket validation and proxy tickets."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from govid.audit.api import record
from govid.directory.api import get_directory
from govid.sso import signins
from govid.sso.cas import proxy, responses, tickets
from govid.sso.cas.logout import PROTOCOL, TICKET_KEY
from govid.sso.cas.services import find_service
from govid.sso.factors.assurance import assurance_of, required_for, second_factor_first
from govid.sso.signout import signed_out
from govid.web.api import client_ip, error_page

# authenticationMethod, successfulAuthenticationHandlers: Apereo CAS names the handler that
# checked each credential; these are govid's names for the checks behind RFC 8176's methods.
HANDLERS = {"pwd": "PasswordHandler", "otp": "OneTimeCodeHandler", "hwk": "SecurityKeyHandler"}


def _flag(value: str | None) -> bool:
    return (value or "").lower() in ("true", "1", "yes", "on")


def _with_ticket(service_url: str, ticket: str) -> str:
    joiner = "&" if "?" in service_url else "?"
    return f"{service_url}{joiner}{urlencode({'ticket': ticket})}"


def _unknown_service(request: HttpRequest) -> HttpResponse:
    return error_page(
        request,
        400,
        _("Ứng dụng chưa được đăng ký"),
        _("Ứng dụng yêu cầu đăng nhập chưa được đăng ký với hệ thống."),
    )


@never_cache
@require_GET
def login(request: HttpRequest) -> HttpResponse:
    """/cas/login: a ticket for a signed-in person, else the login page first (2.1)."""
    service_url = request.GET.get("service", "")
    if not service_url:
        return redirect("sso:account" if request.user.is_authenticated else "sso:login")
    service = find_service(service_url)
    if service is None:
        return _unknown_service(request)
    renew, gateway = _flag(request.GET.get("renew")), _flag(request.GET.get("gateway"))
    sign_in = signins.current(request) if request.user.is_authenticated else None
    if renew and sign_in is not None and not tickets.is_fresh(sign_in):
        logout(request)  # renew: the password again, whatever session there was
        sign_in = None
    if sign_in is None:
        if gateway and not renew:  # gateway: back to the service without asking anyone
            return redirect(service_url)
        here = f"{request.path}?{request.GET.urlencode()}"
        return redirect(f"{reverse('sso:login')}?{urlencode({'next': here})}")
    if required_for(service.name):  # configured to need a second factor: shown before a ticket
        step = second_factor_first(request, f"{request.path}?{request.GET.urlencode()}")
        if step is not None:
            return step
    ticket = tickets.issue(service, service_url, sign_in=sign_in, primary=renew)
    record(
        "cas_signed_in",
        actor=sign_in.login,
        subject=sign_in.login,
        ip=client_ip(request),
        client=service.name,
    )
    return redirect(_with_ticket(service_url, ticket))


@never_cache
@require_GET
def logout_view(request: HttpRequest) -> HttpResponse:
    """/cas/logout: end the sign-in everywhere; back to ``service`` only if it is registered."""
    sign_in = signins.current(request)
    if request.user.is_authenticated:
        login_name = request.user.get_username()
        record("logout", actor=login_name, subject=login_name, ip=client_ip(request), client="cas")
    visits = signins.end(sign_in) if sign_in is not None else []
    logout(request)
    service_url = request.GET.get("service", "")
    target = service_url if find_service(service_url) is not None else reverse("sso:login")
    return signed_out(request, visits, target)


def _validate(request: HttpRequest, *, attributes: bool, proxied: bool = False) -> HttpResponse:
    """Redeem the ticket (a proxy ticket only when ``proxied``); with ``pgtUrl``, hand the
    service a proxy-granting ticket if it may proxy (2.5.4)."""
    service_url = request.GET.get("service", "")
    ticket = request.GET.get("ticket", "")
    pgt_url = request.GET.get("pgtUrl", "")
    if not service_url or not ticket:
        return responses.failure("INVALID_REQUEST", "'service' and 'ticket' are both required")
    try:
        renew = _flag(request.GET.get("renew"))
        found = tickets.redeem(ticket, service_url, renew=renew, proxied=proxied)
        if pgt_url:  # a refused callback fails the validation; the ticket is used up anyway
            proxy.check_callback(found.service, pgt_url)
    except tickets.TicketRefused as refused:
        return responses.failure(refused.code, refused.message)
    pgt_iou = None
    if pgt_url:  # a callback that fails only costs the PGT, not the sign-in (2.5.4, step 3)
        pgt_iou = proxy.grant(
            found.service,
            pgt_url,
            sid=found.sid,
            login=found.login,
            chain=found.proxies,
            ip=client_ip(request) or None,
        )
    sign_in = signins.find(found.sid)
    if sign_in is not None:
        signins.record_visit_of(
            sign_in,
            protocol=PROTOCOL,
            party=found.service.name,
            party_name=found.service.name,
            subject=found.login,
            detail={TICKET_KEY + ticket: service_url},
        )
    values = _attributes_of(found) if attributes else None
    return responses.success(found.login, values, pgt_iou=pgt_iou, proxies=found.proxies)


def _attributes_of(found: tickets.Validated) -> dict[str, str | list[str]]:
    """The person, and how the sign-in proved who it is under the names Apereo CAS gives
    (``authenticationMethod``, ``successfulAuthenticationHandlers``, ``authnContextClass``,
    ``isFromNewLogin``) and RFC 8176's ``amr``, as the ID token carries it."""
    account = get_directory().find(found.login)
    proved = assurance_of(found.sid)
    handlers = [HANDLERS.get(method, method) for method in proved.amr]
    values: dict[str, str | list[str]] = {
        "mail": found.login,
        "displayName": account.name if account else "",
        "unit": account.unit_name if account else "",
        "unitCode": account.unit_code if account else "",
        "isFromNewLogin": "true" if found.primary else "false",
        "amr": proved.amr,
        "authenticationMethod": handlers,
        "successfulAuthenticationHandlers": handlers,
        "authnContextClass": proved.acr,
    }
    return {name: value for name, value in values.items() if value}


@never_cache
@require_GET
def service_validate(request: HttpRequest) -> HttpResponse:
    """/cas/serviceValidate (CAS 2.0): the user only."""
    return _validate(request, attributes=False)


@never_cache
@require_GET
def p3_service_validate(request: HttpRequest) -> HttpResponse:
    """/cas/p3/serviceValidate (CAS 3.0): the user and the attributes."""
    return _validate(request, attributes=True)


@never_cache
@require_GET
def proxy_validate(request: HttpRequest) -> HttpResponse:
    """/cas/proxyValidate and /cas/p3/proxyValidate: service tickets as /p3/serviceValidate,
    and proxy tickets, answered with their chain of proxies (2.6)."""
    return _validate(request, attributes=True, proxied=True)


@never_cache
@require_GET
def proxy_view(request: HttpRequest) -> HttpResponse:
    """/cas/proxy: a proxy ticket for ``targetService``, bought with a proxy-granting ticket."""
    pgt = request.GET.get("pgt", "")
    target_url = request.GET.get("targetService", "")
    if not pgt or not target_url:
        return responses.proxy_failure(
            "INVALID_REQUEST", "'pgt' and 'targetService' parameters are both required"
        )
    try:
        proxied = proxy.proxy_ticket(pgt, target_url, ip=client_ip(request) or None)
    except tickets.TicketRefused as refused:
        return responses.proxy_failure(refused.code, refused.message)
    return responses.proxy_success(proxied.ticket)
