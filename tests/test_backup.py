"""`annotator backup` and `annotator restore`: a backup taken while annotators save holds every
save acknowledged before it began, with its history, the accounts and the API tokens; a
restore goes only into an empty database, takes only a backup of the right kind, and leaves
the database at the current schema."""

from __future__ import annotations

import itertools
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import MetaData, create_engine, func, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from annotator.config import normalise_database_url
from annotator.database import make_engine
from annotator.extensions import get_engine
from annotator.migrate import alembic_config, head_revision
from annotator.models import Annotation, AnnotationHistory, Paragraph, User

from .conftest import Api, build_app

WRITERS = 4
_COUNTER = itertools.count()
POSTGRES = bool(os.environ.get("TEST_DATABASE_URL"))


@pytest.fixture
def empty_database(tmp_path: Path, postgres_admin_url: str | None) -> Iterator[Callable[[], str]]:
    """Make databases with no tables at all (where a backup is restored); dropped after."""
    admin_url = postgres_admin_url
    made: list[str] = []

    def make() -> str:
        if not admin_url:
            return f"sqlite:///{tmp_path / f'empty-{next(_COUNTER)}.sqlite3'}"
        name = f"annotator_restore_{os.getpid()}_{next(_COUNTER)}"
        admin = create_engine(normalise_database_url(admin_url), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE template0'))
        admin.dispose()
        made.append(name)
        url = make_url(normalise_database_url(admin_url)).set(database=name)
        return url.render_as_string(hide_password=False)

    yield make
    if made:
        admin = create_engine(normalise_database_url(admin_url or ""), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            for name in made:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def app_on(tmp_path: Path) -> Iterator[Callable[[str], Flask]]:
    """Apps on given databases (a restored site), their engines closed after the test."""
    apps: list[Flask] = []

    def make(url: str) -> Flask:
        apps.append(build_app(url, tmp_path / f"instance-{len(apps)}"))
        return apps[-1]

    yield make
    for made in apps:
        with made.app_context():
            get_engine().dispose()


class Writer(threading.Thread):
    """An annotator's script saving their paragraphs in turn, over and over, through the API;
    it records the version of every save the server acknowledged."""

    def __init__(
        self,
        app: Flask,
        username: str,
        api: Api,
        paragraphs: list[str],
        acked: dict[tuple[str, str], int],
        lock: threading.Lock,
    ) -> None:
        super().__init__(name=username, daemon=True)
        self.client = app.test_client()
        self.headers = api.headers
        self.paragraphs = paragraphs
        self.acked = acked
        self.lock = lock
        self.saves = 0
        self.stop = threading.Event()
        self.failure: str | None = None

    def run(self) -> None:
        versions = dict.fromkeys(self.paragraphs, 0)
        for paragraph in itertools.cycle(self.paragraphs):
            if self.stop.is_set():
                return
            body = {"version": versions[paragraph], "status": "draft", "entities": []}
            body |= {"stances": [], "quotes": [], "comment": f"save {versions[paragraph] + 1}"}
            url = f"/api/paragraphs/{paragraph}/annotation"
            response = self.client.put(url, json=body, headers=self.headers)
            if response.status_code != 200:
                self.failure = f"{response.status_code} {response.get_data(as_text=True)}"
                return
            versions[paragraph] = response.get_json()["version"]
            with self.lock:
                self.acked[(paragraph, self.name)] = versions[paragraph]
                self.saves += 1


def _wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 60
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.01)


def test_a_backup_taken_while_annotators_save_restores_every_acknowledged_save(
    app: Flask,
    runner: FlaskCliRunner,
    db: Session,
    seeded: None,
    api_as: Callable[..., Api],
    empty_database: Callable[[], str],
    app_on: Callable[[str], Flask],
    tmp_path: Path,
) -> None:
    """Four annotators save in a loop while the backup runs; restored into a new database,
    every save acknowledged before the backup began is there at that version or later, with
    a history row for each version, and each annotator's token still logs them in."""
    paragraphs = db.scalars(
        select(Paragraph.id).where(Paragraph.is_boilerplate.is_(False)).order_by(Paragraph.id)
    ).all()
    acked: dict[tuple[str, str], int] = {}
    lock = threading.Lock()
    writers = []
    for number in range(WRITERS):
        username = f"writer{number}"
        mine = list(paragraphs[number::WRITERS][:5])
        writers.append(Writer(app, username, api_as(username), mine, acked, lock))
    for writer in writers:
        writer.start()
    try:
        _wait_for(lambda: all(w.saves >= 5 or w.failure for w in writers), "saves before")
        with lock:
            before = dict(acked)
            saves_before = sum(w.saves for w in writers)
        result = runner.invoke(args=["backup", str(tmp_path / "site.backup")])
        assert result.exit_code == 0, result.output
        _wait_for(lambda: sum(w.saves for w in writers) >= saves_before + 20, "saves after")
    finally:
        for writer in writers:
            writer.stop.set()
        for writer in writers:
            writer.join(timeout=30)
    assert not [w.failure for w in writers if w.failure]
    assert "Backed up" in result.output

    restored = app_on(empty_database())
    result = restored.test_cli_runner().invoke(args=["restore", str(tmp_path / "site.backup")])
    assert result.exit_code == 0, result.output
    assert f"schema revision {head_revision()}" in result.output
    with restored.app_context():
        engine = get_engine()
    with Session(engine) as session:
        users = set(session.scalars(select(User.username)))
        assert {w.name for w in writers} <= users
        stored = {
            (paragraph, username): (annotation_id, version)
            for paragraph, username, annotation_id, version in session.execute(
                select(
                    Annotation.paragraph_id, User.username, Annotation.id, Annotation.version
                ).join(User, Annotation.annotator_id == User.id)
            )
        }
        histories: dict[int, list[int]] = {}
        for annotation_id, version in session.execute(
            select(AnnotationHistory.annotation_id, AnnotationHistory.version).order_by(
                AnnotationHistory.annotation_id, AnnotationHistory.version
            )
        ):
            histories.setdefault(annotation_id, []).append(version)
    for key, version in before.items():
        assert key in stored and stored[key][1] >= version, key
    for annotation_id, version in stored.values():
        # Every annotation of the snapshot comes whole: one history row per version.
        assert histories[annotation_id] == list(range(1, version + 1))
    client = restored.test_client()
    for writer in writers:
        me = client.get("/api/me", headers=writer.headers)
        assert me.status_code == 200 and me.get_json()["username"] == writer.name
        paragraph = writer.paragraphs[0]
        answer = client.get(f"/api/paragraphs/{paragraph}", headers=writer.headers).get_json()
        saved = answer["annotation"]
        assert saved["version"] >= before[(paragraph, writer.name)]
        assert saved["comment"] == f"save {saved['version']}"


def _tables(url: str) -> dict[str, int]:
    """Every table of the database with its number of rows."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return {
                name: connection.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one()  # noqa: S608
                for name in inspect(connection).get_table_names()
            }
    finally:
        engine.dispose()


def test_restore_refuses_a_database_that_has_data_and_leaves_it_as_it_was(
    app: Flask, runner: FlaskCliRunner, seeded: None, database_url: str, tmp_path: Path
) -> None:
    """Restoring over a site with documents says so, names the tables, and changes nothing."""
    backup = tmp_path / "site.backup"
    assert runner.invoke(args=["backup", str(backup)]).exit_code == 0
    with app.app_context():
        get_engine().dispose()
    rows = _tables(database_url)
    result = runner.invoke(args=["restore", str(backup)])
    assert result.exit_code == 1
    assert "is not empty" in result.output and "rows in" in result.output
    assert "documents" in result.output or "actors" in result.output
    assert "Restore needs an empty database" in result.output
    with app.app_context():
        get_engine().dispose()
    assert _tables(database_url) == rows


def test_backup_never_overwrites_a_file(runner: FlaskCliRunner, tmp_path: Path) -> None:
    """A second backup to the same name is refused and the first one stays as it was."""
    backup = tmp_path / "site.backup"
    assert runner.invoke(args=["backup", str(backup)]).exit_code == 0
    first = backup.read_bytes()
    result = runner.invoke(args=["backup", str(backup)])
    assert result.exit_code == 1 and "already exists" in result.output
    assert backup.read_bytes() == first
    assert list(tmp_path.glob(".site.backup*")) == []  # no partial file left behind


def _csv_file(path: Path) -> None:
    path.write_text("id,text\n1,hello\n", encoding="utf-8")


def _broken_pg_dump(path: Path) -> None:
    path.write_bytes(b"PGDMP\x01\x0e\x00" + bytes(64))


def _sqlite_file_of_another_app(path: Path) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE notes (body TEXT)")
    connection.close()


@pytest.mark.parametrize(
    ("make_file", "message"),
    [
        (_csv_file, "is not a backup"),
        (_broken_pg_dump, "not a readable backup" if POSTGRES else "a backup of PostgreSQL"),
        (_sqlite_file_of_another_app, "a backup of SQLite" if POSTGRES else "not annotator's"),
    ],
    ids=["csv", "pg-dump-header", "sqlite-of-another-app"],
)
def test_restore_refuses_a_file_that_is_not_a_backup_of_the_right_kind(
    empty_database: Callable[[], str],
    app_on: Callable[[str], Flask],
    tmp_path: Path,
    make_file: Callable[[Path], None],
    message: str,
) -> None:
    """A file that is not an annotator backup for this engine is refused with the reason, and
    the empty database stays empty."""
    url = empty_database()
    restored = app_on(url)
    path = tmp_path / "not-a-backup"
    make_file(path)
    result = restored.test_cli_runner().invoke(args=["restore", str(path)])
    assert result.exit_code == 1
    assert message in result.output and str(path) in result.output
    with restored.app_context():
        get_engine().dispose()
    assert _tables(url) == {}


def _revision_before_head() -> str:
    previous = ScriptDirectory.from_config(alembic_config()).get_revision(head_revision())
    assert isinstance(previous.down_revision, str)
    return previous.down_revision


def test_an_older_backup_is_restored_at_the_current_schema(
    empty_database: Callable[[], str], app_on: Callable[[str], Flask], tmp_path: Path
) -> None:
    """A backup made before the last migration comes back upgraded, its accounts kept."""
    old_url = empty_database()
    engine = make_engine(old_url)
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, _revision_before_head())
    with engine.begin() as connection:
        users = MetaData()
        users.reflect(connection, only=["users"])
        connection.execute(
            users.tables["users"].insert(),
            {"username": "olga", "password_hash": "x", "role": "admin", "active": True}
            | {"created_at": datetime.now(UTC), "session_version": 1},
        )
        older = connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    engine.dispose()
    assert older != head_revision()
    backup = tmp_path / "old.backup"
    assert app_on(old_url).test_cli_runner().invoke(args=["backup", str(backup)]).exit_code == 0

    restored = app_on(empty_database())
    result = restored.test_cli_runner().invoke(args=["restore", str(backup)])
    assert result.exit_code == 0, result.output
    assert f"schema revision {older}, upgraded to {head_revision()}" in result.output
    with restored.app_context():
        engine = get_engine()
    with engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == (
            head_revision()
        )
        assert connection.execute(select(func.count()).select_from(User)).scalar() == 1


@pytest.mark.skipif(not POSTGRES, reason="pg_dump is used on PostgreSQL only")
def test_backup_without_pg_dump_says_what_to_install(
    runner: FlaskCliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the PostgreSQL client tools the backup names the package and writes no file."""
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    result = runner.invoke(args=["backup", str(tmp_path / "site.backup")])
    assert result.exit_code == 1 and "postgresql-client" in result.output
    assert list(tmp_path.glob("*site.backup*")) == []
