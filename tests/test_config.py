"""Configuration: the secret key, the database URL and the SQLite pragmas."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from annotator import create_app
from annotator.config import ConfigurationError, normalise_database_url
from annotator.extensions import get_engine


def test_importing_the_package_has_no_side_effects(tmp_path: Path) -> None:
    """`import annotator` creates no files and opens no database."""
    env = {**os.environ, "ANNOTATOR_INSTANCE_PATH": str(tmp_path / "instance")}
    subprocess.run([sys.executable, "-c", "import annotator, annotator.cli"], env=env, check=True)
    assert not (tmp_path / "instance").exists()


def test_secret_key_is_generated_once_with_mode_0600(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without SECRET_KEY, a random key is kept in the instance folder, readable by its owner only."""
    monkeypatch.delenv("SECRET_KEY", raising=False)
    config = {"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": "sqlite://"}
    first = create_app(config)
    key_file = tmp_path / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    second = create_app(config)
    assert first.secret_key == second.secret_key
    assert len(first.secret_key) >= 32


def test_secret_key_from_environment_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """SECRET_KEY in the environment is used and nothing is written."""
    monkeypatch.setenv("SECRET_KEY", "from-the-environment-0123456789abcdef")
    app = create_app({"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": "sqlite://"})
    assert app.secret_key == "from-the-environment-0123456789abcdef"
    assert not (tmp_path / "secret_key").exists()


def test_database_url_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """DATABASE_URL selects the database; the default is SQLite in the instance folder."""
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    default = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert default.config["DATABASE_URL"] == f"sqlite:///{tmp_path / 'annotator.sqlite3'}"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'other.db'}")
    chosen = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert chosen.config["DATABASE_URL"].endswith("other.db")


@pytest.mark.parametrize(
    "url", ["postgres://u@h/db", "postgresql://u@h/db", "postgresql+psycopg://u@h/db"]
)
def test_postgres_urls_use_psycopg3(url: str) -> None:
    """Every common spelling of a PostgreSQL URL ends up on psycopg 3."""
    assert normalise_database_url(url) == "postgresql+psycopg://u@h/db"


def test_sqlite_runs_with_wal_foreign_keys_and_busy_timeout(tmp_path: Path) -> None:
    """The embedded database is opened for concurrent use and enforces foreign keys."""
    app = create_app(
        {
            "INSTANCE_PATH": str(tmp_path),
            "SECRET_KEY": "x" * 40,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        }
    )
    with app.app_context(), get_engine().connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 5000
        get_engine().dispose()


def test_templates_are_found_from_the_checkout() -> None:
    """The app renders templates from the top-level templates/ folder."""
    from annotator.resources import resource_dir

    assert (resource_dir("templates") / "base.html").is_file()
    assert (resource_dir("migrations") / "env.py").is_file()


@pytest.mark.parametrize("source", ["environment", "config"])
def test_a_short_secret_key_stops_the_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str
) -> None:
    """SECRET_KEY=x would let anyone forge a session cookie offline: the server refuses to
    start and says how to make a good one."""
    config = {"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": "sqlite://"}
    if source == "environment":
        monkeypatch.setenv("SECRET_KEY", "x")
    else:
        config["SECRET_KEY"] = "y" * 31
    with pytest.raises(
        ConfigurationError,
        match=r"SECRET_KEY is (1 character|31 characters) long; it needs at least 32",
    ):
        create_app(config)


def test_the_sqlite_database_is_created_readable_by_its_owner_only(tmp_path: Path) -> None:
    """The database holds password hashes and everyone's work: 0600, its WAL files too."""
    app = create_app(
        {
            "INSTANCE_PATH": str(tmp_path),
            "SECRET_KEY": "x" * 40,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        }
    )
    with app.app_context(), get_engine().begin() as connection:
        connection.execute(text("CREATE TABLE t (x INTEGER)"))
        connection.execute(text("INSERT INTO t VALUES (1)"))
        files = sorted(tmp_path.glob("db.sqlite3*"))
        assert [f.name for f in files] == ["db.sqlite3", "db.sqlite3-shm", "db.sqlite3-wal"]
        for path in files:
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
        get_engine().dispose()


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("ANNOTATOR_LOGIN_FAILURES_PER_ACCOUNT", "ten a minute"),
        ("ANNOTATOR_LOGIN_FAILURES_PER_ADDRESS", "0 per hour"),
    ],
)
def test_a_login_setting_that_does_not_parse_stops_the_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    """A typo in a throttle setting is caught at startup, naming the variable, instead of
    leaving logins unthrottled or refusing everyone."""
    monkeypatch.setenv(variable, value)
    config = {"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": "sqlite://", "SECRET_KEY": "x" * 40}
    with pytest.raises(ConfigurationError, match=variable):
        create_app(config)
