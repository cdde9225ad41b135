from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from govid.ops import health, metrics
from govid.sso import admin_login
from govid.web import errors

admin_login.install()

# First what is asked most: the load balancer's probes, the login and the seed's recovery (each
# request tries the patterns in this order; the prefixes do not overlap).
urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("", include("govid.sso.urls")),
    path("quen-mat-khau/", include("govid.recovery.urls")),
    path("", include("govid.sso.oidc_urls")),
    path("cas/", include("govid.sso.cas.urls")),
    path("saml/", include("govid.sso.saml.urls")),
    path("van-phong/", include("govid.backoffice.urls")),
    path("ngon-ngu/", set_language, name="set_language"),
    path("sms/bao-cao/", include("govid.sms.urls")),
    path("quan-tri/", admin.site.urls),
    path("metrics", metrics.metrics_view, name="metrics"),
    path("demo/", include("govid.demo.urls")),
]

handler400 = errors.bad_request
handler403 = errors.permission_denied
handler404 = errors.not_found
handler500 = errors.server_error
