"""The read-only JSON API under /api/v1/."""

from knowledgebase.api import buyer_views  # noqa: F401  (registers its routes on bp)
from knowledgebase.api import search_views  # noqa: F401  (registers its routes on bp)
from knowledgebase.api import views  # noqa: F401  (registers its routes on bp)
from knowledgebase.api.blueprint import bp

__all__ = ["bp"]
