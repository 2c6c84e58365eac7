"""An actor holds at most 200 aliases (ANNOTATOR_MAX_ALIASES_PER_ACTOR): a registry file over
the bound is refused naming the file and the actor, and so is the API; nothing is stored."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from annotator.ingest import import_paths
from annotator.models import Actor, ActorAlias

from .conftest import Api


def _registry(path: Path, *actors: dict[str, Any]) -> Path:
    path.write_bytes(orjson.dumps({"schema": "annotator.actors.v1", "actors": list(actors)}))
    return path


def _actor(key: str, aliases: int, start: int = 0) -> dict[str, Any]:
    return {
        "key": key,
        "name": key.title(),
        "type": "MEDIA",
        "aliases": [f"{key} outlet {i}" for i in range(start, start + aliases)],
    }


def _aliases(db: Session) -> int:
    db.rollback()
    return db.scalar(select(func.count()).select_from(ActorAlias)) or 0


def test_a_registry_with_an_actor_over_the_bound_is_refused_whole(
    db: Session, tmp_path: Path
) -> None:
    """199 aliases and the name fit (spellings that normalise alike, "Small outlet 0" and
    "small-outlet-0", count once); 200 and the name do not, and the file names the actor."""
    small = _actor("small", 199)
    small["aliases"] += [alias.upper().replace(" ", "-") for alias in small["aliases"]]
    fits = _registry(tmp_path / "fits.json", small)
    report = import_paths(db, [fits])
    assert not report.rejected, report.files[0].message
    path = _registry(tmp_path / "actors.json", _actor("fine", 3), _actor("big", 200))
    report = import_paths(db, [path])
    assert report.files[0].message == (
        f"{path}: $.actors[1].aliases: actor 'big' would have 201 aliases (its name among "
        "them); an actor may have at most 200 (ANNOTATOR_MAX_ALIASES_PER_ACTOR)"
    )
    assert db.get(Actor, "fine") is None and _aliases(db) == 200


def test_a_registry_growing_an_actor_past_the_bound_is_refused(
    db: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bound is configurable; aliases a second file adds count with those stored."""
    monkeypatch.setenv("ANNOTATOR_MAX_ALIASES_PER_ACTOR", "10")
    first = _registry(tmp_path / "first.json", _actor("afp", 6))
    assert not import_paths(db, [first]).rejected
    second = _registry(tmp_path / "second.json", _actor("afp", 4, start=6))
    report = import_paths(db, [second])
    assert "$.actors[0].aliases: actor 'afp' would have 11 aliases" in report.files[0].message
    assert "at most 10" in report.files[0].message
    assert _aliases(db) == 7


def test_the_api_refuses_an_actor_or_alias_over_the_bound(
    api_as: Callable[..., Api], db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Creating an actor with too many aliases, or proposing one more to a full actor, is a
    422 naming the field; nothing is added."""
    monkeypatch.setenv("ANNOTATOR_MAX_ALIASES_PER_ACTOR", "3")
    reviewer = api_as("rita", "reviewer")
    body = {
        "name": "Sana",
        "type": "MEDIA",
        "aliases": ["SANA agency", "Syrian Arab News", "Sana news"],
    }
    refused = reviewer.client.post("/api/actors", json=body, headers=reviewer.headers)
    assert refused.status_code == 422
    assert refused.get_json()["errors"] == [
        {
            "path": "aliases",
            "message": "actor 'sana' would have 4 aliases (its name among them); an actor may "
            "have at most 3 (ANNOTATOR_MAX_ALIASES_PER_ACTOR)",
        }
    ]
    assert db.get(Actor, "sana") is None
    body["aliases"] = ["Syrian Arab News", "Sana news"]
    created = reviewer.client.post("/api/actors", json=body, headers=reviewer.headers)
    assert created.status_code == 201, created.get_json()
    more = reviewer.client.post(
        "/api/actors/sana/aliases", json={"alias": "Syrian news agency"}, headers=reviewer.headers
    )
    assert more.status_code == 422
    assert more.get_json()["errors"][0]["path"] == "alias"
    assert "Sana has 3 aliases" in more.get_json()["errors"][0]["message"]
    assert _aliases(db) == 3


def test_a_bound_that_is_not_a_number_stops_the_server_at_start(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A typo in the setting is named when the server starts, not on some later request."""
    from annotator import create_app
    from annotator.config import ConfigurationError

    monkeypatch.setenv("ANNOTATOR_MAX_ALIASES_PER_ACTOR", "two hundred")
    with pytest.raises(ConfigurationError, match="ANNOTATOR_MAX_ALIASES_PER_ACTOR='two hundred'"):
        create_app(
            {
                "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
                "SECRET_KEY": "k" * 40,
                "INSTANCE_PATH": str(tmp_path),
            }
        )
