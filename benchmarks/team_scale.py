"""A team at scale: a million paragraphs dealt in batches of overlap 2 to 50 annotators.

Builds (or, with ``--reuse DIR``, reopens) a database of N paragraphs (default 1,000,000)
through the bulk import of ``export_scale.py``, then, through the project's services:
- 50 annotators and an admin; batches of 10,000 paragraphs, overlap 2, each dealt to a
  group of 8 annotators; and one batch of the last 30 % of the corpus dealt to two
  annotators (overlap 1), of whom "veteran" has finished 100,000 paragraphs;
- a quarter of every other annotator's assignments finished (written straight to the
  assignment rows, then counted again by ``recount``: the build is not what is timed);
- the first batch fully annotated by both of each paragraph's annotators (``save_many``,
  with disagreements), for the agreement.

Then times, in process behind Flask's test client (the server's own work), the medians of:
GET /api/paragraphs/<id>, PUT .../annotation, GET /api/queue/next (a regular annotator and
the veteran), GET /api/batches/<id>/progress, and the agreement of a 10,000-paragraph batch.
Targets (issue 11): under 10 ms for the first three, 300 ms for the dashboard, 10 s for
the agreement.

    .venv/bin/python benchmarks/team_scale.py --keep             # SQLite, a million
    .venv/bin/python benchmarks/team_scale.py --reuse /tmp/annotator-team-XXXX
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/team \
        .venv/bin/python benchmarks/team_scale.py --paragraphs 1000000
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import msgspec  # noqa: E402
from export_scale import import_records  # noqa: E402
from sqlalchemy import func, select, text  # noqa: E402

from annotator import create_app  # noqa: E402
from annotator.accounts import create_token  # noqa: E402
from annotator.annotation import Content, NewAnnotation, save_many  # noqa: E402
from annotator.annotation.counts import recount, recount_done  # noqa: E402
from annotator.annotation.model import RecordLayers  # noqa: E402
from annotator.batch_agreement import batch_agreement  # noqa: E402
from annotator.batches import create_batch  # noqa: E402
from annotator.extensions import get_engine, get_session  # noqa: E402
from annotator.models import Annotation, Assignment, Batch, Document, Paragraph, User  # noqa: E402

TARGETS_MS = {"paragraph": 10, "save": 10, "queue": 10, "dashboard": 300, "agreement": 10_000}
BATCH_PARAGRAPHS = 10_000
GROUP = 8
PASSWORD_HASH = "scrypt:32768:8:1$benchsalt$" + "0" * 128  # nobody logs in with it


def build(url: str, folder: Path, paragraphs: int) -> None:
    env = {**os.environ, "DATABASE_URL": url, "ANNOTATOR_INSTANCE_PATH": str(folder)}
    import_records(folder, env, paragraphs, 20)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "b" * 40, "INSTANCE_PATH": str(folder)})
    with app.app_context():
        db = get_session()
        admin = User(username="lead", role="admin", password_hash=PASSWORD_HASH)
        db.add(admin)
        names = ["veteran", "partner"] + [f"annotator{i:02}" for i in range(48)]
        db.add_all(User(username=n, role="annotator", password_hash=PASSWORD_HASH) for n in names)
        db.commit()
        documents = db.scalars(select(Document.id).order_by(Document.source, Document.id)).all()
        per_batch = BATCH_PARAGRAPHS // 20
        regular_docs = documents[: int(len(documents) * 0.7)]
        started = time.perf_counter()
        deal_times = []
        for number, first in enumerate(range(0, len(regular_docs), per_batch)):
            group = [f"annotator{(number % 6) * GROUP + i:02}" for i in range(GROUP)]
            began = time.perf_counter()
            create_batch(
                db,
                f"batch {number:03}",
                list(regular_docs[first : first + per_batch]),
                group,
                2,
                admin,
            )
            db.commit()
            deal_times.append(time.perf_counter() - began)
        began = time.perf_counter()
        veteran_batch = create_batch(
            db, "veterans", list(documents[len(regular_docs) :]), ["partner", "veteran"], 1, admin
        )
        db.commit()
        print(
            f"dealt {len(deal_times) + 1} batches in {time.perf_counter() - started:.0f} s "
            f"(a 10,000-paragraph batch: median {statistics.median(deal_times):.2f} s; "
            f"the veterans' batch: {time.perf_counter() - began:.1f} s)"
        )
        began = time.perf_counter()
        first_batch = db.scalar(select(Batch).where(Batch.name == "batch 000"))
        annotate_batch(db, first_batch)
        finish_some(db, veteran_batch)
        analyze(db)
        spent = time.perf_counter() - began
        print(f"progress and the first batch's annotations written in {spent:.0f} s")


def finish_some(db, veteran_batch: Batch) -> None:  # type: ignore[no-untyped-def]
    """Submit a quarter of each regular annotator's assignments and 100,000 of the
    veteran's (through ``save_many``, as an import would), then count every batch again."""
    veteran = db.scalar(select(User.id).where(User.username == "veteran"))
    first = db.scalar(select(Batch.id).where(Batch.name == "batch 000"))
    submit(
        db,
        (Assignment.user_id != veteran)
        & (Assignment.seq % 4 == 1)
        & (Assignment.batch_id != first),
    )
    submit(db, (Assignment.user_id == veteran) & (Assignment.seq < 200_000))
    for batch_id in db.scalars(select(Batch.id)):
        recount(db, batch_id)
    db.commit()


def annotate_batch(db, batch: Batch) -> None:  # type: ignore[no-untyped-def]
    """Both annotators of each paragraph of ``batch`` submit it; the second disagrees on
    one label in three paragraphs and on one polarity in five."""
    submit(db, Assignment.batch_id == batch.id, disagree=True)
    recount(db, batch.id)
    db.commit()


def submit(db, condition, disagree: bool = False) -> None:  # type: ignore[no-untyped-def]
    """Submit the assignments that meet ``condition`` with the layers the benchmark import
    gave their paragraph (a paragraph's second annotator changing some, if ``disagree``),
    2,000 at a time."""
    bench = db.scalar(select(User.id).where(User.username == "bench"))
    pairs = db.execute(
        select(Assignment.paragraph_id, Assignment.user_id)
        .where(condition)
        .order_by(Assignment.batch_id, Assignment.seq, Assignment.user_id)
    ).all()
    now = datetime.now(UTC)
    seen: set[str] = set()
    for start in range(0, len(pairs), 2000):
        chunk = pairs[start : start + 2000]
        found = {
            paragraph_id: (text, layers)
            for paragraph_id, text, layers in db.execute(
                select(Paragraph.id, Paragraph.text, Annotation.record_layers)
                .join(Annotation, Annotation.paragraph_id == Paragraph.id)
                .where(Annotation.annotator_id == bench, Paragraph.id.in_({p for p, _ in chunk}))
            )
        }
        new = []
        for number, (paragraph_id, user_id) in enumerate(chunk, start):
            text, layers = found[paragraph_id]
            content = msgspec.json.decode(layers, type=RecordLayers).content(
                "submitted", None, False
            )
            if disagree and paragraph_id in seen:
                if number % 3 == 0:
                    content.entities[3].label = "ORGANIZATION"
                if number % 5 == 0:
                    content.stances[0].polarity = "SUPPORT"
            seen.add(paragraph_id)
            new.append(NewAnnotation(paragraph_id, text, user_id, content, now, now))
        save_many(db, new)


def ensure_solo(db) -> None:  # type: ignore[no-untyped-def]
    """An annotator in no batch who has submitted the first 100,000 paragraphs of the corpus
    in queue order (empty annotations, through ``save_many``), made once."""
    if db.scalar(select(User.id).where(User.username == "solo")) is not None:
        return
    solo = User(username="solo", role="annotator", password_hash=PASSWORD_HASH)
    db.add(solo)
    db.flush()
    rows = db.execute(
        select(Paragraph.id, Paragraph.text)
        .join(Document, Document.id == Paragraph.document_id)
        .where(Paragraph.is_boilerplate.is_(False))
        .order_by(Document.source, Document.id, Paragraph.position)
        .limit(100_000)
    ).all()
    now = datetime.now(UTC)
    for start in range(0, len(rows), 5000):
        save_many(
            db,
            [
                NewAnnotation(pid, text, solo.id, Content(status="submitted"), now, now)
                for pid, text in rows[start : start + 5000]
            ],
        )
    recount_done(db, solo.id)
    db.commit()
    analyze(db)


def analyze(db) -> None:  # type: ignore[no-untyped-def]
    """Bring PostgreSQL's planner statistics up to date after the bulk writes, as autovacuum
    would a little later (the import does the same)."""
    if db.get_bind().dialect.name == "postgresql":
        db.execute(text("ANALYZE"))
        db.commit()


def medians(call, repeats: int) -> float:  # type: ignore[no-untyped-def]
    for _ in range(min(10, repeats)):
        call()
    timings = []
    for _ in range(repeats):
        began = time.perf_counter()
        call()
        timings.append((time.perf_counter() - began) * 1000)
    return statistics.median(timings)


def line(name: str, median: float, target: float) -> bool:
    verdict = "meets" if median < target else "MISSES"
    print(f"{name:<52} median {median:9.2f} ms   target {target:,.0f} ms: {verdict}")
    return median < target


def measure(url: str, folder: Path, repeats: int) -> int:
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "b" * 40, "INSTANCE_PATH": str(folder)})
    with app.app_context():
        db = get_session()
        tokens = {}
        ensure_solo(db)
        for name in ("annotator08", "veteran", "lead", "bench", "solo"):
            user = db.scalar(select(User).where(User.username == name))
            tokens[name] = {"Authorization": f"Bearer {create_token(db, user)[1]}"}
        db.commit()
        paragraphs = db.scalar(select(func.count()).select_from(Paragraph))
        assignments = db.scalar(select(func.count()).select_from(Assignment))
        veteran_done = db.scalar(
            select(func.count())
            .select_from(Assignment)
            .where(
                Assignment.user_id
                == select(User.id).where(User.username == "veteran").scalar_subquery(),
                Assignment.done.is_(True),
            )
        )
        small = db.scalar(select(Batch).where(Batch.name == "batch 001"))
        big = db.scalar(select(Batch).where(Batch.name == "veterans"))
        first = db.scalar(select(Batch).where(Batch.name == "batch 000"))
        small_id, big_id = small.id, big.id
        solo_last = db.scalar(
            select(Annotation.paragraph_id)
            .join(User, User.id == Annotation.annotator_id)
            .where(User.username == "solo")
            .order_by(Annotation.id.desc())
            .limit(1)
        )
        print(
            f"database: {url.split('://')[0]}   {paragraphs:,} paragraphs, {assignments:,} "
            f"assignments, 50 annotators; veteran has finished {veteran_done:,}"
        )
        began = []
        for _ in range(3):
            start = time.perf_counter()
            figures = batch_agreement(db, first)
            began.append((time.perf_counter() - start) * 1000)
        print(
            f"  agreement of {first.name!r}: {figures['paragraphs']:,} paragraphs, entity F1 "
            f"{figures['entities']['f1_exact']}, stance alpha {figures['stances']['alpha']}"
        )
    client = app.test_client()
    mine = tokens["annotator08"]
    paragraph_id = client.get("/api/queue/next", headers=mine).get_json()["paragraph_id"]
    shown = client.get(f"/api/paragraphs/{paragraph_id}", headers=mine).get_json()
    words = shown["text"].split(" ")
    version = shown["annotation"]["version"]  # not 0 when --reuse measures again

    def put() -> None:
        nonlocal version
        body = {
            "version": version,
            "status": "draft",
            "stances": [],
            "quotes": [],
            "entities": [
                {
                    "id": "e1",
                    "start": 0,
                    "end": len(words[0]),
                    "label": "ARMED_GROUP",
                    "actor": None,
                }
            ],
        }
        answer = client.put(f"/api/paragraphs/{paragraph_id}/annotation", json=body, headers=mine)
        assert answer.status_code == 200, answer.get_json()
        version = answer.get_json()["version"]

    def get(path: str, headers: dict[str, str]):  # type: ignore[no-untyped-def]
        def call() -> None:
            answer = client.get(path, headers=headers)
            assert answer.status_code in (200, 204), (path, answer.status_code)

        return call

    ok = [
        line(
            "GET /api/paragraphs/<id> (annotator in a batch)",
            medians(get(f"/api/paragraphs/{paragraph_id}", mine), repeats),
            TARGETS_MS["paragraph"],
        ),
        line("PUT /api/paragraphs/<id>/annotation", medians(put, repeats), TARGETS_MS["save"]),
        line(
            "GET /api/queue/next (annotator, a quarter done)",
            medians(get(f"/api/queue/next?after={paragraph_id}", mine), repeats),
            TARGETS_MS["queue"],
        ),
        line(
            "GET /api/queue/next (veteran, 100,000 done)",
            medians(get("/api/queue/next", tokens["veteran"]), repeats),
            TARGETS_MS["queue"],
        ),
        line(
            "GET /api/batches/<id>/progress (10,000 paragraphs)",
            medians(get(f"/api/batches/{small_id}/progress", tokens["lead"]), 30),
            TARGETS_MS["dashboard"],
        ),
        line(
            "GET /api/batches/<id>/progress (300,000 paragraphs)",
            medians(get(f"/api/batches/{big_id}/progress", tokens["lead"]), 10),
            TARGETS_MS["dashboard"],
        ),
        line(
            "GET /api/paragraphs/<id> (in no batch, all done)",
            medians(get(f"/api/paragraphs/{paragraph_id}", tokens["bench"]), 30),
            TARGETS_MS["paragraph"],
        ),
        line(
            "GET /api/queue/next (in no batch, all done)",
            medians(get("/api/queue/next", tokens["bench"]), 10),
            TARGETS_MS["queue"],
        ),
        line(
            "GET /api/queue/next (in no batch, 100,000 done)",
            medians(get("/api/queue/next", tokens["solo"]), 10),
            TARGETS_MS["queue"],
        ),
        line(
            "GET /api/queue/next?after= (in no batch, 100,000 done)",
            medians(get(f"/api/queue/next?after={solo_last}", tokens["solo"]), 30),
            TARGETS_MS["queue"],
        ),
        line(
            "GET /api/batches (every batch, totals)",
            medians(get("/api/batches", tokens["lead"]), 30),
            TARGETS_MS["dashboard"],
        ),
        line(
            "agreement of a 10,000-paragraph batch",
            statistics.median(began),
            TARGETS_MS["agreement"],
        ),
    ]
    with app.app_context():
        get_engine().dispose()
    return 0 if all(ok) else 2


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paragraphs", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=200)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--reuse", type=Path, help="measure again on a folder --keep left")
    args = parser.parse_args()
    folder = args.reuse or Path(tempfile.mkdtemp(prefix="annotator-team-"))
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{folder / 'bench.sqlite3'}"
    try:
        if args.reuse is None:
            build(url, folder, args.paragraphs)
        return measure(url, folder, args.repeats)
    finally:
        if not (args.keep or args.reuse):
            shutil.rmtree(folder, ignore_errors=True)
        else:
            print(f"kept {folder}")


if __name__ == "__main__":
    raise SystemExit(main())
