"""The three layers of a record as plain labelled spans and relations between them.

Prodigy and doccano have no notion of stances or reported speech; both get the same
flattening, so one reads the same structure in either tool:

- every entity is a span labelled with its entity type;
- a quote's content is a span QUOTE (its type in the meta), its cue a span CUE;
  relations SPEAKER (speaker entity -> content) and CUE (cue -> content);
- a stance whose target is text adds a span STANCE_TARGET; every stance is a relation
  from holder to target labelled with its polarity (SUPPORT, OPPOSE, NEUTRAL).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Span:
    key: str  # entity id, or "<quote id>:content" / ":cue", "<stance id>:target"
    start: int
    end: int
    label: str
    text: str


@dataclass(frozen=True)
class Relation:
    head: str  # span keys
    child: str
    label: str


def flatten(record: dict[str, Any]) -> tuple[list[Span], list[Relation]]:
    """The spans and relations of one record, in a stable order."""
    spans = [Span(e["id"], e["start"], e["end"], e["label"], e["text"]) for e in record["entities"]]
    relations: list[Relation] = []
    for quote in record["quotes"]:
        content_key = f"{quote['id']}:content"
        content = quote["content"]
        spans.append(Span(content_key, content["start"], content["end"], "QUOTE", content["text"]))
        if quote["cue"] is not None:
            cue_key = f"{quote['id']}:cue"
            cue = quote["cue"]
            spans.append(Span(cue_key, cue["start"], cue["end"], "CUE", cue["text"]))
            relations.append(Relation(cue_key, content_key, "CUE"))
        if quote["speaker"] is not None:
            relations.append(Relation(quote["speaker"], content_key, "SPEAKER"))
    for stance in record["stances"]:
        target = stance["target"]
        if isinstance(target, dict):
            target_key = f"{stance['id']}:target"
            spans.append(
                Span(target_key, target["start"], target["end"], "STANCE_TARGET", target["text"])
            )
        else:
            target_key = target
        relations.append(Relation(stance["holder"], target_key, stance["polarity"]))
    return spans, relations


def meta(record: dict[str, Any]) -> dict[str, Any]:
    """Where the record came from, for the tools' meta fields."""
    result = {
        "id": record["id"],
        "paragraph_id": record["paragraph_id"],
        "document_id": record["document_id"],
        "document_title": record["document_title"],
        "index": record["index"],
        "annotator": record["annotator"],
        "status": record["status"],
    }
    if "split" in record:
        result["split"] = record["split"]
    actors = {e["id"]: e["actor"]["id"] for e in record["entities"] if e.get("actor")}
    if actors:
        result["actors"] = actors
    quote_types = {q["id"]: q["type"] for q in record["quotes"]}
    if quote_types:
        result["quote_types"] = quote_types
    return result
