"""/healthz: a monitor or load balancer learns, without logging in, whether this server can
reach its database, and learns nothing else."""

from __future__ import annotations

from pathlib import Path

from flask.testing import FlaskClient
from sqlalchemy.engine import make_url

from annotator.extensions import get_engine

from .conftest import build_app


def _unreachable_database_url(tmp_path: Path, admin_url: str | None) -> str:
    """A database of the engine under test that cannot be reached: PostgreSQL on a closed
    port, or an SQLite file in a folder that does not exist."""
    if admin_url:
        url = make_url(admin_url).set(port=1, database="nowhere")
        return url.render_as_string(hide_password=False)
    return f"sqlite:///{tmp_path / 'no-such-folder' / 'annotator.sqlite3'}"


def test_healthz_answers_ok_without_a_login_and_without_a_limit(client: FlaskClient) -> None:
    """An anonymous monitor polling often gets 200 {"status": "ok"} every time, and no cookie."""
    for _ in range(60):
        response = client.get("/healthz")
        assert response.status_code == 200
        assert response.get_json() == {"status": "ok"}
    assert "Set-Cookie" not in response.headers


def test_healthz_answers_503_when_the_database_is_unreachable(
    tmp_path: Path, postgres_admin_url: str | None
) -> None:
    """503 with a short reason, and nothing an attacker could use: no driver, host or path."""
    url = _unreachable_database_url(tmp_path, postgres_admin_url)
    app = build_app(url, tmp_path / "instance")
    try:
        response = app.test_client().get("/healthz")
    finally:
        with app.app_context():
            get_engine().dispose()
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "reason": "database unreachable"}
    body = response.get_data(as_text=True).lower()
    for detail in ("sqlite", "psycopg", "postgres", "127.0.0.1", "error", str(tmp_path).lower()):
        assert detail not in body


def test_with_the_database_down_nothing_answers_500(
    tmp_path: Path, postgres_admin_url: str | None
) -> None:
    """A browser that still holds a session cookie gets /healthz's 503, and a login or an
    API call gets a 503 that says to try again, naming no host or driver: never a 500."""
    url = _unreachable_database_url(tmp_path, postgres_admin_url)
    app = build_app(url, tmp_path / "instance")
    client = app.test_client()
    try:
        with client.session_transaction() as session:
            session["_user_id"] = "1.1"  # what a logged-in browser sends
        health = client.get("/healthz")
        assert health.status_code == 503
        api = client.get("/api/documents", headers={"Authorization": "Bearer ann_abc"})
        page = client.get("/documents")
    finally:
        with app.app_context():
            get_engine().dispose()
    for answer in (api, page):
        assert answer.status_code == 503
        assert answer.headers["Retry-After"] == "60"
        body = answer.get_data(as_text=True)
        assert "Try again in a minute" in body
        for detail in ("sqlite", "psycopg", "127.0.0.1", str(tmp_path)):
            assert detail not in body.lower()
    assert api.get_json()["error"].startswith("The database did not answer")
