"""Logging: every answer names its request, and an error's traceback reaches the operator's
log (with that name) while the user gets a short message."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from annotator.extensions import get_session
from annotator.ingest import import_paths, service
from annotator.web.policy import Access, allow

from .conftest import AuthActions, build_app


def test_every_answer_carries_a_request_id(client: FlaskClient) -> None:
    """A proxy's request id is kept; a missing or malformed one is replaced by a fresh one."""
    given = client.get("/login", headers={"X-Request-ID": "proxy-42.a"})
    assert given.headers["X-Request-ID"] == "proxy-42.a"
    fresh = client.get("/login", headers={"X-Request-ID": "bad id with spaces"})
    made = fresh.headers["X-Request-ID"]
    assert made != "bad id with spaces" and made.isalnum()
    assert client.get("/login").headers["X-Request-ID"] != made


def test_an_unexpected_error_is_logged_with_its_request_id_and_traceback(
    app: Flask,
    auth: AuthActions,
    make_user: Callable[..., object],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The user sees a short error page; the log has the traceback under the request's id."""

    @allow(Access.USER)
    def broken() -> str:
        raise ZeroDivisionError("a bug")

    app.add_url_rule("/broken", "broken", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production, not as in tests
    make_user("alice")
    auth.login()
    client = auth._client
    with caplog.at_level(logging.ERROR, logger="annotator"):
        response = client.get("/broken", headers={"X-Request-ID": "req-7"})
    assert response.status_code == 500
    assert b"ZeroDivisionError" not in response.data and b"Traceback" not in response.data
    (record,) = [r for r in caplog.records if r.exc_info]
    assert record.request_id == "req-7" and record.exc_info[0] is ZeroDivisionError


def test_an_import_that_fails_unexpectedly_logs_its_traceback(
    app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The file is refused with a short reason; the operator's log keeps how it failed."""
    article = tmp_path / "article.txt"
    article.write_text("A title\n\nA paragraph of the article.\n", encoding="utf-8")

    def explode(*_args: object, **_kwargs: object) -> None:
        raise KeyError("internal")

    monkeypatch.setattr(service, "parse_txt", explode)
    with app.app_context(), caplog.at_level(logging.ERROR, logger="annotator"):
        report = import_paths(get_session(), [article])
    (outcome,) = report.rejected
    assert "unexpected error" in outcome.message and str(article) in outcome.message
    (record,) = [r for r in caplog.records if r.exc_info]
    assert record.exc_info[0] is KeyError and str(article) in record.getMessage()


def test_a_wrong_log_level_stops_the_start_with_a_message(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ANNOTATOR_LOG_LEVEL=LOUD is refused naming the variable and the levels it takes."""
    monkeypatch.setenv("ANNOTATOR_LOG_LEVEL", "loud")
    with pytest.raises(RuntimeError, match="ANNOTATOR_LOG_LEVEL='LOUD': use DEBUG, INFO"):
        build_app(database_url, tmp_path / "instance")
