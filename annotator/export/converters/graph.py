"""The three layers of a record as plain labelled spans and relations between them.

Prodigy and doccano have no notion of stances or reported speech; both get the same
flattening, so one reads the same structure in either tool:

- every entity is a span labelled with its entity type, carrying its actor's key
  (``actor``) when it has one;
- a quote's content is a span QUOTE carrying the quote's type (``quote_type``), its cue a
  span CUE; relations SPEAKER (speaker entity -> content) and CUE (cue -> content);
- a stance whose target is text adds a span STANCE_TARGET; every stance is a relation
  from holder to target labelled with its polarity (SUPPORT, OPPOSE, NEUTRAL).

An item's attributes travel on its span, not in a table keyed by our item ids: the tools
number or name spans their own way, so such a table would point at the wrong span once
items were deleted (e1, e3, e4 become spans 1, 2, 3).
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
    actor: str | None = None  # an entity's actor key
    quote_type: str | None = None  # a quote content's type

    def attributes(self) -> dict[str, str]:
        """The item's attributes the span carries, as extra keys of the tool's span."""
        found = {"actor": self.actor, "quote_type": self.quote_type}
        return {name: value for name, value in found.items() if value is not None}


@dataclass(frozen=True)
class Relation:
    head: str  # span keys
    child: str
    label: str


def flatten(record: dict[str, Any]) -> tuple[list[Span], list[Relation]]:
    """The spans and relations of one record, in a stable order."""
    spans = [
        Span(
            e["id"],
            e["start"],
            e["end"],
            e["label"],
            e["text"],
            actor=e["actor"]["id"] if e.get("actor") else None,
        )
        for e in record["entities"]
    ]
    relations: list[Relation] = []
    for quote in record["quotes"]:
        content_key = f"{quote['id']}:content"
        content = quote["content"]
        spans.append(
            Span(
                content_key,
                content["start"],
                content["end"],
                "QUOTE",
                content["text"],
                quote_type=quote["type"],
            )
        )
        if quote["cue"] is not None:
            cue_key = f"{quote['id']}:cue"
            cue = quote["cue"]
            spans.append(Span(cue_key, cue["start"], cue["end"], "CUE", cue["text"]))
            relations.append(Relation(cue_key, content_key, "CUE"))
        if quote["speaker"] is not None:
            relations.append(Relation(quote["speaker"], content_key, "SPEAKER"))
    for stance in record["stances"]:
        target = stance["target"]
        target_key = target["entity"]
        if target_key is None:  # text of its own, not an entity
            target_key = f"{stance['id']}:target"
            spans.append(
                Span(target_key, target["start"], target["end"], "STANCE_TARGET", target["text"])
            )
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
    return result


def overlapping(spans: list[Span]) -> bool:
    """Whether two of ``spans`` share a character (the same span twice counts)."""
    end = -1
    for span in sorted(spans, key=lambda s: s.start):
        if span.start < end:
            return True
        end = max(end, span.end)
    return False


@dataclass
class OverlapTally:
    """How many records of an export had overlapping spans, for the note that says what
    the format's consumer does with them."""

    records: int = 0
    overlapping: int = 0

    def add(self, spans: list[Span]) -> None:
        self.records += 1
        self.overlapping += overlapping(spans)

    def notes(self, format_: str) -> list[str]:
        """What to tell whoever exported ``format_`` (nothing when no spans overlap)."""
        if not self.overlapping:
            return []
        return [f"{self.overlapping} of {self.records} {OVERLAP_NOTES[format_]}"]


OVERLAP_NOTES = {
    "doccano": (
        "examples have overlapping spans: import them into a doccano project with "
        '"Allow overlapping spans" on (with it off, doccano drops spans and its import fails)'
    ),
    "prodigy": (
        "tasks have overlapping spans: use the spans interfaces or doc.spans; setting "
        "doc.ents from them raises spaCy's E1010"
    ),
}
