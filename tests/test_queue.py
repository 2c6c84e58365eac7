"""The queue of an annotator in no batch, after any mix of submits, skips, back-to-drafts,
jumps and imports, serves exactly what its definition says: the first paragraph, in
(document source, document id, position) order, that is not boilerplate and that the
annotator has not submitted or skipped; after ``after``, the first such one after it,
wrapping round."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from annotator.models import Annotation, Document, Paragraph, User

from .conftest import Api

EMPTY = {"entities": [], "stances": [], "quotes": []}


def _reference(db: Session, username: str, after: str | None) -> str | None:
    """The queue's definition, computed the slow way."""
    order = db.execute(
        select(Paragraph.id, Paragraph.is_boilerplate)
        .join(Document, Document.id == Paragraph.document_id)
        .order_by(Document.source, Document.id, Paragraph.position)
    ).all()
    done = set(
        db.scalars(
            select(Annotation.paragraph_id)
            .join(User, User.id == Annotation.annotator_id)
            .where(User.username == username, Annotation.status.in_(("submitted", "skipped")))
        )
    )
    open_ = [pid for pid, boilerplate in order if not boilerplate and pid not in done]
    if after is not None:
        ids = [pid for pid, _ in order]
        if after in ids:
            later = [pid for pid in open_ if ids.index(pid) > ids.index(after)]
            if later:
                return later[0]
    return open_[0] if open_ else None


def test_the_queue_serves_its_definition_after_any_mix_of_work(
    api_as: Callable[..., Api], seeded: None, db: Session, app: Flask, tmp_path: Path
) -> None:
    """If this fails, an annotator without a batch is sent past paragraphs they have not
    done (after going back to a draft, jumping ahead, or an import), or shown one twice."""
    alice = api_as("alice")
    rng = random.Random(11)  # noqa: S311 - a fixed sequence of work, not a secret
    paragraphs = db.scalars(select(Paragraph.id).where(Paragraph.is_boilerplate.is_(False))).all()
    versions: dict[str, int] = {}

    def save(paragraph_id: str, status: str) -> None:
        body: dict[str, Any] = {"version": versions.get(paragraph_id, 0), "status": status, **EMPTY}
        answer = alice.put(f"/api/paragraphs/{paragraph_id}/annotation", body)
        assert answer.status_code == 200, answer.get_json()
        versions[paragraph_id] = answer.get_json()["version"]

    def check(after: str | None) -> str | None:
        db.expire_all()
        path = "/api/queue/next" + (f"?after={after}" if after else "")
        answer = alice.get(path)
        served = answer.get_json()["paragraph_id"] if answer.status_code == 200 else None
        assert served == _reference(db, "alice", after), (after, step, log[-3:])
        return served

    log: list[str] = []
    step = -1
    current = check(None)
    for step in range(160):
        roll = rng.random()
        if roll < 0.45 and current is not None:  # work through the queue in order
            log.append(f"finish {current}")
            save(current, rng.choice(("submitted", "submitted", "skipped")))
            current = check(current)
        elif roll < 0.6:  # jump ahead to any paragraph and finish it
            jump = rng.choice(paragraphs)
            log.append(f"jump {jump}")
            save(jump, "submitted")
            current = check(None)
        elif roll < 0.75 and versions:  # take one back to a draft
            back = rng.choice(sorted(versions))
            log.append(f"back {back}")
            save(back, "draft")
            current = check(None)
        elif roll < 0.8:  # a new article, whose source sorts before everything
            log.append("import")
            article = tmp_path / f"000_new_{step}.txt"
            article.write_text(
                f"Report number {step} from the front\n\n"
                f"Fighting resumed near the town on day {step}, local officials said, "
                "as aid convoys waited at the crossing for a second week.\n",
                encoding="utf-8",
            )
            result = app.test_cli_runner().invoke(args=["import", str(article)])
            assert result.exit_code == 0, result.output
            paragraphs = db.scalars(
                select(Paragraph.id).where(Paragraph.is_boilerplate.is_(False))
            ).all()
            current = check(None)
        else:
            current = check(rng.choice(paragraphs))
