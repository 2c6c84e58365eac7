"""The schema: migrations match the models, and the database itself enforces the rules."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, inspect, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from annotator.migrate import alembic_config, head_revision
from annotator.models import (
    Annotation,
    AnnotationEntity,
    AnnotationHistory,
    AnnotationStance,
    Base,
    EntityType,
    QuoteType,
    StancePolarity,
    User,
)


def test_migrations_match_the_models(db: Session) -> None:
    """A model change without a migration fails here, before it reaches a user's database."""
    with db.get_bind().connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert context.get_current_revision() == head_revision()
        assert compare_metadata(context, Base.metadata) == []


def test_default_labels_are_seeded(db: Session) -> None:
    """A fresh database has the conflict-news labels with hotkeys 1 to 6."""
    entity_types = db.query(EntityType).order_by(EntityType.position).all()
    assert [e.name for e in entity_types] == [
        "PERSON",
        "ARMED_GROUP",
        "STATE_ACTOR",
        "ORGANIZATION",
        "MEDIA",
        "LOCATION",
    ]
    assert [e.hotkey for e in entity_types] == ["1", "2", "3", "4", "5", "6"]
    assert {p.name for p in db.query(StancePolarity)} == {"SUPPORT", "OPPOSE", "NEUTRAL"}
    assert {q.name for q in db.query(QuoteType)} == {"DIRECT", "INDIRECT", "MIXED"}


@pytest.fixture
def annotation(db: Session, seeded: None, make_user: Callable[..., User]) -> Annotation:
    user = make_user("alice")
    paragraph_id = db.execute(
        text("SELECT id FROM paragraphs WHERE is_boilerplate = :f ORDER BY id LIMIT 1"),
        {"f": False},
    ).scalar_one()
    annotation = Annotation(paragraph_id=paragraph_id, annotator_id=user.id, status="draft")
    db.add(annotation)
    db.flush()
    for local_id, start, label in (("e1", 0, "ARMED_GROUP"), ("e2", 5, "STATE_ACTOR")):
        db.add(
            AnnotationEntity(
                annotation_id=annotation.id,
                local_id=local_id,
                start=start,
                end=start + 4,
                label=label,
            )
        )
    db.commit()
    return annotation


def _fails(db: Session, statement: str, params: dict) -> None:
    with pytest.raises((IntegrityError, DBAPIError)):
        db.execute(text(statement), params)
        db.flush()
    db.rollback()


def test_database_refuses_bad_spans_and_labels(db: Session, annotation: Annotation) -> None:
    """start >= end, negative offsets and unknown labels are refused by the database itself."""
    insert = (
        'INSERT INTO annotation_entities (annotation_id, local_id, start, "end", label, '
        "from_suggestion) VALUES (:a, :l, :s, :e, :label, :f)"
    )
    base = {"a": annotation.id, "f": False, "label": "PERSON"}
    _fails(db, insert, {**base, "l": "e3", "s": 5, "e": 5})
    _fails(db, insert, {**base, "l": "e3", "s": -1, "e": 2})
    _fails(db, insert, {**base, "l": "e3", "s": 0, "e": 2, "label": "WIZARD"})
    _fails(db, insert, {**base, "l": "e1", "s": 0, "e": 2})  # duplicate id in one annotation


def test_database_refuses_stances_that_leave_the_annotation(
    db: Session, annotation: Annotation
) -> None:
    """A stance must point at entities of its own annotation, and not at its holder."""
    insert = (
        "INSERT INTO annotation_stances (annotation_id, local_id, holder, target_entity, "
        "polarity) VALUES (:a, 's1', :h, :t, 'OPPOSE')"
    )
    _fails(db, insert, {"a": annotation.id, "h": "e1", "t": "e9"})
    _fails(db, insert, {"a": annotation.id, "h": "e1", "t": "e1"})
    db.add(
        AnnotationStance(
            annotation_id=annotation.id,
            local_id="s1",
            holder="e1",
            target_entity="e2",
            polarity="OPPOSE",
        )
    )
    db.commit()


def test_one_annotation_per_paragraph_and_annotator(db: Session, annotation: Annotation) -> None:
    """The same annotator cannot hold two annotations of one paragraph."""
    db.add(
        Annotation(
            paragraph_id=annotation.paragraph_id,
            annotator_id=annotation.annotator_id,
            status="draft",
        )
    )
    with pytest.raises(IntegrityError):
        db.flush()
    db.rollback()


def test_history_is_append_only(db: Session, annotation: Annotation) -> None:
    """History rows can be added but never changed or deleted, whatever the code tries."""
    db.add(
        AnnotationHistory(
            annotation_id=annotation.id,
            version=1,
            status="draft",
            saved_by_id=annotation.annotator_id,
            payload={"entities": []},
        )
    )
    db.commit()
    for statement in (
        "UPDATE annotation_history SET status = 'submitted'",
        "DELETE FROM annotation_history",
    ):
        with pytest.raises(DBAPIError, match="append-only"):
            db.execute(text(statement))
        db.rollback()
    assert db.query(AnnotationHistory).count() == 1


def test_migration_0005_fills_record_layers_of_existing_annotations(
    annotated: dict[str, Any], db: Session
) -> None:
    """Annotations saved before the column existed get the layers a save writes today."""
    saved = dict(db.execute(select(Annotation.id, Annotation.record_layers)).all())
    assert len(saved) == 9 and all('"entities":[{' in layers for layers in saved.values())
    db.commit()  # end this session's transaction: PostgreSQL's ALTER TABLE waits for it
    config = alembic_config()
    with db.get_bind().begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0004")
        assert "record_layers" not in {
            column["name"] for column in inspect(connection).get_columns("annotations")
        }
        command.upgrade(config, "head")
    db.expire_all()
    assert dict(db.execute(select(Annotation.id, Annotation.record_layers)).all()) == saved
    assert db.scalar(select(func.count(AnnotationEntity.annotation_id))) == 18
