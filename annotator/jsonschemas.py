"""The JSON Schemas that ship in annotator/schemas, loaded once, in two compiled forms.

- ``full_validator``: ``jsonschema``, which lists every error with a readable message;
- ``fast_validator``: the same schema in jsonschema-rs (compiled Rust), about a hundred
  times faster on valid input, for the hot paths (every save, every imported record).
  Callers ask it ``is_valid`` and turn to the full validator for the messages; it also
  checks ``date-time`` formats, which ``jsonschema`` skips without an extra package, so
  its own errors are the fallback when the full validator finds none.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

import jsonschema_rs
from jsonschema import Draft202012Validator


@cache
def load_schema(name: str) -> dict[str, Any]:
    """The schema ``annotator/schemas/<name>.schema.json``."""
    text = resources.files("annotator").joinpath(f"schemas/{name}.schema.json").read_text("utf-8")
    return json.loads(text)


def _inline_refs(node: Any, definitions: dict[str, Any]) -> Any:
    """Replace each local ``{"$ref": "#/$defs/x"}`` by its definition (our schemas have no cycles).

    Resolving references at validation time costs more than the rest of the check together.
    """
    if isinstance(node, dict):
        reference = node.get("$ref")
        if isinstance(reference, str) and reference.startswith("#/$defs/"):
            return _inline_refs(definitions[reference.removeprefix("#/$defs/")], definitions)
        return {k: _inline_refs(v, definitions) for k, v in node.items() if k != "$defs"}
    if isinstance(node, list):
        return [_inline_refs(item, definitions) for item in node]
    return node


@cache
def expanded_schema(name: str) -> dict[str, Any]:
    """The schema with its ``$defs`` written out in place."""
    schema = load_schema(name)
    return _inline_refs(schema, schema.get("$defs", {}))


@cache
def full_validator(name: str) -> Draft202012Validator:
    """A validator that reports every error (dates and other formats checked too)."""
    return Draft202012Validator(
        expanded_schema(name), format_checker=Draft202012Validator.FORMAT_CHECKER
    )


@cache
def fast_validator(name: str) -> Any:
    """A jsonschema-rs validator of the schema, formats checked (``is_valid``, ``iter_errors``)."""
    return jsonschema_rs.validator_for(expanded_schema(name), validate_formats=True)


def fast_errors(name: str, instance: Any) -> list[tuple[str, str]]:
    """(JSON path, message) of each error jsonschema-rs finds (when ``jsonschema`` finds none)."""
    found = []
    for error in fast_validator(name).iter_errors(instance):
        path = "$" + "".join(
            f"[{part}]" if isinstance(part, int) else f".{part}" for part in error.instance_path
        )
        found.append((path, error.message))
    return found
