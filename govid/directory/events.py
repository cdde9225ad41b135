"""Signals that other concerns listen to, so the directory never imports them."""

from django.dispatch import Signal

# Sent inside the transaction that changed an account's password; kwargs: account, actor.
# The SSO concern ends the account's sessions and revokes its tokens; recovery ends its live
# challenges.
password_changed = Signal()

# Sent inside the transaction of any other change that must end what the account holds now
# (its sessions, remembered ones included, its OIDC tokens, its live recovery challenges):
# a lock, a disabled login, a phone change, a role taken away. kwargs: login, reason (a stable
# word: "locked", "disabled", "phone_changed", "role_revoked"), actor.
access_ended = Signal()

# Sent when an administrator ends the login hold of a login (too many wrong passwords): any
# address can be held, even one without an account, so it need not be one. kwargs: login,
# actor. The SSO concern releases the hold and returns whether the login was held.
account_unblocked = Signal()
