"""Keeping it true: provenance of facts, confirmation requests, reminders, alerts, outgoing mail and link checks."""
