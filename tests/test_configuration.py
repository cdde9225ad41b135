"""Settings from the environment; a wrong configuration is refused at start with a hint."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def check(tmp_path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "GOVID_VAR_DIR": str(tmp_path), **env},
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"GOVID_DIRECTORY": "nosuch"}, "GOVID_DIRECTORY='nosuch' is not a directory backend"),
        ({"GOVID_SMS_GATEWAY": "pigeon"}, "GOVID_SMS_GATEWAY='pigeon' is not an SMS gateway"),
        ({"GOVID_RECOVERY_CODE_TTL": "five"}, "GOVID_RECOVERY_CODE_TTL"),
        (
            {"GOVID_RECOVERY_MAX_ATEMPTS": "3"},
            "Unknown GOVID_RECOVERY option(s): GOVID_RECOVERY_MAX_ATEMPTS",
        ),
        ({"GOVID_MAIL_DOMAIN": "soctrang"}, "is not a mail domain"),
        (
            {"GOVID_MAIL_DOMAINS": "soctrang.gov.vn,cantho.gov.vn."},
            "GOVID_MAIL_DOMAINS='soctrang.gov.vn,cantho.gov.vn.': 'cantho.gov.vn.' is not a "
            "mail domain",
        ),
        (
            {"GOVID_MAIL_DOMAINS": "cantho.gov.vn"},
            "GOVID_MAIL_DOMAINS='cantho.gov.vn' does not include "
            "GOVID_MAIL_DOMAIN='soctrang.gov.vn'",
        ),
        ({"GOVID_SSO_IDLE_TIMEOUT": "soon"}, "GOVID_SSO_IDLE_TIMEOUT"),
        (
            {"GOVID_SSO_IDEL_TIMEOUT": "60"},
            "Unknown GOVID_SSO option(s): GOVID_SSO_IDEL_TIMEOUT",
        ),
        ({"GOVID_SSO_HOLD_FIRST": "7200"}, "GOVID_SSO_HOLD_FIRST must be positive and at most"),
        ({"GOVID_SSO_ISSUER": "login.soctrang"}, "is not a URL"),
    ],
)
def test_a_bad_configuration_is_refused_at_start(tmp_path, env, message):
    result = check(tmp_path, **env)
    assert result.returncode != 0
    assert message in result.stderr


def test_the_secret_key_is_generated_once_into_var(tmp_path):
    assert check(tmp_path).returncode == 0
    key = (tmp_path / "secret_key").read_text()
    assert len(key) >= 50
    assert oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"
    check(tmp_path)
    assert (tmp_path / "secret_key").read_text() == key


def test_the_signing_key_is_generated_once_into_var(tmp_path):
    assert check(tmp_path).returncode == 0
    key = tmp_path / "oidc-keys" / "active.pem"
    first = key.read_text()
    assert first.startswith("-----BEGIN PRIVATE KEY-----")
    assert oct(key.stat().st_mode)[-3:] == "600"
    check(tmp_path)
    assert key.read_text() == first


def test_environment_values_reach_the_token_lifetimes(tmp_path):
    script = "print(settings.OAUTH2_PROVIDER['ACCESS_TOKEN_EXPIRE_SECONDS'])"
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "--no-imports",
            "-c",
            "from django.conf import settings; " + script,
        ],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "GOVID_VAR_DIR": str(tmp_path), "GOVID_SSO_ACCESS_TOKEN_TTL": "120"},
    )
    assert result.stdout.strip().splitlines()[-1] == "120"


def test_environment_values_reach_the_recovery_limits(settings):
    from datetime import timedelta

    from govid.recovery.conf import recovery_settings

    settings.GOVID_RECOVERY = {"code_ttl": "120", "max_resends": "1"}
    conf = recovery_settings()
    assert conf.code_ttl == timedelta(minutes=2)
    assert conf.max_resends == 1
    assert conf.max_attempts == 5


@pytest.mark.parametrize(
    ("env", "messages"),
    [
        (
            {
                "GOVID_SMS_GATEWAY": "kannel,smpp,http,pigeon",
                "GOVID_SMPP_PORT": "many",
                "GOVID_SMS_SENDER": "Sở TTTT Sóc Trăng",
                "GOVID_SMS_CODE_TEMPLATE": "Ma cua ban",
                "GOVID_SMS_NOTICE_TEMPLATE": "Doi mat khau luc {time} ✓",
                "GOVID_TASKS_WORKER": "celery",
            },
            [
                "GOVID_SMS_GATEWAY='pigeon' is not an SMS gateway",
                "GOVID_SMS_GATEWAY=kannel needs GOVID_KANNEL_SENDSMS_URL",
                "GOVID_SMS_GATEWAY=http needs GOVID_HTTP_SMS_URL",
                "GOVID_SMPP_PORT",
                "GOVID_SMS_SENDER='Sở TTTT Sóc Trăng' is not a brandname",
                "GOVID_SMS_CODE_TEMPLATE must contain {code}",
                "GOVID_SMS_NOTICE_TEMPLATE does not fit one SMS: not GSM-7",
                "GOVID_TASKS_WORKER='celery' is not a worker mode",
            ],
        ),
        (
            {
                "GOVID_SMS_GATEWAY": "smpp,http",
                "GOVID_HTTP_SMS_URL": "http://x",
                "GOVID_HTTP_SMS_PRESET": "soap",
                "GOVID_SMS_CODE_TEMPLATE": "Ma {code} {ten}",
            },
            [
                "GOVID_SMS_GATEWAY=smpp needs GOVID_SMPP_HOST",
                "GOVID_HTTP_SMS_PRESET='soap' is not a preset",
                "GOVID_SMS_CODE_TEMPLATE uses unknown placeholders {ten}",
            ],
        ),
        (
            {"GOVID_SMS_CODE_TEMPLATE": "Mã xác nhận {code}. " + "Xin cảm ơn quý khách. " * 7},
            ["GOVID_SMS_CODE_TEMPLATE does not fit one SMS: 1"],
        ),
    ],
)
def test_every_sms_mistake_is_named_at_start(tmp_path, env, messages):
    result = check(tmp_path, **env)
    assert result.returncode != 0
    for message in messages:
        assert message in result.stderr, message


def test_a_deployments_own_templates_and_brandname_are_accepted(tmp_path):
    result = check(
        tmp_path,
        GOVID_SMS_SENDER="STTTTT",
        GOVID_SMS_CODE_TEMPLATE="Mã khôi phục thư công vụ: {code}, dùng trong {minutes} phút.",
        GOVID_SMS_NOTICE_TEMPLATE="Mật khẩu thư công vụ đã đổi lúc {time}. Hỗ trợ: {support}",
    )
    assert result.returncode == 0, result.stderr


def test_kannel_without_a_public_address_is_warned_about(tmp_path):
    result = check(
        tmp_path,
        GOVID_SMS_GATEWAY="kannel",
        GOVID_KANNEL_SENDSMS_URL="http://127.0.0.1:13013/cgi-bin/sendsms",
    )
    assert result.returncode == 0
    assert "GOVID_PUBLIC_URL is not set" in result.stderr
