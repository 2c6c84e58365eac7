"""Opening a paragraph does not ask the database about the registry each time: the alias
matcher is built once per change of the registry, changes made here show at once and changes
made by another process (a command-line import) within a few seconds."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import Engine, create_engine, event, select
from sqlalchemy.orm import Session

from annotator.extensions import get_engine
from annotator.models import ActorAlias, Paragraph
from annotator.suggestions import service

from .conftest import Api


@contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    """The SQL statements run on ``engine`` while the block runs."""
    seen: list[str] = []

    def executed(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", executed)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", executed)


def _offered(api: Api, paragraph_id: str) -> set[str]:
    body = api.get(f"/api/paragraphs/{paragraph_id}").get_json()
    return {s["text"] for s in body["suggestions"]["entities"]}


def test_the_registry_is_read_once_per_change_not_per_paragraph(
    app: Flask,
    api_as: Callable[..., Api],
    db: Session,
    seeded: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Paragraph after paragraph, no query reads or counts the whole registry; an alias
    added by another process is offered once the matcher looks again."""
    api = api_as("alice")
    paragraph = db.scalar(select(Paragraph).where(Paragraph.text.contains("refugee camp")))
    assert paragraph is not None
    assert "refugee camp" not in _offered(api, paragraph.id)
    with app.app_context():
        engine = get_engine()
    with statements(engine) as seen:
        for _ in range(3):
            _offered(api, paragraph.id)
    # Reading the aliases of the actors offered is the page's own business; reading (or
    # counting) the whole registry is what must not happen per paragraph.
    whole = [s for s in seen if "actor_aliases" in s and "actor_aliases.actor_key IN" not in s]
    assert not whole, whole
    other_process = create_engine(engine.url)
    with Session(other_process) as session:
        session.add(ActorAlias(actor_key="unrwa", alias="refugee camp", normalised="refugee camp"))
        session.commit()
    other_process.dispose()
    monkeypatch.setattr(service, "RECHECK_SECONDS", 0.0)
    assert "refugee camp" in _offered(api, paragraph.id)
