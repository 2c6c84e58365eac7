"""Export jobs at scale: what the request costs, what the job costs, and what a poll costs.

Imports N generated paragraphs (``export_scale.import_records``, 100,000 by default), then
runs ``--repeats`` rounds, in turn, of a split export (``--format``, one file per set):

- in the request, as ``GET /api/export`` builds it (what the browser's download did before:
  the whole build inside one request, which gunicorn's 30 s timeout cuts off);
- as a job: ``POST /api/exports`` (its answer time), then a huey consumer thread in this
  process builds it while the page's poll, ``GET /api/exports/<id>``, is timed every 0.2 s.

The app runs in-process behind Flask's test client, so the figures are the server's work.

    .venv/bin/python benchmarks/export_jobs.py                       # 100,000 paragraphs, hf
    .venv/bin/python benchmarks/export_jobs.py --format spacy --keep
    .venv/bin/python benchmarks/export_jobs.py --reuse FOLDER --format spacy
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from export_scale import import_records  # noqa: E402

from annotator import create_app  # noqa: E402
from annotator.accounts import create_token, find_user  # noqa: E402
from annotator.extensions import get_session  # noqa: E402
from annotator.jobs import JOBS_KEY, JobQueue  # noqa: E402


def _median(values: list[float], unit: str = "s", scale: float = 1.0) -> str:
    shown = ", ".join(f"{v * scale:.1f}" for v in values)
    return f"median {statistics.median(values) * scale:.1f} {unit} ({shown})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paragraphs", type=int, default=100_000)
    parser.add_argument("--format", default="hf", choices=("hf", "spacy", "annotator"))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--reuse", type=Path, help="a folder an earlier --keep left")
    args = parser.parse_args()
    folder = args.reuse or Path(tempfile.mkdtemp(prefix="annotator-jobs-"))
    env = {
        **os.environ,
        "ANNOTATOR_INSTANCE_PATH": str(folder / "instance"),
        "SECRET_KEY": "s" * 40,
        "DATABASE_URL": os.environ.get("DATABASE_URL") or f"sqlite:///{folder / 'scale.sqlite3'}",
    }
    if args.reuse is None:
        import_records(folder, env, args.paragraphs, 20)
    os.environ.update(env)
    os.environ.pop("REDIS_URL", None)
    app = create_app()
    with app.app_context():
        session = get_session()
        user = find_user(session, "bench")
        assert user is not None
        user.role = "reviewer"
        _, token = create_token(session, user)
        session.commit()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    options = {"format": args.format, "split": "80/10/10", "split_files": "true"}
    queue: JobQueue = app.extensions[JOBS_KEY]
    consumer = queue.consumer(workers=1)
    handlers = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    consumer.start()
    for number, handler in handlers.items():
        signal.signal(number, handler)

    in_request, answers, builds, polls, records = [], [], [], [], 0
    try:
        for _ in range(args.repeats):
            started = time.perf_counter()
            response = client.get("/api/export", query_string=options, headers=headers)
            assert response.status_code == 200, response.get_data(as_text=True)
            response.get_data()
            response.close()
            in_request.append(time.perf_counter() - started)

            started = time.perf_counter()
            answer = client.post("/api/exports", json=options, headers=headers)
            answers.append(time.perf_counter() - started)
            assert answer.status_code == 202, answer.get_json()
            job = answer.get_json()
            while job["status"] not in ("done", "failed"):
                time.sleep(0.2)
                polled = time.perf_counter()
                job = client.get(job["url"], headers=headers).get_json()
                polls.append(time.perf_counter() - polled)
            builds.append(time.perf_counter() - started)
            assert job["status"] == "done", job["error"]
            records = job["details"]["records"]
    finally:
        consumer.stop(graceful=True)
        queue.huey.storage.close()
    print(f"{records:,} records, {args.format}, split 80/10/10, one file per set")
    print(f"built in the request (GET /api/export): {_median(in_request)}")
    print(f"POST /api/exports answered in {_median(answers, 'ms', 1000)}")
    print(f"as a job, start to done as the page sees it: {_median(builds)}")
    print(f"GET /api/exports/<id> while the job ran ({len(polls)} polls): ", end="")
    print(f"median {statistics.median(polls) * 1000:.1f} ms, max {max(polls) * 1000:.1f} ms")
    if args.keep or args.reuse:
        print(f"kept {folder}")
    else:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
