"""Scraped articles of every shape: no line of a file is lost, a title is short and never
swallows a paragraph, and the repeats dropped are counted exactly."""

from __future__ import annotations

import codecs
import unicodedata
from dataclasses import dataclass

import orjson
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from annotator.ingest.articles import ParsedArticle, parse_jsonl, parse_txt
from annotator.ingest.furniture import line_reason
from annotator.ingest.layout import MAX_TITLE_LENGTH, collapse, title_from

# Lines only page chrome writes: each is furniture by one rule or another.
FURNITURE = [
    "Share",
    "Skip to main content",
    "Search",
    "Advertisement",
    "Read more",
    "youtube twitter facebook instagram",
    "Published : 03-08-2015",
    "Home | World | Middle East",
    "......",
    "Photo: Reuters",
    "© 2024 Example News",
    "Rif Dimashq - SMART",
    "Menu",
    "تم النشر بتاريخ : 27 مارس، 2018",
]
SCRIPTS = [
    "abcdefghijklmnopqrstuvwxyzéçñøäöüß",
    "ابتثجحخدذرزسشصضطظعغفقكلمنهوي",
    "абвгдежзийклмнопрстуфхцчшщыэюя",
    "αβγδεζηθικλμνξοπρστυφχψω",
    "कखगघचछजझटठडढतथदधनपफबभमयरलवशसह",
    "的一是不了人我在有他这中大来上个国到说们为子和你地出道也时年",
    "אבגדהוזחטיכלמנסעפצקרשת",
]
# What scrapers leave around lines and on "empty" ones.
PADDING = [" ", "\t", "\u00a0", "\u200b", "\u200f", "\u3000", "\ufeff"]
SENTENCE_ENDS = [".", "!", "?", "。", "…", ".»", '."', ""]
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-be", "utf-32"]
assert all(line_reason(line) for line in FURNITURE), "the generator's furniture must be furniture"
NEWLINES = ["\n", "\r\n", "\r"]


@dataclass
class Entry:
    """One block of the generated article: what it is and its lines."""

    kind: str  # "furniture", "headline", "paragraph", "copy"
    lines: list[str]


@dataclass
class Article:
    """A generated article, the file's bytes, and what its reader must find."""

    data: bytes
    form: str  # "txt" or "jsonl"
    entries: list[Entry]
    headline: str | None
    copies: int


def _words(draw: st.DrawFn, script: str, low: int, high: int) -> list[str]:
    return draw(st.lists(st.text(script, min_size=1, max_size=9), min_size=low, max_size=high))


@st.composite
def _sentence(draw: st.DrawFn, marker: int) -> str:
    """A line of reporting in some script, made unique by its marker; now and then very long."""
    words = _words(draw, draw(st.sampled_from(SCRIPTS)), 1, 14)
    if draw(st.integers(0, 9)) == 0:
        words = words * draw(st.integers(40, 1_000))
    spacing = draw(st.sampled_from([" ", " ", "  ", " \u00a0"]))
    return f"{spacing.join(words)} n{marker}{draw(st.sampled_from(SENTENCE_ENDS))}"


@st.composite
def articles(draw: st.DrawFn) -> Article:
    """A scraped article: furniture, maybe a headline, paragraphs of one to three lines in
    several scripts, repeats of the lead, of other paragraphs and of the headline, written
    with any line ending, blank-line runs, padding, BOM and encoding."""
    entries = [
        Entry("furniture", [line])
        for line in draw(st.lists(st.sampled_from(FURNITURE), max_size=3, unique=True))
    ]
    headline = None
    if draw(st.booleans()):
        headline = " ".join(_words(draw, SCRIPTS[0], 4, 12)).capitalize()
        assume(line_reason(headline) is None)
        entries.append(Entry("headline", [headline]))
    markers = iter(range(10_000))
    lead = f"{' '.join(_words(draw, SCRIPTS[0], 4, 20))} n{next(markers)}."
    assume(line_reason(lead) is None)
    lead_lines = [lead] + [draw(_sentence(next(markers))) for _ in range(draw(st.integers(0, 2)))]
    entries.append(Entry("paragraph", lead_lines))
    if draw(st.booleans()):  # the lead printed twice, as scrapers often do
        entries.append(Entry("copy", list(lead_lines)))
    for _ in range(draw(st.integers(0, 6))):
        lines = [draw(_sentence(next(markers))) for _ in range(draw(st.integers(1, 3)))]
        entries.append(Entry("paragraph", lines))
    trailing = [line for line in FURNITURE if line not in {e.lines[0] for e in entries}]
    for line in draw(st.lists(st.sampled_from(trailing), max_size=2, unique=True)):
        entries.append(Entry("furniture", [line]))
    copies = sum(e.kind == "copy" for e in entries)
    for _ in range(draw(st.integers(0, 3))):
        originals = [i for i, e in enumerate(entries) if e.kind in ("paragraph", "headline")]
        original = draw(st.sampled_from(originals))
        at = draw(st.integers(original + 1, len(entries)))
        entries.insert(at, Entry("copy", list(entries[original].lines)))
        copies += 1
    text = _render(draw, entries)
    form = draw(st.sampled_from(["txt", "jsonl"]))
    if form == "jsonl":
        data = orjson.dumps({"text": text}) + b"\n"
    else:
        data = _encode(draw, text)
    return Article(data, form, entries, headline, copies)


def _render(draw: st.DrawFn, entries: list[Entry]) -> str:
    """The blocks written out: padded lines, runs of blank (or blank-looking) lines between,
    one kind of line ending, maybe decomposed accents."""
    newline = draw(st.sampled_from(NEWLINES))
    padding = st.text(st.sampled_from(PADDING), max_size=3)
    parts: list[str] = [draw(padding) + newline] if draw(st.booleans()) else []
    for entry in entries:
        for line in entry.lines:
            parts.append(draw(padding) + line + draw(padding) + newline)
        for _ in range(draw(st.integers(1, 4))):
            parts.append(draw(padding) + newline)
    text = "".join(parts)
    return unicodedata.normalize("NFD", text) if draw(st.booleans()) else text


def _encode(draw: st.DrawFn, text: str) -> bytes:
    encoding = draw(st.sampled_from(ENCODINGS))
    if encoding == "utf-16-be":
        return codecs.BOM_UTF16_BE + text.encode("utf-16-be")
    return text.encode(encoding)


def _read(article: Article) -> ParsedArticle:
    if article.form == "jsonl":
        (parsed,) = parse_jsonl(article.data, "generated.jsonl")
        return parsed
    return parse_txt(article.data, "generated.txt")


def _key(line: str) -> str:
    return collapse(unicodedata.normalize("NFC", line))


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(articles())
def test_no_line_is_lost_and_repeats_are_counted_exactly(article: Article) -> None:
    """Every line of the file is the title or a line of a paragraph (boilerplate included);
    the title is short; exactly the repeats written into the file are dropped."""
    parsed = _read(article)
    kept = {_key(line) for p in parsed.paragraphs for line in p.text.split("\n")}
    for entry in article.entries:
        for line in entry.lines:
            assert _key(line) == parsed.title or _key(line) in kept, (entry.kind, line[:80])
    assert 0 < len(parsed.title) <= MAX_TITLE_LENGTH
    assert parsed.duplicates_dropped == article.copies
    texts = [p.text for p in parsed.paragraphs]
    assert len(texts) == len(set(texts)), "a repeat was kept"
    assert any(not p.is_boilerplate for p in parsed.paragraphs)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(articles())
def test_the_title_is_the_headline_or_a_copy_of_the_lead(article: Article) -> None:
    """A headline after the furniture becomes the title; without one, the title is the
    lead's opening words and the lead stays a paragraph, however long it is."""
    parsed = _read(article)
    lead = next(e for e in article.entries if e.kind == "paragraph")
    lead_text = "\n".join(lead.lines)
    if article.headline is not None:
        assert parsed.title == article.headline
    else:
        assert parsed.title == title_from(lead.lines[0])
    first = next(p for p in parsed.paragraphs if not p.is_boilerplate)
    assert _key(first.text) == _key(lead_text)


# Hand-written pages from other kinds of sites: (file content, title, paragraphs kept
# (boilerplate flagged with its rule), repeats dropped).
MESSY_PAGES = [
    pytest.param(
        "BREAKING\n\nReuters\n\nBEIRUT (Reuters) - Israeli strikes hit southern Lebanon on "
        "Tuesday, security sources said.\n\nBEIRUT (Reuters) - Israeli strikes hit southern "
        "Lebanon on Tuesday, security sources said.\n\nThe army did not comment.\n\n"
        "Reporting by Laila Bassam; Editing by Alex Richardson\n",
        "BEIRUT (Reuters) - Israeli strikes hit southern Lebanon on Tuesday, security sources said.",
        [
            ("BREAKING", "fragment"),
            ("Reuters", "fragment"),
            (
                "BEIRUT (Reuters) - Israeli strikes hit southern Lebanon on Tuesday, security "
                "sources said.",
                None,
            ),
            ("The army did not comment.", None),
            ("Reporting by Laila Bassam; Editing by Alex Richardson", None),
        ],
        1,
        id="wire story: no headline, the lead printed twice",
    ),
    pytest.param(
        "Live\n\n" + "Updates from the ground " * 6_000 + "\n\n14:02\n\nMore to follow.\n",
        title_from("Updates from the ground " * 6_000),
        [
            ("Live", "fragment"),
            (("Updates from the ground " * 6_000).strip(), None),
            ("14:02", "fragment"),
            ("More to follow.", None),
        ],
        0,
        id="live blog: a short first line, then a 144,000-character body",
    ),
    pytest.param(
        "\ufeffAccept cookies\r\nMenu\r\n\r\n"
        "Opinion: Why the ceasefire in Idlib will not hold\r\n"
        "By Jane Doe | 12 March 2020 | 5 min read\r\n\r\n"
        "The ceasefire announced in Moscow is the fourth in two years.\r\n\r\n"
        "Opinion: Why the ceasefire in Idlib will not hold\r\n\r\n"
        "Share this article\r\n",
        "Opinion: Why the ceasefire in Idlib will not hold",
        [
            ("Accept cookies\nMenu", "fragment"),
            ("By Jane Doe | 12 March 2020 | 5 min read", "navigation row"),
            ("The ceasefire announced in Moscow is the fourth in two years.", None),
            ("Share this article", "known phrase"),
        ],
        1,
        id="blog: headline above its byline, repeated before the share buttons",
    ),
    pytest.param(
        "\u200f\n\nالجيش يعلن السيطرة على بلدة جديدة في ريف حماة\n\n"
        "قال مصدر عسكري إن الجيش سيطر على البلدة صباح اليوم.\n"
        "\u200f\n"
        "وأضاف المصدر أن الاشتباكات مستمرة.\n\nماذا بعد؟\n\n"
        "الاخبار المتعلقة\n\nخبر آخر عن الحرب\n",
        "الجيش يعلن السيطرة على بلدة جديدة في ريف حماة",
        [
            ("قال مصدر عسكري إن الجيش سيطر على البلدة صباح اليوم.", None),
            ("وأضاف المصدر أن الاشتباكات مستمرة.", None),
            ("ماذا بعد؟", None),
            ("الاخبار المتعلقة", "related-news footer"),
            ("خبر آخر عن الحرب", "related-news footer"),
        ],
        0,
        id="Arabic news site: direction marks on blank lines, a short question, a footer",
    ),
    pytest.param(
        "Aid group condemns hospital attack\n"
        "The organisation condemns the attack on the hospital in Aleppo.\n\n"
        "Contact: press@example.org\n",
        "Aid group condemns hospital attack",
        [
            (
                "Aid group condemns hospital attack\nThe organisation condemns the attack on "
                "the hospital in Aleppo.",
                None,
            ),
            ("Contact: press@example.org", None),
        ],
        0,
        id="press release: a heading with no blank line under it stays in its paragraph",
    ),
    pytest.param(
        "叙利亚政府军收复伊德利卜南部多个村庄\n\n"
        "据叙利亚通讯社报道，政府军周二收复了伊德利卜南部的多个村庄。\n\n"
        "据叙利亚通讯社报道，政府军周二收复了伊德利卜南部的多个村庄。\n",
        "据叙利亚通讯社报道，政府军周二收复了伊德利卜南部的多个村庄。",
        [
            ("叙利亚政府军收复伊德利卜南部多个村庄", "fragment"),
            ("据叙利亚通讯社报道，政府军周二收复了伊德利卜南部的多个村庄。", None),
        ],
        1,
        id="Chinese: a headline without spaces reads as a fragment; the lead is kept once",
    ),
    pytest.param(
        "Syria: talks resume in Geneva\n\nSyria: talks resume in Geneva\n\nShare\n",
        "Syria: talks resume in Geneva",
        [("Syria: talks resume in Geneva", None), ("Share", "known phrase")],
        1,
        id="a headline and nothing else to annotate stays a paragraph",
    ),
]


@pytest.mark.parametrize(("content", "title", "paragraphs", "repeats"), MESSY_PAGES)
def test_messy_pages_from_other_sites(
    content: str, title: str, paragraphs: list[tuple[str, str | None]], repeats: int
) -> None:
    """Wire stories, live blogs, opinion pages, Arabic and Chinese sites, press releases:
    each reads with the title and paragraphs a reader would expect."""
    parsed = parse_txt(content.encode("utf-8"), "page.txt")
    assert parsed.title == title
    assert [(p.text, p.boilerplate_reason) for p in parsed.paragraphs] == paragraphs
    assert parsed.duplicates_dropped == repeats
