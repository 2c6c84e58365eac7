"""CSRF refusals, security headers and escaping: what protects users from other sites."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from annotator.extensions import get_session
from annotator.models import Document, Paragraph, User

from .conftest import TEST_PASSWORD, AuthActions


def test_login_form_without_csrf_token_is_refused(
    client: FlaskClient, make_user: Callable[..., User]
) -> None:
    """A forged login post (no CSRF token) does not log anyone in."""
    make_user("alice")
    response = client.post("/login", data={"username": "alice", "password": TEST_PASSWORD})
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)
    assert client.get("/documents").status_code == 302


def test_logout_without_csrf_token_is_refused(
    client: FlaskClient, auth: AuthActions, make_user: Callable[..., User]
) -> None:
    """Another site cannot log a user out."""
    make_user("alice")
    auth.login()
    assert client.post("/logout").status_code == 400
    assert client.get("/documents").status_code == 200


def test_json_request_needs_csrf_header_with_a_session(
    client: FlaskClient, auth: AuthActions, make_user: Callable[..., User]
) -> None:
    """State-changing JSON with a session cookie needs X-CSRFToken; with it, it works."""
    make_user("alice")
    auth.login()
    refused = client.post("/api/tokens", json={"name": "x"})
    assert refused.status_code == 400
    assert refused.is_json and "CSRF" in refused.get_json()["error"]
    wrong = client.post("/api/tokens", json={"name": "x"}, headers={"X-CSRFToken": "forged"})
    assert wrong.status_code == 400
    accepted = client.post(
        "/api/tokens", json={"name": "x"}, headers={"X-CSRFToken": auth.csrf_token()}
    )
    assert accepted.status_code == 201
    assert accepted.get_json()["token"].startswith("ann_")


def test_bearer_requests_are_exempt_from_csrf(
    client: FlaskClient, runner: FlaskCliRunner, make_user: Callable[..., User]
) -> None:
    """A script with a token changes state without a CSRF token, but cannot mint tokens."""
    make_user("alice")
    token = runner.invoke(args=["token", "alice"]).stdout.strip()
    headers = {"Authorization": f"Bearer {token}"}
    assert client.post("/api/tokens", json={}, headers=headers).status_code == 403
    token_id = client.get("/api/tokens", headers=headers).get_json()["tokens"][0]["id"]
    assert client.delete(f"/api/tokens/{token_id}", headers=headers).status_code == 204
    assert client.get("/api/me", headers=headers).status_code == 401


def test_users_cannot_revoke_each_others_tokens(
    client: FlaskClient, runner: FlaskCliRunner, make_user: Callable[..., User]
) -> None:
    """Someone else's token id answers 404, as if it did not exist."""
    make_user("alice")
    make_user("bob")
    alice = runner.invoke(args=["token", "alice"]).stdout.strip()
    bob = runner.invoke(args=["token", "bob"]).stdout.strip()
    alice_id = client.get("/api/tokens", headers={"Authorization": f"Bearer {alice}"}).get_json()[
        "tokens"
    ][0]["id"]
    response = client.delete(f"/api/tokens/{alice_id}", headers={"Authorization": f"Bearer {bob}"})
    assert response.status_code == 404
    assert client.get("/api/me", headers={"Authorization": f"Bearer {alice}"}).status_code == 200


def test_security_headers_on_every_response(
    client: FlaskClient, auth: AuthActions, make_user: Callable[..., User]
) -> None:
    """Pages, API answers and errors all carry a strict CSP and nosniff."""
    make_user("alice")
    responses = [client.get("/login"), client.get("/api/me")]
    auth.login()
    responses += [client.get("/documents"), client.get("/documents/missing"), client.get("/api/me")]
    for response in responses:
        csp = response.headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert "frame-ancestors 'none'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Cache-Control"] == "no-store"


def test_session_and_remember_cookies_are_httponly_and_lax(
    client: FlaskClient, make_user: Callable[..., User]
) -> None:
    """Cookies cannot be read by scripts or sent by other sites' forms."""
    make_user("alice")
    from .conftest import csrf_token_from

    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login",
        data={"username": "alice", "password": TEST_PASSWORD, "remember": "y", "csrf_token": token},
    )
    cookies = response.headers.getlist("Set-Cookie")
    names = {c.split("=", 1)[0] for c in cookies}
    assert {"session", "remember_token"} <= names
    for cookie in cookies:
        assert "HttpOnly" in cookie
        assert "SameSite=Lax" in cookie


def test_article_text_is_escaped(
    app: Flask, client: FlaskClient, auth: AuthActions, make_user: Callable[..., User]
) -> None:
    """Markup inside an article shows as text and never runs."""
    make_user("alice")
    with app.app_context():
        session = get_session()
        session.add(
            Document(
                id="xss",
                title="<script>alert('t')</script>",
                source="x.txt",
                language="en",
                meta={},
                content_sha256="0" * 64,
                paragraphs=[
                    Paragraph(
                        id="xss-p0",
                        position=0,
                        text="<img src=x onerror=alert(1)>",
                        text_sha256="0" * 64,
                        is_boilerplate=False,
                    )
                ],
            )
        )
        session.commit()
    auth.login()
    for path in ("/documents", "/documents/xss"):
        html = client.get(path).get_data(as_text=True)
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;" in html or "&lt;img" in html
