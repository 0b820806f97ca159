"""The networks a programme started, in the adviser area: the list, a new one, editing one."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from knowledgebase import models as m
from knowledgebase.admin.activity_views import programme_or_404
from knowledgebase.admin.blueprint import bp, requires
from knowledgebase.admin.programme_forms import NetworkForm
from knowledgebase.extensions import db
from knowledgebase.services.programmes import networks


@bp.route("/programmes/<slug>/networks")
@requires("programme.manage")
def programme_networks(slug: str):
    """The networks the programme started, with their members."""
    programme = programme_or_404(slug)
    return render_template("admin/programme_networks.html", programme=programme,
                           networks=networks.for_programme(programme))


def _save(programme: m.Programme, network: m.StartedNetwork | None):
    form = NetworkForm()
    form.set_choices(programme, networks.directory_networks())
    render = lambda status=200: (render_template("admin/network_form.html", form=form, programme=programme,  # noqa: E731
                                                 network=network), status)
    if request.method == "GET":
        if network is not None:
            form.fill_from(networks.values_of(network))
        return render()
    if not form.validate():
        return render(422)
    try:
        networks.save_network(programme, form.values(), network)
    except networks.NetworkError as exc:
        db.session.rollback()
        form[exc.field].errors.append(exc.message)
        return render(422)
    db.session.commit()
    flash(_("Saved the network %(name)s.", name=form.name.data), "success")
    return redirect(url_for("admin.programme_networks", slug=programme.slug))


@bp.route("/programmes/<slug>/networks/new", methods=["GET", "POST"])
@requires("programme.manage")
def network_new(slug: str):
    """Record a network the programme started."""
    return _save(programme_or_404(slug), None)


@bp.route("/networks/<int:network_id>/edit", methods=["GET", "POST"])
@requires("programme.manage")
def network_edit(network_id: int):
    """Change a started network (its members, say)."""
    network = db.session.get(m.StartedNetwork, network_id) or abort(404)
    return _save(network.programme, network)
