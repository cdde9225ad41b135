"""Zimbra's SOAP wire format: SOAP 1.2 envelopes, the ``urn:zimbra`` context, its faults.

Requests are built with the standard library and answers parsed with defusedxml (the server's
XML is not trusted to be free of entity tricks). Every transport failure becomes
``DirectoryUnavailable``; a ``soap:Fault`` becomes ``SoapFault`` with Zimbra's code.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from datetime import timedelta
from xml.etree import ElementTree as ET  # building only; parsing is defusedxml's

import defusedxml.ElementTree as SafeET
import requests

from govid.directory.base import DirectoryUnavailable

log = logging.getLogger("govid.directory")

SOAP = "http://www.w3.org/2003/05/soap-envelope"
ZIMBRA = "urn:zimbra"
ADMIN = "urn:zimbraAdmin"
ACCOUNT = "urn:zimbraAccount"
CONTENT_TYPE = "application/soap+xml; charset=utf-8"
# The token is refused: authenticate again, once.
AUTH_FAULTS = ("service.AUTH_EXPIRED", "service.AUTH_REQUIRED")


class SoapFault(Exception):
    """A ``soap:Fault``: Zimbra's code (``account.NO_SUCH_ACCOUNT``) and its reason text."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(f"{code}: {reason}")
        self.code = code
        self.reason = reason


def element(name: str, namespace: str, text: str | None = None, **attrs: str) -> ET.Element:
    node = ET.Element(f"{{{namespace}}}{name}", attrs)
    node.text = text
    return node


def child(
    parent: ET.Element, name: str, namespace: str, text: str | None = None, **attrs: str
) -> ET.Element:
    node = element(name, namespace, text, **attrs)
    parent.append(node)
    return node


def attributes(node: ET.Element) -> dict[str, list[str]]:
    """An ``<account>`` or ``<cos>``'s ``<a n="...">`` values, by attribute name."""
    found: dict[str, list[str]] = {}
    for a in node:
        if a.tag.rpartition("}")[2] == "a":
            found.setdefault(a.get("n", ""), []).append(a.text or "")
    return found


def envelope(body: ET.Element, token: str | None) -> bytes:
    root = element("Envelope", SOAP)
    header = child(root, "Header", SOAP)
    context = child(header, "context", ZIMBRA)
    if token:
        child(context, "authToken", ZIMBRA, token)
    child(context, "nosession", ZIMBRA)  # no notification session kept for govid
    child(root, "Body", SOAP).append(body)
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))


def fault_of(root: ET.Element) -> SoapFault | None:
    fault = root.find(f"{{{SOAP}}}Body/{{{SOAP}}}Fault")
    if fault is None:
        return None
    code = fault.findtext(f"{{{SOAP}}}Detail/{{{ZIMBRA}}}Error/{{{ZIMBRA}}}Code") or ""
    reason = fault.findtext(f"{{{SOAP}}}Reason/{{{SOAP}}}Text") or ""
    return SoapFault(code or "soap.UNKNOWN", reason)


class SoapClient:
    """POSTs envelopes to one SOAP URL over verified TLS; thread-safe."""

    def __init__(self, url: str, *, ca_file: str = "", timeout: timedelta) -> None:
        self.url = url
        self.verify: str | bool = ca_file or True
        self.timeout = timeout.total_seconds()
        self._local = threading.local()

    def _session(self) -> requests.Session:
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
        return session

    def call(self, body: ET.Element, *, token: str | None = None, retry: bool = True) -> ET.Element:
        """The response element (the Body's child), or SoapFault, or DirectoryUnavailable.

        ``retry``: a request that failed in transport is sent once more (reads only: a write
        that may have reached the server is never repeated).
        """
        data = envelope(body, token)
        for attempt in (1, 2):
            try:
                answer = self._session().post(
                    self.url,
                    data=data,
                    headers={"Content-Type": CONTENT_TYPE},
                    verify=self.verify,
                    timeout=self.timeout,
                )
                break
            except requests.exceptions.SSLError as error:
                log.error(
                    "Zimbra at %s: TLS refused (%s): check GOVID_ZIMBRA_CA_FILE",
                    self.url,
                    type(error).__name__,
                )
                raise DirectoryUnavailable("Zimbra's certificate was refused") from None
            except requests.RequestException as error:
                if attempt == 2 or not retry:
                    log.warning("Zimbra at %s did not answer: %s", self.url, type(error).__name__)
                    raise DirectoryUnavailable("Zimbra did not answer") from None
        return self._answer(answer)

    def _answer(self, answer: requests.Response) -> ET.Element:
        if "xml" not in answer.headers.get("Content-Type", ""):
            log.warning("Zimbra at %s answered HTTP %d without SOAP", self.url, answer.status_code)
            raise DirectoryUnavailable(f"Zimbra answered HTTP {answer.status_code}")
        try:
            root: ET.Element = SafeET.fromstring(answer.content)
        except (ET.ParseError, SafeET.DefusedXmlException):
            raise DirectoryUnavailable("Zimbra's answer is not XML") from None
        fault = fault_of(root)
        if fault is not None:
            raise fault
        body = root.find(f"{{{SOAP}}}Body")
        if body is None or len(body) == 0:
            raise DirectoryUnavailable("Zimbra's answer has no body")
        return body[0]


class AdminSession:
    """The admin API with its auth token: obtained on first use, renewed once when refused."""

    def __init__(self, client: SoapClient, *, name: str, password: str) -> None:
        self.client = client
        self.name = name
        self.password = password
        self._token: str | None = None
        self._lock = threading.Lock()

    def call(self, body: ET.Element, *, retry: bool = True) -> ET.Element:
        token = self._token or self._authenticate(None)
        try:
            return self.client.call(body, token=token, retry=retry)
        except SoapFault as fault:
            if fault.code not in AUTH_FAULTS:
                raise
        # Refused before anything was done: the same request is safe to send again.
        return self.client.call(body, token=self._authenticate(token), retry=retry)

    def _authenticate(self, stale: str | None) -> str:
        with self._lock:
            if self._token is not None and self._token != stale:
                return self._token  # another thread renewed it meanwhile
            request = element("AuthRequest", ADMIN)
            child(request, "name", ADMIN, self.name)
            child(request, "password", ADMIN, self.password)
            try:
                answer = self.client.call(request)
            except SoapFault as fault:
                log.error(
                    "Zimbra refused the admin account %s (%s): check GOVID_ZIMBRA_ADMIN_NAME "
                    "and GOVID_ZIMBRA_ADMIN_PASSWORD",
                    self.name,
                    fault.code,
                )
                raise DirectoryUnavailable("Zimbra refused govid's admin account") from None
            token = answer.findtext(f"{{{ADMIN}}}authToken")
            if not token:
                raise DirectoryUnavailable("Zimbra gave no auth token")
            self._token = token
            return token


def admin_request(
    name: str, *, values: Iterable[tuple[str, str]] = (), **xml_attrs: str
) -> ET.Element:
    """``<{name} xmlns="urn:zimbraAdmin" ...>`` with ``<a n="...">`` children."""
    request = element(name, ADMIN, **xml_attrs)
    for key, value in values:
        child(request, "a", ADMIN, value, n=key)
    return request
