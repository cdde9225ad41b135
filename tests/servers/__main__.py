"""python -m tests.servers postgres redis -- COMMAND...: run COMMAND with those servers up.

Exports GOVID_DATABASE_URL and GOVID_REDIS_URL for the command (samba_ad: a throwaway Active
Directory and the GOVID_DIRECTORY=ad variables of a deployment on its OU=Mailboxes), and stops
what it started whatever the command's outcome; exits with the command's status.
"""

from __future__ import annotations

import os
import subprocess
import sys
from contextlib import ExitStack

from tests.servers.postgres import postgres
from tests.servers.redis import redis
from tests.servers.samba_ad import samba_ad_server


def main(argv: list[str]) -> int:
    if "--" not in argv:
        print(__doc__, file=sys.stderr)
        return 2
    split = argv.index("--")
    wanted, command = argv[:split], argv[split + 1 :]
    env = dict(os.environ)
    with ExitStack() as stack:
        if "postgres" in wanted:
            env["GOVID_DATABASE_URL"] = stack.enter_context(postgres()).url()
        if "redis" in wanted:
            env["GOVID_REDIS_URL"] = stack.enter_context(redis()).url()
        if "samba_ad" in wanted:
            env.update(stack.enter_context(samba_ad_server()).environment())
        return subprocess.call(command, env=env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
