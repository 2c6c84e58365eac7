"""Large exports written by worker processes: the same bytes as one process writes, the
same refusals, progress that adds up, and a consistent read of the database."""

from __future__ import annotations

import os
from collections import deque
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from annotator.database import get_engine, get_session
from annotator.export import ExportFilters, SplitSpec, parallel, write_export
from annotator.export.records import id_extent
from annotator.export.service import ExportSummary
from annotator.models import Annotation

from .test_export import _check_lines, export_while_an_actor_is_renamed


@pytest.fixture
def in_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Exports of any size go to two worker processes that do all the reading and writing,
    in chunks of two annotation ids: every chunk boundary and the turn-taking between
    processes is exercised."""
    monkeypatch.setattr(parallel, "PARALLEL_MIN_RECORDS", 1)
    monkeypatch.setattr(parallel, "CHUNK_RECORDS", 2)
    monkeypatch.setattr(parallel, "EXPORT_HERE_TOO", False)
    monkeypatch.setenv("ANNOTATOR_EXPORT_WORKERS", "3")


def _alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANNOTATOR_EXPORT_WORKERS", "1")


def _shared(monkeypatch: pytest.MonkeyPatch, here_too: bool) -> None:
    monkeypatch.setattr(parallel, "PARALLEL_MIN_RECORDS", 1)
    monkeypatch.setattr(parallel, "CHUNK_RECORDS", 2)
    monkeypatch.setattr(parallel, "EXPORT_HERE_TOO", here_too)
    monkeypatch.setenv("ANNOTATOR_EXPORT_WORKERS", "2" if here_too else "3")


def _export(runner: FlaskCliRunner, out: Path, *options: str) -> str:
    result = runner.invoke(args=["export", "--out", str(out), *options])
    assert result.exit_code == 0, result.output
    return result.output


def _files(path: Path) -> dict[str, bytes]:
    if path.is_dir():
        return {child.name: child.read_bytes() for child in sorted(path.iterdir())}
    return {path.name: path.read_bytes()}


@pytest.mark.parametrize("here_too", [False, True], ids=["workers only", "here and a worker"])
@pytest.mark.parametrize(
    "options",
    [
        (),
        ("--status", "all", "--split", "80/10/10"),
        ("--split", "50/25/25", "--split-files"),
        ("--format", "prodigy"),
        ("--format", "doccano", "--annotator", "alice"),
    ],
    ids=["annotator", "all-split", "split-files", "prodigy", "doccano-alice"],
)
def test_workers_write_what_one_process_writes(
    runner: FlaskCliRunner,
    annotated: dict[str, Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    options: tuple[str, ...],
    here_too: bool,
) -> None:
    """Byte for byte the same files, and the same counts reported."""
    _alone(monkeypatch)
    alone = _export(runner, tmp_path / "alone.jsonl", *options)
    _shared(monkeypatch, here_too)
    shared = _export(runner, tmp_path / "shared.jsonl", *options)
    expected = _files(tmp_path / "alone.jsonl")
    assert any(expected.values())
    assert list(_files(tmp_path / "shared.jsonl").values()) == list(expected.values())
    assert shared.replace("shared", "alone") == alone
    if not options:
        records = _check_lines((tmp_path / "shared.jsonl").read_bytes().splitlines())
        assert len(records) == 8


def test_a_bad_span_in_a_worker_aborts_the_export(
    runner: FlaskCliRunner, annotated: dict[str, Any], tmp_path: Path, db: Session, in_workers: None
) -> None:
    """A worker meeting a corrupted record stops the whole export: named, and no file."""
    victim = db.scalars(select(Annotation).order_by(Annotation.id.desc())).first()
    stored = victim.record_layers.replace('"start":', '"start":1', 1)
    db.execute(update(Annotation).where(Annotation.id == victim.id).values(record_layers=stored))
    db.commit()
    out = tmp_path / "broken.jsonl"
    result = runner.invoke(args=["export", "--out", str(out), "--status", "all"])
    assert result.exit_code != 0
    assert f"{victim.paragraph_id}/" in result.output and "entities.e1" in result.output
    assert not out.exists() and not list(tmp_path.glob(".export-*"))


@pytest.mark.parametrize("here_too", [False, True], ids=["workers only", "here and a worker"])
def test_progress_adds_up_to_the_records_written(
    app: Flask,
    annotated: dict[str, Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    here_too: bool,
) -> None:
    """The progress a terminal shows reaches exactly the number of records written (what
    this process wrote before the workers had started included, once they have)."""
    _shared(monkeypatch, here_too)
    heard: list[int] = []
    with app.app_context():
        result = write_export(
            get_session(),
            ExportFilters(status="all"),
            "annotator",
            tmp_path / "progress.jsonl",
            SplitSpec.parse("80/10/10"),
            on_records=heard.append,
        )
    assert result.summary.records == 9
    assert sum(heard) == 9
    assert sum(result.summary.per_split.values()) == 9


@pytest.mark.parametrize("here_too", [False, True], ids=["workers only", "here and a worker"])
def test_workers_write_the_registry_their_records_were_read_with(
    app: Flask,
    annotated: dict[str, Any],
    tmp_path: Path,
    db: Session,
    monkeypatch: pytest.MonkeyPatch,
    here_too: bool,
) -> None:
    """An actor renamed once the workers are under way keeps its earlier name in the
    records and in the registry beside them alike."""
    _shared(monkeypatch, here_too)
    in_records, in_registry = export_while_an_actor_is_renamed(app, db, tmp_path / "a.jsonl")
    assert in_records == {"islamic-state": "Islamic State"}
    assert in_registry["islamic-state"] == "Islamic State"


def _comment_first_and_last(db: Session, comment: str) -> None:
    """Change the first and the last annotation: read by different chunks, at different
    times, so an export that read part before and part after would hold one of each."""
    ids = db.scalars(select(Annotation.id).order_by(Annotation.id)).all()
    for annotation_id in (ids[0], ids[-1]):
        db.execute(update(Annotation).where(Annotation.id == annotation_id).values(comment=comment))
    db.commit()


def test_an_export_reads_one_state_of_the_database(
    runner: FlaskCliRunner,
    annotated: dict[str, Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    db: Session,
    in_workers: None,
) -> None:
    """Saves landing while the workers start never give an export that mixes states: on
    PostgreSQL the workers share the snapshot taken before (the saves are not in it); on
    SQLite the workers see the change and start again, on a clean file."""
    monkeypatch.setenv("ANNOTATOR_EXPORT_WORKERS", "1")
    _export(runner, tmp_path / "before.jsonl", "--status", "all")
    monkeypatch.setenv("ANNOTATOR_EXPORT_WORKERS", "3")
    checks: list[bool] = []
    unchanged = parallel._SnapshotGuard.unchanged

    def save_then_check(guard: parallel._SnapshotGuard) -> bool:
        if not checks:
            _comment_first_and_last(db, "saved while the export started")
        checks.append(unchanged(guard))
        return checks[-1]

    monkeypatch.setattr(parallel._SnapshotGuard, "unchanged", save_then_check)
    _export(runner, tmp_path / "during.jsonl", "--status", "all")
    monkeypatch.setenv("ANNOTATOR_EXPORT_WORKERS", "1")
    _export(runner, tmp_path / "after.jsonl", "--status", "all")
    during = (tmp_path / "during.jsonl").read_bytes()
    if db.get_bind().dialect.name == "postgresql":
        assert checks == [True]
        assert during == (tmp_path / "before.jsonl").read_bytes()
    else:
        assert checks == [False, True]
        assert during == (tmp_path / "after.jsonl").read_bytes()
    assert during.count(b"saved while the export started") in (0, 2)


def test_a_database_that_keeps_changing_is_exported_by_one_process(
    runner: FlaskCliRunner,
    annotated: dict[str, Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    in_workers: None,
) -> None:
    """After three starts that each saw a change, one process exports, from a clean slate."""
    monkeypatch.setenv("ANNOTATOR_EXPORT_WORKERS", "1")
    _export(runner, tmp_path / "expected", "--split", "80/10/10", "--split-files")
    monkeypatch.setenv("ANNOTATOR_EXPORT_WORKERS", "3")
    checks: list[bool] = []
    monkeypatch.setattr(parallel._SnapshotGuard, "unchanged", lambda guard: checks.append(False))
    _export(runner, tmp_path / "changing", "--split", "80/10/10", "--split-files")
    assert len(checks) == 3
    assert _files(tmp_path / "changing") == _files(tmp_path / "expected")


def test_chunks_finished_out_of_order_are_written_in_order(tmp_path: Path) -> None:
    """Whichever process finishes a chunk first, the file holds the chunks in id order."""
    target = tmp_path / "chunks.jsonl"
    target.write_bytes(b"")
    turns = parallel._Turns.make(get_context("spawn"), 1)
    handle = os.open(target, os.O_WRONLY)
    try:
        late = deque([(1, [b"second\n"]), (2, [b"third\n"])])
        parallel._write_due(late, [handle], turns, lambda: None, wait=False)
        assert target.read_bytes() == b"" and len(late) == 2  # not its turn: kept, not waited
        parallel._write_due(deque([(0, [b"first\n"])]), [handle], turns, lambda: None, wait=True)
        parallel._write_due(late, [handle], turns, lambda: None, wait=True)
    finally:
        os.close(handle)
    assert target.read_bytes() == b"first\nsecond\nthird\n"
    assert turns.turn.value == 3


def test_a_reader_keeps_its_snapshot_across_chunks(
    app: Flask,
    annotated: dict[str, Any],
    tmp_path: Path,
    db: Session,
    monkeypatch: pytest.MonkeyPatch,
    runner: FlaskCliRunner,
) -> None:
    """A save landing after a reader's first chunk is in none of its chunks: every chunk a
    reader takes comes from the state its first read saw."""
    monkeypatch.setenv("ANNOTATOR_EXPORT_WORKERS", "1")
    _export(runner, tmp_path / "before.jsonl", "--status", "all")
    target = tmp_path / "chunks.jsonl"
    target.write_bytes(b"")
    saved: list[str] = []

    def save_once() -> None:
        if not saved:
            _comment_first_and_last(db, "saved after the first chunk")
            saved.append("saved")

    with app.app_context():
        engine = get_engine()
        _, first_id, last_id = id_extent(get_session(), ExportFilters(status="all"))
        guard = parallel._SnapshotGuard(engine)
        try:
            plan = parallel._Plan(
                database_url=engine.url.render_as_string(hide_password=False),
                snapshot=guard.snapshot,
                filters=ExportFilters(status="all"),
                first_id=first_id,
                last_id=last_id,
                width=2,
                format_="annotator",
                split=None,
                split_files=False,
                files=[target],
            )
            turns = parallel._Turns.make(get_context("spawn"), 1)
            summary = parallel._export_chunks(plan, turns, lambda: None, lambda _: None, save_once)
        finally:
            guard.release()
    assert saved and summary.records == 9 and turns.taken.value >= 5
    assert target.read_bytes() == (tmp_path / "before.jsonl").read_bytes()


def _worker_that_finds_nothing_left(number: int, plan: Any, turns: Any, events: Any) -> None:
    """A worker that starts after the exporting process has taken every chunk."""
    events.put(("started", number, None))
    events.put(("done", number, ExportSummary()))


def _worker_that_dies(number: int, plan: Any, turns: Any, events: Any) -> None:
    """A worker killed at once (say, by the out-of-memory killer)."""
    os._exit(9)


def _worker_that_dies_holding_the_lock(number: int, plan: Any, turns: Any, events: Any) -> None:
    """A worker killed in the middle of writing a chunk, the shared lock in its hands."""
    turns.lock.acquire()
    os._exit(9)


@pytest.mark.parametrize("worker", [_worker_that_dies, _worker_that_dies_holding_the_lock])
def test_a_worker_that_dies_fails_the_export_without_hanging(
    runner: FlaskCliRunner,
    annotated: dict[str, Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    worker: Any,
) -> None:
    """The export stops with a clear message and leaves no file, whatever the worker held."""
    _shared(monkeypatch, here_too=True)
    monkeypatch.setattr(parallel, "run_worker", worker)
    out = tmp_path / "orphaned.jsonl"
    result = runner.invoke(args=["export", "--out", str(out)])
    assert result.exit_code != 0
    assert "worker process stopped unexpectedly" in result.output
    assert not out.exists() and not list(tmp_path.glob(".export-*"))


@pytest.mark.parametrize("options", [(), ("--split", "50/25/25", "--split-files")])
def test_a_chunk_holding_more_than_it_should_is_written_out_as_it_is_read(
    runner: FlaskCliRunner,
    annotated: dict[str, Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    options: tuple[str, ...],
) -> None:
    """Where ids are spread unevenly a chunk may hold far more records than planned: its
    lines go out in its turn as they are read, and the file is still the same."""
    _alone(monkeypatch)
    _export(runner, tmp_path / "alone", *options)
    _shared(monkeypatch, here_too=True)
    monkeypatch.setattr(parallel, "CHUNK_RECORDS", 4)
    monkeypatch.setattr(parallel, "_CHUNK_BYTES", 1)  # every line overflows its chunk
    # Every chunk read here, where the settings above hold (a worker starts afresh).
    monkeypatch.setattr(parallel, "run_worker", _worker_that_finds_nothing_left)
    _export(runner, tmp_path / "streamed", *options)
    expected = list(_files(tmp_path / "alone").values())
    assert any(expected) and list(_files(tmp_path / "streamed").values()) == expected
