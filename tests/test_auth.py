"""Logging in and out, and what happens without credentials or with a token."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from annotator.extensions import get_session
from annotator.models import ApiToken, User

from .conftest import TEST_PASSWORD, AuthActions


def test_login_page_renders_without_a_session(client: FlaskClient) -> None:
    """The login page is the one page open to everyone."""
    response = client.get("/login")
    assert response.status_code == 200
    assert 'name="username"' in response.get_data(as_text=True)
    assert 'name="password"' in response.get_data(as_text=True)


def test_login_then_logout(
    client: FlaskClient, auth: AuthActions, make_user: Callable[..., User]
) -> None:
    """A user logs in, sees the documents, logs out and is sent back to the login page."""
    make_user("alice")
    response = auth.login()
    assert response.status_code == 302
    assert response.headers["Location"] == "/documents"
    assert client.get("/documents").status_code == 200
    response = auth.logout()
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert client.get("/documents").status_code == 302


@pytest.mark.parametrize(
    ("username", "password"), [("alice", "wrong password"), ("nobody", TEST_PASSWORD)]
)
def test_bad_credentials_are_refused_alike(
    client: FlaskClient,
    auth: AuthActions,
    make_user: Callable[..., User],
    username: str,
    password: str,
) -> None:
    """A wrong password and an unknown user get the same answer, and no session."""
    make_user("alice")
    response = auth.login(username, password)
    assert response.status_code == 200
    assert "Invalid username or password." in response.get_data(as_text=True)
    assert client.get("/documents").status_code == 302


def test_inactive_user_cannot_log_in(
    client: FlaskClient, auth: AuthActions, make_user: Callable[..., User]
) -> None:
    """A disabled account cannot log in even with the right password."""
    make_user("bob", active=False)
    assert "Invalid username or password." in auth.login("bob").get_data(as_text=True)
    assert client.get("/documents").status_code == 302


def test_deactivation_ends_an_open_session(
    app: Flask, client: FlaskClient, auth: AuthActions, make_user: Callable[..., User]
) -> None:
    """Disabling an account logs it out on its next request."""
    make_user("alice")
    auth.login()
    with app.app_context():
        session = get_session()
        user = session.query(User).filter_by(username="alice").one()
        user.active = False
        session.commit()
    assert client.get("/documents").status_code == 302


def test_pages_redirect_to_login_with_next(client: FlaskClient) -> None:
    """Every page but login needs a session and comes back after login."""
    for path in ("/", "/documents", "/documents/anything", "/no-such-page"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/login")
    response = client.get("/documents?x=1")
    assert response.headers["Location"] == "/login?next=/documents?x%3D1"


def test_safe_next_redirect_after_login(auth: AuthActions, make_user: Callable[..., User]) -> None:
    """After login the user lands on the page they asked for."""
    make_user("alice")
    response = auth.login(next_url="/documents/abc")
    assert response.headers["Location"] == "/documents/abc"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "javascript:alert(1)",
        "http:/x",
    ],
)
def test_next_cannot_leave_the_site(
    auth: AuthActions, make_user: Callable[..., User], target: str
) -> None:
    """A crafted next link cannot send a user to another site after login."""
    make_user("alice")
    from urllib.parse import quote

    response = auth.login(next_url=quote(target, safe=""))
    assert response.headers["Location"] == "/documents"


def test_api_answers_401_json_without_credentials(client: FlaskClient) -> None:
    """Scripts get a JSON 401, never an HTML redirect."""
    for path in ("/api/me", "/api/documents", "/api/nothing-here"):
        response = client.get(path)
        assert response.status_code == 401, path
        assert response.is_json
        assert "authentication required" in response.get_json()["error"]
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_token_authenticates_api_without_cookie(
    app: Flask, client: FlaskClient, runner: FlaskCliRunner, make_user: Callable[..., User]
) -> None:
    """A token from `annotator token` works as a Bearer header and sets no cookie."""
    make_user("alice")
    result = runner.invoke(args=["token", "alice", "--name", "laptop"])
    assert result.exit_code == 0, result.output
    token = result.stdout.strip().splitlines()[0]
    assert token.startswith("ann_")
    response = client.get("/api/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.get_json() == {
        "username": "alice",
        "role": "annotator",
        "authenticated_by": "token",
    }
    assert "Set-Cookie" not in response.headers
    with app.app_context():
        stored = get_session().query(ApiToken).one()
        assert token not in (stored.token_hash, stored.prefix)
        assert stored.last_used_at is not None


@pytest.mark.parametrize("header", ["Bearer ann_not-a-real-token", "Bearer ", "bearer x"])
def test_bad_token_is_401(client: FlaskClient, make_user: Callable[..., User], header: str) -> None:
    """A wrong or empty token is refused with JSON."""
    make_user("alice")
    response = client.get("/api/me", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.is_json


def test_revoked_token_and_inactive_owner_are_refused(
    app: Flask, client: FlaskClient, runner: FlaskCliRunner, make_user: Callable[..., User]
) -> None:
    """Revoking a token, or disabling its owner, stops it working at once."""
    make_user("alice")
    token = runner.invoke(args=["token", "alice"]).stdout.strip()
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/me", headers=headers).status_code == 200
    listing = runner.invoke(args=["tokens", "alice"])
    token_id = listing.output.split("\t")[0]
    assert "active" in listing.output
    assert runner.invoke(args=["revoke-token", token_id]).exit_code == 0
    assert client.get("/api/me", headers=headers).status_code == 401

    second = runner.invoke(args=["token", "alice"]).stdout.strip()
    runner.invoke(args=["set-active", "alice", "--inactive"])
    assert client.get("/api/me", headers={"Authorization": f"Bearer {second}"}).status_code == 401


def test_token_on_a_page_route_is_not_a_login(
    client: FlaskClient, runner: FlaskCliRunner, make_user: Callable[..., User]
) -> None:
    """Tokens open the API only; HTML pages still need a session."""
    make_user("alice")
    token = runner.invoke(args=["token", "alice"]).stdout.strip()
    response = client.get("/documents", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 302


def test_logout_also_forgets_keep_me_logged_in(
    client: FlaskClient, make_user: Callable[..., User]
) -> None:
    """After logout, the remember-me cookie no longer logs the browser back in."""
    from .conftest import csrf_token_from

    make_user("alice")
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    client.post(
        "/login",
        data={"username": "alice", "password": TEST_PASSWORD, "remember": "y", "csrf_token": token},
    )
    assert client.get_cookie("remember_token") is not None
    logout = client.post(
        "/logout",
        data={"csrf_token": csrf_token_from(client.get("/documents").get_data(as_text=True))},
    )
    assert any(c.startswith("remember_token=;") for c in logout.headers.getlist("Set-Cookie"))
    assert client.get("/documents").status_code == 302


def test_password_change_ends_copied_sessions(
    app: Flask,
    client: FlaskClient,
    auth: AuthActions,
    runner: FlaskCliRunner,
    make_user: Callable[..., User],
) -> None:
    """A stolen session cookie stops working once the password is changed."""
    make_user("alice")
    auth.login()
    assert client.get("/documents").status_code == 200
    result = runner.invoke(
        args=["set-password", "alice", "--password-stdin"], input="another long password\n"
    )
    assert result.exit_code == 0
    assert client.get("/documents").status_code == 302
