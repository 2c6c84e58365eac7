"""How long the spaCy DocBin conversion takes per record, with srsly's msgpack plugin scan
switched off for the export (as the converter does) and on (as srsly leaves it).

    .venv/bin/python benchmarks/spacy_export.py [--records 3000] [--repeats 3]

Records are the golden export's (tests/golden/expected/all.jsonl) repeated; both ways run
in one process, alternately, and the medians and their ratio are printed.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import tempfile
import time
from itertools import cycle, islice
from pathlib import Path

import orjson

from annotator.export.converters import spacy_docbin

GOLDEN = Path(__file__).resolve().parent.parent / "tests" / "golden" / "expected" / "all.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=3000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    templates = [orjson.loads(line) for line in GOLDEN.read_bytes().splitlines()]
    records = list(islice(cycle(templates), args.records))
    once = spacy_docbin._msgpack_plugins_read_once
    timings: dict[str, list[float]] = {"plugins read once": [], "plugins scanned per call": []}
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(args.repeats):
            for name in timings:
                spacy_docbin._msgpack_plugins_read_once = (
                    once if name == "plugins read once" else contextlib.nullcontext
                )
                start = time.perf_counter()
                spacy_docbin.write(iter(records), Path(folder) / "out.spacy")
                timings[name].append(time.perf_counter() - start)
    spacy_docbin._msgpack_plugins_read_once = once
    medians = {name: statistics.median(values) for name, values in timings.items()}
    for name, median in medians.items():
        per = median / args.records * 1000
        print(f"{name:<26} median {median:6.2f} s for {args.records:,} records ({per:.2f} ms each)")
    ratio = medians["plugins scanned per call"] / medians["plugins read once"]
    print(f"ratio scanned / read once: {ratio:.1f}")


if __name__ == "__main__":
    main()
