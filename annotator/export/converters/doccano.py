"""``--format doccano``: doccano's relation-extraction JSONL.

Each line: ``text``, ``entities`` (integer ``id``, ``label``, ``start_offset``,
``end_offset``, and the item's ``actor`` or ``quote_type`` when it has one), ``relations``
(integer ``id``, ``from_id``, ``to_id``, ``type``), plus our ``meta``. Offsets are code
points, as doccano counts characters.

doccano's import reads the four keys it knows of an entity and ignores the others, so the
file carries the actor links but a project imported from it does not; ``meta`` is kept on
the example and comes back in doccano's own export.
"""

from __future__ import annotations

from typing import Any

from .graph import OverlapTally, flatten, meta


def line(record: dict[str, Any], tally: OverlapTally | None = None) -> dict[str, Any]:
    """One doccano example for one record; ``tally`` counts it if its spans overlap."""
    spans, relations = flatten(record)
    if tally is not None:
        tally.add(spans)
    numbers = {span.key: number for number, span in enumerate(spans, start=1)}
    return {
        "text": record["text"],
        "entities": [
            {
                "id": numbers[s.key],
                "label": s.label,
                "start_offset": s.start,
                "end_offset": s.end,
                **s.attributes(),
            }
            for s in spans
        ],
        "relations": [
            {"id": number, "from_id": numbers[r.head], "to_id": numbers[r.child], "type": r.label}
            for number, r in enumerate(relations, start=1)
        ],
        "meta": meta(record),
    }
