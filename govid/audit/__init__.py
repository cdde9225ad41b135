"""The append-only event log that every concern writes to."""
