from django.urls import path

from govid.sms import views

app_name = "sms"
urlpatterns = [
    path("kannel/<uuid:ref>/<str:token>/", views.kannel_report, name="kannel_report"),
]
