"""The OpenID Connect provider's endpoints, under django-oauth-toolkit's URL names.

Discovery sits at the site's root, so the issuer is the site itself
(``https://login.example/.well-known/openid-configuration``).
"""

from django.urls import path
from oauth2_provider import views as dot

from govid.sso import oidc_views

app_name = "oauth2_provider"
urlpatterns = [
    path(
        ".well-known/openid-configuration",
        oidc_views.GovidDiscoveryView.as_view(),
        name="oidc-connect-discovery-info",
    ),
    path(
        ".well-known/oauth-authorization-server",
        dot.OAuthServerMetadataView.as_view(),
        name="oauth-server-metadata",
    ),
    path("oidc/jwks/", dot.JwksInfoView.as_view(), name="jwks-info"),
    path("oidc/authorize/", oidc_views.GovidAuthorizationView.as_view(), name="authorize"),
    path("oidc/token/", dot.TokenView.as_view(), name="token"),
    path("oidc/revoke/", dot.RevokeTokenView.as_view(), name="revoke-token"),
    path("oidc/userinfo/", dot.UserInfoView.as_view(), name="user-info"),
    path("oidc/logout/", oidc_views.GovidLogoutView.as_view(), name="rp-initiated-logout"),
]
