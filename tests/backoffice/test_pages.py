"""The back-office pages as each desk sees them: what is shown, masked, offered."""

from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from govid.backoffice import flow
from govid.backoffice.models import PhoneRequest, Scan, State
from tests.backoffice.test_scan import PDF


def test_the_unit_officer_files_a_request_through_the_pages(world, sms):
    client = world.client("officer")
    response = client.post("/van-phong/de-nghi/moi/", {"unit": "MYTU-HHN"})
    assert response.status_code == 302
    url = response.headers["Location"]
    request = PhoneRequest.objects.get()
    assert url == f"/van-phong/de-nghi/{request.pk}/"
    bad = client.post(url + "them/", {"login": "khong.so", "phone": "02993822222", "reason": "x"})
    assert bad.status_code == 400
    assert "Đây là số máy cố định" in bad.content.decode()
    ok = client.post(url + "them/", {"login": "khong.so", "phone": "0912 777 888", "reason": "Mới"})
    assert ok.status_code == 302
    page = client.get(url).content.decode()
    assert "0912777888" in page  # the filer, allowed to change it, sees it whole
    fake = io.BytesIO(b"GIF89a not a pdf")
    fake.name = "ban-ky.pdf"
    refused = client.post(url + "ban-quet/", {"scan": fake})
    assert refused.status_code == 400 and "Tệp không phải PDF" in refused.content.decode()
    upload = io.BytesIO(PDF)
    upload.name = "ban-ky.pdf"
    assert client.post(url + "ban-quet/", {"scan": upload}).status_code == 302
    letter = client.get(url + "cong-van.pdf")
    assert letter.status_code == 200 and letter.content.startswith(b"%PDF-")
    assert client.post(url + "chuyen/", {"action": "submit", "comment": ""}).status_code == 302
    assert PhoneRequest.objects.get().state == State.SUBMITTED
    assert "Đã gửi, chờ huyện xem xét" in client.get(url).content.decode()


def test_the_reviewer_sees_masked_numbers_and_the_queue(world):
    officer = world.staff("officer")
    request = flow.file_request(officer, unit_code="MYTU-HHN", ip=None)
    flow.add_line(
        officer, request.pk, login="khong.so", phone="0912777888", reason="x", unlock=False, ip=None
    )
    flow.attach_scan(officer, request.pk, content=PDF, ip=None)
    flow.move(officer, request.pk, "submit", comment="", ip=None)
    client = world.client("reviewer")
    home = client.get("/van-phong/").content.decode()
    assert f"#{request.pk}" in home
    page = client.get(f"/van-phong/de-nghi/{request.pk}/").content.decode()
    assert "0912XXX888" in page and "0912777888" not in page
    assert "Chuyển Trung tâm Công nghệ số" in page and "Trả lại đơn vị" in page
    returned = client.post(
        f"/van-phong/de-nghi/{request.pk}/chuyen/", {"action": "return", "comment": ""}
    )
    assert returned.status_code == 400
    assert "Vui lòng ghi ý kiến" in returned.content.decode()


SCAN_MISSING = "Chưa có bản quét văn bản đã ký nên chưa gửi hoặc chuyển được đề nghị."


def button(page: str, action: str) -> str:
    """The opening tag of the request page's button for ``action``."""
    (tag,) = re.findall(rf'<button[^>]*name="action" value="{action}"[^>]*>', page)
    return tag


def test_the_unit_officer_cannot_send_before_attaching_the_scan_and_reads_why(world):
    officer = world.staff("officer")
    request = flow.file_request(officer, unit_code="MYTU-HHN", ip=None)
    flow.add_line(
        officer, request.pk, login="khong.so", phone="0912777888", reason="x", unlock=False, ip=None
    )
    client = world.client("officer")
    url = f"/van-phong/de-nghi/{request.pk}/"
    page = client.get(url).content.decode()
    assert "disabled" in button(page, "submit")
    assert 'aria-describedby="scan-needed"' in button(page, "submit")
    assert f'id="scan-needed">{SCAN_MISSING}' in page
    refused = client.post(url + "chuyen/", {"action": "submit", "comment": ""})
    assert refused.status_code == 409 and SCAN_MISSING in refused.content.decode()
    assert PhoneRequest.objects.get(pk=request.pk).state == State.DRAFT
    upload = io.BytesIO(PDF)
    upload.name = "ban-ky.pdf"
    assert client.post(url + "ban-quet/", {"scan": upload}).status_code == 302
    page = client.get(url).content.decode()
    assert "disabled" not in button(page, "submit") and SCAN_MISSING not in page
    assert client.post(url + "chuyen/", {"action": "submit", "comment": ""}).status_code == 302
    assert PhoneRequest.objects.get(pk=request.pk).state == State.SUBMITTED


def test_the_reviewer_cannot_forward_a_request_without_its_scan_but_returns_it(world):
    """A request sent before the scan was required reaches the district without one."""
    officer = world.staff("officer")
    request = flow.file_request(officer, unit_code="MYTU-HHN", ip=None)
    flow.add_line(
        officer, request.pk, login="khong.so", phone="0912777888", reason="x", unlock=False, ip=None
    )
    flow.attach_scan(officer, request.pk, content=PDF, ip=None)
    flow.move(officer, request.pk, "submit", comment="", ip=None)
    Scan.objects.filter(request=request).delete()
    client = world.client("reviewer")
    url = f"/van-phong/de-nghi/{request.pk}/"
    page = client.get(url).content.decode()
    assert "disabled" in button(page, "forward") and "disabled" not in button(page, "return")
    assert SCAN_MISSING in page
    refused = client.post(url + "chuyen/", {"action": "forward", "comment": ""})
    assert refused.status_code == 409 and SCAN_MISSING in refused.content.decode()
    assert PhoneRequest.objects.get(pk=request.pk).state == State.SUBMITTED
    back = client.post(url + "chuyen/", {"action": "return", "comment": "Thiếu bản ký"})
    assert back.status_code == 302
    assert PhoneRequest.objects.get(pk=request.pk).state == State.RETURNED


def test_account_list_masks_phones_and_the_export_has_them_for_the_unit(world):
    client = world.client("officer")
    page = client.get("/van-phong/tai-khoan/?unit=MYTU-HHN").content.decode()
    assert "0912XXX678" in page and "0912345678" not in page
    assert "Chưa có" in page  # khong.so has no phone
    export = client.get("/van-phong/tai-khoan/xuat.xlsx?unit=MYTU-HHN")
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = {row[0]: row for row in sheet.iter_rows(values_only=True)}
    assert rows["co.so@soctrang.gov.vn"][3] == "0912345678"
    reviewer_export = world.client("reviewer").get("/van-phong/tai-khoan/xuat.xlsx?unit=MYTU-HHN")
    sheet = load_workbook(io.BytesIO(reviewer_export.content)).active
    assert {row[3] for row in sheet.iter_rows(values_only=True)} >= {"0912XXX678"}


def test_every_export_of_a_units_accounts_is_in_the_auditors_log_without_a_number(world):
    """Who took which unit's list, with full or masked numbers: the auditor reads it."""
    world.client("officer").get("/van-phong/tai-khoan/xuat.xlsx?unit=MYTU-HHN")
    world.client("reviewer").get("/van-phong/tai-khoan/xuat.xlsx?unit=MYTU-HHN")
    exported = world.client("auditor").get("/van-phong/nhat-ky.csv?action=accounts_exported")
    lines = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))[1:]
    seen = {(line[3], line[4]): line[6] for line in lines}
    officer, reviewer = world.logins["officer"], world.logins["reviewer"]
    assert set(seen) == {(officer, "MYTU-HHN"), (reviewer, "MYTU-HHN")}
    assert "'phones': 'full'" in seen[officer, "MYTU-HHN"]
    assert "'phones': 'masked'" in seen[reviewer, "MYTU-HHN"]
    assert "912345678" not in exported.content.decode("utf-8-sig")


def test_import_preview_shows_row_errors_and_writes_nothing_until_confirmed(world):
    client = world.client("provider")
    text = "Email công vụ,Số điện thoại\nkhong.so,0166 355 1212\nco.so,0299 3822 222\n"
    upload = io.BytesIO(text.encode())
    upload.name = "ds.csv"
    response = client.post("/van-phong/nhap/", {"file": upload})
    assert response.status_code == 302
    preview = client.get(response.headers["Location"])
    body = preview.content.decode()
    assert preview.status_code == 400
    assert "Số máy cố định" in body and "0363XXX212" in body and "đã đổi từ số 11 số" in body
    assert "Cập nhật</button>" not in body
    apply = client.post(response.headers["Location"] + "cap-nhat/")
    assert apply.status_code == 400
    from govid.directory import get_directory

    assert get_directory().find("khong.so@soctrang.gov.vn").phone is None


def test_import_applies_after_the_preview(world):
    client = world.client("provider")
    upload = io.BytesIO(b"phone;email\n0166 355 1212;khong.so\n")
    upload.name = "ds.csv"
    location = client.post("/van-phong/nhap/", {"file": upload}).headers["Location"]
    assert client.get(location).status_code == 200
    assert client.post(location + "cap-nhat/").status_code == 302
    from govid.directory import get_directory

    assert get_directory().find("khong.so@soctrang.gov.vn").phone == "+84363551212"


def test_a_unit_officer_imports_new_accounts_but_proposes_phones_by_request(world):
    client = world.client("officer")
    upload = io.BytesIO(
        "email,name,unit,phone\n"
        "moi.den@soctrang.gov.vn,Người Mới,MYTU-HHN,0393 444 555\n"
        "khong.so,,,0166 355 1212\n".encode()
    )
    upload.name = "ds.csv"
    location = client.post("/van-phong/nhap/", {"file": upload}).headers["Location"]
    preview = client.get(location)
    assert preview.status_code == 400
    assert "số điện thoại của tài khoản được cập nhật qua đề nghị" in preview.content.decode()
    assert client.post(location + "cap-nhat/").status_code == 400
    from govid.directory import get_directory

    assert get_directory().find("khong.so@soctrang.gov.vn").phone is None
    assert get_directory().find("moi.den@soctrang.gov.vn") is None  # nothing of a bad file


def test_a_list_never_applied_is_deleted_a_day_later(world, frozen):
    """Names and phones uploaded and abandoned do not stay in the database."""
    from datetime import timedelta

    from govid import clock
    from govid.backoffice.models import ImportUpload

    client = world.client("provider")

    def upload() -> str:
        content = io.BytesIO(b"phone;email\n0166 355 1212;khong.so\n")
        content.name = "ds.csv"
        return client.post("/van-phong/nhap/", {"file": content}).headers["Location"]

    abandoned = upload()
    clock.advance(timedelta(hours=23))
    kept = upload()
    assert client.get(abandoned).status_code == 200  # not a day old yet
    clock.advance(timedelta(hours=2))
    upload()  # the next upload clears the abandoned one
    assert client.get(abandoned).status_code == 404
    assert client.get(kept).status_code == 200
    assert ImportUpload.objects.count() == 2


def test_report_table_chart_and_csv(world):
    client = world.client("reviewer")
    page = client.get("/van-phong/bao-cao/").content.decode()
    assert "UBND thị trấn Huỳnh Hữu Nghĩa" in page and "<svg" in page
    assert "UBND Phường 1" not in page  # another district's unit
    rows = list(
        csv.reader(io.StringIO(client.get("/van-phong/bao-cao.csv").content.decode("utf-8-sig")))
    )
    header, *data = rows
    by_code = {row[1]: dict(zip(header, row, strict=True)) for row in data}
    hhn = by_code["MYTU-HHN"]
    # khong.so, co.so (0912...), officer, reviewer, provider, auditor, nobody: 7 accounts, 1 phone
    assert (hhn["accounts"], hhn["with_phone"], hhn["phone_share_percent"]) == ("7", "1", "14")
    assert by_code["MYTU"]["level"] == "district"


def test_auditor_filters_and_exports_the_log(world):
    client = world.client("auditor")
    page = client.get("/van-phong/nhat-ky/?action=role_granted").content.decode()
    assert "<td>role_granted</td>" in page and "<td>account_added</td>" not in page
    exported = client.get("/van-phong/nhat-ky.csv?action=role_granted").content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(exported)))
    assert lines[0][:3] == ["seq", "at", "action"] and len(lines) == 1 + 6
    assert {line[2] for line in lines[1:]} == {"role_granted"}


def test_vietnamese_first_english_by_the_switch(world):
    client = world.client("officer")
    assert "Việc cần làm" in client.get("/van-phong/").content.decode()
    client.cookies["govid_language"] = "en"
    page = client.get("/van-phong/").content.decode()
    assert '<html lang="en">' in page and "To do" in page and "New request" in page


@pytest.mark.parametrize(
    ("who", "url", "current", "role"),
    [
        ("officer", "/van-phong/", "Việc cần làm", "Cán bộ đầu mối đơn vị</strong>: UBND thị trấn"),
        ("officer", "/van-phong/de-nghi/moi/", "Đề nghị", "Cán bộ đầu mối đơn vị"),
        ("reviewer", "/van-phong/bao-cao/", "Báo cáo", "Phòng Văn hóa và Thông tin cấp huyện"),
        ("provider", "/van-phong/phan-quyen/", "Phân quyền", "Quản trị Trung tâm Công nghệ số"),
    ],
)
def test_every_page_says_who_is_at_the_desk_and_where_they_are(world, who, url, current, role):
    page = world.client(who).get(url).content.decode()
    assert f'<p class="office-name">Cán bộ {who}</p>' in page  # the directory's name
    assert role in page
    assert re.search(r'<form method="post" action="/dang-xuat/"[^>]*>\s*<input', page)
    assert ">Đăng xuất</button>" in page
    assert re.findall(r'<a href="[^"]*" aria-current="page">([^<]*)</a>', page) == [current]


def test_each_step_that_cannot_be_undone_asks_first_and_posts_without_script(world):
    """The question rides on the button (confirm.js asks it in the page's dialog); the form
    itself still posts straight to the step, so the page works without the script."""
    officer = world.staff("officer")
    request = flow.file_request(officer, unit_code="MYTU-HHN", ip=None)
    flow.add_line(
        officer, request.pk, login="khong.so", phone="0912777888", reason="x", unlock=False, ip=None
    )
    flow.attach_scan(officer, request.pk, content=PDF, ip=None)
    page = world.client("officer").get(f"/van-phong/de-nghi/{request.pk}/").content.decode()
    assert 'data-confirm="Gửi đề nghị này lên huyện?' in button(page, "submit")
    assert '<script src="/static/backoffice/confirm.js" defer>' in page
    assert '<dialog class="confirm-dialog" id="confirm-dialog"' in page
    flow.move(officer, request.pk, "submit", comment="", ip=None)
    page = world.client("reviewer").get(f"/van-phong/de-nghi/{request.pk}/").content.decode()
    assert 'data-confirm="Chuyển đề nghị này lên Trung tâm Công nghệ số?"' in button(
        page, "forward"
    )
    assert 'data-confirm="Trả lại đề nghị này cho đơn vị' in button(page, "return")
    roles = world.client("provider").get("/van-phong/phan-quyen/").content.decode()
    revoke = f"Thu hồi quyền Cán bộ đầu mối đơn vị của {world.logins['officer']}?"
    assert f'data-confirm="{revoke}' in roles
