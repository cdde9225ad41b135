"""The account page's sign-ins: where the person is signed in and the systems each reached;
ending one (its systems are told) or all the others; never someone else's."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client

from govid.audit.models import Event
from govid.directory.provision import add_account
from govid.sso import signins
from govid.sso.devices import describe_agent
from govid.sso.models import SignIn
from tests.conftest import PASSWORD

ANDROID = (
    "Mozilla/5.0 (Linux; Android 13; SM-A546E) AppleWebKit/537.36 Chrome/120.0 Mobile Safari/537.36"
)
WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"


def log_in(agent: str, login: str = "an.nguyen") -> Client:
    client = Client(HTTP_USER_AGENT=agent)
    response = client.post("/", {"username": login, "password": PASSWORD})
    assert response.status_code == 302
    return client


@pytest.fixture
def told() -> Iterator[list[str]]:
    sent: list[str] = []
    signins.register_logout("test", back=lambda visit: sent.append(visit.party))
    yield sent
    signins._LOGOUTS.pop("test", None)


def _visit(client: Client, party: str, name: str) -> None:
    sign_in = SignIn.objects.get(sid=client.session[signins.SID])
    signins.record_visit_of(sign_in, protocol="test", party=party, party_name=name)


def test_a_user_agent_reads_as_a_browser_on_a_system():
    assert describe_agent(ANDROID) == "Chrome trên Android"
    assert describe_agent(WINDOWS) == "Firefox trên Windows"
    edge = "Mozilla/5.0 (Windows NT 10.0) Chrome/120.0 Safari/537.36 Edg/120.0"
    assert describe_agent(edge) == "Edge trên Windows"
    assert describe_agent("curl/8.0") == "Trình duyệt không xác định"


def test_the_page_lists_each_sign_in_with_the_systems_it_reached(account):
    phone = log_in(ANDROID)
    desk = log_in(WINDOWS)
    _visit(desk, "van-ban", "Quản lý văn bản")
    _visit(desk, "mot-cua", "Một cửa điện tử")
    page = phone.get("/tai-khoan/").content.decode()
    assert "Chrome trên Android" in page and "Thiết bị này" in page
    assert "Firefox trên Windows" in page
    assert "Đã vào: Một cửa điện tử, Quản lý văn bản" in page
    assert "Chưa vào hệ thống nào." in page
    assert "Đăng xuất khỏi các thiết bị khác" in page
    assert page.index("Chrome trên Android") < page.index("Firefox trên Windows")  # this one first


@pytest.mark.django_db(transaction=True)
def test_ending_another_sign_in_signs_that_browser_out_and_tells_its_systems(account, told):
    phone = log_in(ANDROID)
    desk = log_in(WINDOWS)
    _visit(desk, "mot-cua", "Một cửa điện tử")
    sid = desk.session[signins.SID]
    response = phone.post(f"/tai-khoan/phien/{sid}/dang-xuat/")
    assert response.status_code == 302
    assert desk.get("/tai-khoan/").status_code == 302  # anonymous now: back to the login page
    assert phone.get("/tai-khoan/").status_code == 200
    assert told == ["mot-cua"]
    assert Event.objects.filter(action="sign_in_ended", actor="an.nguyen@soctrang.gov.vn").exists()


def test_ending_this_sign_in_signs_out(account):
    phone = log_in(ANDROID)
    response = phone.post(f"/tai-khoan/phien/{phone.session[signins.SID]}/dang-xuat/")
    assert response.status_code == 302
    assert phone.get("/tai-khoan/").status_code == 302


@pytest.mark.django_db(transaction=True)
def test_signing_out_everywhere_else_keeps_this_one(account, told):
    phone = log_in(ANDROID)
    desk = log_in(WINDOWS)
    other = log_in(WINDOWS)
    _visit(other, "nhan-su", "Nhân sự")
    response = phone.post("/tai-khoan/phien/dang-xuat-noi-khac/")
    assert response.status_code == 302
    assert phone.get("/tai-khoan/").status_code == 200
    assert desk.get("/tai-khoan/").status_code == 302
    assert other.get("/tai-khoan/").status_code == 302
    assert told == ["nhan-su"]
    event = Event.objects.get(action="other_sign_ins_ended")
    assert event.data["count"] == 2


def test_someone_elses_sign_in_is_not_found(account):
    add_account(
        "binh.tran@soctrang.gov.vn", name="Trần Thị Bình", unit="MYTU-VHTT", password=PASSWORD,
        actor="test",
    )  # fmt: skip
    theirs = log_in(WINDOWS, login="binh.tran")
    mine = log_in(ANDROID)
    response = mine.post(f"/tai-khoan/phien/{theirs.session[signins.SID]}/dang-xuat/")
    assert response.status_code == 404
    assert theirs.get("/tai-khoan/").status_code == 200
    assert mine.post("/tai-khoan/phien/not-a-sid/dang-xuat/").status_code == 404


def test_ending_a_sign_in_needs_a_post_with_the_form_token(account):
    signed = log_in(ANDROID)
    sid = signed.session[signins.SID]
    strict = Client(HTTP_USER_AGENT=ANDROID, enforce_csrf_checks=True)
    strict.cookies = signed.cookies  # the same browser, now checked like a real one
    assert strict.get(f"/tai-khoan/phien/{sid}/dang-xuat/").status_code == 405
    assert strict.post(f"/tai-khoan/phien/{sid}/dang-xuat/").status_code == 403
    assert strict.get("/tai-khoan/").status_code == 200  # still signed in
