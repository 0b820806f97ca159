"""Curation: accounts and roles, the workflow, revisions, the audit log, suggestions and duplicates."""
