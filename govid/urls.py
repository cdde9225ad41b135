from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from govid.web import errors

urlpatterns = [
    path("", include("govid.sso.urls")),
    path("quen-mat-khau/", include("govid.recovery.urls")),
    path("ngon-ngu/", set_language, name="set_language"),
    path("sms/bao-cao/", include("govid.sms.urls")),
    path("quan-tri/", admin.site.urls),
]

handler400 = errors.bad_request
handler403 = errors.permission_denied
handler404 = errors.not_found
handler500 = errors.server_error
