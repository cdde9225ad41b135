"""Second factors: TOTP codes, one-time recovery codes, the policy of who must have one."""
