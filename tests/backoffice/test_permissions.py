"""Every back-office view and action refuses every role that should not reach it, including
another unit's officer and another district's reviewer, and a refusal changes nothing."""

from __future__ import annotations

import io

import pytest

from govid.backoffice import flow
from govid.backoffice.models import ImportUpload, PhoneRequest, RequestLine, State, Transition
from tests.backoffice.test_scan import PDF

EVERYONE = [
    "anonymous",
    "nobody",
    "officer",
    "other_officer",
    "reviewer",
    "other_reviewer",
    "provider",
    "auditor",
]


def make_request(world, state: str, *, scanned: bool = True) -> PhoneRequest:
    """A request of MYTU-HHN (the officer's unit, in the reviewer's district) in ``state``,
    with its signed scan unless ``scanned`` is false."""
    officer = world.staff("officer")
    request = flow.file_request(officer, unit_code="MYTU-HHN", ip=None)
    flow.add_line(
        officer, request.pk, login="khong.so", phone="0912777888", reason="x", unlock=False, ip=None
    )
    if scanned:
        flow.attach_scan(officer, request.pk, content=PDF, ip=None)
    path = {
        "draft": [],
        "submitted": [("officer", "submit")],
        "forwarded": [("officer", "submit"), ("reviewer", "forward")],
    }[state]
    for who, action in path:
        flow.move(world.staff(who), request.pk, action, comment="", ip=None)
    return request


def snapshot(request: PhoneRequest) -> tuple[object, ...]:
    fresh = PhoneRequest.objects.get(pk=request.pk)
    lines = list(RequestLine.objects.filter(request=fresh).values_list("login", "new_phone"))
    return (
        fresh.state,
        lines,
        Transition.objects.filter(request=fresh).count(),
        hasattr(fresh, "scan"),
    )


def call(world, who: str, method: str, url: str, data=None):
    client = world.client(None if who == "anonymous" else who)
    return client.get(url) if method == "GET" else client.post(url, data or {})


def expected(allowed: dict[str, int], who: str) -> int | None:
    """The status a refusal must have: login for anonymous, else the table's entry."""
    if who == "anonymous":
        return 302
    return allowed.get(who)


# (state of the request, method, path under the request, data, {who: status if refused})
REQUEST_ACTIONS = [
    (
        "submitted",
        "GET",
        "",
        None,
        {"nobody": 403, "other_officer": 404, "other_reviewer": 404},
    ),
    (
        "draft",
        "GET",
        "",
        None,
        {
            "nobody": 403,
            "other_officer": 404,
            "other_reviewer": 404,
            "reviewer": 404,
            "provider": 404,
            "auditor": 404,
        },
    ),
    (
        "draft",
        "POST",
        "them/",
        {"login": "co.so", "phone": "0987111222", "reason": "x"},
        {
            "nobody": 403,
            "other_officer": 404,
            "reviewer": 403,
            "other_reviewer": 403,
            "provider": 403,
            "auditor": 403,
        },
    ),
    (
        "submitted",
        "POST",
        "them/",
        {"login": "co.so", "phone": "0987111222", "reason": "x"},
        {
            "nobody": 403,
            "officer": 400,
            "other_officer": 404,
            "reviewer": 403,
            "other_reviewer": 403,
            "provider": 403,
            "auditor": 403,
        },
    ),
    (
        "draft",
        "POST",
        "chuyen/",
        {"action": "submit"},
        {
            "nobody": 403,
            "other_officer": 404,
            "reviewer": 404,
            "other_reviewer": 404,
            "provider": 404,
            "auditor": 404,
        },
    ),
    (
        "submitted",
        "POST",
        "chuyen/",
        {"action": "forward"},
        {
            "nobody": 403,
            "officer": 403,
            "other_officer": 404,
            "other_reviewer": 404,
            "provider": 403,
            "auditor": 403,
        },
    ),
    (
        "submitted",
        "POST",
        "chuyen/",
        {"action": "return", "comment": "Thiếu"},
        {
            "nobody": 403,
            "officer": 403,
            "other_officer": 404,
            "other_reviewer": 404,
            "provider": 403,
            "auditor": 403,
        },
    ),
    (
        "forwarded",
        "POST",
        "chuyen/",
        {"action": "apply"},
        {
            "nobody": 403,
            "officer": 403,
            "other_officer": 404,
            "reviewer": 403,
            "other_reviewer": 404,
            "auditor": 403,
        },
    ),
    (
        "forwarded",
        "POST",
        "chuyen/",
        {"action": "reject", "comment": "Sai"},
        {
            "nobody": 403,
            "officer": 403,
            "other_officer": 404,
            "reviewer": 403,
            "other_reviewer": 404,
            "auditor": 403,
        },
    ),
    (
        "submitted",
        "GET",
        "cong-van.pdf",
        None,
        {
            "nobody": 403,
            "other_officer": 404,
            "reviewer": 403,
            "other_reviewer": 403,
            "auditor": 403,
        },
    ),
    (
        "draft",
        "GET",
        "cong-van.pdf",
        None,
        {
            "nobody": 403,
            "other_officer": 404,
            "reviewer": 403,
            "other_reviewer": 403,
            "provider": 404,
            "auditor": 403,
        },
    ),
]


@pytest.mark.parametrize("who", EVERYONE)
@pytest.mark.parametrize(("state", "method", "path", "data", "refused"), REQUEST_ACTIONS)
def test_request_views_refuse_the_wrong_roles(world, who, state, method, path, data, refused):
    request = make_request(world, state)
    before = snapshot(request)
    response = call(world, who, method, f"/van-phong/de-nghi/{request.pk}/{path}", data)
    status = expected(refused, who)
    if status is None:
        assert response.status_code in (200, 302), (who, response.status_code)
        if response.status_code == 302:
            assert "/?next=" not in response.headers["Location"]
        return
    assert response.status_code == status, (who, response.status_code)
    if who == "anonymous":
        assert response.headers["Location"].startswith("/?next=/van-phong/")
    if 400 <= status < 500:
        assert '<html lang="vi">' in response.content.decode()
    assert snapshot(request) == before  # a refusal changes nothing


@pytest.mark.parametrize("who", EVERYONE)
def test_removing_a_line_and_attaching_a_scan_belong_to_the_unit(world, who):
    request = make_request(world, "draft", scanned=False)
    line = request.lines.get()
    before = snapshot(request)
    client = world.client(None if who == "anonymous" else who)
    upload = io.BytesIO(PDF)
    upload.name = "ky.pdf"
    statuses = [
        client.post(f"/van-phong/de-nghi/{request.pk}/ban-quet/", {"scan": upload}).status_code,
        client.post(f"/van-phong/de-nghi/{request.pk}/bo/{line.pk}/").status_code,
    ]
    if who == "officer":
        assert statuses == [302, 302]
        return
    wanted = {
        "anonymous": [302, 302],
        "nobody": [403, 403],
        "other_officer": [404, 404],  # holds the role, but not for this unit
    }.get(who, [404, 403])  # other roles: a draft is not theirs to see, nor the action
    assert statuses == wanted, who
    assert snapshot(request) == before


PAGES = [
    # (method, url, data, roles allowed)
    (
        "GET",
        "/van-phong/",
        None,
        {"officer", "other_officer", "reviewer", "other_reviewer", "provider", "auditor"},
    ),
    (
        "GET",
        "/van-phong/de-nghi/",
        None,
        {"officer", "other_officer", "reviewer", "other_reviewer", "provider", "auditor"},
    ),
    ("GET", "/van-phong/de-nghi/moi/", None, {"officer", "other_officer"}),
    ("POST", "/van-phong/de-nghi/moi/", {"unit": "MYTU-HHN"}, {"officer"}),
    (
        "GET",
        "/van-phong/tai-khoan/?unit=MYTU-HHN",
        None,
        {"officer", "reviewer", "provider", "auditor"},
    ),
    (
        "GET",
        "/van-phong/tai-khoan/xuat.xlsx?unit=MYTU-HHN",
        None,
        {"officer", "reviewer", "provider", "auditor"},
    ),
    ("GET", "/van-phong/nhap/", None, {"officer", "other_officer", "provider"}),
    (
        "GET",
        "/van-phong/bao-cao/",
        None,
        {"officer", "other_officer", "reviewer", "other_reviewer", "provider", "auditor"},
    ),
    (
        "GET",
        "/van-phong/bao-cao.csv",
        None,
        {"officer", "other_officer", "reviewer", "other_reviewer", "provider", "auditor"},
    ),
    ("GET", "/van-phong/nhat-ky/", None, {"auditor"}),
    ("GET", "/van-phong/nhat-ky.csv", None, {"auditor"}),
]


@pytest.mark.parametrize("who", EVERYONE)
@pytest.mark.parametrize(("method", "url", "data", "allowed"), PAGES)
def test_pages_refuse_the_wrong_roles(world, who, method, url, data, allowed):
    requests_before = PhoneRequest.objects.count()
    response = call(world, who, method, url, data)
    if who in allowed:
        assert response.status_code in (200, 302), (who, response.status_code)
        return
    refused = 302 if who == "anonymous" else 403
    if who == "other_officer" and method == "POST":
        refused = 400  # the form does not offer another unit: "Đơn vị không hợp lệ."
    assert response.status_code == refused, (who, response.status_code)
    assert PhoneRequest.objects.count() == requests_before


def test_another_unit_cannot_be_chosen_when_filing(world):
    response = world.client("officer").post("/van-phong/de-nghi/moi/", {"unit": "TPST-P1"})
    assert response.status_code == 400
    assert "Đơn vị không hợp lệ." in response.content.decode()
    assert not PhoneRequest.objects.exists()


def test_an_import_is_previewed_and_applied_only_by_its_uploader(world):
    upload = ImportUpload.objects.create(
        uploaded_by=world.logins["officer"],
        uploaded_at=PhoneRequest._meta.get_field("created_at").pre_save
        and __import__("govid.clock", fromlist=["now"]).now(),
        filename="ds.csv",
        content=b"email,phone\nkhong.so,0912777888\n",
    )
    for who in ("other_officer", "provider"):
        client = world.client(who)
        assert client.get(f"/van-phong/nhap/{upload.pk}/").status_code == 404
        assert client.post(f"/van-phong/nhap/{upload.pk}/cap-nhat/").status_code == 404
    for who in ("reviewer", "auditor", "nobody"):
        assert world.client(who).get(f"/van-phong/nhap/{upload.pk}/").status_code == 403
    assert ImportUpload.objects.get(pk=upload.pk).applied_at is None


def test_an_import_cannot_reach_another_units_accounts(world):
    client = world.client("officer")
    upload = io.BytesIO(b"email,phone\nphuong1,0912777888\n")
    upload.name = "ds.csv"
    location = client.post("/van-phong/nhap/", {"file": upload}).headers["Location"]
    preview = client.get(location)
    assert preview.status_code == 400
    assert "Đơn vị này không thuộc phạm vi của bạn." in preview.content.decode()
    assert client.post(location + "cap-nhat/").status_code == 400


def test_the_state_after_a_refused_step_is_unchanged_for_the_queue(world):
    request = make_request(world, "submitted")
    world.client("other_reviewer").post(
        f"/van-phong/de-nghi/{request.pk}/chuyen/", {"action": "forward"}
    )
    assert PhoneRequest.objects.get(pk=request.pk).state == State.SUBMITTED
    assert (
        f"#{request.pk}" not in world.client("other_reviewer").get("/van-phong/").content.decode()
    )
    assert f"#{request.pk}" in world.client("reviewer").get("/van-phong/").content.decode()
