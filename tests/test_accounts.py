"""The accounts service (``annotator.accounts``) and the CLI built on it: the last admin
stays one, a role change or a reset logs the user out, generated passwords are long enough.
The users page, the API and the CLI all rely on these."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy.orm import Session

from annotator.accounts import (
    MIN_PASSWORD_LENGTH,
    AccountError,
    change_own_password,
    create_token,
    find_user,
    generate_password,
    set_active,
    set_role,
)
from annotator.models import User

from .conftest import TEST_PASSWORD


def _named(db: Session, username: str) -> User:
    user = find_user(db, username)
    assert user is not None
    return user


def test_generated_passwords_are_long_enough_and_never_repeat() -> None:
    """If this fails, a password the admin generates is refused, or guessable."""
    made = {generate_password() for _ in range(50)}
    assert len(made) == 50
    assert all(len(password) >= MIN_PASSWORD_LENGTH for password in made)


def test_the_last_active_admin_stays_one(make_user: Callable[..., User], db: Session) -> None:
    """If this fails, nobody can run accounts from the browser any more."""
    make_user("root", role="admin")
    make_user("old", role="admin", active=False)
    root = _named(db, "root")
    with pytest.raises(AccountError, match="last active admin") as refused:
        set_role(root, "reviewer")
    assert refused.value.field == "role"
    with pytest.raises(AccountError, match="last active admin") as refused:
        set_active(root, False)
    assert refused.value.field == "active"
    db.rollback()
    root = _named(db, "root")
    assert root.role == "admin" and root.active and root.session_version == 1


def test_another_admin_may_step_down(make_user: Callable[..., User], db: Session) -> None:
    """If this fails, an admin cannot hand over to another."""
    make_user("root", role="admin")
    make_user("ada", role="admin")
    assert set_role(_named(db, "root"), "annotator") is True
    with pytest.raises(AccountError):
        set_active(_named(db, "ada"), False)


def test_a_role_change_ends_sessions_but_the_same_role_does_nothing(
    make_user: Callable[..., User], db: Session
) -> None:
    """If this fails, a demoted user keeps their open pages, or re-saving a role logs them out."""
    make_user("alice")
    alice = _named(db, "alice")
    assert set_role(alice, "annotator") is False and alice.session_version == 1
    assert set_role(alice, "reviewer") is True and alice.session_version == 2
    with pytest.raises(AccountError, match="unknown role") as refused:
        set_role(alice, "boss")
    assert refused.value.field == "role"


def test_deactivating_revokes_tokens(make_user: Callable[..., User], db: Session) -> None:
    """If this fails, a deactivated account's scripts keep running."""
    make_user("alice")
    alice = _named(db, "alice")
    create_token(db, alice, "a")
    create_token(db, alice, "b")
    assert set_active(alice, False) == 2 and alice.session_version == 2
    assert all(token.revoked_at is not None for token in alice.tokens)


def test_changing_ones_own_password_needs_the_current_one(
    make_user: Callable[..., User], db: Session
) -> None:
    """If this fails, anyone at an unlocked computer can take over the account."""
    make_user("alice")
    alice = _named(db, "alice")
    with pytest.raises(AccountError) as refused:
        change_own_password(alice, "not it at all", "a brand new password")
    assert refused.value.field == "current"
    with pytest.raises(AccountError) as refused:
        change_own_password(alice, TEST_PASSWORD, "short")
    assert refused.value.field == "password"
    change_own_password(alice, TEST_PASSWORD, "a brand new password")
    assert alice.session_version == 2


def test_the_cli_keeps_the_last_admin(
    app: Flask, runner: FlaskCliRunner, make_user: Callable[..., User], db: Session
) -> None:
    """If this fails, a tired admin at the terminal can lock every admin out."""
    make_user("root", role="admin")
    demoted = runner.invoke(args=["set-role", "root", "annotator"])
    assert demoted.exit_code != 0 and "last active admin" in demoted.output
    deactivated = runner.invoke(args=["set-active", "root", "--inactive"])
    assert deactivated.exit_code != 0 and "last active admin" in deactivated.output
    root = _named(db, "root")
    assert root.role == "admin" and root.active


def test_the_cli_changes_a_role_and_logs_the_user_out(
    runner: FlaskCliRunner, make_user: Callable[..., User], db: Session
) -> None:
    """If this fails, the terminal and the users page disagree on what a role change does."""
    make_user("alice")
    result = runner.invoke(args=["set-role", "alice", "reviewer"])
    assert result.exit_code == 0 and "logged out everywhere" in result.output
    alice = _named(db, "alice")
    assert alice.role == "reviewer" and alice.session_version == 2
    again = runner.invoke(args=["set-role", "alice", "reviewer"])
    assert again.exit_code == 0 and "already reviewer" in again.output
