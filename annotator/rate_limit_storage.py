"""A storage for the ``limits`` library in our own table, on SQLite and PostgreSQL.

``limits`` keeps its counters in memory, Redis, Memcached or MongoDB; a server of ours
needs none of those, and memory is not shared by gunicorn's workers. This class keeps the
counters in ``rate_limit_counters`` instead. The counting (fixed windows, what a limit
allows) stays the library's: it only calls ``incr``, ``get`` and ``get_expiry`` here.
"""

from __future__ import annotations

import time
from typing import Any

from limits.storage import Storage
from sqlalchemy import Engine, case, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from .models import RateLimitCounter

COUNTERS = RateLimitCounter.__table__
SWEEP = 500


class DatabaseStorage(Storage):
    """Counters in the database behind ``engine``; each call is one short transaction of
    its own, so a count survives whatever the request that made it does afterwards."""

    STORAGE_SCHEME = None  # built from an engine, never from a URI

    def __init__(self, engine: Engine) -> None:
        super().__init__(wrap_exceptions=True)
        self.engine = engine
        self._insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert

    @property
    def base_exceptions(self) -> type[Exception]:  # noqa: D102
        return SQLAlchemyError

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        """Add ``amount`` to the counter of ``key`` (from zero, and due to expire in
        ``expiry`` seconds, when it is missing or expired); return its new value.

        One upsert, atomic on both engines, so workers counting at once lose no count."""
        now = time.time()
        fresh = self._insert(COUNTERS).values(key=key, count=amount, expires_at=now + expiry)
        expired = COUNTERS.c.expires_at <= now
        upsert = fresh.on_conflict_do_update(
            index_elements=[COUNTERS.c.key],
            set_={
                "count": case(
                    (expired, fresh.excluded.count), else_=COUNTERS.c.count + fresh.excluded.count
                ),
                "expires_at": case(
                    (expired, fresh.excluded.expires_at), else_=COUNTERS.c.expires_at
                ),
            },
        ).returning(COUNTERS.c.count)
        # Forget counters whose window is over, a bounded batch at a time (an index range,
        # usually empty): each failure adds at most one counter and sweeps up to SWEEP, so a
        # sprayed table drains without one failed login paying for all of it.
        sweep = delete(COUNTERS).where(
            COUNTERS.c.key.in_(
                select(COUNTERS.c.key).where(expired).order_by(COUNTERS.c.expires_at).limit(SWEEP)
            )
        )
        with self.engine.begin() as connection:
            connection.execute(sweep)
            return int(connection.execute(upsert).scalar_one())

    def get(self, key: str) -> int:
        """The counter of ``key``, zero when it is missing or expired."""
        row = self._live(key)
        return row.count if row else 0

    def get_expiry(self, key: str) -> float:
        """When the window of ``key`` ends (seconds since the epoch); now if it has none."""
        row = self._live(key)
        return row.expires_at if row else time.time()

    def check(self) -> bool:
        """Whether the database answers."""
        try:
            with self.engine.connect() as connection:
                connection.execute(select(1))
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        """Forget every counter; return how many there were."""
        with self.engine.begin() as connection:
            return connection.execute(delete(COUNTERS)).rowcount

    def clear(self, key: str) -> None:
        """Forget the counter of ``key``."""
        with self.engine.begin() as connection:
            connection.execute(delete(COUNTERS).where(COUNTERS.c.key == key))

    def _live(self, key: str) -> Any:
        with self.engine.connect() as connection:
            return connection.execute(
                select(COUNTERS.c.count, COUNTERS.c.expires_at).where(
                    COUNTERS.c.key == key, COUNTERS.c.expires_at > time.time()
                )
            ).first()
