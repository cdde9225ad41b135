"""Login, logout, sessions and the account page (and, later, the OpenID Connect provider)."""
