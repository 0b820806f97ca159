"""The data model: taxonomy and content entries."""

from knowledgebase.models.entries import (  # noqa: F401
    PUBLISHED,
    STATUSES,
    AdviceContact,
    Enterprise,
    Entry,
    Example,
    FinancingSource,
    GlossaryTerm,
    Network,
    ProcurementGuide,
    Research,
    Source,
)
from knowledgebase.models.taxonomy import (  # noqa: F401
    CompetencePackage,
    County,
    LegalForm,
    Municipality,
    ServiceCategory,
    SynonymGroup,
    TargetGroup,
    Theme,
)
from knowledgebase.models.accounts import ROLES, AuditEvent, User  # noqa: F401
from knowledgebase.models.curation import Revision, Suggestion  # noqa: F401
from knowledgebase.models.search_log import SearchChange, SearchNode  # noqa: F401
from knowledgebase.models.jobs import Job  # noqa: F401
from knowledgebase.models.procurement import LIMIT_CURRENCIES, ProcurementLimit, PublicContract  # noqa: F401
from knowledgebase.models.upkeep import (  # noqa: F401
    AdviserDigest,
    AlertSubscription,
    ConfirmationRequest,
    EntryUpkeep,
    FactProvenance,
    LinkCheck,
    ReminderLog,
)
from knowledgebase.models.claims import ClaimRequest, EntryManager, ManagerSignIn  # noqa: F401
from knowledgebase.models.needs import Need, NeedAnswer, NeedRecipient  # noqa: F401
from knowledgebase.models.content_version import ContentVersion  # noqa: F401
from knowledgebase.models.programmes import (  # noqa: F401
    Activity,
    HeadCount,
    NetworkMember,
    Programme,
    ProgrammeTarget,
    Registration,
    StartedNetwork,
)
