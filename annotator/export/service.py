"""Running an export: records to JSONL (one file, or one per split), the actor registry beside them.

The CLI, the API and the download button all go through ``write_native`` / ``stream_native``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..models import Actor
from .records import ExportFilters, iter_records
from .splits import SPLIT_NAMES, SplitSpec

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


def _line(record: dict[str, Any]) -> bytes:
    return orjson.dumps(record) + b"\n"


def stream_native(
    session: Session, filters: ExportFilters, split: SplitSpec | None = None
) -> Iterator[bytes]:
    """JSONL lines of ``annotator.v1`` records, produced as they are read."""
    for record in iter_records(session, filters):
        if split is not None:
            record["split"] = split.assign(record["document_id"])
        yield _line(record)


def write_native(
    session: Session,
    filters: ExportFilters,
    out: IO[bytes] | Path,
    split: SplitSpec | None = None,
    split_files: bool = False,
    on_record: Callable[[], None] | None = None,
) -> ExportSummary:
    """Write the records to a stream, a file, or (``split_files``) a folder of train/dev/test.jsonl.

    Files are written under temporary names and renamed only when the whole export
    succeeded: an export stopped by a bad span leaves no partial file behind.
    """
    summary = ExportSummary()
    handles: dict[str, IO[bytes]] = {}
    renames: list[tuple[Path, Path]] = []
    if split_files:
        assert isinstance(out, Path) and split is not None
        out.mkdir(parents=True, exist_ok=True)
        targets = {name: out / f"{name}.jsonl" for name in SPLIT_NAMES}
    elif isinstance(out, Path):
        targets = {"all": out}
    else:
        targets = {}
        handles["all"] = out
    for name, final in targets.items():
        temporary = final.with_name(f".{final.name}.part")
        handles[name] = temporary.open("wb")
        renames.append((temporary, final))
    succeeded = False
    try:
        for record in iter_records(session, filters):
            if split is not None:
                name = split.assign(record["document_id"])
                record["split"] = name
                summary.per_split[name] += 1
                summary.documents_per_split.setdefault(name, set()).add(record["document_id"])
            handles[record["split"] if split_files else "all"].write(_line(record))
            summary.records += 1
            if on_record is not None:
                on_record()
        succeeded = True
    finally:
        for name, handle in handles.items():
            if name in targets:
                handle.close()
        for temporary, final in renames:
            if succeeded:
                temporary.replace(final)
                summary.files.append(final)
            else:
                temporary.unlink(missing_ok=True)
    return summary


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


def write_registry(session: Session, path: Path) -> Path:
    """Write the actor registry next to (never inside) the exported records."""
    path.write_bytes(orjson.dumps(registry_document(session), option=orjson.OPT_INDENT_2) + b"\n")
    return path
