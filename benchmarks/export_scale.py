"""Scale of the bulk import and the export: a million annotated paragraphs by default.

1. Generates N annotated paragraphs (five entities, four of them linked to actors of the
   seed registry, one stance, one quote each) as an annotator.v2 file and imports it
   through the project's own bulk path (`annotator import FILE --as USER`): paragraphs
   per second.
2. Times `annotator export` in a child process (its work, not the interpreter's start-up)
   and reads its peak memory (ru_maxrss).
3. Times writing the same records from memory with orjson, in a child process that reads
   them into memory first (not timed) and writes them twice: the second, faster time is
   the floor the export is compared with. Prints the ratio of the medians. Each round runs
   the export and the baseline in turn, ``--repeats`` rounds; before each timed run, what
   was written before it is flushed to disk (os.sync), so that no run pays for another's.

Targets (issue 10, 2-core machine): SQLite, a million paragraphs: import >= 5,000
paragraphs/s, export < 30 s, < 150 MB, within 3x of the baseline; PostgreSQL, 200,000
paragraphs: import >= 2,500/s, export within 5x of the baseline.

    .venv/bin/python benchmarks/export_scale.py              # 1,000,000 paragraphs on SQLite
    .venv/bin/python benchmarks/export_scale.py --paragraphs 100000
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench \
        .venv/bin/python benchmarks/export_scale.py --paragraphs 200000
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORDS = (
    "Fighters",
    "of",
    "the",
    "Islamic",
    "State",
    "clashed",
    "with",
    "Palestinian",
    "factions",
    "in",
    "Yarmouk",
    "camp",
    "while",
    "Syrian",
    "government",
    "forces",
    "held",
    "the",
    "south",
)
ACTORS = ["islamic-state", "syrian-government", "plo", None, "afp"]  # of the five entities
REGISTRY = ROOT / "seeds" / "actors.json"  # imported first: the linked actors are its own
# Issue 10's targets on a 2-core machine: SQLite at a million paragraphs, PostgreSQL at 200,000.
TARGETS = {
    "sqlite": {"import_per_s": 5_000, "export_s": 30, "memory_mb": 150, "ratio": 3},
    "postgresql": {"import_per_s": 2_500, "export_s": 60, "memory_mb": 150, "ratio": 5},
}


def engine_of(env: dict[str, str]) -> str:
    return "sqlite" if env["DATABASE_URL"].startswith("sqlite") else "postgresql"


def registry_actors() -> dict[str, dict[str, str]]:
    """The linked actors as a record carries them (id, name, type), from the seed registry."""
    actors = orjson.loads(REGISTRY.read_bytes())["actors"]
    return {
        actor["key"]: {"id": actor["key"], "name": actor["name"], "type": actor["type"]}
        for actor in actors
        if actor["key"] in ACTORS
    }


def paragraph_text(number: int) -> str:
    words = [WORDS[(number + i) % len(WORDS)] for i in range(30)]
    words[3] = f"#{number}"
    return " ".join(words) + ", said AFP."


def record(number: int, per_document: int, stamp: str, actors: dict[str, dict[str, str]]) -> dict:
    text = paragraph_text(number)
    spans, position = [], 0
    for word in text.split(" "):
        spans.append((position, position + len(word)))
        position += len(word) + 1
    document = number // per_document
    entities = [
        {
            "id": f"e{i + 1}",
            "start": spans[i * 5][0],
            "end": spans[i * 5][1],
            "text": text[spans[i * 5][0] : spans[i * 5][1]],
            "label": ("ARMED_GROUP", "STATE_ACTOR", "ORGANIZATION", "PERSON", "MEDIA")[i],
            "actor": actors[ACTORS[i]] if ACTORS[i] else None,
        }
        for i in range(5)
    ]
    cue = text.rindex("said")
    return {
        "schema": "annotator.v2",
        "id": f"bench-{document}-p{number % per_document}/bench",
        "paragraph_id": f"bench-{document}-p{number % per_document}",
        "document_id": f"bench-{document}",
        "document_title": f"Benchmark article {document}",
        "source": "benchmark",
        "language": "en",
        "index": number % per_document,
        "text": text,
        "annotator": "bench",
        "status": "submitted",
        "comment": None,
        "flagged": False,
        "entities": entities,
        "stances": [
            {
                "id": "s1",
                "holder": "e1",
                "target": {"entity": "e2", **{k: entities[1][k] for k in ("start", "end", "text")}},
                "polarity": "OPPOSE",
                "quote": "q1",
            }
        ],
        "quotes": [
            {
                "id": "q1",
                "speaker": "e1",
                "cue": {"start": cue, "end": cue + 4, "text": "said"},
                "content": {
                    "start": spans[10][0],
                    "end": spans[20][1],
                    "text": text[spans[10][0] : spans[20][1]],
                },
                "type": "INDIRECT",
            }
        ],
        "created_at": stamp,
        "updated_at": stamp,
    }


def run(command: list[str], env: dict[str, str]) -> str:
    completed = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        print(completed.stdout, completed.stderr, sep="\n")
        raise SystemExit(f"failed: {' '.join(command)}")
    return completed.stdout + completed.stderr


CHILD = """
import os, resource, sys, time
sys.path.insert(0, {root!r})
from annotator.cli import main
os.sync()  # what earlier runs wrote goes to the disk now, not while this one runs
started = time.perf_counter()  # the command's work, after the interpreter and imports
try:
    main(args={args!r}, prog_name="annotator", standalone_mode=False)
finally:
    took = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # The largest of the command's own worker processes, if it started any.
    worker_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"CHILD seconds={{took:.2f}} peak_mb={{peak_mb:.0f}} worker_mb={{worker_mb:.0f}}",
          file=sys.stderr)
"""


def timed_child(args: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Run an annotator command in a child; return (seconds of work, its peak MB, the peak
    MB of the largest worker process it started, 0 when none)."""
    output = run([sys.executable, "-c", CHILD.format(root=str(ROOT), args=args)], env)
    line = next(l for l in output.splitlines() if l.startswith("CHILD "))
    values = dict(part.split("=") for part in line.split()[1:])
    return float(values["seconds"]), float(values["peak_mb"]), float(values["worker_mb"])


BASELINE = """
import gc, os, sys, time, orjson
records = [orjson.loads(line) for line in open({source!r}, "rb")]
gc.collect()
gc.freeze()  # what loading them left for the collector is not the writing's cost
for run in ("cold", "warm"):
    os.sync()
    started = time.perf_counter()
    with open({target!r}, "wb") as handle:
        for item in records:
            handle.write(orjson.dumps(item) + b"\\n")
    print(f"BASELINE {{run}}={{time.perf_counter() - started:.2f}}")
    os.unlink({target!r})
"""


def timed_baseline(source: Path, target: Path) -> tuple[float, float]:
    """Seconds to write ``source``'s records, held in memory, with orjson: the first time,
    and again in the same process (faster: the floor the export is held to).

    In a child, so that this process never holds them: a child started from it would count
    them in its own peak memory figure."""
    code = BASELINE.format(source=str(source), target=str(target))
    output = run([sys.executable, "-c", code], dict(os.environ))
    values = dict(
        item.split("=")
        for line in output.splitlines()
        if line.startswith("BASELINE ")
        for item in line.split()[1:]
    )
    return float(values["cold"]), float(values["warm"])


def _runs(values: list[float]) -> str:
    return f"median {statistics.median(values):.1f} s ({', '.join(f'{v:.1f}' for v in values)})"


def import_records(folder: Path, env: dict[str, str], paragraphs: int, per_document: int) -> None:
    """Set up a database, generate the records and import them, timed."""
    annotator = [str(Path(sys.executable).parent / "annotator")]
    run([*annotator, "init"], env)
    run([*annotator, "import", str(REGISTRY)], env)
    subprocess.run(
        [*annotator, "create-user", "bench", "--password-stdin"],
        env=env,
        input="benchmark password\n",
        text=True,
        check=True,
        capture_output=True,
    )
    source = folder / "records.jsonl"
    stamp = datetime(2026, 1, 1, tzinfo=UTC).isoformat()
    started = time.perf_counter()
    actors = registry_actors()
    with source.open("wb") as handle:
        for number in range(paragraphs):
            handle.write(orjson.dumps(record(number, per_document, stamp, actors)) + b"\n")
    print(
        f"generated {paragraphs:,} records ({source.stat().st_size / 2**20:.0f} MB) "
        f"in {time.perf_counter() - started:.1f} s"
    )
    seconds, peak, worker = timed_child(["import", str(source), "--as", "bench"], env)
    target = TARGETS[engine_of(env)]["import_per_s"]
    print(
        f"import: {seconds:.1f} s, {paragraphs / seconds:,.0f} paragraphs/s "
        f"(target >= {target:,}), peak {peak:.0f} MB (largest worker {worker:.0f} MB)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paragraphs", type=int, default=1_000_000)
    parser.add_argument("--per-document", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=3, help="rounds of exports and baseline")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument(
        "--reuse", type=Path, help="time the exports again on a folder an earlier --keep left"
    )
    args = parser.parse_args()
    folder = args.reuse or Path(tempfile.mkdtemp(prefix="annotator-scale-"))
    env = {
        **os.environ,
        "ANNOTATOR_INSTANCE_PATH": str(folder / "instance"),
        "SECRET_KEY": "s" * 40,
        "DATABASE_URL": os.environ.get("DATABASE_URL") or f"sqlite:///{folder / 'scale.sqlite3'}",
    }
    if args.reuse is None:
        import_records(folder, env, args.paragraphs, args.per_document)

    out = folder / "export.jsonl"
    exports, peaks, baselines, cold = [], [], [], []
    for _ in range(args.repeats):
        out.unlink(missing_ok=True)
        seconds_export, peak_export, _worker = timed_child(["export", "--out", str(out)], env)
        exports.append(seconds_export)
        peaks.append(peak_export)
        first, again = timed_baseline(out, folder / "baseline.jsonl")
        cold.append(first)
        baselines.append(again)
    lines = sum(1 for _ in out.open("rb"))
    export_median, baseline = statistics.median(exports), statistics.median(baselines)
    targets = TARGETS[engine_of(env)]
    print(
        f"export: {_runs(exports)} for {lines:,} records (target < {targets['export_s']} s); "
        f"peak memory {max(peaks):.0f} MB (target < {targets['memory_mb']} MB)"
    )
    print(
        f"baseline: {_runs(baselines)} writing the same records from memory with orjson, "
        f"the second time in its process (the first time: {_runs(cold)})"
    )
    print(
        f"ratio export / baseline (medians): {export_median / baseline:.2f} "
        f"(target <= {targets['ratio']})"
    )
    if not args.keep and args.reuse is None:
        shutil.rmtree(folder, ignore_errors=True)
    else:
        print(f"kept {folder}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
