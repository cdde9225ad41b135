"""The administration's own pages, model by model: each list's heading names its model, each
detail page of the third-party models (applications, tokens, task results) is labelled in
English after the switch, and Django's permission groups, which govid does not use, are gone."""

from __future__ import annotations

import re

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from tests.sso.test_admin import admin_client, visible

__all__ = ["admin_client"]  # the fixture, with something in every list

# Letters only Vietnamese uses (English words and codes have none of them).
VIETNAMESE = re.compile(r"[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]",
                        re.IGNORECASE)  # fmt: skip
THIRD_PARTY = ("oauth2_provider", "django_tasks_database")


def heading(client: Client, path: str) -> str:
    found = re.search(r"<h1[^>]*>(.*?)</h1>", client.get(path).content.decode(), re.S)
    assert found, path
    return visible(found.group(1)).strip()


def labels(html: str) -> list[str]:
    """The field labels of a change form, as a person reads them."""
    return [
        visible(label).strip() for label in re.findall(r"<label[^>]*>(.*?)</label>", html, re.S)
    ]


def details() -> list[tuple[type, str]]:
    """Each registered model with a row, and the path of that row's detail page."""
    found = []
    for model in admin.site._registry:
        row = model._default_manager.first()
        if row is not None:
            meta = model._meta
            found.append((model, reverse(f"admin:{meta.app_label}_{meta.model_name}_change",
                                         args=[row.pk])))  # fmt: skip
    return found


@pytest.mark.django_db
def test_the_administration_lists_no_permission_groups(admin_client):
    assert not admin.site.is_registered(Group)
    text = visible(admin_client.get("/quan-tri/").content.decode())
    assert "Nhóm" not in text
    with pytest.raises(NoReverseMatch):
        reverse("admin:auth_group_changelist")
    assert admin_client.get("/quan-tri/auth/group/").status_code == 404
    admin_client.post("/ngon-ngu/", {"language": "en", "next": "/quan-tri/"})
    assert "Groups" not in visible(admin_client.get("/quan-tri/").content.decode())


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["vi", "en"])
def test_each_list_is_headed_by_its_models_name(admin_client, language):
    admin_client.post("/ngon-ngu/", {"language": language, "next": "/quan-tri/"})
    with translation.override(language):
        for model in admin.site._registry:
            meta = model._meta
            title = heading(
                admin_client, reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
            )
            assert str(meta.verbose_name).casefold() in title.casefold(), (meta.label, title)


@pytest.mark.django_db
def test_the_third_party_detail_pages_speak_english_after_the_switch(admin_client):
    admin_client.post("/ngon-ngu/", {"language": "en", "next": "/quan-tri/"})
    pages = [(m, path) for m, path in details() if m._meta.app_label in THIRD_PARTY]
    assert {m._meta.model_name for m, _path in pages} >= {
        "application", "accesstoken", "refreshtoken", "idtoken", "grant", "dbtaskresult"
    }  # fmt: skip
    for model, path in pages:
        response = admin_client.get(path)
        assert response.status_code == 200, path
        html = response.content.decode()
        found = labels(html)
        assert found, path
        assert [label for label in found if VIETNAMESE.search(label)] == [], path
        title = heading(admin_client, path)
        assert title.startswith(("Change", "View")), (path, title)
        with translation.override("en"):
            assert str(model._meta.verbose_name) in title, (path, title)


@pytest.mark.django_db
def test_the_third_party_detail_pages_speak_vietnamese_by_default(admin_client):
    for model, path in details():
        if model._meta.app_label in THIRD_PARTY:
            title = heading(admin_client, path)
            assert title.startswith(("Thay đổi", "Xem")), (path, title)
