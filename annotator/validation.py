"""The one place that decides whether an annotation payload is valid.

The browser checks the same rules before saving, but the server decides: every
save and every import goes through ``validate_payload``. Errors come back as a
list of ``{"path", "message"}`` so a client can point at the offending item.

Offsets are Unicode code points into the stored (NFC) paragraph text, exactly
as Python indexes a ``str``: ``text[start:end]``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from jsonschema.exceptions import ValidationError

from .jsonschemas import fast_errors, fast_validator, full_validator

PAYLOAD_SCHEMA = "annotation-payload.v1"
ITEM_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")
SUGGESTION_ID = re.compile(r"[A-Za-z0-9_:.-]{1,100}")


@dataclass(frozen=True)
class Vocabulary:
    """What a payload may name: the configured labels and the registry's actor keys."""

    entity_types: frozenset[str]
    polarities: frozenset[str]
    quote_types: frozenset[str]
    actor_keys: frozenset[str]


@dataclass
class PayloadError:
    path: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"path": self.path, "message": self.message}


@dataclass
class ValidPayload:
    """A payload that passed every rule, in the shape the store and the history keep."""

    version: int
    status: str
    comment: str | None
    flagged: bool
    entities: list[dict[str, Any]]
    stances: list[dict[str, Any]]
    quotes: list[dict[str, Any]]
    suggestions: list[dict[str, Any]] = field(default_factory=list)

    def content(self) -> dict[str, Any]:
        """Everything but the version: what the history row and the API return."""
        return {
            "status": self.status,
            "comment": self.comment,
            "flagged": self.flagged,
            "entities": self.entities,
            "stances": self.stances,
            "quotes": self.quotes,
            "suggestions": self.suggestions,
        }


class InvalidPayload(ValueError):
    """Raised with the full list of problems; nothing is stored."""

    def __init__(self, errors: list[PayloadError]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{e.path}: {e.message}" for e in errors))


def _path(parts: Iterable[Any]) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "$"


def _schema_errors(payload: Any) -> list[PayloadError]:
    if fast_validator(PAYLOAD_SCHEMA).is_valid(payload):
        return []
    errors: list[PayloadError] = []
    for error in sorted(
        full_validator(PAYLOAD_SCHEMA).iter_errors(payload), key=lambda e: [str(p) for p in e.path]
    ):
        errors.append(PayloadError(_path(error.path), _schema_message(error)))
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


class _Checker:
    """Collects semantic errors (offsets, references, vocabulary) over one payload."""

    def __init__(self, text: str, vocabulary: Vocabulary) -> None:
        self.text = text
        self.vocabulary = vocabulary
        self.errors: list[PayloadError] = []

    def fail(self, path: str, message: str) -> None:
        self.errors.append(PayloadError(path, message))

    def span(self, path: str, start: int, end: int, claimed_text: str | None) -> None:
        length = len(self.text)
        if start >= end:
            self.fail(path, f"start ({start}) must be less than end ({end})")
        elif end > length:
            self.fail(path, f"end ({end}) is past the end of the paragraph ({length} characters)")
        elif claimed_text is not None and self.text[start:end] != claimed_text:
            self.fail(
                path,
                f"text {claimed_text!r} does not match the paragraph at [{start}:{end}] "
                f"({self.text[start:end]!r}); offsets are code points into the NFC text",
            )

    def unique_ids(self, layer: str, items: list[dict[str, Any]]) -> set[str]:
        seen: set[str] = set()
        for index, item in enumerate(items):
            if not ITEM_ID.fullmatch(item["id"]):
                self.fail(f"{layer}[{index}].id", f"{item['id']!r} is not a valid id")
            elif item["id"] in seen:
                self.fail(f"{layer}[{index}].id", f"id {item['id']!r} is used twice in {layer}")
            seen.add(item["id"])
        return seen


def validate_payload(
    payload: Any, text: str, vocabulary: Vocabulary, *, shape_checked: bool = False
) -> ValidPayload:
    """Check a payload against the paragraph ``text`` and the ``vocabulary``.

    ``shape_checked`` skips the JSON Schema when the caller built the payload from data
    already checked against a stricter schema (the annotator.v1 import). Returns the
    normalised payload, or raises ``InvalidPayload`` listing every problem.
    """
    errors = [] if shape_checked else _schema_errors(payload)
    if errors:
        raise InvalidPayload(errors)
    check = _Checker(text, vocabulary)
    entity_ids = check.unique_ids("entities", payload["entities"])
    quote_ids = check.unique_ids("quotes", payload["quotes"])
    check.unique_ids("stances", payload["stances"])

    entities = []
    for index, item in enumerate(payload["entities"]):
        path = f"entities[{index}]"
        check.span(path, item["start"], item["end"], item.get("text"))
        if item["label"] not in vocabulary.entity_types:
            check.fail(f"{path}.label", f"unknown entity type {item['label']!r}")
        actor = item.get("actor")
        if actor is not None and actor not in vocabulary.actor_keys:
            check.fail(f"{path}.actor", f"unknown actor {actor!r}")
        entities.append(
            {
                "id": item["id"],
                "start": item["start"],
                "end": item["end"],
                "label": item["label"],
                "actor": actor,
                "from_suggestion": bool(item.get("from_suggestion", False)),
            }
        )

    quotes = []
    for index, item in enumerate(payload["quotes"]):
        path = f"quotes[{index}]"
        speaker = item.get("speaker")
        if speaker is not None and speaker not in entity_ids:
            check.fail(f"{path}.speaker", f"speaker {speaker!r} is not an entity of this payload")
        cue = item.get("cue")
        if cue is not None:
            check.span(f"{path}.cue", cue["start"], cue["end"], cue.get("text"))
        content = item["content"]
        check.span(f"{path}.content", content["start"], content["end"], content.get("text"))
        if item["type"] not in vocabulary.quote_types:
            check.fail(f"{path}.type", f"unknown quote type {item['type']!r}")
        quotes.append(
            {
                "id": item["id"],
                "speaker": speaker,
                "cue": {"start": cue["start"], "end": cue["end"]} if cue else None,
                "content": {"start": content["start"], "end": content["end"]},
                "type": item["type"],
            }
        )

    stances = []
    for index, item in enumerate(payload["stances"]):
        path = f"stances[{index}]"
        holder = item["holder"]
        if holder not in entity_ids:
            check.fail(f"{path}.holder", f"holder {holder!r} is not an entity of this payload")
        target = item["target"]
        if isinstance(target, str):
            if target not in entity_ids:
                check.fail(f"{path}.target", f"target {target!r} is not an entity of this payload")
            elif target == holder:
                check.fail(f"{path}.target", "the holder cannot be its own target")
            clean_target: str | dict[str, int] = target
        else:
            check.span(f"{path}.target", target["start"], target["end"], target.get("text"))
            clean_target = {"start": target["start"], "end": target["end"]}
        if item["polarity"] not in vocabulary.polarities:
            check.fail(f"{path}.polarity", f"unknown polarity {item['polarity']!r}")
        quote = item.get("quote")
        if quote is not None and quote not in quote_ids:
            check.fail(f"{path}.quote", f"quote {quote!r} is not a quote of this payload")
        stances.append(
            {
                "id": item["id"],
                "holder": holder,
                "target": clean_target,
                "polarity": item["polarity"],
                "quote": quote,
            }
        )

    suggestions = []
    seen_suggestions: set[str] = set()
    for index, item in enumerate(payload.get("suggestions", [])):
        path = f"suggestions[{index}]"
        if not SUGGESTION_ID.fullmatch(item["id"]) or item["id"] in seen_suggestions:
            check.fail(f"{path}.id", f"{item['id']!r} is not a valid, unique suggestion id")
        seen_suggestions.add(item["id"])
        check.span(path, item["start"], item["end"], None)
        suggestions.append(
            {
                "id": item["id"],
                "kind": item["kind"],
                "start": item["start"],
                "end": item["end"],
                "label": item.get("label"),
                "actor": item.get("actor"),
                "decision": item["decision"],
            }
        )

    comment = payload.get("comment")
    flagged = bool(payload.get("flagged", False))
    if flagged and not (comment or "").strip():
        check.fail("comment", "a flagged paragraph needs a comment saying what is wrong")

    if check.errors:
        raise InvalidPayload(check.errors)
    return ValidPayload(
        version=payload["version"],
        status=payload["status"],
        comment=comment,
        flagged=flagged,
        entities=entities,
        stances=stances,
        quotes=quotes,
        suggestions=suggestions,
    )
