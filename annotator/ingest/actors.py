"""Reading an actor registry file (``"schema": "annotator.actors.v1"``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
from jsonschema.exceptions import best_match

from ..jsonschemas import full_validator
from ..registry import (
    ACTOR_KEY_PATTERN,
    MAX_ALIAS_LENGTH,
    REGISTRY_SCHEMA,
    RegistryError,
    check_alias_count,
    normalise_alias,
)
from .errors import RejectedFile
from .json_checks import TooDeep, check_depth, find_forbidden_in_json, line_of_forbidden_escape
from .text import decode_text, normalise_text


@dataclass(frozen=True)
class ActorRecord:
    key: str
    name: str
    type: str
    aliases: tuple[str, ...]
    description: str
    label: str | None = None


def parse_registry(data: bytes, source: str) -> list[ActorRecord]:
    """Validate a registry file and return its actors; reject it whole on any error."""
    text = decode_text(data, source)
    try:
        document: Any = orjson.loads(text)
        check_depth(document)
    except orjson.JSONDecodeError as error:
        raise RejectedFile(source, f"not valid JSON: {error.msg}", error.lineno) from None
    except TooDeep as error:
        raise RejectedFile(source, f"the registry is JSON {error}") from None
    forbidden = find_forbidden_in_json(document)
    if forbidden is not None:
        line = line_of_forbidden_escape(text)
        raise RejectedFile(source, f"{forbidden[0]}: {forbidden[1]}", line)
    if not isinstance(document, dict) or document.get("schema") != REGISTRY_SCHEMA:
        raise RejectedFile(
            source,
            f'a .json file must be an actor registry with "schema": "{REGISTRY_SCHEMA}"',
        )
    error = best_match(full_validator("actors.v1").iter_errors(document))
    if error is not None:
        raise RejectedFile(source, f"{error.json_path}: {error.message}")
    records: list[ActorRecord] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(document["actors"]):
        # JSON Schema patterns use re.search, where "$" also matches before a final newline.
        if not ACTOR_KEY_PATTERN.fullmatch(item["key"]):
            raise RejectedFile(source, f"$.actors[{index}].key: {item['key']!r} is not a slug")
        for alias_index, alias in enumerate([item["name"], *item.get("aliases", ())]):
            if len(normalise_alias(alias)) > MAX_ALIAS_LENGTH:
                where = "name" if alias_index == 0 else f"aliases[{alias_index - 1}]"
                raise RejectedFile(
                    source,
                    f"$.actors[{index}].{where}: longer than {MAX_ALIAS_LENGTH} characters "
                    "once normalised",
                )
        try:
            check_alias_count(item["key"], [item["name"], *item.get("aliases", ())])
        except RegistryError as error:
            raise RejectedFile(source, f"$.actors[{index}].{error}") from None
        if item["key"] in seen:
            raise RejectedFile(
                source,
                f"$.actors[{index}]: key {item['key']!r} repeats $.actors[{seen[item['key']]}]",
            )
        seen[item["key"]] = index
        records.append(
            ActorRecord(
                key=item["key"],
                name=_single_line(item["name"]),
                type=item["type"],
                aliases=tuple(_single_line(a) for a in item.get("aliases", ())),
                description=normalise_text(item.get("description", "")).strip(),
                label=item.get("label"),
            )
        )
    return records


def _single_line(value: str) -> str:
    """NFC, with runs of white space (line breaks included) folded to one space."""
    return " ".join(normalise_text(value).split())
