"""Engines and sessions: one engine per app, one session per request or command.

SQLite is opened with WAL, foreign keys on and a busy timeout; PostgreSQL needs
nothing special. Code asks for ``get_session()`` inside an app context.
"""

from __future__ import annotations

import json
from typing import Any

import orjson
from flask import Flask, current_app, g
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

ENGINE_KEY = "annotator.engine"
SESSIONMAKER_KEY = "annotator.sessionmaker"


def dump_json(value: Any) -> str:
    """JSON for JSON columns: orjson (fast), or the standard library for what orjson refuses
    (integers beyond 64 bits in an article's meta)."""
    try:
        return orjson.dumps(value).decode()
    except TypeError:
        return json.dumps(value, ensure_ascii=False)


def make_engine(url: str, *, busy_timeout_ms: int = 5000) -> Engine:
    """Create an engine for ``url`` with the pragmas the embedded SQLite default needs."""
    if url.startswith("sqlite"):
        # pysqlite's timeout is SQLite's busy timeout: wait for a writer instead of failing.
        engine = create_engine(
            url, connect_args={"timeout": busy_timeout_ms / 1000}, json_serializer=dump_json
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True, json_serializer=dump_json)


def init_app(app: Flask) -> None:
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


def new_session() -> Session:
    """A session of its own, for work that outlives the request (a streamed download).

    The caller closes it.
    """
    return current_app.extensions[SESSIONMAKER_KEY]()


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
