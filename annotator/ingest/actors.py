"""Reading an actor registry file (``"schema": "annotator.actors.v1"``)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import orjson
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from .errors import RejectedFile
from .text import decode_text

REGISTRY_SCHEMA_NAME = "annotator.actors.v1"


@dataclass(frozen=True)
class ActorRecord:
    key: str
    name: str
    type: str
    aliases: tuple[str, ...]
    description: str


@cache
def registry_validator() -> Draft202012Validator:
    """The JSON Schema validator of registry files (the schema ships in annotator/schemas)."""
    text = resources.files("annotator").joinpath("schemas/actors.v1.schema.json").read_text("utf-8")
    return Draft202012Validator(json.loads(text))


def parse_registry(data: bytes, source: str) -> list[ActorRecord]:
    """Validate a registry file and return its actors; reject it whole on any error."""
    text = decode_text(data, source)
    try:
        document: Any = orjson.loads(text)
    except orjson.JSONDecodeError as error:
        raise RejectedFile(source, f"not valid JSON: {error}") from None
    if not isinstance(document, dict) or document.get("schema") != REGISTRY_SCHEMA_NAME:
        raise RejectedFile(
            source,
            f'a .json file must be an actor registry with "schema": "{REGISTRY_SCHEMA_NAME}"',
        )
    error = best_match(registry_validator().iter_errors(document))
    if error is not None:
        raise RejectedFile(source, f"{error.json_path}: {error.message}")
    records: list[ActorRecord] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(document["actors"]):
        if item["key"] in seen:
            raise RejectedFile(
                source,
                f"$.actors[{index}]: key {item['key']!r} repeats $.actors[{seen[item['key']]}]",
            )
        seen[item["key"]] = index
        records.append(
            ActorRecord(
                key=item["key"],
                name=item["name"],
                type=item["type"],
                aliases=tuple(item.get("aliases", ())),
                description=item.get("description", ""),
            )
        )
    return records
