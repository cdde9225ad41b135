"""Signals that other concerns listen to, so the directory never imports them."""

from django.dispatch import Signal

# Sent inside the transaction that changed an account's password; kwargs: account, actor.
# The SSO concern ends the account's sessions (and, later, revokes its tokens) on it.
password_changed = Signal()
