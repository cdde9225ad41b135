"""The admin site's account form: a new login as every other way in has it."""

from __future__ import annotations

import pytest

from govid.audit.models import Event
from govid.directory.models import StoredAccount, Unit
from govid.directory.provision import add_unit

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


ADMIN = "quantri@soctrang.gov.vn"


def test_a_new_accounts_number_is_stored_as_every_other_way_in_stores_it(administrator):
    unit = Unit.objects.get(code="MYTU-VHTT")
    form = {"login": "moi.mot", "name": "Người mới", "unit": unit.pk, "phone": "0918 666 003"}
    assert administrator.post(ADD, form).status_code == 302
    row = StoredAccount.objects.get(login="moi.mot@soctrang.gov.vn")
    assert row.phone == "+84918666003"
    [added] = Event.objects.filter(action="account_added", actor=ADMIN)
    assert added.subject == row.login
    assert (added.data["unit"], added.data["has_phone"]) == ("MYTU-VHTT", True)


def test_a_landline_is_refused_with_the_reason(administrator):
    unit = Unit.objects.get(code="MYTU-VHTT")
    form = {"login": "moi.hai", "name": "Người mới", "unit": unit.pk, "phone": "0299 3 888 999"}
    page = administrator.post(ADD, form)
    assert page.status_code == 200
    assert "Số máy cố định: tin nhắn SMS không tới được." in page.content.decode()
    assert not StoredAccount.objects.filter(login="moi.hai@soctrang.gov.vn").exists()


def test_moving_an_account_to_another_unit_is_audited(administrator, account):
    other = add_unit("MYTU-TP", name="Phòng Tư pháp", parent="MYTU", actor="test")
    page = f"/quan-tri/directory/storedaccount/{account.pk}/change/"
    form = {"name": account.name, "unit": other.pk}
    assert administrator.post(page, form).status_code == 302
    [changed] = Event.objects.filter(action="account_changed")
    assert (changed.actor, changed.subject, changed.data) == (
        ADMIN,
        account.login,
        {"unit": "MYTU-TP"},
    )


def test_an_account_is_locked_not_removed(administrator, account):
    page = f"/quan-tri/directory/storedaccount/{account.pk}/delete/"
    assert administrator.get(page).status_code == 403
    assert administrator.post(page, {"post": "yes"}).status_code == 403
    bulk = administrator.post(
        "/quan-tri/directory/storedaccount/",
        {"action": "delete_selected", "_selected_action": [account.pk], "post": "yes"},
    )
    assert bulk.status_code in (200, 302)
    assert StoredAccount.objects.filter(pk=account.pk).exists()


def test_units_added_and_moved_here_are_audited_and_never_removed(administrator):
    units = "/quan-tri/directory/unit/"
    district = Unit.objects.get(code="MYTU")
    form = {"code": "MYTU-NV", "name": "Phòng Nội vụ", "kind": "unit", "parent": district.pk}
    assert administrator.post(f"{units}add/", form).status_code == 302
    unit = Unit.objects.get(code="MYTU-NV")
    [added] = Event.objects.filter(action="unit_added", actor=ADMIN)
    assert (added.subject, added.data["parent"]) == ("MYTU-NV", "MYTU")
    province = Unit.objects.get(code="ST")
    moved = {"code": "KHAC", "name": "Phòng Nội vụ", "kind": "unit", "parent": province.pk}
    assert administrator.post(f"{units}{unit.pk}/change/", moved).status_code == 302
    unit.refresh_from_db()
    assert (unit.code, unit.parent_id) == ("MYTU-NV", province.pk)  # the code stays
    [changed] = Event.objects.filter(action="unit_changed")
    assert (changed.actor, changed.subject, changed.data) == (ADMIN, "MYTU-NV", {"parent": "ST"})
    assert administrator.post(f"{units}{unit.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Unit.objects.filter(pk=unit.pk).exists()
