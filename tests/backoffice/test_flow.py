"""The request's journey without HTTP: states, history, applying, SMS, audit, refusals."""

from __future__ import annotations

import pytest

from govid.audit.chain import verify_chain
from govid.audit.models import Event
from govid.backoffice import flow
from govid.backoffice.errors import NotAllowed, RequestRefused
from govid.backoffice.models import PhoneRequest, Scan, State, Transition
from govid.directory import get_directory
from govid.directory.models import StoredAccount
from govid.sms.models import Message
from tests.backoffice.test_scan import PDF

LOGIN = "khong.so@soctrang.gov.vn"


def filed(world, *, login="khong.so", phone="0912 777 888", unlock=False, scanned=True):
    """A draft with one line and (unless ``scanned`` is false) the signed scan attached."""
    officer = world.staff("officer")
    request = flow.file_request(officer, unit_code="MYTU-HHN", ip="192.0.2.9")
    flow.add_line(
        officer, request.pk, login=login, phone=phone, reason="Chưa có số", unlock=unlock, ip=None
    )
    if scanned:
        flow.attach_scan(officer, request.pk, content=PDF, ip=None)
    return request


def to_provider(world, request):
    flow.move(world.staff("officer"), request.pk, "submit", comment="", ip=None)
    flow.move(world.staff("reviewer"), request.pk, "forward", comment="Đã kiểm tra", ip=None)


def test_unit_to_district_to_provider_writes_the_phone_and_tells_the_new_number(
    world, sms, django_capture_on_commit_callbacks
):
    request = filed(world)
    to_provider(world, request)
    with django_capture_on_commit_callbacks(execute=True):
        applied = flow.move(
            world.staff("provider"),
            request.pk,
            "apply",
            comment="",
            ip=None,
            recovery_url="http://127.0.0.1:8000/quen-mat-khau/",
        )
    assert applied.state == State.APPLIED
    assert get_directory().find(LOGIN).phone == "+84912777888"
    history = [(t.from_state, t.to_state, t.actor) for t in applied.history.all()]
    assert history == [
        ("draft", "submitted", world.logins["officer"]),
        ("submitted", "forwarded", world.logins["reviewer"]),
        ("forwarded", "applied", world.logins["provider"]),
    ]
    assert applied.history.all()[1].comment == "Đã kiểm tra"
    (message,) = sms.sent
    assert message.to == "+84912777888"
    assert LOGIN in message.text and "http://127.0.0.1:8000/quen-mat-khau/" in message.text
    changed = Event.objects.get(action="phone_changed", subject=LOGIN)
    assert changed.data == {
        "phone": "0912XXX888",  # masked
        "request": request.pk,
        "replaced": False,
        "source": "request",
    }
    assert verify_chain().intact


def test_a_replaced_number_gets_a_sim_swap_notice_and_unlock_is_applied(
    world, sms, django_capture_on_commit_callbacks
):
    StoredAccount.objects.filter(login="co.so@soctrang.gov.vn").update(locked=True)
    request = filed(world, login="co.so", phone="0987 111 222", unlock=True)
    to_provider(world, request)
    with django_capture_on_commit_callbacks(execute=True):
        flow.move(world.staff("provider"), request.pk, "apply", comment="", ip="192.0.2.7")
    account = get_directory().find("co.so@soctrang.gov.vn")
    assert account.phone == "+84987111222" and account.locked is False
    by_number = {m.to: m.text for m in sms.sent}
    assert set(by_number) == {"+84987111222", "+84912345678"}
    assert "0987XXX222" in by_number["+84912345678"]  # the old number hears of the change
    assert "0987111222" not in by_number["+84912345678"]
    assert Event.objects.filter(action="account_unlocked", subject=account.login).exists()


def test_nothing_is_sent_before_the_provider_applies(world, sms):
    request = filed(world)
    to_provider(world, request)
    assert sms.sent == []
    assert get_directory().find(LOGIN).phone is None


@pytest.mark.parametrize("who", ["reviewer", "provider"])
def test_returned_requests_go_back_to_the_unit_with_the_comment(world, who):
    request = filed(world)
    flow.move(world.staff("officer"), request.pk, "submit", comment="", ip=None)
    if who == "provider":
        flow.move(world.staff("reviewer"), request.pk, "forward", comment="", ip=None)
    with pytest.raises(RequestRefused) as refused:
        flow.move(world.staff(who), request.pk, "return", comment="  ", ip=None)
    assert refused.value.code == "comment_required"
    back = flow.move(world.staff(who), request.pk, "return", comment="Thiếu bản ký", ip=None)
    assert back.state == State.RETURNED and back.history.last().comment == "Thiếu bản ký"
    # The unit corrects it and sends it again.
    flow.move(world.staff("officer"), request.pk, "submit", comment="Đã bổ sung", ip=None)


def test_rejected_needs_a_reason_and_writes_nothing(world):
    request = filed(world)
    to_provider(world, request)
    rejected = flow.move(world.staff("provider"), request.pk, "reject", comment="Sai số", ip=None)
    assert rejected.state == State.REJECTED
    assert get_directory().find(LOGIN).phone is None


def test_a_step_taken_twice_is_refused_as_already_done(world):
    request = filed(world)
    flow.move(world.staff("officer"), request.pk, "submit", comment="", ip=None)
    flow.move(world.staff("reviewer"), request.pk, "forward", comment="", ip=None)
    with pytest.raises(RequestRefused) as refused:
        flow.move(world.staff("reviewer"), request.pk, "forward", comment="", ip=None)
    assert refused.value.code == "wrong_state"


def test_a_request_is_not_sent_before_its_signed_scan_is_attached(world):
    request = filed(world, scanned=False)
    with pytest.raises(RequestRefused) as refused:
        flow.move(world.staff("officer"), request.pk, "submit", comment="", ip=None)
    assert refused.value.code == "scan_missing"
    request.refresh_from_db()
    assert request.state == State.DRAFT
    assert not Transition.objects.filter(request=request).exists()
    assert not Event.objects.filter(action="request_submitted").exists()
    flow.attach_scan(world.staff("officer"), request.pk, content=PDF, ip=None)
    sent = flow.move(world.staff("officer"), request.pk, "submit", comment="", ip=None)
    assert sent.state == State.SUBMITTED


def test_a_request_sent_without_a_scan_is_not_forwarded_but_can_go_back(world):
    """A request sent before the scan was required: the district returns it, never forwards."""
    request = filed(world)
    flow.move(world.staff("officer"), request.pk, "submit", comment="", ip=None)
    Scan.objects.filter(request=request).delete()
    with pytest.raises(RequestRefused) as refused:
        flow.move(world.staff("reviewer"), request.pk, "forward", comment="", ip=None)
    assert refused.value.code == "scan_missing"
    assert PhoneRequest.objects.get(pk=request.pk).state == State.SUBMITTED
    assert not Event.objects.filter(action="request_forwarded").exists()
    back = flow.move(world.staff("reviewer"), request.pk, "return", comment="Thiếu bản ký", ip=None)
    assert back.state == State.RETURNED


def test_an_empty_request_cannot_be_submitted(world):
    request = flow.file_request(world.staff("officer"), unit_code="MYTU-HHN", ip=None)
    with pytest.raises(RequestRefused) as refused:
        flow.move(world.staff("officer"), request.pk, "submit", comment="", ip=None)
    assert refused.value.code == "no_lines"


@pytest.mark.parametrize(
    ("login", "phone", "code"),
    [
        ("khong.ai", "0912777888", "account_unknown"),
        ("phuong1", "0912777888", "account_other_unit"),  # another unit's account
        ("khong.so", "0299 3822 222", "phone_not_mobile"),
        ("khong.so", "+33 6 12 34 56 78", "phone_foreign"),
        ("khong.so", "12345", "phone_invalid"),
    ],
)
def test_lines_are_checked_against_the_directory_and_the_plan(world, login, phone, code):
    request = flow.file_request(world.staff("officer"), unit_code="MYTU-HHN", ip=None)
    with pytest.raises(RequestRefused) as refused:
        flow.add_line(
            world.staff("officer"),
            request.pk,
            login=login,
            phone=phone,
            reason="x",
            unlock=False,
            ip=None,
        )
    assert refused.value.code == code
    assert not request.lines.exists()


def test_an_account_gone_before_applying_stops_everything(
    world, sms, django_capture_on_commit_callbacks
):
    request = filed(world)
    flow.add_line(
        world.staff("officer"),
        request.pk,
        login="co.so",
        phone="0987111222",
        reason="x",
        unlock=False,
        ip=None,
    )
    to_provider(world, request)
    StoredAccount.objects.filter(login="co.so@soctrang.gov.vn").delete()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RequestRefused) as refused:
        flow.move(world.staff("provider"), request.pk, "apply", comment="", ip=None)
    assert refused.value.code == "account_gone"
    assert get_directory().find(LOGIN).phone is None  # the first line was undone too
    # No SMS is left to go out: the message rows (and, with the database queue, their tasks)
    # were rolled back with the rest. (The tests' immediate task backend has already called
    # the in-memory gateway inside the transaction; the production queue never does.)
    assert not Message.objects.exists()


def test_another_units_officer_cannot_even_see_the_request(world):
    request = filed(world)
    with pytest.raises(NotAllowed) as refused:
        flow.add_line(
            world.staff("other_officer"),
            request.pk,
            login="khong.so",
            phone="0912777888",
            reason="x",
            unlock=False,
            ip=None,
        )
    assert refused.value.visible is False


def test_the_unit_officer_files_only_for_their_own_units(world):
    with pytest.raises(NotAllowed):
        flow.file_request(world.staff("officer"), unit_code="TPST-P1", ip=None)
    with pytest.raises(NotAllowed):
        flow.file_request(world.staff("reviewer"), unit_code="MYTU-HHN", ip=None)


@pytest.mark.parametrize(
    ("reason", "code"), [("x" * 301, "reason_too_long"), ("Chưa\x00có số", "text_invalid")]
)
def test_a_reason_the_column_cannot_hold_is_refused_and_nothing_is_stored(world, reason, code):
    """The forms stop these first; the flow refuses them too (PostgreSQL stores no NUL and no
    reason longer than its column), so a caller that skips the form gets the same answer."""
    officer = world.staff("officer")
    request = flow.file_request(officer, unit_code="MYTU-HHN", ip=None)
    with pytest.raises(RequestRefused) as refused:
        flow.add_line(
            officer,
            request.pk,
            login="khong.so",
            phone="0912 777 888",
            reason=reason,
            unlock=False,
            ip=None,
        )
    assert refused.value.code == code and not request.lines.exists()
    flow.add_line(
        officer,
        request.pk,
        login="khong.so",
        phone="0912 777 888",
        reason="x" * 300,
        unlock=False,
        ip=None,
    )
    assert request.lines.count() == 1


def test_a_comment_with_a_nul_byte_is_refused_and_the_request_stays(world):
    request = filed(world)
    with pytest.raises(RequestRefused) as refused:
        flow.move(world.staff("officer"), request.pk, "submit", comment="a\x00b", ip=None)
    request.refresh_from_db()
    assert refused.value.code == "text_invalid" and request.state == State.DRAFT
