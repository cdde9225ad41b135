from django.urls import path

from govid.sso import views

app_name = "sso"
urlpatterns = [
    path("", views.login_page, name="login"),
    path("dang-xuat/", views.logout_view, name="logout"),
    path("tai-khoan/", views.account_page, name="account"),
]
