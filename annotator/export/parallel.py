"""A large line-format export shared between this process and worker processes.

Checking every span and writing every line is Python work, bound to one core per
process. A large export is cut into chunks: ranges of annotation ids as wide as
``CHUNK_RECORDS`` records take on average. This process and ``n - 1`` workers each take
the next chunk nobody has taken, read and check it, and write it into the output file at
its place, in turn: chunk ``i`` is written once chunk ``i - 1`` has been, and learns its
offset from it. So nothing is joined afterwards, each process holds at most ``_AHEAD``
chunks (one that holds far more records than planned is written out as it is read), and
the file is byte for byte what one process writes. This process starts on the first chunk at
once; a worker joins in when it has started (about half a second).

All readers must see the same state of the database:

- PostgreSQL: they share one snapshot (``pg_export_snapshot``), exactly.
- SQLite has no shared snapshots: each reader reads in one transaction, and the export
  watches ``PRAGMA data_version`` from before the first reader starts until every worker
  has. When something was saved in between, the work so far is dropped and started
  again (up to ``_ATTEMPTS`` times; then the export runs in this process alone).
"""

from __future__ import annotations

import os
import queue
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from multiprocessing import get_context, parent_process
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from .lines import LINE_FORMATS, line_writer, records_with_split
from .records import ExportFilters, RecordCheckFailed, RecordReader, id_extent
from .service import ExportSummary, registry_document
from .snapshot import bound_engine, consistent_reads
from .splits import SPLIT_NAMES, SplitSpec

# Below this many records an export runs in one process: a worker takes about half a
# second to start, in which one process exports some 50,000 records.
PARALLEL_MIN_RECORDS = 100_000
# Records read and written at a time: about 2.5 MB of lines in memory.
CHUNK_RECORDS = 2_000
_AHEAD = 2  # chunks a process may hold, ready, before it waits for their turn
_CHUNK_BYTES = 8 * 2**20  # lines a chunk may hold before they are written out in its turn
_POLL_SECONDS = 0.2  # how often a waiting process checks on the others
_TURN_SLEEP = 0.001  # how long a process waiting for its turn sleeps between looks
# Whether this process takes chunks too, from the start (tests turn it off, so that
# worker processes do all the reading and writing of a small export).
EXPORT_HERE_TOO = True
_ATTEMPTS = 3


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
class _Plan:
    """What every reader of one attempt shares."""

    database_url: str
    snapshot: str | None  # PostgreSQL's exported snapshot, None on SQLite
    filters: ExportFilters
    first_id: int  # the export's first and last annotation ids, and how many ids a chunk spans
    last_id: int
    width: int
    format_: str
    split: SplitSpec | None
    split_files: bool
    files: list[Path]  # the one output file, or one per set with split files


@dataclass
class _Turns:
    """Shared between the processes: how many chunks were taken, the chunk whose turn it is
    to be written and where it goes in each file.

    A plain lock, always taken with a time limit, guards them: a process killed while
    holding it (or while waiting) must not leave the others blocked for ever, so every
    wait also checks that the others are alive (``idle``).
    """

    taken: Any
    turn: Any
    offsets: Any
    lock: Any

    @classmethod
    def make(cls, context: Any, files: int) -> _Turns:
        return cls(
            context.Value("q", 0, lock=False),
            context.Value("q", 0, lock=False),
            context.Array("q", files, lock=False),
            context.Lock(),
        )

    @contextmanager
    def locked(self, idle: Callable[[], None]) -> Iterator[None]:
        while not self.lock.acquire(timeout=_POLL_SECONDS):
            idle()
        try:
            yield
        finally:
            self.lock.release()


@dataclass
class _Progress:
    """This process's view of an attempt: who started, what they wrote, what they report."""

    spawned: int  # worker processes, besides this one
    guard: _SnapshotGuard
    on_records: Callable[[int], None] | None
    events: Any
    processes: list[Any] = field(default_factory=list)
    started: int = 0
    held_back: int = 0  # records written before the readers were known to agree
    summaries: dict[int, ExportSummary] = field(default_factory=dict)

    @property
    def agreed(self) -> bool:
        return self.started == self.spawned

    def wrote(self, count: int) -> None:
        if not self.agreed:
            self.held_back += count
        elif self.on_records is not None:
            self.on_records(count)

    def poll(self, wait: float = 0.0) -> None:
        """Handle what the workers reported; raise what stopped one, or ``_Restart``."""
        while True:
            try:
                kind, number, value = (
                    self.events.get(timeout=wait) if wait else self.events.get_nowait()
                )
            except queue.Empty:
                break
            wait = 0.0
            if kind == "started":
                self.started += 1
                if self.agreed:
                    if not self.guard.unchanged():
                        raise _Restart
                    self.guard.release()
                    self.wrote(self.held_back)
            elif kind == "progress":
                self.wrote(value)
            elif kind == "done":
                self.summaries[number] = value
            else:  # failed: a RecordCheckFailed, or a RuntimeError naming what went wrong
                raise value
        for number, process in enumerate(self.processes):
            # A worker's last reports are in the queue before it exits: one that has
            # exited without reporting its end was killed, or lost them.
            if process.exitcode is not None and number not in self.summaries:
                raise RuntimeError(
                    f"an export worker process stopped unexpectedly (exit code "
                    f"{process.exitcode}); nothing was written"
                )


class _Restart(Exception):
    """The database changed before every reader had started: start the attempt again."""


def write_in_parallel(
    session: Session,
    filters: ExportFilters,
    format_: str,
    target: Path,
    split: SplitSpec | None,
    split_files: bool,
    summary: ExportSummary,
    on_records: Callable[[int], None] | None,
) -> dict[str, Any] | None:
    """Write a line-format export to ``target`` with worker processes when it is large enough.

    Returns the actor registry as of the state the records were read in (what goes
    beside them), or None, having written nothing, when the export is better written by
    the caller alone (small, one core, or a SQLite database that kept changing while the
    workers started). Raises ``RecordCheckFailed`` at a bad record, RuntimeError when a
    worker failed.
    """
    if format_ not in LINE_FORMATS:
        return None
    engine = bound_engine(session)
    count, first_id, last_id = id_extent(session, filters)
    workers = worker_count(count)
    if workers < 2:
        return None
    if split_files:
        target.mkdir()
        files = [target / f"{name}.jsonl" for name in SPLIT_NAMES]
    else:
        files = [target]
    plan = _Plan(
        database_url=engine.url.render_as_string(hide_password=False),
        snapshot=None,
        filters=filters,
        first_id=first_id,
        last_id=last_id,
        # As many ids as CHUNK_RECORDS records take on average; where they are spread
        # unevenly, a chunk holding many more is written out as it is read (_CHUNK_BYTES).
        width=max(1, CHUNK_RECORDS * (last_id - first_id + 1) // count),
        format_=format_,
        split=split,
        split_files=split_files,
        files=files,
    )
    for _attempt in range(_ATTEMPTS):
        for path in files:
            path.write_bytes(b"")
        try:
            registry, parts = _attempt_export(engine, plan, workers, on_records)
        except _Restart:
            continue  # something was saved while the workers started: again
        for part in parts:
            summary.records += part.records
            summary.per_split.update(part.per_split)
            for name, documents in part.documents_per_split.items():
                summary.documents_per_split.setdefault(name, set()).update(documents)
        return registry
    for path in files:
        path.unlink()
    if split_files:
        target.rmdir()
    return None


def _attempt_export(
    engine: Engine, plan: _Plan, workers: int, on_records: Callable[[int], None] | None
) -> tuple[dict[str, Any], list[ExportSummary]]:
    """One attempt: start the workers, export chunks here too, gather every summary.
    Returns the actor registry as the readers saw it, and the summaries."""
    context = get_context("spawn")
    turns = _Turns.make(context, len(plan.files))
    guard = _SnapshotGuard(engine)
    progress = _Progress(workers - 1, guard, on_records, context.Queue())
    try:
        registry = guard.registry()
        plan = replace(plan, snapshot=guard.snapshot)
        for number in range(workers - 1):
            process = context.Process(
                target=run_worker, args=(number, plan, turns, progress.events), daemon=True
            )
            process.start()
            progress.processes.append(process)
        mine = (
            [_export_chunks(plan, turns, lambda: None, progress.wrote, progress.poll)]
            if EXPORT_HERE_TOO
            else []
        )
        while len(progress.summaries) < workers - 1:
            progress.poll(wait=_POLL_SECONDS)
        return registry, [*mine, *progress.summaries.values()]
    finally:
        for process in progress.processes:
            if process.is_alive():
                process.terminate()
            process.join()
        progress.events.close()
        guard.release()


def _export_chunks(
    plan: _Plan,
    turns: _Turns,
    started: Callable[[], None],
    wrote: Callable[[int], None],
    idle: Callable[[], None],
) -> ExportSummary:
    """Take chunks until none is left, read and check each, write each in its turn.

    ``started`` is called once the reader has its snapshot, ``wrote`` with how many
    records each chunk held; ``idle`` between chunks and while waiting for a turn (this
    process watches the workers then).
    """
    from ..database import make_engine  # here: a worker starts from nothing

    engine = make_engine(plan.database_url)
    files = [os.open(path, os.O_WRONLY) for path in plan.files]
    try:
        with consistent_reads(engine, plan.snapshot) as session:
            reader = RecordReader(session, plan.filters)  # its first reads: the snapshot
            started()
            summary = ExportSummary()
            ready: deque[tuple[int, list[bytes]]] = deque()
            line = line_writer(plan.format_)
            while (taken := _take(turns, plan, idle)) is not None:
                chunk, after, through = taken
                before = summary.records
                blocks: list[list[bytes]] = [[] for _ in files]
                size, streaming = 0, False
                for record in records_with_split(
                    reader.records(after, through), plan.split, summary
                ):
                    data = line(record)
                    blocks[SPLIT_NAMES.index(record.split) if plan.split_files else 0].append(data)
                    size += len(data)
                    if size >= _CHUNK_BYTES:
                        # Many more records than a chunk should hold (ids spread unevenly):
                        # they are written out in the chunk's turn, not all held.
                        if not streaming:
                            _write_due(ready, files, turns, idle, wait=True)
                            _its_turn(turns, chunk, idle, wait=True)
                            streaming = True
                        _write_blocks(files, turns, blocks, idle, then_turn=None)
                        blocks, size = [[] for _ in files], 0
                wrote(summary.records - before)
                if streaming:
                    _write_blocks(files, turns, blocks, idle, then_turn=chunk + 1)
                else:
                    ready.append((chunk, [b"".join(block) for block in blocks]))
                idle()
                # Write what is due; wait only with _AHEAD chunks ready, so that a reader a
                # little slower than the others does not hold them all up.
                _write_due(ready, files, turns, idle, wait=len(ready) >= _AHEAD)
            _write_due(ready, files, turns, idle, wait=True)
            return summary
    finally:
        for handle in files:
            os.close(handle)
        engine.dispose()


def _take(
    turns: _Turns, plan: _Plan, idle: Callable[[], None]
) -> tuple[int, int | None, int | None] | None:
    """The next chunk nobody has taken: its number and its ids, (after, through], None
    meaning open-ended (the first and the last chunk), or None when all are taken."""
    with turns.locked(idle):
        chunk = int(turns.taken.value)
        after = plan.first_id - 1 + chunk * plan.width
        if chunk > 0 and after >= plan.last_id:
            return None
        turns.taken.value = chunk + 1
    through = after + plan.width
    return chunk, None if chunk == 0 else after, None if through >= plan.last_id else through


def _write_due(
    ready: deque[tuple[int, list[bytes]]],
    files: list[int],
    turns: _Turns,
    idle: Callable[[], None],
    wait: bool,
) -> None:
    """Write the ready chunks whose turn it is, at their offsets, in order; with ``wait``,
    wait for the turn of every one of them."""
    while ready:
        chunk, blocks = ready[0]
        if not _its_turn(turns, chunk, idle, wait):
            return
        _write_blocks(files, turns, [[block] for block in blocks], idle, then_turn=chunk + 1)
        ready.popleft()


def _its_turn(turns: _Turns, chunk: int, idle: Callable[[], None], wait: bool) -> bool:
    """Whether it is ``chunk``'s turn to be written; with ``wait``, once it is (calling
    ``idle`` now and then meanwhile)."""
    waited = 0.0
    while turns.turn.value != chunk:
        if not wait:
            return False
        time.sleep(_TURN_SLEEP)
        waited += _TURN_SLEEP
        if waited >= _POLL_SECONDS:
            idle()
            waited = 0.0
    return True


def _write_blocks(
    files: list[int],
    turns: _Turns,
    blocks: list[list[bytes]],
    idle: Callable[[], None],
    then_turn: int | None,
) -> None:
    """Write each file's lines at its offset (it must be the writer's turn), then pass the
    turn on to ``then_turn`` (None: keep it, more of the chunk follows)."""
    with turns.locked(idle):
        for index, (handle, lines) in enumerate(zip(files, blocks, strict=True)):
            data = lines[0] if len(lines) == 1 else b"".join(lines)
            _write_at(handle, data, turns.offsets[index])
            turns.offsets[index] += len(data)
        if then_turn is not None:
            turns.turn.value = then_turn


def _write_at(handle: int, data: bytes, offset: int) -> None:
    view = memoryview(data)
    while view:
        count = os.pwrite(handle, view, offset)
        view, offset = view[count:], offset + count


class _SnapshotGuard:
    """That every reader sees the same state: a snapshot they import (PostgreSQL), or a
    watch on SQLite's data_version from before the first reader starts until all have."""

    def __init__(self, engine: Engine) -> None:
        self.snapshot: str | None = None
        self.version: int | None = None
        self.connection = engine.connect()
        if engine.dialect.name == "postgresql":
            self.connection = self.connection.execution_options(isolation_level="REPEATABLE READ")
            self.connection.begin()
            self.snapshot = self.connection.execute(text("SELECT pg_export_snapshot()")).scalar()
        else:
            self.version = self._data_version()

    def _data_version(self) -> int:
        return int(self.connection.exec_driver_sql("PRAGMA data_version").scalar() or 0)

    def registry(self) -> dict[str, Any]:
        """The actor registry in the state every reader sees: read in the snapshot they
        import (PostgreSQL), or while the watch is on (SQLite: a save in the meantime
        restarts the attempt, and this is read again)."""
        with Session(bind=self.connection) as session:
            return registry_document(session)

    def unchanged(self) -> bool:
        """Whether nothing was saved since the guard was made (always, with a snapshot)."""
        return self.version is None or self._data_version() == self.version

    def release(self) -> None:
        """Let go of the snapshot once every reader has taken it."""
        if not self.connection.closed:
            self.connection.close()


def run_worker(number: int, plan: _Plan, turns: _Turns, events: Any) -> None:
    """A worker process: export chunks, telling ``events`` when it has started reading,
    how many records each chunk held, and its summary or what stopped it. It stops when
    the process that started it is gone."""
    parent = parent_process()

    def parent_alive() -> None:
        if parent is not None and not parent.is_alive():
            raise RuntimeError("the exporting process is gone")

    try:
        summary = _export_chunks(
            plan,
            turns,
            lambda: events.put(("started", number, None)),
            lambda count: events.put(("progress", number, count)),
            parent_alive,
        )
        events.put(("done", number, summary))
    except RecordCheckFailed as error:
        events.put(("failed", number, error))
    except Exception as error:  # reported to the process that started this one
        where = traceback.extract_tb(error.__traceback__)[-1]
        events.put(
            (
                "failed",
                number,
                RuntimeError(
                    f"an export worker failed: {type(error).__name__}: {error} "
                    f"({Path(where.filename).name}:{where.lineno}); nothing was written"
                ),
            )
        )
