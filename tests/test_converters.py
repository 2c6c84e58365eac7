"""Each converter's output, read back by its consumer: spaCy's DocBin, datasets' JSON loader,
and the Prodigy and doccano task shapes checked span by span against the text."""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import orjson
import pytest
from flask.testing import FlaskCliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

from annotator.export.converters import doccano, prodigy
from annotator.export.converters.graph import OverlapTally
from annotator.models import Paragraph

from .conftest import Api


def require(module: str) -> ModuleType:
    """Import an optional library; CI installs it, so there a missing one is a failure."""
    try:
        return importlib.import_module(module)
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail(f"{module} must be installed in CI (the test extra installs it)")
        pytest.skip(f"{module} is not installed: pip install -e '.[test]'")


@pytest.fixture
def labelled(api_as: Callable[..., Api], db: Session, seeded: None) -> dict[str, Any]:
    """Two paragraphs of seed 002 fully labelled, one entity cutting a word in half."""
    api = api_as("alice")
    paragraphs = (
        db.scalars(select(Paragraph).where(Paragraph.text.like('"There are intermittent%'))).all()
        + db.scalars(
            select(Paragraph).where(Paragraph.text.like("IS fighters have retreated%"))
        ).all()
    )
    first, second = paragraphs

    def at(text: str, fragment: str) -> tuple[int, int]:
        start = text.index(fragment)
        return start, start + len(fragment)

    t = first.text
    body = {
        "version": 0,
        "status": "submitted",
        "entities": [
            {
                "id": "e1",
                "start": at(t, "Palestinian factions")[0],
                "end": at(t, "Palestinian factions")[1],
                "label": "ARMED_GROUP",
                "actor": None,
            },
            {
                "id": "e2",
                "start": at(t, "IS,")[0],
                "end": at(t, "IS,")[0] + 2,
                "label": "ARMED_GROUP",
                "actor": "islamic-state",
            },
            {
                "id": "e3",
                "start": at(t, "Khaled Abdel Majid")[0],
                "end": at(t, "Khaled Abdel Majid")[1],
                "label": "PERSON",
                "actor": None,
            },
            {
                "id": "e4",
                "start": at(t, "Palestinian Popular Struggle Front")[0],
                "end": at(t, "Palestinian Popular Struggle Front")[1],
                "label": "ORGANIZATION",
                "actor": "palestinian-popular-struggle-front",
            },
            {
                "id": "e5",
                "start": at(t, "Palestinian Popular")[0],
                "end": at(t, "Palestinian Popular")[0] + 4,
                "label": "ORGANIZATION",
                "actor": None,
            },  # "Pale": not on a token boundary
        ],
        "quotes": [
            {
                "id": "q1",
                "speaker": "e3",
                "cue": {"start": at(t, "said")[0], "end": at(t, "said")[1]},
                "content": {"start": 1, "end": at(t, "IS,")[0] + 2},
                "type": "DIRECT",
            }
        ],
        "stances": [
            {"id": "s1", "holder": "e1", "target": "e2", "polarity": "OPPOSE", "quote": "q1"},
            {
                "id": "s2",
                "holder": "e3",
                "target": {"start": 1, "end": at(t, "clashes")[1]},
                "polarity": "NEUTRAL",
                "quote": None,
            },
        ],
    }
    assert api.put(f"/api/paragraphs/{first.id}/annotation", body).status_code == 200
    s = second.text
    assert (
        api.put(
            f"/api/paragraphs/{second.id}/annotation",
            {
                "version": 0,
                "status": "submitted",
                "stances": [],
                "quotes": [],
                "entities": [
                    {
                        "id": "e1",
                        "start": 0,
                        "end": 2,
                        "label": "ARMED_GROUP",
                        "actor": "islamic-state",
                    },
                    {
                        "id": "e2",
                        "start": at(s, "AFP")[0],
                        "end": at(s, "AFP")[1],
                        "label": "MEDIA",
                        "actor": "afp",
                    },
                ],
            },
        ).status_code
        == 200
    )
    return {"first": first, "second": second}


def _export(runner: FlaskCliRunner, *args: str) -> Any:
    result = runner.invoke(args=["export", *args])
    assert result.exit_code == 0, result.output
    return result


def test_spacy_docbin_loads_with_spans_ents_and_reports_misaligned(
    runner: FlaskCliRunner, labelled: dict[str, Any], tmp_path: Path
) -> None:
    """spaCy reads the DocBin: entities in spans["sc"], non-overlapping ones in ents, "Pale" reported."""
    spacy = require("spacy")
    from spacy.tokens import DocBin

    out = tmp_path / "labels.spacy"
    result = _export(runner, "--format", "spacy", "--out", str(out))
    assert "1 span(s) do not fall on spaCy token boundaries" in result.output
    assert "entity e5 [" in result.output and "'Pale'" in result.output
    assert (tmp_path / "labels.spacy.misaligned.txt").read_text(encoding="utf-8").count("\n") == 1
    nlp = spacy.blank("en")
    docs = list(DocBin().from_disk(out).get_docs(nlp.vocab))
    assert len(docs) == 2
    doc = next(d for d in docs if d.text == labelled["first"].text)
    assert {(s.text, s.label_) for s in doc.spans["sc"]} == {
        ("Palestinian factions", "ARMED_GROUP"),
        ("IS", "ARMED_GROUP"),
        ("Khaled Abdel Majid", "PERSON"),
        ("Palestinian Popular Struggle Front", "ORGANIZATION"),
    }
    assert {e.text for e in doc.ents} == {s.text for s in doc.spans["sc"]}
    assert [s.text for s in doc.spans["cue"]] == ["said"]
    assert doc.spans["quote"][0].label_ == "DIRECT"
    assert doc.user_data["annotator"]["stances"][0]["polarity"] == "OPPOSE"
    assert (tmp_path / "labels.actors.json").is_file()


def test_spacy_trains_a_blank_ner_pipeline_on_the_export(
    runner: FlaskCliRunner, labelled: dict[str, Any], tmp_path: Path
) -> None:
    """If this fails, an ML engineer's first `nlp.update` on our DocBin errors out (a smoke
    test of the training loop, not a score)."""
    spacy = require("spacy")
    from spacy.tokens import DocBin
    from spacy.training import Example

    out = tmp_path / "train.spacy"
    _export(runner, "--format", "spacy", "--out", str(out))
    nlp = spacy.blank("en")
    gold = list(DocBin().from_disk(out).get_docs(nlp.vocab))
    ner = nlp.add_pipe("ner")
    for doc in gold:
        for entity in doc.ents:
            ner.add_label(entity.label_)
    examples = [Example(nlp.make_doc(doc.text), doc) for doc in gold]
    optimizer = nlp.initialize(lambda: examples)
    losses: dict[str, float] = {}
    for _ in range(3):
        nlp.update(examples, sgd=optimizer, losses=losses)
    assert losses["ner"] > 0  # the entities reached the model, and nothing raised


def test_hf_folder_loads_with_datasets_as_splits(
    runner: FlaskCliRunner, labelled: dict[str, Any], tmp_path: Path
) -> None:
    """datasets.load_dataset("json", data_dir=...) gives the records, one split per file."""
    datasets = require("datasets")
    folder = tmp_path / "hf"
    _export(runner, "--format", "hf", "--out", str(folder), "--split", "1/0/0")
    assert sorted(p.name for p in folder.iterdir()) == ["README.md", "train.jsonl"]
    loaded = datasets.load_dataset(str(folder))
    train = loaded["train"]
    assert len(train) == 2
    row = next(r for r in train if r["text"] == labelled["first"].text)
    assert {e["text"] for e in row["entities"]} >= {"Palestinian factions", "IS"}
    stance = next(s for s in row["stances"] if s["id"] == "s2")
    assert stance["target"]["entity"] is None and stance["target"]["text"].endswith("clashes")
    assert (tmp_path / "hf.actors.json").is_file() and not list(folder.glob("*.json"))


def test_pandas_reads_the_jsonl_and_flattens_stance_targets(
    runner: FlaskCliRunner, labelled: dict[str, Any], tmp_path: Path
) -> None:
    """pandas reads the plain export, and json_normalize flattens every stance target into
    the same four columns, whether it names an entity or is text."""
    pandas = require("pandas")
    out = tmp_path / "labels.jsonl"
    _export(runner, "--out", str(out))
    frame = pandas.read_json(out, lines=True, dtype=False)
    assert len(frame) == 2 and set(frame["annotator"]) == {"alice"}
    first = frame[frame["text"] == labelled["first"].text].iloc[0]
    assert [e["text"] for e in first["entities"]][:2] == ["Palestinian factions", "IS"]
    stances = pandas.json_normalize(
        frame.to_dict("records"), record_path="stances", meta=["paragraph_id"]
    )
    targets = stances.set_index("id")[
        ["target.entity", "target.start", "target.end", "target.text"]
    ]
    is_ = first["entities"][1]
    assert targets.loc["s1"].tolist() == ["e2", is_["start"], is_["end"], "IS"]
    assert pandas.isna(targets.loc["s2", "target.entity"])  # text of its own
    assert targets.loc["s2", "target.text"].endswith("clashes")


def _check_prodigy(task: dict[str, Any]) -> None:
    text = task["text"]
    tokens = task["tokens"]
    for token in tokens:
        assert text[token["start"] : token["end"]] == token["text"]
    for span in task["spans"]:
        assert text[span["start"] : span["end"]] == span["text"]
        assert tokens[span["token_start"]]["start"] == span["start"]
        assert tokens[span["token_end"]]["end"] == span["end"]
    for relation in task["relations"]:
        assert relation["head"] == relation["head_span"]["token_end"]
        assert relation["child"] == relation["child_span"]["token_end"]


def test_prodigy_tasks_have_token_aligned_spans_and_relations(
    runner: FlaskCliRunner, labelled: dict[str, Any], tmp_path: Path
) -> None:
    """Each task carries text, tokens, spans, relations, answer and meta, all consistent."""
    out = tmp_path / "prodigy.jsonl"
    _export(runner, "--format", "prodigy", "--out", str(out))
    tasks = [orjson.loads(line) for line in out.read_bytes().splitlines()]
    assert len(tasks) == 2
    for task in tasks:
        _check_prodigy(task)
        assert task["answer"] == "accept"
        assert set(task) == {"text", "tokens", "spans", "relations", "answer", "meta"}
    first = next(t for t in tasks if t["text"] == labelled["first"].text)
    labels = {
        (r["head_span"]["text"], r["label"], r["child_span"]["text"]) for r in first["relations"]
    }
    assert ("Palestinian factions", "OPPOSE", "IS") in labels
    assert ("Khaled Abdel Majid", "SPEAKER") == next(
        (h, lab) for h, lab, _ in labels if lab == "SPEAKER"
    )
    assert any(s["label"] == "CUE" and s["text"] == "said" for s in first["spans"])
    assert next(s for s in first["spans"] if s["text"] == "IS")["actor"] == "islamic-state"
    assert next(s for s in first["spans"] if s["label"] == "QUOTE")["quote_type"] == "DIRECT"


def test_doccano_lines_have_offsets_and_relation_ids(
    runner: FlaskCliRunner, labelled: dict[str, Any], tmp_path: Path
) -> None:
    """doccano's relation format: integer ids, start/end offsets on the text, from/to ids that exist."""
    out = tmp_path / "doccano.jsonl"
    _export(runner, "--format", "doccano", "--out", str(out))
    lines = [orjson.loads(line) for line in out.read_bytes().splitlines()]
    for line in lines:
        ids = {e["id"] for e in line["entities"]}
        for entity in line["entities"]:
            assert isinstance(entity["id"], int)
            assert 0 <= entity["start_offset"] < entity["end_offset"] <= len(line["text"])
        for relation in line["relations"]:
            assert relation["from_id"] in ids and relation["to_id"] in ids
    first = next(line for line in lines if line["text"] == labelled["first"].text)
    by_id = {e["id"]: first["text"][e["start_offset"] : e["end_offset"]] for e in first["entities"]}
    assert ("Palestinian factions", "OPPOSE", "IS") in {
        (by_id[r["from_id"]], r["type"], by_id[r["to_id"]]) for r in first["relations"]
    }
    assert [e.get("actor") for e in first["entities"] if e["label"] != "QUOTE"][:2] == [
        None,
        "islamic-state",
    ]


def test_api_downloads_every_format(labelled: dict[str, Any], api_as: Callable[..., Api]) -> None:
    """The browser's download gives each format: JSONL streams, a .spacy file, an hf zip."""
    import io
    import zipfile

    reviewer = api_as("rita", "reviewer")
    for format_ in ("prodigy", "doccano"):
        response = reviewer.get(f"/api/export?format={format_}")
        assert response.status_code == 200
        assert len(response.get_data().splitlines()) == 2
        response.close()
    require("spacy")
    spacy_file = reviewer.get("/api/export?format=spacy")
    assert spacy_file.status_code == 200
    assert spacy_file.headers["X-Annotator-Misaligned-Spans"] == "1"
    assert spacy_file.headers["Content-Disposition"].endswith(".spacy")
    spacy_file.close()
    bundle = reviewer.get("/api/export?format=hf&split=80/10/10")
    assert bundle.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(bundle.get_data())).namelist()
    bundle.close()
    assert any(n.endswith("/actors.json") and "/data/" not in n for n in names)
    assert all(n.endswith((".jsonl", "/data/README.md")) for n in names if "/data/" in n)


@pytest.fixture
def renumbered(api_as: Callable[..., Api], db: Session, seeded: None) -> str:
    """A paragraph of seed 001 whose items were renumbered by deletions: entities e1, e3, e4
    and e6 (e6 nests "SANA" inside a longer name), and one quote, q2, all bob's. Returns its
    text."""
    text = db.scalars(
        select(Paragraph.text).where(Paragraph.text.like("“Syria and the PLO%"))
    ).one()

    def span(fragment: str) -> dict[str, int]:
        start = text.index(fragment)
        return {"start": start, "end": start + len(fragment)}

    def entity(id_: str, fragment: str, label: str, actor: str | None) -> dict[str, Any]:
        return {"id": id_, **span(fragment), "label": label, "actor": actor}

    body = {
        "version": 0,
        "status": "submitted",
        "entities": [
            entity("e1", "SANA", "MEDIA", "sana"),
            entity("e3", "PLO", "ORGANIZATION", "plo"),
            entity("e4", "Meqdad", "PERSON", "syrian-government"),
            entity("e6", "Syrian Arab News Agency (SANA)", "MEDIA", None),
        ],
        "quotes": [
            {
                "id": "q2",
                "speaker": "e4",
                "cue": span("said"),
                "content": span(text[1 : text.index("”")]),
                "type": "DIRECT",
            }
        ],
        "stances": [],
    }
    paragraph_id = db.scalars(select(Paragraph.id).where(Paragraph.text == text)).one()
    response = api_as("bob").put(f"/api/paragraphs/{paragraph_id}/annotation", body)
    assert response.status_code == 200, response.get_json()
    return text


def _lines(runner: FlaskCliRunner, path: Path, *args: str) -> list[dict[str, Any]]:
    _export(runner, "--out", str(path), *args)
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]


def test_actor_links_ride_on_their_spans_after_items_were_renumbered(
    runner: FlaskCliRunner, renumbered: str, tmp_path: Path
) -> None:
    """After deletions (e1, e3, e4), the span of "Meqdad" carries Meqdad's actor in every
    format, not the actor of whatever item its position once named."""
    (line,) = _lines(runner, tmp_path / "doccano.jsonl", "--format", "doccano")
    entities = {renumbered[e["start_offset"] : e["end_offset"]]: e for e in line["entities"]}
    assert [e["id"] for e in line["entities"]] == list(range(1, len(line["entities"]) + 1))
    assert entities["Meqdad"]["id"] == 3  # item e4, while item e3 is the PLO
    assert entities["Meqdad"]["actor"] == "syrian-government"
    assert entities["PLO"]["actor"] == "plo" and entities["SANA"]["actor"] == "sana"
    assert "actor" not in entities["Syrian Arab News Agency (SANA)"]
    quote = next(e for e in line["entities"] if e["label"] == "QUOTE")
    assert quote["quote_type"] == "DIRECT" and "actor" not in quote
    assert "actors" not in line["meta"] and "quote_types" not in line["meta"]

    (task,) = _lines(runner, tmp_path / "prodigy.jsonl", "--format", "prodigy")
    _check_prodigy(task)
    spans = {s["text"]: s for s in task["spans"]}
    assert spans["Meqdad"]["actor"] == "syrian-government" and spans["PLO"]["actor"] == "plo"
    speaker = next(r for r in task["relations"] if r["label"] == "SPEAKER")
    assert speaker["head_span"]["actor"] == "syrian-government"
    assert speaker["child_span"]["quote_type"] == "DIRECT"
    assert "actors" not in task["meta"] and "quote_types" not in task["meta"]

    spacy = require("spacy")
    from spacy.tokens import DocBin

    _export(runner, "--format", "spacy", "--out", str(tmp_path / "links.spacy"))
    (doc,) = DocBin().from_disk(tmp_path / "links.spacy").get_docs(spacy.blank("en").vocab)
    linked = {
        renumbered[e["start"] : e["end"]]: e["actor"]
        for e in doc.user_data["annotator"]["entities"]
    }
    assert linked["Meqdad"] == "syrian-government" and linked["PLO"] == "plo"


def test_overlapping_spans_are_counted_for_the_export_notes(
    runner: FlaskCliRunner, labelled: dict[str, Any], renumbered: str, tmp_path: Path
) -> None:
    """An export with overlapping spans says how many records have them and what the
    format's consumer does with them; one without says nothing."""
    records = _lines(runner, tmp_path / "records.jsonl")
    assert len(records) == 3  # labelled's two paragraphs (one with no overlap) and renumbered
    for format_, convert, word in (
        ("doccano", doccano.line, "examples"),
        ("prodigy", prodigy.task, "tasks"),
    ):
        tally = OverlapTally()
        for record in records:
            convert(record, tally)
        (note,) = tally.notes(format_)
        assert note.startswith(f"2 of 3 {word} have overlapping spans")
        quiet = OverlapTally()
        convert(next(r for r in records if r["text"] == labelled["second"].text), quiet)
        assert quiet.notes(format_) == []
    assert "Allow overlapping spans" in OverlapTally(1, 1).notes("doccano")[0]
    assert "E1010" in OverlapTally(1, 1).notes("prodigy")[0]

    require("spacy")
    from annotator.export.converters import spacy_docbin

    report = spacy_docbin.write(records, tmp_path / "notes.spacy")
    assert report.notes() == [
        '1 of 10 entities, in 1 of 3 docs, overlap a longer one: they are in doc.spans["sc"] '
        "but not in doc.ents"
    ]


def test_a_spacy_export_looks_srsly_plugins_up_once_not_per_doc(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """srsly's plugin look-up (catalogue's get_all over every registered function) cost two
    thirds of a spaCy export when done for each doc: it is done once, and srsly is left as
    it was found."""
    require("spacy")
    import catalogue
    import srsly

    from annotator.export.converters import spacy_docbin

    from .golden_corpus import GOLDEN

    records = [
        orjson.loads(line) for line in (GOLDEN / "expected" / "all.jsonl").read_bytes().splitlines()
    ]
    calls = 0
    real = catalogue.Registry.get_all

    def counted(self: Any) -> Any:
        nonlocal calls
        calls += self.namespace[0] == "srsly"
        return real(self)

    monkeypatch.setattr(catalogue.Registry, "get_all", counted)
    report = spacy_docbin.write(iter(records), tmp_path / "out.spacy")
    assert report.docs == len(records) > 50
    assert calls <= 2  # once per registry, not six times a doc
    assert "get_all" not in vars(srsly.msgpack_encoders)  # the class's method again
    assert srsly.msgpack_loads(srsly.msgpack_dumps({"a": 1})) == {"a": 1}
