"""Argon2id at OWASP's minimum parameters.

OWASP's Password Storage Cheat Sheet lists m=19 MiB, t=2, p=1 as the floor for Argon2id.
Django's default (m=100 MiB, t=2, p=8) costs 8-16x more CPU per login on a 2-core host
without a matching gain against offline attacks at this floor, so the SQL directory uses this.
Hashes keep their parameters, so older or stronger hashes still verify (and are upgraded).
"""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class OwaspArgon2idHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
