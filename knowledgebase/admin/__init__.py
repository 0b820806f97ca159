"""The editorial area under /admin/: dashboard, entry forms, workflow, history,
suggestions, bulk import and export, accounts and the audit log. Everyone here is signed
in; what they may do follows their role (services.curation.accounts.PERMISSIONS)."""

from knowledgebase.admin import activity_views  # noqa: F401  (registers its routes on bp)
from knowledgebase.admin import bulk_views  # noqa: F401  (registers its routes on bp)
from knowledgebase.admin import claim_views  # noqa: F401  (registers its routes on bp)
from knowledgebase.admin import buyer_views  # noqa: F401  (registers its routes on bp)
from knowledgebase.admin import entry_views  # noqa: F401  (registers its routes on bp)
from knowledgebase.admin import job_views  # noqa: F401  (registers its routes on bp)
from knowledgebase.admin import sheet_views  # noqa: F401  (registers its routes on bp)
from knowledgebase.admin import need_views  # noqa: F401  (registers its routes on bp)
from knowledgebase.admin import network_views  # noqa: F401  (registers its routes on bp)
from knowledgebase.admin import people_views  # noqa: F401  (registers its routes on bp)
from knowledgebase.admin import programme_views  # noqa: F401  (registers its routes on bp)
from knowledgebase.admin import suggestion_views  # noqa: F401  (registers its routes on bp)
from knowledgebase.admin import upkeep_views  # noqa: F401  (registers its routes on bp)
from knowledgebase.admin import user_views  # noqa: F401  (registers its routes on bp)
from knowledgebase.admin import views  # noqa: F401  (registers its routes on bp)
from knowledgebase.admin.blueprint import bp

__all__ = ["bp"]
