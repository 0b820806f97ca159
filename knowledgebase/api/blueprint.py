"""The blueprints of the API: the JSON API under /api/v1/ and the directory in Open Referral
HSDS 3.0 under /api/hsds/ (its own paths and shapes, services.transfer.hsds, so its own prefix). Both
answer conditional GETs and CORS requests (``http``); the views register their routes."""

from flask import Blueprint

from knowledgebase.api import http

bp = Blueprint("api", __name__, url_prefix="/api/v1")
hsds_bp = Blueprint("hsds", __name__, url_prefix="/api/hsds")

http.init_blueprint(bp)
http.init_blueprint(hsds_bp)
