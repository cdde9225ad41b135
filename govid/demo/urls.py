from django.urls import path

from govid.demo import views

app_name = "demo"
urlpatterns = [
    path("", views.home, name="home"),
    path("dang-nhap/", views.sign_in, name="sign_in"),
    path("callback/", views.callback, name="callback"),
    path("dang-xuat/", views.sign_out, name="sign_out"),
]
