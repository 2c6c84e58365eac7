"""Importing articles: what an admin sees after `annotator import` and what lands in the database."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import orjson
import pytest
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from annotator.ingest import import_paths
from annotator.models import Actor, ActorAlias, Document, Paragraph

from .conftest import SEEDS

# file: (paragraphs stored, of which boilerplate, title, published)
SEED_EXPECTATIONS = {
    "000_3a518dfd6c205ffd.txt": (
        11,
        4,
        'Indirect Calls Between "ISIS" and "Al-Nusra Front" and the Syrian regime through the '
        "Palestinian Liberation Organization",
        date(2015, 8, 3),
    ),
    "001_781f2796c57e0874.txt": (
        18,
        3,
        "Assad to Team Up with Palestinians as ISIS Seizes More Territory Inside Syrian Capital",
        None,
    ),
    "002_4c6e6194c4324946.txt": (18, 1, "IS loses ground in Syria's Yarmouk camp", None),
    "003_98117f67f363eafe.txt": (12, 4, "ISIS Negotiates With Rebels in Eastern Ghouta", None),
    "004_80636f374dd973fc.txt": (
        13,
        4,
        "Jaysh al-Islam denies stopping negotiations with Russia",
        date(2018, 3, 27),
    ),
}


def _document(db: Session, source: str) -> Document:
    document = db.scalar(select(Document).where(Document.source == source))
    assert document is not None, f"{source} was not imported"
    return document


def _texts(document: Document) -> list[str]:
    return [p.text for p in document.paragraphs]


@pytest.mark.parametrize("source", sorted(SEED_EXPECTATIONS))
def test_each_seed_imports_with_its_paragraphs_title_and_date(db: Session, source: str) -> None:
    """Every seed article shows up with the right title, date and paragraph count."""
    report = import_paths(db, [SEEDS / source])
    assert not report.rejected
    count, boilerplate, title, published = SEED_EXPECTATIONS[source]
    document = _document(db, source)
    assert document.title == title
    assert document.published == published
    assert document.language == "en"
    assert len(document.paragraphs) == count
    assert sum(p.is_boilerplate for p in document.paragraphs) == boilerplate
    assert [p.position for p in document.paragraphs] == list(range(count))
    assert title not in _texts(document), "the title is metadata, not a paragraph"


def test_seed_000_repeated_lead_is_stored_once(db: Session) -> None:
    """Seed 000 prints its whole story twice; annotators see each paragraph once."""
    import_paths(db, [SEEDS / "000_3a518dfd6c205ffd.txt"])
    texts = _texts(_document(db, "000_3a518dfd6c205ffd.txt"))
    lead = texts[3]
    assert lead.startswith("Sporadic clashes still continuous in Yarmouk")
    assert texts.count(lead) == 1
    assert len(texts) == len(set(texts))
    assert texts.count("Short URL :") == 1


def test_seed_boilerplate_is_flagged_and_reporting_is_not(db: Session) -> None:
    """Page furniture is kept but flagged; the paragraphs of the story are not."""
    import_paths(db, [SEEDS])
    flagged = {
        p.text: p.boilerplate_reason
        for p in db.scalars(select(Paragraph).where(Paragraph.is_boilerplate))
    }
    assert flagged["youtube twitter facebook Google Paly App Stores"] == "share buttons"
    assert flagged["Short URL :"] == "known phrase"
    assert flagged["Skip to main content"] == "known phrase"
    assert flagged["Logo Wide\nSearch"] == "known phrase"
    assert flagged["Helpful keywords"] == "known phrase"
    assert flagged["Please let us know if you're having issues with commenting."] == "known phrase"
    assert flagged["Published : 03-08-2015"] == "date line"
    assert flagged["الاخبار المتعلقة"] == "related-news footer"
    story = db.scalars(select(Paragraph.text).where(Paragraph.is_boilerplate.is_(False))).all()
    assert any(t.startswith("“Syria and the PLO are determined to fight terrorism") for t in story)
    assert any(t.startswith("Syria's al-Nusra Front vows") for t in story)


def test_seed_003_title_repeated_inside_a_block_is_removed(db: Session) -> None:
    """A standfirst followed by the title again keeps the standfirst only."""
    import_paths(db, [SEEDS / "003_98117f67f363eafe.txt"])
    texts = _texts(_document(db, "003_98117f67f363eafe.txt"))
    assert texts[1] == (
        "ISIS has retreated slightly in Eastern Ghouta in response to a statement made by "
        "Ghouta’s Unified Judicial Body"
    )


def test_paragraph_ids_and_hashes_are_stable(db: Session) -> None:
    """Ids derive from content, so re-importing into another database gives the same ids."""
    import_paths(db, [SEEDS / "001_781f2796c57e0874.txt"])
    document = _document(db, "001_781f2796c57e0874.txt")
    assert len(document.id) == 16
    first = document.paragraphs[0]
    assert first.id == f"{document.id}-p0"
    import hashlib

    assert first.text_sha256 == hashlib.sha256(first.text.encode()).hexdigest()


def test_reimport_adds_nothing_and_says_so(runner: FlaskCliRunner, db: Session) -> None:
    """Importing the seeds twice leaves one copy of each and reports them as present."""
    first = runner.invoke(args=["import", str(SEEDS)])
    assert first.exit_code == 0, first.output
    assert "documents: 5 added, 0 already present" in first.output
    assert "paragraphs added: 72" in first.output
    second = runner.invoke(args=["import", str(SEEDS)])
    assert second.exit_code == 0, second.output
    assert "documents: 0 added, 5 already present, 0 file(s) rejected" in second.output
    assert "paragraphs added: 0" in second.output
    assert db.scalar(select(func.count()).select_from(Document)) == 5
    assert db.scalar(select(func.count()).select_from(Paragraph)) == 72


def test_same_article_under_another_name_is_already_present(tmp_path: Path, db: Session) -> None:
    """Content decides identity: a renamed copy of an article is not imported twice."""
    copy = tmp_path / "renamed.txt"
    copy.write_bytes((SEEDS / "002_4c6e6194c4324946.txt").read_bytes())
    import_paths(db, [SEEDS / "002_4c6e6194c4324946.txt"])
    report = import_paths(db, [copy])
    assert report.files[0].status == "already present"
    assert db.scalar(select(func.count()).select_from(Document)) == 1


def test_bom_crlf_nbsp_lines_and_nfc(tmp_path: Path, db: Session) -> None:
    """BOM, CRLF, no-break-space lines and decomposed accents are all handled."""
    body = (
        "\ufeffSkip to main content\r\n\r\nA headline about the café siege\r\n"
        "\u00a0\u00a0\r\nThe first paragraph says cafe\u0301 in decomposed form.\r\n"
        " \t\r\nSecond paragraph, after a line of white space.\r\n"
    )
    path = tmp_path / "windows.txt"
    path.write_bytes(body.encode("utf-8"))
    report = import_paths(db, [path])
    assert not report.rejected, report.files[0].message
    document = _document(db, "windows.txt")
    assert document.title == "A headline about the café siege"
    texts = _texts(document)
    assert texts == [
        "Skip to main content",
        "The first paragraph says caf\u00e9 in decomposed form.",
        "Second paragraph, after a line of white space.",
    ]
    assert all("\r" not in t for t in texts)


def test_jsonl_with_text_and_paragraphs_keeps_given_id(tmp_path: Path, db: Session) -> None:
    """JSONL articles import in both shapes; a given id, meta and date are kept."""
    lines = [
        {
            "id": "afp-2015-04-07",
            "title": "Camp fighting",
            "published": "2015-04-07",
            "meta": {"url": "https://example.org/a"},
            "text": "IS fighters retreated, a resident said.\n\nAid agencies warned of a crisis.",
        },
        {"title": "Second article", "paragraphs": ["One paragraph.", "Another paragraph 🙂."]},
    ]
    path = tmp_path / "batch.jsonl"
    path.write_bytes(b"\n".join(orjson.dumps(line) for line in lines) + b"\n")
    report = import_paths(db, [path])
    assert not report.rejected, report.files[0].message
    assert report.files[0].documents_added == 2
    given = db.get(Document, "afp-2015-04-07")
    assert given is not None
    assert given.published == date(2015, 4, 7)
    assert given.meta == {"url": "https://example.org/a"}
    assert _texts(given) == [
        "IS fighters retreated, a resident said.",
        "Aid agencies warned of a crisis.",
    ]
    assert given.paragraphs[0].id == "afp-2015-04-07-p0"
    second = db.scalar(select(Document).where(Document.title == "Second article"))
    assert second is not None and _texts(second)[1] == "Another paragraph 🙂."
    again = import_paths(db, [path])
    assert again.files[0].status == "already present"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "the file is empty"),
        ("blank.txt", b"  \n\xc2\xa0\n", "only white space"),
        ("latin1.txt", "Title line here\n\nCaf\u00e9 au lait".encode("latin-1"), ":3: not UTF-8"),
        ("binary.txt", b"Title\n\n\x00\x01\x02\x03", ":3: binary file"),
        (
            "bad.jsonl",
            b'{"title": "A", "text": "fine"}\n{"title": "B", "text": \n',
            ":2: not valid JSON",
        ),
        (
            "notext.jsonl",
            b'{"title": "A", "text": "fine"}\n{"title": "B"}\n',
            ":2: the record needs its text",
        ),
        ("array.jsonl", b'["title", "text"]\n', ":1: each line must be a JSON object"),
        ("typo.jsonl", b'{"title": "A", "paragraph": ["x"]}\n', ":1:"),
        ("baddate.jsonl", b'{"title": "A", "text": "x", "published": "yesterday"}\n', "published"),
        ("badid.jsonl", b'{"id": "a/b", "title": "A", "text": "x"}\n', "$.id"),
        ("notes.pdf", b"%PDF-1.4", "unsupported file type '.pdf'"),
    ],
)
def test_bad_file_is_rejected_by_name_and_line_and_stores_nothing(
    runner: FlaskCliRunner, tmp_path: Path, db: Session, name: str, content: bytes, message: str
) -> None:
    """A bad file is named with its line, nothing of it is stored, the others still import."""
    bad = tmp_path / name
    bad.write_bytes(content)
    good = SEEDS / "002_4c6e6194c4324946.txt"
    result = runner.invoke(args=["import", str(bad), str(good)])
    assert result.exit_code == 1
    assert f"rejected  {bad}" in result.output
    assert message in result.output
    assert "documents: 1 added, 0 already present, 1 file(s) rejected" in result.output
    assert db.scalar(select(func.count()).select_from(Document)) == 1


def test_jsonl_rejected_on_a_late_line_stores_none_of_its_earlier_lines(
    tmp_path: Path, db: Session
) -> None:
    """A file is all or nothing: line 3 being bad keeps lines 1 and 2 out too."""
    path = tmp_path / "partial.jsonl"
    path.write_text(
        '{"title": "One", "text": "First article text."}\n'
        '{"title": "Two", "text": "Second article text."}\n'
        '{"title": "Three"}\n',
        encoding="utf-8",
    )
    report = import_paths(db, [path])
    assert report.files[0].status == "rejected"
    assert ":3:" in report.files[0].message
    assert db.scalar(select(func.count()).select_from(Document)) == 0


def test_id_taken_by_other_content_is_rejected(tmp_path: Path, db: Session) -> None:
    """Reusing a document id for a different article is refused, not silently merged."""
    first = tmp_path / "a.jsonl"
    first.write_text('{"id": "doc-1", "title": "A", "text": "Original text."}\n', encoding="utf-8")
    second = tmp_path / "b.jsonl"
    second.write_text('{"id": "doc-1", "title": "A", "text": "Edited text."}\n', encoding="utf-8")
    assert not import_paths(db, [first]).rejected
    report = import_paths(db, [second])
    assert "already taken" in report.files[0].message
    assert _texts(db.get(Document, "doc-1")) == ["Original text."]


def test_missing_path_is_rejected(runner: FlaskCliRunner, tmp_path: Path) -> None:
    """A typo in a path is an error, not a silent no-op."""
    result = runner.invoke(args=["import", str(tmp_path / "nope")])
    assert result.exit_code == 1
    assert "no such file or directory" in result.output


def test_directory_import_skips_other_files_without_failing(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    """Unrelated files in a folder are listed as skipped, not errors."""
    (tmp_path / "article.txt").write_text(
        "A long enough headline here\n\nThe body of the article.", encoding="utf-8"
    )
    (tmp_path / "README.md").write_text("notes", encoding="utf-8")
    result = runner.invoke(args=["import", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "skipped" in result.output and "README.md" in result.output
    assert "documents: 1 added" in result.output


def test_actor_registry_imports_aliases_including_arabic(db: Session) -> None:
    """The seed registry gives ISIS its aliases, the Arabic داعش among them."""
    report = import_paths(db, [SEEDS / "actors.json"])
    assert not report.rejected, report.files[0].message
    state = db.get(Actor, "islamic-state")
    assert state is not None and state.type == "REBEL_GROUP"
    aliases = {a.alias for a in state.aliases}
    assert {"ISIS", "IS", "ISIL", "Daesh", "Islamic State of Iraq and Syria", "داعش"} <= aliases
    for key in (
        "al-nusra-front",
        "syrian-government",
        "plo",
        "jaysh-al-islam",
        "russia",
        "afp",
        "sana",
        "unrwa",
        "united-nations",
        "hezbollah",
        "shabiha",
        "free-syrian-army",
    ):
        assert db.get(Actor, key) is not None, key
    nusra = db.scalars(
        select(ActorAlias.actor_key).where(ActorAlias.normalised == "jabhat al nusra")
    ).all()
    assert nusra == ["al-nusra-front"]
    again = import_paths(db, [SEEDS / "actors.json"])
    assert again.files[0].status == "already present"


def test_actor_registry_with_unknown_type_is_rejected_whole(tmp_path: Path, db: Session) -> None:
    """A registry naming an actor type we do not have stores none of its actors."""
    path = tmp_path / "actors.json"
    path.write_text(
        orjson.dumps(
            {
                "schema": "annotator.actors.v1",
                "actors": [
                    {"key": "good", "name": "Good", "type": "MEDIA"},
                    {"key": "bad", "name": "Bad", "type": "WIZARDS"},
                ],
            }
        ).decode(),
        encoding="utf-8",
    )
    report = import_paths(db, [path])
    assert "$.actors[1].type: unknown actor type 'WIZARDS'" in report.files[0].message
    assert db.get(Actor, "good") is None


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"id": "abc\\n", "title": "A", "text": "x"}', "$.id"),
        ('{"title": "A", "text": "x", "language": "en\\n"}', "$.language"),
        ('{"title": "A", "text": "bad \\u0000 byte"}', "$.text: control character U+0000"),
        ('{"title": "A", "text": "x", "meta": {"k": "\\u0007"}}', "$.meta.k: control character"),
        ('{"title": "A", "paragraphs": ["one\\n\\ntwo"]}', "$.paragraphs[0] holds a blank line"),
        ('{"title": "A", "text": "x", "meta": {"n": NaN}}', "not valid JSON"),
    ],
)
def test_jsonl_values_are_checked_like_text_files(
    tmp_path: Path, db: Session, line: str, message: str
) -> None:
    """What a .txt file may not hold, a JSON string may not smuggle in either."""
    path = tmp_path / "odd.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    report = import_paths(db, [path])
    assert report.files[0].status == "rejected"
    assert f"{path}:1: " in report.files[0].message
    assert message in report.files[0].message
    assert db.scalar(select(func.count()).select_from(Document)) == 0


def test_jsonl_text_line_endings_big_numbers_and_source(tmp_path: Path, db: Session) -> None:
    """Lone CRs split paragraphs, big integers in meta stay exact, source names file and line."""
    path = tmp_path / "batch.jsonl"
    path.write_text(
        '\n{"title": "A", "text": "Para a.\\r\\rPara b.", "meta": {"n": 123456789012345678901234567890}}\n',
        encoding="utf-8",
    )
    report = import_paths(db, [path])
    assert not report.rejected, report.files[0].message
    document = db.scalar(select(Document))
    assert _texts(document) == ["Para a.", "Para b."]
    assert document.meta == {"n": 123456789012345678901234567890}
    assert document.source == "batch.jsonl:2"


def test_direction_marks_on_their_own_line_separate_paragraphs(tmp_path: Path, db: Session) -> None:
    """A line holding only an RLM (common in scraped Arabic) counts as blank."""
    path = tmp_path / "rlm.txt"
    path.write_text("A headline for the rlm test\n\nPara one.\n\u200f\nPara two.", encoding="utf-8")
    import_paths(db, [path])
    assert _texts(db.scalar(select(Document))) == ["Para one.", "Para two."]


@pytest.mark.parametrize(
    ("actor", "message"),
    [
        ({"key": "isis\n", "name": "X", "type": "MEDIA"}, "$.actors[0].key"),
        (
            {"key": "x", "name": "X", "type": "MEDIA", "aliases": ["ß" * 150]},
            "$.actors[0].aliases[0]",
        ),
        ({"key": "x", "name": "X\u0007", "type": "MEDIA"}, "control character"),
    ],
)
def test_bad_registry_entries_are_rejected(
    tmp_path: Path, db: Session, actor: dict, message: str
) -> None:
    """Registry keys must be exact slugs and aliases must fit, on every database."""
    path = tmp_path / "actors.json"
    path.write_bytes(orjson.dumps({"schema": "annotator.actors.v1", "actors": [actor]}))
    report = import_paths(db, [path])
    assert report.files[0].status == "rejected"
    assert message in report.files[0].message
    assert db.scalar(select(func.count()).select_from(Actor)) == 0


def test_the_summary_counts_every_repeat_it_drops(
    runner: FlaskCliRunner, tmp_path: Path, db: Session
) -> None:
    """A lead printed twice, with no headline above it, is annotated once and the summary
    says one repeat was dropped; the seeds' repeated headlines are counted too."""
    lead = "Government forces shelled the eastern suburbs on Monday, a monitoring group said."
    page = tmp_path / "page.txt"
    page.write_text(f"{lead}\n\n{lead}\n\nResidents fled north.\n", encoding="utf-8")
    result = runner.invoke(args=["import", str(page)])
    assert result.exit_code == 0, result.output
    assert "paragraphs added: 2 (0 flagged as boilerplate, 1 repeats within an article" in (
        result.output
    )
    document = _document(db, "page.txt")
    assert document.title == lead
    assert _texts(document) == [lead, "Residents fled north."]
    seeds = runner.invoke(args=["import", str(SEEDS)])
    assert "paragraphs added: 72 (16 flagged as boilerplate, 10 repeats within" in seeds.output
