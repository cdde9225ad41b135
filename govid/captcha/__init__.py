"""A self-hosted proof-of-work check (ALTCHA) on the forgot page, past a threshold of lookups."""
