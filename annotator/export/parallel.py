"""A large line-format export shared between worker processes.

Checking every span and writing every line is Python work, bound to one core per
process. A large export is cut into chunks of ``CHUNK_RECORDS`` records (ranges of
annotation ids); worker ``k`` of ``n`` reads chunks ``k``, ``k + n``, ... and writes each
into the output file at its place, in turn (chunk ``i`` waits until chunk ``i - 1`` has
been written, and knows its offset from it). Nothing is joined afterwards, each worker
holds one chunk at a time, and the file is byte for byte what one process writes.

All workers must read the same state of the database:

- PostgreSQL: they share one snapshot (``pg_export_snapshot``), exactly.
- SQLite has no shared snapshots: each worker reads in one transaction, and the export
  watches ``PRAGMA data_version`` from before the first worker starts reading until every
  worker has. When something was saved in between, the workers are stopped and started
  again (up to ``_ATTEMPTS`` times; then the export runs in one process).
"""

from __future__ import annotations

import os
import queue
import re
import shutil
import traceback
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, text
from sqlalchemy.orm import Session

from .lines import LINE_FORMATS, lines_by_file, records_with_split
from .records import (
    ExportFilters,
    RecordCheckFailed,
    RecordReader,
    id_extent,
)
from .service import ExportSummary
from .splits import SPLIT_NAMES, SplitSpec

# Below this many records an export runs in one process: starting workers costs about a
# second, which one process spends on some 80,000 records.
PARALLEL_MIN_RECORDS = 100_000
# Records a worker reads and writes at a time: about 15 MB of lines in memory.
CHUNK_RECORDS = 10_000
_AHEAD = 2  # chunks a worker may hold, written, before it waits for their turn
_ATTEMPTS = 3
_SNAPSHOT_ID = re.compile(r"^[0-9A-F]+-[0-9A-F]+-[0-9]+$")


def worker_count(records: int) -> int:
    """How many processes write an export of ``records`` records (1: this one alone).

    ``ANNOTATOR_EXPORT_WORKERS`` sets it; by default one per core.
    """
    if records < PARALLEL_MIN_RECORDS:
        return 1
    configured = os.environ.get("ANNOTATOR_EXPORT_WORKERS", "").strip()
    if configured:
        if not configured.isdigit():
            raise RuntimeError(f"ANNOTATOR_EXPORT_WORKERS={configured!r}: expected a whole number")
        return max(1, int(configured))
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return cores or 1


@dataclass(frozen=True)
class _Worker:
    """One worker's share: which chunks it writes, and where."""

    number: int
    workers: int
    database_url: str
    snapshot: str | None  # PostgreSQL's exported snapshot, None on SQLite
    filters: ExportFilters
    bounds: list[tuple[int | None, int | None]]  # every chunk's ids: (after, through]
    format_: str
    split: SplitSpec | None
    split_files: bool
    files: list[Path]  # the one output file, or one per set with split files


def write_in_parallel(
    session: Session,
    filters: ExportFilters,
    format_: str,
    target: Path,
    split: SplitSpec | None,
    split_files: bool,
    summary: ExportSummary,
    on_records: Callable[[int], None] | None,
) -> bool:
    """Write a line-format export to ``target`` in worker processes when it is large enough.

    Returns False, having written nothing, when it is better written in this process
    (small, one core, or a SQLite database that kept changing while the workers started).
    Raises ``RecordCheckFailed`` when a worker met a bad record, RuntimeError when one
    failed otherwise.
    """
    if format_ not in LINE_FORMATS:
        return False
    engine = session.get_bind()
    assert isinstance(engine, Engine)
    count, first_id, last_id = id_extent(session, filters)
    workers = worker_count(count)
    if workers < 2:
        return False
    # Every CHUNK_RECORDS-th id: a chunk of a filtered export holds fewer; none is missed.
    cuts = list(range(first_id - 1 + CHUNK_RECORDS, last_id, CHUNK_RECORDS))
    bounds = list(zip([None, *cuts], [*cuts, None], strict=True))
    if split_files:
        target.mkdir()
        files = [target / f"{name}.jsonl" for name in SPLIT_NAMES]
    else:
        files = [target]
    for _attempt in range(_ATTEMPTS):
        for path in files:
            path.write_bytes(b"")
        shares = [
            _Worker(
                number=number,
                workers=workers,
                database_url=engine.url.render_as_string(hide_password=False),
                snapshot=None,
                filters=filters,
                bounds=bounds,
                format_=format_,
                split=split,
                split_files=split_files,
                files=files,
            )
            for number in range(workers)
        ]
        written = _run_workers(engine, shares, on_records)
        if written is None:
            continue  # something was saved while the workers started: again
        for part in written:
            summary.records += part.records
            summary.per_split.update(part.per_split)
            for name, documents in part.documents_per_split.items():
                summary.documents_per_split.setdefault(name, set()).update(documents)
        return True
    _remove(target)
    return False


def _run_workers(
    engine: Engine, shares: list[_Worker], on_records: Callable[[int], None] | None
) -> list[ExportSummary] | None:
    """Run one process per share; their summaries, or None when the database changed
    before every worker had started reading (no progress is reported then)."""
    context = get_context("spawn")
    events: Any = context.Queue()
    turn = context.Value("q", 0)  # the chunk whose turn it is to be written
    offsets = context.Array("q", len(shares[0].files))  # where it goes, in each file
    written = context.Condition()
    guard = _SnapshotGuard(engine)
    processes = []
    try:
        shares = [replace(share, snapshot=guard.snapshot) for share in shares]
        for share in shares:
            process = context.Process(
                target=run_worker, args=(share, events, turn, offsets, written), daemon=True
            )
            process.start()
            processes.append(process)
        started: set[int] = set()
        done: dict[int, ExportSummary] = {}
        unreported = 0  # progress held back until the workers are known to agree
        while len(done) < len(shares):
            try:
                kind, number, value = events.get(timeout=0.5)
            except queue.Empty:
                _check_alive(processes, done)
                continue
            if kind == "started":
                started.add(number)
                if len(started) == len(shares):
                    if not guard.unchanged():
                        return None
                    guard.release()
                    if on_records is not None and unreported:
                        on_records(unreported)
            elif kind == "progress":
                if len(started) == len(shares) and on_records is not None:
                    on_records(value)
                else:
                    unreported += value
            elif kind == "done":
                done[number] = value
            else:  # failed: a RecordCheckFailed, or a RuntimeError naming what went wrong
                raise value
        return [done[share.number] for share in shares]
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()
            process.join()
        events.close()
        guard.release()


def _check_alive(processes: list[Any], done: dict[int, ExportSummary]) -> None:
    for number, process in enumerate(processes):
        if process.exitcode not in (None, 0) and number not in done:
            raise RuntimeError(
                f"an export worker process stopped unexpectedly (exit code {process.exitcode}); "
                "nothing was written"
            )


class _SnapshotGuard:
    """That every part reads the same state: a snapshot the parts import (PostgreSQL), or
    a watch on SQLite's data_version from before the parts start until all have."""

    def __init__(self, engine: Engine) -> None:
        self.snapshot: str | None = None
        self.connection = engine.connect()
        if engine.dialect.name == "postgresql":
            self.connection = self.connection.execution_options(isolation_level="REPEATABLE READ")
            self.connection.begin()
            self.snapshot = self.connection.execute(text("SELECT pg_export_snapshot()")).scalar()
            self.version = None
        else:
            self.version = self._data_version()

    def _data_version(self) -> int:
        return int(self.connection.exec_driver_sql("PRAGMA data_version").scalar() or 0)

    def unchanged(self) -> bool:
        """Whether nothing was saved since the guard was made (always, with a snapshot)."""
        return self.version is None or self._data_version() == self.version

    def release(self) -> None:
        """Let go of the snapshot once every part has taken it."""
        if not self.connection.closed:
            self.connection.close()


def run_worker(share: _Worker, events: Any, turn: Any, offsets: Any, written: Any) -> None:
    """A worker process: read and write its chunks in turn, telling ``events`` when it has
    started reading, how many records it wrote (after each chunk), and its summary or what
    stopped it."""
    from ..database import make_engine  # imported here: the worker starts from nothing

    engine = make_engine(share.database_url)
    try:
        with Session(_reading_engine(engine, share.snapshot)) as session:
            if share.snapshot is not None:
                # The transaction's first statement; the id was checked by _reading_engine.
                session.connection().exec_driver_sql(f"SET TRANSACTION SNAPSHOT '{share.snapshot}'")
            reader = RecordReader(session, share.filters)  # its first reads: the snapshot
            events.put(("started", share.number, None))
            summary = ExportSummary()
            files = [os.open(path, os.O_WRONLY) for path in share.files]
            try:
                ready: deque[tuple[int, list[bytes]]] = deque()
                for chunk in range(share.number, len(share.bounds), share.workers):
                    before = summary.records
                    records = records_with_split(
                        reader.records(*share.bounds[chunk]), share.split, summary
                    )
                    ready.append((chunk, lines_by_file(records, share.format_, share.split_files)))
                    events.put(("progress", share.number, summary.records - before))
                    # Write what is due; wait only with AHEAD chunks ready, so that a worker
                    # a little slower than the others does not hold them all up.
                    _write_due(ready, files, turn, offsets, written, wait=len(ready) >= _AHEAD)
                _write_due(ready, files, turn, offsets, written, wait=True)
            finally:
                for handle in files:
                    os.close(handle)
        events.put(("done", share.number, summary))
    except RecordCheckFailed as error:
        events.put(("failed", share.number, error))
    except Exception as error:  # reported to the process that started this one
        where = traceback.extract_tb(error.__traceback__)[-1]
        events.put(
            (
                "failed",
                share.number,
                RuntimeError(
                    f"export worker {share.number + 1} failed: {type(error).__name__}: {error} "
                    f"({Path(where.filename).name}:{where.lineno}); nothing was written"
                ),
            )
        )
    finally:
        engine.dispose()


def _reading_engine(engine: Engine, snapshot: str | None) -> Engine:
    """``engine`` set up to read in one transaction: REPEATABLE READ for PostgreSQL's
    shared snapshot; on SQLite, a real BEGIN (pysqlite emits none before a SELECT), so
    that every chunk a worker reads sees the database as its first read did."""
    if snapshot is not None:
        if not _SNAPSHOT_ID.match(snapshot):
            raise RuntimeError(f"unexpected snapshot id {snapshot!r}")
        return engine.execution_options(isolation_level="REPEATABLE READ")

    @event.listens_for(engine, "connect")
    def _no_implicit_transactions(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN")

    return engine


def _write_due(
    ready: deque[tuple[int, list[bytes]]],
    files: list[int],
    turn: Any,
    offsets: Any,
    written: Any,
    wait: bool,
) -> None:
    """Write the ready chunks whose turn it is, at their offsets, in order; with ``wait``,
    wait for the turn of every one of them."""
    while ready:
        chunk, blocks = ready[0]
        with written:
            if wait:
                written.wait_for(lambda chunk=chunk: turn.value == chunk)
            elif turn.value != chunk:
                return
            for index, (handle, block) in enumerate(zip(files, blocks, strict=True)):
                _write_at(handle, block, offsets[index])
                offsets[index] += len(block)
            turn.value = chunk + 1
            written.notify_all()
        ready.popleft()


def _write_at(handle: int, data: bytes, offset: int) -> None:
    view = memoryview(data)
    while view:
        count = os.pwrite(handle, view, offset)
        view, offset = view[count:], offset + count


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
