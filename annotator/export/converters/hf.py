"""``--format hf``: a folder that ``datasets.load_dataset("json", data_dir=...)`` loads.

One JSONL file per split (``train``, ``dev``, ``test``; ``data`` without a split), with
the records reshaped so every field has one type, as Arrow needs: a stance's
``target`` becomes ``{"entity", "start", "end", "text"}`` with the unused half null.
The actor registry is written beside the folder by the caller, never inside it.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

import orjson


def reshape(record: dict[str, Any]) -> dict[str, Any]:
    """The record with union-typed fields made uniform."""
    stances = []
    for stance in record["stances"]:
        target = stance["target"]
        if isinstance(target, str):
            flat = {"entity": target, "start": None, "end": None, "text": None}
        else:
            flat = {"entity": None, **target}
        stances.append({**stance, "target": flat})
    shaped = {**record, "stances": stances}
    shaped.pop("schema", None)
    return shaped


def write(records: Iterable[dict[str, Any]], folder: Path) -> dict[str, int]:
    """Write ``<split>.jsonl`` files into ``folder``; return records per file name."""
    folder.mkdir(parents=True, exist_ok=True)
    handles: dict[str, IO[bytes]] = {}
    counts: dict[str, int] = {}
    try:
        for record in records:
            name = record.get("split", "data")
            if name not in handles:
                handles[name] = (folder / f"{name}.jsonl").open("wb")
                counts[name] = 0
            handles[name].write(orjson.dumps(reshape(record)) + b"\n")
            counts[name] += 1
    finally:
        for handle in handles.values():
            handle.close()
    return counts
