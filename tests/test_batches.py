"""Batches: the deal, the queue it gives each annotator, the kept counts, changing members."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from annotator.batches import deal
from annotator.models import Assignment, BatchMember, Document, Paragraph

from .conftest import Api, AuthActions, _annotate


@given(
    paragraphs=st.integers(0, 60),
    annotators=st.integers(1, 9),
    data=st.data(),
)
def test_the_deal_gives_each_paragraph_n_annotators_and_even_shares(
    paragraphs: int, annotators: int, data: st.DataObject
) -> None:
    """If this fails, a paragraph is labelled by too few or too many people, or one annotator gets far more work than another."""
    overlap = data.draw(st.integers(1, annotators))
    pairs = list(deal(paragraphs, annotators, overlap))
    per_paragraph: dict[int, list[int]] = {}
    for paragraph, annotator in pairs:
        per_paragraph.setdefault(paragraph, []).append(annotator)
    assert len(per_paragraph) == paragraphs
    assert all(len(set(people)) == overlap == len(people) for people in per_paragraph.values())
    shares = Counter(annotator for _, annotator in pairs)
    counts = [shares.get(a, 0) for a in range(annotators)]
    assert max(counts) - min(counts) <= 1
    assert list(deal(paragraphs, annotators, overlap)) == pairs  # deterministic


def test_the_deal_refuses_an_overlap_above_the_team() -> None:
    """If this fails, asking for 3 annotators per paragraph from a team of 2 silently deals fewer."""
    with pytest.raises(ValueError, match="overlap"):
        list(deal(5, 2, 3))


@pytest.fixture
def team(api_as: Callable[..., Api], seeded: None, db: Session) -> dict[str, Any]:
    """An admin, a reviewer, three annotators, and the ids of two seed documents."""
    documents = db.scalars(select(Document.id).order_by(Document.source, Document.id)).all()
    return {
        "admin": api_as("ada", "admin"),
        "reviewer": api_as("rita", "reviewer"),
        "alice": api_as("alice"),
        "bob": api_as("bob"),
        "carol": api_as("carol"),
        "documents": list(documents[:2]),
    }


def _post(api: Api, path: str, body: Any):
    return api.client.post(path, json=body, headers=api.headers)


def _make(team: dict[str, Any], **changes: Any):
    body = {
        "name": "round 1",
        "documents": team["documents"],
        "annotators": ["alice", "bob"],
        "overlap": 2,
    } | changes
    return _post(team["admin"], "/api/batches", body)


def _annotatable(db: Session, documents: list[str]) -> list[str]:
    return db.scalars(
        select(Paragraph.id)
        .join(Document, Document.id == Paragraph.document_id)
        .where(Paragraph.document_id.in_(documents), Paragraph.is_boilerplate.is_(False))
        .order_by(Document.source, Document.id, Paragraph.position)
    ).all()


def test_an_admin_makes_a_batch_and_each_annotator_is_served_their_share_in_order(
    team: dict[str, Any], db: Session
) -> None:
    """If this fails, a batch made through the API does not decide what each annotator is given next."""
    made = _make(team, annotators=["alice", "bob", "carol"], overlap=2)
    assert made.status_code == 201, made.get_json()
    batch = made.get_json()
    paragraphs = _annotatable(db, team["documents"])
    assert batch["assignments"] == 2 * len(paragraphs)
    shares = [a["assigned"] for a in batch["annotators"]]
    assert sum(shares) == 2 * len(paragraphs) and max(shares) - min(shares) <= 1
    alice = team["alice"]
    first = alice.get("/api/queue/next").get_json()["paragraph_id"]
    dealt = db.scalars(
        select(Assignment.paragraph_id)
        .join(BatchMember, BatchMember.user_id == Assignment.user_id)
        .where(BatchMember.batch_id == batch["id"])
        .where(Assignment.user_id == _user_id(db, "alice"))
        .order_by(Assignment.seq)
    ).all()
    assert first == dealt[0]
    paragraph = db.get(Paragraph, first)
    _annotate(alice, paragraph)
    following = alice.get(f"/api/queue/next?after={first}").get_json()["paragraph_id"]
    assert following == dealt[1]
    page = alice.get(f"/api/paragraphs/{following}").get_json()
    assert page["progress"] == {"done": 1, "total": len(dealt)}


def _user_id(db: Session, username: str) -> int:
    from annotator.models import User

    return db.scalar(select(User.id).where(User.username == username))


def test_an_annotator_in_no_batch_keeps_the_whole_corpus_queue(
    team: dict[str, Any], db: Session
) -> None:
    """If this fails, a one-person setup without batches finds nothing to annotate once any batch exists."""
    assert _make(team).status_code == 201
    carol = team["carol"]
    first = carol.get("/api/queue/next").get_json()["paragraph_id"]
    everything = db.scalars(
        select(Paragraph.id)
        .join(Document, Document.id == Paragraph.document_id)
        .where(Paragraph.is_boilerplate.is_(False))
        .order_by(Document.source, Document.id, Paragraph.position)
    ).all()
    assert first == everything[0]
    total = carol.get(f"/api/paragraphs/{first}").get_json()["progress"]["total"]
    assert total == len(everything)


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"overlap": 3}, "overlap", "between 1 and the number of annotators (2)"),
        ({"overlap": 0}, "overlap", "between 1"),
        ({"overlap": "2"}, "overlap", "whole number"),
        ({"overlap": None}, "overlap", "give how many annotators"),
        ({"annotators": ["alice", "nobody"]}, "annotators", "no such user: nobody"),
        ({"annotators": ["alice", "alice"]}, "annotators", "named twice"),
        ({"documents": ["no-such-doc"]}, "documents", "no such document"),
        ({"documents": []}, "documents", "at least one"),
        ({"name": "  "}, "name", "1 to 100"),
    ],
)
def test_a_bad_batch_is_refused_naming_the_field_and_nothing_is_stored(
    team: dict[str, Any], db: Session, changes: dict[str, Any], field: str, words: str
) -> None:
    """If this fails, a mistyped batch is half made, or the admin is not told which input is wrong."""
    answer = _make(team, **changes)
    assert answer.status_code == 422
    (error,) = answer.get_json()["errors"]
    assert error["path"] == f"$.{field}" and words in error["message"]
    assert db.scalar(select(func.count()).select_from(Assignment)) == 0


def test_a_document_goes_in_one_batch_and_a_name_is_used_once(team: dict[str, Any]) -> None:
    """If this fails, the same paragraph is dealt twice to the same team by accident."""
    assert _make(team).status_code == 201
    again = _make(team, name="round 2")
    assert again.status_code == 422
    assert "already in a batch" in again.get_json()["errors"][0]["message"]
    same_name = _make(team, documents=[])
    assert same_name.status_code == 422


def test_annotators_and_reviewers_cannot_make_batches(team: dict[str, Any]) -> None:
    """If this fails, anyone can reassign the team's work."""
    body = {"name": "x", "documents": team["documents"], "annotators": ["alice"], "overlap": 1}
    assert _post(team["alice"], "/api/batches", body).status_code == 403
    assert _post(team["reviewer"], "/api/batches", body).status_code == 403
    assert team["reviewer"].get("/api/batches").status_code == 200
    assert team["alice"].get("/api/batches").status_code == 403


def test_counts_follow_saves_submit_skip_flag_and_back_to_draft(
    team: dict[str, Any], db: Session
) -> None:
    """If this fails, the dashboard's and the progress line's numbers drift from what annotators did."""
    batch = _make(team).get_json()
    alice = team["alice"]
    first = alice.get("/api/queue/next").get_json()["paragraph_id"]
    paragraph = db.get(Paragraph, first)
    _annotate(alice, paragraph)

    def mine() -> dict[str, Any]:
        shown = alice.client.get(f"/api/batches/{batch['id']}", headers=team["admin"].headers)
        return next(a for a in shown.get_json()["annotators"] if a["username"] == "alice")

    assert mine()["submitted"] == 1 and mine()["remaining"] == mine()["assigned"] - 1
    empty = {"entities": [], "stances": [], "quotes": []}
    body = {"version": 1, "status": "draft", "flagged": True, "comment": "garbled", **empty}
    assert alice.put(f"/api/paragraphs/{first}/annotation", body).status_code == 200
    assert (mine()["submitted"], mine()["flagged"]) == (0, 1)
    listed = alice.client.get(
        f"/api/batches/{batch['id']}/progress", headers=team["reviewer"].headers
    ).get_json()["flagged"]
    assert [(f["paragraph_id"], f["annotator"], f["comment"]) for f in listed] == [
        (first, "alice", "garbled")
    ]
    body = {"version": 2, "status": "skipped", **empty}
    assert alice.put(f"/api/paragraphs/{first}/annotation", body).status_code == 200
    counts = mine()
    assert (counts["submitted"], counts["skipped"], counts["flagged"]) == (0, 1, 0)
    progress = alice.client.get(
        f"/api/batches/{batch['id']}/progress", headers=team["reviewer"].headers
    ).get_json()
    assert sum(d["done"] for d in progress["documents"]) == 1
    assert progress["per_day"] == []  # skipped is not submitted


def test_a_removed_annotators_remaining_work_goes_to_others_and_their_submissions_stay(
    team: dict[str, Any], db: Session
) -> None:
    """If this fails, removing someone from a batch loses their finished work or strands their paragraphs."""
    batch = _make(team, annotators=["alice", "bob", "carol"], overlap=1).get_json()
    bob = team["bob"]
    first = bob.get("/api/queue/next").get_json()["paragraph_id"]
    _annotate(bob, db.get(Paragraph, first))
    answer = team["admin"].client.delete(
        f"/api/batches/{batch['id']}/annotators/bob", headers=team["admin"].headers
    )
    assert answer.status_code == 200, answer.get_json()
    outcome = answer.get_json()
    people = {a["username"]: a for a in outcome["batch"]["annotators"]}
    assert people["bob"]["active"] is False
    assert people["bob"]["assigned"] == people["bob"]["submitted"] == 1
    assert outcome["moved"] > 0 and outcome["not_moved"] == 0
    total = sum(p["assigned"] for p in people.values())
    assert total == len(_annotatable(db, team["documents"]))
    assert bob.get("/api/queue/next").status_code == 204
    auth = AuthActions(bob.client)
    auth.login("bob")
    done_page = bob.client.get("/annotate").get_data(as_text=True)
    assert "Batch round 1: you were taken out of it" in done_page
    export = team["reviewer"].get("/api/export?format=annotator")
    assert f'"{first}/bob"' in export.get_data(as_text=True)


def test_an_added_annotator_gets_an_even_share_of_untouched_work(
    team: dict[str, Any], db: Session
) -> None:
    """If this fails, a new team member gets nothing to do, or takes paragraphs someone already started."""
    batch = _make(team, overlap=1).get_json()
    alice = team["alice"]
    started = alice.get("/api/queue/next").get_json()["paragraph_id"]
    _annotate(alice, db.get(Paragraph, started), status="draft")
    answer = _post(team["admin"], f"/api/batches/{batch['id']}/annotators", {"username": "carol"})
    assert answer.status_code == 200, answer.get_json()
    people = {a["username"]: a for a in answer.get_json()["batch"]["annotators"]}
    remaining = [p["remaining"] for p in people.values()]
    assert max(remaining) - min(remaining) <= 1, people
    assert answer.get_json()["given"] == people["carol"]["assigned"] > 0
    holder = db.scalar(select(Assignment.user_id).where(Assignment.paragraph_id == started))
    assert holder == _user_id(db, "alice")
    assert (
        _post(
            team["admin"], f"/api/batches/{batch['id']}/annotators", {"username": "carol"}
        ).status_code
        == 422
    )


def test_the_deal_downloads_as_json_lines(team: dict[str, Any], app: Flask) -> None:
    """If this fails, a lead cannot keep or audit who was given which paragraph, or each
    download leaves a database connection behind."""
    from annotator.extensions import get_engine

    batch = _make(team).get_json()
    with app.app_context():
        pool = get_engine().pool
    before = pool.checkedout()
    answer = team["reviewer"].get(f"/api/batches/{batch['id']}/assignments")
    lines = answer.get_data(as_text=True).splitlines()
    answer.close()
    assert pool.checkedout() == before
    assert len(lines) == batch["assignments"]
    import json

    first = json.loads(lines[0])
    assert set(first) == {"seq", "paragraph_id", "document_id", "annotator", "status", "done"}


def test_the_cli_makes_lists_and_shows_a_batch(
    app: Flask, team: dict[str, Any], db: Session
) -> None:
    """If this fails, a lead working from a terminal cannot run a batch."""
    runner = app.test_cli_runner()
    args = [
        "batch",
        "create",
        "cli round",
        "--overlap",
        "2",
        "--annotator",
        "bob",
        "--annotator",
        "alice",
    ]
    for document in team["documents"]:
        args += ["--document", document]
    made = runner.invoke(args=args)
    assert made.exit_code == 0, made.output
    assert "overlap 2" in made.output
    listed = runner.invoke(args=["batch", "list"])
    assert "cli round" in listed.output
    shown = runner.invoke(args=["batch", "show", "cli round", "--deal"])
    assert shown.exit_code == 0 and "alice:" in shown.output and '"paragraph_id"' in shown.output
    bad = runner.invoke(
        args=[*args[:2], "other", "--overlap", "5", "--annotator", "bob", "--document", "x"]
    )
    assert bad.exit_code != 0 and "documents: no such document: x" in bad.output
    missing = runner.invoke(args=["batch", "show", "nope"])
    assert missing.exit_code != 0 and "no batch 'nope'" in missing.output


def test_the_progress_line_of_an_annotator_in_no_batch_follows_saves_and_imports(
    team: dict[str, Any], db: Session, app: Flask, tmp_path
) -> None:
    """If this fails, a lone annotator's "done / total" drifts from what they did, now that it is kept instead of counted."""
    carol = team["carol"]
    first = carol.get("/api/queue/next").get_json()["paragraph_id"]
    total = carol.get(f"/api/paragraphs/{first}").get_json()["progress"]["total"]
    _annotate(carol, db.get(Paragraph, first))
    assert carol.get(f"/api/paragraphs/{first}").get_json()["progress"] == {
        "done": 1,
        "total": total,
    }
    empty = {"entities": [], "stances": [], "quotes": []}
    back = carol.put(
        f"/api/paragraphs/{first}/annotation", {"version": 1, "status": "draft", **empty}
    )
    assert back.status_code == 200
    assert carol.get(f"/api/paragraphs/{first}").get_json()["progress"]["done"] == 0
    article = tmp_path / "more.txt"
    article.write_text(
        "Shelling resumes near Aleppo\n\n"
        "Government forces shelled the eastern districts of Aleppo on Tuesday, residents said, "
        "a day after the ceasefire talks in Geneva broke down without an agreement.\n",
        encoding="utf-8",
    )
    result = app.test_cli_runner().invoke(args=["import", str(article)])
    assert result.exit_code == 0, result.output
    assert carol.get(f"/api/paragraphs/{first}").get_json()["progress"]["total"] == total + 1


def test_an_added_annotator_evens_the_shares_with_overlap_two(
    team: dict[str, Any], db: Session
) -> None:
    """If this fails, a newcomer to a batch of overlap 2 gets far less than the others."""
    batch = _make(team).get_json()
    answer = _post(team["admin"], f"/api/batches/{batch['id']}/annotators", {"username": "carol"})
    people = {a["username"]: a["assigned"] for a in answer.get_json()["batch"]["annotators"]}
    assert sum(people.values()) == batch["assignments"]
    assert max(people.values()) - min(people.values()) <= 1, people
    holders = db.execute(
        select(Assignment.paragraph_id, func.count()).group_by(Assignment.paragraph_id)
    ).all()
    assert {count for _, count in holders} == {2}  # still two different annotators each


def test_dealing_out_keeps_what_nobody_else_can_take_and_the_last_annotator_stays(
    team: dict[str, Any], app: Flask, db: Session
) -> None:
    """If this fails, "deal their remaining to others" deletes paragraphs from a batch, or a
    batch loses its last annotator and with it every paragraph."""
    batch = _make(team, annotators=["alice"], overlap=1).get_json()
    runner = app.test_cli_runner()
    dealt = runner.invoke(args=["batch", "remove", "round 1", "alice", "--keep"])
    assert dealt.exit_code == 0, dealt.output
    assert "0 paragraphs dealt to others" in dealt.output and "stay theirs" in dealt.output
    left = team["admin"].get(f"/api/batches/{batch['id']}").get_json()
    assert left["assignments"] == batch["assignments"]
    removed = runner.invoke(args=["batch", "remove", "round 1", "alice"])
    assert removed.exit_code != 0 and "last annotator" in removed.output
    added = runner.invoke(args=["batch", "add", "round 1", "bob"])
    assert added.exit_code == 0 and "bob added" in added.output
    removed = runner.invoke(args=["batch", "remove", "round 1", "alice"])
    assert removed.exit_code == 0, removed.output
    after = team["admin"].get(f"/api/batches/{batch['id']}").get_json()
    assert after["assignments"] == batch["assignments"]
    assert {a["username"]: a["active"] for a in after["annotators"]} == {
        "alice": False,
        "bob": True,
    }


def test_a_paragraph_finished_while_its_annotator_is_removed_stays_theirs(
    team: dict[str, Any], db: Session
) -> None:
    """If this fails, a save that lands while a lead removes the annotator is moved to someone else or lost."""
    from annotator.batches import _move

    assert _make(team, annotators=["alice", "bob", "carol"], overlap=1).status_code == 201
    alice = team["alice"]
    first = alice.get("/api/queue/next").get_json()["paragraph_id"]
    _annotate(alice, db.get(Paragraph, first))  # finished after the lead's page read the deal
    alice_id, bob_id = _user_id(db, "alice"), _user_id(db, "bob")
    _move(db, [{"p": first, "old": alice_id, "new": bob_id}], untouched_only=False)
    db.commit()
    holder = db.scalar(select(Assignment.user_id).where(Assignment.paragraph_id == first))
    assert holder == alice_id


def test_a_batch_of_many_unknown_documents_is_refused_in_a_short_message(
    team: dict[str, Any],
) -> None:
    """If this fails, a script that names 40,000 documents gets a database error or a
    message of 40,000 ids instead of a readable refusal."""
    many = [f"missing-{n}" for n in range(40_000)]
    answer = _make(team, documents=[*team["documents"], *many])
    assert answer.status_code == 422
    (error,) = answer.get_json()["errors"]
    assert error["message"].startswith("no such document: missing-0, missing-1")
    assert error["message"].endswith("and 39990 more")


@pytest.mark.parametrize("key", ["99999999999999999999", "2147483648"])
def test_a_batch_id_past_what_the_column_holds_is_not_found(team: dict[str, Any], key: str) -> None:
    """?batch= with an id no integer column holds names no batch: 404, on both engines (it
    was a 500: Python's int reached the query, which PostgreSQL refused)."""
    response = team["reviewer"].get(f"/api/agreement?batch={key}")
    assert response.status_code == 404
