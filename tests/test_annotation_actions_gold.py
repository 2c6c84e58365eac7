"""The gold of the actions benchmark (benchmarks/annotation_actions.py) still fits its
articles: if a seed, an unseen or a held-out article changed, the benchmark would fail to find its
paragraphs or spans instead of measuring, and this says which."""

from __future__ import annotations

import importlib.util
import re
import sys
import unicodedata
from pathlib import Path
from types import ModuleType

from annotator.ingest.articles import parse_txt

ROOT = Path(__file__).resolve().parent.parent


def _benchmark() -> ModuleType:
    path = ROOT / "benchmarks" / "annotation_actions.py"
    spec = importlib.util.spec_from_file_location("annotation_actions", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("annotation_actions", module)
    spec.loader.exec_module(module)
    return module


def _paragraph_texts(module: ModuleType) -> dict[tuple[str, str], tuple[str, str]]:
    """(source, first words) -> (a made-up id, text), read as the importer reads the files."""
    import json

    wanted = json.loads(module.GOLD_FILE.read_text(encoding="utf-8"))["paragraphs"]
    found = {}
    for folder in module.ARTICLE_FOLDERS:
        for path in sorted(folder.glob("*.txt")):
            article = parse_txt(path.read_bytes(), path.name)
            for n, paragraph in enumerate(article.paragraphs):
                for item in wanted:
                    if item["source"] == path.name and paragraph.text.startswith(
                        item["startswith"]
                    ):
                        found[(item["source"], item["startswith"])] = (f"p{n}", paragraph.text)
    return found


def test_every_gold_span_is_found_on_whole_words() -> None:
    """Each gold paragraph, entity, quote and stance resolves in the articles, on word edges
    (a drag and the word cursor select whole words only), and refers to gold entities."""
    module = _benchmark()
    paragraphs = module.read_gold(_paragraph_texts(module))
    assert len(paragraphs) == 46
    assert {p.set for p in paragraphs} == {
        "seeds",
        "unseen",
        "heldout",
        "heldout2",
        "heldout3",
        "heldout4",
    }

    def in_word(char: str) -> bool:
        """A letter or digit, or a mark written on one (the tanween of مضيفاً)."""
        return bool(re.match(r"\w", char)) or unicodedata.category(char).startswith("M")

    for paragraph in paragraphs:
        text = paragraph.text
        entity_spans = {(start, end) for start, end, _label in paragraph.entities}
        spans = [(start, end) for start, end, _label in paragraph.entities]
        spans += [q.content for q in paragraph.quotes] + [q.cue for q in paragraph.quotes if q.cue]
        spans += [s.target for s in paragraph.stances]
        for start, end in spans:
            # A selection takes the bracket that closes one it opens ("… Central (EMC)").
            while text[end - 1] in ")]}" and "([{"[")]}".index(text[end - 1])] in text[start:end]:
                end -= 1
            assert in_word(text[start]) and in_word(text[end - 1]), text[start:end]
            assert start == 0 or not in_word(text[start - 1]), text[start:end]
            assert end == len(text) or not in_word(text[end]), text[start:end]
        for quote in paragraph.quotes:
            assert quote.speaker is None or quote.speaker in entity_spans
        for stance in paragraph.stances:
            assert stance.holder in entity_spans
            assert not stance.target_is_entity or stance.target in entity_spans


def test_a_saved_annotation_that_differs_from_the_gold_is_reported() -> None:
    """A wrong label or a missing stance is named, layer by layer; the gold itself passes."""
    module = _benchmark()
    gold = module.GoldParagraph(
        "seeds",
        "x.txt",
        "p1",
        "Ali said IS won.",
        [(0, 3, "PERSON"), (9, 11, "ARMED_GROUP")],
        [module.GoldQuote((9, 15), (4, 8), (0, 3), "INDIRECT")],
        [module.GoldStance((0, 3), (9, 11), True, "SUPPORT", 0)],
    )
    saved = {
        "entities": [
            {"id": "e1", "start": 0, "end": 3, "label": "PERSON"},
            {"id": "e2", "start": 9, "end": 11, "label": "ARMED_GROUP"},
        ],
        "quotes": [
            {
                "id": "q1",
                "content": {"start": 9, "end": 15},
                "cue": {"start": 4, "end": 8},
                "speaker": "e1",
                "type": "INDIRECT",
            }
        ],
        "stances": [{"holder": "e1", "target": "e2", "polarity": "SUPPORT", "quote": "q1"}],
    }
    assert module.compare(gold, saved) == []
    saved["entities"][1]["label"] = "ORGANIZATION"
    saved["stances"] = []
    layers = sorted({layer for layer, _line in module.compare(gold, saved)})
    assert layers == ["entity", "stance"]
