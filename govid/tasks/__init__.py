"""Background tasks: Django's tasks API, a database queue, and the workers that run it."""
