"""How each kind of suggestion fares, and what learned suggestions cost (issue 15 §2).

1. Acceptance per kind. The five seed articles are imported into a temporary database and
   an annotator is simulated paragraph by paragraph, in article order: every suggestion the
   paragraph offers (``suggestions_for``, as GET /api/paragraphs/<id> serves it) is accepted
   when it matches the gold labelling and rejected otherwise, and the gold entities are
   submitted through the store's save (so the learned suggestions grow as the annotator
   works). There is no hand-made gold of the seeds in tests/golden (its records are
   generated, with labels on arbitrary words), so the gold here is: the people named in the
   seeds (``GOLD_PEOPLE``, read off the articles by hand) as PERSON, and the registry's
   aliases with the label the registry gives them (which makes registry suggestions right
   by construction, except where an alias is not meant as the actor). A span is gold when
   its text and label are; a cue is judged right when a gold span lies within 60 characters
   of it (a speaker is near). Printed per kind: offered, accepted, precision.
2. Learned suggestions at scale: ``--annotations`` (default 2,000) paragraphs, each naming
   three people, are submitted through the store's save (the learning hook's cost is the
   median save), which teaches ``3 x annotations`` strings; then the learned matcher is
   built from the table (median of ``--repeats`` builds) and looked up on ``--paragraphs``
   (default 100,000) paragraphs of news-like text naming learned and unknown people
   (median per paragraph of ``--repeats`` passes). Nothing here reads the annotations: the
   stored paragraphs' number does not enter the lookup.

    .venv/bin/python benchmarks/suggestion_acceptance.py
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench .venv/bin/python \
        benchmarks/suggestion_acceptance.py --annotations 500
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from annotator import create_app  # noqa: E402
from annotator.accounts import create_user  # noqa: E402
from annotator.annotation import store  # noqa: E402
from annotator.annotation.model import Content, Decision, Entity  # noqa: E402
from annotator.extensions import get_engine, get_session  # noqa: E402
from annotator.ingest import import_paths  # noqa: E402
from annotator.label_defaults import seed_default_labels  # noqa: E402
from annotator.migrate import upgrade_to_head  # noqa: E402
from annotator.models import Actor, ActorAlias, Document, Paragraph  # noqa: E402
from annotator.registry import normalise_alias  # noqa: E402
from annotator.suggestions import learning  # noqa: E402
from annotator.suggestions.kinds import kind_of  # noqa: E402
from annotator.suggestions.matching import ENTITY_LABEL_FOR_ACTOR_TYPE  # noqa: E402
from annotator.suggestions.outcomes import outcomes_by_kind  # noqa: E402
from annotator.suggestions.service import suggestions_for  # noqa: E402

GOLD_PEOPLE = [
    "Khaled Abdel Majid",
    "Abdel Majid",
    "Bashar al-Assad",
    "Assad",
    "Faisal Meqdad",
    "Meqdad",
    "Ahmad Majdalani",
    "Anwar Abdul Hadi",
    "Samer",
    "Mustafa Ahmed",
    "Anas Quider",
    "Muhammad Alloush",
    "Alloush",
]
CUE_REACH = 60


def gold_labels(session: Session) -> dict[str, str]:
    """Normalised text -> gold label: the people, and the registry's aliases."""
    gold = {normalise_alias(name): "PERSON" for name in GOLD_PEOPLE}
    rows = session.execute(
        select(ActorAlias.alias, Actor.type, Actor.entity_label).join(
            Actor, Actor.key == ActorAlias.actor_key
        )
    )
    for alias, type_, label in rows:
        gold.setdefault(
            normalise_alias(alias), label or ENTITY_LABEL_FOR_ACTOR_TYPE.get(type_, "ORGANIZATION")
        )
    return gold


def gold_spans(text: str, gold: dict[str, str]) -> list[tuple[int, int, str]]:
    """The gold entities of a paragraph: every gold text found as whole words, longest first,
    not overlapping (found with the alias machinery, so matching is the registry's)."""
    from annotator.suggestions.learned import LearnedEntry, LearnedMatcher

    matcher = LearnedMatcher(LearnedEntry(key, key, label, None) for key, label in gold.items())
    return [(s["start"], s["end"], s["label"]) for s in matcher.suggest(text)]


def simulate(session: Session, user_id: int) -> None:
    """Go through the seed paragraphs as an annotator who accepts what the gold holds."""
    gold = gold_labels(session)
    paragraphs = session.scalars(
        select(Paragraph)
        .join(Document)
        .where(Paragraph.is_boilerplate.is_(False))
        .order_by(Document.source, Paragraph.position)
    ).all()
    for paragraph in paragraphs:
        text = paragraph.text
        spans = gold_spans(text, gold)
        entities, cues = suggestions_for(session, paragraph)
        decisions = []
        for suggestion in entities:
            right = (suggestion["start"], suggestion["end"], suggestion["label"]) in spans
            decisions.append((suggestion, "accepted" if right else "rejected"))
        for cue in cues:
            near = any(
                start - CUE_REACH <= cue["end"] and cue["start"] <= end + CUE_REACH
                for start, end, _ in spans
            )
            decisions.append((cue, "accepted" if near else "rejected"))
        content = Content(
            "submitted",
            entities=[
                Entity(f"e{i}", start, end, label, None)
                for i, (start, end, label) in enumerate(spans)
            ],
            suggestions=[
                Decision(
                    s["id"],
                    s["kind"],
                    s["start"],
                    s["end"],
                    decision,
                    s.get("label"),
                    s.get("actor"),
                )
                for s, decision in decisions
            ],
        )
        store.save(session, paragraph.id, text, user_id, 0, content)


def report_acceptance(session: Session) -> None:
    print(f"{'kind':<16}{'offered':>9}{'accepted':>10}{'precision':>11}")
    for kind, outcome in sorted(outcomes_by_kind(session).items()):
        precision = "-" if outcome.precision is None else f"{outcome.precision:.2f}"
        print(f"{kind:<16}{outcome.offered:>9}{outcome.accepted:>10}{precision:>11}")


FIRST = "Faisal Samir Omar Layla Rami Hana Yusuf Nadia Karim Huda Tariq Rana Ziad Mona Adel".split()


def person(i: int) -> str:
    """A distinct made-up full name for each ``i``."""
    return f"{FIRST[i % len(FIRST)]} Qx{i:05d}"


def scale(session: Session, folder: Path, user_id: int, annotations: int) -> list[float]:
    """Submit ``annotations`` paragraphs naming three people each; the seconds of each save."""
    texts = [
        f"{person(3 * i)} met {person(3 * i + 1)} while {person(3 * i + 2)} said talks failed."
        for i in range(annotations)
    ]
    path = folder / "people.jsonl"
    path.write_bytes(orjson.dumps({"id": "people", "title": "People", "paragraphs": texts}))
    assert not import_paths(session, [path]).rejected
    seconds = []
    for i, text in enumerate(texts):
        entities = []
        for n in range(3):
            name = person(3 * i + n)
            start = text.index(name)
            entities.append(Entity(f"e{n}", start, start + len(name), "PERSON", None))
        started = time.perf_counter()
        store.save(
            session, f"people-p{i}", text, user_id, 0, Content("submitted", entities=entities)
        )
        seconds.append(time.perf_counter() - started)
    return seconds


def lookups(count: int, learned: int, seed: int = 15) -> list[str]:
    """``count`` paragraphs of about 60 words naming two learned people and one unknown."""
    rng = random.Random(seed)  # noqa: S311 (made-up text, not a secret)
    filler = (
        "Fighters clashed near the camp on Monday while officials of the council said the "
        "situation remained tense and aid convoys waited at the checkpoint for hours"
    )
    return [
        f"{person(rng.randrange(learned))} told reporters that {filler}, and "
        f"{person(learned + rng.randrange(10_000))} added that {person(rng.randrange(learned))} "
        f"would return. {filler}."
        for _ in range(count)
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--annotations", type=int, default=2_000)
    parser.add_argument("--paragraphs", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="annotator-bench-"))
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{folder / 'bench.sqlite3'}"
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "b" * 40, "INSTANCE_PATH": str(folder)})
    with app.app_context():
        upgrade_to_head(get_engine())
        session = get_session()
        seed_default_labels(session)
        assert not import_paths(session, [ROOT / "seeds"]).rejected
        user = create_user(session, "simulated", "annotator", "benchmark password")
        session.commit()
        print(f"database: {url.split('://')[0]}")
        print("\n1. suggestions on the seed paragraphs, judged against the gold labelling")
        simulate(session, user.id)
        report_acceptance(session)

        print(f"\n2. learned suggestions: {args.annotations:,} annotations submitted")
        saves = scale(session, folder, user.id, args.annotations)
        print(f"save with the learning hook: median {statistics.median(saves) * 1000:.2f} ms")
        builds = []
        for _ in range(args.repeats):
            started = time.perf_counter()
            matcher = learning.build(session)
            builds.append(time.perf_counter() - started)
        print(
            f"build of the learned matcher ({len(matcher):,} learned strings, read from the "
            f"table): median {statistics.median(builds) * 1000:.1f} ms"
        )
        texts = lookups(args.paragraphs, 3 * args.annotations)
        passes = []
        for _ in range(args.repeats):
            started = time.perf_counter()
            found = sum(len(matcher.suggest(text)) for text in texts)
            passes.append(time.perf_counter() - started)
        assert found >= 2 * args.paragraphs, found
        per = statistics.median(passes) / args.paragraphs
        print(
            f"lookup on {args.paragraphs:,} paragraphs: median pass "
            f"{statistics.median(passes):.2f} s, {per * 1e6:.1f} µs per paragraph"
        )
        cached = []
        paragraph = session.scalars(select(Paragraph).where(Paragraph.id == "people-p0")).one()
        for _ in range(50):
            started = time.perf_counter()
            suggestions_for(session, paragraph)
            cached.append(time.perf_counter() - started)
        print(
            "all suggestions of one paragraph (registry, learned, rules; matchers cached): "
            f"median {statistics.median(cached) * 1000:.2f} ms"
        )
        assert kind_of("sug-l-0-3") == "learned"
    return 0


if __name__ == "__main__":
    sys.exit(main())
