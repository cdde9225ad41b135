"""govid: identity portal of a province's official e-mail and shared systems."""
