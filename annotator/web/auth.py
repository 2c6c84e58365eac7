"""Login and logout pages. There is no registration: admins create accounts (the Users page,
or the CLI)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from limits.errors import StorageError
from werkzeug.wrappers import Response

from ..accounts import AccountDeactivated, authenticate
from ..extensions import get_login_throttle, get_session, login_manager
from ..models import User
from .forms import ActionForm, LoginForm
from .policy import Access, allow
from .security import safe_next_url

bp = Blueprint("auth", __name__)
log = logging.getLogger(__name__)
TOO_MANY = "Too many failed logins for this username or from your address. Try again in {wait}."
UNAVAILABLE = "Logging in is not possible for a moment. Try again in a minute."
DEACTIVATED = "Your account has been deactivated: ask an administrator to reactivate it."


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
        if user is not None and not user.active:
            g.session_refused = DEACTIVATED  # said in the 401 or on the login page
        return None
    return user


@bp.route("/login", methods=["GET", "POST"])
@allow(Access.PUBLIC)
def login() -> str | Response | tuple[str, int] | tuple[str, int, dict[str, str]]:
    """Show the login form; on a good password start a session and go to ``next``.

    Failed logins are logged (name and address, never the password) and counted; past the
    limits, the form is refused with 429 until the window ends, the right password included.
    """
    next_url = safe_next_url(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(next_url or url_for("documents.index"))
    form = LoginForm()
    if form.validate_on_submit():
        username = form.username.data or ""
        address = request.remote_addr or "unknown"
        throttle = get_login_throttle()
        try:
            wait = throttle.seconds_to_wait(username, address)
            if wait is not None:
                log.warning("login refused: too many failures for %r or from %s", username, address)
                return _refused(form, 429, TOO_MANY.format(wait=_minutes(wait)), wait)
            db = get_session()
            try:
                user = authenticate(db, username, form.password.data or "")
            except AccountDeactivated:
                throttle.record_failure(username, address)
                log.warning("login refused: %r is deactivated (from %s)", username, address)
                flash(DEACTIVATED, "error")
                return render_template("login.html", form=form), 403
            if user is not None:
                session.clear()  # nothing from before the login survives it
                login_user(user, remember=bool(form.remember.data))
                user.last_login_at = datetime.now(UTC)
                db.commit()
                return redirect(next_url or url_for("documents.index"))
            throttle.record_failure(username, address)
        except StorageError:
            # Unthrottled logins would let guessing through: refuse until the counts are back.
            log.exception("login refused: the login throttle's counts cannot be reached")
            return _refused(form, 503, UNAVAILABLE, 60)
        log.warning("failed login for %r from %s", username, address)
        flash("Invalid username or password.", "error")
    return render_template("login.html", form=form)


def _refused(
    form: LoginForm, status: int, message: str, seconds: int
) -> tuple[str, int, dict[str, str]]:
    """The login page saying why the form was refused and when to try again (Retry-After
    says it to scripts)."""
    page = render_template("login.html", form=form, refusal=message)
    return page, status, {"Retry-After": str(seconds)}


def _minutes(seconds: int) -> str:
    minutes = -(-seconds // 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


@bp.route("/logout", methods=["POST"])
@allow(Access.USER)
def logout() -> Response:
    """End the session (a POST with a CSRF token, so no page can log you out).

    The server forgets it too: the user's session version moves on, so a copy of the
    session or remember cookie (taken from this browser before) is refused from now on.
    That ends the user's sessions in other browsers as well."""
    form = ActionForm()
    if form.validate_on_submit():
        current_user.end_all_sessions()
        get_session().commit()
        # Clear first: logout_user() leaves a mark in the session that makes the
        # response delete the remember-me cookie; clearing afterwards would erase it.
        session.clear()
        logout_user()
        flash("You are logged out.", "info")
    return redirect(url_for("auth.login"))
