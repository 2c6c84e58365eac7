"""The one place that decides whether an annotation payload is valid, and builds its ``Content``.

The browser checks the same rules before saving, but the server decides: every save goes
through ``validate_payload`` (the JSON Schema, then ``check_content``), and every imported
record through ``check_content`` after its own schema. Errors come back as a list of
``{"path", "message"}`` so that a client can point at the offending item; nothing is
stored when there is one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import msgspec
from jsonschema.exceptions import ValidationError

from ..jsonschemas import fast_errors, fast_validator, full_validator, load_schema
from .model import Content, span_problem

PAYLOAD_SCHEMA = "annotation-payload.v1"
ITEM_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")
SUGGESTION_ID = re.compile(r"[A-Za-z0-9_:.-]{1,100}")
# Versions and offsets are JSON integers: a float is refused, even one with no fraction
# (``5.0``), on every path and engine alike, rather than stored as whatever it rounds to.
WHOLE_NUMBER = "must be a whole number written as an integer (5, not 5.0)"


@dataclass(frozen=True)
class Vocabulary:
    """What a payload may name: the configured labels and the registry's actor keys."""

    entity_types: frozenset[str]
    polarities: frozenset[str]
    quote_types: frozenset[str]
    actor_keys: frozenset[str]


# How long a refusal's path and message may be: a 10 MB comment is refused in a line, not
# sent back, so a message quotes at most about 80 characters of a value.
PATH_LIMIT = 80
MESSAGE_LIMIT = 200


def shorten(text: str, limit: int) -> str:
    """``text``, or its first and last characters around "…" and how many were left out when
    it is longer than ``limit``: every message and path of a refusal goes through here."""
    if len(text) <= limit:
        return text
    head = limit // 2
    tail = limit - head
    return f"{text[:head]}…({len(text) - limit} characters)…{text[-tail:]}"


@dataclass(frozen=True)
class PayloadError:
    """One problem: where (a path such as ``entities[0].label``) and what, in words; both
    shortened past ``PATH_LIMIT`` and ``MESSAGE_LIMIT`` characters."""

    path: str
    message: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "path", shorten(self.path, PATH_LIMIT))
        object.__setattr__(self, "message", shorten(self.message, MESSAGE_LIMIT))

    def as_dict(self) -> dict[str, str]:
        return {"path": self.path, "message": self.message}


class InvalidPayload(ValueError):
    """Raised with the full list of problems; nothing is stored."""

    def __init__(self, errors: list[PayloadError]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{e.path}: {e.message}" for e in errors))


def payload_limits() -> dict[str, int]:
    """How many items each layer may hold and how long a comment may be, read from the
    payload's JSON Schema, so that the browser is told the same limits the server keeps."""
    properties = load_schema(PAYLOAD_SCHEMA)["properties"]
    limits = {
        layer: properties[layer]["maxItems"]
        for layer in ("entities", "stances", "quotes", "suggestions")
    }
    limits["comment"] = properties["comment"]["maxLength"]
    return limits


def _path(parts: Iterable[Any]) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "$"


def _schema_errors(payload: Any) -> list[PayloadError]:
    if fast_validator(PAYLOAD_SCHEMA).is_valid(payload):
        return []
    errors = [
        PayloadError(_path(error.path), _schema_message(error))
        for error in sorted(
            full_validator(PAYLOAD_SCHEMA).iter_errors(payload),
            key=lambda e: [str(p) for p in e.path],
        )
    ]
    return errors or [
        PayloadError(path.removeprefix("$."), message)
        for path, message in fast_errors(PAYLOAD_SCHEMA, payload)
    ]


def _schema_message(error: ValidationError) -> str:
    if error.path and error.path[-1] == "target" and error.validator == "type":
        return "target must be an entity id or a span {start, end}"
    if error.validator == "oneOf":
        return f"{error.instance!r} is not valid here"
    return error.message


def _claims(payload: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """The spans of a payload that say which text they hold (an optional ``text``)."""
    for index, item in enumerate(payload["entities"]):
        yield f"entities[{index}]", item
    for index, item in enumerate(payload["quotes"]):
        if item.get("cue") is not None:
            yield f"quotes[{index}].cue", item["cue"]
        yield f"quotes[{index}].content", item["content"]
    for index, item in enumerate(payload["stances"]):
        if isinstance(item["target"], dict):
            yield f"stances[{index}].target", item["target"]


def _content(payload: dict[str, Any]) -> Content:
    """The content of a payload whose shape the JSON Schema accepted; keys the content does
    not hold (``version``, a span's claimed ``text``) are left out. Raises ``InvalidPayload``
    for what the schema lets through but the content's types do not: a whole number written
    as a float (``5.0``)."""
    try:
        return msgspec.convert(payload, Content)
    except msgspec.ValidationError as error:
        message, _, where = str(error).partition(" - at `$")
        if message == "Expected `int`, got `float`":
            message = WHOLE_NUMBER
        raise InvalidPayload(
            [PayloadError(where.rstrip("`").lstrip(".") or "$", message)]
        ) from None


def check_content(content: Content, text: str, vocabulary: Vocabulary) -> list[PayloadError]:
    """Every problem of ``content`` over the paragraph ``text``: spans outside it, ids used
    twice, references to items that are not there, labels and actors nobody configured."""
    errors: list[PayloadError] = []

    def fail(path: str, message: str) -> None:
        errors.append(PayloadError(path, message))

    def span(path: str, start: int, end: int) -> None:
        problem = span_problem(text, start, end)
        if problem is not None:
            fail(path, problem)

    def unique(layer: str, ids: list[str]) -> set[str]:
        seen: set[str] = set()
        for index, item_id in enumerate(ids):
            if not ITEM_ID.fullmatch(item_id):
                fail(f"{layer}[{index}].id", f"{item_id!r} is not a valid id")
            elif item_id in seen:
                fail(f"{layer}[{index}].id", f"id {item_id!r} is used twice in {layer}")
            seen.add(item_id)
        return seen

    entity_ids = unique("entities", [e.id for e in content.entities])
    quote_ids = unique("quotes", [q.id for q in content.quotes])
    unique("stances", [s.id for s in content.stances])
    for index, entity in enumerate(content.entities):
        path = f"entities[{index}]"
        span(path, entity.start, entity.end)
        if entity.label not in vocabulary.entity_types:
            fail(f"{path}.label", f"unknown entity type {entity.label!r}")
        if entity.actor is not None and entity.actor not in vocabulary.actor_keys:
            fail(f"{path}.actor", f"unknown actor {entity.actor!r}")
    for index, quote in enumerate(content.quotes):
        path = f"quotes[{index}]"
        if quote.speaker is not None and quote.speaker not in entity_ids:
            fail(f"{path}.speaker", f"speaker {quote.speaker!r} is not an entity of this payload")
        if quote.cue is not None:
            span(f"{path}.cue", quote.cue.start, quote.cue.end)
        span(f"{path}.content", quote.content.start, quote.content.end)
        if quote.type not in vocabulary.quote_types:
            fail(f"{path}.type", f"unknown quote type {quote.type!r}")
    for index, stance in enumerate(content.stances):
        path = f"stances[{index}]"
        if stance.holder not in entity_ids:
            fail(f"{path}.holder", f"holder {stance.holder!r} is not an entity of this payload")
        target = stance.target
        if isinstance(target, str):
            if target not in entity_ids:
                fail(f"{path}.target", f"target {target!r} is not an entity of this payload")
            elif target == stance.holder:
                fail(f"{path}.target", "the holder cannot be its own target")
        else:
            span(f"{path}.target", target.start, target.end)
        if stance.polarity not in vocabulary.polarities:
            fail(f"{path}.polarity", f"unknown polarity {stance.polarity!r}")
        if stance.quote is not None and stance.quote not in quote_ids:
            fail(f"{path}.quote", f"quote {stance.quote!r} is not a quote of this payload")
    seen_suggestions: set[str] = set()
    for index, decision in enumerate(content.suggestions):
        path = f"suggestions[{index}]"
        if not SUGGESTION_ID.fullmatch(decision.id) or decision.id in seen_suggestions:
            fail(f"{path}.id", f"{decision.id!r} is not a valid, unique suggestion id")
        seen_suggestions.add(decision.id)
        span(path, decision.start, decision.end)
    if content.flagged and not (content.comment or "").strip():
        fail("comment", "a flagged paragraph needs a comment saying what is wrong")
    return errors


def validate_payload(payload: Any, text: str, vocabulary: Vocabulary) -> tuple[int, Content]:
    """Check a payload (the body of a save) against the paragraph ``text`` and the
    ``vocabulary``: its shape by the JSON Schema, then ``check_content``, and that every
    span which says its text holds it.

    Returns the version the payload was made from and its ``Content``, or raises
    ``InvalidPayload`` listing every problem.
    """
    errors = _schema_errors(payload)
    if errors:
        raise InvalidPayload(errors)
    if type(payload["version"]) is not int:
        raise InvalidPayload([PayloadError("version", WHOLE_NUMBER)])
    content = _content(payload)
    errors = check_content(content, text, vocabulary)
    for path, item in _claims(payload):
        claimed = item.get("text")
        if claimed is not None and span_problem(text, item["start"], item["end"]) is None:
            problem = span_problem(text, item["start"], item["end"], claimed)
            if problem is not None:
                errors.append(PayloadError(path, problem))
    if errors:
        raise InvalidPayload(errors)
    return payload["version"], content
