"""HttpGateway: a carrier's brandname REST API, described by settings instead of code.

A request is a method, a URL, headers and a body of field templates (JSON, form or query
string) in which ``{phone}`` (84..., no plus), ``{phone_local}`` (0...), ``{text}``,
``{sender}``, ``{ref}``, ``{username}`` and ``{password}`` are filled in. The answer is accepted
when its HTTP status is one of ``ok_status`` and, for JSON answers, the field ``ok_field`` holds
one of ``ok_values`` (or, for text answers, ``ok_pattern`` matches). The provider's message id
comes from ``id_field`` or ``id_pattern``. Statuses, result codes or patterns listed as
permanent mean the number or text is wrong: no retry, no other route.

Two presets cover the common shapes (GOVID_HTTP_SMS_PRESET); any option overrides its preset.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from govid.phones import national_digits
from govid.sms.base import SmsError, SmsGateway, SmsRefused
from govid.sms.conf import HttpSmsSettings, http_sms_settings, sms_settings
from govid.sms.scrubbing import scrub

PRESETS: dict[str, dict[str, Any]] = {
    # JSON in, JSON out: credentials in the body, a result-code field and a message id.
    "json": {
        "method": "POST",
        "encoding": "json",
        "headers": "{}",
        "body": json.dumps(
            {
                "ApiKey": "{username}",
                "SecretKey": "{password}",
                "Brandname": "{sender}",
                "Phone": "{phone}",
                "Content": "{text}",
                "RequestId": "{ref}",
            }
        ),
        "ok_status": ("200",),
        "ok_field": "CodeResult",
        "ok_values": ("100",),
        "id_field": "SMSID",
        # The carrier's codes for a wrong number go in GOVID_HTTP_SMS_PERMANENT_VALUES.
    },
    # A form post with HTTP Basic credentials; the answer is one line, "ID: <id>" or "ERR: ...".
    "form": {
        "method": "POST",
        "encoding": "form",
        "headers": json.dumps({"Authorization": "Basic {basic}"}),
        "body": json.dumps({"from": "{sender}", "to": "{phone}", "text": "{text}"}),
        "ok_status": ("200",),
        "ok_pattern": r"^ID: \S+",
        "id_pattern": r"^ID: (\S+)",
        "permanent_status": ("400",),
        "permanent_pattern": r"^ERR: 1\d\d\b",
    },
}


def effective_settings(conf: HttpSmsSettings) -> HttpSmsSettings:
    """The preset's values under whatever the deployment set itself."""
    preset = PRESETS.get(conf.preset, {})
    given = {k: v for k, v in dataclasses.asdict(conf).items() if v not in ("", ())}
    return dataclasses.replace(HttpSmsSettings(), **{**preset, **given})


class HttpGateway(SmsGateway):
    def __init__(self, conf: HttpSmsSettings | None = None) -> None:
        self.conf = effective_settings(conf or http_sms_settings())
        self.rate = self.conf.rate
        self.sender = sms_settings().sender
        self.headers: dict[str, str] = json.loads(self.conf.headers or "{}")
        self.body: dict[str, Any] = json.loads(self.conf.body or "{}")

    def send(self, to: str, text: str, *, ref: str = "") -> str:
        values = self._values(to, text, ref)
        status, answer = self._call(values)
        body_json = _json(answer)
        code = str(_dig(body_json, self.conf.ok_field)) if self.conf.ok_field else ""
        if self._accepted(status, answer, code):
            return self._message_id(answer, body_json) or ref
        detail = f"HTTP {status} {code or scrub(answer, to=to, text=text)[:120]}".strip()
        if (
            str(status) in self.conf.permanent_status
            or (code and code in self.conf.permanent_values)
            or (self.conf.permanent_pattern and re.search(self.conf.permanent_pattern, answer))
        ):
            raise SmsRefused(f"the carrier refused the message: {detail}")
        raise SmsError(f"the carrier did not take the message: {detail}")

    def _values(self, to: str, text: str, ref: str) -> dict[str, str]:
        basic = base64.b64encode(f"{self.conf.username}:{self.conf.password}".encode()).decode()
        return {
            "phone": to.removeprefix("+"),
            "phone_local": national_digits(to),
            "text": text,
            "sender": self.sender,
            "ref": ref,
            "username": self.conf.username,
            "password": self.conf.password,
            "basic": basic,
        }

    def _call(self, values: dict[str, str]) -> tuple[int, str]:
        fields = {key: _fill(template, values) for key, template in self.body.items()}
        headers = {key: _fill(template, values) for key, template in self.headers.items()}
        url, data = self.conf.url, None
        if self.conf.encoding == "json":
            data = json.dumps(fields, ensure_ascii=False).encode()
            headers.setdefault("Content-Type", "application/json; charset=utf-8")
        elif self.conf.encoding == "form":
            data = urllib.parse.urlencode(fields).encode()
            headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        else:
            url = f"{url}{'&' if '?' in url else '?'}{urllib.parse.urlencode(fields)}"
        request = urllib.request.Request(url, data=data, headers=headers, method=self.conf.method)  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=self.conf.timeout) as response:  # noqa: S310
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace")
        except (urllib.error.URLError, OSError) as error:
            raise SmsError(f"carrier API unreachable: {getattr(error, 'reason', error)}") from None

    def _accepted(self, status: int, answer: str, code: str) -> bool:
        if str(status) not in self.conf.ok_status:
            return False
        if self.conf.ok_field:
            return code in self.conf.ok_values
        return not self.conf.ok_pattern or bool(re.search(self.conf.ok_pattern, answer))

    def _message_id(self, answer: str, body_json: Any) -> str:
        if self.conf.id_field:
            found = _dig(body_json, self.conf.id_field)
            return "" if found is None else str(found)
        if self.conf.id_pattern:
            match = re.search(self.conf.id_pattern, answer)
            return match.group(1) if match else ""
        return ""


def _fill(template: Any, values: dict[str, str]) -> Any:
    if isinstance(template, str):
        return template.format(**values)
    return template


def _json(answer: str) -> Any:
    try:
        return json.loads(answer)
    except ValueError:
        return None


def _dig(document: Any, path: str) -> Any:
    """``data.tranId`` in ``{"data": {"tranId": 7}}`` -> 7 (None when absent)."""
    for key in path.split("."):
        if not isinstance(document, dict):
            return None
        document = document.get(key)
    return document
