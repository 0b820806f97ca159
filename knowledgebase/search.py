"""Full-text search (being written). Only this module may import whoosh."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Open or build the index (not yet written)."""
