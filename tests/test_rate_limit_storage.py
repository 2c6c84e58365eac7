"""The ``limits`` storage in our table: it counts as the library's own storages do, forgets a
window when it ends, and loses no count when server processes count at once."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import FixedWindowRateLimiter
from sqlalchemy import Engine, func, select

from annotator.database import make_engine
from annotator.models import RateLimitCounter
from annotator.rate_limit_storage import DatabaseStorage


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def test_it_limits_exactly_as_the_library_memory_storage(engine: Engine) -> None:
    """Three per minute: the fourth hit is refused, other keys are counted apart, a cleared
    key starts again; the window's end and what remains agree with MemoryStorage."""
    limit = parse("3 per minute")
    ours = FixedWindowRateLimiter(DatabaseStorage(engine))
    theirs = FixedWindowRateLimiter(MemoryStorage())
    script = ["a", "a", "b", "a", "a", "b", "clear a", "a", "b", "b"]
    for step in script:
        if step.startswith("clear"):
            key = step.split()[1]
            ours.clear(limit, key)
            theirs.clear(limit, key)
            continue
        assert ours.test(limit, step) == theirs.test(limit, step), step
        assert ours.hit(limit, step) == theirs.hit(limit, step), step
        mine, reference = ours.get_window_stats(limit, step), theirs.get_window_stats(limit, step)
        assert mine.remaining == reference.remaining, step
        assert mine.reset_time == pytest.approx(reference.reset_time, abs=1.0), step
    assert not ours.hit(limit, "b")


def test_a_window_that_ends_is_forgotten(engine: Engine) -> None:
    """After the window, the count starts from zero again and the old row is deleted."""
    storage = DatabaseStorage(engine)
    assert storage.incr("k", 1) == 1
    assert storage.incr("k", 1) == 2
    assert storage.incr("gone", 1) == 1
    time.sleep(1.1)
    assert storage.get("k") == 0
    assert storage.get_expiry("k") == pytest.approx(time.time(), abs=1.0)
    assert storage.incr("k", 60) == 1
    assert storage.get_expiry("k") == pytest.approx(time.time() + 60, abs=2.0)
    with engine.connect() as connection:
        keys = connection.execute(select(RateLimitCounter.key)).scalars().all()
    assert keys == ["k"]
    assert storage.check()
    assert storage.reset() == 1
    assert storage.get("k") == 0


def test_processes_counting_at_once_lose_no_count(engine: Engine) -> None:
    """Four workers failing logins at the same moment: every failure is counted."""
    storage = DatabaseStorage(engine)
    errors: list[BaseException] = []

    def count() -> None:
        try:
            for _ in range(25):
                storage.incr("shared", 60)
        except BaseException as error:  # noqa: BLE001 - reported by the test below
            errors.append(error)

    threads = [threading.Thread(target=count) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert storage.get("shared") == 100
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(RateLimitCounter)).scalar() == 1
