"""KannelGateway: Kannel's HTTP sendsms, with delivery reports called back to govid.

Each message carries a dlr-url that names the message (govid's ref) and a token derived from
it with the secret key, so only the gateway that got the message can report on it.
"""

from __future__ import annotations

import http.client
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.urls import reverse

from govid.sms.base import SmsError, SmsGateway, SmsRefused
from govid.sms.conf import KannelSettings, kannel_settings, sms_settings
from govid.sms.reports import report_token
from govid.sms.scrubbing import scrub


class KannelGateway(SmsGateway):
    def __init__(self, conf: KannelSettings | None = None) -> None:
        self.conf = conf or kannel_settings()
        self.rate = self.conf.rate
        self.sender = sms_settings().sender
        self.public_url: str = settings.GOVID_PUBLIC_URL

    def send(self, to: str, text: str, *, ref: str = "") -> str:
        query = {
            "username": self.conf.username,
            "password": self.conf.password,
            "from": self.sender,
            "to": to.removeprefix("+"),
            "text": text,
        }
        if self.conf.smsc:
            query["smsc"] = self.conf.smsc
        if ref and self.public_url:
            query["dlr-mask"] = str(self.conf.dlr_mask)
            query["dlr-url"] = self.dlr_url(ref)
        url = f"{self.conf.sendsms_url}?{urllib.parse.urlencode(query)}"
        status, answer = self._get(url)
        # 202 "0: Accepted for delivery", or "3: Queued for later delivery" if the SMSC is down.
        # The answer is kept only without ref, or as a refusal: then in the record and the log,
        # so with no text and no number, scrubbed whole, then cut short (the scrubbing costs
        # more CPU than the send: not done for an answer nothing keeps).
        if status in (200, 202) and answer[:2] in ("0:", "3:"):
            return ref or scrub(answer, to=to, text=text)[:200]
        body = scrub(answer, to=to, text=text).strip()[:200]
        if status == 400:  # "Missing receiver number", "Garbage 'to' field": never retry
            raise SmsRefused(f"Kannel refused the message: HTTP {status} {body}")
        raise SmsError(f"Kannel did not take the message: HTTP {status} {body}")

    def dlr_url(self, ref: str) -> str:
        path = reverse("sms:kannel_report", kwargs={"ref": ref, "token": report_token(ref)})
        # Kannel fills %d (the report type) and %A (the SMSC's answer) when it calls back.
        return f"{self.public_url}{path}?type=%d&answer=%A"

    def _get(self, url: str) -> tuple[int, str]:
        request = urllib.request.Request(url, method="GET")  # noqa: S310  (configured http URL)
        try:
            with urllib.request.urlopen(request, timeout=self.conf.timeout) as response:  # noqa: S310
                return response.status, _text(response.read())
        except urllib.error.HTTPError as error:
            return error.code, _text(error.read())
        except (urllib.error.URLError, http.client.HTTPException, OSError) as error:
            reason = getattr(error, "reason", error)
            raise SmsError(f"Kannel unreachable: {reason}") from None


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", "replace").strip()
