"""The paper request, online, in Chromium at 360 px: the unit files for an account without a
phone, the district forwards, the provider applies, and the user then recovers the password."""

from __future__ import annotations

import json
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, expect

from tests.backoffice.test_scan import PDF
from tests.e2e.people import signed_in

pytestmark = pytest.mark.e2e

DEMO_PASSWORD = "Demo@2026"
NEW_PASSWORD = "Moi#Matkhau2026"
NEW_PHONE = "0166 777 8899"  # written the old way: it must become 036 777 8899
E164 = "+84367778899"


def desk(browser, live, login: str, width: int = 360) -> Page:
    """A fresh browser (phone-sized unless ``width`` says) signed in as ``login``, on the back
    office."""
    page = signed_in(browser, live, login, width=width)
    expect(page.get_by_role("heading", name="Việc cần làm")).to_be_visible()
    return page


def confirm(page: Page, question: str) -> None:
    """Answer "Xác nhận" to the question a step that cannot be undone asks first."""
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(question)
    dialog.get_by_role("button", name="Xác nhận").click()


def test_unit_district_provider_then_the_user_recovers_with_the_new_phone(browser, live, tmp_path):
    added = json.loads(
        live.manage(
            "accounts", "add", "e2e.chua.co.so", "--name", "Huỳnh Thị Ánh", "--unit", "TPST-P1"
        )
    )
    assert added["phone"] is None
    hosts: set[str] = set()

    # The unit's focal officer files the request, attaches the signed scan, sends it.
    unit = desk(browser, live, "daumoi.p1")
    unit.on("request", lambda request: hosts.add(urlparse(request.url).netloc))
    unit.get_by_role("link", name="Lập đề nghị mới").click()
    unit.get_by_label("Đơn vị").select_option("TPST-P1")
    unit.get_by_role("button", name="Lập đề nghị").click()
    heading = unit.get_by_role("heading", name="Đề nghị số")
    expect(heading).to_be_visible()
    number = heading.inner_text().rsplit(" ", 1)[-1]
    unit.get_by_label("Email công vụ").fill("e2e.chua.co.so")
    unit.get_by_label("Số điện thoại di động mới").fill(NEW_PHONE)
    unit.get_by_label("Lý do").fill("Chưa có số điện thoại, không tự khôi phục được")
    unit.get_by_role("button", name="Thêm vào đề nghị").click()
    expect(unit.get_by_text("Đã thêm tài khoản vào đề nghị.")).to_be_visible()
    expect(unit.get_by_role("cell", name="0367778899")).to_be_visible()  # converted, whole
    with unit.expect_download() as letter:
        unit.get_by_role("link", name="Tải công văn đề nghị (PDF) để trình ký").click()
    assert letter.value.path().read_bytes().startswith(b"%PDF-")
    scan = tmp_path / "ban-ky.pdf"
    scan.write_bytes(PDF)
    unit.get_by_label("Bản quét văn bản đã ký (PDF)").set_input_files(str(scan))
    unit.get_by_role("button", name="Đính kèm").click()
    expect(unit.get_by_text("Đã đính kèm bản quét văn bản đã ký.")).to_be_visible()
    # Sending asks first; "Hủy" leaves the request a draft, "Xác nhận" sends it.
    unit.get_by_role("button", name="Gửi đề nghị").click()
    question = unit.get_by_role("dialog")
    expect(question).to_be_visible()
    expect(question).to_contain_text("Gửi đề nghị này lên huyện?")
    assert unit.evaluate("document.documentElement.scrollWidth") <= 360
    question.get_by_role("button", name="Hủy").click()
    expect(question).to_be_hidden()
    unit.reload()
    expect(unit.locator(".facts").get_by_text("Nháp", exact=True)).to_be_visible()
    unit.get_by_role("button", name="Gửi đề nghị").click()
    confirm(unit, "Gửi đề nghị này lên huyện?")
    expect(unit.get_by_text("Đã gửi, chờ huyện xem xét").first).to_be_visible()
    assert unit.evaluate("document.documentElement.scrollWidth") <= 360

    # The district office finds it in its queue and forwards it.
    district = desk(browser, live, "vhtt.tpst")
    district.get_by_role("link", name=f"#{number}").click()
    expect(district.get_by_role("cell", name="0367XXX899")).to_be_visible()  # masked here
    district.get_by_label("Ý kiến").fill("Đã kiểm tra bản ký")
    district.get_by_role("button", name="Chuyển Trung tâm Công nghệ số").click()
    confirm(district, "Chuyển đề nghị này lên Trung tâm Công nghệ số?")
    expect(district.get_by_text("Đã chuyển Trung tâm Công nghệ số").first).to_be_visible()

    # The provider applies it.
    provider = desk(browser, live, "quantri")
    provider.get_by_role("link", name=f"#{number}").click()
    expect(provider.get_by_text("Đã kiểm tra bản ký")).to_be_visible()
    provider.get_by_role("button", name="Cập nhật vào hệ thống").click()
    confirm(provider, "Bước này không hoàn tác được.")
    expect(provider.get_by_text("Đã cập nhật", exact=True).first).to_be_visible()

    # The filer sees where it went.
    unit.reload()
    expect(unit.get_by_text("Đã cập nhật", exact=True).first).to_be_visible()
    registered = live.messages(E164)
    assert len(registered) == 1 and "quen-mat-khau" in registered[0]["text"]

    # The user now walks the seed's flow with the new phone.
    user = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN").new_page()
    user.goto(live.url + "/quen-mat-khau/")
    user.get_by_label("Email công vụ").fill("e2e.chua.co.so")
    user.get_by_role("button", name="Tiếp tục").click()
    expect(user.get_by_text("0367XXX899")).to_be_visible()
    user.get_by_role("button", name="Lấy mã xác nhận").click()
    code = live.wait_for_code(E164, after=1)
    user.get_by_label("Mã xác nhận").fill(code)
    user.get_by_label("Mật khẩu", exact=True).fill(NEW_PASSWORD)
    user.get_by_label("Nhập lại mật khẩu").fill(NEW_PASSWORD)
    user.get_by_role("button", name="Khôi phục mật khẩu").click()
    expect(user.get_by_role("dialog").get_by_role("heading", name="Thành công!")).to_be_visible()

    assert hosts == {urlparse(live.url).netloc}, hosts  # no asset from another host
    assert json.loads(live.manage("audit", "verify"))["intact"] is True
    for page in (unit, district, provider, user):
        page.context.close()


# A menu entry and the heading of its page.
MENU = [
    ("Việc cần làm", "Việc cần làm"),
    ("Đề nghị", "Đề nghị cập nhật số điện thoại"),
    ("Báo cáo", "Báo cáo"),
]


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize(
    ("login", "name", "role", "units"),
    [
        ("daumoi.p1", "Phạm Thị Duyên", "Cán bộ đầu mối đơn vị", "UBND Phường 1"),
        ("vhtt.tpst", "Lý Văn Hải", "Phòng Văn hóa và Thông tin cấp huyện", "Thành phố Sóc Trăng"),
    ],
)
def test_the_header_says_who_is_at_the_desk_and_where_they_are(
    browser, live, width, login, name, role, units
):
    """On a phone and at a desk: the person's name, role and units, the way out, and the
    current page marked in the menu, with nothing to scroll sideways."""
    page = desk(browser, live, login, width)
    menu = page.get_by_role("navigation", name="Văn phòng")
    for link, heading in MENU:
        menu.get_by_role("link", name=link, exact=True).click()
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        expect(page.get_by_text(name, exact=True)).to_be_visible()
        roles = page.get_by_role("list", name="Vai trò của bạn")
        expect(roles).to_contain_text(role)
        expect(roles).to_contain_text(units)
        expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()
        current = menu.locator('[aria-current="page"]')
        expect(current).to_have_count(1)
        expect(current).to_have_text(link)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
            f"sideways scroll on {link} at {width} px"
        )
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()
    page.context.close()


def test_the_provider_gives_a_new_focal_officer_the_unit_desk(browser, live):
    """At 360 px: the administrator grants the role on the roles page; the officer signs in
    and files for the unit; the administrator takes the role back and the desk closes."""
    live.manage(
        "accounts", "add", "e2e.dau.moi.moi", "--name", "Trần Thị Mai", "--unit", "TPST-P1",
        "--password", DEMO_PASSWORD,
    )  # fmt: skip
    admin = desk(browser, live, "quantri")
    admin.get_by_role("link", name="Phân quyền").click()
    expect(admin.get_by_role("heading", name="Phân quyền")).to_be_visible()
    admin.get_by_label("Email công vụ", exact=True).fill("e2e.dau.moi.moi")
    admin.get_by_label("Vai trò", exact=True).select_option("unit_officer")
    admin.get_by_role("button", name="Cấp quyền").click()
    expect(
        admin.get_by_text("Vai trò này cần chọn một đơn vị (xã, phường, cơ quan).")
    ).to_be_visible()
    admin.get_by_label("Đơn vị", exact=True).select_option("TPST-P1")
    admin.get_by_role("button", name="Cấp quyền").click()
    expect(admin.get_by_text("Đã cấp quyền.")).to_be_visible()
    assert admin.evaluate("document.documentElement.scrollWidth") <= 360

    officer = desk(browser, live, "e2e.dau.moi.moi")
    officer.get_by_role("link", name="Lập đề nghị mới").click()
    expect(officer.get_by_label("Đơn vị")).to_contain_text("TPST-P1")

    admin.get_by_role(
        "button", name="Thu hồi quyền Cán bộ đầu mối đơn vị của e2e.dau.moi.moi"
    ).click()
    confirm(admin, "Thu hồi quyền Cán bộ đầu mối đơn vị của e2e.dau.moi.moi@")
    expect(admin.get_by_text("Đã thu hồi quyền.")).to_be_visible()
    officer.goto(live.url + "/van-phong/de-nghi/moi/")
    # A role taken away ends the officer's sessions: back to the login page.
    expect(officer.get_by_role("heading", name="Đăng nhập")).to_be_visible()
    for page in (admin, officer):
        page.context.close()


def file_replacement(browser, live, login: str, phone: str) -> None:
    """The unit proposes a new number for ``login`` and attaches the signed scan, the district
    forwards, the provider applies: three people, each in their own browser at 360 px."""
    unit = desk(browser, live, "daumoi.p1")
    unit.get_by_role("link", name="Lập đề nghị mới").click()
    unit.get_by_label("Đơn vị").select_option("TPST-P1")
    unit.get_by_role("button", name="Lập đề nghị").click()
    number = unit.get_by_role("heading", name="Đề nghị số").inner_text().rsplit(" ", 1)[-1]
    unit.get_by_label("Email công vụ").fill(login)
    unit.get_by_label("Số điện thoại di động mới").fill(phone)
    unit.get_by_label("Lý do").fill("Đổi số điện thoại")
    unit.get_by_role("button", name="Thêm vào đề nghị").click()
    unit.get_by_label("Bản quét văn bản đã ký (PDF)").set_input_files(
        {"name": "ban-ky.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    unit.get_by_role("button", name="Đính kèm").click()
    expect(unit.get_by_text("Đã đính kèm bản quét văn bản đã ký.")).to_be_visible()
    unit.get_by_role("button", name="Gửi đề nghị").click()
    confirm(unit, "Gửi đề nghị này lên huyện?")
    expect(unit.get_by_text("Đã gửi, chờ huyện xem xét").first).to_be_visible()
    district = desk(browser, live, "vhtt.tpst")
    district.get_by_role("link", name=f"#{number}").click()
    district.get_by_role("button", name="Chuyển Trung tâm Công nghệ số").click()
    confirm(district, "Chuyển đề nghị này lên Trung tâm Công nghệ số?")
    expect(district.get_by_text("Đã chuyển Trung tâm Công nghệ số").first).to_be_visible()
    provider = desk(browser, live, "quantri")
    provider.get_by_role("link", name=f"#{number}").click()
    provider.get_by_role("button", name="Cập nhật vào hệ thống").click()
    confirm(provider, "Bước này không hoàn tác được.")
    expect(provider.get_by_text("Đã cập nhật", exact=True).first).to_be_visible()
    for page in (unit, district, provider):
        page.context.close()


@pytest.mark.parametrize("width", [360, 1280])
def test_a_replaced_number_is_told_and_waits_a_day_before_recovery(browser, live, width):
    """Both numbers hear of the change; the person asking for a code is told why it waits,
    until when, and whom to call, on a phone and at a desk."""
    login = f"e2e.doi.so.{width}"
    old, new = f"+8491277{width:04d}", f"+8498877{width:04d}"
    live.manage("accounts", "add", login, "--name", "Phan Văn Đổi", "--unit", "TPST-P1",
                "--phone", old)  # fmt: skip
    file_replacement(browser, live, login, "0" + new.removeprefix("+84"))
    assert len(live.wait_for_messages(old, 1)) == 1  # the old number hears of it
    assert len(live.wait_for_messages(new, 1)) == 1  # and the new one
    context = browser.new_context(viewport={"width": width, "height": 800}, locale="vi-VN")
    person = context.new_page()
    person.goto(live.url + "/quen-mat-khau/")
    person.get_by_label("Email công vụ").fill(login)
    person.get_by_role("button", name="Tiếp tục").click()
    alert = person.get_by_role("alert")
    expect(alert).to_contain_text("Số điện thoại của tài khoản vừa được thay đổi.")
    expect(alert).to_contain_text("mã xác nhận chỉ được gửi tới số mới từ")
    expect(alert).to_contain_text("0299 3 888 999")
    expect(person.get_by_role("button", name="Lấy mã xác nhận")).to_have_count(0)
    assert person.evaluate("document.documentElement.scrollWidth") <= width
    assert len(live.messages(new)) == 1  # no code went anywhere
    context.close()
