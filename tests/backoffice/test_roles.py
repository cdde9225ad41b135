"""The provider's administrators grant and revoke back-office roles on a page, audited."""

from __future__ import annotations

import re

import pytest

from govid.audit.models import Event
from govid.backoffice.models import RoleGrant

URL = "/van-phong/phan-quyen/"
DOMAIN = "soctrang.gov.vn"


def errors(response) -> str:
    """The messages shown in the form's error lists."""
    return " ".join(re.findall(r"<li>([^<]+)</li>", response.content.decode()))


def test_the_provider_gives_a_unit_officer_role_and_the_officer_gets_the_desk(world):
    provider = world.client("provider")
    assert world.client("nobody").get("/van-phong/de-nghi/moi/").status_code == 403
    answer = provider.post(URL, {"login": "nobody", "role": "unit_officer", "unit": "MYTU-HHN"})
    assert (answer.status_code, answer.headers["Location"]) == (302, URL)
    page = provider.get(URL).content.decode()
    assert "Đã cấp quyền." in page
    assert f"nobody@{DOMAIN}" in page and "MYTU-HHN - UBND thị trấn Huỳnh Hữu Nghĩa" in page
    event = Event.objects.filter(action="role_granted").latest("seq")
    assert (event.actor, event.subject) == (world.logins["provider"], f"nobody@{DOMAIN}")
    assert event.data == {"role": "unit_officer", "unit": "MYTU-HHN"}
    # The new officer's desk opens at once: the form to file a request for the unit.
    desk = world.client("nobody").get("/van-phong/de-nghi/moi/").content.decode()
    assert "MYTU-HHN - UBND thị trấn Huỳnh Hữu Nghĩa" in desk


def test_a_province_wide_role_needs_no_unit(world):
    provider = world.client("provider")
    answer = provider.post(URL, {"login": f"co.so@{DOMAIN}", "role": "auditor", "unit": ""})
    assert answer.status_code == 302
    assert RoleGrant.objects.filter(login=f"co.so@{DOMAIN}", role="auditor", unit_code="").exists()
    assert "Toàn tỉnh" in provider.get(URL).content.decode()


@pytest.mark.parametrize(
    ("form", "message"),
    [
        (
            {"login": "khong.ton.tai", "role": "auditor", "unit": ""},
            "Không tìm thấy tài khoản này.",
        ),
        ({"login": "", "role": "auditor", "unit": ""}, "Vui lòng nhập tài khoản mail công vụ."),
        ({"login": "co.so", "role": "", "unit": ""}, "Vui lòng chọn vai trò."),
        ({"login": "co.so", "role": "king", "unit": ""}, "Vai trò không hợp lệ."),
        ({"login": "co.so", "role": "auditor", "unit": "NOWHERE"}, "Đơn vị không hợp lệ."),
        (
            {"login": "co.so", "role": "unit_officer", "unit": ""},
            "Vai trò này cần chọn một đơn vị (xã, phường, cơ quan).",
        ),
        (
            {"login": "co.so", "role": "unit_officer", "unit": "MYTU"},
            "Vai trò này cần chọn một đơn vị (xã, phường, cơ quan).",
        ),
        (
            {"login": "co.so", "role": "district_reviewer", "unit": "MYTU-HHN"},
            "Vai trò này cần chọn một huyện.",
        ),
    ],
)
def test_a_grant_that_cannot_be_made_says_why_and_writes_nothing(world, form, message):
    before = (RoleGrant.objects.count(), Event.objects.count())
    answer = world.client("provider").post(URL, form)
    assert answer.status_code == 400
    assert message in errors(answer)
    assert (RoleGrant.objects.count(), Event.objects.count()) == before


def test_revoking_takes_the_desk_away_and_is_audited(world):
    provider = world.client("provider")
    held = RoleGrant.objects.get(login=world.logins["officer"], role="unit_officer")
    assert world.client("officer").get("/van-phong/de-nghi/moi/").status_code == 200
    answer = provider.post(f"{URL}{held.pk}/thu-hoi/")
    assert (answer.status_code, answer.headers["Location"]) == (302, URL)
    assert "Đã thu hồi quyền." in provider.get(URL).content.decode()
    assert not RoleGrant.objects.filter(pk=held.pk).exists()
    event = Event.objects.filter(action="role_revoked").latest("seq")
    assert (event.actor, event.subject) == (world.logins["provider"], world.logins["officer"])
    assert world.client("officer").get("/van-phong/de-nghi/moi/").status_code == 403
    assert provider.post(f"{URL}{held.pk}/thu-hoi/").status_code == 404  # gone


def test_an_administrator_cannot_revoke_their_own_administration(world):
    provider = world.client("provider")
    own = RoleGrant.objects.get(login=world.logins["provider"], role="provider_admin")
    page = provider.get(URL).content.decode()
    assert f'action="{URL}{own.pk}/thu-hoi/"' not in page  # no button for it
    answer = provider.post(f"{URL}{own.pk}/thu-hoi/")
    assert answer.status_code == 302
    assert "Bạn không thể tự thu hồi quyền quản trị của mình." in provider.get(URL).content.decode()
    assert RoleGrant.objects.filter(pk=own.pk).exists()


@pytest.mark.parametrize("who", ["officer", "reviewer", "auditor", "nobody"])
def test_only_the_provider_administrators_see_the_roles(world, who):
    client = world.client(who)
    assert client.get(URL).status_code == 403
    held = RoleGrant.objects.first()
    assert client.post(f"{URL}{held.pk}/thu-hoi/").status_code == 403
    assert (
        client.post(URL, {"login": "co.so", "role": "provider_admin", "unit": ""}).status_code
        == 403
    )
    assert "/van-phong/phan-quyen/" not in world.client(who).get("/van-phong/").content.decode()
    assert RoleGrant.objects.filter(login=f"co.so@{DOMAIN}").count() == 0


def test_the_roles_page_in_english(world):
    provider = world.client("provider")
    provider.cookies["govid_language"] = "en"
    page = provider.get(URL).content.decode()
    assert "Roles" in page and "Grant a role" in page and "Whole province" in page
