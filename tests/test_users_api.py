"""The accounts API (/api/users) and the token API's lifetimes: an admin runs accounts from a
script with the same rules as the users page and the CLI; other roles are refused."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from annotator.accounts import find_user
from annotator.models import ApiToken, User

from .conftest import TEST_PASSWORD, Api, AuthActions

NEW_PASSWORD = "a brand new password"


def _patch(api: Api, username: str, body: Any):
    return api.client.patch(f"/api/users/{username}", json=body, headers=api.headers)


def _post(api: Api, body: Any):
    return api.client.post("/api/users", json=body, headers=api.headers)


def _logged_in(app: Flask, username: str, password: str = TEST_PASSWORD) -> FlaskClient:
    """A browser of its own, logged in as ``username``."""
    browser = app.test_client()
    assert AuthActions(browser).login(username, password).status_code == 302
    assert browser.get("/documents").status_code == 200
    return browser


def _thrown_out(browser: FlaskClient) -> bool:
    answer = browser.get("/documents")
    return answer.status_code == 302 and "/login" in answer.headers["Location"]


def _paths(answer) -> list[str]:  # type: ignore[no-untyped-def]
    return [error["path"] for error in answer.get_json()["errors"]]


def test_an_admin_makes_an_account_that_can_log_in(app: Flask, api_as: Callable[..., Api]) -> None:
    """If this fails, a script cannot onboard an annotator."""
    admin = api_as("root", "admin")
    made = _post(admin, {"username": "nora", "role": "reviewer", "password": NEW_PASSWORD})
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["username"] == "nora" and made.get_json()["role"] == "reviewer"
    assert "password" not in made.get_json() and "password_hash" not in made.get_json()
    listed = admin.get("/api/users").get_json()["users"]
    assert [u["username"] for u in listed] == ["nora", "root"]
    _logged_in(app, "nora", NEW_PASSWORD)


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"username": "nora", "role": "annotator", "password": "short"}, "password"),
        ({"username": "nora", "role": "boss", "password": NEW_PASSWORD}, "role"),
        ({"username": "Nora Smith", "role": "annotator", "password": NEW_PASSWORD}, "username"),
        ({"username": "root", "role": "annotator", "password": NEW_PASSWORD}, "username"),
        ({"username": "nora", "role": "annotator", "password": 12345678901}, "password"),
        ({"username": "nora", "role": "annotator"}, "password"),
        (["nora"], "$"),
    ],
)
def test_a_refused_account_names_the_field(
    api_as: Callable[..., Api], body: Any, path: str
) -> None:
    """If this fails, a script is told nothing useful about why the account was not made."""
    answer = _post(api_as("root", "admin"), body)
    assert answer.status_code == 422 and _paths(answer) == [path], answer.get_json()


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"active": "no"}, "active"),
        ({"active": 0}, "active"),
        ({"role": 3}, "role"),
        ({"role": "boss"}, "role"),
        ({"password": 1234567890}, "password"),
        ({"password": "short"}, "password"),
        ({"password": "x" * 1025}, "password"),
        ({"admin": True}, "admin"),
        ({}, "$"),
        ("active", "$"),
    ],
)
def test_a_bad_change_is_refused_naming_the_field(
    api_as: Callable[..., Api], db: Session, body: Any, path: str
) -> None:
    """If this fails, a typo in a script changes something else, or answers a 500."""
    admin = api_as("root", "admin")
    api_as("alice")
    answer = _patch(admin, "alice", body)
    assert answer.status_code == 422 and _paths(answer) == [path], answer.get_json()
    alice = find_user(db, "alice")
    assert alice is not None and alice.active and alice.role == "annotator"
    assert alice.session_version == 1


def test_an_unknown_user_is_a_404(api_as: Callable[..., Api]) -> None:
    """If this fails, a misspelt name looks like a bad body, or worse."""
    answer = _patch(api_as("root", "admin"), "nobody", {"active": False})
    assert answer.status_code == 404 and "error" in answer.get_json()


@pytest.mark.parametrize("role", ["annotator", "reviewer"])
def test_only_admins_may_use_the_accounts_api(
    api_as: Callable[..., Api], db: Session, role: str
) -> None:
    """If this fails, an annotator can make themselves admin."""
    caller = api_as("carl", role)
    api_as("root", "admin")
    assert caller.get("/api/users").status_code == 403
    assert (
        _post(caller, {"username": "x1", "role": "admin", "password": NEW_PASSWORD}).status_code
        == 403
    )
    assert _patch(caller, "carl", {"role": "admin"}).status_code == 403
    assert _patch(caller, "root", {"active": False}).status_code == 403
    assert find_user(db, "x1") is None and find_user(db, "carl").role == role  # type: ignore[union-attr]


def test_the_last_active_admin_cannot_be_demoted_or_deactivated(
    api_as: Callable[..., Api], db: Session
) -> None:
    """If this fails, an admin can lock everyone out of the users page for good."""
    admin = api_as("root", "admin")
    for body, path in (({"role": "reviewer"}, "role"), ({"active": False}, "active")):
        answer = _patch(admin, "root", body)
        assert answer.status_code == 422 and _paths(answer) == [path]
        assert "last active admin" in answer.get_json()["errors"][0]["message"]
    api_as("ada", "admin")
    assert _patch(admin, "ada", {"active": False}).status_code == 200
    assert _patch(admin, "root", {"role": "annotator"}).status_code == 422  # ada is inactive
    assert _patch(admin, "ada", {"active": True}).status_code == 200
    demoted = _patch(admin, "root", {"role": "annotator"})
    assert demoted.status_code == 200 and demoted.get_json()["role"] == "annotator"


@pytest.mark.parametrize(
    "body", [{"role": "reviewer"}, {"password": NEW_PASSWORD}, {"active": False}]
)
def test_a_change_ends_the_users_sessions(
    app: Flask, api_as: Callable[..., Api], make_user: Callable[..., User], body: dict[str, Any]
) -> None:
    """If this fails, a demoted, reset or deactivated user keeps working in an open browser,
    or with a copy of its session cookie."""
    admin = api_as("root", "admin")
    make_user("alice")
    browser = _logged_in(app, "alice")
    copy = app.test_client()
    copy.set_cookie("session", browser.get_cookie("session").value)  # type: ignore[union-attr]
    assert copy.get("/documents").status_code == 200
    assert _patch(admin, "alice", body).status_code == 200
    assert _thrown_out(browser) and _thrown_out(copy)


def test_a_reset_password_is_the_one_that_logs_in(
    app: Flask, api_as: Callable[..., Api], make_user: Callable[..., User]
) -> None:
    """If this fails, the admin's reset does not take, or the old password still works."""
    admin = api_as("root", "admin")
    make_user("alice")
    assert _patch(admin, "alice", {"password": NEW_PASSWORD}).status_code == 200
    assert AuthActions(app.test_client()).login("alice").status_code == 200  # form again
    _logged_in(app, "alice", NEW_PASSWORD)


def test_deactivation_revokes_tokens_for_good(api_as: Callable[..., Api], db: Session) -> None:
    """If this fails, a departed annotator's scripts keep working, or come back to life."""
    admin, alice = api_as("root", "admin"), api_as("alice")
    assert alice.get("/api/me").status_code == 200
    answer = _patch(admin, "alice", {"active": False})
    assert answer.status_code == 200 and answer.get_json()["active"] is False
    assert alice.get("/api/me").status_code == 401
    assert _patch(admin, "alice", {"active": True}).status_code == 200
    assert alice.get("/api/me").status_code == 401
    user = find_user(db, "alice")
    assert all(token.revoked_at is not None for token in user.tokens)  # type: ignore[union-attr]


def test_a_token_can_expire_and_says_so(
    app: Flask, client: FlaskClient, auth: AuthActions, make_user: Callable[..., User], db: Session
) -> None:
    """If this fails, a script's token cannot be given a lifetime from the browser, or its
    owner cannot tell an expired token from a live one."""
    make_user("alice")
    auth.login("alice")
    headers = {"X-CSRFToken": auth.csrf_token()}
    made = client.post("/api/tokens", json={"name": "ci", "expires": "90d"}, headers=headers)
    assert made.status_code == 201, made.get_json()
    expires = datetime.fromisoformat(made.get_json()["expires_at"])
    assert timedelta(days=89) < expires - datetime.now(UTC) <= timedelta(days=90)
    assert made.get_json()["state"] == "active" and made.get_json()["expired"] is False
    for bad in ("soon", "0d", 90):
        refused = client.post("/api/tokens", json={"expires": bad}, headers=headers)
        assert refused.status_code == 422 and _paths(refused) == ["expires"]
    token = db.get(ApiToken, made.get_json()["id"])
    token.expires_at = datetime.now(UTC) - timedelta(minutes=1)  # type: ignore[union-attr]
    db.commit()
    listed = {t["name"]: t for t in client.get("/api/tokens").get_json()["tokens"]}
    assert listed["ci"]["expired"] is True and listed["ci"]["state"] == "expired"
