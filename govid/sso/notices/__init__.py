"""Security notices: a person hears by e-mail (and SMS where it is worth its cost) of a
sign-in from a new device, a second factor added or removed, and a password change."""
