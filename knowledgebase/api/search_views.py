"""GET /api/v1/search (being written)."""
