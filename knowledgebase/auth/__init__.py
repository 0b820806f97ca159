"""Logging in and out and changing one's password, under /auth/."""

from knowledgebase.auth import views  # noqa: F401  (registers its routes on bp)
from knowledgebase.auth.blueprint import bp

__all__ = ["bp"]
