"""A CAS client from Debian: Apache httpd with mod_auth_cas protecting ``/secret/``, on a free
loopback port, its files in a throwaway directory, stopped by PID.

After a login through the CAS server, ``/secret/`` is a CGI that prints, as text/plain
``name=value`` lines, ``REMOTE_USER`` and each attribute the server released
(``CAS_<NAME>=value``). ``CASSSOEnabled On``: a single-logout POST (``logoutRequest``) from the
server to the service URL ends the client's session. Needs apache2 and libapache2-mod-auth-cas.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from tests.servers.apache import ApacheSite, Module, apache

# {cas}: the CAS server's address, put in by apache_cas; {dir}: the frame's root.
CONFIG = """\
CASVersion 2
CASLoginURL {cas}/login
CASValidateURL {cas}/p3/serviceValidate
CASCookiePath {dir}/cas-cache/
CASTimeout 3600
CASIdleTimeout 3600
CASSSOEnabled On
# Attributes reach the CGI as request headers (HTTP_CAS_<NAME>): Apache drops "_" names.
CASAttributePrefix CAS-
CASAttributeDelimiter ,
<Location /secret/>
  AuthType CAS
  CASAuthNHeader CAS-User
  Require valid-user
  Header always set Cache-Control "no-store"
</Location>
"""

CGI = """\
#!/bin/sh
printf 'Content-Type: text/plain; charset=utf-8\\r\\n\\r\\n'
printf 'REMOTE_USER=%s\\n' "${REMOTE_USER:-}"
env | LC_ALL=C grep '^HTTP_CAS_' | LC_ALL=C grep -v '^HTTP_CAS_USER=' \\
  | sed 's/^HTTP_CAS_/CAS_/' | LC_ALL=C sort
"""

ApacheCas = ApacheSite  # url: the service prefix to register


@contextmanager
def apache_cas(cas_base_url: str) -> Iterator[ApacheCas]:
    """Apache + mod_auth_cas using the CAS server at ``cas_base_url`` (``http://.../cas``)."""
    module = Module(
        name="auth_cas",
        label="mod_auth_cas",
        config=CONFIG.replace("{cas}", cas_base_url.rstrip("/")),
        cgi=CGI,
        folders=("cas-cache",),
    )
    with apache(module, signed_out_title="Signed out of the CAS client") as site:
        yield site
