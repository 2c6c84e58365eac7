"""Accounts and API tokens: creating them, checking passwords and tokens.

Passwords are hashed with scrypt through Werkzeug; API tokens are random and
only their sha256 is stored, so a database leak gives away neither.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import UTC, datetime, timedelta
from functools import cache

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, object_session
from werkzeug.security import check_password_hash, generate_password_hash

from .models import ROLES, ApiToken, User

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")
MIN_PASSWORD_LENGTH = 10
# The login form takes no more (web/forms.LoginForm): a longer password could never log in.
MAX_PASSWORD_LENGTH = 1024
TOKEN_PREFIX = "ann_"
# Writing last_used_at on every API call would turn reads into writes; once a minute is enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)
LIFETIME_PATTERN = re.compile(r"(\d{1,6})([hd])")
LIFETIME_UNITS = {"h": "hours", "d": "days"}
MAX_TOKEN_LIFETIME = timedelta(days=3650)


@cache
def _dummy_hash() -> str:
    """Checked when a username does not exist, so that a wrong name costs as long as a wrong
    password (made on first use: hashing at import would slow every command down)."""
    return generate_password_hash("not a real password", method="scrypt")


class AccountDeactivated(Exception):
    """The right password for an account an admin has deactivated."""


class AccountError(ValueError):
    """A request about accounts that cannot be carried out; the message says why and
    ``field`` names what was at fault (``username``, ``role``, ``password``, ``active``...),
    so that a form or the API can point at it."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def _shown(text: str, limit: int = 40) -> str:
    """``text`` as quoted back in a message: shortened, so a large input is never echoed."""
    return text if len(text) <= limit else text[:limit] + "..."


def hash_password(password: str) -> str:
    """Hash a password with scrypt (salted, memory-hard)."""
    return generate_password_hash(password, method="scrypt")


def check_new_password(password: str) -> None:
    """Refuse passwords too short to resist guessing, or too long to type at the login form."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            f"password must have at least {MIN_PASSWORD_LENGTH} characters", "password"
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(
            f"password must have at most {MAX_PASSWORD_LENGTH} characters", "password"
        )


def generate_password() -> str:
    """A random password for an admin to pass on (shown once): 20 URL-safe characters,
    about 120 bits, well past the minimum length."""
    return secrets.token_urlsafe(15)


def check_username(username: str) -> None:
    """Usernames appear in export ids (``<paragraph>/<annotator>``), so keep them plain."""
    if not USERNAME_PATTERN.fullmatch(username):
        raise AccountError(
            f"invalid username {_shown(username)!r}: use 1 to 64 lowercase letters, digits, "
            "'.', '_' or '-', starting with a letter or digit",
            "username",
        )


def find_user(session: Session, username: str) -> User | None:
    """The user called ``username``, or None."""
    return session.scalar(select(User).where(User.username == username))


def create_user(session: Session, username: str, role: str, password: str) -> User:
    """Create an account; refuse a taken name, an unknown role or a weak password."""
    check_username(username)
    check_role(role)
    check_new_password(password)
    if find_user(session, username) is not None:
        raise AccountError(f"user {username!r} already exists", "username")
    user = User(username=username, role=role, password_hash=hash_password(password), active=True)
    session.add(user)
    session.flush()
    return user


def check_role(role: str) -> None:
    """Refuse a role the app does not know."""
    if role not in ROLES:
        raise AccountError(
            f"unknown role {_shown(role)!r}: choose one of {', '.join(ROLES)}", "role"
        )


def list_users(session: Session) -> list[User]:
    """Every account, by username (the admin's users page and ``GET /api/users``)."""
    return list(session.scalars(select(User).order_by(User.username)))


def _refuse_losing_the_last_admin(user: User, field: str, doing: str) -> None:
    """Stop ``user`` from ceasing to be an active admin when nobody else is one: without an
    admin, nobody could make accounts or batches from the browser again.

    The active admins' rows are locked (PostgreSQL) until the change commits, so two admins
    cannot demote each other at the same moment and leave none."""
    if user.role != "admin" or not user.active:
        return
    session = object_session(user)
    assert session is not None, "the user must be loaded from a session"
    admins = session.scalars(
        select(User.id).where(User.role == "admin", User.active.is_(True)).with_for_update()
    ).all()
    if not any(admin_id != user.id for admin_id in admins):
        raise AccountError(
            f"{user.username!r} is the last active admin and cannot be {doing}: "
            "make another account admin first",
            field,
        )


def set_role(user: User, role: str) -> bool:
    """Give ``user`` another role and end their sessions (what they may see changed, so
    pages they hold open should not outlive it); the last active admin keeps theirs.
    Return whether the role changed (the same role again changes nothing)."""
    check_role(role)
    if role == user.role:
        return False
    if role != "admin":
        _refuse_losing_the_last_admin(user, "role", f"made {role}")
    user.role = role
    user.end_all_sessions()
    return True


def change_own_password(user: User, current: str, new: str) -> None:
    """A user's own change of password: the current one first (a session left open on a
    shared computer must not be enough to take the account), then as ``set_password``."""
    if not check_password_hash(user.password_hash, current):
        raise AccountError("the current password is not right", "current")
    set_password(user, new)


def set_password(user: User, password: str) -> None:
    """Replace a user's password and end their sessions everywhere."""
    check_new_password(password)
    user.password_hash = hash_password(password)
    user.end_all_sessions()


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active user with this name and password, or None; timing does not reveal which failed."""
    user = find_user(session, username)
    if user is None:
        check_password_hash(_dummy_hash(), password)
        return None
    if not check_password_hash(user.password_hash, password):
        return None
    if not user.active:
        # Only someone who knows the password learns this: telling them beats letting them
        # think they mistyped it.
        raise AccountDeactivated(f"the account {username!r} has been deactivated")
    return user


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def parse_lifetime(text: str) -> timedelta:
    """How long a token lives, from ``12h`` or ``90d``: a script's token should not outlive
    the project it was made for. Anything else is refused with the forms that work."""
    match = LIFETIME_PATTERN.fullmatch(text.strip())
    lifetime = timedelta(**{LIFETIME_UNITS[match[2]]: int(match[1])}) if match else timedelta(0)
    if not timedelta(0) < lifetime <= MAX_TOKEN_LIFETIME:
        raise AccountError(
            f"{_shown(text)!r} is not a token lifetime: give a number of hours or days, like "
            f"12h, 30d or 90d (at most {MAX_TOKEN_LIFETIME.days}d)",
            "expires",
        )
    return lifetime


def create_token(
    session: Session, user: User, name: str = "", lifetime: timedelta | None = None
) -> tuple[ApiToken, str]:
    """Create an API token for ``user``, expiring after ``lifetime`` if given; return the
    record and the token, which is never stored."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    record = ApiToken(
        user=user,
        name=name or "token",
        token_hash=_token_hash(token),
        prefix=token[: len(TOKEN_PREFIX) + 6],
        expires_at=datetime.now(UTC) + lifetime if lifetime else None,
    )
    session.add(record)
    session.flush()
    return record, token


def token_state(token: ApiToken, now: datetime | None = None) -> str:
    """``revoked``, ``expired`` or ``active``: what a token's owner sees in a listing."""
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at is not None and token.expires_at <= (now or datetime.now(UTC)):
        return "expired"
    return "active"


def user_for_token(session: Session, token: str) -> User | None:
    """The active owner of a live (not revoked, not expired) token, or None; records when
    the token was last used."""
    found = session.execute(_TOKEN_AND_OWNER, {"token_hash": _token_hash(token)}).first()
    if found is None:
        return None
    record, user = found
    now = datetime.now(UTC)
    if token_state(record, now) != "active" or not user.active:
        return None
    if record.last_used_at is None or now - record.last_used_at > LAST_USED_RESOLUTION:
        record.last_used_at = now
        session.commit()
    return user


# Every API call asks for this: both rows in one plain join, half the cost of the token with
# its user eagerly loaded.
_TOKEN_AND_OWNER = (
    select(ApiToken, User)
    .join(User, User.id == ApiToken.user_id)
    .where(ApiToken.token_hash == bindparam("token_hash"))
)


def revoke_token(token: ApiToken) -> None:
    """Make a token unusable from now on; the record stays for the audit trail."""
    if token.revoked_at is None:
        token.revoked_at = datetime.now(UTC)


def list_tokens(session: Session, user: User) -> list[ApiToken]:
    """``user``'s API tokens, oldest first (the records only: tokens are never stored)."""
    return list(
        session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id))
    )


def set_active(user: User, active: bool) -> int:
    """Enable or disable an account; disabling ends its sessions and revokes its API tokens
    for good, so reactivating the account later does not bring old (perhaps leaked)
    tokens back: its owner makes new ones. The last active admin cannot be disabled.
    Return how many tokens were revoked."""
    if active:
        user.active = True
        return 0
    _refuse_losing_the_last_admin(user, "active", "deactivated")
    user.active = False
    user.end_all_sessions()
    live = [token for token in user.tokens if token.revoked_at is None]
    for token in live:
        revoke_token(token)
    return len(live)
