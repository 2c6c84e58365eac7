"""What the Flask app carries besides its blueprints: the login manager, CSRF protection, and
the database (one engine per app, one session per request or command).

The services below the web and CLI layers never import this module: they take a
``Session`` (or an ``Engine``) as an argument.
"""

from __future__ import annotations

from flask import Flask, current_app, g
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from .database import make_engine

login_manager = LoginManager()
csrf = CSRFProtect()

ENGINE_KEY = "annotator.engine"
SESSIONMAKER_KEY = "annotator.sessionmaker"


def init_database(app: Flask) -> None:
    """Attach an engine and a session factory to ``app`` and close sessions after each request."""
    engine = make_engine(
        app.config["DATABASE_URL"], busy_timeout_ms=app.config["SQLITE_BUSY_TIMEOUT_MS"]
    )
    app.extensions[ENGINE_KEY] = engine
    app.extensions[SESSIONMAKER_KEY] = sessionmaker(bind=engine, expire_on_commit=False)
    app.teardown_appcontext(_close_session)


def get_engine() -> Engine:
    """The current app's engine."""
    return current_app.extensions[ENGINE_KEY]


def get_session() -> Session:
    """The session of the current request or command, opened on first use."""
    if "db_session" not in g:
        g.db_session = current_app.extensions[SESSIONMAKER_KEY]()
    return g.db_session


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
