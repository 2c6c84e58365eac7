"""Everyone's "My account" page: change one's own password, make and revoke one's own API
tokens. The services are ``annotator.accounts``'s, as for the CLI and the API.

A new token is shown on the answer to the form that made it and never again (only its hash
is stored); it never goes into a flash message (a cookie) or a URL.
"""

from __future__ import annotations

from contextlib import suppress

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user
from limits.errors import StorageError
from werkzeug.wrappers import Response

from ..accounts import (
    AccountError,
    change_own_password,
    create_token,
    list_tokens,
    parse_lifetime,
    revoke_token,
    token_state,
)
from ..extensions import get_login_throttle, get_session
from ..models import ApiToken
from .forms import ActionForm, NewTokenForm, OwnPasswordForm
from .policy import Access, allow

bp = Blueprint("account", __name__)


def _page(
    password_form: OwnPasswordForm | None = None,
    token_form: NewTokenForm | None = None,
    new_token: str | None = None,
    status: int = 200,
) -> tuple[str, int]:
    """The page, with a refused form showing why, or with a token just made."""
    tokens = [(token, token_state(token)) for token in list_tokens(get_session(), current_user)]
    page = render_template(
        "account/show.html",
        tokens=tokens,
        password_form=password_form or OwnPasswordForm(formdata=None),
        token_form=token_form or NewTokenForm(formdata=None),
        new_token=new_token,
        action=ActionForm(),
    )
    return page, status


@bp.get("/account")
@allow(Access.USER)
def show() -> tuple[str, int]:
    """Your password and your API tokens."""
    return _page()


@bp.post("/account/password")
@allow(Access.USER)
def change_password() -> Response | tuple[str, int]:
    """Change your password (the current one first). Your other sessions end; this browser
    is logged in again under the new session version, so it stays logged in."""
    form = OwnPasswordForm()
    if not form.validate_on_submit():
        return _page(password_form=form, status=422)
    db = get_session()
    user = current_user._get_current_object()  # type: ignore[attr-defined]
    # Wrong current passwords count as failed logins: an open session left on a shared
    # computer must not become a way to guess the password without the login's limits.
    throttle, address = get_login_throttle(), request.remote_addr or "unknown"
    try:
        wait = throttle.seconds_to_wait(user.username, address)
    except StorageError:
        wait = 60
    if wait is not None:
        form.current.errors = [f"Too many wrong passwords: try again in {-(-wait // 60)} min."]
        return _page(password_form=form, status=429)
    try:
        change_own_password(user, form.current.data or "", form.password.data or "")
    except AccountError as error:
        db.rollback()
        if error.field == "current":
            with suppress(StorageError):
                throttle.record_failure(user.username, address)
        field = form.current if error.field == "current" else form.password
        field.errors = [*field.errors, error.message]
        return _page(password_form=form, status=422)
    db.commit()
    remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies
    session.clear()  # nothing of the old session survives: a fresh one, a fresh CSRF token
    login_user(user, remember=remembered)
    flash("Password changed. Your sessions in other browsers have ended.", "success")
    return redirect(url_for("account.show"))


@bp.post("/account/tokens")
@allow(Access.USER)
def new_token() -> tuple[str, int]:
    """Make an API token for yourself, expiring after the lifetime given (if any); it is
    shown on this answer only."""
    form = NewTokenForm()
    if not form.validate_on_submit():
        return _page(token_form=form, status=422)
    expires = (form.expires.data or "").strip()
    try:
        lifetime = parse_lifetime(expires) if expires else None
    except AccountError as error:
        form.expires.errors = [*form.expires.errors, error.message]
        return _page(token_form=form, status=422)
    db = get_session()
    _, token = create_token(db, current_user, (form.name.data or "").strip(), lifetime)
    db.commit()
    return _page(new_token=token)


@bp.post("/account/tokens/<int:token_id>/revoke")
@allow(Access.USER)
def revoke(token_id: int) -> Response:
    """Revoke one of your tokens (anyone else's is a 404: admins use the users page)."""
    db = get_session()
    token = db.get(ApiToken, token_id)
    if token is None or token.user_id != current_user.id:
        abort(404)
    if ActionForm().validate_on_submit():
        revoke_token(token)
        db.commit()
        flash(f"Token {token.name} ({token.prefix}...) revoked.", "success")
    return redirect(url_for("account.show"))
