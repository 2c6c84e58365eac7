"""The admin's users pages and everyone's "My account" page, through the test client: what
they change, that a secret is shown on one answer only, and that refusals name the field."""

from __future__ import annotations

import re
from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from annotator.accounts import create_token, find_user
from annotator.models import User

from .conftest import TEST_PASSWORD, AuthActions, csrf_token_from

NEW_PASSWORD = "a brand new password"


def _browser(app: Flask, username: str, password: str = TEST_PASSWORD) -> FlaskClient:
    browser = app.test_client()
    assert AuthActions(browser).login(username, password).status_code == 302
    return browser


def _post(browser: FlaskClient, url: str, page: str, **fields: str):  # type: ignore[no-untyped-def]
    """Submit a form of ``page`` as the browser would, CSRF token included."""
    token = csrf_token_from(browser.get(page).get_data(as_text=True))
    return browser.post(url, data={"csrf_token": token, **fields})


def _thrown_out(browser: FlaskClient) -> bool:
    answer = browser.get("/documents")
    return answer.status_code == 302 and "/login" in answer.headers["Location"]


def _secret(html: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}">([^<]+)<', html)
    assert match, f"no #{element_id} in the page"
    return match.group(1)


def _session_text(app: Flask, browser: FlaskClient) -> str:
    """What the session cookie holds (flash messages included), decoded."""
    cookie = browser.get_cookie("session")
    if cookie is None:
        return ""
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    return str(serializer.loads(cookie.value))


def test_a_generated_password_is_shown_once_and_logs_in(
    app: Flask, make_user: Callable[..., User]
) -> None:
    """If this fails, the admin cannot pass the new password on, or it lingers (in a page,
    a cookie or the URL) for the next person at the screen."""
    make_user("root", role="admin")
    admin = _browser(app, "root")
    made = _post(admin, "/users", "/users", username="nora", role="annotator")
    assert made.status_code == 200
    password = _secret(made.get_data(as_text=True), "generated-password")
    assert len(password) >= 10
    assert password not in _session_text(app, admin)
    assert password not in admin.get("/users").get_data(as_text=True)
    assert password not in admin.get("/users/nora").get_data(as_text=True)
    _browser(app, "nora", password)


def test_a_typed_password_must_match_and_be_long_enough(
    app: Flask, make_user: Callable[..., User], db: Session
) -> None:
    """If this fails, a typo makes an account nobody can log in to."""
    make_user("root", role="admin")
    admin = _browser(app, "root")
    fields = {"username": "nora", "role": "reviewer"}
    differ = _post(admin, "/users", "/users", **fields, password=NEW_PASSWORD, confirm="other one")
    assert differ.status_code == 422 and "The two passwords differ." in differ.get_data(
        as_text=True
    )
    short = _post(admin, "/users", "/users", **fields, password="short", confirm="short")
    assert short.status_code == 422 and "at least 10 characters" in short.get_data(as_text=True)
    assert find_user(db, "nora") is None
    made = _post(admin, "/users", "/users", **fields, password=NEW_PASSWORD, confirm=NEW_PASSWORD)
    assert made.status_code == 302
    _browser(app, "nora", NEW_PASSWORD)


def test_the_last_admin_cannot_deactivate_or_demote_themselves_on_the_page(
    app: Flask, make_user: Callable[..., User], db: Session
) -> None:
    """If this fails, one click locks every admin out."""
    make_user("root", role="admin")
    admin = _browser(app, "root")
    answer = _post(admin, "/users/root/deactivate", "/users")
    assert answer.status_code == 302
    assert "last active admin" in admin.get("/users/root").get_data(as_text=True)
    demoted = _post(admin, "/users/root/role", "/users/root", role="annotator")
    assert demoted.status_code == 422 and "last active admin" in demoted.get_data(as_text=True)
    root = find_user(db, "root")
    assert root is not None and root.active and root.role == "admin"


def test_role_change_reset_and_deactivation_end_sessions(
    app: Flask, make_user: Callable[..., User]
) -> None:
    """If this fails, the admin's change waits until the user happens to log out."""
    make_user("root", role="admin")
    admin = _browser(app, "root")
    for name, url, fields in (
        ("ann", "/users/ann/role", {"role": "reviewer"}),
        ("bea", "/users/bea/password", {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}),
        ("cy", "/users/cy/deactivate", {}),
    ):
        make_user(name)
        user = _browser(app, name)
        assert _post(admin, url, f"/users/{name}", **fields).status_code == 302
        assert _thrown_out(user), name
    _browser(app, "bea", NEW_PASSWORD)
    refused = AuthActions(app.test_client()).login("cy")
    assert refused.status_code == 403 and "deactivated" in refused.get_data(as_text=True)


def test_an_admin_sees_and_revokes_a_users_tokens(
    app: Flask, make_user: Callable[..., User], db: Session
) -> None:
    """If this fails, an admin cannot stop a leaked token, or sees a secret."""
    make_user("root", role="admin")
    make_user("alice")
    make_user("bob")
    alice = find_user(db, "alice")
    record, secret = create_token(db, alice, "<b>laptop</b>")  # type: ignore[arg-type]
    bobs, _ = create_token(db, find_user(db, "bob"), "bob's")  # type: ignore[arg-type]
    db.commit()
    admin = _browser(app, "root")
    page = admin.get("/users/alice").get_data(as_text=True)
    assert "&lt;b&gt;laptop&lt;/b&gt;" in page and "<b>laptop" not in page
    assert secret not in page and record.prefix in page
    wrong = _post(admin, f"/users/alice/tokens/{bobs.id}/revoke", "/users/alice")
    assert wrong.status_code == 404
    assert (
        _post(admin, f"/users/alice/tokens/{record.id}/revoke", "/users/alice").status_code == 302
    )
    db.expire_all()
    assert record.revoked_at is not None and bobs.revoked_at is None
    assert "revoked" in admin.get("/users/alice").get_data(as_text=True)


def test_changing_ones_own_password_keeps_this_browser_and_ends_the_others(
    app: Flask, make_user: Callable[..., User]
) -> None:
    """If this fails, a user changing a leaked password is thrown out, or the thief is not."""
    make_user("alice")
    here, there = _browser(app, "alice"), _browser(app, "alice")
    wrong = _post(
        here,
        "/account/password",
        "/account",
        current="not my password",
        password=NEW_PASSWORD,
        confirm=NEW_PASSWORD,
    )
    assert wrong.status_code == 422 and "current password is not right" in wrong.get_data(
        as_text=True
    )
    changed = _post(
        here,
        "/account/password",
        "/account",
        current=TEST_PASSWORD,
        password=NEW_PASSWORD,
        confirm=NEW_PASSWORD,
    )
    assert changed.status_code == 302
    assert here.get("/documents").status_code == 200
    assert _thrown_out(there)
    _browser(app, "alice", NEW_PASSWORD)


def test_a_new_token_is_shown_once_and_works(
    app: Flask, make_user: Callable[..., User], db: Session
) -> None:
    """If this fails, a user cannot make a token for a script, or its secret stays on screen."""
    make_user("alice")
    make_user("bob")
    browser = _browser(app, "alice")
    refused = _post(browser, "/account/tokens", "/account", name="ci", expires="soon")
    assert refused.status_code == 422 and "not a token lifetime" in refused.get_data(as_text=True)
    made = _post(browser, "/account/tokens", "/account", name="ci", expires="30d")
    assert made.status_code == 200
    secret = _secret(made.get_data(as_text=True), "new-token")
    assert secret not in browser.get("/account").get_data(as_text=True)
    assert secret not in _session_text(app, browser)
    api = app.test_client()
    me = api.get("/api/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.status_code == 200 and me.get_json()["username"] == "alice"
    token = find_user(db, "alice").tokens[0]  # type: ignore[union-attr]
    assert token.expires_at is not None
    bobs, _ = create_token(db, find_user(db, "bob"), "bob's")  # type: ignore[arg-type]
    db.commit()
    assert _post(browser, f"/account/tokens/{bobs.id}/revoke", "/account").status_code == 404
    assert _post(browser, f"/account/tokens/{token.id}/revoke", "/account").status_code == 302
    assert api.get("/api/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_only_admins_see_the_users_pages(app: Flask, make_user: Callable[..., User]) -> None:
    """If this fails, a reviewer can make themselves admin from the browser."""
    make_user("rita", role="reviewer")
    reviewer = _browser(app, "rita")
    assert reviewer.get("/users").status_code == 403
    page = reviewer.get("/account").get_data(as_text=True)
    assert "My account" in page and 'href="/users"' not in page


def test_guessing_the_current_password_is_held_like_failed_logins(
    app: Flask, make_user: Callable[..., User]
) -> None:
    """If this fails, anyone at an unlocked computer can guess the password from "My
    account" without the login form's limits."""
    make_user("alice")
    browser = _browser(app, "alice")
    fields = {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    for attempt in range(10):
        wrong = _post(
            browser, "/account/password", "/account", current=f"guess {attempt}", **fields
        )
        assert wrong.status_code == 422
    held = _post(browser, "/account/password", "/account", current=TEST_PASSWORD, **fields)
    assert held.status_code == 429 and "Too many wrong passwords" in held.get_data(as_text=True)
    assert AuthActions(app.test_client()).login("alice").status_code == 429
