"""The public site, under /sv/ and /en/."""

from knowledgebase.public import buyer_views  # noqa: F401  (registers its routes on bp)
from knowledgebase.public import info_views  # noqa: F401  (registers its routes on bp)
from knowledgebase.public import manage_views  # noqa: F401  (registers its routes on bp)
from knowledgebase.public import need_answer_views  # noqa: F401  (registers its routes on bp)
from knowledgebase.public import need_views  # noqa: F401  (registers its routes on bp)
from knowledgebase.public import programme_views  # noqa: F401  (registers its routes on bp)
from knowledgebase.public import search_views  # noqa: F401  (registers its routes on bp)
from knowledgebase.public import shortlist_views  # noqa: F401  (registers its routes on bp)
from knowledgebase.public import statistics_views  # noqa: F401  (registers its routes on bp)
from knowledgebase.public import suggest_views  # noqa: F401  (registers its routes on bp)
from knowledgebase.public import upkeep_views  # noqa: F401  (registers its routes on bp)
from knowledgebase.public import views  # noqa: F401  (registers its routes on bp)
from knowledgebase.public.blueprint import bp

__all__ = ["bp"]
