"""The administration (/quan-tri/) as its people read it: every app, model, column, filter and
action in Vietnamese (English through the portal's switch), the province's name in the title and
the portal's colours (sso/admin.css)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib import admin
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from oauth2_provider.models import AccessToken, Application, Grant, IDToken, RefreshToken

from govid import clock
from govid.sms.delivery import queue_sms
from govid.sso.models import User

# What Django, django-oauth-toolkit and django-tasks-db say by themselves, in English.
ENGLISH = [
    "Audit",
    "Directory",
    "Django OAuth Toolkit",
    "Tasks Database Backend",
    "Access token",
    "Refresh token",
    "Id token",
    "Grant",
    "Application",
    "Task Result",
    "Task name",
    "Queue name",
    "Enqueued",
    "Expires",
    "Client type",
    "Revoke",
    "Queued at",
    "Last error",
    "Is staff",
    "Action",
    "Actor",
    "Subject",
    "Confidential",
    "Show counts",
    "Skip to main content",
    "Model name",
]


@pytest.fixture
def admin_client(administrator):
    """Something in every list: an application and its tokens, a task result, an SMS."""
    user = User.objects.get(login="quantri@soctrang.gov.vn")
    app = Application.objects.create(
        name="Cổng thư",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris="https://mail.soctrang.gov.vn/oidc/callback",
    )
    later = clock.now() + timedelta(hours=1)
    access = AccessToken.objects.create(
        token="a" * 40, application=app, user=user, expires=later, scope="openid"
    )
    RefreshToken.objects.create(token="r" * 40, application=app, user=user, access_token=access)
    IDToken.objects.create(application=app, user=user, expires=later, scope="openid")
    Grant.objects.create(
        code="g" * 40, application=app, user=user, expires=later, redirect_uri=app.redirect_uris
    )
    DBTaskResult.objects.create(
        task_path="govid.sms.delivery.rescue_stale",
        args_kwargs={"args": [], "kwargs": {}},
        backend_name="default",
        run_after=clock.now(),
        status="SUCCESSFUL",
    )
    queue_sms("+84912345678", "Thong bao", purpose="notice", account="quantri@soctrang.gov.vn")
    return administrator


def visible(html: str) -> str:
    """The page's text as a person reads it: no tags, scripts, styles or attribute values."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def english_in(text: str) -> list[str]:
    return [word for word in ENGLISH if re.search(rf"\b{word}", text, flags=re.I)]


def changelists() -> list[str]:
    return [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for model in admin.site._registry
    ]


def test_the_index_names_every_app_and_model_in_vietnamese(admin_client):
    html = admin_client.get("/quan-tri/").content.decode()
    text = visible(html)
    assert english_in(text) == []
    for name in (
        "Nhật ký",
        "Danh bạ tài khoản",
        "Tin nhắn SMS",
        "Đăng nhập một lần",
        "Ứng dụng và mã truy cập",
        "Mã truy cập",
        "Mã làm mới",
        "Mã xác thực danh tính",
        "Mã cấp quyền",
        "Hàng đợi tác vụ nền",
        "Kết quả tác vụ",
    ):
        assert name in text, name
    title = re.search(r"<title>(.*?)</title>", html, flags=re.S)
    assert title is not None
    assert "Quản trị hệ thống" in title.group(1) and "TỈNH SÓC TRĂNG" in title.group(1)
    assert "Trang quản trị" in text and "HỆ THỐNG THƯ ĐIỆN TỬ CÔNG VỤ" in text


def test_the_title_takes_the_provinces_name_from_the_configuration(admin_client, settings):
    settings.GOVID_BRAND = {"province": "TỈNH HẬU GIANG"}
    html = admin_client.get("/quan-tri/").content.decode()
    assert "TỈNH HẬU GIANG" in html and "SÓC TRĂNG" not in html


def test_every_list_has_vietnamese_columns_filters_and_actions(admin_client):
    pages = changelists()
    assert len(pages) >= 12
    for path in pages:
        response = admin_client.get(path)
        assert response.status_code == 200, path
        text = visible(response.content.decode())
        assert english_in(text) == [], path
        assert "Quản trị" in text, path
    text = visible(admin_client.get("/quan-tri/oauth2_provider/accesstoken/").content.decode())
    assert "Hết hạn lúc" in text and "Thu hồi các mã truy cập đã chọn" in text
    text = visible(
        admin_client.get("/quan-tri/django_tasks_database/dbtaskresult/").content.decode()
    )
    assert "Thành công" in text or "thành công" in text
    text = visible(admin_client.get("/quan-tri/sms/message/").content.decode())
    assert "Xếp hàng lúc" in text and "Trạng thái" in text


def test_the_english_switch_shows_the_administration_in_english(admin_client):
    admin_client.post("/ngon-ngu/", {"language": "en", "next": "/quan-tri/"})
    text = visible(admin_client.get("/quan-tri/").content.decode())
    for name in (
        "Audit log",
        "Account directory",
        "Access tokens",
        "Task results",
        "System administration",
    ):
        assert name in text, name
    assert "Nhật ký" not in text and "Mã truy cập" not in text
    text = visible(admin_client.get("/quan-tri/oauth2_provider/accesstoken/").content.decode())
    assert "Expires at" in text and "Revoke the selected access tokens" in text


def test_the_administration_links_the_portals_stylesheet_and_its_switch(admin_client):
    html = admin_client.get("/quan-tri/").content.decode()
    assert re.search(r'<link rel="stylesheet" href="/static/sso/admin\.css"', html)
    assert 'name="language" value="en"' in html
    assert "admin/css/dark_mode.css" not in html


def test_the_application_form_is_labelled_in_vietnamese_and_english(admin_client):
    text = visible(admin_client.get("/quan-tri/oauth2_provider/application/add/").content.decode())
    for label in ("Địa chỉ quay về", "Cách cấp quyền", "Mật khẩu ứng dụng (client secret)"):
        assert label in text, label
    assert "Chép và cất giữ mật khẩu này ngay: khi lưu, nó được băm" in text
    for english in ("Client type", "Redirect uris", "Copy and store", "Device Code", "Implicit"):
        assert english not in text, english
    admin_client.post("/ngon-ngu/", {"language": "en", "next": "/quan-tri/"})
    text = visible(admin_client.get("/quan-tri/oauth2_provider/application/add/").content.decode())
    assert "Authorization grant type" in text and "Copy and store this secret now." in text
