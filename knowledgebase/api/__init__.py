"""The read-only JSON API under /api/v1/, and the directory in Open Referral HSDS 3.0 under
/api/hsds/."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# HSDS has its own paths and shapes (services.hsds), so it has its own prefix.
hsds_bp = Blueprint("hsds", __name__, url_prefix="/api/hsds")

from knowledgebase.api import search_views, views  # noqa: E402,F401  (register routes on bp)
from knowledgebase.api import buyer_views  # noqa: E402,F401
from knowledgebase.api import hsds_views  # noqa: E402,F401  (register routes on hsds_bp)
from knowledgebase.api import dcat_views  # noqa: E402,F401
from knowledgebase.api import http  # noqa: E402

http.init_blueprint(bp)
http.init_blueprint(hsds_bp)
