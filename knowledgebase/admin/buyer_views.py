"""/admin/completeness: which capability fields each enterprise is missing, so that advisers
know what to ask (services.procurement.buyers.completeness)."""

from __future__ import annotations

from flask import render_template

from knowledgebase.admin.blueprint import bp, requires
from knowledgebase.content_types import STATUS_LABELS
from knowledgebase.services.procurement import buyers


@bp.route("/completeness")
@requires("entry.edit_any")
def completeness():
    return render_template("admin/completeness.html", rows=buyers.completeness_report(),
                           capability_label=buyers.capability_label, status_labels=STATUS_LABELS,
                           total_fields=len(buyers.CAPABILITY_FIELDS))
