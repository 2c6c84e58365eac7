"""``--format hf``: a folder that ``datasets.load_dataset(folder)`` loads with declared types.

One JSONL file per split (``train``, ``dev``, ``test``; ``data`` without a split) of
annotator.v2 records, in which every field has one type, as Arrow needs (a stance's
``target`` is always ``{"entity", "start", "end", "text"}``).

Beside them, ``README.md`` declares every field's type in the YAML block datasets reads
(``dataset_info: features:``), so ``load_dataset`` never guesses a schema from the first
10 MB of a file: a ``comment`` null in all the first records and set in a later one
loads as a string. ``load_dataset("json", data_dir=folder)`` ignores that file and still
guesses. The actor registry is written beside the folder by the caller, never inside it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

import orjson

# Each field's type as datasets names it: a dtype, {field: type} for a struct, [type] for a
# list. Null is allowed everywhere; an optional field (``sources``, ``split``) is declared
# only when the records have it.
_SPAN = {"start": "int64", "end": "int64", "text": "string"}
FEATURES: dict[str, Any] = {
    "id": "string",
    "paragraph_id": "string",
    "document_id": "string",
    "document_title": "string",
    "source": "string",
    "language": "string",
    "index": "int64",
    "text": "string",
    "annotator": "string",
    "status": "string",
    "sources": ["string"],
    "comment": "string",
    "flagged": "bool",
    "entities": [
        {
            "id": "string",
            "start": "int64",
            "end": "int64",
            "text": "string",
            "label": "string",
            "actor": {"id": "string", "name": "string", "type": "string"},
        }
    ],
    "stances": [
        {
            "id": "string",
            "holder": "string",
            "target": {"entity": "string", **_SPAN},
            "polarity": "string",
            "quote": "string",
        }
    ],
    "quotes": [
        {"id": "string", "speaker": "string", "cue": _SPAN, "content": _SPAN, "type": "string"}
    ],
    "created_at": "string",
    "updated_at": "string",
    "split": "string",
}


def reshape(record: dict[str, Any]) -> dict[str, Any]:
    """The record as the hf files hold it: annotator.v2 already gives every field one
    type, so only ``schema`` goes (the card names the format)."""
    shaped = dict(record)
    shaped.pop("schema", None)
    return shaped


def _yaml(name: str, kind: Any, indent: str) -> Iterator[str]:
    """The lines of one feature in the YAML form of datasets' ``Features._to_yaml_list``."""
    yield f"{indent}- name: {name}"
    inner = indent + "  "
    if isinstance(kind, str):
        yield f"{inner}dtype: {kind}"
        return
    if isinstance(kind, list):
        (kind,) = kind
        if isinstance(kind, str):
            yield f"{inner}list: {kind}"
            return
        yield f"{inner}list:"
    else:
        yield f"{inner}struct:"
    for field, sub in kind.items():
        yield from _yaml(field, sub, inner)


def card(fields: Iterable[str]) -> str:
    """The folder's ``README.md``: the types of ``fields`` (in that order) for datasets.
    Raises ``KeyError`` for a field without a declared type: add it to ``FEATURES``."""
    lines = ["---", "dataset_info:", "  features:"]
    for name in fields:
        if name not in FEATURES:
            raise KeyError(f"the hf export has no declared type for the field {name!r}")
        lines.extend(_yaml(name, FEATURES[name], "  "))
    lines += [
        "---",
        "",
        "Annotations exported by annotator (one record per annotated paragraph).",
        "Load them with `datasets.load_dataset(<this folder>)`, which reads the types above.",
        "",
    ]
    return "\n".join(lines)


def write(records: Iterable[dict[str, Any]], folder: Path) -> dict[str, int]:
    """Write ``<split>.jsonl`` files and ``README.md`` into ``folder``; return records per
    file name."""
    folder.mkdir(parents=True, exist_ok=True)
    handles: dict[str, IO[bytes]] = {}
    counts: dict[str, int] = {}
    fields: dict[str, None] = {}  # every top-level field seen, in order of first sight
    try:
        for record in records:
            name = record.get("split", "data")
            if name not in handles:
                handles[name] = (folder / f"{name}.jsonl").open("wb")
                counts[name] = 0
            shaped = reshape(record)
            if not fields.keys() >= shaped.keys():
                fields.update(dict.fromkeys(shaped))
            handles[name].write(orjson.dumps(shaped) + b"\n")
            counts[name] += 1
    finally:
        for handle in handles.values():
            handle.close()
    if counts:
        (folder / "README.md").write_text(card(fields), encoding="utf-8")
    return counts
