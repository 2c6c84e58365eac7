"""The annotator.v2 record: one annotated paragraph per JSON line; built here, read back here.

A record is a head (ids, the paragraph's text and where it comes from, who, the status),
the content's layers as ``model.RecordLayers`` (spans with their text, linked actors with
their name and type) and two timestamps. Its JSON Schema ships as
``annotator/schemas/annotator.v2.schema.json``.

annotator.v1 differs in one field: a stance's ``target`` was an entity id (a string) or a
span (an object); v2 writes an object always (``RecordTarget``). v1 files still import:
``read_layers`` upgrades their targets (``upgrade_v1_targets``).

The layers are stored with each annotation as the bytes a record holds (``encode_layers``),
so that an export splices them into its lines instead of building every record again; the
export still checks every span against the text and every actor against the registry
(``checked_layers``). Records read back from a file go through ``read_layers``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import msgspec
import orjson

from .model import Content, RecordActor, RecordEntity, RecordLayers, RecordSpan

SCHEMA = "annotator.v2"
# The record schemas an import reads: the current one and the one before it.
READABLE_SCHEMAS = ("annotator.v1", SCHEMA)

_encode = msgspec.json.Encoder().encode
_decode_layers = msgspec.json.Decoder(RecordLayers).decode


class RecordCheckFailed(ValueError):
    """A record failed its check; nothing of what it belongs to is written or stored."""


class SpanMismatch(RecordCheckFailed):
    """A span's text is not what the paragraph holds at its offsets (or an entity target's
    span is not its entity's)."""

    def __init__(self, record_id: str, path: str, problem: str) -> None:
        self.record_id = record_id
        super().__init__(f"record {record_id}: {path} {problem}")


class StoredLayersUnreadable(RecordCheckFailed):
    """A record's stored layers are not what a save writes (changed outside annotator)."""

    def __init__(self, record_id: str, problem: str) -> None:
        super().__init__(f"record {record_id}: its stored layers cannot be read ({problem})")


def encode_layers(content: Content, text: str, actors: Mapping[str, RecordActor]) -> bytes:
    """The record layers of ``content`` over ``text`` as stored with the annotation."""
    return _encode(content.record_layers(text, actors))


def _check_spans(record_id: str, text: str, layers: RecordLayers) -> None:
    misfit = layers.misfit(text)
    if misfit is not None:
        raise SpanMismatch(record_id, *misfit)


def checked_layers(
    record_id: str, text: str, stored: bytes, actors: Mapping[str, RecordActor]
) -> bytes:
    """The stored layers of a record as its line carries them: every span checked against
    ``text`` and every linked actor brought up to date with the registry (``actors``).

    Raises ``SpanMismatch`` or ``StoredLayersUnreadable`` naming the record.
    """
    try:
        layers = _decode_layers(stored)
    except msgspec.DecodeError as error:
        raise StoredLayersUnreadable(record_id, str(error)) from None
    _check_spans(record_id, text, layers)
    stale = False
    for entity in layers.entities:
        actor = entity.actor
        if actor is not None:
            current = actors.get(actor.id, actor)
            if current != actor:  # renamed or retyped since the save
                entity.actor = current
                stale = True
    return _encode(layers) if stale else stored


def upgrade_v1_targets(record: Mapping[str, Any]) -> list[dict[str, Any]]:
    """An annotator.v1 record's stances with v2 targets: an entity id becomes
    ``{"entity", "start", "end", "text"}`` with that entity's span, a span gains
    ``"entity": null``. ``SpanMismatch`` when a target names no entity of the record."""
    entities = {entity["id"]: entity for entity in record["entities"]}
    stances = []
    for stance in record["stances"]:
        target = stance["target"]
        if isinstance(target, str):
            entity = entities.get(target)
            if entity is None:
                raise SpanMismatch(
                    record["id"],
                    f"stances.{stance['id']}.target",
                    f"names {target!r}, which is not an entity of this record",
                )
            target = {"entity": target, **{k: entity[k] for k in ("start", "end", "text")}}
        else:
            target = {"entity": None, **target}
        stances.append({**stance, "target": target})
    return stances


def read_layers(record: Mapping[str, Any]) -> RecordLayers:
    """The layers of a record read back from a file (already valid against the JSON
    Schema of its ``schema``, v1 or v2), every span checked against its text;
    ``SpanMismatch`` names the first bad one."""
    stances = record["stances"]
    if record.get("schema") == "annotator.v1":
        stances = upgrade_v1_targets(record)
    layers = msgspec.convert(
        {"entities": record["entities"], "stances": stances, "quotes": record["quotes"]},
        RecordLayers,
    )
    _check_spans(record["id"], record["text"], layers)
    return layers


@dataclass(slots=True)
class Record:
    """One annotator.v2 record on its way out.

    ``head`` holds the fields before the layers, in the format's key order;
    ``layers_json`` the checked layers (``checked_layers``); timestamps are ISO 8601 text.
    """

    head: dict[str, Any]
    layers_json: bytes
    created_at: str
    updated_at: str
    split: str | None = None

    @property
    def document_id(self) -> str:
        return self.head["document_id"]

    def as_dict(self) -> dict[str, Any]:
        """The record as a dict, in the format's key order (for the converters)."""
        record = {
            **self.head,
            **orjson.loads(self.layers_json),
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }
        if self.split is not None:
            record["split"] = self.split
        return record

    def as_line(self) -> bytes:
        """The record as a JSON line: the bytes of ``orjson.dumps(self.as_dict())`` and a
        newline, spliced from the stored layers instead of encoding them again (timestamps
        are ISO 8601: nothing in them to escape)."""
        head = memoryview(orjson.dumps(self.head))
        end = b'"}\n' if self.split is None else b'","split":' + orjson.dumps(self.split) + b"}\n"
        return b"".join(
            (
                head[:-1],
                b",",
                memoryview(self.layers_json)[1:-1],
                b',"created_at":"',
                self.created_at.encode(),
                b'","updated_at":"',
                self.updated_at.encode(),
                end,
            )
        )


__all__ = [
    "READABLE_SCHEMAS",
    "SCHEMA",
    "Record",
    "RecordActor",
    "RecordCheckFailed",
    "RecordEntity",
    "RecordSpan",
    "SpanMismatch",
    "StoredLayersUnreadable",
    "checked_layers",
    "encode_layers",
    "read_layers",
    "upgrade_v1_targets",
]
