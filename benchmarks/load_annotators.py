"""Fifty annotators at once: the server as `make run` starts it, under locust.

For each engine (SQLite always; PostgreSQL too when DATABASE_URL names one):
1. prepares a database through the project's services: the seed registry, a corpus of
   N paragraphs (default 100,000, 20 to an article, each naming a few registry actors and a
   reporting verb), 50 annotators with an API token each, and one batch dealing every
   paragraph to two of them (``--reuse DIR`` skips this with a folder ``--keep`` left);
2. starts gunicorn exactly as the Makefile's serve target does (``--workers 2 --threads 4``,
   the access log on), its output in ``DIR/<engine>/server.log``;
3. runs ``benchmarks/locustfile.py`` headless, 50 users, each looping: ``GET
   /api/queue/next`` -> ``GET /api/paragraphs/<id>`` -> ``PUT .../annotation`` (a few
   entities accepted from the suggestions, a quote, a stance, status submitted, from the
   version the server sent): at a realistic pace (a loop every ``--pace`` seconds per
   annotator, each annotator at its own point of the pace, not all fifty in one burst:
   p50 and p99), then with no think time (capacity: requests/s, p50, p99);
4. prints the figures per engine, the load average beside each, the CPU the load generator
   itself took, and whether "database is locked" (or any traceback) appeared in the log.

Targets (issue 13, 2 cores): paced p99 under 100 ms on both engines; capacity at least
400 requests/s on SQLite and 250 on PostgreSQL; no errors, no "database is locked".

    .venv/bin/pip install -e '.[bench]'
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/load \
        .venv/bin/python benchmarks/load_annotators.py --keep        # both engines
    .venv/bin/python benchmarks/load_annotators.py --reuse /tmp/annotator-load-XXXX
    .venv/bin/python benchmarks/load_annotators.py --engines sqlite --seconds 30

The PostgreSQL database is created when missing; one that holds tables already is used only
with ``--reuse`` (its tokens are in the folder).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, inspect, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from annotator import create_app  # noqa: E402
from annotator.accounts import create_token  # noqa: E402
from annotator.batches import create_batch  # noqa: E402
from annotator.config import normalise_database_url  # noqa: E402
from annotator.extensions import get_engine, get_session  # noqa: E402
from annotator.ingest import import_paths  # noqa: E402
from annotator.label_defaults import seed_default_labels  # noqa: E402
from annotator.migrate import upgrade_to_head  # noqa: E402
from annotator.models import Document, User  # noqa: E402

BIN = Path(sys.executable).parent
REGISTRY = ROOT / "seeds" / "actors.json"
LOCUSTFILE = ROOT / "benchmarks" / "locustfile.py"
SECRET = "l" * 40
TARGETS = {"sqlite": 400, "postgresql": 250}  # requests/s at saturation
PACED_P99_MS = 100
PASSWORD_HASH = "scrypt:32768:8:1$loadsalt$" + "0" * 128  # nobody logs in with it: tokens

# Aliases of the seed registry, reporting verbs and places the corpus is written from.
GROUPS = ["ISIS", "Jabhat al-Nusra", "Jaish al-Islam", "Ahrar al-Sham", "FSA", "Hezbollah"]
STATES = ["Syrian regime", "Russian forces", "Syrian authorities", "Assad regime"]
OTHERS = ["PLO", "UNRWA", "DFLP", "Fateh", "Palestinian Factions Alliance"]
MEDIA = ["AFP", "SMART", "Al-Ghad", "Syrian Arab News Agency"]
VERBS = ["said", "told reporters", "confirmed", "denied", "announced", "added"]
PLACES = ["Yarmouk camp", "Hajar al-Aswad", "Babbila", "مخيم اليرموك", "Tadamon", "Yalda"]


def paragraph(number: int) -> str:
    """A news paragraph of about 350 characters naming four or five registry actors."""

    def pick(items: list[str], k: int = 0) -> str:
        return items[(number // (k + 1)) % len(items)]

    return (
        f"{pick(GROUPS)} fighters clashed with {pick(STATES, 1)} near {pick(PLACES, 2)} on "
        f"day {number} of the siege, and the {pick(OTHERS, 3)} {pick(VERBS, 4)} that the "
        f"talks on a withdrawal of {number % 900 + 100} fighters had stalled again. "
        f"Residents quoted by {pick(MEDIA, 5)} described shelling through the night, while "
        f"{pick(GROUPS, 6)} {pick(VERBS, 7)} it would hold its positions “until the end”."
    )


def write_corpus(path: Path, paragraphs: int, per_document: int) -> None:
    """The corpus as a JSONL file of articles, ``per_document`` paragraphs each."""
    with path.open("wb") as handle:
        for first in range(0, paragraphs, per_document):
            document = first // per_document
            article = {
                "id": f"load-{document:06}",
                "title": f"Load test article {document}",
                "paragraphs": [
                    paragraph(n) for n in range(first, min(first + per_document, paragraphs))
                ],
            }
            handle.write(orjson.dumps(article) + b"\n")


def postgres_database(url: str, *, create: bool) -> bool:
    """Create the database ``url`` names if the server lacks it (``create``), or drop it;
    True if the statement ran."""
    target = make_url(normalise_database_url(url))
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": target.database}
        )
        if create != bool(exists):
            verb = "CREATE" if create else "DROP"
            connection.execute(text(f'{verb} DATABASE "{target.database}"'))
    admin.dispose()
    return create != bool(exists)


def prepare(url: str, folder: Path, paragraphs: int, per_document: int, users: int) -> None:
    """Set up the database at ``url``: registry, corpus, annotators with tokens (written to
    ``folder/tokens.json``) and one batch of overlap 2 over the whole corpus."""
    check = create_engine(normalise_database_url(url))
    tables = inspect(check).get_table_names()
    check.dispose()
    if tables:
        raise SystemExit(f"{url} has tables already: drop it, or pass --reuse with its folder")
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": SECRET, "INSTANCE_PATH": str(folder)})
    corpus = folder / "corpus.jsonl"
    write_corpus(corpus, paragraphs, per_document)
    started = time.perf_counter()
    with app.app_context():
        upgrade_to_head(get_engine())
        db = get_session()
        seed_default_labels(db)
        db.commit()
        report = import_paths(db, [REGISTRY, corpus])
        if report.rejected:
            raise SystemExit(f"import failed: {[o.message for o in report.rejected]}")
        lead = User(username="lead", role="admin", password_hash=PASSWORD_HASH)
        names = [f"annotator{i:02}" for i in range(users)]
        db.add(lead)
        db.add_all(User(username=n, role="annotator", password_hash=PASSWORD_HASH) for n in names)
        db.flush()
        by_name = {u.username: u for u in db.scalars(select(User).where(User.username.in_(names)))}
        tokens = [create_token(db, by_name[n])[1] for n in names]
        db.commit()
        documents = db.scalars(select(Document.id).order_by(Document.id)).all()
        create_batch(db, "load test", list(documents), names, 2, lead)
        db.commit()
        get_engine().dispose()
    (folder / "tokens.json").write_text(json.dumps(tokens))
    corpus.unlink()
    print(
        f"  prepared {paragraphs:,} paragraphs, {users} annotators and a batch of overlap 2 "
        f"in {time.perf_counter() - started:.0f} s"
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(url: str, folder: Path, port: int, code: Path | None) -> subprocess.Popen:
    """gunicorn as `make serve` runs it (serving the package in ``code`` when given, e.g. an
    older commit unpacked with `git archive`), its output appended to ``folder/server.log``."""
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "ANNOTATOR_INSTANCE_PATH": str(folder),
        "SECRET_KEY": SECRET,
    }
    if code is not None:
        env["PYTHONPATH"] = str(code.resolve())
    log = (folder / "server.log").open("ab")
    server = subprocess.Popen(  # noqa: S603
        [
            str(BIN / "gunicorn"),
            "--workers",
            "2",
            "--threads",
            "4",
            "--bind",
            f"127.0.0.1:{port}",
            "--access-logfile",
            "-",
            "annotator:create_app()",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=ROOT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=10)  # noqa: S310
            return server
        except OSError:  # not listening yet, or still booting its workers
            if server.poll() is not None:
                raise SystemExit(f"gunicorn exited: see {folder / 'server.log'}") from None
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("gunicorn did not answer within 60 s")


def stop_server(server: subprocess.Popen) -> None:
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


@dataclass(frozen=True)
class Figures:
    """What one locust run measured (all requests together and per request)."""

    requests: int
    failures: int
    per_second: float
    p50: float
    p99: float
    rows: list[dict[str, str]]
    load: tuple[float, float]  # the 1-minute load average before and after
    speed: float  # ms of CPU a fixed piece of Python took just before (machine_speed)
    generator_cpu: float  # CPU seconds locust itself took
    server_cpu: float  # CPU seconds gunicorn's workers took


def machine_speed() -> float:
    """Milliseconds of CPU that summing a million integers takes here, the best of five: how
    fast this machine is at the moment (other work on it slows figures down)."""
    timings = []
    for _ in range(5):
        started = time.process_time()
        sum(range(1_000_000))
        timings.append((time.process_time() - started) * 1000)
    return min(timings)


def workers_cpu(server: subprocess.Popen) -> float:
    """CPU seconds (user and system) gunicorn's worker processes have taken so far: per
    request, a figure other work on the machine hardly moves, unlike requests/s."""
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    ticks = 0
    for pid in children:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def run_locust(
    server: subprocess.Popen, folder: Path, port: int, args: argparse.Namespace, tag: str
) -> Figures:
    """Run the locustfile headless and read its CSV statistics."""
    users = args.users
    pace = {"warmup": 0, "paced": args.pace, "capacity": 0}[tag]
    seconds = {"warmup": 10, "paced": args.paced_seconds, "capacity": args.seconds}[tag]
    prefix = folder / f"locust-{tag}"
    env = {**os.environ, "LOAD_TOKENS": str(folder / "tokens.json"), "LOAD_PACE": str(pace)}
    before_load = os.getloadavg()[0]
    speed = machine_speed()
    before_cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    before_server = workers_cpu(server)
    completed = subprocess.run(  # noqa: S603
        [
            str(BIN / "locust"),
            "-f",
            str(LOCUSTFILE),
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(users),
            "--run-time",
            f"{seconds}s",
            "--reset-stats",
            "--only-summary",
            "--loglevel",
            "WARNING",
            "--host",
            f"http://127.0.0.1:{port}",
            "--csv",
            str(prefix),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    after_cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    server_cpu = workers_cpu(server) - before_server
    (folder / f"locust-{tag}.log").write_text(completed.stdout + completed.stderr)
    with open(f"{prefix}_stats.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    total = next(row for row in rows if row["Name"] == "Aggregated")
    cpu = (after_cpu.ru_utime + after_cpu.ru_stime) - (before_cpu.ru_utime + before_cpu.ru_stime)
    return Figures(
        requests=int(total["Request Count"]),
        failures=int(total["Failure Count"]),
        per_second=float(total["Requests/s"]),
        p50=float(total["50%"]),
        p99=float(total["99%"]),
        rows=[row for row in rows if row["Name"] != "Aggregated"],
        load=(before_load, os.getloadavg()[0]),
        speed=speed,
        generator_cpu=cpu,
        server_cpu=server_cpu,
    )


def show(title: str, figures: Figures, seconds: int) -> None:
    print(
        f"  {title}: {figures.per_second:,.0f} requests/s, p50 {figures.p50:.0f} ms, "
        f"p99 {figures.p99:.0f} ms, {figures.failures} errors of {figures.requests:,} "
        f"(load average {figures.load[0]:.2f} before, {figures.load[1]:.2f} after, "
        f"calibration {figures.speed:.0f} ms; "
        f"locust took {figures.generator_cpu / seconds:.0%} of a core)"
    )
    per_request = figures.server_cpu / max(figures.requests, 1) * 1000
    print(
        f"      server CPU per request: {per_request:.1f} ms "
        f"(gunicorn's workers, {figures.server_cpu / seconds:.0%} of a core)"
    )
    for row in figures.rows:
        print(
            f"      {row['Name']:<38} {float(row['Requests/s']):7.1f}/s  "
            f"p50 {float(row['50%']):5.0f} ms  p99 {float(row['99%']):5.0f} ms  "
            f"errors {row['Failure Count']}"
        )


def server_problems(log: Path, since: int) -> tuple[int, int]:
    """(lines saying "database is locked", tracebacks) written to the log after ``since``."""
    with log.open("rb") as handle:
        handle.seek(since)
        written = handle.read().decode("utf-8", "replace").lower()
    return written.count("database is locked"), written.count("traceback (most recent call")


def measure(engine: str, url: str, folder: Path, args: argparse.Namespace) -> bool:
    """Serve ``url`` with gunicorn, run the paced and the saturating load; True if every
    target is met."""
    log = folder / "server.log"
    since = log.stat().st_size if log.exists() else 0
    port = free_port()
    server = start_server(url, folder, port, args.code)
    try:
        # Warm up: both workers booted, their alias matchers built and pools filled.
        run_locust(server, folder, port, args, "warmup")
        paced = run_locust(server, folder, port, args, "paced") if args.paced_seconds else None
        saturated = run_locust(server, folder, port, args, "capacity")
    finally:
        stop_server(server)
    locked, tracebacks = server_problems(log, since)
    if paced is not None:
        show(
            f"paced (a loop every {args.pace:g} s per annotator, {args.paced_seconds} s)",
            paced,
            args.paced_seconds,
        )
    show(f"capacity (no think time, {args.seconds} s)", saturated, args.seconds)
    print(f'  server log: {locked} "database is locked", {tracebacks} tracebacks ({log})')
    met = (
        (paced is None or (paced.p99 < PACED_P99_MS and paced.failures == 0))
        and saturated.per_second >= TARGETS[engine]
        and saturated.failures == 0
        and locked + tracebacks == 0
    )
    print(
        f"  targets (paced p99 < {PACED_P99_MS} ms, >= {TARGETS[engine]} requests/s, "
        f"no errors, no lock): {'met' if met else 'MISSED'}"
    )
    return met


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paragraphs", type=int, default=100_000)
    parser.add_argument("--per-document", type=int, default=20)
    parser.add_argument("--users", type=int, default=50, help="annotators, one token each")
    parser.add_argument("--seconds", type=int, default=60, help="the saturating run")
    parser.add_argument("--paced-seconds", type=int, default=60, help="the paced run")
    parser.add_argument("--pace", type=float, default=5.0, help="seconds per annotator loop")
    parser.add_argument("--engines", default="sqlite,postgresql", help="which to measure")
    parser.add_argument("--keep", action="store_true", help="keep the folder for --reuse")
    parser.add_argument("--reuse", type=Path, help="a folder an earlier --keep left")
    parser.add_argument(
        "--code", type=Path, help="serve the annotator package in this folder (to compare)"
    )
    args = parser.parse_args()
    folder = args.reuse or Path(tempfile.mkdtemp(prefix="annotator-load-"))
    engines = {"sqlite": f"sqlite:///{folder / 'sqlite' / 'annotator.sqlite3'}"}
    if os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql")):
        engines["postgresql"] = os.environ["DATABASE_URL"]
    wanted = set(args.engines.split(","))
    all_met = True
    created: list[str] = []
    for engine, url in engines.items():
        if engine not in wanted:
            continue
        place = folder / engine
        served = args.code or ROOT
        print(f"{engine} ({url}), {args.users} annotators, {os.cpu_count()} cores, code {served}")
        if args.reuse is None:
            place.mkdir(parents=True)
            if engine == "postgresql" and postgres_database(url, create=True):
                created.append(url)
            prepare(url, place, args.paragraphs, args.per_document, args.users)
        all_met &= measure(engine, url, place, args)
    if "postgresql" in wanted and "postgresql" not in engines:
        print("postgresql: skipped (set DATABASE_URL=postgresql://... to measure it)")
    if args.keep or args.reuse:
        print(f"kept {folder}")
    else:
        shutil.rmtree(folder, ignore_errors=True)
        for url in created:
            postgres_database(url, create=False)
    return 0 if all_met else 2


if __name__ == "__main__":
    raise SystemExit(main())
