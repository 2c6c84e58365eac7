"""``annotator backup FILE`` and ``annotator restore FILE``: the whole database in one file,
taken while the server runs, and put back into an empty database at the current schema.

SQLite is copied with its online backup API (one read transaction: a consistent snapshot,
while writers go on in WAL mode); PostgreSQL with ``pg_dump --format=custom`` and
``pg_restore``, the PostgreSQL client tools, which must be on PATH.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import Engine, inspect, text
from sqlalchemy.engine import URL

from ..config import SECRET_KEY_FILE
from ..extensions import get_engine
from ..migrate import alembic_config, upgrade_to_head

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
KINDS = {"sqlite": "an SQLite database file", "postgresql": "a pg_dump custom-format file"}
ENGINES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
# The one row of alembic_version in `pg_restore --data-only --table=alembic_version -f -`.
_PG_REVISION = re.compile(r"^COPY public\.alembic_version .*? FROM stdin;\n([^\n]+)\n", re.M)


class BackupError(click.ClickException):
    """A backup or restore that cannot be done; the message says why and what to do."""


def backup_database(engine: Engine, target: Path) -> None:
    """Write a consistent copy of the database behind ``engine`` to ``target``, a new file
    (backups are never overwritten); a failed backup leaves no file behind."""
    if target.exists():
        raise BackupError(f"{target} already exists: backups are never overwritten")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    # Readable by its owner only, as the instance folder's key: it holds every password hash.
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        if engine.dialect.name == "sqlite":
            _backup_sqlite(_sqlite_path(engine, must_exist=True), partial)
        else:
            _run_pg_tool(engine, ["pg_dump", "--format=custom", f"--file={partial}"])
        os.link(partial, target)  # unlike a rename, never replaces a file made meanwhile
    except FileExistsError:
        raise BackupError(f"{target} already exists: backups are never overwritten") from None
    finally:
        partial.unlink(missing_ok=True)


def restore_database(engine: Engine, source: Path) -> tuple[str, str]:
    """Restore ``source`` (a file ``backup_database`` wrote) into the empty database behind
    ``engine`` and upgrade it to the newest schema; return the backup's revision and the
    database's now. Refuses a file of another kind or schema, and a database with tables."""
    kind = engine.dialect.name
    revision = backup_revision(source, kind)
    refuse_unless_empty(engine)
    if kind == "sqlite":
        engine.dispose()  # no pooled connection sees the file change under it
        _restore_sqlite(source, _sqlite_path(engine, must_exist=False))
    else:
        _run_pg_tool(
            engine,
            ["pg_restore", "--exit-on-error", "--single-transaction", "--no-owner"]
            + ["--no-privileges", str(source)],
        )
    _, after = upgrade_to_head(engine)
    return revision, after


def backup_revision(source: Path, kind: str) -> str:
    """The schema revision ``source`` was taken at, once it is known to be an annotator
    backup of ``kind`` ("sqlite" or "postgresql") that this version can upgrade."""
    if not source.is_file():
        raise BackupError(f"{source}: no such file")
    with source.open("rb") as handle:
        head = handle.read(len(SQLITE_MAGIC))
    magics = {"sqlite": SQLITE_MAGIC, "postgresql": PG_DUMP_MAGIC}
    found = next((k for k, magic in magics.items() if head.startswith(magic)), None)
    if found is None:
        raise BackupError(f"{source} is not a backup: expected {KINDS[kind]} made by backup")
    if found != kind:
        raise BackupError(
            f"{source} is {KINDS[found]}, a backup of {ENGINES[found]}, but DATABASE_URL names "
            f"{ENGINES[kind]}: restore the file into {ENGINES[found]}"
        )
    revision = _sqlite_revision(source) if kind == "sqlite" else _pg_dump_revision(source)
    if revision is None:
        raise BackupError(
            f"{source} is {KINDS[kind]} but not annotator's: it has no schema revision"
        )
    if revision not in _known_revisions():
        raise BackupError(
            f"{source} has schema revision {revision}, which this annotator does not know: "
            "it was made by a newer version; upgrade annotator first"
        )
    return revision


def refuse_unless_empty(engine: Engine) -> None:
    """Stop unless the database has no tables: a restore never mixes a backup with data."""
    if engine.dialect.name == "sqlite":
        _sqlite_path(engine, must_exist=False).parent.mkdir(parents=True, exist_ok=True)
    tables = sorted(inspect(engine).get_table_names())
    if not tables:
        return
    with engine.connect() as connection:
        quote = engine.dialect.identifier_preparer.quote
        holding = [
            name
            for name in tables
            if connection.execute(text(f"SELECT 1 FROM {quote(name)} LIMIT 1")).first()  # noqa: S608
        ]
    what = (
        f"rows in {', '.join(holding[:5])}{' and more' if len(holding) > 5 else ''}"
        if holding
        else "no rows: did `annotator init` or `make run` create them?"
    )
    raise BackupError(
        f"{describe(engine)} is not empty ({len(tables)} tables, {what}). Restore needs an "
        "empty database: point DATABASE_URL at a new one (SQLite: a file that does not exist "
        "yet; PostgreSQL: createdb NAME) and run restore before anything else"
    )


def describe(engine: Engine) -> str:
    """The database as a message names it: its file, or its URL without the password."""
    if engine.dialect.name == "sqlite":
        return str(_sqlite_path(engine, must_exist=False))
    return engine.url.render_as_string(hide_password=True)


def _known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {
        step.revision for step in ScriptDirectory.from_config(alembic_config()).walk_revisions()
    }


def _sqlite_path(engine: Engine, *, must_exist: bool) -> Path:
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise BackupError("only an SQLite database in a file can be backed up or restored")
    path = Path(database)
    if must_exist and not path.is_file():
        raise BackupError(f"no database at {path}: nothing to back up")
    return path


def _backup_sqlite(database: Path, partial: Path) -> None:
    with closing(sqlite3.connect(database, timeout=30)) as live:
        with closing(sqlite3.connect(partial)) as copy:
            # One step (pages=-1) reads every page in one read transaction: a snapshot of the
            # commits made before it began, while WAL lets the server's writers go on.
            live.backup(copy)
            # The copy is one self-contained file, with no -wal beside it.
            copy.execute("PRAGMA journal_mode=DELETE")


def _restore_sqlite(source: Path, database: Path) -> None:
    with closing(sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)) as backup:
        with closing(sqlite3.connect(database, timeout=30)) as target:
            # Written straight into the file, not through the WAL: twice as fast.
            target.execute("PRAGMA journal_mode=DELETE")
            backup.backup(target)  # all or nothing: written in one transaction
            target.execute("PRAGMA journal_mode=WAL")
    database.chmod(0o600)  # as the server makes it: it holds every password hash


def _sqlite_revision(source: Path) -> str | None:
    uri = f"{source.resolve().as_uri()}?mode=ro"
    try:
        with closing(sqlite3.connect(uri, uri=True)) as backup:
            row = backup.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError:
        return None
    return row[0] if row else None


def _pg_dump_revision(source: Path) -> str | None:
    data = _run(
        ["pg_restore", "--data-only", "--table=alembic_version", "--file=-", str(source)],
        failure=f"{source} is not a readable backup",
    )
    match = _PG_REVISION.search(data)
    return match.group(1) if match and match.group(1) != "\\." else None


def _run_pg_tool(engine: Engine, command: list[str]) -> str:
    """Run pg_dump or pg_restore on the database behind ``engine``: the password goes in the
    environment (never on a command line others can list), and nothing waits for a prompt."""
    url: URL = engine.url.set(drivername="postgresql", password=None)
    env = dict(os.environ)
    if engine.url.password is not None:
        env["PGPASSWORD"] = str(engine.url.password)
    database = f"--dbname={url.render_as_string(hide_password=False)}"
    return _run([command[0], "--no-password", database, *command[1:]], env)


def _run(command: list[str], env: dict[str, str] | None = None, failure: str = "") -> str:
    """Run a PostgreSQL client tool; a failure is a ``BackupError`` with ``failure`` (or the
    tool's name) and what the tool said."""
    program = shutil.which(command[0])
    if program is None:
        raise BackupError(
            f"{command[0]} is not on PATH: install the PostgreSQL client tools of the server's "
            "major version or newer (Debian, Ubuntu: apt-get install postgresql-client)"
        )
    done = subprocess.run(  # noqa: S603 - our arguments, no shell
        [program, *command[1:]], capture_output=True, text=True, env=env, check=False
    )
    if done.returncode != 0:
        said = done.stderr.strip() or f"exit status {done.returncode}"
        raise BackupError(f"{failure or command[0] + ' failed'}: {said}")
    return done.stdout


@click.command("backup")
@with_appcontext
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(file: Path) -> None:
    """Back the whole database up to FILE (a new file), safely while the server runs."""
    engine = get_engine()
    backup_database(engine, file)
    size = file.stat().st_size / 1e6
    click.echo(f"Backed up {describe(engine)} to {file} ({size:.1f} MB).")
    key = Path(current_app.instance_path) / SECRET_KEY_FILE
    if key.exists() and not os.environ.get("SECRET_KEY"):
        click.echo(f"Keep {key} with it: without that key everyone logs in again after a restore.")


@click.command("restore")
@with_appcontext
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def restore_command(file: Path) -> None:
    """Restore FILE (made by `annotator backup`) into an empty database, then upgrade it."""
    engine = get_engine()
    revision, now = restore_database(engine, file)
    upgraded = "" if revision == now else f", upgraded to {now}"
    click.echo(f"Restored {file} into {describe(engine)} (schema revision {revision}{upgraded}).")


COMMANDS = (backup_command, restore_command)
