from django.urls import path

from govid.recovery import views

app_name = "recovery"
urlpatterns = [
    path("", views.forgot, name="forgot"),
    path("so-dien-thoai/", views.phone, name="phone"),
    path("lay-ma/", views.get_code, name="code"),
    path("dat-lai/", views.reset, name="reset"),
    path("gui-lai/", views.resend, name="resend"),
    path("trang-thai-tin-nhan/", views.sms_status, name="sms_status"),
    path("thanh-cong/", views.done, name="done"),
]
