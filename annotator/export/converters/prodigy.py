"""``--format prodigy``: JSONL tasks as Prodigy's ``db-in`` reads them.

Each task has ``text``, ``tokens``, ``spans`` (``start``, ``end``, ``label``, ``text``,
``token_start``, ``token_end``, and as custom keys the item's ``actor`` or ``quote_type``
when it has one), ``relations`` (``head``/``child`` token indices with
``head_span``/``child_span``, the same span objects), ``answer`` and ``meta``. Tokens come
from a simple word/punctuation split on code-point offsets, so every span boundary is a
token boundary.
"""

from __future__ import annotations

import bisect
import re
from typing import Any

from .graph import OverlapTally, Span, flatten, meta

_TOKEN = re.compile(r"\w+|[^\w\s]", re.UNICODE)


def tokens_for(text: str, spans: list[Span]) -> list[dict[str, Any]]:
    """Tokens whose boundaries include every span boundary (a span edge splits a word if needed)."""
    cuts = sorted({s.start for s in spans} | {s.end for s in spans})
    tokens = []
    for match in _TOKEN.finditer(text):
        start, end = match.span()
        inner = [c for c in cuts if start < c < end]
        for piece_start, piece_end in zip([start, *inner], [*inner, end], strict=True):
            tokens.append(
                {
                    "text": text[piece_start:piece_end],
                    "start": piece_start,
                    "end": piece_end,
                    "id": len(tokens),
                    "ws": False,
                }
            )
    for token, following in zip(tokens, tokens[1:], strict=False):
        token["ws"] = following["start"] > token["end"]
    if tokens:
        tokens[-1]["ws"] = tokens[-1]["end"] < len(text)
    return tokens


def task(record: dict[str, Any], tally: OverlapTally | None = None) -> dict[str, Any]:
    """One Prodigy task for one record; ``tally`` counts it if its spans overlap."""
    spans, relations = flatten(record)
    if tally is not None:
        tally.add(spans)
    tokens = tokens_for(record["text"], spans)
    starts = [t["start"] for t in tokens]
    ends = [t["end"] for t in tokens]
    by_key: dict[str, dict[str, Any]] = {}
    task_spans = []
    for span in spans:
        token_start = bisect.bisect_left(starts, span.start)
        token_end = bisect.bisect_left(ends, span.end)
        entry = {
            "start": span.start,
            "end": span.end,
            "label": span.label,
            "text": span.text,
            "token_start": token_start,
            "token_end": token_end,
            **span.attributes(),
        }
        by_key[span.key] = entry
        task_spans.append(entry)
    task_relations = [
        {
            "head": by_key[r.head]["token_end"],
            "child": by_key[r.child]["token_end"],
            "head_span": by_key[r.head],
            "child_span": by_key[r.child],
            "label": r.label,
        }
        for r in relations
    ]
    return {
        "text": record["text"],
        "tokens": tokens,
        "spans": task_spans,
        "relations": task_relations,
        "answer": "accept" if record["status"] in ("submitted", "gold") else "ignore",
        "meta": meta(record),
    }
