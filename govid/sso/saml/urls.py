from django.urls import path

from govid.sso.saml import views

app_name = "saml"
urlpatterns = [
    path("metadata/", views.metadata, name="metadata"),
    path("sso/redirect/", views.single_sign_on, name="sso_redirect"),
    path("sso/post/", views.single_sign_on, name="sso_post"),
    path("sso/continue/", views.continue_after_login, name="continue"),
    path("slo/redirect/", views.single_logout, name="slo_redirect"),
    path("slo/post/", views.single_logout, name="slo_post"),
]
