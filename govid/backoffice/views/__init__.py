"""The back-office pages; each view parses, calls one function, renders."""
