"""Domain services: plain functions called alike by views, the API and the CLI.
Services add and flush; the caller commits."""
