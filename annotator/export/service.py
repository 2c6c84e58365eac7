"""What an export reports, and the actor registry written beside every export."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..models import Actor
from .splits import SPLIT_NAMES

REGISTRY_SCHEMA = "annotator.actors.v1"


@dataclass
class ExportSummary:
    """What an export wrote: counts per split, documents per split, files."""

    records: int = 0
    per_split: Counter[str] = field(default_factory=Counter)
    documents_per_split: dict[str, set[str]] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)

    def describe(self) -> str:
        text = f"{self.records} record(s)"
        if self.per_split:
            parts = [
                f"{name} {self.per_split[name]} ({len(self.documents_per_split.get(name, ()))} "
                "documents)"
                for name in SPLIT_NAMES
            ]
            text += "; split by document: " + ", ".join(parts)
        return text


def registry_document(session: Session) -> dict[str, Any]:
    """The actor registry in the format ``annotator import`` reads (``annotator.actors.v1``)."""
    actors = session.scalars(select(Actor).options(selectinload(Actor.aliases)).order_by(Actor.key))
    entries = []
    for actor in actors:
        entry: dict[str, Any] = {
            "key": actor.key,
            "name": actor.name,
            "type": actor.type,
            "aliases": [
                a.alias for a in actor.aliases if a.status == "confirmed" and a.alias != actor.name
            ],
        }
        if actor.description:
            entry["description"] = actor.description
        if actor.entity_label:
            entry["label"] = actor.entity_label
        entries.append(entry)
    return {
        "schema": REGISTRY_SCHEMA,
        "description": "The actor registry at the time of the export; records link actors by key.",
        "actors": entries,
    }


def write_registry(registry: dict[str, Any], path: Path) -> Path:
    """Write the actor registry (``registry_document``, read in the state the records were
    read in) next to, never inside, the exported records."""
    path.write_bytes(orjson.dumps(registry, option=orjson.OPT_INDENT_2) + b"\n")
    return path
