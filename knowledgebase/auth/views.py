"""Log in (rate-limited per account and per address), log out, change password, and pick
the interface language."""

from __future__ import annotations

import math
import time

from flask import Response, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from flask_limiter import RequestLimit

from knowledgebase import inputs
from knowledgebase.auth.blueprint import bp
from knowledgebase.auth.forms import LoginForm, PasswordChangeForm
from knowledgebase.extensions import db, limiter
from knowledgebase.i18n import LOCALES
from knowledgebase.services.curation import accounts, audit


def _account_key() -> str:
    return "login-account:" + accounts.normalise_email(request.form.get("email", ""))


def _failed(response: Response) -> bool:
    # A successful login redirects; everything else counts against the limits.
    return response.status_code != 302


def _too_many_attempts(limit: RequestLimit) -> Response:
    minutes = max(1, math.ceil((limit.reset_at - time.time()) / 60))
    form = LoginForm()
    message = _("Too many failed attempts to log in. Wait %(minutes)d minutes and try again.", minutes=minutes)
    response = current_app.make_response((render_template("auth/login.html", form=form, error=message), 429))
    response.headers["Retry-After"] = str(minutes * 60)
    return response


def _start_session(user) -> None:
    """A new session for ``user``: the old one (and its CSRF token) is thrown away."""
    lang = session.get("ui_lang")
    session.clear()
    login_user(user)
    if lang:
        session["ui_lang"] = lang
    session["last_active"] = int(time.time())


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"],
               deduct_when=_failed, on_breach=_too_many_attempts)
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], methods=["POST"],
               key_func=_account_key, deduct_when=_failed, on_breach=_too_many_attempts)
def login():
    if current_user.is_authenticated and request.method == "GET":
        return redirect(url_for("admin.dashboard"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is not None:
            _start_session(user)
            accounts.record_login(user, request.remote_addr or "")
            db.session.commit()
            return redirect(inputs.safe_redirect(request.args.get("next")) or url_for("admin.dashboard"))
        audit.record("login_failed", actor_label=accounts.normalise_email(form.email.data),
                     ip=request.remote_addr or "")
        db.session.commit()
        error = _("The e-mail address or the password is wrong.")
    status = 200 if request.method == "GET" else 422
    return render_template("auth/login.html", form=form, error=error), status


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        user = current_user._get_current_object()
        # A copy of the session cookie must not outlive the logout: a new token ends every
        # session of the account.
        accounts.end_sessions(user)
        audit.record("logout", user, ip=request.remote_addr or "")
        db.session.commit()
    lang = session.get("ui_lang")
    logout_user()
    session.clear()
    if lang:
        session["ui_lang"] = lang
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
@limiter.limit("10 per hour", methods=["POST"], deduct_when=_failed,
               key_func=lambda: f"password:{current_user.get_id()}")
def password():
    """Change one's password; every other session of the account ends."""
    form = PasswordChangeForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            accounts.change_password(user, form.current.data, form.new.data)
        except accounts.AccountError as exc:
            db.session.rollback()
            getattr(form, exc.field if exc.field in ("current", "new") else "new").errors.append(exc.message)
        else:
            db.session.commit()
            _start_session(user)
            flash(_("Your password has been changed. Every other session of your account has ended."), "success")
            return redirect(url_for("admin.dashboard"))
    status = 200 if request.method == "GET" else 422
    return render_template("auth/password.html", form=form), status


@bp.route("/language", methods=["POST"])
def language():
    """Remember the interface language of the editorial area."""
    lang = request.form.get("lang")
    if lang in LOCALES:
        session["ui_lang"] = lang
    return redirect(inputs.next_target(url_for("admin.dashboard")))
