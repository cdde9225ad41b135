"""The client's address, for views: see govid.networks for the trusted-proxy rule."""

from govid.networks import client_ip

__all__ = ["client_ip"]
