"""Login and logout pages. There is no registration: admins create accounts on the CLI."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from ..accounts import authenticate
from ..extensions import get_session, login_manager
from ..models import User
from .forms import ActionForm, LoginForm
from .policy import Access, allow
from .security import safe_next_url

bp = Blueprint("auth", __name__)


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """Load the session's user from ``<id>.<session_version>``.

    A deactivated account, or one whose sessions were revoked (password change,
    deactivation), is logged out on its next request, remember cookie included.
    """
    user_id, _, version = session_id.partition(".")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = get_session().get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


@bp.route("/login", methods=["GET", "POST"])
@allow(Access.PUBLIC)
def login() -> str | Response:
    """Show the login form; on a good password start a session and go to ``next``."""
    next_url = safe_next_url(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(next_url or url_for("documents.index"))
    form = LoginForm()
    if form.validate_on_submit():
        db = get_session()
        user = authenticate(db, form.username.data or "", form.password.data or "")
        if user is not None:
            session.clear()  # nothing from before the login survives it
            login_user(user, remember=bool(form.remember.data))
            user.last_login_at = datetime.now(UTC)
            db.commit()
            return redirect(next_url or url_for("documents.index"))
        flash("Invalid username or password.", "error")
    return render_template("login.html", form=form)


@bp.route("/logout", methods=["POST"])
@allow(Access.USER)
def logout() -> Response:
    """End the session (a POST with a CSRF token, so no page can log you out)."""
    form = ActionForm()
    if form.validate_on_submit():
        # Clear first: logout_user() leaves a mark in the session that makes the
        # response delete the remember-me cookie; clearing afterwards would erase it.
        session.clear()
        logout_user()
        flash("You are logged out.", "info")
    return redirect(url_for("auth.login"))
