"""A stand-in for Zimbra's SOAP services (Zimbra cannot run here), on real HTTPS on 127.0.0.1.

It speaks the published wire format (soap.txt, soap-admin.txt and the zimbraAdmin /
zimbraAccount API reference): SOAP 1.2 envelopes as ``application/soap+xml``, the auth token in
``<context xmlns="urn:zimbra"><authToken>``, faults as ``soap:Fault`` with
``<Code><Value>soap:Sender</Value>`` and ``<Detail><Error xmlns="urn:zimbra"><Code>``, HTTP 500.
``/service/admin/soap``: AuthRequest, GetAccountRequest, GetCosRequest, SetPasswordRequest,
ModifyAccountRequest, SearchDirectoryRequest (OR of equalities only). ``/service/soap``:
AuthRequest as the user (``account.CHANGE_PASSWORD`` once the password has expired).
The password policy is the COS's or the account's own: minimum length, upper-case letters,
minimum age (days), history, enforced on SetPasswordRequest as for an admin holding only
``changeAccountPassword`` (or, ``password_right``, bypassed and named in ``<message>`` as with
``setAccountPassword``); ``zimbraPasswordMustChange`` as Zimbra's LdapProvisioning.setPassword
treats it; statuses as ``zimbraAccountStatus``.
Run alone for ``make run GOVID_DIRECTORY=zimbra``: ``python -m tests.servers.zimbra DIR``.
"""

from __future__ import annotations

import itertools
import re
import ssl
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import defusedxml.ElementTree as SafeET
import pytest

from govid.directory.conf import ZimbraSettings
from tests.servers.slapd import make_certificates

SOAP = "http://www.w3.org/2003/05/soap-envelope"
ZIMBRA, ADMIN, ACCOUNT = "urn:zimbra", "urn:zimbraAdmin", "urn:zimbraAccount"
ADMIN_NAME = "govid-admin@soctrang.gov.vn"
ADMIN_PASSWORD = "Quan-tri#govid-2026"
DEFAULT_COS = "e00428a1-0c00-11d9-836a-000d93afea2a"  # Zimbra's default COS id
TOKEN_LIFETIME = 12 * 3600.0
ET.register_namespace("soap", SOAP)  # answers as Zimbra writes them: <soap:Envelope ...>


class Fault(Exception):
    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code, self.reason = code, reason


@dataclass
class Mailbox:
    id: str
    name: str
    password: str
    attrs: dict[str, str]
    history: list[str] = field(default_factory=list)


@dataclass
class Zimbra:
    root: Path
    now: Callable[[], datetime] = lambda: datetime.now(UTC)
    accounts: dict[str, Mailbox] = field(default_factory=dict)
    cos: dict[str, str] = field(
        default_factory=lambda: {
            "zimbraPasswordMinLength": "8",
            "zimbraPasswordMinUpperCaseChars": "1",
            "zimbraPasswordMinAge": "0",
            "zimbraPasswordMaxAge": "0",
            "zimbraPasswordEnforceHistory": "3",
        }
    )
    received: list[str] = field(default_factory=list)  # request names, in order
    # The admin's right on accounts: changeAccountPassword (the policy is enforced, what
    # README.md asks for) or setAccountPassword (any password, the broken rule in <message>).
    password_right: str = "changeAccountPassword"
    tokens: dict[str, float] = field(default_factory=dict)  # token -> expiry (monotonic)
    server: ThreadingHTTPServer | None = None

    @property
    def ca_file(self) -> Path:
        return self.root / "ca.pem"

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"https://127.0.0.1:{self.server.server_address[1]}"

    def settings(self, **overrides: Any) -> ZimbraSettings:
        values: dict[str, Any] = {
            "admin_url": f"{self.url}/service/admin/soap",
            "user_url": f"{self.url}/service/soap",
            "admin_name": ADMIN_NAME,
            "admin_password": ADMIN_PASSWORD,
            "ca_file": str(self.ca_file),
            "timeout": timedelta(seconds=3),
        }
        return ZimbraSettings(**{**values, **overrides})

    def start(self, port: int = 0) -> Zimbra:
        make_certificates(self.root)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.root / "server.pem", self.root / "server.key")
        zimbra = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                status, body = zimbra.answer(self.path, self.headers.get("Content-Type", ""), raw)
                self.send_response(status)
                self.send_header("Content-Type", "application/soap+xml; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    # --- what tests arrange ---

    def add_account(
        self, name: str, password: str, *, status: str = "active", **attrs: str
    ) -> Mailbox:
        modified = self.now().strftime("%Y%m%d%H%M%SZ")
        values = {"zimbraAccountStatus": status, "zimbraPasswordModifiedTime": modified, **attrs}
        box = Mailbox(str(uuid.uuid4()), name, password, values, [password])
        self.accounts[name] = box
        return box

    def expire_tokens(self) -> None:
        """Every admin token issued so far expires now (Zimbra's zimbraAdminAuthTokenLifetime)."""
        self.tokens = dict.fromkeys(self.tokens, 0.0)

    # --- the wire ---

    def answer(self, path: str, content_type: str, raw: bytes) -> tuple[int, bytes]:
        try:
            if "soap+xml" not in content_type and "text/xml" not in content_type:
                raise Fault("service.PARSE_ERROR", "unsupported content type")
            try:
                root = SafeET.fromstring(raw)
            except ET.ParseError:
                raise Fault("service.PARSE_ERROR", "parse error") from None
            if root.tag != f"{{{SOAP}}}Envelope":
                raise Fault("service.PARSE_ERROR", "not a SOAP 1.2 envelope")
            request = root.find(f"{{{SOAP}}}Body/*")
            if request is None:
                raise Fault("service.INVALID_REQUEST", "no request in the body")
            token = root.findtext(f"{{{SOAP}}}Header/{{{ZIMBRA}}}context/{{{ZIMBRA}}}authToken")
            self.received.append(request.tag.rpartition("}")[2])
            return 200, envelope(self.dispatch(path, request, token))
        except Fault as fault:
            return 500, fault_envelope(fault)

    def dispatch(self, path: str, request: ET.Element, token: str | None) -> ET.Element:
        tag = request.tag
        if path == "/service/soap" and tag == f"{{{ACCOUNT}}}AuthRequest":
            return self.user_auth(request)
        if path != "/service/admin/soap":
            raise Fault("service.UNKNOWN_DOCUMENT", f"unknown document: {tag}")
        if tag == f"{{{ADMIN}}}AuthRequest":
            return self.admin_auth(request)
        if not token or token not in self.tokens:
            raise Fault("service.AUTH_REQUIRED", "no valid authtoken present")
        if self.tokens[token] < time.monotonic():
            raise Fault("service.AUTH_EXPIRED", "auth credentials have expired")
        handler = {
            "GetAccountRequest": self.get_account,
            "GetCosRequest": self.get_cos,
            "SetPasswordRequest": self.set_password,
            "ModifyAccountRequest": self.modify_account,
            "SearchDirectoryRequest": self.search_directory,
        }.get(tag.rpartition("}")[2])
        if handler is None:
            raise Fault("service.UNKNOWN_DOCUMENT", f"unknown document: {tag}")
        return handler(request)

    def admin_auth(self, request: ET.Element) -> ET.Element:
        name = request.get("name") or request.findtext(f"{{{ADMIN}}}name") or ""
        password = request.get("password") or request.findtext(f"{{{ADMIN}}}password") or ""
        if (name, password) != (ADMIN_NAME, ADMIN_PASSWORD):
            raise Fault("account.AUTH_FAILED", f"authentication failed for [{name}]")
        token = f"0_{uuid.uuid4().hex}"
        self.tokens[token] = time.monotonic() + TOKEN_LIFETIME
        response = ET.Element(f"{{{ADMIN}}}AuthResponse")
        ET.SubElement(response, f"{{{ADMIN}}}authToken").text = token
        ET.SubElement(response, f"{{{ADMIN}}}lifetime").text = str(int(TOKEN_LIFETIME * 1000))
        return response

    def user_auth(self, request: ET.Element) -> ET.Element:
        name = (request.findtext(f"{{{ACCOUNT}}}account") or "").lower()
        password = request.findtext(f"{{{ACCOUNT}}}password") or ""
        box = self.accounts.get(name)
        failed = Fault("account.AUTH_FAILED", f"authentication failed for [{name}]")
        if box is None or box.password != password:
            raise failed
        status = box.attrs["zimbraAccountStatus"]
        if status == "maintenance":
            raise Fault("account.MAINTENANCE_MODE", "account is in maintenance mode")
        if status != "active":
            raise failed
        if self.expired(box) or box.attrs.get("zimbraPasswordMustChange") == "TRUE":
            raise Fault("account.CHANGE_PASSWORD", "must change password")
        response = ET.Element(f"{{{ACCOUNT}}}AuthResponse")
        ET.SubElement(response, f"{{{ACCOUNT}}}authToken").text = f"0_{uuid.uuid4().hex}"
        return response

    def get_account(self, request: ET.Element) -> ET.Element:
        selector = request.find(f"{{{ADMIN}}}account")
        key = (selector.text or "").lower() if selector is not None else ""
        by = selector.get("by") if selector is not None else ""
        box = self.by_id(key) if by == "id" else self.accounts.get(key)
        if box is None:
            raise Fault("account.NO_SUCH_ACCOUNT", f"no such account: {key}")
        response = ET.Element(f"{{{ADMIN}}}GetAccountResponse")
        response.append(self.account_element(box, request.get("attrs"), request.get("applyCos")))
        return response

    def get_cos(self, request: ET.Element) -> ET.Element:
        selector = request.find(f"{{{ADMIN}}}cos")
        key = selector.text if selector is not None else ""
        if key not in (DEFAULT_COS, "default"):
            raise Fault("account.NO_SUCH_COS", f"no such cos: {key}")
        response = ET.Element(f"{{{ADMIN}}}GetCosResponse")
        cos = ET.SubElement(response, f"{{{ADMIN}}}cos", id=DEFAULT_COS, name="default")
        wanted = request.get("attrs")
        for name, value in self.cos.items():
            if not wanted or name in wanted.split(","):
                ET.SubElement(cos, f"{{{ADMIN}}}a", n=name).text = value
        return response

    def set_password(self, request: ET.Element) -> ET.Element:
        """As LdapProvisioning.setPassword: the policy is enforced for an admin holding only
        changeAccountPassword; with setAccountPassword the password is set anyway and the answer
        names the broken rule. zimbraPasswordLocked is not looked at (only a user's own change
        and ResetPassword do); zimbraPasswordMustChange skips the minimum age and is deleted."""
        box = self.by_id(request.get("id", ""))
        if box is None:
            raise Fault("account.NO_SUCH_ACCOUNT", f"no such account: {request.get('id')}")
        password = request.get("newPassword", "")
        must_change = box.attrs.get("zimbraPasswordMustChange") == "TRUE"
        violation = None
        try:
            self.check_policy(box, password, min_age=not must_change)
        except Fault as fault:
            if self.password_right != "setAccountPassword":
                raise
            violation = fault.reason
        box.password = password
        keep = int(self.rule(box, "zimbraPasswordEnforceHistory"))
        box.history = [*box.history, password][-max(keep, 1) :]
        box.attrs.pop("zimbraPasswordMustChange", None)
        box.attrs["zimbraPasswordModifiedTime"] = self.now().strftime("%Y%m%d%H%M%SZ")
        response = ET.Element(f"{{{ADMIN}}}SetPasswordResponse")
        if violation:  # ZsMsg.properties' passwordViolation
            ET.SubElement(response, f"{{{ADMIN}}}message").text = (
                f"Password violation: account={box.name}, violation={violation}.  "
                "Password is set successfully."
            )
        return response

    def check_policy(self, box: Mailbox, password: str, *, min_age: bool = True) -> None:
        if len(password) < int(self.rule(box, "zimbraPasswordMinLength")):
            raise Fault("account.INVALID_PASSWORD", "invalid password: too short")
        uppers = sum(c.isupper() for c in password)
        if uppers < int(self.rule(box, "zimbraPasswordMinUpperCaseChars")):
            raise Fault(
                "account.INVALID_PASSWORD", "invalid password: not enough upper case characters"
            )
        days = int(self.rule(box, "zimbraPasswordMinAge")) if min_age else 0
        if days and self.modified(box) + timedelta(days=days) > self.now():
            raise Fault("account.PASSWORD_CHANGE_TOO_SOON", "password can't be changed yet")
        if int(self.rule(box, "zimbraPasswordEnforceHistory")) and password in box.history:
            raise Fault("account.PASSWORD_RECENTLY_USED", "password was recently used")

    def modify_account(self, request: ET.Element) -> ET.Element:
        box = self.by_id(request.get("id", ""))
        if box is None:
            raise Fault("account.NO_SUCH_ACCOUNT", f"no such account: {request.get('id')}")
        for a in request.findall(f"{{{ADMIN}}}a"):
            if a.text:
                box.attrs[a.get("n", "")] = a.text
            else:
                box.attrs.pop(a.get("n", ""), None)  # an empty value removes the attribute
        response = ET.Element(f"{{{ADMIN}}}ModifyAccountResponse")
        response.append(self.account_element(box, None, "1"))
        return response

    def search_directory(self, request: ET.Element) -> ET.Element:
        query = request.get("query", "")
        terms = re.findall(r"\(([A-Za-z]+)=([^()]*)\)", query)
        if not terms:
            raise Fault("service.INVALID_REQUEST", f"unsupported query: {query}")
        wanted = {(name, unescape(value)) for name, value in terms}
        found = sorted(
            (b for b in self.accounts.values() if any(b.attrs.get(n) == v for n, v in wanted)),
            key=lambda b: b.name,
        )
        offset, limit = int(request.get("offset", "0")), int(request.get("limit", "0") or 0)
        page = found[offset : offset + limit] if limit else found[offset:]
        more = limit and offset + limit < len(found)
        response = ET.Element(
            f"{{{ADMIN}}}SearchDirectoryResponse",
            more="1" if more else "0",
            searchTotal=str(len(found)),
        )
        for box in page:
            response.append(
                self.account_element(box, request.get("attrs"), request.get("applyCos"))
            )
        return response

    # --- rules ---

    def rule(self, box: Mailbox, name: str) -> str:
        return box.attrs.get(name) or self.cos.get(name, "0")

    def modified(self, box: Mailbox) -> datetime:
        text = box.attrs.get("zimbraPasswordModifiedTime", "19700101000000Z")
        return datetime.strptime(text, "%Y%m%d%H%M%SZ").replace(tzinfo=UTC)

    def expired(self, box: Mailbox) -> bool:
        days = int(self.rule(box, "zimbraPasswordMaxAge"))
        return bool(days) and self.modified(box) + timedelta(days=days) <= self.now()

    def by_id(self, key: str) -> Mailbox | None:
        return next((b for b in self.accounts.values() if b.id == key), None)

    def account_element(self, box: Mailbox, attrs: str | None, apply_cos: str | None) -> ET.Element:
        node = ET.Element(f"{{{ADMIN}}}account", name=box.name, id=box.id)
        values = dict(box.attrs)
        if apply_cos != "0":
            values = {**self.cos, **values}
        wanted = set(attrs.split(",")) if attrs else None
        for name, value in sorted(values.items()):
            if wanted is None or name in wanted:
                ET.SubElement(node, f"{{{ADMIN}}}a", n=name).text = value
        return node


def unescape(value: str) -> str:
    return re.sub(r"\\([0-9a-fA-F]{2})", lambda m: chr(int(m[1], 16)), value)


def envelope(response: ET.Element) -> bytes:
    root = ET.Element(f"{{{SOAP}}}Envelope")
    header = ET.SubElement(root, f"{{{SOAP}}}Header")
    ET.SubElement(header, f"{{{ZIMBRA}}}context")
    ET.SubElement(root, f"{{{SOAP}}}Body").append(response)
    return bytes(ET.tostring(root, encoding="utf-8"))


def fault_envelope(fault: Fault) -> bytes:
    root = ET.Element(f"{{{SOAP}}}Envelope")
    ET.SubElement(root, f"{{{SOAP}}}Header")
    body = ET.SubElement(root, f"{{{SOAP}}}Body")
    node = ET.SubElement(body, f"{{{SOAP}}}Fault")
    code = ET.SubElement(node, f"{{{SOAP}}}Code")
    ET.SubElement(code, f"{{{SOAP}}}Value").text = "soap:Sender"
    reason = ET.SubElement(node, f"{{{SOAP}}}Reason")
    ET.SubElement(reason, f"{{{SOAP}}}Text").text = fault.reason
    error = ET.SubElement(ET.SubElement(node, f"{{{SOAP}}}Detail"), f"{{{ZIMBRA}}}Error")
    ET.SubElement(error, f"{{{ZIMBRA}}}Code").text = fault.code
    ET.SubElement(error, f"{{{ZIMBRA}}}Trace").text = f"stand-in:{next(_traces)}"
    return bytes(ET.tostring(root, encoding="utf-8"))


_traces = itertools.count(1)

DEMO = [
    ("an.nguyen", "Nguyễn Văn An", "MYTU-VHTT", "0393555121"),
    ("quantri", "Quản trị hệ thống", "ST", "0912345678"),
]


def main(root: str, port: str = "7071") -> None:
    """Serve until interrupted, with the demo's accounts (password Cu@Matkhau2025)."""
    zimbra = Zimbra(Path(root))
    for local, name, unit, phone in DEMO:
        zimbra.add_account(
            f"{local}@soctrang.gov.vn", "Cu@Matkhau2025", displayName=name, ou=unit, mobile=phone
        )
    zimbra.start(int(port))
    print(f"GOVID_ZIMBRA_ADMIN_URL={zimbra.url}/service/admin/soap", flush=True)
    print(f"GOVID_ZIMBRA_USER_URL={zimbra.url}/service/soap GOVID_ZIMBRA_CA_FILE={zimbra.ca_file}")
    print(f"GOVID_ZIMBRA_ADMIN_NAME={ADMIN_NAME} GOVID_ZIMBRA_ADMIN_PASSWORD={ADMIN_PASSWORD}")
    threading.Event().wait()


@pytest.fixture(scope="session")
def zimbra_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Zimbra]:
    """The stand-in, one for the whole run; ``zimbra`` empties it for each test."""
    server = Zimbra(tmp_path_factory.mktemp("zimbra")).start()
    yield server
    server.stop()


@pytest.fixture
def zimbra(zimbra_server: Zimbra) -> Zimbra:
    zimbra_server.accounts.clear()
    zimbra_server.cos["zimbraPasswordMaxAge"] = "0"
    zimbra_server.cos["zimbraPasswordMinAge"] = "0"
    zimbra_server.received.clear()
    zimbra_server.password_right = "changeAccountPassword"
    return zimbra_server


if __name__ == "__main__":
    main(*sys.argv[1:])
