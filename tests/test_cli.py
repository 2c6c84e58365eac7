"""The admin commands: init, accounts, the admin bootstrap of `make run`, tokens."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskCliRunner
from werkzeug.security import check_password_hash

from annotator.extensions import get_session
from annotator.models import User


def _user(app: Flask, name: str) -> User | None:
    with app.app_context():
        return get_session().query(User).filter_by(username=name).one_or_none()


def test_init_is_idempotent(runner: FlaskCliRunner) -> None:
    """Running init on an up-to-date database changes nothing and says so."""
    result = runner.invoke(args=["init"])
    assert result.exit_code == 0, result.output
    assert "up to date" in result.output
    assert "Default labels added: 0." in result.output


def test_create_user_from_stdin_hashes_the_password(app: Flask, runner: FlaskCliRunner) -> None:
    """Passwords are stored as scrypt hashes, never as given."""
    result = runner.invoke(
        args=["create-user", "rita", "--role", "reviewer", "--password-stdin"],
        input="a long enough password\n",
    )
    assert result.exit_code == 0, result.output
    user = _user(app, "rita")
    assert user is not None and user.role == "reviewer"
    assert user.password_hash.startswith("scrypt:")
    assert check_password_hash(user.password_hash, "a long enough password")


def test_create_user_from_prompt(app: Flask, runner: FlaskCliRunner) -> None:
    """Without --password-stdin the password is asked twice at a prompt."""
    result = runner.invoke(
        args=["create-user", "ann"], input="prompted password\nprompted password\n"
    )
    assert result.exit_code == 0, result.output
    assert _user(app, "ann").role == "annotator"


def test_create_user_refusals(runner: FlaskCliRunner, make_user: Callable[..., User]) -> None:
    """Weak passwords, taken or malformed names and unknown roles are refused with a reason."""
    make_user("alice")
    cases = [
        (["create-user", "bob", "--password-stdin"], "short\n", "at least 10 characters"),
        (["create-user", "alice", "--password-stdin"], "long enough password\n", "already exists"),
        (
            ["create-user", "Bad/Name", "--password-stdin"],
            "long enough password\n",
            "invalid username",
        ),
        (
            ["create-user", "bob", "--role", "king", "--password-stdin"],
            "long enough password\n",
            "king",
        ),
    ]
    for args, stdin, message in cases:
        result = runner.invoke(args=args, input=stdin)
        assert result.exit_code != 0, args
        assert message in result.output, (args, result.output)


def test_create_admin_prints_password_once(app: Flask, runner: FlaskCliRunner, monkeypatch) -> None:
    """The admin account is created once; its password is shown once; a rerun keeps it."""
    monkeypatch.delenv("ANNOTATOR_ADMIN_PASSWORD", raising=False)
    first = runner.invoke(args=["create-admin"])
    assert first.exit_code == 0, first.output
    password = first.output.split("Password:", 1)[1].split()[0]
    admin = _user(app, "admin")
    assert admin.role == "admin" and check_password_hash(admin.password_hash, password)
    second = runner.invoke(args=["create-admin"])
    assert second.exit_code == 0
    assert password not in second.output and "exists" in second.output
    with app.app_context():
        assert get_session().query(User).count() == 1


def test_create_admin_takes_password_from_environment(
    app: Flask, runner: FlaskCliRunner, monkeypatch
) -> None:
    """ANNOTATOR_ADMIN_PASSWORD sets the admin password and is never echoed."""
    monkeypatch.setenv("ANNOTATOR_ADMIN_PASSWORD", "chosen admin password")
    result = runner.invoke(args=["create-admin"])
    assert result.exit_code == 0
    assert "chosen admin password" not in result.output
    assert check_password_hash(_user(app, "admin").password_hash, "chosen admin password")


def test_set_password(app: Flask, runner: FlaskCliRunner, make_user: Callable[..., User]) -> None:
    """An admin can reset a forgotten password."""
    make_user("alice")
    result = runner.invoke(
        args=["set-password", "alice", "--password-stdin"], input="brand new password\n"
    )
    assert result.exit_code == 0, result.output
    assert check_password_hash(_user(app, "alice").password_hash, "brand new password")
