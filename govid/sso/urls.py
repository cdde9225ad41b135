from django.urls import path

from govid.sso import account_sessions, views
from govid.sso.factors import key_views as factor_keys
from govid.sso.factors import views as factors

app_name = "sso"
urlpatterns = [
    path("", views.login_page, name="login"),
    path("dang-xuat/", views.logout_view, name="logout"),
    path("tai-khoan/", views.account_page, name="account"),
    path(
        "tai-khoan/phien/<str:sid>/dang-xuat/",
        account_sessions.end_sign_in,
        name="end_sign_in",
    ),
    path(
        "tai-khoan/phien/dang-xuat-noi-khac/",
        account_sessions.end_other_sign_ins,
        name="end_other_sign_ins",
    ),
    path("dang-nhap/xac-thuc/", factors.second_step, name="second_step"),
    path("tai-khoan/bao-mat/", factors.security_page, name="factors"),
    path("tai-khoan/bao-mat/xac-nhan/", factors.recheck, name="factor_recheck"),
    path(
        "tai-khoan/bao-mat/khoa/tuy-chon/",
        factor_keys.register_options,
        name="key_register_options",
    ),
    path("tai-khoan/bao-mat/khoa/", factor_keys.register, name="key_register"),
    path("tai-khoan/bao-mat/khoa/<int:pk>/go/", factor_keys.remove, name="key_remove"),
    path("dang-nhap/xac-thuc/khoa/tuy-chon/", factor_keys.sign_options, name="key_sign_options"),
    path("dang-nhap/xac-thuc/khoa/", factor_keys.sign, name="key_sign"),
]
