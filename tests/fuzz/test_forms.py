"""Property tests: every form of govid, fed anything (hypothesis)."""

from __future__ import annotations

import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given
from hypothesis import strategies as st

from govid.backoffice.forms import ImportForm, LineForm, MoveForm, NewRequestForm, ScanForm
from govid.captcha.fields import CaptchaField
from govid.passwords.forms import NewPasswordForm
from govid.recovery.forms import ForgotPasswordForm, ResetPasswordForm
from govid.sso.forms import ChangePasswordForm, LoginForm
from tests.fuzz.forms import check_form
from tests.fuzz.strategies import any_text, codes, form_data

PLAIN = [ForgotPasswordForm, ResetPasswordForm, NewPasswordForm, LoginForm, ChangePasswordForm]


@pytest.mark.parametrize("form_class", PLAIN)
@given(data=form_data)
def test_plain_forms_take_any_fields(form_class, data):
    check_form(form_class(data))


@given(
    email=any_text,
    code=codes,
    password1=any_text,
    password2=any_text,
    old=any_text,
    remember=any_text,
)
def test_each_field_takes_any_text(email, code, password1, password2, old, remember):
    check_form(ForgotPasswordForm({"email": email}))
    pair = {"password1": password1, "password2": password2}
    check_form(ResetPasswordForm({"code": code, **pair}))
    check_form(ChangePasswordForm({"old_password": old, **pair}))
    check_form(LoginForm({"username": email, "password": password1, "remember": remember}))


@given(payload=any_text)
def test_the_forgot_form_with_its_proof_of_work_takes_anything(db, payload):
    check_form(ForgotPasswordForm({"email": "an.nguyen", "altcha": payload}, captcha=True))
    field = CaptchaField("forgot")
    with pytest.raises(Exception) as refused:
        field.clean(payload)
    assert refused.type.__name__ == "ValidationError"


@given(unit=any_text, login=any_text, phone=any_text, reason=any_text, comment=any_text)
def test_back_office_forms_take_any_text(unit, login, phone, reason, comment):
    check_form(NewRequestForm({"unit": unit}, units=[("MYTU", "Huyện Mỹ Tú")]))
    check_form(LineForm({"login": login, "phone": phone, "reason": reason, "unlock": comment}))
    check_form(MoveForm({"comment": comment}))


@given(content=st.binary(max_size=4096), name=any_text)
def test_upload_forms_take_any_file(content, name):
    # As Django's upload parser hands names over: no NUL, no directory, never empty.
    name = os.path.basename(name.replace("\x00", ""))[:200]
    name = name if name not in ("", ".", "..") else "x"
    for form_class, field in ((ScanForm, "scan"), (ImportForm, "file")):
        check_form(form_class({}, {field: SimpleUploadedFile(name, content)}))
