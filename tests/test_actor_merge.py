"""Merging, editing and browsing the actor registry: what a reviewer notices when a duplicate
actor is merged away (every mention relinked with its history, old exports still import),
when an edit or merge is refused, and what the registry page counts and shows."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from annotator import actor_merge
from annotator.annotation.store import read_payload
from annotator.extensions import get_session
from annotator.models import (
    Actor,
    ActorAlias,
    Annotation,
    AnnotationEntity,
    AnnotationHistory,
    LearnedSpan,
    Paragraph,
    PreAnnotation,
    User,
)
from annotator.registry import registry_document, registry_generation
from annotator.registry_browse import browse

from .conftest import Api, AuthActions


def _post(api: Api, path: str, body: Any) -> Any:
    return api.client.post(path, json=body, headers=api.headers)


def _linking(db: Session, key: str) -> set[int]:
    """The annotations whose entity rows link ``key``."""
    db.expire_all()
    return set(
        db.scalars(select(AnnotationEntity.annotation_id).where(AnnotationEntity.actor_key == key))
    )


def _versions(db: Session) -> dict[int, int]:
    db.expire_all()
    return dict(db.execute(select(Annotation.id, Annotation.version)).all())


def _history_count(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(AnnotationHistory)) or 0


@pytest.fixture
def duplicate(annotated: dict[str, Any], db: Session) -> dict[str, Any]:
    """A reviewer entered the Islamic State twice ("daesh-dup"); one gold annotation and one
    imported pre-annotation link the original too."""
    rita = annotated["reviewer"]
    created = _post(
        rita,
        "/api/actors",
        {"name": "Daesh (dup)", "type": "REBEL_GROUP", "aliases": ["Tanzim"], "key": "daesh-dup"},
    )
    assert created.status_code == 201, created.get_json()
    # bob and alice both submitted this paragraph: a reviewer settles it into gold.
    bob_ids = db.scalars(
        select(Annotation.paragraph_id).where(Annotation.annotator_id == _user(db, "bob").id)
    ).all()
    paragraph = db.get(Paragraph, sorted(bob_ids)[0])
    assert paragraph is not None
    body = annotated["bob"].get(f"/api/paragraphs/{paragraph.id}").get_json()["annotation"]
    gold = {key: body[key] for key in ("entities", "stances", "quotes")} | {
        "version": 0,
        "status": "submitted",
        "sources": {item: ["alice", "bob"] for item in ("e1", "e2", "q1", "s1")},
    }
    saved = rita.put(f"/api/paragraphs/{paragraph.id}/gold", gold)
    assert saved.status_code == 200, saved.get_json()
    db.add(
        PreAnnotation(
            paragraph_id=paragraph.id,
            source="model.jsonl:ner",
            payload={
                "entities": [
                    {
                        "id": "e9",
                        "start": 0,
                        "end": 3,
                        "label": "ARMED_GROUP",
                        "actor": "islamic-state",
                    }
                ],
                "stances": [],
                "quotes": [],
            },
        )
    )
    db.commit()
    return annotated | {"gold_paragraph": paragraph}


def _user(db: Session, name: str) -> User:
    user = db.scalar(select(User).where(User.username == name))
    assert user is not None
    return user


def test_merge_relinks_every_annotation_with_a_history_row_each(
    duplicate: dict[str, Any], db: Session, app: Flask
) -> None:
    """Each annotation linking the merged actor (gold too) gets a new version and a history
    row, links the kept actor, and reads back so; the merged actor's names stay as aliases."""
    rita = duplicate["reviewer"]
    linked = _linking(db, "islamic-state")
    assert len(linked) >= 9  # 8 of alice's and bob's, and the gold one
    before, history = _versions(db), _history_count(db)
    generation = registry_generation()
    answer = _post(rita, "/api/actors/islamic-state/merge", {"into": "daesh-dup"})
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["annotations_updated"] == len(linked)
    assert answer.get_json()["pre_annotations_updated"] == 1
    after = _versions(db)
    assert {id_ for id_ in after if after[id_] != before[id_]} == linked
    assert all(after[id_] == before[id_] + 1 for id_ in linked)
    assert _history_count(db) == history + len(linked)
    rows = db.execute(
        select(AnnotationHistory.annotation_id, AnnotationHistory.payload).where(
            AnnotationHistory.annotation_id.in_(linked)
        )
    ).all()
    newest = {id_: payload for id_, payload in rows if payload["version"] == after[id_]}
    assert set(newest) == linked
    assert all(
        p["actor_merged"] == {"from": "islamic-state", "into": "daesh-dup"} for p in newest.values()
    )
    assert _linking(db, "islamic-state") == set() and _linking(db, "daesh-dup") == linked
    assert db.get(Actor, "islamic-state") is None
    gold = read_payload(db, duplicate["gold_paragraph"].id, None)
    assert gold["status"] == "gold" and gold["sources"]["e2"] == ["alice", "bob"]
    assert [e["actor"] for e in gold["entities"]] == [None, "daesh-dup"]
    layers = orjson.loads(
        db.scalar(select(Annotation.record_layers).where(Annotation.id == min(linked)))
    )
    assert layers["entities"][1]["actor"]["id"] == "daesh-dup"
    pre = db.scalar(select(PreAnnotation))
    assert pre is not None and pre.payload["entities"][0]["actor"] == "daesh-dup"
    aliases = set(db.scalars(select(ActorAlias.alias).where(ActorAlias.actor_key == "daesh-dup")))
    assert {"islamic-state", "ISIL", "Daesh", "Tanzim", "Daesh (dup)"} <= aliases
    assert registry_generation() > generation
    learned = set(db.scalars(select(LearnedSpan.actor_key).where(LearnedSpan.submissions > 0)))
    assert "islamic-state" not in learned and "daesh-dup" in learned
    suggested = duplicate["alice"].get(f"/api/paragraphs/{duplicate['gold_paragraph'].id}")
    assert suggested.status_code == 200


def test_an_old_export_naming_the_merged_key_imports_onto_the_kept_actor(
    duplicate: dict[str, Any],
    db: Session,
    runner: FlaskCliRunner,
    tmp_path: Path,
    make_user: Callable[..., User],
) -> None:
    """A file exported before the merge ("actor": "islamic-state") imported again, with the
    registry beside it, links daesh-dup through the alias the old key became: neither
    refused nor bringing the merged actor back."""
    old = tmp_path / "before.jsonl"
    assert runner.invoke(args=["export", "--out", str(old), "--annotator", "alice"]).exit_code == 0
    assert b'"id":"islamic-state"' in old.read_bytes()
    _post(duplicate["reviewer"], "/api/actors/islamic-state/merge", {"into": "daesh-dup"})
    make_user("carol")
    registry = tmp_path / "before.actors.json"  # written beside the records, imported first
    result = runner.invoke(args=["import", str(registry), str(old), "--as", "carol"])
    assert result.exit_code == 0, result.output
    assert "'islamic-state' was merged into 'daesh-dup'" in result.output
    assert db.get(Actor, "islamic-state") is None
    carol = _user(db, "carol").id
    keys = set(
        db.scalars(
            select(AnnotationEntity.actor_key)
            .join(Annotation, Annotation.id == AnnotationEntity.annotation_id)
            .where(Annotation.annotator_id == carol, AnnotationEntity.actor_key.is_not(None))
        )
    )
    assert keys == {"daesh-dup"}


def test_merge_refused_into_itself_missing_actors_and_annotators(
    duplicate: dict[str, Any], db: Session
) -> None:
    """Into itself: 422; a missing actor (either side): 404; an annotator: 403. Nothing
    changes."""
    rita, alice = duplicate["reviewer"], duplicate["alice"]
    before = _versions(db)
    itself = _post(rita, "/api/actors/islamic-state/merge", {"into": "islamic-state"})
    assert itself.status_code == 422 and "itself" in itself.get_json()["errors"][0]["message"]
    missing = _post(rita, "/api/actors/islamic-state/merge", {"into": "nobody-here"})
    assert missing.status_code == 404 and "nobody-here" in missing.get_json()["error"]
    assert _post(rita, "/api/actors/nobody-here/merge", {"into": "daesh-dup"}).status_code == 404
    assert _post(rita, "/api/actors/islamic-state/merge", {"into": 3}).status_code == 422
    assert _post(alice, "/api/actors/islamic-state/merge", {"into": "daesh-dup"}).status_code == 403
    assert _versions(db) == before and db.get(Actor, "islamic-state") is not None


def test_a_merge_failing_part_way_leaves_everything_as_it_was(
    duplicate: dict[str, Any], db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The annotations are rewritten, then the pre-annotations fail: nothing is kept."""
    before, history = _versions(db), _history_count(db)

    def broken(*_: Any) -> int:
        raise RuntimeError("disk full")

    monkeypatch.setattr(actor_merge, "_relink_pre_annotations", broken)
    with pytest.raises(RuntimeError):
        actor_merge.merge_actors(db, "islamic-state", "daesh-dup", _user(db, "rita").id)
    assert _versions(db) == before and _history_count(db) == history
    assert db.get(Actor, "islamic-state") is not None
    assert not db.scalar(
        select(ActorAlias).where(ActorAlias.actor_key == "daesh-dup", ActorAlias.alias == "ISIL")
    )


def test_merge_refused_when_the_kept_actor_would_hold_too_many_aliases(
    duplicate: dict[str, Any], db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bound on aliases holds for a merge too: refused, nothing changed."""
    monkeypatch.setenv("ANNOTATOR_MAX_ALIASES_PER_ACTOR", "5")
    before = _versions(db)
    answer = _post(duplicate["reviewer"], "/api/actors/islamic-state/merge", {"into": "daesh-dup"})
    assert answer.status_code == 422 and "at most 5" in answer.get_json()["errors"][0]["message"]
    assert _versions(db) == before and db.get(Actor, "islamic-state") is not None


def test_the_cli_merges_through_the_same_service(
    duplicate: dict[str, Any], db: Session, runner: FlaskCliRunner
) -> None:
    """``annotator merge-actors KEY --into KEY`` merges, records who, and refuses a self-merge."""
    refused = runner.invoke(
        args=["merge-actors", "daesh-dup", "--into", "daesh-dup", "--as", "rita"]
    )
    assert refused.exit_code != 0 and "itself" in refused.output
    result = runner.invoke(
        args=["merge-actors", "islamic-state", "--into", "daesh-dup", "--as", "rita"]
    )
    assert result.exit_code == 0, result.output
    assert "merged islamic-state into daesh-dup" in result.output
    assert _linking(db, "islamic-state") == set()
    rita = _user(db, "rita").id
    newest = db.scalar(select(AnnotationHistory).order_by(AnnotationHistory.id.desc()).limit(1))
    assert newest is not None and newest.saved_by_id == rita


def test_edit_and_remove_aliases_over_the_api(annotated: dict[str, Any], db: Session) -> None:
    """PATCH renames and retypes (the new name becomes an alias); DELETE removes an alias
    but not the one that is the actor's name; annotators get 403."""
    rita, alice = annotated["reviewer"], annotated["alice"]
    headers = rita.headers
    renamed = rita.client.patch(
        "/api/actors/russia",
        json={"name": "Russian Federation", "type": "STATE_FORCES", "label": None},
        headers=headers,
    )
    assert renamed.status_code == 200, renamed.get_json()
    assert renamed.get_json()["name"] == "Russian Federation"
    assert "Russian Federation" in renamed.get_json()["aliases"]
    assert (
        rita.client.patch(
            "/api/actors/russia", json={"type": "WIZARDS"}, headers=headers
        ).status_code
        == 422
    )
    assert (
        rita.client.patch("/api/actors/russia", json={"colour": "red"}, headers=headers).status_code
        == 422
    )
    assert rita.client.patch("/api/actors/nobody", json={}, headers=headers).status_code == 404
    assert (
        alice.client.patch(
            "/api/actors/russia", json={"name": "X"}, headers=alice.headers
        ).status_code
        == 403
    )
    aliases = {
        a.alias: a.id
        for a in db.scalars(select(ActorAlias).where(ActorAlias.actor_key == "russia"))
    }
    other = next(alias for alias in aliases if alias not in ("Russia", "Russian Federation"))
    gone = rita.client.delete(f"/api/actors/russia/aliases/{aliases[other]}", headers=headers)
    assert gone.status_code == 200 and other not in gone.get_json()["aliases"]
    name = rita.client.delete(
        f"/api/actors/russia/aliases/{aliases['Russian Federation']}", headers=headers
    )
    assert name.status_code == 422
    assert (
        rita.client.delete(
            f"/api/actors/russia/aliases/{aliases[other]}", headers=headers
        ).status_code
        == 404
    )
    assert (
        alice.client.delete(
            f"/api/actors/russia/aliases/{aliases['Russia']}", headers=alice.headers
        ).status_code
        == 403
    )


def test_the_registry_page_counts_mentions_per_actor_and_escapes_names(
    annotated: dict[str, Any], db: Session, client: FlaskClient, auth: AuthActions
) -> None:
    """Each actor's mention count is its entity rows; a name with <script> is shown as text."""
    rita = annotated["reviewer"]
    hostile = _post(
        rita, "/api/actors", {"name": "<script>alert(1)</script> Brigade", "type": "REBEL_GROUP"}
    )
    assert hostile.status_code == 201
    db.expire_all()
    expected = dict(
        db.execute(
            select(AnnotationEntity.actor_key, func.count())
            .where(AnnotationEntity.actor_key.is_not(None))
            .group_by(AnnotationEntity.actor_key)
        ).all()
    )
    assert expected == {"islamic-state": 9}  # alice's 7 and bob's 2
    listing = browse(db, per_page=1000)
    counts = {row.actor.key: row.mentions for row in listing.rows}
    assert counts["islamic-state"] == 9 and counts["russia"] == 0
    assert listing.total == db.scalar(select(func.count()).select_from(Actor))
    assert [row.actor.key for row in browse(db, "daesh").rows] == ["islamic-state"]
    media = db.scalar(select(func.count()).select_from(Actor).where(Actor.type == "MEDIA"))
    assert browse(db, type_="MEDIA").total == media > 0
    auth.login("rita")
    page = client.get("/actors", query_string={"q": "islamic"}).get_data(as_text=True)
    assert 'data-actor="islamic-state"' in page
    assert '<td class="num mentions">9</td>' in page
    everything = client.get("/actors", query_string={"q": "brigade"}).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in everything
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Brigade" in everything
    key = hostile.get_json()["id"]
    edit = client.get(f"/actors/{key}/edit").get_data(as_text=True)
    assert "<script>alert" not in edit and "&lt;script&gt;" in edit


def test_the_registry_download_is_the_export_s_registry_file(
    annotated: dict[str, Any],
    app: Flask,
    client: FlaskClient,
    auth: AuthActions,
    make_user: Callable[..., User],
) -> None:
    """ "Download the registry" gives what ``annotator export`` writes beside the records;
    annotators may not open the page."""
    auth.login("rita")
    response = client.get("/actors/registry.json")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    with app.app_context():
        assert orjson.loads(response.data) == registry_document(get_session())
    auth.logout()
    auth.login("alice")
    assert client.get("/actors").status_code == 403
    assert client.get("/actors/registry.json").status_code == 403
