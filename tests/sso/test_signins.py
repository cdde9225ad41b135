"""Sign-ins: one record per login, ended by a sign-out, a reset or a lock, each system told once."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client

from govid.directory.api import get_directory, set_locked
from govid.sso import signins
from govid.sso.models import SignIn, Visit
from tests.conftest import NEW_PASSWORD, PASSWORD


def log_in(client: Client, agent: str = "Mozilla/5.0 (Linux; Android 10) Chrome/120") -> None:
    response = client.post(
        "/", {"username": "an.nguyen", "password": PASSWORD}, HTTP_USER_AGENT=agent
    )
    assert response.status_code == 302


def signed_in(client: Client) -> bool:
    return client.get("/tai-khoan/").status_code == 200


@pytest.fixture
def told() -> Iterator[list[str]]:
    """A protocol of the test's own: the visits whose back-channel logout was sent."""
    sent: list[str] = []
    signins.register_logout("test", back=lambda visit: sent.append(visit.party))
    yield sent
    signins._LOGOUTS.pop("test", None)


def _visit(client: Client, party: str) -> Visit:
    sid = client.session[signins.SID]
    sign_in = SignIn.objects.get(sid=sid)
    return signins.record_visit_of(sign_in, protocol="test", party=party, subject="an")


@pytest.mark.django_db(transaction=True)
def test_a_login_begins_a_sign_in_that_the_logout_ends_and_tells_each_system(client, account, told):
    log_in(client)
    [sign_in] = signins.live_of("an.nguyen@soctrang.gov.vn")
    assert sign_in.user_agent.startswith("Mozilla/5.0 (Linux; Android 10)")
    _visit(client, "van-phong-dien-tu")
    _visit(client, "mot-cua")
    _visit(client, "mot-cua")  # the same system twice is one visit
    client.post("/dang-xuat/")
    assert not signed_in(client)
    assert sorted(told) == ["mot-cua", "van-phong-dien-tu"]
    assert signins.live_of("an.nguyen@soctrang.gov.vn") == []


@pytest.mark.django_db(transaction=True)
def test_a_password_change_ends_every_other_sign_in_and_its_systems(client, account, told):
    other = Client()
    log_in(client)
    log_in(other, agent="Mozilla/5.0 (Windows NT 10.0) Firefox/128")
    _visit(client, "mot-cua")
    _visit(other, "nhan-su")
    assert len(signins.live_of("an.nguyen@soctrang.gov.vn")) == 2
    response = client.post(
        "/tai-khoan/",
        {"old_password": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert signed_in(client)
    assert not signed_in(other)
    assert sorted(told) == ["mot-cua", "nhan-su"]
    [left] = signins.live_of("an.nguyen@soctrang.gov.vn")
    assert left.sid == client.session[signins.SID]


@pytest.mark.django_db(transaction=True)
def test_a_lock_ends_every_sign_in(client, account, told):
    log_in(client)
    _visit(client, "mot-cua")
    found = get_directory().find("an.nguyen@soctrang.gov.vn")
    assert found is not None
    set_locked(found, True, actor="admin@soctrang.gov.vn")
    assert not signed_in(client)
    assert told == ["mot-cua"]
    assert signins.live_of("an.nguyen@soctrang.gov.vn") == []


@pytest.mark.django_db(transaction=True)
def test_an_ended_sign_in_tells_its_systems_once(client, account, told):
    log_in(client)
    _visit(client, "mot-cua")
    sign_in = SignIn.objects.get(sid=client.session[signins.SID])
    assert [v.party for v in signins.end(sign_in)] == ["mot-cua"]
    assert signins.end(sign_in) == []
    assert signins.end_all("an.nguyen@soctrang.gov.vn") == []
    assert told == ["mot-cua"]


@pytest.mark.django_db
def test_a_sign_in_whose_session_timed_out_is_no_longer_listed(client, account):
    log_in(client)
    # The session store forgets the session (it expired there, or was cleared).
    signins._session_store().delete(client.session.session_key)
    assert signins.live_of("an.nguyen@soctrang.gov.vn") == []
    assert SignIn.objects.get().ended_at is not None
