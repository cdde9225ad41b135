"""The OpenID Connect endpoints that people see: consent, logout; and the discovery document.

django-oauth-toolkit does the protocol; these subclasses add govid's pages (Vietnamese, the
site's layout), the trusted-client rule and the audit rows.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from oauth2_provider import exceptions as dot_errors
from oauth2_provider.forms import AllowForm
from oauth2_provider.models import Application
from oauth2_provider.settings import oauth2_settings
from oauth2_provider.views import AuthorizationView, ConnectDiscoveryInfoView, RPInitiatedLogoutView
from oauthlib.oauth2.rfc6749 import errors as oauth_errors

from govid.audit.api import record
from govid.sso import signins
from govid.sso.claims import is_trusted
from govid.sso.factors.oidc import acr_values_supported, step_up
from govid.sso.oidc_logout import record_code_issued
from govid.sso.signout import signed_out
from govid.sso.validator import loopback_as_registered
from govid.web.api import client_ip


def _authorization_error_message(error: Exception | None) -> str:
    """What went wrong with a relying party's request, for the person who followed it."""
    if isinstance(error, oauth_errors.InvalidClientIdError | oauth_errors.MissingClientIdError):
        return _("Ứng dụng yêu cầu đăng nhập chưa được đăng ký với hệ thống.")
    if isinstance(error, oauth_errors.MissingRedirectURIError):
        return _("Ứng dụng không cho biết địa chỉ quay về, nên không thể tiếp tục đăng nhập.")
    if isinstance(error, oauth_errors.FatalClientError):
        return _(
            "Địa chỉ quay về của ứng dụng chưa được đăng ký, nên không thể tiếp tục đăng nhập."
        )
    return _("Yêu cầu đăng nhập từ ứng dụng không hợp lệ. Vui lòng quay lại ứng dụng và thử lại.")


class GovidAuthorizationView(AuthorizationView):  # type: ignore[misc]
    """The authorization endpoint: trusted clients go straight on, others ask for consent."""

    template_name = "sso/consent.html"

    def error_response(self, error: Any, application: Any, **kwargs: Any) -> HttpResponse:
        message = _authorization_error_message(getattr(error, "oauthlib_error", None))
        return super().error_response(error, application, message=message, **kwargs)  # type: ignore[no-any-return]

    def render_to_response(self, context: dict[str, Any], **kwargs: Any) -> HttpResponse:
        application = context.get("application")
        if "error" not in context and application is not None:
            # acr_values (or the client's configuration) asks for a second factor: check it first.
            acr_values = self.request.GET.get("acr_values", "")
            stepped = step_up(self.request, client_id=application.client_id, acr_values=acr_values)
            if stepped is not None:
                return stepped
        if "error" not in context and self.request.method == "GET" and is_trusted(application):
            # The same path as pressing "Đồng ý": the province's own systems need no consent.
            form = AllowForm({**context["form"].initial, "allow": True})
            if form.is_valid():
                return self.form_valid(form)
        return super().render_to_response(context, **kwargs)  # type: ignore[no-any-return]

    def form_valid(self, form: AllowForm) -> HttpResponse:
        user = self.request.user
        if step_up(self.request, client_id=form.cleaned_data.get("client_id", ""), acr_values=""):
            raise PermissionDenied  # a consent sent without the second factor its client needs
        record(
            "oidc_authorized" if form.cleaned_data.get("allow") else "oidc_refused",
            actor=user.get_username(),
            subject=form.cleaned_data.get("client_id", ""),
            ip=client_ip(self.request),
            scope=form.cleaned_data.get("scope", ""),
        )
        return super().form_valid(form)  # type: ignore[no-any-return]

    def create_authorization_response(
        self, request: HttpRequest, scopes: str, credentials: dict[str, Any], allow: bool
    ) -> Any:
        sid = signins.current_sid(request)
        if sid:  # the validator keeps it with the code: the ID token's sid
            credentials = {**credentials, "govid_sid": sid}
        answer = super().create_authorization_response(request, scopes, credentials, allow)
        application = Application.objects.filter(client_id=credentials.get("client_id")).first()
        if allow and application is not None and request.user.is_authenticated:
            record_code_issued(
                sid,
                application=application,
                subject=str(getattr(request.user, "sub", "")),
                issuer=oauth2_settings.oidc_issuer(request),
            )
        return answer

    def handle_prompt_login(self) -> HttpResponse:
        # prompt=login asks for a fresh login, so the current session ends first.
        logout(self.request)
        return super().handle_prompt_login()  # type: ignore[no-any-return]


def _logout_error_message(error: Exception) -> str:
    if isinstance(error, dot_errors.LogoutDenied):
        return _("Bạn vẫn đang đăng nhập.")
    if isinstance(error, dot_errors.InvalidOIDCRedirectURIError):
        return _("Địa chỉ quay về sau khi đăng xuất chưa được đăng ký cho ứng dụng này.")
    if isinstance(error, dot_errors.InvalidOIDCClientError):
        return _("Ứng dụng yêu cầu đăng xuất chưa được đăng ký với hệ thống.")
    return _("Yêu cầu đăng xuất từ ứng dụng không hợp lệ hoặc đã hết hạn.")


class GovidLogoutView(RPInitiatedLogoutView):  # type: ignore[misc]
    """RP-initiated logout: end the govid session, then back to a registered address."""

    template_name = "sso/logout_confirm.html"

    def validate_post_logout_redirect_uri(
        self, application: Any, post_logout_redirect_uri: str | None
    ) -> None:
        super().validate_post_logout_redirect_uri(application, post_logout_redirect_uri)
        if post_logout_redirect_uri and not loopback_as_registered(
            post_logout_redirect_uri, application.post_logout_redirect_uris
        ):
            raise dot_errors.InvalidOIDCRedirectURIError(
                "This client does not have this redirect uri registered."
            )

    def get_request_application(self, id_token: Any, client_id: str | None) -> Any:
        try:
            return super().get_request_application(id_token, client_id)
        except (Application.DoesNotExist, ValueError):
            raise dot_errors.InvalidOIDCClientError() from None

    def do_logout(
        self,
        application: Any = None,
        post_logout_redirect_uri: str | None = None,
        state: str | None = None,
        token_user: Any = None,
    ) -> HttpResponse:
        user = token_user or self.request.user
        if user.is_authenticated:
            record(
                "logout",
                actor=user.get_username(),
                subject=user.get_username(),
                ip=client_ip(self.request),
                client=application.client_id if application else "",
            )
        sign_in = signins.current(self.request)
        visits = signins.end(sign_in) if sign_in is not None else []
        answer = super().do_logout(application, post_logout_redirect_uri, state, token_user)
        # The systems that asked for front-channel logout are framed on the way back.
        return signed_out(self.request, visits, answer["Location"], plain=answer)

    def error_response(self, error: Exception) -> HttpResponse:
        status = getattr(error, "status_code", 400)
        context = {"error": error, "message": _logout_error_message(error)}
        return self.render_to_response(context, status=status)  # type: ignore[no-any-return]


class GovidDiscoveryView(ConnectDiscoveryInfoView):  # type: ignore[misc]
    """The discovery document, also naming the revocation endpoint and the grants."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
        data = json.loads(super().get(request, *args, **kwargs).content)
        data["id_token_signing_alg_values_supported"] = ["RS256"]  # clients are made RS256
        data["claims_supported"] = sorted(data["claims_supported"])
        data["revocation_endpoint"] = self._get_endpoint_url(request, "revoke-token", required=True)
        data["grant_types_supported"] = ["authorization_code", "refresh_token"]
        data["claims_parameter_supported"] = False
        data["revocation_endpoint_auth_methods_supported"] = data[
            "token_endpoint_auth_methods_supported"
        ]
        # Back-Channel and Front-Channel Logout 1.0, both naming the sign-in by its sid.
        data["backchannel_logout_supported"] = True
        data["backchannel_logout_session_supported"] = True
        data["frontchannel_logout_supported"] = True
        data["frontchannel_logout_session_supported"] = True
        data["acr_values_supported"] = acr_values_supported()  # a second factor on request
        extended = JsonResponse(data)
        extended["Access-Control-Allow-Origin"] = "*"
        return extended
