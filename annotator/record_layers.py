"""An annotation's layers as its ``annotator.v1`` record writes them, stored with the annotation.

Every save and every import writes, in the same transaction as the layer tables, the
record's ``entities``, ``stances`` and ``quotes`` (span texts and actor details written
out) as compact JSON in ``annotations.record_layers``. An export copies these bytes
instead of rebuilding every record from its table rows (one row read per record instead
of eight). The export still checks
every span against the paragraph text and every actor against the registry before it
writes a line (``export/records.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Actor
from .validation import ValidPayload

ActorDetails = dict[str, str]


def _span(text: str, span: Mapping[str, int]) -> dict[str, Any]:
    return {"start": span["start"], "end": span["end"], "text": text[span["start"] : span["end"]]}


def encode_layers(payload: ValidPayload, text: str, actors: Mapping[str, ActorDetails]) -> str:
    """The record's layers of a validated payload (offsets into ``text``, actors by key), as
    the compact JSON the column stores."""
    layers = {
        "entities": [
            {
                "id": e["id"],
                "start": e["start"],
                "end": e["end"],
                "text": text[e["start"] : e["end"]],
                "label": e["label"],
                "actor": actors[e["actor"]] if e["actor"] is not None else None,
            }
            for e in payload.entities
        ],
        "stances": [
            {
                "id": s["id"],
                "holder": s["holder"],
                "target": s["target"] if isinstance(s["target"], str) else _span(text, s["target"]),
                "polarity": s["polarity"],
                "quote": s["quote"],
            }
            for s in payload.stances
        ],
        "quotes": [
            {
                "id": q["id"],
                "speaker": q["speaker"],
                "cue": _span(text, q["cue"]) if q["cue"] is not None else None,
                "content": _span(text, q["content"]),
                "type": q["type"],
            }
            for q in payload.quotes
        ],
    }
    return orjson.dumps(layers).decode()


def actor_details(
    session: Session, keys: Iterable[str | None] | None = None
) -> dict[str, ActorDetails]:
    """``{"id", "name", "type"}`` of the registry's actors (only ``keys`` when given)."""
    query = select(Actor.key, Actor.name, Actor.type)
    if keys is not None:
        wanted = {key for key in keys if key is not None}
        if not wanted:
            return {}
        query = query.where(Actor.key.in_(wanted))
    return {
        key: {"id": key, "name": name, "type": type_} for key, name, type_ in session.execute(query)
    }
