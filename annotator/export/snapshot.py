"""One state of the database for everything an export reads.

An export reads the registry, usernames, document details and then the records, in many
statements over seconds or minutes while annotators keep saving. Read in one transaction
that sees a single state, the records and the actor registry written beside them agree
even when an actor is renamed meanwhile.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlalchemy.orm import Session

_SNAPSHOT_ID = re.compile(r"^[0-9A-F]+-[0-9A-F]+-[0-9]+$")


def bound_engine(session: Session) -> Engine:
    """The engine behind ``session``: an export opens its own connections on it."""
    engine = session.get_bind()
    if not isinstance(engine, Engine):
        raise TypeError("an export needs a session bound to an engine, not to one connection")
    return engine


@contextmanager
def consistent_reads(engine: Engine, snapshot: str | None = None) -> Iterator[Session]:
    """A session on a connection of its own whose reads all see one state of the database.

    PostgreSQL: a REPEATABLE READ transaction, importing ``snapshot`` (a
    ``pg_export_snapshot()`` id) when given, so that several processes share one state.
    SQLite: a real BEGIN (pysqlite emits none before a SELECT, so each statement would
    otherwise see the latest state); the state is fixed by the first read. Nothing is
    written through it; the transaction is rolled back when the block ends.
    """
    if engine.dialect.name == "postgresql":
        connection = engine.connect().execution_options(isolation_level="REPEATABLE READ")
        if snapshot is not None:
            if not _SNAPSHOT_ID.match(snapshot):
                raise RuntimeError(f"unexpected snapshot id {snapshot!r}")
            # The transaction's first statement, as PostgreSQL requires.
            connection.exec_driver_sql(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
    else:
        connection = engine.connect()
        connection.exec_driver_sql("BEGIN")
    try:
        with Session(bind=connection) as session:
            yield session
    finally:
        connection.close()  # rolls the read transaction back
