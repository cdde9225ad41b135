"""The seed's flow: forgot page, code by SMS, new password."""
