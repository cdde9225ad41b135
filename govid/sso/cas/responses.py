"""CAS 3.0's XML answers (Appendix A) and its single-logout message."""

from __future__ import annotations

import secrets
from datetime import datetime
from xml.etree import ElementTree as ET

from django.http import HttpResponse

CAS_NS = "http://www.yale.edu/tp/cas"
SAMLP_NS = "urn:oasis:names:tc:SAML:2.0:protocol"
SAML_NS = "urn:oasis:names:tc:SAML:2.0:assertion"
ET.register_namespace("cas", CAS_NS)
ET.register_namespace("samlp", SAMLP_NS)
ET.register_namespace("saml", SAML_NS)


def _cas(name: str) -> str:
    return f"{{{CAS_NS}}}{name}"


def _answer(root: ET.Element) -> HttpResponse:
    body = ET.tostring(root, encoding="unicode")
    return HttpResponse(body, content_type="application/xml; charset=utf-8")


def success(
    user: str,
    attributes: dict[str, str | list[str]] | None = None,
    *,
    pgt_iou: str | None = None,
    proxies: tuple[str, ...] = (),
) -> HttpResponse:
    """authenticationSuccess for ``user``, with ``cas:attributes`` when given (/p3/); a list
    is a multi-valued attribute: one element per value, as Apereo CAS writes it. A PGTIOU when
    a proxy-granting ticket went to the callback; a proxy ticket's chain, most recent first."""
    root = ET.Element(_cas("serviceResponse"))
    done = ET.SubElement(root, _cas("authenticationSuccess"))
    ET.SubElement(done, _cas("user")).text = user
    if attributes is not None:
        holder = ET.SubElement(done, _cas("attributes"))
        for name, value in attributes.items():
            for one in [value] if isinstance(value, str) else value:
                ET.SubElement(holder, _cas(name)).text = one
    if pgt_iou:
        ET.SubElement(done, _cas("proxyGrantingTicket")).text = pgt_iou
    if proxies:
        chain = ET.SubElement(done, _cas("proxies"))
        for proxy in proxies:
            ET.SubElement(chain, _cas("proxy")).text = proxy
    return _answer(root)


def failure(code: str, message: str, *, kind: str = "authenticationFailure") -> HttpResponse:
    root = ET.Element(_cas("serviceResponse"))
    failed = ET.SubElement(root, _cas(kind), {"code": code})
    failed.text = message
    return _answer(root)


def proxy_success(ticket: str) -> HttpResponse:
    """/cas/proxy's answer: the proxy ticket (CAS 3.0, 2.7.2)."""
    root = ET.Element(_cas("serviceResponse"))
    done = ET.SubElement(root, _cas("proxySuccess"))
    ET.SubElement(done, _cas("proxyTicket")).text = ticket
    return _answer(root)


def proxy_failure(code: str, message: str) -> HttpResponse:
    """/cas/proxy's refusal (CAS 3.0, 2.7.2)."""
    return failure(code, message, kind="proxyFailure")


def logout_request(ticket: str, *, now: datetime) -> str:
    """The single-logout message a service receives as ``logoutRequest`` (CAS 3.0, 2.3.3)."""
    root = ET.Element(
        f"{{{SAMLP_NS}}}LogoutRequest",
        {
            "ID": "LR-" + secrets.token_hex(16),
            "Version": "2.0",
            "IssueInstant": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        },
    )
    ET.SubElement(root, f"{{{SAML_NS}}}NameID").text = "@NOT_USED@"
    ET.SubElement(root, f"{{{SAMLP_NS}}}SessionIndex").text = ticket
    return ET.tostring(root, encoding="unicode")
