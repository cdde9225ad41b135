"""Accounts, units and phone numbers: what other concerns may call.

Other concerns import from here, never from the modules behind it (`make lint`
checks it); what crosses is functions, values and signals, never a model.
"""

from __future__ import annotations

from govid.directory import account_active, canonical_login, get_directory
from govid.directory.base import Account, AccountLocked, DirectoryUnavailable, PasswordRefused
from govid.directory.changes import (
    Approval,
    PhoneChangeRefused,
    change_phone,
    phone_replaced_since,
    set_locked,
)
from govid.directory.conf import directory_settings
from govid.directory.events import access_ended, account_unblocked, password_changed
from govid.directory.expiry import password_expired
from govid.directory.imports import ImportFileError, ImportPlan, apply_plan, plan_import, read_table
from govid.directory.imports.messages import file_error_message, row_error_message
from govid.directory.phones import mask_phone
from govid.directory.provision import add_account, add_unit, has_unit
from govid.directory.units import UnitTree, unit_tree

__all__ = [
    "Account",
    "AccountLocked",
    "Approval",
    "DirectoryUnavailable",
    "ImportFileError",
    "ImportPlan",
    "PasswordRefused",
    "PhoneChangeRefused",
    "UnitTree",
    "access_ended",
    "account_active",
    "account_unblocked",
    "add_account",
    "add_unit",
    "apply_plan",
    "canonical_login",
    "change_phone",
    "directory_settings",
    "file_error_message",
    "get_directory",
    "has_unit",
    "mask_phone",
    "password_changed",
    "password_expired",
    "phone_replaced_since",
    "plan_import",
    "read_table",
    "row_error_message",
    "set_locked",
    "unit_tree",
]
