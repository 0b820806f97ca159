"""Health checks for the reverse proxy and monitors: /healthz and /readyz."""

from knowledgebase.ops import views  # noqa: F401  (registers its routes on bp)
from knowledgebase.ops.blueprint import bp

__all__ = ["bp"]
