"""Time the boundary check every request passes (``annotator/web/boundary.py``): parsing a
JSON body with orjson and looking for control characters in every string and key, against
what it replaced (Python's json parser alone).

Bodies: the workspace's save (50 entities, 10 stances, 10 quotes), the largest payload the
schema admits (2,000 entities, stances and quotes, 5,000 suggestion decisions), both also as
Python's json.dumps escapes them (a body with a backslash has every string read), and a
comment of 10 MB. The check reads no database, so the corpus size does not enter. Reports medians.

    .venv/bin/python benchmarks/boundary_check.py
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from annotator import create_app  # noqa: E402
from annotator.web.boundary import check_request  # noqa: E402


def payload(entities: int, stances: int, quotes: int, decisions: int, comment: str) -> bytes:
    """A save body of the given size, its texts in several scripts."""
    body: dict[str, Any] = {
        "version": 3,
        "status": "draft",
        "comment": comment,
        "entities": [
            {"id": f"e{i}", "start": i, "end": i + 4, "label": "PERSON", "actor": "islamic-state"}
            for i in range(entities)
        ],
        "stances": [
            {
                "id": f"s{i}",
                "holder": "e0",
                "target": {"start": i, "end": i + 3},
                "polarity": "OPPOSE",
                "quote": None,
            }
            for i in range(stances)
        ],
        "quotes": [
            {
                "id": f"q{i}",
                "speaker": "e0",
                "cue": None,
                "content": {"start": i, "end": i + 9},
                "type": "INDIRECT",
            }
            for i in range(quotes)
        ],
        "suggestions": [
            {
                "id": f"sug-e-{i}-{i + 4}",
                "kind": "entity",
                "start": i,
                "end": i + 4,
                "decision": "accepted",
            }
            for i in range(decisions)
        ],
    }
    return orjson.dumps(body)


def escaped(data: bytes) -> bytes:
    """The body as Python's json.dumps writes it (non-ASCII as \\u escapes)."""
    return json.dumps(orjson.loads(data)).encode("ascii")


def median_ms(work: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=200)
    args = parser.parse_args()
    save = payload(50, 10, 10, 20, "Meqdad speaks — قال المتحدث\nsecond line")
    largest = payload(2000, 2000, 2000, 5000, "")
    bodies = {
        "workspace save (50/10/10)": save,
        # Python's json.dumps escapes non-ASCII: every string is then read for controls.
        "the same, escaped as Python sends it": escaped(save),
        "largest payload (2000/2000/2000/5000)": largest,
        "the same, escaped": escaped(largest),
        "10 MB comment": payload(0, 0, 0, 0, "x" * 10_000_000),
    }
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
                "SECRET_KEY": "benchmark-secret-key-0123456789abcdef",
                "INSTANCE_PATH": folder,
            }
        )
        print(f"{'body':40} {'bytes':>10} {'json.loads':>11} {'boundary':>10}  (median ms)")
        for name, data in bodies.items():
            repeats = args.repeats if len(data) < 1_000_000 else max(5, args.repeats // 20)

            def boundary(data: bytes = data) -> None:
                with app.test_request_context(
                    "/api/paragraphs/p/annotation",
                    method="PUT",
                    data=data,
                    content_type="application/json",
                ):
                    assert check_request() is None

            def old(data: bytes = data) -> None:
                with app.test_request_context(
                    "/api/paragraphs/p/annotation",
                    method="PUT",
                    data=data,
                    content_type="application/json",
                ):
                    json.loads(data)

            print(
                f"{name:40} {len(data):>10,} {median_ms(old, repeats):>11.3f} "
                f"{median_ms(boundary, repeats):>10.3f}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
