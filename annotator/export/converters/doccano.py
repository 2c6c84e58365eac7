"""``--format doccano``: doccano's relation-extraction JSONL.

Each line: ``text``, ``entities`` (integer ``id``, ``label``, ``start_offset``,
``end_offset``), ``relations`` (integer ``id``, ``from_id``, ``to_id``, ``type``), plus
our ``meta``. Offsets are code points, as doccano counts characters.
"""

from __future__ import annotations

from typing import Any

from .graph import flatten, meta


def line(record: dict[str, Any]) -> dict[str, Any]:
    """One doccano example for one record."""
    spans, relations = flatten(record)
    numbers = {span.key: number for number, span in enumerate(spans, start=1)}
    return {
        "text": record["text"],
        "entities": [
            {"id": numbers[s.key], "label": s.label, "start_offset": s.start, "end_offset": s.end}
            for s in spans
        ],
        "relations": [
            {"id": number, "from_id": numbers[r.head], "to_id": numbers[r.child], "type": r.label}
            for number, r in enumerate(relations, start=1)
        ],
        "meta": meta(record),
    }
