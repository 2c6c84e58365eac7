"""What the Flask app carries besides its blueprints: the login manager, CSRF protection, the
database (one engine per app, one session per request or command) and the login throttle.

The services below the web and CLI layers never import this module: they take a
``Session`` (or an ``Engine``) as an argument.
"""

from __future__ import annotations

from flask import Flask, current_app, g
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from .config import ConfigurationError
from .database import make_engine
from .login_throttle import LoginThrottle, parse_limit
from .rate_limit_storage import DatabaseStorage

login_manager = LoginManager()
csrf = CSRFProtect()

ENGINE_KEY = "annotator.engine"
SESSIONMAKER_KEY = "annotator.sessionmaker"
LOGIN_THROTTLE_KEY = "annotator.login_throttle"
REDIS_KEY_PREFIX = "annotator-logins"


def init_database(app: Flask) -> None:
    """Attach an engine and a session factory to ``app`` and close sessions after each request."""
    engine = make_engine(
        app.config["DATABASE_URL"], busy_timeout_ms=app.config["SQLITE_BUSY_TIMEOUT_MS"]
    )
    app.extensions[ENGINE_KEY] = engine
    app.extensions[SESSIONMAKER_KEY] = sessionmaker(bind=engine, expire_on_commit=False)
    app.teardown_appcontext(_close_session)


def init_login_throttle(app: Flask) -> None:
    """Give ``app`` its login throttle, counting in Redis when ``REDIS_URL`` is set and in
    the database otherwise: either way every worker of the server shares the counts.

    Called after ``init_database``; a limit that does not parse stops the server here."""
    if app.config.get("REDIS_URL"):
        from limits.errors import ConfigurationError as StorageNotUsable
        from limits.storage import storage_from_string

        try:
            storage = storage_from_string(
                app.config["REDIS_URL"], key_prefix=REDIS_KEY_PREFIX, wrap_exceptions=True
            )
        except StorageNotUsable:
            # Not the URL itself in the message: it may hold a password.
            raise ConfigurationError(
                "REDIS_URL cannot hold the login throttle's counts: give a redis:// or "
                "rediss:// URL, and install the redis extra (pip install -e '.[redis]')"
            ) from None
    else:
        storage = DatabaseStorage(app.extensions[ENGINE_KEY])
    try:
        per_account, per_address = (
            parse_limit(f"ANNOTATOR_{key}", app.config[key])
            for key in ("LOGIN_FAILURES_PER_ACCOUNT", "LOGIN_FAILURES_PER_ADDRESS")
        )
    except ValueError as error:
        raise ConfigurationError(str(error)) from None
    app.extensions[LOGIN_THROTTLE_KEY] = LoginThrottle(storage, per_account, per_address)


def get_login_throttle() -> LoginThrottle:
    """The current app's login throttle."""
    return current_app.extensions[LOGIN_THROTTLE_KEY]


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
