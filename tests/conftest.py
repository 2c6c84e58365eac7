"""Shared fixtures: a fresh, migrated database per test (SQLite, or PostgreSQL through
TEST_DATABASE_URL), the app, its test client and CLI runner, and users to log in as."""

from __future__ import annotations

import itertools
import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from annotator import create_app
from annotator.accounts import create_token
from annotator.config import normalise_database_url
from annotator.database import make_engine
from annotator.extensions import get_engine, get_session
from annotator.label_defaults import seed_default_labels
from annotator.migrate import upgrade_to_head
from annotator.models import Paragraph, User

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
TEST_PASSWORD = "correct horse battery staple"
# Hashing with scrypt costs tens of milliseconds: hash once for the whole run.
_TEST_PASSWORD_HASH = generate_password_hash(TEST_PASSWORD, method="scrypt")
_COUNTER = itertools.count()


def _postgres_admin_url() -> str | None:
    url = os.environ.get("TEST_DATABASE_URL")
    return normalise_database_url(url) if url else None


def _migrate_and_seed(url: str) -> None:
    engine = make_engine(url)
    try:
        upgrade_to_head(engine)
        with Session(engine) as session:
            seed_default_labels(session)
            session.commit()
    finally:
        engine.dispose()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On the PostgreSQL run, leave out the tests that touch no database engine (pure logic,
    parsers, converters): the SQLite run has already run them, and running them again would
    test nothing new. A test touches an engine when it asks, directly or through a fixture,
    for ``postgres_admin_url``: every fixture that makes a database does."""
    if _postgres_admin_url() is None:
        return
    engine_free = [item for item in items if "postgres_admin_url" not in _fixtures_of(item)]
    if engine_free:
        config.hook.pytest_deselected(items=engine_free)
        left_out = set(engine_free)
        items[:] = [item for item in items if item not in left_out]


def _fixtures_of(item: pytest.Item) -> tuple[str, ...]:
    return tuple(getattr(item, "fixturenames", ()))


@pytest.fixture(scope="session")
def postgres_admin_url() -> str | None:
    """The PostgreSQL server under test (TEST_DATABASE_URL), or None on SQLite. Every fixture
    that makes a database asks for it, and so does every test of engine-specific behaviour:
    that is how the PostgreSQL run knows which tests to run (pytest_collection_modifyitems)."""
    return _postgres_admin_url()


@pytest.fixture(scope="session")
def template_database(
    postgres_admin_url: str | None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A database migrated to head with default labels, copied for every test."""
    admin_url = postgres_admin_url
    if admin_url is None:
        path = tmp_path_factory.mktemp("template") / "template.sqlite3"
        _migrate_and_seed(f"sqlite:///{path}")
        yield str(path)
        return
    name = f"annotator_template_{os.getpid()}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    _migrate_and_seed(make_url(admin_url).set(database=name).render_as_string(hide_password=False))
    yield name
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def new_database(template_database: str, tmp_path: Path) -> Iterator[Callable[[], str]]:
    """Make fresh databases (migrated, labels seeded) on demand; all dropped after the test."""
    admin_url = _postgres_admin_url()
    made: list[str] = []

    def make() -> str:
        if admin_url is None:
            path = tmp_path / f"test-{len(made)}.sqlite3"
            shutil.copyfile(template_database, path)
            made.append(str(path))
            return f"sqlite:///{path}"
        name = f"annotator_test_{os.getpid()}_{next(_COUNTER)}"
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template_database}"'))
        admin.dispose()
        made.append(name)
        return make_url(admin_url).set(database=name).render_as_string(hide_password=False)

    yield make
    if admin_url is not None:
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            for name in made:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def database_url(new_database: Callable[[], str]) -> str:
    """The URL of a fresh database for this test, already migrated and seeded with labels."""
    return new_database()


def build_app(database_url: str, instance: Path) -> Flask:
    """An app for tests on ``database_url``."""
    return create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
            "INSTANCE_PATH": str(instance),
        }
    )


@pytest.fixture
def fresh_app(new_database: Callable[[], str], tmp_path: Path) -> Iterator[Callable[[], Flask]]:
    """Make more apps, each on a database of its own (a second site, an empty install)."""
    apps: list[Flask] = []

    def make() -> Flask:
        made = build_app(new_database(), tmp_path / f"instance-{len(apps) + 1}")
        apps.append(made)
        return made

    yield make
    for made in apps:
        with made.app_context():
            get_engine().dispose()


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """The app on this test's fresh database."""
    app = build_app(database_url, tmp_path / "instance")
    yield app
    with app.app_context():
        get_engine().dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def db(app: Flask) -> Iterator[Session]:
    """A session on the test database, outside any app context.

    Holding an app context open for the whole test would make every test-client
    request share one ``g`` (the logged-in user, the CSRF token, the db session);
    this session is independent of the requests, as a second process would be.
    """
    with app.app_context():
        engine = get_engine()
    session = Session(engine, expire_on_commit=False)
    yield session
    session.close()


@pytest.fixture
def make_user(app: Flask) -> Callable[..., User]:
    """Create a user whose password is TEST_PASSWORD (hashed once per run, for speed)."""

    def make(username: str = "alice", role: str = "annotator", active: bool = True) -> User:
        with app.app_context():
            session = get_session()
            user = User(
                username=username, role=role, active=active, password_hash=_TEST_PASSWORD_HASH
            )
            session.add(user)
            session.commit()
            return user

    return make


@pytest.fixture
def seeded(app: Flask) -> None:
    """The five seed articles and the actor registry, imported."""
    with app.app_context():
        from annotator.ingest import import_paths

        report = import_paths(get_session(), [SEEDS])
        assert not report.rejected, [o.message for o in report.rejected]


def import_article(app: Flask, folder: Path, article_id: str, paragraphs: list[str]) -> list[str]:
    """Import one article of ``paragraphs`` (a JSONL file in ``folder``) through the import
    service; return its paragraphs' ids, in order."""
    import json

    from annotator.ingest import import_paths

    path = folder / f"{article_id}.jsonl"
    article = {"id": article_id, "title": article_id.title(), "text": "\n\n".join(paragraphs)}
    path.write_text(json.dumps(article, ensure_ascii=False) + "\n", encoding="utf-8")
    with app.app_context():
        report = import_paths(get_session(), [path])
        assert not report.rejected, [o.message for o in report.rejected]
    return [f"{article_id}-p{i}" for i in range(len(paragraphs))]


def csrf_token_from(html: str) -> str:
    """The CSRF token of the first form in a page."""
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "no csrf_token in the page"
    return match.group(1)


class AuthActions:
    """Log in and out through the real login form, CSRF token included."""

    def __init__(self, client: FlaskClient) -> None:
        self._client = client

    def login(self, username: str = "alice", password: str = TEST_PASSWORD, next_url: str = ""):
        page = self._client.get("/login")
        token = csrf_token_from(page.get_data(as_text=True))
        url = "/login" + (f"?next={next_url}" if next_url else "")
        return self._client.post(
            url, data={"username": username, "password": password, "csrf_token": token}
        )

    def csrf_token(self) -> str:
        """The CSRF token of the current session, read off a page as the browser would."""
        return csrf_token_from(self._client.get("/documents").get_data(as_text=True))

    def logout(self):
        return self._client.post("/logout", data={"csrf_token": self.csrf_token()})


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def admin_lexicon(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    """``admin_lexicon(cues=..., titles=..., groups=...)``: an admin's lexicon files with these
    texts, named by ANNOTATOR_CUE_LEXICON, ANNOTATOR_TITLE_LEXICON and ANNOTATOR_GROUP_LEXICON
    for the rest of the test (``monkeypatch.delenv`` drops one again)."""
    from annotator.suggestions import lexicon

    settings = {
        "cues": lexicon.CUE_SETTING,
        "titles": lexicon.TITLE_SETTING,
        "groups": lexicon.GROUP_SETTING,
    }

    def write(**texts: str) -> None:
        for kind, words in texts.items():
            path = tmp_path / f"admin_{kind}.txt"
            path.write_text(words, encoding="utf-8")
            monkeypatch.setenv(settings[kind], str(path))

    return write


class Api:
    """A client that calls the API with a Bearer token, as a script would."""

    def __init__(self, client: FlaskClient, token: str) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"}

    def get(self, path: str, **kwargs: Any):
        return self.client.get(path, headers=self.headers, **kwargs)

    def put(self, path: str, body: Any):
        return self.client.put(path, json=body, headers=self.headers)


@pytest.fixture
def api_as(app: Flask, client: FlaskClient, make_user: Callable[..., User]) -> Callable[..., Api]:
    def make(username: str = "alice", role: str = "annotator") -> Api:
        user = make_user(username, role=role)
        with app.app_context():
            session = get_session()
            _, token = create_token(session, session.merge(user))
            session.commit()
        return Api(client, token)

    return make


def _annotate(api: Api, paragraph: Paragraph, status: str = "submitted") -> None:
    """A small but complete annotation: two entities, a quote, a stance."""
    text_ = paragraph.text
    words = text_.split(" ")
    first_end = len(words[0])
    second_start = first_end + 1
    second_end = second_start + len(words[1])
    body = {
        "version": 0,
        "status": status,
        "entities": [
            {"id": "e1", "start": 0, "end": first_end, "label": "PERSON", "actor": None},
            {
                "id": "e2",
                "start": second_start,
                "end": second_end,
                "label": "ARMED_GROUP",
                "actor": "islamic-state",
            },
        ],
        "quotes": [
            {
                "id": "q1",
                "speaker": "e1",
                "cue": None,
                "content": {"start": second_start, "end": len(text_)},
                "type": "INDIRECT",
            }
        ],
        "stances": [
            {
                "id": "s1",
                "holder": "e1",
                "target": {"start": second_start, "end": second_end},
                "polarity": "OPPOSE",
                "quote": "q1",
            }
        ],
    }
    response = api.put(f"/api/paragraphs/{paragraph.id}/annotation", body)
    assert response.status_code == 200, response.get_json()


@pytest.fixture
def annotated(api_as: Callable[..., Api], db: Session, seeded: None) -> dict[str, Any]:
    """alice submits 6 paragraphs over 3 documents and drafts 1; bob submits 2."""
    alice, bob = api_as("alice"), api_as("bob")
    paragraphs = db.scalars(
        select(Paragraph).where(Paragraph.is_boilerplate.is_(False)).order_by(Paragraph.id)
    ).all()
    by_document: dict[str, list[Paragraph]] = {}
    for paragraph in paragraphs:
        by_document.setdefault(paragraph.document_id, []).append(paragraph)
    documents = sorted(by_document)[:3]
    for document_id in documents:
        for paragraph in by_document[document_id][:2]:
            _annotate(alice, paragraph)
    _annotate(alice, by_document[documents[0]][2], status="draft")
    _annotate(bob, by_document[documents[1]][0])
    _annotate(bob, by_document[documents[2]][0])
    return {
        "documents": documents,
        "alice": alice,
        "bob": bob,
        "reviewer": api_as("rita", "reviewer"),
    }
