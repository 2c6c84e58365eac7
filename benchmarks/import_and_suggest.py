"""Time two things that used to grow faster than their input (issue 13):

1. importing one article of 50,000 paragraphs (a .txt file, through ``import_paths``),
   three times, each a new article: the import once hashed the whole article again for
   every paragraph (8,000 paragraphs took 38 s; 50,000 never finished);
2. opening a paragraph, GET /api/paragraphs/<id> (about 3,000 characters, the alias
   suggestions included), with the seed registry alone and then with a large one (by
   default 100 actors of 200 aliases, 20,000 in all): the suggestion matcher was one regular
   expression of every alias, its cost growing with the registry (one actor of 5,000
   aliases made a GET 30 times slower). Also the first GET after the registry changed,
   which builds the matcher again.

Medians are printed. The app runs in process behind Flask's test client, as in
``workspace_api.py``.

    .venv/bin/python benchmarks/import_and_suggest.py                 # SQLite, temporary folder
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench \
        .venv/bin/python benchmarks/import_and_suggest.py
    .venv/bin/python benchmarks/import_and_suggest.py --actors 1 --aliases-per-actor 5000
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
sys.path.insert(0, str(ROOT / "benchmarks"))

from workspace_api import long_paragraph  # noqa: E402

from annotator import create_app  # noqa: E402
from annotator.accounts import create_token, create_user  # noqa: E402
from annotator.extensions import get_engine, get_session  # noqa: E402
from annotator.ingest import import_paths  # noqa: E402
from annotator.label_defaults import seed_default_labels  # noqa: E402
from annotator.migrate import upgrade_to_head  # noqa: E402


def article(path: Path, paragraphs: int, run: int) -> Path:
    """One scraped article of ``paragraphs`` paragraphs (each run's text differs)."""
    body = "\n\n".join(
        f"Day {i} of run {run}: fighters advanced on the town, a spokesman said."
        for i in range(paragraphs)
    )
    path.write_text(f"The whole war, day by day ({run})\n\n{body}\n", encoding="utf-8")
    return path


def registry(path: Path, actors: int, aliases: int) -> Path:
    """``actors`` media actors of ``aliases`` aliases each, none of which is in the text."""
    entries = [
        {
            "key": f"outlet-{a}",
            "name": f"Outlet {a}",
            "type": "MEDIA",
            "aliases": [f"Outlet {a} bulletin {i}" for i in range(aliases - 1)],
        }
        for a in range(actors)
    ]
    path.write_bytes(orjson.dumps({"schema": "annotator.actors.v1", "actors": entries}))
    return path


def timed(call, repeats: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Median seconds of ``repeats`` calls: wall time, and this process's CPU time (which
    other work on a shared machine disturbs less)."""
    wall, cpu = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        call()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), statistics.median(cpu)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paragraphs", type=int, default=50_000)
    parser.add_argument("--imports", type=int, default=3, help="0: time only the GETs")
    parser.add_argument("--actors", type=int, default=100)
    parser.add_argument("--aliases-per-actor", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=100)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="annotator-bench-"))
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{folder / 'bench.sqlite3'}"
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "b" * 40, "INSTANCE_PATH": str(folder)})
    with app.app_context():
        upgrade_to_head(get_engine())
        session = get_session()
        seed_default_labels(session)
        session.commit()
        seconds = []

        def import_one(path: Path) -> None:
            report = import_paths(session, [path])
            assert not report.rejected and report.total("paragraphs_added") == args.paragraphs

        for run in range(args.imports):
            path = article(folder / f"article-{run}.txt", args.paragraphs, run)
            seconds.append(timed(lambda path=path: import_one(path), 1))
        print(f"database: {url.split('://')[0]}")
        if seconds:
            runs = ", ".join(f"{wall:.1f}" for wall, _ in seconds)
            print(
                f"import of one article of {args.paragraphs:,} paragraphs: median "
                f"{statistics.median(w for w, _ in seconds):.1f} s ({runs}); CPU "
                f"{statistics.median(c for _, c in seconds):.1f} s"
            )
        long = folder / "long.jsonl"
        long.write_bytes(
            orjson.dumps(
                {"id": "bench-doc", "title": "Benchmark", "paragraphs": [long_paragraph()]}
            )
        )
        assert not import_paths(session, [ROOT / "seeds", long]).rejected
        user = create_user(session, "bench", "annotator", "benchmark password")
        _, token = create_token(session, user)
        session.commit()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}

    def get() -> None:
        response = client.get("/api/paragraphs/bench-doc-p0", headers=headers)
        assert response.status_code == 200
        assert len(response.get_json()["suggestions"]["entities"]) >= 80

    timed(get, 5)
    small = timed(get, args.repeats)
    big = registry(folder / "big.actors.json", args.actors, args.aliases_per_actor)
    with app.app_context():
        start = time.perf_counter()
        report = import_paths(get_session(), [big])
        imported = time.perf_counter() - start
    if report.rejected:
        print(
            f"registry of {args.actors} x {args.aliases_per_actor} aliases refused: "
            f"{report.rejected[0].message}"
        )
        return 0
    first, _ = timed(get, 1)
    large = timed(get, args.repeats)
    aliases = args.actors * args.aliases_per_actor
    print(
        f"registry of {aliases:,} aliases ({args.actors} actors x {args.aliases_per_actor}) "
        f"imported in {imported:.1f} s\n"
        f"GET /api/paragraphs/<id>, {len(long_paragraph()):,} characters, {args.repeats} times, "
        "medians (wall, CPU):\n"
        f"  seed registry:  {small[0] * 1000:6.2f} ms, {small[1] * 1000:6.2f} ms\n"
        f"  large registry: {large[0] * 1000:6.2f} ms, {large[1] * 1000:6.2f} ms "
        f"({large[1] / small[1]:.2f} x the CPU); first GET after the import {first * 1000:.0f} ms"
    )
    with app.app_context():
        get_engine().dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
