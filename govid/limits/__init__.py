"""Rate limits: fixed-window counters per step (lookup, code, check, login) and per scope
(client address, its /24 or /64 network, account, phone), with a refusal that says when.

Views count the client's address with ``guard``; flows count accounts and phones with ``hit``
where they know them. Past a ceiling, ``RateLimited`` says until when; ``guard`` turns it into
a 429 page with ``Retry-After``.
"""
