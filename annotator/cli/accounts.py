"""Commands about accounts: users, passwords, the first admin, API tokens."""

from __future__ import annotations

import os
import sys
from datetime import datetime

import click
from flask.cli import with_appcontext
from sqlalchemy.orm import Session

from ..accounts import (
    AccountError,
    create_token,
    create_user,
    find_user,
    generate_password,
    list_tokens,
    parse_lifetime,
    revoke_token,
    set_active,
    set_password,
    set_role,
    token_state,
)
from ..extensions import get_login_throttle, get_session
from ..models import ROLES, ApiToken, User

ADMIN_USERNAME = "admin"
ADMIN_PASSWORD_ENV = "ANNOTATOR_ADMIN_PASSWORD"


def _read_password(password_stdin: bool) -> str:
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise click.ClickException("no password on standard input")
        return password
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


def _when(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _user_named(db: Session, username: str) -> User:
    """The account called ``username``, or the command stops saying there is none."""
    user = find_user(db, username)
    if user is None:
        raise click.ClickException(f"no user {username!r}")
    return user


@click.command("create-user")
@with_appcontext
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), default="annotator", show_default=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user_command(username: str, role: str, password_stdin: bool) -> None:
    """Create an account (there is no self-registration)."""
    password = _read_password(password_stdin)
    db = get_session()
    try:
        create_user(db, username, role, password)
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    db.commit()
    click.echo(f"Created {role} {username!r}.")


@click.command("set-password")
@with_appcontext
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def set_password_command(username: str, password_stdin: bool) -> None:
    """Set a new password for an account."""
    db = get_session()
    user = _user_named(db, username)
    try:
        set_password(user, _read_password(password_stdin))
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    db.commit()
    click.echo(f"Password of {username!r} changed.")


@click.command("create-admin")
@with_appcontext
def create_admin_command() -> None:
    """Create the ``admin`` account once and print its password.

    The password comes from $ANNOTATOR_ADMIN_PASSWORD when set; a second run changes nothing.
    """
    db = get_session()
    if find_user(db, ADMIN_USERNAME) is not None:
        click.echo(
            f"Account {ADMIN_USERNAME!r} exists; its password was shown when it was created "
            f"(change it with `annotator set-password {ADMIN_USERNAME}`)."
        )
        return
    given = os.environ.get(ADMIN_PASSWORD_ENV)
    password = given or generate_password()
    try:
        create_user(db, ADMIN_USERNAME, "admin", password)
    except AccountError as error:
        raise click.ClickException(f"${ADMIN_PASSWORD_ENV}: {error}") from None
    db.commit()
    if given:
        click.echo(f"Created {ADMIN_USERNAME!r} with the password from ${ADMIN_PASSWORD_ENV}.")
    else:
        click.echo("")
        click.echo(f"  Log in as:  {ADMIN_USERNAME}")
        click.echo(f"  Password:   {password}")
        click.echo("  (shown this once; change it with `annotator set-password admin`)")
        click.echo("")


@click.command("token")
@with_appcontext
@click.argument("username")
@click.option("--name", default="", help="A label to tell this token apart from others.")
@click.option(
    "--expires",
    metavar="LIFETIME",
    help="Refuse the token after this long: hours or days, like 12h, 30d or 90d.",
)
def token_command(username: str, name: str, expires: str | None) -> None:
    """Create an API token for USERNAME and print it once."""
    try:
        lifetime = parse_lifetime(expires) if expires is not None else None
    except AccountError as error:
        raise click.BadParameter(str(error), param_hint="--expires") from None
    db = get_session()
    user = _user_named(db, username)
    record, token = create_token(db, user, name, lifetime)
    db.commit()
    click.echo(token)
    until = f", valid until {_when(record.expires_at)}" if record.expires_at else ""
    click.echo(
        f"Token {record.id} ({record.prefix}...) for {username!r}{until}: shown this once. "
        "Send it as `Authorization: Bearer <token>`.",
        err=True,
    )


@click.command("tokens")
@with_appcontext
@click.argument("username")
def tokens_command(username: str) -> None:
    """List USERNAME's API tokens (never the tokens themselves)."""
    db = get_session()
    user = _user_named(db, username)
    for token in list_tokens(db, user):
        used = _when(token.last_used_at) if token.last_used_at else "never"
        expires = f"\texpires {_when(token.expires_at)}" if token.expires_at else ""
        click.echo(
            f"{token.id}\t{token.prefix}...\t{token_state(token)}\t{token.name}"
            f"\tlast used {used}{expires}"
        )


@click.command("revoke-token")
@with_appcontext
@click.argument("token_id", type=int)
def revoke_token_command(token_id: int) -> None:
    """Revoke an API token by its id (see `annotator tokens USERNAME`)."""
    db = get_session()
    token = db.get(ApiToken, token_id)
    if token is None:
        raise click.ClickException(f"no token with id {token_id}")
    revoke_token(token)
    db.commit()
    click.echo(f"Token {token_id} revoked.")


@click.command("set-active")
@with_appcontext
@click.argument("username")
@click.option("--active/--inactive", required=True)
def set_active_command(username: str, active: bool) -> None:
    """Enable or disable an account; disabling logs it out and revokes its tokens for good."""
    db = get_session()
    user = _user_named(db, username)
    try:
        revoked = set_active(user, active)
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    db.commit()
    if active:
        click.echo(f"{username!r} is now active (tokens revoked before stay revoked).")
    else:
        click.echo(
            f"{username!r} is now inactive: logged out everywhere, {revoked} API token(s) revoked."
        )


@click.command("set-role")
@with_appcontext
@click.argument("username")
@click.argument("role", type=click.Choice(ROLES))
def set_role_command(username: str, role: str) -> None:
    """Give USERNAME another role; it logs them out everywhere (the last admin stays one)."""
    db = get_session()
    user = _user_named(db, username)
    try:
        changed = set_role(user, role)
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    db.commit()
    if changed:
        click.echo(f"{username!r} is now {role}: logged out everywhere.")
    else:
        click.echo(f"{username!r} was already {role}.")


@click.command("unlock-login")
@with_appcontext
@click.argument("username", required=False)
@click.option("--address", help="Also clear the failed logins counted from this address.")
def unlock_login_command(username: str | None, address: str | None) -> None:
    """Let USERNAME (or anyone from --address) try to log in again at once, before the
    failed-login window ends (the failures stay in the log)."""
    if username is None and address is None:
        raise click.UsageError("name a USERNAME, an --address or both")
    get_login_throttle().forget(username, address)
    held = " and ".join(
        part for part in (username and repr(username), address and f"address {address}") if part
    )
    click.echo(f"Failed logins of {held} forgotten: logging in works again.")


COMMANDS = (
    create_user_command,
    set_password_command,
    create_admin_command,
    token_command,
    tokens_command,
    revoke_token_command,
    set_active_command,
    set_role_command,
    unlock_login_command,
)
