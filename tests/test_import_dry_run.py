"""`annotator import --dry-run`: an admin sees how each file would be read (title, every
paragraph's opening words, boilerplate and why, repeats dropped) before anything is stored."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask.testing import FlaskCliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

from annotator.models.base import Base

from .conftest import SEEDS, TEST_PASSWORD
from .golden_corpus import GOLDEN


def _everything(db: Session) -> dict[str, list[Any]]:
    """Every row of every table, to compare before and after."""
    db.rollback()
    return {
        table.name: sorted(map(repr, db.execute(select(table)).all()))
        for table in Base.metadata.sorted_tables
    }


def test_dry_run_shows_titles_paragraphs_and_boilerplate_and_stores_nothing(
    runner: FlaskCliRunner, db: Session, tmp_path: Path
) -> None:
    """Seeds, a scraped page and a records file are previewed; not one row changes."""
    page = tmp_path / "page.txt"
    lead = "Government forces shelled the eastern suburbs on Monday, a monitoring group said."
    page.write_text(f"Share\n\n{lead}\n\n{lead}\n\nResidents fled north.\n", encoding="utf-8")
    records = GOLDEN / "expected" / "alice.jsonl"
    before = _everything(db)
    result = runner.invoke(args=["import", "--dry-run", str(SEEDS), str(page), str(records)])
    assert result.exit_code == 0, result.output
    output = result.output
    assert f"would add {SEEDS / 'actors.json'}: actor registry of 28 actors (28 new)" in output
    assert (
        f"would add {SEEDS / '000_3a518dfd6c205ffd.txt'}: 11 paragraphs (4 boilerplate), "
        "9 repeats dropped" in output
    )
    assert "title: IS loses ground in Syria's Yarmouk camp" in output
    assert "p0    [known phrase] Skip to main content" in output
    assert "p3    Sporadic clashes still continuous in Yarmouk between Palestinian …" in output
    assert f"would add {page}: 3 paragraphs (1 boilerplate), 1 repeats dropped" in output
    assert f"title: {lead}" in output
    assert "p1    Government forces shelled the eastern suburbs on Monday, …" in output
    assert f"would add {records}: 25 annotator records, every one valid" in output
    assert "dry run: nothing was stored; 0 file(s) would be rejected" in output
    assert _everything(db) == before


def test_dry_run_names_what_is_already_there_and_what_would_be_rejected(
    runner: FlaskCliRunner, db: Session, tmp_path: Path
) -> None:
    """After an import, the same files preview as already present; a bad file is named with
    its line and the command exits 1, still storing nothing."""
    assert runner.invoke(args=["import", str(SEEDS)]).exit_code == 0
    created = runner.invoke(
        args=["create-user", "alice", "--password-stdin"], input=TEST_PASSWORD + "\n"
    )
    assert created.exit_code == 0
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"title": "Fine", "text": "Fine."}\n{"title": "No text"}\n', encoding="utf-8")
    before = _everything(db)
    result = runner.invoke(
        args=[
            "import",
            "--dry-run",
            "--as",
            "alice",
            str(SEEDS / "002_4c6e6194c4324946.txt"),
            str(bad),
        ]
    )
    assert result.exit_code == 1, result.output
    assert "unchanged" in result.output and "already present as document 26ef08275359614d" in (
        result.output
    )
    assert f"rejected  {bad}:2: the record needs its text" in result.output
    assert "1 file(s) would be rejected" in result.output
    assert _everything(db) == before
