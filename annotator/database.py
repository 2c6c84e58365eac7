"""Engines: SQLite opened with WAL, foreign keys on and a busy timeout; PostgreSQL as it is.

Pure SQLAlchemy, no Flask: the app (``extensions``), the CLI, the benchmarks and the
tests all make their engines here.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

# The largest id or count every engine's integer columns hold (PostgreSQL's INTEGER): ids
# read from requests are checked against it before they reach a query.
DATABASE_INT_MAX = 2**31 - 1


class JSONText(str):
    """A value already encoded as JSON, written to a JSON column as it is (not encoded again):
    the annotation store encodes its typed content once, faster than as dicts."""


def dump_json(value: Any) -> str:
    """JSON for JSON columns: orjson (fast), or the standard library for what orjson refuses
    (integers beyond 64 bits in an article's meta); ``JSONText`` as it is."""
    if type(value) is JSONText:
        return value
    try:
        return orjson.dumps(value).decode()
    except TypeError:
        return json.dumps(value, ensure_ascii=False)


def create_private_sqlite_file(url: str) -> None:
    """Create the file of an SQLite URL readable by its owner only (0600), before SQLite
    would create it with the umask's 0644: it holds password hashes and everyone's work.
    SQLite gives its -wal and -shm files the database file's mode. An existing file, an
    in-memory database and a folder that does not exist are left to SQLite."""
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    if path.exists() or not path.parent.is_dir():
        return
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass  # another process made it first


def make_engine(url: str, *, busy_timeout_ms: int = 5000) -> Engine:
    """Create an engine for ``url`` with the pragmas the embedded SQLite default needs."""
    if url.startswith("sqlite"):
        create_private_sqlite_file(url)
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
    # A server that does not answer fails a request in seconds (a 503), not after the
    # operating system's TCP timeout of minutes with a worker thread held all along.
    return create_engine(
        url,
        pool_pre_ping=True,
        json_serializer=dump_json,
        connect_args={"connect_timeout": POSTGRES_CONNECT_TIMEOUT_S},
    )


POSTGRES_CONNECT_TIMEOUT_S = 10
