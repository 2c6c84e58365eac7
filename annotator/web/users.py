"""The admin's users pages: make accounts, deactivate and reactivate them, reset a password,
change a role, and see and revoke each account's API tokens.

Every change goes through ``annotator.accounts``, as the CLI's do; the rule that the last
active admin stays one lives there. A generated password is shown on the answer to the form
that made it and nowhere else: not in a flash message (a cookie), not in a URL.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from ..accounts import (
    AccountError,
    create_user,
    find_user,
    generate_password,
    list_tokens,
    list_users,
    revoke_token,
    set_active,
    set_password,
    set_role,
    token_state,
)
from ..extensions import get_session
from ..models import ApiToken, User
from .errors import found
from .forms import ActionForm, NewUserForm, PasswordResetForm, RoleForm
from .policy import Access, allow

bp = Blueprint("users", __name__)


def _user(username: str) -> User:
    return found(find_user(get_session(), username))


def show_error(form: FlaskForm, error: AccountError) -> None:
    """Put the service's refusal beside the field it names, or flash it when no field of
    ``form`` matches."""
    field = getattr(form, error.field or "", None)
    if field is not None and hasattr(field, "errors"):
        field.errors = [*field.errors, error.message]
    else:
        flash(error.message, "error")


def _index(form: NewUserForm, status: int = 200) -> tuple[str, int]:
    page = render_template(
        "users/index.html", users=list_users(get_session()), form=form, action=ActionForm()
    )
    return page, status


def _secret_page(user: User, password: str, made: bool) -> str:
    """The one page that shows a generated password (the answer to the POST that made it)."""
    return render_template("users/password_shown.html", user=user, password=password, made=made)


@bp.get("/users")
@allow(Access.ADMIN)
def index() -> tuple[str, int]:
    """Every account, and the form that makes one."""
    return _index(NewUserForm())


@bp.post("/users")
@allow(Access.ADMIN)
def create() -> Response | str | tuple[str, int]:
    """Make an account from the form; a generated password is shown on this answer only."""
    form = NewUserForm()
    if not form.validate_on_submit():
        return _index(form, 422)
    db = get_session()
    generated = not form.password.data
    password = generate_password() if generated else form.password.data or ""
    try:
        user = create_user(db, (form.username.data or "").strip(), form.role.data or "", password)
    except AccountError as error:
        db.rollback()
        show_error(form, error)
        return _index(form, 422)
    db.commit()
    if generated:
        return _secret_page(user, password, made=True)
    flash(f"Account {user.username} ({user.role}) made.", "success")
    return redirect(url_for("users.index"))


def _page(
    user: User,
    role_form: RoleForm | None = None,
    reset_form: PasswordResetForm | None = None,
    status: int = 200,
) -> tuple[str, int]:
    """One account's page, with the form that was refused (if any) showing why."""
    tokens = [(token, token_state(token)) for token in list_tokens(get_session(), user)]
    page = render_template(
        "users/show.html",
        user=user,
        tokens=tokens,
        role_form=role_form or RoleForm(formdata=None, role=user.role),
        reset_form=reset_form or PasswordResetForm(formdata=None),
        action=ActionForm(),
    )
    return page, status


@bp.get("/users/<username>")
@allow(Access.ADMIN)
def show(username: str) -> tuple[str, int]:
    """One account: its role, a new password, (de)activation and its API tokens."""
    return _page(_user(username))


def _change(username: str, change: Callable[[User], str]) -> Response:
    """Run one button's change on ``username`` (CSRF checked), flash what happened or why
    not, and go back to their page."""
    user = _user(username)
    if ActionForm().validate_on_submit():
        db = get_session()
        try:
            done = change(user)
        except AccountError as error:
            db.rollback()
            flash(error.message, "error")
        else:
            db.commit()
            flash(done, "success")
    return redirect(url_for("users.show", username=username))


@bp.post("/users/<username>/deactivate")
@allow(Access.ADMIN)
def deactivate(username: str) -> Response:
    """Lock the account out at once: sessions end, API tokens are revoked for good."""

    def change(user: User) -> str:
        revoked = set_active(user, False)
        return f"{user.username} deactivated: logged out everywhere, {revoked} token(s) revoked."

    return _change(username, change)


@bp.post("/users/<username>/reactivate")
@allow(Access.ADMIN)
def reactivate(username: str) -> Response:
    """Let the account log in again (tokens revoked before stay revoked)."""

    def change(user: User) -> str:
        set_active(user, True)
        return f"{user.username} can log in again (their old tokens stay revoked)."

    return _change(username, change)


@bp.post("/users/<username>/role")
@allow(Access.ADMIN)
def change_role(username: str) -> Response | tuple[str, int]:
    """Give the account another role; it is logged out everywhere."""
    user = _user(username)
    form = RoleForm()
    if not form.validate_on_submit():
        return _page(user, role_form=form, status=422)
    db = get_session()
    try:
        changed = set_role(user, form.role.data or "")
    except AccountError as error:
        db.rollback()
        show_error(form, error)
        return _page(user, role_form=form, status=422)
    db.commit()
    if changed:
        flash(f"{user.username} is now {user.role}: logged out everywhere.", "success")
    return redirect(url_for("users.show", username=username))


@bp.post("/users/<username>/password")
@allow(Access.ADMIN)
def reset_password(username: str) -> Response | str | tuple[str, int]:
    """Give the account a new password (typed, or generated and shown on this answer only);
    it is logged out everywhere."""
    user = _user(username)
    form = PasswordResetForm()
    if not form.validate_on_submit():
        return _page(user, reset_form=form, status=422)
    generated = not form.password.data
    password = generate_password() if generated else form.password.data or ""
    db = get_session()
    try:
        set_password(user, password)
    except AccountError as error:
        db.rollback()
        show_error(form, error)
        return _page(user, reset_form=form, status=422)
    db.commit()
    if generated:
        return _secret_page(user, password, made=False)
    flash(f"{user.username} has a new password and is logged out everywhere.", "success")
    return redirect(url_for("users.show", username=username))


@bp.post("/users/<username>/tokens/<int:token_id>/revoke")
@allow(Access.ADMIN)
def revoke(username: str, token_id: int) -> Response:
    """Revoke one of the account's API tokens (another account's token is a 404)."""
    user = _user(username)
    token = get_session().get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        abort(404)

    def change(_: User) -> str:
        revoke_token(token)
        return f"Token {token.name} ({token.prefix}...) revoked."

    return _change(username, change)
