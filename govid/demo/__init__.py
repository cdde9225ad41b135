"""The demo: the province's demo data (`manage.py demo`, run by `make run`) and the demo
relying party, "Hộp thư công vụ (demo)", a tiny mail page that signs in through govid's own
OpenID Connect provider, exactly as another system of the province would."""
