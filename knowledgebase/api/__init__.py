"""The read-only JSON API under /api/v1/, and the directory in Open Referral HSDS 3.0 under
/api/hsds/."""

from knowledgebase.api import buyer_views  # noqa: F401  (registers its routes on bp)
from knowledgebase.api import dcat_views  # noqa: F401  (registers its routes on bp)
from knowledgebase.api import hsds_views  # noqa: F401  (registers its routes on hsds_bp)
from knowledgebase.api import search_views  # noqa: F401  (registers its routes on bp)
from knowledgebase.api import statistics_views  # noqa: F401  (registers its routes on bp)
from knowledgebase.api import views  # noqa: F401  (registers its routes on bp)
from knowledgebase.api.blueprint import bp, hsds_bp

__all__ = ["bp", "hsds_bp"]
