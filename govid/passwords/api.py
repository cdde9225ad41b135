"""The password policy and its changes: what other concerns may call.

Other concerns import from here, never from the modules behind it (`make lint`
checks it); what crosses is functions, values and signals, never a model.
"""

from __future__ import annotations

from govid.passwords.change import apply_new_password, policy_errors
from govid.passwords.forms import NewPasswordForm
from govid.passwords.policy import MAX_LENGTH

__all__ = ["MAX_LENGTH", "NewPasswordForm", "apply_new_password", "policy_errors"]
