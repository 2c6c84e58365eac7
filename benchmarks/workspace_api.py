"""Time the workspace API: GET a paragraph and PUT its annotation, 50 entities, 10 stances, 10 quotes.

Target (issue 3): both answer in under 20 ms at the median. The app runs in-process
behind Flask's test client, so the figures are the server's own work (routing,
validation, queries, JSON) without network or browser time.

    .venv/bin/python benchmarks/workspace_api.py                # SQLite in a temporary folder
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench .venv/bin/python benchmarks/workspace_api.py
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from annotator import create_app  # noqa: E402
from annotator.accounts import create_token, create_user  # noqa: E402
from annotator.extensions import get_engine, get_session  # noqa: E402
from annotator.ingest import import_paths  # noqa: E402
from annotator.label_defaults import seed_default_labels  # noqa: E402
from annotator.migrate import upgrade_to_head  # noqa: E402

TARGET_MS = 20.0
LABELS = ["PERSON", "ARMED_GROUP", "STATE_ACTOR", "ORGANIZATION", "MEDIA", "LOCATION"]


def long_paragraph() -> str:
    """About 3,000 characters of seed-like reporting, with emoji and Arabic mixed in."""
    sentence = (
        "Khaled Abdel Majid said ISIS and the Syrian regime held talks in Yarmouk 👨‍👩‍👧, "
        "while Jaysh al-Islam denied it, according to AFP and داعش fighters."
    )
    return " ".join([sentence] * 20)


def payload(text: str, version: int) -> dict:
    """50 entities, 10 stances, 10 quotes over ``text`` (code-point offsets)."""
    words = []
    position = 0
    for word in text.split(" "):
        words.append((position, position + len(word)))
        position += len(word) + 1
    entities = [
        {
            "id": f"e{i + 1}",
            "start": words[i * 5][0],
            "end": words[i * 5][1],
            "label": LABELS[i % len(LABELS)],
            "actor": "islamic-state" if i % 3 == 0 else None,
        }
        for i in range(50)
    ]
    quotes = [
        {
            "id": f"q{i + 1}",
            "speaker": f"e{i * 5 + 1}",
            "cue": {"start": words[i * 25 + 3][0], "end": words[i * 25 + 3][1]},
            "content": {"start": words[i * 25 + 4][0], "end": words[i * 25 + 12][1]},
            "type": "INDIRECT",
        }
        for i in range(10)
    ]
    stances = [
        {
            "id": f"s{i + 1}",
            "holder": f"e{i * 5 + 1}",
            "target": f"e{i * 5 + 2}"
            if i % 2
            else {"start": words[i * 25 + 14][0], "end": words[i * 25 + 18][1]},
            "polarity": ["SUPPORT", "OPPOSE", "NEUTRAL"][i % 3],
            "quote": f"q{i + 1}",
        }
        for i in range(10)
    ]
    return {
        "version": version,
        "status": "draft",
        "comment": "benchmark",
        "entities": entities,
        "stances": stances,
        "quotes": quotes,
    }


def measure(call, repeats: int) -> list[float]:
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def report(name: str, timings: list[float]) -> float:
    median = statistics.median(timings)
    p90 = statistics.quantiles(timings, n=10)[-1]
    verdict = "meets" if median < TARGET_MS else "MISSES"
    print(
        f"{name:<32} median {median:6.2f} ms   p90 {p90:6.2f} ms   "
        f"target {TARGET_MS:.0f} ms ({median / TARGET_MS:.2f} of it: {verdict})"
    )
    return median


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=300)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="annotator-bench-"))
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{folder / 'bench.sqlite3'}"
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "b" * 40, "INSTANCE_PATH": str(folder)})
    article = folder / "long.jsonl"
    article.write_bytes(
        orjson.dumps(
            {"id": "bench-doc", "title": "Benchmark article", "paragraphs": [long_paragraph()]}
        )
        + b"\n"
    )
    with app.app_context():
        upgrade_to_head(get_engine())
        session = get_session()
        seed_default_labels(session)
        session.commit()
        report_ = import_paths(session, [ROOT / "seeds", article])
        if report_.rejected:
            print("import failed:", [o.message for o in report_.rejected])
            return 1
        user = create_user(session, "bench", "annotator", "benchmark password")
        _, token = create_token(session, user)
        session.commit()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    paragraph_id = "bench-doc-p0"
    text = client.get(f"/api/paragraphs/{paragraph_id}", headers=headers).get_json()["text"]
    version = 0
    first = client.put(
        f"/api/paragraphs/{paragraph_id}/annotation", json=payload(text, version), headers=headers
    )
    assert first.status_code == 200, first.get_json()
    version = first.get_json()["version"]

    def get() -> None:
        response = client.get(f"/api/paragraphs/{paragraph_id}", headers=headers)
        assert response.status_code == 200
        assert len(response.get_json()["annotation"]["entities"]) == 50

    def put() -> None:
        nonlocal version
        response = client.put(
            f"/api/paragraphs/{paragraph_id}/annotation",
            json=payload(text, version),
            headers=headers,
        )
        assert response.status_code == 200, response.get_json()
        version = response.get_json()["version"]

    measure(get, 20)  # warm caches and the alias matcher
    print(
        f"database: {url.split('://')[0]}   paragraph: {len(text)} characters, "
        f"50 entities, 10 stances, 10 quotes   repeats: {args.repeats}"
    )
    get_median = report("GET /api/paragraphs/<id>", measure(get, args.repeats))
    put_median = report("PUT /api/paragraphs/<id>/annotation", measure(put, args.repeats))
    with app.app_context():
        get_engine().dispose()
    return 0 if max(get_median, put_median) < TARGET_MS else 2


if __name__ == "__main__":
    raise SystemExit(main())
