"""Login and logout pages. There is no registration: admins create accounts on the CLI."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from .accounts import authenticate
from .database import get_session
from .extensions import login_manager
from .forms import LoginForm, LogoutForm
from .models import User
from .security import public, safe_next_url

bp = Blueprint("auth", __name__)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Load the session's user; a deactivated account is logged out on its next request."""
    if not user_id.isdigit():
        return None
    user = get_session().get(User, int(user_id))
    return user if user is not None and user.active else None


@bp.route("/login", methods=["GET", "POST"])
@public
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
    return render_template("login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout() -> Response:
    """End the session (a POST with a CSRF token, so no page can log you out)."""
    form = LogoutForm()
    if form.validate_on_submit():
        logout_user()
        session.clear()
        flash("You are logged out.", "info")
    return redirect(url_for("auth.login"))
