"""The admin site's account form: a new login as every other way in has it."""

from __future__ import annotations

import pytest

from govid.directory.models import StoredAccount, Unit

ADD = "/quan-tri/directory/storedaccount/add/"


def add(client, login: str):
    unit = Unit.objects.get(code="MYTU-VHTT")
    return client.post(ADD, {"login": login, "name": "Người mới", "unit": unit.pk, "phone": ""})


@pytest.mark.parametrize(
    ("login", "message"),
    [
        ("moi@gmail.com", "không thuộc tên miền thư công vụ của tỉnh"),
        ("moi@soctrang.gov.vn.", "Email công vụ không hợp lệ."),
        ("\u212aiem.tra@soctrang.gov.vn", "Email công vụ không hợp lệ."),
        ("moi..mot@soctrang.gov.vn", "Email công vụ không hợp lệ."),
    ],
)
def test_the_admin_site_refuses_a_login_that_is_not_the_provinces(administrator, login, message):
    before = StoredAccount.objects.count()
    page = add(administrator, login)
    assert page.status_code == 200
    assert message in page.content.decode()
    assert StoredAccount.objects.count() == before


def test_the_admin_site_stores_a_new_login_in_canonical_form(administrator):
    assert add(administrator, "  Moi.Mot@SocTrang.gov.vn ").status_code == 302
    assert StoredAccount.objects.filter(login="moi.mot@soctrang.gov.vn").exists()
