"""Accounts (create, change role, disable, enable) and the audit log: for admins only."""

from __future__ import annotations


from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from knowledgebase import inputs
from knowledgebase import models as m
from knowledgebase.admin.blueprint import acting_user, bp, requires
from knowledgebase.admin.forms import RoleForm, UserForm
from knowledgebase.admin.views import page_arg
from knowledgebase.extensions import db
from knowledgebase.services.curation import accounts, audit
from knowledgebase.services.content.entries import paginate


def _render_users(form: UserForm, status: int = 200):
    return render_template("admin/users.html", users=accounts.all_users(), form=form,
                           role_form=RoleForm), status


@bp.route("/users/", methods=["GET", "POST"])
@requires("user.manage")
def users():
    form = UserForm()
    if request.method == "GET":
        return _render_users(form)
    if not form.validate():
        return _render_users(form, 422)
    try:
        user = accounts.create_user(form.email.data, form.password.data, form.role.data, form.name.data or "",
                                    actor=acting_user())
        db.session.commit()
    except accounts.AccountError as exc:
        db.session.rollback()
        getattr(form, exc.field if exc.field in ("email", "role", "password") else "email").errors.append(exc.message)
        return _render_users(form, 422)
    flash(_("Created the account %(email)s.", email=user.email), "success")
    return redirect(url_for("admin.users"))


def _change(user_id: int, change) -> None:
    user = db.get_or_404(m.User, user_id)
    try:
        change(user)
        db.session.commit()
    except accounts.AccountError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        flash(_("Saved the change to %(email)s.", email=user.email), "success")


@bp.route("/users/<int:user_id>/role", methods=["POST"])
@requires("user.manage")
def user_role(user_id: int):
    form = RoleForm()
    if not form.validate():
        abort(400)
    _change(user_id, lambda user: accounts.set_role(user, form.role.data, acting_user()))
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>/disable", methods=["POST"])
@requires("user.manage")
def user_disable(user_id: int):
    _change(user_id, lambda user: accounts.disable_user(user, acting_user()))
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>/enable", methods=["POST"])
@requires("user.manage")
def user_enable(user_id: int):
    _change(user_id, lambda user: accounts.enable_user(user, acting_user()))
    return redirect(url_for("admin.users"))


@bp.route("/audit/")
@requires("audit.read")
def audit_log():
    filters = audit.AuditFilters(
        action=inputs.arg_choice("action", audit.ACTIONS, ""),
        actor=inputs.arg_text("actor", 254),
        target=inputs.arg_text("target", 300),
        since=inputs.arg_date("since"),
        until=inputs.arg_date("until"),
    )
    page = paginate(audit.query(filters), page_arg(), current_app.config["PER_PAGE"] * 2)
    return render_template("admin/audit.html", page=page, filters=filters, actions=audit.ACTIONS)
