"""The identity provider's signing key and certificate: the files GOVID_SSO_SAML_KEY_FILE and
GOVID_SSO_SAML_CERT_FILE name, or a key and a self-signed certificate made once into
var/saml-keys/ (0600) by the first process to ask, and read by every other one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import NameOID

from govid.sso.conf import sso_settings
from govid.sso.keys import _write_once, new_private_key_pem

KEY_DIR = "saml-keys"
# SPs pin the certificate from the metadata: it outlives any SP's registration.
CERT_LIFE = timedelta(days=3650)


@dataclass(frozen=True)
class IdpKeyFiles:
    key: Path
    cert: Path


def idp_key_files(var_dir: Path) -> IdpKeyFiles:
    """The key and certificate files (made under ``var_dir`` unless configured)."""
    conf = sso_settings()
    if conf.saml_key_file and conf.saml_cert_file:
        return IdpKeyFiles(key=Path(conf.saml_key_file), cert=Path(conf.saml_cert_file))
    folder = var_dir / KEY_DIR
    key, cert = folder / "idp.key", folder / "idp.crt"
    if not key.exists():
        _write_once(key, new_private_key_pem())
    if not cert.exists():
        _write_once(cert, self_signed_certificate(key.read_text()))
    return IdpKeyFiles(key=key, cert=cert)


def self_signed_certificate(key_pem: str) -> str:
    """A self-signed certificate of ``key_pem`` (SAML trusts it from the metadata, not a CA)."""
    key = serialization.load_pem_private_key(key_pem.encode(), password=None)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "govid SAML IdP")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())  # type: ignore[arg-type]
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + CERT_LIFE)
        .sign(key, hashes.SHA256())  # type: ignore[arg-type]
    )
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def certificate_body(cert_path: Path) -> str:
    """The certificate's base64 body, as metadata's X509Certificate carries it."""
    lines = cert_path.read_text().strip().splitlines()
    return "".join(line for line in lines if not line.startswith("-----"))
