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
    """A disabled account cannot log in even with the right password; told so (only the one
    who knows the password learns it), while a wrong password still says nothing more."""
    make_user("bob", active=False)
    answer = auth.login("bob")
    assert answer.status_code == 403
    assert "Your account has been deactivated" in answer.get_data(as_text=True)
    assert client.get("/documents").status_code == 302
    wrong = auth.login("bob", "not the password at all").get_data(as_text=True)
    assert "Invalid username or password." in wrong and "deactivated" not in wrong


def test_deactivation_ends_an_open_session(
    app: Flask, client: FlaskClient, auth: AuthActions, make_user: Callable[..., User]
) -> None:
    """Disabling an account logs it out on its next request, which says why."""
    make_user("alice")
    auth.login()
    with app.app_context():
        session = get_session()
        user = session.query(User).filter_by(username="alice").one()
        user.active = False
        session.commit()
    saved = client.put("/api/paragraphs/anything/annotation", json={}, headers={"X-CSRFToken": "x"})
    assert saved.status_code == 401
    assert saved.get_json()["reason"] == "deactivated"  # the workspace says so, not "log in"
    page = client.get("/documents", follow_redirects=True)
    assert "Your account has been deactivated" in page.get_data(as_text=True)


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


# --- logout ends the session on the server ---------------------------------------------


def test_cookies_copied_before_logout_are_refused_after_it(
    app: Flask, client: FlaskClient, make_user: Callable[..., User]
) -> None:
    """Someone who copied the session or the keep-me-logged-in cookie cannot read pages or
    change anything with it once its owner has logged out."""
    from .conftest import csrf_token_from

    make_user("alice")
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    client.post(
        "/login",
        data={"username": "alice", "password": TEST_PASSWORD, "remember": "y", "csrf_token": token},
    )
    csrf = csrf_token_from(client.get("/documents").get_data(as_text=True))
    copied = {name: client.get_cookie(name).value for name in ("session", "remember_token")}
    assert client.post("/logout", data={"csrf_token": csrf}).status_code == 302

    for name, value in copied.items():
        thief = app.test_client()
        thief.set_cookie(name, value)
        page = thief.get("/documents")
        assert page.status_code == 302, name
        assert page.headers["Location"].startswith("/login")
        thief = app.test_client()
        thief.set_cookie(name, value)
        save = thief.post("/api/tokens", json={"name": "stolen"}, headers={"X-CSRFToken": csrf})
        assert save.status_code == 401, name
    with app.app_context():
        assert get_session().query(ApiToken).count() == 0


# --- login throttling --------------------------------------------------------------------


def attempt(client: FlaskClient, username: str, password: str, address: str = "192.0.2.1"):
    """One post of the login form from ``address``, with a fresh CSRF token."""
    from .conftest import csrf_token_from

    environ = {"REMOTE_ADDR": address}
    token = csrf_token_from(client.get("/login", environ_base=environ).get_data(as_text=True))
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token},
        environ_base=environ,
    )


def test_ten_failures_hold_the_account_even_for_the_right_password(
    client: FlaskClient, make_user: Callable[..., User]
) -> None:
    """After 10 wrong passwords for alice (from ten addresses), the right one is refused with
    429, a Retry-After header and a message saying how long to wait; bob may log in."""
    make_user("alice")
    make_user("bob")
    for n in range(10):
        assert attempt(client, "alice", "wrong password", f"192.0.2.{n}").status_code == 200
    refused = attempt(client, "alice", TEST_PASSWORD, "198.51.100.1")
    assert refused.status_code == 429
    assert 890 <= int(refused.headers["Retry-After"]) <= 900
    page = refused.get_data(as_text=True)
    assert "Too many failed logins" in page and "Try again in 15 minutes." in page
    assert client.get("/documents").status_code == 302
    assert attempt(client, "bob", TEST_PASSWORD, "192.0.2.1").status_code == 302


def test_an_admin_lets_a_held_user_back_in(
    client: FlaskClient, runner: FlaskCliRunner, make_user: Callable[..., User]
) -> None:
    """`annotator unlock-login alice` ends the wait someone else's guessing imposed on her."""
    make_user("alice")
    for n in range(10):
        attempt(client, "alice", "wrong password", f"192.0.2.{n}")
    assert attempt(client, "alice", TEST_PASSWORD).status_code == 429
    assert runner.invoke(args=["unlock-login"]).exit_code == 2
    result = runner.invoke(args=["unlock-login", "alice"])
    assert result.exit_code == 0 and "'alice'" in result.output
    assert attempt(client, "alice", TEST_PASSWORD).status_code == 302


def test_failures_from_one_address_hold_it_for_every_account(
    app: Flask, client: FlaskClient, make_user: Callable[..., User], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A guesser spreading failures over names is held by address (a configured limit)."""
    make_user("alice")
    monkeypatch.setitem(app.config, "LOGIN_FAILURES_PER_ADDRESS", "4 per hour")
    from annotator.extensions import init_login_throttle

    init_login_throttle(app)
    for name in ("root", "admin", "test", "alice"):
        assert attempt(client, name, "guess", "203.0.113.9").status_code == 200
    refused = attempt(client, "alice", TEST_PASSWORD, "203.0.113.9")
    assert refused.status_code == 429
    assert "Try again in 60 minutes." in refused.get_data(as_text=True)
    assert attempt(client, "alice", TEST_PASSWORD, "203.0.113.10").status_code == 302


def test_every_worker_sees_the_same_count(
    app: Flask, client: FlaskClient, database_url: str, tmp_path, make_user: Callable[..., User]
) -> None:
    """Failures counted by one server process hold the account in another (gunicorn runs
    several): six through the first and four through the second hold alice in both."""
    from .conftest import build_app

    make_user("alice")
    second = build_app(database_url, tmp_path / "second-worker")
    other = second.test_client()
    for n in range(6):
        attempt(client, "alice", "wrong password", f"192.0.2.{n}")
    for n in range(4):
        attempt(other, "alice", "wrong password", f"198.51.100.{n}")
    assert attempt(client, "alice", TEST_PASSWORD, "203.0.113.1").status_code == 429
    assert attempt(other, "alice", TEST_PASSWORD, "203.0.113.2").status_code == 429
    with second.app_context():
        from annotator.extensions import get_engine

        get_engine().dispose()


def test_failed_logins_are_logged_without_the_password(
    client: FlaskClient, make_user: Callable[..., User], caplog: pytest.LogCaptureFixture
) -> None:
    """The operator sees who failed to log in, from where and when; never the password."""
    make_user("alice")
    with caplog.at_level("WARNING", logger="annotator"):
        attempt(client, "alice", "hunter2 but longer", "192.0.2.77")
    failures = [r for r in caplog.records if "failed login" in r.getMessage()]
    assert len(failures) == 1
    assert "'alice'" in failures[0].getMessage() and "192.0.2.77" in failures[0].getMessage()
    assert failures[0].created > 0
    assert not any("hunter2" in r.getMessage() for r in caplog.records)


def test_with_redis_url_the_counts_live_in_redis(
    database_url: str, tmp_path, make_user: Callable[..., User]
) -> None:
    """With REDIS_URL set the throttle counts in Redis, shared by the workers, not the table."""
    import os
    import uuid

    from sqlalchemy import func, select

    from annotator import create_app
    from annotator.extensions import get_engine, get_login_throttle
    from annotator.models import RateLimitCounter

    redis = pytest.importorskip("redis")
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        pytest.skip(f"no Redis answers at {redis_url} (set REDIS_URL)")
    config = {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
        "REDIS_URL": redis_url,
        "LOGIN_FAILURES_PER_ACCOUNT": "3 per 15 minutes",
    }
    first = create_app({**config, "INSTANCE_PATH": str(tmp_path / "one")})
    second = create_app({**config, "INSTANCE_PATH": str(tmp_path / "two")})
    # Redis outlives the test: names of this run only, cleared at the end.
    name, address = f"user-{uuid.uuid4().hex[:12]}", f"10.{uuid.uuid4().int % 250}.0.7"
    try:
        for made in (first, first, second):
            attempt(made.test_client(), name, "wrong password", address)
        assert attempt(second.test_client(), name, "wrong password", address).status_code == 429
        with first.app_context(), get_engine().connect() as connection:
            stored = connection.execute(select(func.count()).select_from(RateLimitCounter))
            assert stored.scalar() == 0
    finally:
        for made in (first, second):
            with made.app_context():
                get_login_throttle().forget(name, address)
                get_engine().dispose()


def test_when_the_counts_cannot_be_reached_logins_wait_rather_than_go_uncounted(
    database_url: str, tmp_path, make_user: Callable[..., User], caplog: pytest.LogCaptureFixture
) -> None:
    """With Redis down, the login form answers 503 with a message to try again, never a 500
    and never a login nobody counted; the operator finds why in the log."""
    from annotator import create_app
    from annotator.extensions import get_engine

    pytest.importorskip("redis")
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
            "INSTANCE_PATH": str(tmp_path / "down"),
            "REDIS_URL": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        }
    )
    make_user("alice")
    client = app.test_client()
    with caplog.at_level("ERROR", logger="annotator"):
        refused = attempt(client, "alice", TEST_PASSWORD)
    assert refused.status_code == 503
    assert refused.headers["Retry-After"] == "60"
    assert "Logging in is not possible for a moment" in refused.get_data(as_text=True)
    assert client.get("/documents").status_code == 302
    assert any("cannot be reached" in r.getMessage() for r in caplog.records)
    with app.app_context():
        get_engine().dispose()


# --- API tokens: revoked for good, and expiring ------------------------------------------


def test_reactivating_an_account_does_not_revive_its_tokens(
    client: FlaskClient, runner: FlaskCliRunner, make_user: Callable[..., User]
) -> None:
    """A token of a deactivated account stays dead when the account comes back."""
    make_user("alice")
    token = runner.invoke(args=["token", "alice"]).stdout.strip()
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/me", headers=headers).status_code == 200
    result = runner.invoke(args=["set-active", "alice", "--inactive"])
    assert "1 API token(s) revoked" in result.output
    assert runner.invoke(args=["set-active", "alice", "--active"]).exit_code == 0
    assert client.get("/api/me", headers=headers).status_code == 401
    assert "\trevoked\t" in runner.invoke(args=["tokens", "alice"]).output
    fresh = runner.invoke(args=["token", "alice"]).stdout.strip()
    assert client.get("/api/me", headers={"Authorization": f"Bearer {fresh}"}).status_code == 200


def test_a_token_with_an_expiry_is_refused_once_it_has_passed(
    app: Flask, client: FlaskClient, runner: FlaskCliRunner, make_user: Callable[..., User]
) -> None:
    """`annotator token alice --expires 12h` works for twelve hours, then answers 401
    "expired"; the listing says when it expires and that it has."""
    from datetime import UTC, datetime, timedelta

    make_user("alice")
    result = runner.invoke(args=["token", "alice", "--expires", "12h"])
    assert result.exit_code == 0, result.output
    token = result.stdout.strip()
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/me", headers=headers).status_code == 200
    with app.app_context():
        session = get_session()
        stored = session.query(ApiToken).one()
        left = stored.expires_at - datetime.now(UTC)
        assert timedelta(hours=11, minutes=59) < left <= timedelta(hours=12)
        assert "\tactive\t" in runner.invoke(args=["tokens", "alice"]).output
        stored.expires_at = datetime.now(UTC) - timedelta(seconds=1)
        session.commit()
    refused = client.get("/api/me", headers=headers)
    assert refused.status_code == 401
    assert "expired" in refused.get_json()["error"]
    listing = runner.invoke(args=["tokens", "alice"]).output
    assert "\texpired\t" in listing and "expires 20" in listing


@pytest.mark.parametrize("value", ["90", "1w", "0d", "-3d", "d", "1.5d", "99999999d", "3651d"])
def test_a_token_lifetime_that_is_not_one_is_refused(
    app: Flask, runner: FlaskCliRunner, make_user: Callable[..., User], value: str
) -> None:
    """A mistyped --expires stops the command with the forms that work; no token is made."""
    make_user("alice")
    result = runner.invoke(args=["token", "alice", "--expires", value])
    assert result.exit_code == 2
    assert "--expires" in result.output and "12h, 30d or 90d" in result.output
    with app.app_context():
        assert get_session().query(ApiToken).count() == 0


@pytest.mark.parametrize(
    ("text", "hours"), [("12h", 12), ("30d", 720), ("90d", 2160), (" 1h ", 1), ("3650d", 87600)]
)
def test_token_lifetimes_read_as_hours_or_days(text: str, hours: int) -> None:
    """The lifetimes the README shows mean what they say."""
    from datetime import timedelta

    from annotator.accounts import parse_lifetime

    assert parse_lifetime(text) == timedelta(hours=hours)
