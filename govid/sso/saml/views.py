"""/saml/: metadata, Web SSO (HTTP-Redirect and HTTP-POST) and single logout."""

from __future__ import annotations

import secrets
from urllib.parse import urlencode

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from govid.audit.api import record
from govid.sso import signins
from govid.sso.claims import account_of
from govid.sso.factors import steps
from govid.sso.factors.assurance import (
    SECOND_FACTORS,
    assurance_of,
    required_for,
    second_factor_first,
)
from govid.sso.models import User
from govid.sso.saml import flow
from govid.sso.saml import logout as slo
from govid.sso.saml.idp import (
    SamlError,
    binding_of,
    endpoints_for,
    metadata_xml,
    saml_params,
)
from govid.sso.signout import signed_out
from govid.web.api import client_ip, error_page

PENDING = "saml.pending"
PENDING_KEEP = 5  # AuthnRequests waiting for a login in one session, the newest kept


@require_GET
def metadata(request: HttpRequest) -> HttpResponse:
    """The IdP's metadata, for the SPs' administrators (and mod_auth_mellon's MellonIdP...)."""
    return HttpResponse(
        metadata_xml(endpoints_for(request)), content_type="application/samlmetadata+xml"
    )


@never_cache
@csrf_exempt  # an SP's page posts the AuthnRequest here (HTTP-POST binding)
@require_http_methods(["GET", "POST"])
def single_sign_on(request: HttpRequest) -> HttpResponse:
    """An SP's AuthnRequest: answered at once if the person is signed in, else after login."""
    params = saml_params(request)
    try:
        read = flow.read_authn_request(endpoints_for(request), binding_of(request), params)
    except SamlError as error:
        return refusal(request, error)
    if _person(request) is None:
        return redirect(f"{reverse('sso:login')}?{urlencode({'next': _keep(request, params)})}")
    if _must_step_up(request, read):
        step = second_factor_first(request, _keep(request, params))
        if step is not None:
            return step
    return _answer(request, read)


def _keep(request: HttpRequest, params: dict[str, str]) -> str:
    """Keep the AuthnRequest in the session while the person logs in (or shows a second
    factor); the URL that answers it afterwards."""
    key = secrets.token_urlsafe(12)
    pending = dict(list(request.session.get(PENDING, {}).items())[-(PENDING_KEEP - 1) :])
    pending[key] = {"binding": binding_of(request), "params": params}
    request.session[PENDING] = pending
    return f"{reverse('saml:continue')}?{urlencode({'k': key})}"


def _must_step_up(request: HttpRequest, read: flow.AuthnRequestRead) -> bool:
    """The SP asks for the multi-factor class (or is configured to need it) and this session
    has shown no second factor yet."""
    wanted = flow.wants_second_factor(read) or required_for(read.sp.entity_id)
    return wanted and not SECOND_FACTORS & set(steps.amr_of(request))


@never_cache
@require_GET
def continue_after_login(request: HttpRequest) -> HttpResponse:
    """Back from the login page: answer the AuthnRequest kept in the session."""
    pending = request.session.get(PENDING, {})
    kept = pending.get(request.GET.get("k", ""))
    if not kept or _person(request) is None:
        return refusal(request, SamlError("no_request"))
    try:
        read = flow.read_authn_request(endpoints_for(request), kept["binding"], kept["params"])
    except SamlError as error:
        return refusal(request, error)
    if _must_step_up(request, read):
        step = second_factor_first(request, request.get_full_path())
        if step is not None:
            return step
    pending.pop(request.GET.get("k", ""), None)
    request.session[PENDING] = pending
    return _answer(request, read)


def _person(request: HttpRequest) -> flow.Person | None:
    user = request.user
    if not isinstance(user, User) or signins.current(request) is None:
        return None
    account = account_of(user)
    if account is None:  # gone or locked since the login
        return None
    return flow.Person(
        sub=str(user.sub),
        login=user.login,
        name=account.name or user.name,
        unit_name=account.unit_name or "",
    )


def _answer(request: HttpRequest, read: flow.AuthnRequestRead) -> HttpResponse:
    person = _person(request)
    sign_in = signins.current(request)
    if person is None or sign_in is None:
        return refusal(request, SamlError("no_request"))
    try:
        answer = flow.answer(
            read,
            person,
            session_index_root=sign_in.sid,
            second_factor=assurance_of(sign_in.sid).second_factor,
        )
    except SamlError as error:
        return refusal(request, error)
    signins.record_visit(
        request,
        protocol="saml",
        party=read.sp.entity_id,
        party_name=read.sp.name,
        subject=answer.name_id,
        detail={
            "format": answer.name_id_format,
            "session_index": answer.session_index,
            "idp": endpoints_for(request).base,
        },
    )
    record(
        "saml_signed_in",
        actor=person.login,
        subject=person.login,
        ip=client_ip(request),
        client=read.sp.name,
    )
    response = render(request, "sso/saml_post.html", {"answer": answer, "sp": read.sp})
    # The form posts to the SP: another origin (the CSP's default would refuse it).
    return response


@never_cache
@csrf_exempt  # an SP's page may post its LogoutRequest or LogoutResponse here
@require_http_methods(["GET", "POST"])
def single_logout(request: HttpRequest) -> HttpResponse:
    """An SP's LogoutRequest ends govid's sign-in and every system it reached; an SP's
    LogoutResponse (to govid's own sign-out) is acknowledged."""
    params = saml_params(request)
    if "SAMLResponse" in params and "SAMLRequest" not in params:
        # An SP's answer to govid's own sign-out (in the sign-out page's frame): nothing to do.
        return redirect("sso:login")
    try:
        read = slo.read_logout_request(endpoints_for(request), binding_of(request), params)
        back_to_sp = slo.logout_response_url(read)
    except SamlError as error:
        return refusal(request, error)
    sign_in = signins.current(request) or slo.sign_in_named_by(read)
    visits = []
    if sign_in is not None:
        record(
            "logout",
            actor=sign_in.login,
            subject=sign_in.login,
            ip=client_ip(request),
            client=read.sp.name,
        )
        visits = signins.end(sign_in, asked_by=("saml", read.sp.entity_id))
    if sign_in is None or sign_in.sid == signins.current_sid(request):
        logout(request)  # this browser's govid session, if it was the one named
    # The other systems of the sign-in hear of it (front-channel ones through this page);
    # the SP that asked gets its LogoutResponse last.
    others = [v for v in visits if (v.protocol, v.party) != ("saml", read.sp.entity_id)]
    return signed_out(request, others, back_to_sp)


def refusal(request: HttpRequest, error: SamlError) -> HttpResponse:
    """A clear page in Vietnamese, 4xx: an SP that is not registered, a message that is
    malformed, unsigned, replayed or too old."""
    messages = {
        "unknown_sp": (403, _("Hệ thống này chưa được đăng ký với cổng đăng nhập một lần.")),
        "bad_signature": (
            400,
            _("Yêu cầu đăng nhập không có chữ ký hợp lệ của hệ thống gửi. Vui lòng thử lại."),
        ),
        "replayed": (
            400,
            _("Yêu cầu đăng nhập này đã được dùng. Vui lòng quay lại hệ thống và thử lại."),
        ),
        "expired": (
            400,
            _("Yêu cầu đăng nhập đã quá hạn. Vui lòng quay lại hệ thống và thử lại."),
        ),
        "name_id_format": (400, _("Hệ thống yêu cầu một định danh mà cổng không cung cấp.")),
        "bad_acs": (400, _("Địa chỉ nhận kết quả đăng nhập không có trong đăng ký của hệ thống.")),
    }
    status, message = messages.get(
        error.code,
        (400, _("Yêu cầu SAML không hợp lệ. Vui lòng quay lại hệ thống và thử lại.")),
    )
    return error_page(request, status, _("Không thể đăng nhập vào hệ thống"), message)
