"""The annotation's content, typed once, with every form it takes and the one span check.

An annotation is what one person (or, later, the adjudication) made of one paragraph:
entities, stances, quotes, a comment, a flag, and the decisions on the suggestions that
were offered. This module is the only description of that shape in Python; the others
convert through it:

- the API payload (``to_payload`` / ``from_payload``), which the history stores and the
  workspace reads back; ``validation`` builds a ``Content`` from an untrusted payload;
- the annotator.v2 record's layers (``Record*`` below; spans carry their text and actors
  their name and type), which ``record`` builds and reads back;
- the rows of the layer tables (``rows``), which the database uses to keep references
  inside one annotation and to find an actor's mentions.

Offsets are Unicode code points into the stored (NFC) paragraph text: ``text[start:end]``.
Everything here is pure: no database, no app.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec


def span_fits(text: str, start: int, end: int, claimed: str | None = None) -> bool:
    """Whether [start, end) is a non-empty span of ``text`` (holding ``claimed``, when given).

    The one span check: validation, reading records back and the export all ask it (the
    export for every span of every record, so it is kept to one expression);
    ``span_problem`` says in words why a span fails it.
    """
    return 0 <= start < end <= len(text) and (claimed is None or text[start:end] == claimed)


def span_problem(text: str, start: int, end: int, claimed: str | None = None) -> str | None:
    """Why [start, end) fails ``span_fits``, for a person to read; None when it fits."""
    if span_fits(text, start, end, claimed):
        return None
    length = len(text)
    if not 0 <= start < end:
        return f"start ({start}) must be less than end ({end})"
    if end > length:
        return f"end ({end}) is past the end of the paragraph ({length} characters)"
    return (
        f"text {claimed!r} does not match the paragraph at [{start}:{end}] "
        f"({text[start:end]!r}); offsets are code points into the NFC text"
    )


class Span(msgspec.Struct, frozen=True):
    """A stretch of the paragraph: code points [start, end)."""

    start: int
    end: int

    def record(self, text: str) -> RecordSpan:
        return RecordSpan(self.start, self.end, text[self.start : self.end])


class Entity(msgspec.Struct):
    """A typed span naming an actor, linked to the registry by key (or not linked)."""

    id: str
    start: int
    end: int
    label: str
    actor: str | None = None
    # Accepted from a suggestion rather than drawn by hand.
    from_suggestion: bool = False

    def record(self, text: str, actors: Mapping[str, RecordActor]) -> RecordEntity:
        actor = actors[self.actor] if self.actor is not None else None
        return RecordEntity(
            self.id, self.start, self.end, text[self.start : self.end], self.label, actor
        )


class Stance(msgspec.Struct):
    """A holder (entity id) for, against or neutral towards a target: an entity id or a span."""

    id: str
    holder: str
    target: str | Span
    polarity: str
    quote: str | None = None

    def record(self, text: str, entities: Mapping[str, Entity]) -> RecordStance:
        """The stance as a record writes it: the target always a ``RecordTarget``, an entity
        target with that entity's span (``entities`` holds the annotation's entities by id)."""
        if isinstance(self.target, str):
            entity = entities[self.target]
            target = RecordTarget(
                self.target, entity.start, entity.end, text[entity.start : entity.end]
            )
        else:
            start, end = self.target.start, self.target.end
            target = RecordTarget(None, start, end, text[start:end])
        return RecordStance(self.id, self.holder, target, self.polarity, self.quote)


class Quote(msgspec.Struct, kw_only=True):
    """Reported speech: who (an entity id, or none), the reporting verb (or none), what, and
    how. Keyword-only, so that the optional speaker and cue keep their place in the order."""

    id: str
    speaker: str | None = None
    cue: Span | None = None
    content: Span
    type: str

    def record(self, text: str) -> RecordQuote:
        cue = self.cue.record(text) if self.cue is not None else None
        return RecordQuote(self.id, self.speaker, cue, self.content.record(text), self.type)


class Decision(msgspec.Struct):
    """What the annotator did with one suggestion: accepted, rejected, or left it (ignored)."""

    id: str
    kind: str
    start: int
    end: int
    decision: str
    label: str | None = None
    actor: str | None = None


class Content(msgspec.Struct):
    """Everything an annotation holds apart from who, where and which version."""

    status: str
    comment: str | None = None
    flagged: bool = False
    entities: list[Entity] = msgspec.field(default_factory=list)
    stances: list[Stance] = msgspec.field(default_factory=list)
    quotes: list[Quote] = msgspec.field(default_factory=list)
    suggestions: list[Decision] = msgspec.field(default_factory=list)

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> Content:
        """The content of a payload already known to be valid (a stored history row).

        Keys the content does not hold (``version``, ``imported_from``) are ignored; whole
        numbers that an older version stored as floats (``5.0``) are read as integers.
        """
        return msgspec.convert(payload, cls, strict=False)

    def to_payload(self) -> dict[str, Any]:
        """The API's JSON shape (without the version, which is the store's)."""
        return msgspec.to_builtins(self)

    def actor_keys(self) -> set[str]:
        """The registry keys the entities link."""
        return {entity.actor for entity in self.entities if entity.actor is not None}

    def record_layers(self, text: str, actors: Mapping[str, RecordActor]) -> RecordLayers:
        """The annotator.v2 record's layers: spans with their text, actors with their details
        (``actors`` must hold every linked key)."""
        by_id = {entity.id: entity for entity in self.entities}
        return RecordLayers(
            [entity.record(text, actors) for entity in self.entities],
            [stance.record(text, by_id) for stance in self.stances],
            [quote.record(text) for quote in self.quotes],
        )

    def rows(self) -> dict[str, list[dict[str, Any]]]:
        """The rows of the layer tables, by table, without their annotation id, in the order
        they must be inserted (entities, then quotes, then the stances that name both)."""
        return {
            "annotation_entities": [
                {
                    "local_id": e.id,
                    "position": position,
                    "start": e.start,
                    "end": e.end,
                    "label": e.label,
                    "actor_key": e.actor,
                    "from_suggestion": e.from_suggestion,
                }
                for position, e in enumerate(self.entities)
            ],
            "annotation_quotes": [
                {
                    "local_id": q.id,
                    "position": position,
                    "speaker": q.speaker,
                    "cue_start": q.cue.start if q.cue is not None else None,
                    "cue_end": q.cue.end if q.cue is not None else None,
                    "content_start": q.content.start,
                    "content_end": q.content.end,
                    "type": q.type,
                }
                for position, q in enumerate(self.quotes)
            ],
            "annotation_stances": [
                {
                    "local_id": s.id,
                    "position": position,
                    "holder": s.holder,
                    "target_entity": s.target if isinstance(s.target, str) else None,
                    "target_start": None if isinstance(s.target, str) else s.target.start,
                    "target_end": None if isinstance(s.target, str) else s.target.end,
                    "polarity": s.polarity,
                    "quote": s.quote,
                }
                for position, s in enumerate(self.stances)
            ],
            "suggestion_decisions": [
                {
                    "suggestion_id": d.id,
                    "position": position,
                    "kind": d.kind,
                    "start": d.start,
                    "end": d.end,
                    "label": d.label,
                    "actor_key": d.actor,
                    "decision": d.decision,
                }
                for position, d in enumerate(self.suggestions)
            ],
        }


# The same layers as an annotator.v2 record writes them (its JSON Schema:
# annotator/schemas/annotator.v2.schema.json). Field order is the order of the keys
# in an exported line. ``gc=False``: they hold no cycles, so the garbage collector need not
# track the millions an export decodes.


class RecordSpan(msgspec.Struct, frozen=True, gc=False):
    start: int
    end: int
    text: str


class RecordActor(msgspec.Struct, frozen=True, gc=False):
    """A linked actor as records carry it: key, name and type at the time of writing."""

    id: str
    name: str
    type: str


class RecordEntity(msgspec.Struct, gc=False):
    id: str
    start: int
    end: int
    text: str
    label: str
    actor: RecordActor | None


class RecordTarget(msgspec.Struct, frozen=True, gc=False):
    """A stance's target as annotator.v2 writes it: always an object with the target's span
    (one type for Arrow and every typed reader); ``entity`` names the record's entity it
    is, with that entity's span, or is null when the target is text of its own."""

    entity: str | None
    start: int
    end: int
    text: str


class RecordStance(msgspec.Struct, gc=False):
    id: str
    holder: str
    target: RecordTarget
    polarity: str
    quote: str | None


class RecordQuote(msgspec.Struct, gc=False):
    id: str
    speaker: str | None
    cue: RecordSpan | None
    content: RecordSpan
    type: str


class RecordLayers(msgspec.Struct, gc=False):
    """The ``entities``, ``stances`` and ``quotes`` of a record."""

    entities: list[RecordEntity]
    stances: list[RecordStance]
    quotes: list[RecordQuote]

    def misfit(self, text: str) -> tuple[str, str] | None:
        """The first span that does not hold its text in ``text``, or an entity target whose
        span is not its entity's: (its path in the record, such as ``quotes.q1.cue``, and
        what is wrong, for a person), or None when every span fits."""

        def mismatch(span: RecordSpan | RecordEntity | RecordTarget) -> str:
            return (
                f"claims {span.text!r} but the paragraph has "
                f"{text[span.start : span.end]!r} at those offsets"
            )

        entities = {}
        for entity in self.entities:
            if not span_fits(text, entity.start, entity.end, entity.text):
                return f"entities.{entity.id}", mismatch(entity)
            entities[entity.id] = entity
        for stance in self.stances:
            target = stance.target
            if not span_fits(text, target.start, target.end, target.text):
                return f"stances.{stance.id}.target", mismatch(target)
            named = entities.get(target.entity) if target.entity is not None else None
            if named is not None and (named.start, named.end) != (target.start, target.end):
                return f"stances.{stance.id}.target", (
                    f"names entity {target.entity!r} at [{named.start}:{named.end}] but "
                    f"spans [{target.start}:{target.end}]: an entity target carries its "
                    "entity's span"
                )
        for quote in self.quotes:
            content, cue = quote.content, quote.cue
            if not span_fits(text, content.start, content.end, content.text):
                return f"quotes.{quote.id}.content", mismatch(content)
            if cue is not None and not span_fits(text, cue.start, cue.end, cue.text):
                return f"quotes.{quote.id}.cue", mismatch(cue)
        return None

    def content(self, status: str, comment: str | None, flagged: bool) -> Content:
        """The content these layers record (span texts and actor details dropped)."""

        def span(value: RecordSpan) -> Span:
            return Span(value.start, value.end)

        return Content(
            status=status,
            comment=comment,
            flagged=flagged,
            entities=[
                Entity(e.id, e.start, e.end, e.label, e.actor.id if e.actor else None)
                for e in self.entities
            ],
            stances=[
                Stance(
                    s.id,
                    s.holder,
                    s.target.entity
                    if s.target.entity is not None
                    else Span(s.target.start, s.target.end),
                    s.polarity,
                    s.quote,
                )
                for s in self.stances
            ],
            quotes=[
                Quote(
                    id=q.id,
                    speaker=q.speaker,
                    cue=span(q.cue) if q.cue else None,
                    content=span(q.content),
                    type=q.type,
                )
                for q in self.quotes
            ],
        )
