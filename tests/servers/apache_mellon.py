"""A SAML service provider from Debian: Apache httpd with mod_auth_mellon protecting
``/secret/``, on a free loopback port, its files in a throwaway directory, stopped by PID.

mod_auth_mellon signs its AuthnRequests (RSA-SHA256), asks a transient NameID, takes the
Response at ``/mellon/postResponse`` (HTTP-POST) and speaks single logout on HTTP-Redirect
(``/mellon/logout``). After a login ``/secret/`` is a CGI that prints, as text/plain
``name=value`` lines, ``REMOTE_USER``, ``MELLON_NAME_ID`` and every ``MELLON_*`` attribute (the
common OIDs also under their short names: ``MELLON_mail``, ``MELLON_displayName``,
``MELLON_ou``). Needs apache2 and libapache2-mod-auth-mellon.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from tests.servers.apache import ApacheSite, Module, apache

CREATE_METADATA = "/usr/sbin/mellon_create_metadata"

CONFIG = """\
MellonCacheSize 100
MellonLockFile "{dir}/run/mellon.lock"
# Plain http on loopback: a "SameSite=None" cookie without "Secure" is dropped by Chromium;
# without the attribute it is Lax, and 127.0.0.1 (govid) -> 127.0.0.1 (SP) is same-site.
SetEnvIf Request_URI "." MELLON_DISABLE_SAMESITE=1
<Location />
  MellonEnable info
  MellonEndpointPath /mellon
  MellonSecureCookie Off
  MellonSPPrivateKeyFile "{dir}/keys/sp.key"
  MellonSPCertFile "{dir}/keys/sp.cert"
  MellonSPMetadataFile "{dir}/sp-metadata.xml"
  MellonIdPMetadataFile "{dir}/idp-metadata.xml"
  MellonUser NAME_ID
  MellonIdP IDP
  MellonSessionLength 3600
  MellonDefaultLoginPath /secret/
  MellonSetEnv mail urn:oid:0.9.2342.19200300.100.1.3
  MellonSetEnv displayName urn:oid:2.16.840.1.113730.3.1.241
  MellonSetEnv ou urn:oid:2.5.4.11
</Location>
<Location /secret/>
  AuthType Mellon
  MellonEnable auth
  Require valid-user
  Header always set Cache-Control "no-store"
</Location>
"""

CGI = """\
#!/bin/sh
printf 'Content-Type: text/plain; charset=utf-8\\r\\n\\r\\n'
printf 'REMOTE_USER=%s\\n' "${REMOTE_USER:-}"
printf 'MELLON_NAME_ID=%s\\n' "${MELLON_NAME_ID:-}"
env | LC_ALL=C grep '^MELLON_' | LC_ALL=C grep -v -e '^MELLON_SESSION=' -e '^MELLON_NAME_ID=' \\
  | LC_ALL=C sort
"""


@dataclass(frozen=True)
class ApacheMellon(ApacheSite):
    @property
    def entity_id(self) -> str:
        return self.url + "mellon/metadata"

    @property
    def metadata(self) -> Path:
        """The SP's metadata, to register at govid (``manage.py sso add-saml-sp``)."""
        return self.directory / "sp-metadata.xml"

    @property
    def logout_url(self) -> str:
        """SP-initiated single logout, landing on /logged-out.html afterwards."""
        return self.url + "mellon/logout?ReturnTo=" + quote(self.url + "logged-out.html", safe="")


def _make_sp_keys(root: Path, url: str) -> None:
    """Key, self-signed certificate and metadata, made by mellon's own tool."""
    work = root / "keys" / "gen"
    work.mkdir()
    subprocess.run(
        [CREATE_METADATA, url + "mellon/metadata", url + "mellon"],
        cwd=work,
        check=True,
        capture_output=True,
    )
    [key] = work.glob("*.key")
    [cert] = work.glob("*.cert")
    [xml] = work.glob("*.xml")
    key.rename(root / "keys" / "sp.key")
    cert.rename(root / "keys" / "sp.cert")
    xml.rename(root / "sp-metadata.xml")
    work.rmdir()


@contextmanager
def apache_mellon(idp_metadata: str) -> Iterator[ApacheMellon]:
    """Apache + mod_auth_mellon trusting the IdP whose metadata (XML text) is given."""

    def prepare(root: Path, url: str) -> None:
        _make_sp_keys(root, url)
        (root / "idp-metadata.xml").write_text(idp_metadata)

    module = Module(
        name="auth_mellon", label="mod_auth_mellon", config=CONFIG, cgi=CGI, prepare=prepare
    )
    with apache(module, signed_out_title="Signed out of the SAML SP") as site:
        yield ApacheMellon(url=site.url, directory=site.directory)
