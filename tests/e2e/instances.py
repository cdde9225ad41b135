"""Two govid instances on one PostgreSQL and one Redis, set up as a province runs them: one
secret key, one audit key, one SAML identity provider key (files named on every instance), the
ID token signing keys copied from the first instance to the second, and, for the browser,
nginx in front of both (tests/servers/nginx.py).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from govid.sso.keys import KEY_DIR
from tests.e2e.conftest import ROOT, LiveServer, serve
from tests.servers import stop
from tests.servers.postgres import fresh_database, postgres
from tests.servers.redis import redis

OPENSSL = "/usr/bin/openssl"


@dataclass
class Deployment:
    a: LiveServer
    b: LiveServer
    outbox: Path

    def code_for(self, phone: str, *, after: int = 0, timeout: float = 15.0) -> str:
        """The code of the (after+1)-th SMS to ``phone``, whichever process sent it."""
        reader = LiveServer(url="", var_dir=self.outbox.parent, env={})
        return reader.wait_for_code(phone, after=after, timeout=timeout)

    def sent_to(self, phone: str) -> int:
        return len(LiveServer(url="", var_dir=self.outbox.parent, env={}).messages(phone))

    def events(self, action: str, subject: str) -> int:
        """How many audit events of ``action`` about ``subject`` the shared database holds."""
        code = (
            "from govid.audit.models import Event;"
            f"print(Event.objects.filter(action={action!r}, subject={subject!r}).count())"
        )
        return int(self.a.manage("shell", "-c", code).split()[-1])


def shared_backends(stack: ExitStack) -> tuple[str, str]:
    """One PostgreSQL database and one Redis database for both instances: the suite's servers
    when it runs on them, else throwaway ones started here."""
    name = f"govid_instances_{os.getpid()}"
    database = os.environ.get("GOVID_DATABASE_URL", "")
    if database.startswith("postgresql://"):
        database = fresh_database(database, name)
    else:
        database = stack.enter_context(postgres()).create_database(name)
    cache = os.environ.get("GOVID_REDIS_URL", "")
    cache = cache.rsplit("/", 1)[0] + "/2" if cache else stack.enter_context(redis()).url()
    return database, cache


def saml_key_files(folder: Path) -> dict[str, str]:
    """The SAML identity provider's key and certificate, made once for the whole deployment
    (as an operator makes them and names them on every instance)."""
    key, cert = folder / "saml-idp.key", folder / "saml-idp.crt"
    subprocess.run(
        [OPENSSL, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=govid SAML IdP", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return {"GOVID_SSO_SAML_KEY_FILE": str(key), "GOVID_SSO_SAML_CERT_FILE": str(cert)}


@contextmanager
def two_instances(make_dir: Callable[[str], Path]) -> Iterator[Deployment]:
    """Instances A and B and one background worker, stopped by PID afterwards; ``make_dir``
    gives a fresh folder for a name (pytest's ``tmp_path_factory.mktemp``)."""
    shared = make_dir("shared")
    with ExitStack() as stack:
        database, cache = shared_backends(stack)
        env = {
            "GOVID_DATABASE_URL": database,
            "GOVID_REDIS_URL": cache,
            "GOVID_SECRET_KEY": "several-instances-" + "k" * 40,  # one deployment, one key
            "GOVID_AUDIT_KEY": "several-instances-audit-" + "a" * 40,  # and one audit key
            "GOVID_SMS_OUTBOX": str(shared / "sms-outbox.jsonl"),
            "GOVID_TASKS_WORKER": "external",
            "GOVID_WORKERS": "2",
            **saml_key_files(shared),
        }
        a = stack.enter_context(serve(make_dir("instance-a"), **env))
        # The ID token signing keys A made at its first start, copied to B before B starts.
        b_var = make_dir("instance-b")
        shutil.copytree(a.var_dir / KEY_DIR, b_var / KEY_DIR)
        b = stack.enter_context(serve(b_var, setup=(), **env))
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "worker"],
            cwd=ROOT,
            env=a.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        stack.callback(stop, worker)
        yield Deployment(a=a, b=b, outbox=shared / "sms-outbox.jsonl")
