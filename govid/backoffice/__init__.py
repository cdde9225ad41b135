"""The back office: roles, the phone-update request workflow, letters, imports, reports, audit."""
