"""The client's address, for views: see govid.ops.requests for the trusted-proxy rule."""

from govid.ops.requests import client_ip

__all__ = ["client_ip"]
