"""The seed's pages over HTTP: what a user sees at each step."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from govid import clock
from tests.conftest import NEW_PASSWORD

SEED_ERROR = "Không tìm thấy Email hoặc Email bị khoá, vui lòng liên hệ quản trị!"


def body(response) -> str:
    return response.content.decode()


def without_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_unknown_locked_and_phoneless_accounts_look_the_same(
    client, account, locked_account, phoneless_account, settings
):
    settings.GOVID_CAPTCHA = {"mode": "off"}  # six lookups from one address (tests/captcha)
    pages = []
    for typed in ("khong.ton.tai", "cuong.le", "vnpt_testvpdt3"):
        response = client.post("/quen-mat-khau/", {"email": "X"})  # reset the typed value
        response = client.post("/quen-mat-khau/", {"email": typed})
        assert response.status_code == 200
        html = body(response)
        assert SEED_ERROR in html
        assert "0299 3 888 999" in html  # the support contact
        pages.append(without_tokens(html).replace(f'value="{typed}"', 'value=""'))
    assert pages[0] == pages[1] == pages[2]


def test_a_found_account_shows_the_masked_phone_and_both_warnings(client, account):
    response = client.post("/quen-mat-khau/", {"email": " An.Nguyen "}, follow=True)
    html = body(response)
    assert "0393XXX121" in html
    assert "+84393555121" not in html and "0393555121" not in html
    assert "Vui lòng kiểm tra lại số điện thoại trước khi lấy mã xác nhận." in html
    assert (
        "Nếu số điện thoại không phải của bạn, vui lòng liên hệ quản trị để được cập nhật." in html
    )
    assert "Lấy mã xác nhận" in html


def test_the_typed_address_stays_after_an_error(client, account):
    response = client.post("/quen-mat-khau/", {"email": "sai.ten"})
    assert 'value="sai.ten"' in body(response)


def test_get_code_twice_sends_one_sms_and_keeps_the_challenge(client, account, sms):
    client.post("/quen-mat-khau/", {"email": "an.nguyen"})
    first = client.post("/quen-mat-khau/lay-ma/")
    back = client.get("/quen-mat-khau/so-dien-thoai/")  # "Quay lại"
    assert back.status_code == 200
    again = client.post("/quen-mat-khau/lay-ma/")
    assert first.headers["Location"] == again.headers["Location"] == "/quen-mat-khau/dat-lai/"
    assert len(sms.sent) == 1


def test_reset_page_shows_the_seed_strings_and_the_countdown(client, account):
    client.post("/quen-mat-khau/", {"email": "an.nguyen"})
    html = body(client.post("/quen-mat-khau/lay-ma/", follow=True))
    assert "Mã xác nhận đã được gửi tới số điện thoại '0393XXX121'" in html
    assert "Bạn vui lòng kiểm tra tin nhắn để lấy mã xác nhận!" in html
    assert re.search(r"Gửi lại \(<span class=\"seconds\">(60|59)</span>\)", html)
    for text in (
        "Mật khẩu phải có ít nhất 8 ký tự (Bao gồm các ký tự hoa, thường, đặc biệt và số)",
        "Nhập lại mật khẩu",
        "Quay lại",
        "Khôi phục mật khẩu",
    ):
        assert text in html


def test_errors_show_next_to_their_field_and_the_code_stays(client, account, sms):
    client.post("/quen-mat-khau/", {"email": "an.nguyen"})
    client.post("/quen-mat-khau/lay-ma/")
    wrong_code = "000000" if "000000" not in sms.sent[-1].text else "111111"
    response = client.post(
        "/quen-mat-khau/dat-lai/",
        {
            "code": wrong_code,
            "password1": "Moi#Matkhau2026",
            "password2": "khac",
        },
    )
    html = body(response)
    assert response.status_code == 400
    assert re.search(r'id="id_password2_error"><li>Mật khẩu nhập lại không khớp.', html)
    assert f'value="{wrong_code}"' in html
    assert 'value="Moi#Matkhau2026"' not in html and 'value="khac"' not in html
    # A wrong code and a weak password: both are told at once, each by its field.
    html = body(
        client.post(
            "/quen-mat-khau/dat-lai/",
            {
                "code": wrong_code,
                "password1": "yeu",
                "password2": "yeu",
            },
        )
    )
    assert re.search(r'id="id_code_error"><li>Mã xác nhận không đúng. Bạn còn 4 lần thử.', html)
    assert re.search(r'id="id_password1_error"><li>Mật khẩu phải có ít nhất 8 ký tự.', html)


def test_the_whole_flow_ends_on_the_success_dialog(client, account, sms):
    client.post("/quen-mat-khau/", {"email": "an.nguyen"})
    client.post("/quen-mat-khau/lay-ma/")
    code = re.search(r"\d{6}", sms.sent[-1].text).group(0)
    response = client.post(
        "/quen-mat-khau/dat-lai/",
        {"code": code, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        follow=True,
    )
    html = body(response)
    for text in ("Thành công!", "Thay đổi mật khẩu thành công!", "Đóng"):
        assert text in html
    # The dialog is shown once; the flow is over.
    assert client.get("/quen-mat-khau/thanh-cong/").headers["Location"] == "/"
    assert client.get("/quen-mat-khau/dat-lai/").status_code == 302


def test_too_early_resend_is_refused_with_the_seconds_left(client, account, sms):
    client.post("/quen-mat-khau/", {"email": "an.nguyen"})
    client.post("/quen-mat-khau/lay-ma/")
    html = body(client.post("/quen-mat-khau/gui-lai/", follow=True))
    assert re.search(r"Vui lòng đợi (60|59) giây nữa để gửi lại mã xác nhận.", html)
    assert len(sms.sent) == 1


def test_a_number_refused_for_good_is_told_at_once(client, account, sms):
    from govid.sms.base import SmsRefused

    sms.fail_with = SmsRefused("invalid number")
    client.post("/quen-mat-khau/", {"email": "an.nguyen"})
    response = client.post("/quen-mat-khau/lay-ma/")
    assert response.status_code == 503
    assert "Không gửi được tin nhắn chứa mã xác nhận. Vui lòng thử lại sau ít phút." in body(
        response
    )


def test_the_reset_page_follows_the_sms_until_no_gateway_takes_it(client, account, sms, frozen):
    from datetime import timedelta

    from govid import clock
    from govid.sms.base import SmsError
    from govid.sms.delivery import deliver_due

    sms.fail_with = SmsError("gateway down")
    client.post("/quen-mat-khau/", {"email": "an.nguyen"})
    page = client.post("/quen-mat-khau/lay-ma/", follow=True)
    html = body(page)
    assert "hệ thống đang thử gửi lại" in html and "0393XXX121" in html
    assert 'data-poll="/quen-mat-khau/trang-thai-tin-nhan/"' in html
    status = client.get("/quen-mat-khau/trang-thai-tin-nhan/").json()
    assert status["pending"] and not status["failed"]
    for _ in range(4):  # the back-offs pass, every retry fails
        clock.advance(timedelta(seconds=30))
        deliver_due()
    assert client.get("/quen-mat-khau/trang-thai-tin-nhan/").json()["reload"]
    page = client.get("/quen-mat-khau/dat-lai/", follow=True)
    html = body(page)
    assert "Không gửi được tin nhắn chứa mã xác nhận. Vui lòng thử lại sau ít phút." in html
    assert "Lấy mã xác nhận" in html  # the user can ask again: the failure did not count
    sms.fail_with = None
    again = client.post("/quen-mat-khau/lay-ma/", follow=True)
    assert "Mã xác nhận đã được gửi tới số điện thoại '0393XXX121'" in body(again)
    assert len(sms.sent) == 1


@pytest.mark.parametrize("language", ["en"])
def test_english_by_the_visible_switch(client, account, language):
    assert "Forgot password?" not in body(client.get("/"))
    client.post("/ngon-ngu/", {"language": language, "next": "/"})
    html = body(client.get("/"))
    for text in ("Log in", "Username", "Password", "Remember me", "Forgot password?"):
        assert text in html
    html = body(client.post("/quen-mat-khau/", {"email": "khong.co"}))
    assert "E-mail not found or locked, please contact the administrator!" in html


def test_the_browser_language_does_not_override_vietnamese(client):
    html = body(client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9"))
    assert "Quên mật khẩu?" in html


def test_asking_again_for_a_valid_code_says_when_it_was_sent_and_until_when_it_works(
    client, account, sms, frozen
):
    clock.advance(timedelta(minutes=14))  # 08:14 in Vietnam (frozen: 01:00 UTC)
    client.post("/quen-mat-khau/", {"email": "an.nguyen"})
    client.post("/quen-mat-khau/lay-ma/")
    clock.advance(timedelta(minutes=2))
    client.get("/quen-mat-khau/so-dien-thoai/")  # "Quay lại", then "Lấy mã xác nhận" again
    html = body(client.post("/quen-mat-khau/lay-ma/", follow=True))
    assert "Mã xác nhận đã được gửi lúc 08:14 và còn dùng được đến 08:19." in html
    assert "Mã xác nhận đã được gửi tới số điện thoại '0393XXX121'" in html
    assert len(sms.sent) == 1


def test_a_first_code_is_sent_without_the_still_valid_notice(client, account, sms, frozen):
    client.post("/quen-mat-khau/", {"email": "an.nguyen"})
    html = body(client.post("/quen-mat-khau/lay-ma/", follow=True))
    assert "còn dùng được đến" not in html
    assert len(sms.sent) == 1


def test_the_phone_page_shows_the_address_breakable_only_after_at_and_dots(client, account):
    html = body(client.post("/quen-mat-khau/", {"email": "an.nguyen"}, follow=True))
    assert '<span class="address">an.<wbr>nguyen@<wbr>soctrang.<wbr>gov.<wbr>vn</span>' in html
