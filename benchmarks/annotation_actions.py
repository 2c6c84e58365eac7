"""How many actions an annotator needs per item, in the real workspace (issue 15).

A fixed set of paragraphs (six from ``seeds/``, four from articles the tool has never seen,
``benchmarks/data/unseen/``) is labelled in the browser by a simulated trained annotator, once
with mouse and keyboard and once with the keyboard only, each mode on a fresh database (so the
learned suggestions of one mode never help the other). Then the actions per item and layer
are printed beside the issue's targets, and the suggestion outcomes per kind as the server
recorded them (``suggestion_decisions``, read with ``suggestions.outcomes``).

What counts as an action: one key press (a chord such as Shift+ArrowRight or Ctrl+Enter is
one press), one click, one drag (mouse down, move, up). Every action goes through
``Annotator._act``, which charges it to the item being made; an action that makes several
items at once (Accept all) is shared between them. Opening a paragraph and submitting it
(Ctrl+Enter) are per paragraph, not per item, and are not counted.

The plan: for each gold item the annotator does the fewest actions the page allows, as a
trained annotator who knows the keys would, reading only what the page shows: the dotted
suggestions, the focused suggestion, the proposed speaker and cue, the candidate Tab is on,
the panel's lists. Where there is a choice, every route is costed and the cheapest taken:
accept a suggestion (a click; Tab or the word cursor then Enter) or label by hand (a drag
or the word cursor, then a label key); Accept all when every open suggestion is right;
a quote's content selected, or (keyboard) Tab to a reporting verb and Q, when the content Q
proposes from it is the gold's; Enter on the proposed speaker and cue, Shift+Enter for the
speaker without a wrong cue, or pick them (a click, Tab presses), or select the cue words;
a stance made from its quote (selected with a click, or ``{``/``}``; S, then a polarity key
takes the focused target) or from its holder entity, the target by Tab (entities and noun
phrases) or selected. The word cursor's cost is the fewest keys found breadth first over
every cursor key (arrows, Home, End, Ctrl+Arrow by clause, W and B by name, Shift to
extend), their effect computed by the page's own clauses.js. What the page will propose is
computed with the page's own modules too, as a trained annotator knows what a key does. The
gold is never put into the page: the script only presses keys and clicks where a person would.

The gold (``benchmarks/data/annotation_gold.json``): entities with their label; quotes with
content, cue, speaker and type as docs/guidelines.md says (content without the quotation
marks, cue "told AFP" rather than "told"); stances with holder, target, polarity and quote.
After each paragraph is submitted its saved annotation is read back through the API and
compared with the gold (offsets, labels, speakers, cues, types, stance parts): a paragraph
that differs is reported with the difference and its actions are not counted as success.

    .venv/bin/python benchmarks/annotation_actions.py [--mode both|mouse|keyboard]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from annotator import create_app  # noqa: E402
from annotator.accounts import create_user  # noqa: E402
from annotator.extensions import get_engine, get_session  # noqa: E402
from annotator.ingest import import_paths  # noqa: E402
from annotator.label_defaults import seed_default_labels  # noqa: E402
from annotator.migrate import upgrade_to_head  # noqa: E402
from annotator.models import Document  # noqa: E402
from annotator.suggestions.kinds import kind_of  # noqa: E402
from annotator.suggestions.outcomes import Outcome, outcomes_by_kind  # noqa: E402

GOLD_FILE = Path(__file__).resolve().parent / "data" / "annotation_gold.json"
UNSEEN = Path(__file__).resolve().parent / "data" / "unseen"
# Written from the guidelines alone by someone who never saw the rules, and measured once
# before anything was changed for them (docs/annotation_actions.md).
HELD_OUT = Path(__file__).resolve().parent / "data" / "heldout"
# A second held-out set, written the same way, measured once before the change made with it.
HELD_OUT_2 = Path(__file__).resolve().parent / "data" / "heldout2"
# A third, written the same way after the changes of 2026-11-28's third session: nothing was
# changed after seeing it.
HELD_OUT_3 = Path(__file__).resolve().parent / "data" / "heldout3"
# A fourth, written the same way near the end of that session and measured once at its end.
HELD_OUT_4 = Path(__file__).resolve().parent / "data" / "heldout4"
ARTICLE_FOLDERS = (ROOT / "seeds", UNSEEN, HELD_OUT, HELD_OUT_2, HELD_OUT_3, HELD_OUT_4)
# The report's columns: (title, the gold's "set").
COLUMNS = (
    ("seeds", "seeds"),
    ("unseen", "unseen"),
    ("held out", "heldout"),
    ("held out 2", "heldout2"),
    ("held out 3", "heldout3"),
    ("held out 4", "heldout4"),
)
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PASSWORD = "benchmark password 15"  # noqa: S105 (a throwaway account on a temporary database)
ENTITY_KEYS = {
    "PERSON": "1",
    "ARMED_GROUP": "2",
    "STATE_ACTOR": "3",
    "ORGANIZATION": "4",
    "MEDIA": "5",
    "LOCATION": "6",
}
POLARITY_KEYS = {"SUPPORT": "+", "OPPOSE": "-", "NEUTRAL": "="}
TYPE_KEYS = {"DIRECT": "d", "INDIRECT": "i", "MIXED": "m"}
# Targets of issue 15, actions per item: (layer, mode, case) -> most allowed.
TARGETS = {
    ("stance", "mouse", "quote exists"): 3,
    ("stance", "mouse", "no quote"): 4,
    ("quote", "mouse", "suggested cue"): 3,
    ("entity", "keyboard", "all"): 2,
    ("quote", "keyboard", "all"): 6,
    ("stance", "keyboard", "all"): 6,
}
BASELINE = {
    ("entity", "mouse"): "0.87",
    ("entity", "keyboard"): "3.0",
    ("quote", "mouse"): "4.1",
    ("quote", "keyboard"): "15",
    ("stance", "mouse"): "5.2",
    ("stance", "keyboard"): "14",
}

Span = tuple[int, int]


# ---------------------------------------------------------------- the gold


@dataclass
class GoldQuote:
    content: Span
    cue: Span | None
    speaker: Span | None
    type: str


@dataclass
class GoldStance:
    holder: Span
    target: Span
    target_is_entity: bool
    polarity: str
    quote: int | None


@dataclass
class GoldParagraph:
    set: str
    source: str
    paragraph_id: str
    text: str
    entities: list[tuple[int, int, str]]
    quotes: list[GoldQuote]
    stances: list[GoldStance]


def locate(text: str, fragment: str) -> Span:
    """Code-point offsets of ``fragment`` ("words#n": its n-th occurrence) in ``text``."""
    words, _, nth = fragment.partition("#")
    at = -1
    for _ in range(int(nth or 0) + 1):
        at = text.find(words, at + 1)
        if at < 0:
            raise ValueError(f"gold fragment not found: {fragment!r} in {text[:60]!r}")
    return at, at + len(words)


def read_gold(paragraph_texts: dict[tuple[str, str], tuple[str, str]]) -> list[GoldParagraph]:
    """The gold file resolved to offsets; ``paragraph_texts`` maps (source, startswith) to
    (paragraph id, text)."""
    found = []
    for item in json.loads(GOLD_FILE.read_text(encoding="utf-8"))["paragraphs"]:
        paragraph_id, text = paragraph_texts[(item["source"], item["startswith"])]

        def entity(fragment: str, text: str = text) -> Span:
            return locate(text, fragment)

        entities = [(*entity(f), label) for f, label in item["entities"]]
        quotes = [
            GoldQuote(
                locate(text, q["content"]),
                locate(text, q["cue"]) if q["cue"] else None,
                entity(q["speaker"]) if q["speaker"] else None,
                q["type"],
            )
            for q in item["quotes"]
        ]
        stances = []
        for s in item["stances"]:
            is_entity = isinstance(s["target"], str)
            target = entity(s["target"]) if is_entity else locate(text, s["target"]["span"])
            stances.append(
                GoldStance(entity(s["holder"]), target, is_entity, s["polarity"], s["quote"])
            )
        found.append(
            GoldParagraph(
                item["set"], item["source"], paragraph_id, text, entities, quotes, stances
            )
        )
    return found


# ---------------------------------------------------------------- the app and the browser


class Server:
    """The app served on a free loopback port in a thread, as tests/browser/conftest.py does."""

    def __init__(self, app: Any) -> None:
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> Server:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._server.shutdown()
        self._thread.join(timeout=5)


def make_app(folder: Path) -> tuple[Any, dict[tuple[str, str], tuple[str, str]]]:
    """A fresh SQLite database with the labels, the seeds, the unseen articles and one annotator;
    returns the app and (source, first words) -> (paragraph id, text) for the gold."""
    url = f"sqlite:///{folder / 'actions.sqlite3'}"
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "a" * 40, "INSTANCE_PATH": str(folder)})
    with app.app_context():
        upgrade_to_head(get_engine())
        session = get_session()
        seed_default_labels(session)
        outcome = import_paths(session, list(ARTICLE_FOLDERS))
        assert not outcome.rejected, outcome.rejected
        create_user(session, "annotator15", "annotator", PASSWORD)
        session.commit()
        texts = {}
        for document in session.scalars(select(Document)):
            for paragraph in document.paragraphs:
                for item in json.loads(GOLD_FILE.read_text(encoding="utf-8"))["paragraphs"]:
                    if item["source"] == document.source and paragraph.text.startswith(
                        item["startswith"]
                    ):
                        texts[(item["source"], item["startswith"])] = (paragraph.id, paragraph.text)
    return app, texts


# What the page shows, read from its DOM: spans are code points (the segments' data-start).
PAGE_VIEW = """async () => {
  const text = await import(new URL("/static/js/workspace/text.js", location.href));
  const root = document.getElementById("paragraph-text");
  const words = new text.CodePointText(root.textContent);
  const spanOf = (selector) => {
    const segs = [...document.querySelectorAll(selector)];
    if (!segs.length) return null;
    const starts = segs.map((s) => +s.dataset.start);
    const ends = segs.map((s) => +s.dataset.end);
    return [Math.min(...starts), Math.max(...ends)];
  };
  const entities = {};
  for (const seg of document.querySelectorAll("#paragraph-text .seg[data-entities]")) {
    for (const id of seg.dataset.entities.split(" ")) {
      const e = entities[id] || (entities[id] = [Infinity, -Infinity]);
      e[0] = Math.min(e[0], +seg.dataset.start);
      e[1] = Math.max(e[1], +seg.dataset.end);
    }
  }
  const selected = document.querySelector(
    "#entity-list button.item.is-selected, #quote-list button.item.is-selected");
  const suggestions = [...document.querySelectorAll("#suggestion-list li.suggestion")];
  const focused = suggestions.find((li) => li.classList.contains("is-focused"));
  return {
    words: words.words.map((w) => [w.start, w.end, words.withoutPossessive(w)]),
    text: words.points.join(""),
    open: suggestions.map((li) => li.dataset.suggestionId),
    focused: focused ? focused.dataset.suggestionId : null,
    entities,
    quotes: [...document.querySelectorAll("#quote-list .layer-item")].map((li) => li.dataset.id),
    selected: selected ? {kind: selected.dataset.kind, id: selected.dataset.id} : null,
    candidateFocus: spanOf("#paragraph-text .seg.candidate-focus"),
    proposed: spanOf("#paragraph-text .seg.proposed"),
    mode: document.getElementById("mode-line").textContent,
    rtl: getComputedStyle(root).direction === "rtl",
  };
}"""

# Where the page's keys move the word cursor (clauses.js, on the page's own text): Ctrl+Arrow
# by clause, Ctrl+Shift+Right to the clause's end, W and B to a name (names.js, with the word
# lists the page loaded); indexed by cursor + 1 (a cursor of -1 or n stands for "no cursor
# yet", as selection.js reads it).
CURSOR_TABLES = """async (spans) => {
  const text = await import(new URL("/static/js/workspace/text.js", location.href));
  const clauses = await import(new URL("/static/js/workspace/clauses.js", location.href));
  const names = await import(new URL("/static/js/workspace/names.js", location.href));
  const nameWords = await import(new URL("/static/js/workspace/name_words.js", location.href));
  const lists = await nameWords.loadNameWords();
  const t = new text.CodePointText(document.getElementById("paragraph-text").textContent);
  const labelled = Object.values(spans).map(([start, end]) => ({start, end}));
  const n = t.words.length;
  const range = [...Array(n + 2).keys()].map((k) => k - 1);
  return {
    next: range.map((at) => (at < 0 ? 0 : at >= n ? null : clauses.nextClauseWord(t, at))),
    previous: range.map((at) => (at < 0 ? null : clauses.previousClauseWord(t, at))),
    end: range.map((at) => (at >= n ? null : clauses.clauseEndWord(t, at))),
    nameAfter: range.map((at) => names.nameRun(t, at, 1, labelled, lists)),
    nameBefore: range.map((at) => names.nameRun(t, at, -1, labelled, lists)),
  };
}"""

# The content Q proposes from a focused reporting verb (clauses.js, on the page's text and
# the open cue suggestions): what a trained annotator expects Q to take.
CONTENT_FROM_CUE = """async ([cue, cues]) => {
  const text = await import(new URL("/static/js/workspace/text.js", location.href));
  const clauses = await import(new URL("/static/js/workspace/clauses.js", location.href));
  const t = new text.CodePointText(document.getElementById("paragraph-text").textContent);
  const span = clauses.proposeContent(t, cue, cues);
  return span ? [span.start, span.end] : null;
}"""

# What Tab offers as a stance's target, in order (proposals.js stanceTargets on the page's
# text and entities): entities and noun phrases.
STANCE_TARGETS = """async ([spans, holder, content, shared, done]) => {
  const text = await import(new URL("/static/js/workspace/text.js", location.href));
  const proposals = await import(new URL("/static/js/workspace/proposals.js", location.href));
  const t = new text.CodePointText(document.getElementById("paragraph-text").textContent);
  const entities = Object.entries(spans).map(([id, [start, end]]) => ({id, start, end}));
  const options = content
    ? {holder, content: {start: content[0], end: content[1]}, shared, done}
    : {holder};
  return proposals.stanceTargets(t, entities, options).map((c) => [c.start, c.end]);
}"""

# Whom S (or Shift+S: ``bySubject``) on a quote gives the stance to, and the targets offered
# first and last (proposals.js stanceFromQuote, on the page's text).
STANCE_FROM_QUOTE = """async ([entities, stances, quote, bySubject]) => {
  const text = await import(new URL("/static/js/workspace/text.js", location.href));
  const proposals = await import(new URL("/static/js/workspace/proposals.js", location.href));
  const t = new text.CodePointText(document.getElementById("paragraph-text").textContent);
  return proposals.stanceFromQuote(t, entities, stances, quote, {bySubject});
}"""

# The keys that widen or narrow a focused candidate at its end (selection.js
# takeFocusedCandidate; Shift+Home and Shift+End do not take it).
EXTEND_KEYS = (
    "Shift+ArrowRight",
    "Shift+ArrowLeft",
    "Control+Shift+ArrowRight",
    "Control+Shift+ArrowLeft",
)

# The keys that move the word cursor or the selection (keyboard.js, selection.js).
CURSOR_KEYS = (
    "ArrowRight",
    "ArrowLeft",
    "Shift+ArrowRight",
    "Shift+ArrowLeft",
    "Home",
    "End",
    "Shift+Home",
    "Shift+End",
    "Control+ArrowRight",
    "Control+ArrowLeft",
    "Control+Shift+ArrowRight",
    "Control+Shift+ArrowLeft",
    "w",
    "b",
)

# Where a code-point span sits on screen: the first and the last character's boxes.
SPAN_BOX = """([start, end]) => {
  const root = document.getElementById("paragraph-text");
  const points = Array.from(root.textContent);
  const unit = (cp) => points.slice(0, cp).join("").length;
  const locate = (offset, preferEnd) => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    let seen = 0;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const length = node.data.length;
      const inside = offset < seen + length || (preferEnd && offset === seen + length);
      if (inside) return [node, offset - seen];
      seen += length;
    }
    throw new Error("offset outside the text");
  };
  const from = unit(start), to = unit(end);
  const [startNode, startOffset] = locate(from, false);
  const [endNode, endOffset] = locate(to, true);
  const first = document.createRange();
  first.setStart(startNode, startOffset);
  first.setEnd(startNode, Math.min(startOffset + points[start].length, startNode.data.length));
  const last = document.createRange();
  last.setStart(endNode, Math.max(endOffset - points[end - 1].length, 0));
  last.setEnd(endNode, endOffset);
  const a = first.getClientRects()[0];
  const rects = last.getClientRects();
  const b = rects[rects.length - 1];
  // Right to left when the text runs so, or when the last character sits left of the first
  // on the same line (a span over a line wrap ends left of where it starts in any script).
  const rtl = getComputedStyle(startNode.parentElement).direction === "rtl"
    || (Math.abs(a.top - b.top) < 1 && a.left > b.right);
  return {x1: rtl ? a.right - 1 : a.left + 1, y1: a.top + a.height / 2,
          x2: rtl ? b.left + 1 : b.right - 1, y2: b.top + b.height / 2};
}"""


# ---------------------------------------------------------------- the annotator


@dataclass
class Item:
    """One gold item and what making it cost."""

    layer: str
    set: str
    # entity: suggested | by hand; quote: suggested cue | cue by hand;
    # stance: quote exists | no quote
    case: str
    actions: float = 0.0
    ok: bool = True
    steps: list[str] = field(default_factory=list)
    what: str = ""  # the item's words, for --steps


class PlanError(Exception):
    """The page did not do what the plan expected (reported, never hidden)."""


class Annotator:
    """A trained annotator on one workspace page, in ``mode`` "mouse" or "keyboard"; every
    action goes through ``_act`` and is charged to ``self.items`` (the item(s) being made)."""

    def __init__(self, page: Any, mode: str) -> None:
        self.page = page
        self.mode = mode
        self.items: list[Item] = []
        self.cursor: int | None = None  # the word cursor, as selection.js keeps it
        self.onward = "ArrowRight"  # the arrow that goes on in reading order
        self.anchor: int | None = None
        self.suggestions: dict[str, dict[str, Any]] = {}
        self.shown: Counter[str] = Counter()  # suggestions the page showed, per kind
        self.stances_done: list[GoldStance] = []  # the paragraph's stances made so far

    # -- actions: each one is counted

    def _act(self, description: str, do: Callable[[], None]) -> None:
        """The one place an action happens: done, then charged (shared) to the items made."""
        do()
        share = 1 / len(self.items)
        for item in self.items:
            item.actions += share
            item.steps.append(description)
        self.page.wait_for_timeout(30)

    def press(self, key: str) -> None:
        """One key press (a chord such as Shift+ArrowRight is one)."""
        self._act(key, lambda: self.page.keyboard.press(key))
        self._track_cursor(key)

    def click(self, locator: Any, what: str) -> None:
        """One click on a button or a panel row."""
        self._act(f"click {what}", lambda: locator.click())

    def drag(self, span: Span) -> None:
        """One mouse drag over the words of ``span``, from its first character to its last."""
        box = self.page.evaluate(SPAN_BOX, list(span))

        def do() -> None:
            mouse = self.page.mouse
            mouse.move(box["x1"], box["y1"])
            mouse.down()
            mouse.move(box["x2"], box["y2"], steps=5)
            mouse.up()

        self._act(f"drag {span}", do)

    def click_text(self, at: int, what: str) -> None:
        """A click on the paragraph segment holding code point ``at``."""
        index = self.page.evaluate(
            """(at) => [...document.querySelectorAll("#paragraph-text .seg")]
                 .findIndex((s) => +s.dataset.start <= at && at < +s.dataset.end)""",
            at,
        )
        segment = self.page.locator("#paragraph-text .seg").nth(index)
        self._act(f"click {what}", lambda: segment.click())

    def _track_cursor(self, key: str) -> None:
        """Follow the word cursor as selection.js moves it (for the keyboard plans)."""
        moved = self._after_key(key, self.anchor, self.cursor)
        if moved is not None:
            self.anchor, self.cursor = moved

    def _after_key(
        self, key: str, anchor: int | None, cursor: int | None
    ) -> tuple[int | None, int | None] | None:
        """(anchor, cursor) after ``key`` as selection.js moves them; None when ``key`` does not
        move the cursor (or, W and B with no unlabelled name, moves nothing)."""
        n = len(self.view_words)
        tables = self.tables
        shift = key.startswith("Shift+") or key.startswith("Control+Shift+")
        base = key.split("+")[-1]
        ctrl = key.startswith("Control+")

        def put(index: int, extend: bool) -> tuple[int, int]:
            new = max(0, min(n - 1, index))
            return (anchor if extend and anchor is not None else new), new

        if not n:
            return None
        if base in ("w", "b"):
            run = tables["nameAfter" if base == "w" else "nameBefore"][
                (cursor if cursor is not None else (-1 if base == "w" else n)) + 1
            ]
            return (run[0], run[1]) if run else None
        if ctrl and base in ("ArrowRight", "ArrowLeft"):
            at = cursor if cursor is not None else (-1 if base == self.onward else n)
            if base == self.onward:
                index = tables["end" if shift else "next"][at + 1]
            else:
                index = tables["previous"][at + 1]
            return None if index is None else put(index, shift)
        if base in ("ArrowRight", "ArrowLeft"):
            step = 1 if base == self.onward else -1
            start = cursor if cursor is not None else (-1 if step > 0 else n)
            return put(start + step, shift)
        if base in ("Home", "End"):
            return put(0 if base == "Home" else n - 1, shift)
        return None

    # -- reading the page (what a person sees)

    def view(self) -> dict[str, Any]:
        """What the page shows now (``PAGE_VIEW``)."""
        return self.page.evaluate(PAGE_VIEW)

    def open(self, paragraph: GoldParagraph) -> None:
        """Open the paragraph's workspace (not an action) and note its suggestions."""
        self.page.goto(f"/annotate/{paragraph.paragraph_id}")
        self.page.wait_for_selector("#workspace[data-ready='true']")
        data = self.page.evaluate(
            "async (id) => (await (await fetch(`/api/paragraphs/${id}`)).json())",
            paragraph.paragraph_id,
        )
        self.suggestions = {
            s["id"]: s for s in data["suggestions"]["entities"] + data["suggestions"]["cues"]
        }
        for suggestion_id in self.suggestions:
            self.shown[kind_of(suggestion_id)] += 1
        view = self.view()
        self.view_words, self.view_text = view["words"], view["text"]
        # In right-to-left text the arrows go as they point: ← on in reading order.
        self.onward = "ArrowLeft" if view["rtl"] else "ArrowRight"
        self.tables = self.page.evaluate(CURSOR_TABLES, {})
        self.cursor = self.anchor = None

    def entity_id(self, span: Span) -> str:
        """The id of the page's entity on ``span``."""
        for entity_id, (start, end) in self.view()["entities"].items():
            if (start, end) == tuple(span):
                return entity_id
        raise PlanError(f"no entity at {span}")

    # -- word cursor plans

    def _word_at(self, start: int) -> int:
        for index, (word_start, _end, _bare) in enumerate(self.view_words):
            if word_start == start:
                return index
        raise PlanError(f"no word starts at {start}")

    def _candidate_words(self, span: Any) -> tuple[int, int]:
        """The first and last word of a candidate as the page takes it for a Shift key
        (text.js wordIndexAt: the word holding, or after, the code point)."""

        def holding(at: int) -> int:
            found = [i for i, (_s, end, _b) in enumerate(self.view_words) if end > at]
            return found[0] if found else len(self.view_words) - 1

        return holding(span[0]), holding(max(span[0], span[1] - 1))

    def _word_ending(self, end: int) -> int:
        # Words stop before punctuation; a selection that opens a bracket takes the closing
        # one right after its last word along (text.js balanceBrackets).
        while end > 0 and self.view_text[end - 1] in ")]}":
            if end in {e for _s, e, _b in self.view_words}:
                break
            end -= 1
        for index, (_start, word_end, bare) in enumerate(self.view_words):
            if end in (word_end, bare):
                return index
        raise PlanError(f"no word ends at {end}")

    def cursor_plan(
        self,
        goal: Callable[[int, int], bool],
        most: int = 60,
        start: tuple[int | None, int | None] | None = None,
        keys: tuple[str, ...] = (),
        focused: tuple[int, int] | None = None,
    ) -> list[str] | None:
        """The fewest cursor keys (``keys``, else ``CURSOR_KEYS``: arrows, Home, End, Ctrl+Arrow
        by clause, W and B by name, with Shift to extend) after which the selection, from word
        min(anchor, cursor) to max(anchor, cursor), satisfies ``goal(first, last)``; breadth
        first over (anchor, cursor) from ``start``, else from where the cursor is. With a
        candidate ``focused`` (its first and last word), the first Shift key starts from it, as
        the page does (selection.js takeFocusedCandidate). None when out of reach."""
        # W and B pass over the names already labelled: read where they go now.
        self.tables = self.page.evaluate(CURSOR_TABLES, self.view()["entities"])
        start = start if start is not None else (self.anchor, self.cursor)
        seen = {start}
        frontier: list[tuple[tuple[int | None, int | None], list[str]]] = [(start, [])]
        while frontier:
            next_frontier = []
            for (anchor, cursor), pressed in frontier:
                for key in keys or CURSOR_KEYS:
                    if focused is not None and not pressed and key in EXTEND_KEYS:
                        moved = self._after_key(key, *focused)
                    else:
                        moved = self._after_key(key, anchor, cursor)
                    if moved is None:
                        continue
                    plan = [*pressed, key]
                    a, c = moved
                    assert a is not None and c is not None
                    if goal(min(a, c), max(a, c)):
                        return plan
                    if moved not in seen and len(plan) < most:
                        seen.add(moved)
                        next_frontier.append((moved, plan))
            frontier = next_frontier
        return None

    def select_words_plan(self, span: Span, focused: tuple[int, int] | None = None) -> list[str]:
        """The fewest keys that select exactly the words of ``span`` with the word cursor
        (``focused``: the words of the candidate Tab is on, see ``cursor_plan``)."""
        first, last = self._word_at(span[0]), self._word_ending(span[1])
        plan = self.cursor_plan(lambda a, b: (a, b) == (first, last), focused=focused)
        if plan is None:
            raise PlanError(f"the word cursor cannot select {span}")
        return plan

    def select_words(self, span: Span, focused: tuple[int, int] | None = None) -> None:
        """Select the words of ``span``: a drag, or the word cursor's fewest keys."""
        if self.mode == "mouse":
            self.drag(span)
            return
        plan = self.select_words_plan(span, focused)
        for index, key in enumerate(plan):
            if index == 0 and focused is not None and key in EXTEND_KEYS:
                self.anchor, self.cursor = focused  # the page takes the focused candidate
            self.press(key)

    def tab_to(self, order: list[Any], current: Any, target: Any, forward: str, back: str) -> None:
        """Tab (or Shift+Tab) through ``order`` from ``current`` (None: before the first) to
        ``target``, whichever way is shorter."""
        if target not in order:
            raise PlanError(f"{target} is not among {order}")
        n, t = len(order), order.index(target)
        if current in order:
            c = order.index(current)
            ahead, behind = (t - c) % n, (c - t) % n
        else:
            ahead, behind = t + 1, n - t
        for _ in range(ahead if ahead <= behind else behind):
            self.press(forward if ahead <= behind else back)

    # -- entities

    def entities(self, gold: GoldParagraph) -> None:
        """Every gold entity: Accept all when all open suggestions are right, else one by one."""
        view = self.view()
        open_entities = [
            self.suggestions[s] for s in view["open"] if self.suggestions[s]["kind"] == "entity"
        ]
        gold_set = {tuple(e) for e in gold.entities}
        exact = [s for s in open_entities if (s["start"], s["end"], s["label"]) in gold_set]
        items = {
            e: Item("entity", gold.set, "by hand", what=gold.text[e[0] : e[1]])
            for e in sorted(gold.entities, key=lambda e: (e[0], -e[1]))
        }
        self.made.extend(items.values())
        if len(exact) >= 2 and len(exact) == len(open_entities):
            accepted = [items[(s["start"], s["end"], s["label"])] for s in exact]
            for item in accepted:
                item.case = "suggested"
            self.items = accepted
            if self.mode == "mouse":
                self.click(self.page.locator("#accept-all"), "Accept all")
            else:
                self.press("Shift+Enter")
        for (start, end, label), item in items.items():
            if item.case == "suggested":
                continue
            self.items = [item]
            suggestion = next((s for s in exact if (s["start"], s["end"]) == (start, end)), None)
            if suggestion is not None and suggestion["id"] in self.view()["open"]:
                item.case = "suggested"
                self.accept(suggestion)
            else:
                self.select_words((start, end))
                self.press(ENTITY_KEYS[label])

    def accept(self, suggestion: dict[str, Any]) -> None:
        """One suggestion accepted: a click on it; or Tab / the word cursor to it, then Enter."""
        view = self.view()
        if self.mode == "mouse":
            at = self._click_point(suggestion, view)
            if at is None:
                raise PlanError(f"no place to click {suggestion['id']} alone")
            self.click_text(at, f"suggestion {suggestion['id']}")
            return
        if view["focused"] == suggestion["id"]:
            self.press("Enter")
            return
        order = view["open"]
        n, t = len(order), order.index(suggestion["id"])
        c = order.index(view["focused"]) if view["focused"] in order else None
        tabs = min((t - c) % n, (c - t) % n) if c is not None else min(t + 1, n - t)
        cursor_plan = self._cursor_to_suggestion(suggestion, view)
        if cursor_plan is not None and len(cursor_plan) < tabs:
            for key in cursor_plan:
                self.press(key)
        else:
            self.tab_to(order, view["focused"], suggestion["id"], "Tab", "Shift+Tab")
        self.press("Enter")

    def _click_point(self, suggestion: dict[str, Any], view: dict[str, Any]) -> int | None:
        """A code point where a click picks ``suggestion`` (the shortest span there)."""
        spans = [
            (s["start"], s["end"], sid)
            for sid in view["open"]
            if (s := self.suggestions[sid])["kind"] == "entity"
        ] + [(a, b, eid) for eid, (a, b) in view["entities"].items()]
        for at in range(suggestion["start"], suggestion["end"]):
            covering = sorted((b - a, sid) for a, b, sid in spans if a <= at < b)
            if covering and covering[0][1] == suggestion["id"]:
                return at
        return None

    def _cursor_to_suggestion(
        self, suggestion: dict[str, Any], view: dict[str, Any]
    ) -> list[str] | None:
        """The fewest cursor keys that focus ``suggestion``: a selection inside it that no
        shorter open suggestion covers (selection.js focuses the shortest around)."""
        opened = [self.suggestions[s] for s in view["open"]]
        words = self.view_words

        def focuses(first: int, last: int) -> bool:
            start, end = words[first][0], max(words[first][0] + 1, words[last][2])
            if not (suggestion["start"] <= start and end <= suggestion["end"]):
                return False
            around = sorted(
                (s["end"] - s["start"], s["id"])
                for s in opened
                if s["kind"] == "entity" and s["start"] <= start and s["end"] >= end
            )
            return bool(around) and around[0][1] == suggestion["id"]

        return self.cursor_plan(focuses, most=12)

    # -- quotes and stances

    def quotes_and_stances(self, gold: GoldParagraph) -> None:
        """Each gold quote, then at once the stances it expresses; then the other stances."""
        done: set[int] = set()
        self.stances_done = []
        for index, quote in enumerate(gold.quotes):
            self.quote(gold, quote)
            for s_index, stance in enumerate(gold.stances):
                if stance.quote == index:
                    self.stance(gold, stance)
                    self.stances_done.append(stance)
                    done.add(s_index)
        for s_index, stance in enumerate(gold.stances):
            if s_index not in done:
                self.stance(gold, stance)
                self.stances_done.append(stance)

    def quote(self, gold: GoldParagraph, quote: GoldQuote) -> None:
        """Make the content (keyboard: Tab to a reporting verb whose proposed content is the
        gold's, then Q, when that is fewer keys than selecting it; else select it and Q), then
        Enter on the proposed speaker and cue, Shift+Enter for the speaker without a wrong
        cue (then the cue), or pick both."""
        cue_suggested = quote.cue is not None and any(
            s["kind"] == "cue" and (s["start"], s["end"]) == quote.cue
            for s in self.suggestions.values()
        )
        item = Item(
            "quote",
            gold.set,
            "suggested cue" if cue_suggested else "cue by hand",
            what=gold.text[quote.content[0] : quote.content[1]][:30],
        )
        self.items = [item]
        self.made.append(item)
        from_cue = self._cue_proposing(quote.content) if self.mode == "keyboard" else None
        if from_cue is not None:
            view = self.view()
            select_plan = self.select_words_plan(quote.content)
            if self._tabs(view["open"], view["focused"], from_cue) < len(select_plan):
                self.tab_to(view["open"], view["focused"], from_cue, "Tab", "Shift+Tab")
            else:
                for key in select_plan:
                    self.press(key)
        else:
            self.select_words(quote.content)
        self.press("q")
        view = self.view()
        proposed_speaker = view["candidateFocus"]
        proposed_cue = view["proposed"]
        speaker_right = quote.speaker is not None and proposed_speaker == list(quote.speaker)
        cue_right = quote.cue is not None and proposed_cue == list(quote.cue)
        if speaker_right and (cue_right or proposed_cue is None):
            self.press("Enter")  # the proposed speaker (and cue, when one is proposed)
            if proposed_cue is None:
                self.cue_step(quote)
        elif speaker_right:
            # The speaker without the wrong proposed cue; the cue step starts with the
            # proposed cue's words selected (modes.js startCueMode).
            self.press("Shift+Enter")
            self.anchor = self._word_index_at(proposed_cue[0])
            self.cursor = self._word_index_at(max(proposed_cue[0], proposed_cue[1] - 1))
            self.cue_step(quote)
        else:
            self.speaker_step(quote)
            self.cue_step(quote)
        row = self.page.locator("#quote-list .layer-item").last
        if f"· {quote.type}" not in row.inner_text():
            self.press(TYPE_KEYS[quote.type])

    def _word_index_at(self, at: int) -> int:
        """text.js wordIndexAt: the word containing or following code point ``at``."""
        for index, (_start, end, _bare) in enumerate(self.view_words):
            if end > at:
                return index
        return len(self.view_words) - 1

    @staticmethod
    def _tabs(order: list[Any], current: Any, target: Any) -> int:
        """How many Tab (or Shift+Tab) presses ``tab_to`` takes."""
        n, t = len(order), order.index(target)
        if current in order:
            c = order.index(current)
            return min((t - c) % n, (c - t) % n)
        return min(t + 1, n - t)

    def _cue_proposing(self, content: Span) -> str | None:
        """The open cue suggestion from which Q proposes exactly ``content`` (fewest Tabs), or
        None: what a trained annotator expects of Q on a focused reporting verb."""
        view = self.view()
        cues = [self.suggestions[s] for s in view["open"] if self.suggestions[s]["kind"] == "cue"]
        plain = [{"start": c["start"], "end": c["end"]} for c in cues]
        found = [
            c["id"]
            for c in cues
            if self.page.evaluate(CONTENT_FROM_CUE, [{"start": c["start"], "end": c["end"]}, plain])
            == list(content)
        ]
        if not found:
            return None
        return min(found, key=lambda c: self._tabs(view["open"], view["focused"], c))

    def speaker_step(self, quote: GoldQuote) -> None:
        """The speaker step when the proposed speaker is wrong: N, a click, or Tab and Enter."""
        if quote.speaker is None:
            self.press("n")
            return
        if self.mode == "mouse":
            self.click_text(quote.speaker[0], "speaker")
            return
        view = self.view()
        # The candidates are the entities in the order they were made (e1, e2, ...).
        order = sorted(view["entities"], key=lambda e: int(e[1:]))
        target = self.entity_id(quote.speaker)
        current = next((e for e in order if view["entities"][e] == view["candidateFocus"]), None)
        self.tab_to(order, current, target, "Tab", "Shift+Tab")
        self.press("Enter")

    def cue_step(self, quote: GoldQuote) -> None:
        """The cue step: Enter on the focused cue, a click or Tab to a suggested one, or the
        cue's words selected and Enter."""
        view = self.view()
        if quote.cue is None:
            self.press("n")
            return
        if view["candidateFocus"] == list(quote.cue):
            self.press("Enter")
            return
        cues = [s for s in self.suggestions.values() if s["kind"] == "cue"]
        match = next((s for s in cues if (s["start"], s["end"]) == quote.cue), None)
        # A Shift key first widens or narrows the focused cue (selection.js).
        focus = view["candidateFocus"]
        focused = self._candidate_words(focus) if focus else None
        if match is not None and self.mode == "mouse":
            self.click_text(quote.cue[0], "cue")
            return
        if match is not None:
            order = [s["id"] for s in cues]
            current = next(
                (s["id"] for s in cues if [s["start"], s["end"]] == view["candidateFocus"]),
                None,
            )
            n, t = len(order), order.index(match["id"])
            c = order.index(current) if current in order else None
            tabs = min((t - c) % n, (c - t) % n) if c is not None else min(t + 1, n - t)
            select_plan = self.select_words_plan(quote.cue, focused)
            if len(select_plan) < tabs:
                self.select_words(quote.cue, focused)
            else:
                self.tab_to(order, current, match["id"], "Tab", "Shift+Tab")
            self.press("Enter")
            return
        self.select_words(quote.cue, focused)
        self.press("Enter")

    def _quote_plan_args(
        self, gold: GoldParagraph, index: int, view: dict[str, Any]
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, Any]]:
        """What proposals.js stanceFromQuote reads, as the page holds it (``view``): its
        entities with the gold's labels, the stances made so far (the gold's, in the order
        quotes_and_stances makes them), and gold quote ``index``."""
        ids = {tuple(span): entity_id for entity_id, span in view["entities"].items()}
        labels = {(start, end): label for start, end, label in gold.entities}
        entities = [
            {"id": entity_id, "start": start, "end": end, "label": labels.get((start, end))}
            for (start, end), entity_id in ids.items()
        ]
        stances = [
            {
                "holder": ids[tuple(s.holder)],
                "target": ids[tuple(s.target)]
                if s.target_is_entity
                else {"start": s.target[0], "end": s.target[1]},
                "quote": view["quotes"][s.quote] if s.quote is not None else None,
            }
            for s in self.stances_done
        ]
        quote = gold.quotes[index]
        page_quote = {
            "id": view["quotes"][index],
            "speaker": ids[tuple(quote.speaker)] if quote.speaker else None,
            "content": {"start": quote.content[0], "end": quote.content[1]},
        }
        return entities, stances, page_quote

    def stance(self, gold: GoldParagraph, stance: GoldStance) -> None:
        """From its quote when it is selected (or, with the mouse, one click selects it):
        S, target, polarity; otherwise from its holder, then the quote step if the page asks
        (or Q on the stance, if not and it has a quote)."""
        item = Item(
            "stance",
            gold.set,
            "quote exists" if stance.quote is not None else "no quote",
            what=gold.text[stance.target[0] : stance.target[1]][:30],
        )
        self.items = [item]
        self.made.append(item)
        view = self.view()
        from_quote = False
        start_key = "s"
        plan: dict[str, Any] = {"shared": [], "done": []}
        if stance.quote is not None:
            quote_id = view["quotes"][stance.quote]
            # S on the quote, or Shift+S: whom the page gives the stance to, and the targets
            # it offers first and last (proposals.js stanceFromQuote).
            args = self._quote_plan_args(gold, stance.quote, view)
            holder = self.entity_id(stance.holder)
            for key, by_subject in (("s", False), ("Shift+S", True)):
                plan = self.page.evaluate(STANCE_FROM_QUOTE, [*args, by_subject])
                if plan["holder"] == holder:
                    start_key = key
                    break
            else:
                plan = {"holder": None, "shared": [], "done": []}
            if plan["holder"] is not None:
                if view["selected"] == {"kind": "quote", "id": quote_id}:
                    from_quote = True
                elif self.mode == "mouse":
                    row = self.page.locator(f"#quote-list button.item[data-id='{quote_id}']")
                    self.click(row, f"quote {quote_id}")
                    from_quote = True
                else:
                    # { and } walk the quotes in reading order (editing.js cycleQuote).
                    made = gold.quotes[: len(view["quotes"])]
                    starts = dict(zip(view["quotes"], (q.content[0] for q in made), strict=True))
                    order = sorted(view["quotes"], key=lambda q: starts.get(q, 0))
                    selected = view["selected"]
                    current = selected["id"] if selected and selected["kind"] == "quote" else None
                    self.tab_to(order, current, quote_id, "}", "{")
                    from_quote = True
        if not from_quote:
            holder = self.entity_id(stance.holder)
            if self.mode == "mouse":
                row = self.page.locator(f"#entity-list button.item[data-id='{holder}']")
                self.click(row, f"entity {holder}")
            else:
                order = [
                    e
                    for e, _span in sorted(
                        view["entities"].items(), key=lambda kv: (kv[1][0], -kv[1][1])
                    )
                ]
                current = view["selected"]["id"] if view["selected"] else None
                current = current if current in order else None
                self.tab_to(order, current, holder, "]", "[")
        self.press(start_key)
        view = self.view()
        holder_id = self.entity_id(stance.holder)
        content = gold.quotes[stance.quote].content if from_quote else None
        shared, done = (plan["shared"], plan["done"]) if from_quote else ([], [])
        order = self.page.evaluate(
            STANCE_TARGETS,
            [view["entities"], holder_id, list(content) if content else None, shared, done],
        )
        focus = order.index(view["candidateFocus"]) if view["candidateFocus"] in order else -1
        target = list(stance.target)
        # Tab goes forward through the targets, Shift+Tab back, from the focused one (from
        # none, Tab to the first and Shift+Tab to the last: keyboard.js handleModeKey).
        tab_key, tabs = "Tab", None
        if target in order:
            t, n = order.index(target), len(order)
            ahead = (t - focus) % n
            behind = (focus - t) % n if focus >= 0 else n - t
            tab_key, tabs = ("Tab", ahead) if ahead <= behind else ("Shift+Tab", behind)
        if focus >= 0 and order[focus] == target:
            pass  # the focused target: the polarity key takes it
        elif stance.target_is_entity and self.mode == "mouse":
            self.click_text(stance.target[0], "target")
        else:
            focused_words = self._candidate_words(order[focus]) if focus >= 0 else None
            select_plan = (
                None
                if stance.target_is_entity
                else (
                    ["drag"]
                    if self.mode == "mouse"
                    else self.select_words_plan(stance.target, focused_words)
                )
            )
            adjust = (
                None
                if stance.target_is_entity or self.mode == "mouse"
                else (self._adjust_plan(order, focus, stance.target))
            )
            routes = [
                (tabs, "tabs") if tabs is not None else None,
                (len(select_plan), "select") if select_plan is not None else None,
                (len(adjust[0]) + len(adjust[1]), "adjust") if adjust is not None else None,
            ]
            best = min((r for r in routes if r is not None), default=None)
            if best is None:
                raise PlanError(f"no way to the target {stance.target}")
            if best[1] == "tabs":
                for _ in range(tabs or 0):
                    self.press(tab_key)
            elif best[1] == "select":
                self.select_words(stance.target, focused_words)
            else:
                assert adjust is not None
                tab_keys, adjust_keys, candidate = adjust
                for key in tab_keys:
                    self.press(key)
                # The page takes the focused candidate as the selection on the first Shift key.
                self.anchor, self.cursor = candidate
                for key in adjust_keys:
                    self.press(key)
        self.press(POLARITY_KEYS[stance.polarity])
        if from_quote:
            return
        # The quote is asked for only when one is said by the holder or names it, the first
        # focused (modes.js choosePolarity); else Q on the stance, still selected, asks.
        asked = self.page.locator("#workspace").get_attribute("data-mode") == "stance-quote"
        # The one quote naming the holder is linked without a step: "(in q2)" on the row.
        selected_row = self.page.locator("#stance-list button.item.is-selected")
        row = " ".join(selected_row.all_text_contents())
        linked = row.rsplit("(in ", 1)[1].rstrip(")") if not asked and "(in " in row else None
        order = self.view()["quotes"]
        if stance.quote is None:
            if asked:
                self.press("Escape")
            elif linked is not None:
                self.press("q")  # asks again; N links none
                self.press("n")
            return
        if linked is not None and linked == order[stance.quote]:
            return
        if not asked:
            self.press("q")
        view = self.view()
        contents = [list(q.content) for q in gold.quotes[: len(order)]]
        focused = view["candidateFocus"]
        current = order[contents.index(focused)] if focused in contents else None
        if current == order[stance.quote]:
            self.press("Enter")
        elif self.mode == "mouse":
            self.click_text(gold.quotes[stance.quote].content[0], "quote")
        else:
            self.tab_to(order, current, order[stance.quote], "Tab", "Shift+Tab")
            self.press("Enter")

    def _adjust_plan(
        self, order: list[Any], focus: int, target: Span
    ) -> tuple[list[str], list[str], tuple[int, int]] | None:
        """The cheapest way to the target through a candidate: Tab (or Shift+Tab) to it, then
        Shift and the arrows widen or narrow it at its end (selection.js takeFocusedCandidate).
        Returns (the Tab keys, the Shift keys, the candidate's first and last word), or None."""
        first, last = self._word_at(target[0]), self._word_ending(target[1])
        best: tuple[list[str], list[str], tuple[int, int]] | None = None
        n = len(order)
        for index, (start, end) in enumerate(order):
            words = self._candidate_words((start, end))
            if words[0] != first:
                continue  # the anchor stays on the candidate's first word
            ahead = (index - focus) % n
            behind = (focus - index) % n if focus >= 0 else n - index
            tab_keys = ["Tab"] * ahead if ahead <= behind else ["Shift+Tab"] * behind
            if index == focus:
                tab_keys = []
            plan = self.cursor_plan(
                lambda a, b: (a, b) == (first, last), most=8, start=words, keys=EXTEND_KEYS
            )
            if plan is None:
                continue
            if best is None or len(tab_keys) + len(plan) < len(best[0]) + len(best[1]):
                best = (tab_keys, plan, words)
        return best

    # -- one paragraph

    def label(self, gold: GoldParagraph) -> list[Item]:
        """Make the paragraph's gold items, submit it, and check what was saved."""
        self.made: list[Item] = []
        self.open(gold)
        error = None
        try:
            self.entities(gold)
            self.quotes_and_stances(gold)
        except PlanError as problem:
            error = str(problem)
        self.items = []
        self.page.locator("#paragraph-text").focus()
        try:
            with self.page.expect_navigation():
                self.page.keyboard.press("Control+Enter")
        except Exception as problem:  # noqa: BLE001 (reported with the paragraph)
            error = f"{error or ''} submit failed: {problem}".strip()
        saved = self.page.evaluate(
            "async (id) => (await (await fetch(`/api/paragraphs/${id}`)).json()).annotation",
            gold.paragraph_id,
        )
        differences = compare(gold, saved)
        if error:
            differences.insert(0, ("all", f"plan stopped: {error}"))
        wrong = {layer for layer, _line in differences}
        for item in self.made:
            item.ok = item.ok and not ({item.layer, "all"} & wrong)
        if differences:
            print(f"  MISMATCH {gold.source} «{gold.text[:40]}…» ({self.mode}):")
            for _layer, line in differences:
                print(f"    {line}")
        return self.made


def compare(gold: GoldParagraph, saved: dict[str, Any]) -> list[tuple[str, str]]:
    """What the saved annotation has that the gold has not, and the other way round."""
    spans = {e["id"]: (e["start"], e["end"]) for e in saved["entities"]}
    got_entities = {(e["start"], e["end"], e["label"]) for e in saved["entities"]}
    want_entities = {tuple(e) for e in gold.entities}
    got_quotes = {
        (
            (q["content"]["start"], q["content"]["end"]),
            (q["cue"]["start"], q["cue"]["end"]) if q["cue"] else None,
            spans.get(q["speaker"]),
            q["type"],
        )
        for q in saved["quotes"]
    }
    want_quotes = {(q.content, q.cue, q.speaker, q.type) for q in gold.quotes}
    quote_spans = {q["id"]: (q["content"]["start"], q["content"]["end"]) for q in saved["quotes"]}
    got_stances = {
        (
            spans.get(s["holder"]),
            spans.get(s["target"])
            if isinstance(s["target"], str)
            else (s["target"]["start"], s["target"]["end"]),
            s["polarity"],
            quote_spans.get(s["quote"]) if s["quote"] else None,
        )
        for s in saved["stances"]
    }
    want_stances = {
        (
            s.holder,
            s.target,
            s.polarity,
            gold.quotes[s.quote].content if s.quote is not None else None,
        )
        for s in gold.stances
    }
    text = gold.text

    def show(part: Any) -> str:
        if isinstance(part, tuple) and len(part) == 2 and isinstance(part[0], int):
            return repr(text[part[0] : part[1]])
        return str(part)

    lines = []
    for layer, got, want in (
        ("entity", got_entities, want_entities),
        ("quote", got_quotes, want_quotes),
        ("stance", got_stances, want_stances),
    ):
        for extra in got - want:
            shown = [show(p) for p in extra] if layer != "entity" else [show(extra[:2]), extra[2]]
            lines.append((layer, f"saved, not gold, {layer}: {shown}"))
        for missing in want - got:
            shown = (
                [show(p) for p in missing] if layer != "entity" else [show(missing[:2]), missing[2]]
            )
            lines.append((layer, f"gold, not saved, {layer}: {shown}"))
    return lines


# ---------------------------------------------------------------- running and reporting


def chromium() -> str:
    path = (
        os.environ.get("CHROMIUM_PATH")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )
    if not path:
        sys.exit("Chromium not found: install it or set CHROMIUM_PATH")
    return path


def code_state() -> str:
    """The commit measured, and whether the working tree changes the code the counts depend on
    (suggestions and the workspace page), since those may change after a measurement."""
    import subprocess

    def git(*args: str) -> str:
        return subprocess.run(  # noqa: S603 (fixed arguments, read-only git)
            ["git", *args],  # noqa: S607
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown commit"
    paths = ("annotator/suggestions", "annotator/static/js/workspace")
    changed = git("diff", "--name-only", "HEAD", "--", *paths).split()
    changed += git("ls-files", "--others", "--exclude-standard", "--", *paths).split()
    return commit + (f" with working-tree changes in {', '.join(changed)}" if changed else "")


def quiet_server_log() -> None:
    """The served requests are not the measurement: werkzeug's request lines are left out."""
    import logging

    logging.getLogger("werkzeug").setLevel(logging.WARNING)


def run_mode(browser: Any, mode: str) -> tuple[list[Item], dict[str, Any], Counter[str], float]:
    """Label every gold paragraph in ``mode`` on a fresh database; the items, the suggestion
    outcomes per kind and the seconds taken."""
    folder = Path(tempfile.mkdtemp(prefix="annotator-actions-"))
    app, texts = make_app(folder)
    started = time.perf_counter()
    items: list[Item] = []
    with Server(app) as server:
        context = browser.new_context(base_url=server.url, viewport={"width": 1400, "height": 1000})
        context.set_default_timeout(10_000)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto("/login")
        page.get_by_label("Username").fill("annotator15")
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        with page.expect_navigation():
            page.get_by_role("button", name="Log in").click()
        annotator = Annotator(page, mode)
        for paragraph in read_gold(texts):
            items += annotator.label(paragraph)
        context.close()
        if errors:
            print(f"  the page reported errors ({mode}): {errors}")
    with app.app_context():
        outcomes = outcomes_by_kind(get_session())
    shutil.rmtree(folder, ignore_errors=True)
    return items, outcomes, annotator.shown, time.perf_counter() - started


def summary(items: list[Item]) -> str:
    if not items:
        return f"{'-':>6}"
    actions = [i.actions for i in items]
    return f"{len(items):>3} {statistics.mean(actions):>5.2f} {max(actions):>5.1f}"


def target_for(layer: str, mode: str, case: str | None) -> int | None:
    return TARGETS.get((layer, mode, case)) or TARGETS.get((layer, mode, "all"))


def report(
    mode: str, items: list[Item], outcomes: dict[str, Any], shown: Counter[str], seconds: float
) -> None:
    ok = [i for i in items if i.ok]
    failed = [i for i in items if not i.ok]
    print(
        f"\n== {mode} ({'mouse and keyboard' if mode == 'mouse' else 'keyboard only'}), "
        f"{seconds:.0f} s; {len(ok)} items made as the gold, {len(failed)} not"
    )
    print("   columns: items, mean actions per item, max")
    titles = "".join(f"{title:>16}" for title, _set in COLUMNS)
    header = f"{'layer':<8}{'case':<15}{'all':>16}{titles}  {'target (items within)':<22}baseline"
    print(header)
    for layer in ("entity", "quote", "stance"):
        mine = [i for i in ok if i.layer == layer]
        cases = [None] + sorted({i.case for i in mine})
        for case in cases:
            chosen = [i for i in mine if case is None or i.case == case]
            columns = "".join(
                f"{summary([i for i in chosen if i.set == name]):>16}" for _title, name in COLUMNS
            )
            target = target_for(layer, mode, case)
            verdict = ""
            if (
                target is not None
                and chosen
                and (case is not None or (layer, mode, "all") in TARGETS)
            ):
                within = sum(i.actions <= target for i in chosen)
                passed = "PASS" if within == len(chosen) else "MISS"
                verdict = f"<={target} {passed} {within}/{len(chosen)}"
            baseline = BASELINE.get((layer, mode), "") if case is None else ""
            print(
                f"{layer:<8}{case or 'all':<15}{summary(chosen):>16}{columns}"
                f"  {verdict:<22}{baseline}"
            )
    for item in failed:
        print(f"   not counted ({item.layer}, {item.set}): {' '.join(item.steps)}")
    print(
        "suggestions as the server recorded them (offered = accepted + rejected + ignored); "
        "shown: how many the page showed on these paragraphs"
    )
    print(f"{'kind':<16}{'shown':>6}{'offered':>8}{'accepted':>9}{'rejected':>9}{'ignored':>8}")
    for kind in sorted(set(outcomes) | set(shown)):
        outcome = outcomes.get(kind) or Outcome()
        print(
            f"{kind:<16}{shown[kind]:>6}{outcome.offered:>8}{outcome.accepted:>9}"
            f"{outcome.rejected:>9}{outcome.ignored:>8}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=["both", "mouse", "keyboard"], default="both")
    parser.add_argument("--steps", action="store_true", help="print each item's actions")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    quiet_server_log()
    print(f"measured on {code_state()}")
    modes = ["mouse", "keyboard"] if args.mode == "both" else [args.mode]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium(), headless=True, args=CHROMIUM_ARGS
        )
        results = {mode: run_mode(browser, mode) for mode in modes}
        browser.close()
    for mode, (items, outcomes, shown, seconds) in results.items():
        report(mode, items, outcomes, shown, seconds)
        if args.steps:
            for item in items:
                print(
                    f"   {item.layer:<7}{item.case:<14}{item.actions:5.2f}  {item.what[:30]:<31}"
                    f"{' '.join(item.steps)}"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
