"""Migrations on a database that holds data: every revision upgrades and downgrades it, on
SQLite and on PostgreSQL, and no row survives or vanishes except as the schema says.

Rows go in through SQLAlchemy Core on the reflected tables, never the app's models: the
schema changes from one revision to the next, and the models only describe the newest.
"""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, MetaData, create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from annotator.database import make_engine
from annotator.migrate import alembic_config, head_revision, upgrade_to_head
from annotator.models import Base

_COUNTER = itertools.count()

# --- the data: one or more rows in every table, in an order the foreign keys accept -------

T0 = datetime(2026, 11, 22, 9, 30, tzinfo=UTC)
T1 = datetime(2026, 11, 22, 10, 45, tzinfo=UTC)
TEXT = "Alice said the army shelled the bridge at dawn."
EMPTY_LAYERS = {"entities": [], "stances": [], "quotes": []}


def at(words: str) -> tuple[int, int]:
    """The span of ``words`` in TEXT."""
    start = TEXT.index(words)
    return start, start + len(words)


def span(words: str) -> dict[str, Any]:
    start, end = at(words)
    return {"start": start, "end": end, "text": words}


ARMY = {"id": "army", "name": "The Army", "type": "STATE"}

# Annotation 1's layers as head stores them (annotator.v2: 0005 writes them from the layer
# rows below with v1's stance targets, 0008 rewrites those).
LAYERS_1 = {
    "entities": [
        {**span("Alice"), "id": "e1", "label": "PERSON", "actor": None},
        {**span("the army"), "id": "e2", "label": "ARMED_GROUP", "actor": ARMY},
        {**span("the bridge"), "id": "e3", "label": "LOCATION", "actor": None},
    ],
    "stances": [
        {
            "id": "s1",
            "holder": "e1",
            "target": {"entity": "e2", **span("the army")},
            "polarity": "OPPOSE",
            "quote": "q1",
        },
        {
            "id": "s2",
            "holder": "e2",
            "target": {"entity": None, **span("shelled the bridge")},
            "polarity": "SUPPORT",
            "quote": None,
        },
    ],
    "quotes": [
        {
            "id": "q1",
            "speaker": "e1",
            "cue": span("said"),
            "content": span("the army shelled the bridge at dawn"),
            "type": "INDIRECT",
        },
        {"id": "q2", "speaker": None, "cue": None, "content": span("at dawn"), "type": "DIRECT"},
    ],
}
LAYERS_2 = {
    "entities": [{**span("army"), "id": "e1", "label": "ARMED_GROUP", "actor": ARMY}],
    "stances": [],
    "quotes": [],
}


def entity(annotation_id: int, local_id: str, words: str, label: str, **extra: Any) -> dict:
    start, end = at(words)
    return {
        "annotation_id": annotation_id,
        "local_id": local_id,
        "start": start,
        "end": end,
        "label": label,
        "actor_key": None,
        "from_suggestion": False,
        **extra,
    }


ROWS: dict[str, list[dict[str, Any]]] = {
    "users": [
        {
            "id": 1,
            "username": "alice",
            "password_hash": "scrypt:alice",
            "role": "annotator",
            "active": True,
            "created_at": T0,
            "last_login_at": T1,
            "session_version": 3,
            "done_count": 1,  # doc-1-p0 submitted (doc-1-p1, skipped, is boilerplate)
        },
        {
            "id": 2,
            "username": "rita",
            "password_hash": "scrypt:rita",
            "role": "reviewer",
            "active": False,
            "created_at": T0,
            "last_login_at": None,
            "session_version": 1,
            "done_count": 0,
        },
    ],
    "api_tokens": [
        {
            "id": 1,
            "user_id": 1,
            "name": "script",
            "token_hash": "a" * 64,
            "prefix": "ann_aaaa",
            "created_at": T0,
            "last_used_at": T1,
            "revoked_at": None,
            "expires_at": datetime(2027, 2, 20, 9, 30, tzinfo=UTC),
        },
        {
            "id": 2,
            "user_id": 2,
            "name": "old",
            "token_hash": "b" * 64,
            "prefix": "ann_bbbb",
            "created_at": T0,
            "last_used_at": None,
            "revoked_at": T1,
            "expires_at": None,
        },
    ],
    "documents": [
        {
            "id": "doc-1",
            "title": "Shelling at dawn",
            "source": "https://example.org/news/1",
            "published": date(2026, 11, 20),
            "language": "en",
            "meta": {"section": "world", "tags": ["conflict", "édition"]},
            "content_sha256": "c" * 64,
            "imported_at": T0,
        }
    ],
    "paragraphs": [
        {
            "id": "doc-1-p0",
            "document_id": "doc-1",
            "position": 0,
            "text": TEXT,
            "text_sha256": "d" * 64,
            "is_boilerplate": False,
            "boilerplate_reason": None,
        },
        {
            "id": "doc-1-p1",
            "document_id": "doc-1",
            "position": 1,
            "text": "Subscribe to our newsletter.",
            "text_sha256": "e" * 64,
            "is_boilerplate": True,
            "boilerplate_reason": "newsletter",
        },
    ],
    "actor_types": [
        {"name": "STATE", "display_name": "State", "position": 0, "description": "A state."},
        {"name": "PERSON", "display_name": "Person", "position": 1, "description": ""},
    ],
    "entity_types": [
        {
            "name": name,
            "display_name": name.title(),
            "colour": colour,
            "hotkey": hotkey,
            "position": position,
            "description": "",
        }
        for position, (name, colour, hotkey) in enumerate(
            [
                ("PERSON", "#aa0000", "1"),
                ("ARMED_GROUP", "#00aa00", "2"),
                ("LOCATION", "#0000aa", None),
            ]
        )
    ],
    "stance_polarities": [
        {
            "name": name,
            "display_name": name.title(),
            "colour": "#123456",
            "hotkey": hotkey,
            "position": position,
            "description": "",
        }
        for position, (name, hotkey) in enumerate([("SUPPORT", "s"), ("OPPOSE", "o")])
    ],
    "quote_types": [
        {
            "name": name,
            "display_name": name.title(),
            "colour": "#654321",
            "hotkey": hotkey,
            "position": position,
            "description": "",
        }
        for position, (name, hotkey) in enumerate([("DIRECT", "d"), ("INDIRECT", None)])
    ],
    "actors": [
        {
            "key": "army",
            "name": "The Army",
            "type": "STATE",
            "description": "The national army.",
            "entity_label": "ARMED_GROUP",
        },
        {
            "key": "alice-m",
            "name": "Alice M.",
            "type": "PERSON",
            "description": "",
            "entity_label": None,
        },
    ],
    "actor_aliases": [
        {
            "id": 1,
            "actor_key": "army",
            "alias": "the army",
            "normalised": "the army",
            "status": "confirmed",
            "proposed_by_id": None,
            "reviewed_by_id": None,
            "created_at": None,
        },
        {
            "id": 2,
            "actor_key": "army",
            "alias": "Armée",
            "normalised": "armee",
            "status": "proposed",
            "proposed_by_id": 1,
            "reviewed_by_id": 2,
            "created_at": T1,
        },
        {
            "id": 3,
            "actor_key": "alice-m",
            "alias": "Alice",
            "normalised": "alice",
            "status": "confirmed",
            "proposed_by_id": None,
            "reviewed_by_id": None,
            "created_at": None,
        },
    ],
    "annotations": [
        {
            "id": 1,
            "paragraph_id": "doc-1-p0",
            "annotator_id": 1,
            "status": "submitted",
            "version": 2,
            "comment": "checked twice",
            "created_at": T0,
            "updated_at": T1,
            "flagged": True,
            "record_layers": json.dumps(LAYERS_1),
            "sources": None,
        },
        {
            "id": 2,
            "paragraph_id": "doc-1-p0",
            "annotator_id": 2,
            "status": "draft",
            "version": 1,
            "comment": None,
            "created_at": T0,
            "updated_at": T0,
            "flagged": False,
            "record_layers": json.dumps(LAYERS_2),
            "sources": None,
        },
        {
            "id": 3,
            "paragraph_id": "doc-1-p1",
            "annotator_id": 1,
            "status": "skipped",
            "version": 1,
            "comment": None,
            "created_at": T0,
            "updated_at": T0,
            "flagged": False,
            "record_layers": json.dumps(EMPTY_LAYERS),
            "sources": None,
        },
    ],
    "annotation_entities": [
        entity(1, "e1", "Alice", "PERSON", position=0),
        entity(
            1, "e2", "the army", "ARMED_GROUP", actor_key="army", from_suggestion=True, position=1
        ),
        entity(1, "e3", "the bridge", "LOCATION", position=2),
        entity(2, "e1", "army", "ARMED_GROUP", actor_key="army", position=0),
    ],
    "annotation_quotes": [
        {
            "annotation_id": 1,
            "local_id": "q1",
            "speaker": "e1",
            "cue_start": at("said")[0],
            "cue_end": at("said")[1],
            "content_start": at("the army shelled the bridge at dawn")[0],
            "content_end": at("the army shelled the bridge at dawn")[1],
            "type": "INDIRECT",
            "position": 0,
        },
        {
            "annotation_id": 1,
            "local_id": "q2",
            "speaker": None,
            "cue_start": None,
            "cue_end": None,
            "content_start": at("at dawn")[0],
            "content_end": at("at dawn")[1],
            "type": "DIRECT",
            "position": 1,
        },
    ],
    "annotation_stances": [
        {
            "annotation_id": 1,
            "local_id": "s1",
            "holder": "e1",
            "target_entity": "e2",
            "target_start": None,
            "target_end": None,
            "polarity": "OPPOSE",
            "quote": "q1",
            "position": 0,
        },
        {
            "annotation_id": 1,
            "local_id": "s2",
            "holder": "e2",
            "target_entity": None,
            "target_start": at("shelled the bridge")[0],
            "target_end": at("shelled the bridge")[1],
            "polarity": "SUPPORT",
            "quote": None,
            "position": 1,
        },
    ],
    "suggestion_decisions": [
        {
            "annotation_id": 1,
            "suggestion_id": "ner:0",
            "position": 0,
            "kind": "entity",
            "start": at("the army")[0],
            "end": at("the army")[1],
            "label": "ARMED_GROUP",
            "actor_key": "army",
            "decision": "accepted",
        },
        {
            "annotation_id": 1,
            "suggestion_id": "cue:0",
            "position": 1,
            "kind": "cue",
            "start": at("said")[0],
            "end": at("said")[1],
            "label": None,
            "actor_key": None,
            "decision": "rejected",
        },
    ],
    "annotation_history": [
        {
            "id": 1,
            "annotation_id": 1,
            "version": 1,
            "status": "draft",
            "saved_by_id": 1,
            "saved_at": T0,
            "payload": {"entities": [{"id": "e1", "start": 0, "end": 5}]},
        },
        {
            "id": 2,
            "annotation_id": 1,
            "version": 2,
            "status": "submitted",
            "saved_by_id": 1,
            "saved_at": T1,
            "payload": LAYERS_1,
        },
        {
            "id": 3,
            "annotation_id": 2,
            "version": 1,
            "status": "draft",
            "saved_by_id": 2,
            "saved_at": T0,
            "payload": LAYERS_2,
        },
    ],
    "corpus_stats": [{"id": 1, "annotatable": 1}],
    "batches": [{"id": 1, "name": "round 1", "overlap": 2, "created_at": T0, "created_by_id": 1}],
    "batch_documents": [{"batch_id": 1, "document_id": "doc-1", "slots": 4, "done_slots": 2}],
    "batch_members": [
        {
            "batch_id": 1,
            "user_id": user_id,
            "active": True,
            "added_at": T0,
            "assigned": 2,
            "submitted": submitted,
            "skipped": skipped,
            "flagged": flagged,
            "last_done_at": T1 if user_id == 1 else None,
        }
        for user_id, submitted, skipped, flagged in ((1, 1, 1, 1), (2, 0, 0, 0))
    ],
    "assignments": [
        {
            "paragraph_id": paragraph_id,
            "user_id": user_id,
            "batch_id": 1,
            "seq": seq,
            "status": status,
            "done": status in ("submitted", "skipped"),
            "flagged": flagged,
            "done_at": T1 if status in ("submitted", "skipped") else None,
            "seconds": 75 if status == "skipped" else None,
        }
        for paragraph_id, user_id, seq, status, flagged in (
            ("doc-1-p0", 1, 0, "submitted", True),
            ("doc-1-p0", 2, 0, "draft", False),
            ("doc-1-p1", 1, 1, "skipped", False),
            ("doc-1-p1", 2, 1, None, False),
        )
    ],
    "pre_annotations": [
        {
            "id": 1,
            "paragraph_id": "doc-1-p0",
            "source": "model-a.jsonl",
            "payload": {"entities": [{"start": 0, "end": 5, "label": "PERSON"}]},
            "imported_at": T0,
        }
    ],
    "rate_limit_counters": [
        {"key": "LIMITER/login-account/5d41402a/10/15/minute", "count": 3, "expires_at": 1.9e9},
        {"key": "LIMITER/login-address/192.0.2.7/50/15/minute", "count": 1, "expires_at": 1.9e9},
    ],
    # What 0011 learns from annotation 1, the one submitted (so the rows come back on upgrade).
    "learned_spans": [
        {
            "key": key,
            "label": label,
            "actor_key": actor_key,
            "spelling": spelling,
            "submissions": 1,
            "acceptances": 0,
            "rejections": 0,
        }
        for key, label, actor_key, spelling in (
            ("alice", "PERSON", "", "Alice"),
            ("the army", "ARMED_GROUP", "army", "the army"),
            ("the bridge", "LOCATION", "", "the bridge"),
        )
    ],
    "learned_state": [{"id": 1, "generation": 4}],
}

# What a column holds when an upgrade adds it back to rows that exist (after a downgrade
# dropped it, or on a database older than the column): its server default, or what the
# migration fills in. record_layers is rebuilt from the layer rows, so it reads as before.
SAME = object()
READDED: dict[tuple[str, str], Any] = {
    ("users", "session_version"): 1,
    ("actor_aliases", "status"): "confirmed",
    ("actor_aliases", "proposed_by_id"): None,
    ("actor_aliases", "reviewed_by_id"): None,
    ("actor_aliases", "created_at"): None,
    ("actors", "entity_label"): None,
    ("annotation_entities", "position"): 0,
    ("annotation_quotes", "position"): 0,
    ("annotation_stances", "position"): 0,
    ("annotations", "flagged"): False,
    ("annotations", "record_layers"): SAME,
    ("annotations", "sources"): None,
    ("users", "done_count"): SAME,  # counted again from the annotations
    ("users", "queue_start_id"): None,
    ("api_tokens", "expires_at"): None,
    ("documents", "retired_at"): None,
    ("entity_types", "retired_at"): None,
    ("stance_polarities", "retired_at"): None,
    ("quote_types", "retired_at"): None,
}

# Tables an upgrade fills from the others when it makes them again (counts), so their rows
# come back after a downgrade dropped them.
RECOMPUTED = {"corpus_stats", "learned_spans"}

Snapshot = dict[str, tuple[list[str], list[dict[str, Any]]]]


# --- the database and how to move it ----------------------------------------------------


@pytest.fixture
def engine(tmp_path: Path, postgres_admin_url: str | None) -> Iterator[Engine]:
    """The app's kind of engine on a new, empty database (no tables at all), dropped after."""
    admin_url = postgres_admin_url
    if not admin_url:
        engine = make_engine(f"sqlite:///{tmp_path / 'migrations.sqlite3'}")
        yield engine
        engine.dispose()
        return
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"annotator_migrations_{os.getpid()}_{next(_COUNTER)}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE template0'))
    url = make_url(admin_url).set(database=name)
    engine = make_engine(url.render_as_string(hide_password=False))
    yield engine
    engine.dispose()
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def revisions() -> list[str]:
    """Every revision, oldest first."""
    script = ScriptDirectory.from_config(alembic_config())
    return [revision.revision for revision in script.walk_revisions()][::-1]


def migrate(engine: Engine, direction: str, target: str) -> None:
    """Run ``alembic upgrade/downgrade target`` on the engine, as upgrade_to_head does."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        getattr(command, direction)(config, target)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def fill(engine: Engine) -> None:
    """Insert ROWS, each row with the columns its table has at the current revision."""
    with engine.begin() as connection:
        metadata = MetaData()
        metadata.reflect(connection)
        for name, rows in ROWS.items():
            if name not in metadata.tables:
                continue
            table = metadata.tables[name]
            connection.execute(
                table.insert(), [{k: v for k, v in row.items() if k in table.c} for row in rows]
            )


def v2_targets(layers: dict[str, Any]) -> dict[str, Any]:
    """Stored layers with annotator.v1's stance targets (an entity id, or a bare span) as
    v2 writes them (an object with the span, ``entity`` the id or null)."""
    spans = {e["id"]: {k: e[k] for k in ("start", "end", "text")} for e in layers["entities"]}
    for stance in layers["stances"]:
        target = stance["target"]
        if isinstance(target, str):
            stance["target"] = {"entity": target, **spans[target]}
        elif "entity" not in target:
            stance["target"] = {"entity": None, **target}
    return layers


def canonical(table: str, row: dict[str, Any]) -> dict[str, Any]:
    """A row as compared: record_layers parsed, stance targets as v2 writes them (0008
    rewrites them; test_0008_* checks each shape), its layers in id order (the order comes
    from the position columns, which a downgrade below 0003 drops)."""
    if table == "annotations" and "record_layers" in row:
        layers = v2_targets(json.loads(row["record_layers"]))
        row["record_layers"] = {
            layer: sorted(items, key=lambda item: item["id"]) for layer, items in layers.items()
        }
    return row


def read(connection: Connection) -> Snapshot:
    """Every table's columns and rows (in primary key order), the version table aside."""
    metadata = MetaData()
    metadata.reflect(connection)
    snapshot: Snapshot = {}
    for table in metadata.sorted_tables:
        if table.name == "alembic_version":
            continue
        rows = connection.execute(select(table).order_by(*table.primary_key.columns))
        snapshot[table.name] = (
            [column.name for column in table.columns],
            [canonical(table.name, dict(row)) for row in rows.mappings()],
        )
    return snapshot


def read_engine(engine: Engine) -> Snapshot:
    with engine.connect() as connection:
        return read(connection)


def readded_value(table: str, column: str, row: dict[str, Any]) -> Any:
    assert (table, column) in READDED, (
        f"{table}.{column}: say in READDED what an upgrade puts in it"
    )
    value = READDED[table, column]
    return row[column] if value is SAME else value


def expected(
    full: Snapshot, now: Snapshot, lost: set[str], readded: set[tuple[str, str]]
) -> dict[str, list[dict[str, Any]]]:
    """What ``now`` should hold: the rows of ``full`` its tables can hold, cut to its columns;
    tables in ``lost`` empty (dropped and made again), columns in ``readded`` at their
    READDED value."""
    tables = {}
    for name, (columns, _) in now.items():
        assert name in full, f"table {name} is not at head"
        assert set(columns) <= set(full[name][0]), f"{name} has columns head does not"
        rows = [] if name in lost and name not in RECOMPUTED else full[name][1]
        tables[name] = [
            {
                column: (
                    readded_value(name, column, row) if (name, column) in readded else row[column]
                )
                for column in columns
            }
            for row in rows
        ]
    return tables


def assert_sqlite_foreign_keys_on(engine: Engine) -> None:
    """On SQLite, the migrated connection (back in the pool) and a new one enforce foreign
    keys again, and no row points at a row that is not there."""
    if engine.dialect.name != "sqlite":
        return
    fresh = make_engine(engine.url.render_as_string(hide_password=False))
    try:
        for connected in (engine, fresh):
            with connected.connect() as connection:
                assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
                assert connection.exec_driver_sql("PRAGMA defer_foreign_keys").scalar() == 0
                assert connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []
    finally:
        fresh.dispose()


def history_triggers(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            query = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
        else:
            query = (
                "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal UNION ALL "
                "SELECT proname FROM pg_proc WHERE proname = 'annotation_history_append_only'"
            )
        return set(connection.execute(text(query)).scalars())


def assert_history_append_only(engine: Engine) -> None:
    statements = [
        "UPDATE annotation_history SET status = 'submitted'",
        "DELETE FROM annotation_history",
    ]
    if engine.dialect.name == "postgresql":
        statements.append("TRUNCATE annotation_history")  # SQLite has none
    for statement in statements:
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(text(statement))


def assert_schema_matches_models(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert context.get_current_revision() == head_revision()
        assert compare_metadata(context, Base.metadata) == []


# --- the tests --------------------------------------------------------------------------


def test_round_trip_from_empty_to_head_to_base_and_back(engine: Engine) -> None:
    """If this fails, `annotator init` breaks on a new database, or a full downgrade and reinstall leaves a broken schema."""
    assert upgrade_to_head(engine) == (None, head_revision())
    assert_schema_matches_models(engine)
    assert_sqlite_foreign_keys_on(engine)
    fill(engine)
    at_head = read_engine(engine)
    assert {name for name, (_, rows) in at_head.items() if rows} == set(ROWS)
    first_annotation = at_head["annotations"][1][0]
    assert first_annotation == canonical("annotations", dict(ROWS["annotations"][0])) | {
        "created_at": first_annotation["created_at"],
        "updated_at": first_annotation["updated_at"],
    }
    assert_history_append_only(engine)
    triggers = history_triggers(engine)
    assert triggers

    migrate(engine, "downgrade", "base")
    assert current_revision(engine) is None
    assert read_engine(engine) == {}
    assert history_triggers(engine) == set()
    assert_sqlite_foreign_keys_on(engine)

    assert upgrade_to_head(engine) == (None, head_revision())
    assert_schema_matches_models(engine)
    assert history_triggers(engine) == triggers
    assert {name: rows for name, (_, rows) in read_engine(engine).items()} == {
        name: [] for name in at_head
    }
    fill(engine)
    assert read_engine(engine) == at_head
    assert_history_append_only(engine)
    assert_sqlite_foreign_keys_on(engine)


def test_each_step_down_and_up_keeps_the_rows_its_schema_can_hold(engine: Engine) -> None:
    """If this fails, upgrading or downgrading a database that holds data errors out, or silently deletes annotators' work."""
    upgrade_to_head(engine)
    fill(engine)
    full = read_engine(engine)
    steps = revisions()
    lost: set[str] = set()
    readded: set[tuple[str, str]] = set()

    def check(revision: str | None) -> Snapshot:
        assert current_revision(engine) == revision
        now = read_engine(engine)
        lost.update(set(full) - set(now))
        readded.update(
            (name, column)
            for name, (columns, _) in full.items()
            if name in now
            for column in columns
            if column not in now[name][0]
        )
        assert {name: rows for name, (_, rows) in now.items()} == expected(
            full, now, lost, readded
        ), f"rows lost or changed at revision {revision}"
        assert_sqlite_foreign_keys_on(engine)
        return now

    # Down, one revision at a time, to an empty database.
    for target in reversed(steps[:-1]):
        migrate(engine, "downgrade", "-1")
        check(target)
    migrate(engine, "downgrade", "-1")
    assert check(None) == {}

    # Up again from the oldest schema, holding the data it can hold, one revision at a time:
    # as a database made before the later revisions is upgraded.
    migrate(engine, "upgrade", "+1")
    fill(engine)
    lost.clear()
    readded.clear()
    oldest = check(steps[0])
    assert all(rows for _, rows in oldest.values())
    for target in steps[1:]:
        migrate(engine, "upgrade", "+1")
        check(target)
    assert_schema_matches_models(engine)
    assert_history_append_only(engine)


def test_a_migration_that_fails_halfway_leaves_the_database_as_it_was(engine: Engine) -> None:
    """If this fails, a migration that errors midway leaves a half-migrated database, or one with foreign keys off."""
    upgrade_to_head(engine)
    fill(engine)
    migrate(engine, "downgrade", "0003")
    before = read_engine(engine)
    # Make 0003's downgrade fail after its first statements: on SQLite, when it rebuilds
    # `actors` (after `annotations` and `actor_aliases`); on PostgreSQL, at its last step.
    if engine.dialect.name == "sqlite":
        sabotage = "CREATE TABLE _alembic_tmp_actors (id INTEGER)"
        undo = "DROP TABLE _alembic_tmp_actors"
    else:
        sabotage = "CREATE VIEW decisions AS SELECT decision FROM suggestion_decisions"
        undo = "DROP VIEW decisions"
    with engine.begin() as connection:
        connection.execute(text(sabotage))
    with pytest.raises(DBAPIError):
        migrate(engine, "downgrade", "0002")
    assert_sqlite_foreign_keys_on(engine)
    assert current_revision(engine) == "0003"
    with engine.begin() as connection:
        connection.execute(text(undo))
    assert read_engine(engine) == before
    migrate(engine, "downgrade", "0002")
    assert current_revision(engine) == "0002"


def stored_layers(engine: Engine, annotation_id: int) -> dict[str, Any]:
    with engine.connect() as connection:
        stored = connection.execute(
            text("SELECT record_layers FROM annotations WHERE id = :id"), {"id": annotation_id}
        ).scalar_one()
    return json.loads(stored)


def test_0008_writes_v2_targets_and_its_downgrade_writes_v1_again(engine: Engine) -> None:
    """If this fails, a database upgraded from an older release exports stance targets in the
    old union shape (or a downgrade leaves shapes the older release cannot read)."""
    upgrade_to_head(engine)
    fill(engine)
    migrate(engine, "downgrade", "0007")
    v1 = stored_layers(engine, 1)
    assert [s["target"] for s in v1["stances"]] == ["e2", span("shelled the bridge")]
    assert stored_layers(engine, 2) == LAYERS_2  # no stance: untouched

    migrate(engine, "upgrade", "0008")
    assert stored_layers(engine, 1) == LAYERS_1
    assert stored_layers(engine, 2) == LAYERS_2


def test_0009_revokes_the_live_tokens_of_inactive_accounts(engine: Engine) -> None:
    """If this fails, an account deactivated before the upgrade gets its old API tokens back
    when an admin reactivates it (deactivating now revokes them for good)."""
    upgrade_to_head(engine)
    fill(engine)
    migrate(engine, "downgrade", "0008")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO api_tokens (id, user_id, name, token_hash, prefix, created_at) "
                "VALUES (3, 2, 'leaked', :hash, 'ann_cccc', :at)"
            ),
            {"hash": "c" * 64, "at": T0},
        )
    migrate(engine, "upgrade", "0009")
    with engine.connect() as connection:
        revoked = dict(connection.execute(text("SELECT id, revoked_at FROM api_tokens")).all())
    assert revoked[1] is None  # alice is active: her token lives on
    assert revoked[2] is not None  # revoked before, and still
    assert revoked[3] is not None  # rita is inactive: her live token is revoked now
