"""Rule suggestions (pure): a name after a title or role ("President Bashar al-Assad",
"الشيخ حسن نصر الله") as a PERSON, and the speaker next to a reporting cue ("Meqdad said",
"said the Foreign Ministry", "according to X", "قال فيصل المقداد") as an entity: a PERSON
when it looks like a person's name, an ORGANIZATION otherwise. The words come from the
lexicon (``lexicon.py``), which an admin extends; offsets are code points.

English names are runs of capitalised words (with particles such as al-, bin, de inside);
Arabic has no capitals, so an Arabic name is the words after a title, past the role's
complement (words starting with ال, and باسم: وزير الخارجية، المتحدث باسم الجيش), up to a
stop word, a cue or punctuation.
"""

from __future__ import annotations

import re
from typing import Any

from . import lexicon as lexicons
from .kinds import SUBJECT_PREFIX, TITLE_PREFIX

PERSON, ORGANIZATION = "PERSON", "ORGANIZATION"
_WORD = re.compile(r"[^\W_]\w*(?:[-'’][^\W_]\w*)*")
_GAP = re.compile(r"[ \t\u00a0]+")  # between the words of one name: no line break
_LEAD = re.compile(r",?[ \t\u00a0]+")  # between a title or cue and what follows it
_ARABIC = re.compile(r"[\u0600-\u06ff]")
MAX_WORDS = 5
PARTICLES = frozenset(
    "al el ad as an ar at ash bin ibn bint ben abu abd de del der van von da di du la le".split()
)
# Capitalised words that begin sentences or name days, not people.
NOT_NAMES = frozenset(
    """a an and as at but by for from he her his i if in it its of on or our she that the their
    them these they this those to we when while with you after before during since however
    meanwhile monday tuesday wednesday thursday friday saturday sunday january february march
    april may june july august september october november december""".split()
)
CONNECTORS = frozenset({"of", "for"})  # inside a name only of an organisation
ORGANISATION_WORDS = frozenset(
    """ministry army forces force council office agency department government committee police
    brigade brigades front movement party organization organisation union nations news times
    post press authority authorities administration command corps guard guards group
    observatory network service services embassy parliament court foundation institute
    university bank company coalition alliance commission federation association center centre
    crescent cross hospital tv radio agence presse jaysh jabhat harakat liwa kataib ansar""".split()
)
ARABIC_STOPS = frozenset(
    """إن أن ان إنه أنه انه في من على إلى الى عن مع بأن بان خلال التي الذي قد لقد يوم اليوم أمس
    امس مساء صباح له لها لهم وأن وإن كما حيث""".split()
)
ARABIC_SKIPPED = frozenset({"باسم"})


def _is_arabic(word: str) -> bool:
    return bool(_ARABIC.match(word))


def _latin_name_word(word: str) -> bool:
    """A capitalised word of a name (not a sentence's first "The"), or a particle joined to
    one (al-Assad)."""
    if _is_arabic(word) or word.casefold() in NOT_NAMES:
        return False
    if word[0].isupper():
        return True
    head, _, rest = word.partition("-")
    return bool(rest) and head.casefold() in PARTICLES and rest[0].isupper()


def _strip_possessive(end: int, text: str) -> int:
    return end - 2 if text[end - 2 : end] in ("'s", "’s") else end


def _latin_run(text: str, at: int) -> tuple[int, int, list[str]] | None:
    """The run of name words starting at ``at`` (connectors and particles inside it), or
    None: (start, end, words)."""
    words: list[tuple[int, int, str]] = []
    i = at
    while len(words) < MAX_WORDS:
        match = _WORD.match(text, i)
        if match is None:
            break
        word, end = match.group(), match.end()
        inner = word.casefold() in PARTICLES or word.casefold() in CONNECTORS
        if not (_latin_name_word(word) or (words and inner)):
            break
        if len(word) == 1 and word.isupper() and text[end : end + 1] == ".":
            end += 1  # an initial: John F. Kennedy
        words.append((match.start(), end, word))
        if _strip_possessive(end, text) != end:
            words[-1] = (match.start(), end - 2, word[:-2])
            break
        gap = _GAP.match(text, end)
        if gap is None:
            break
        i = gap.end()
    while words and not _latin_name_word(words[-1][2]):
        words.pop()  # a run ends on a name word, not "of" or "bin"
    if not words:
        return None
    return words[0][0], words[-1][1], [w for _, _, w in words]


def _latin_run_before(text: str, at: int) -> tuple[int, int, list[str]] | None:
    """The run of name words ending just before the spaces before ``at``."""
    window_start = max(0, at - 200)
    window = text[window_start:at]
    stripped = window.rstrip(" \t\u00a0")
    if len(stripped) == len(window) or not stripped:
        return None
    words = [m for m in _WORD.finditer(stripped)]
    run: list[re.Match[str]] = []
    expected_end = len(stripped)
    for match in reversed(words):
        if match.end() != expected_end:
            break
        word = match.group()
        inner = word.casefold() in PARTICLES or word.casefold() in CONNECTORS
        if not (_latin_name_word(word) or (run and inner)) or len(run) == MAX_WORDS:
            break
        if run and word.endswith(("'s", "’s")):
            break  # Syria's al-Nusra Front said: the Front is the speaker
        run.insert(0, match)
        before = stripped[: match.start()]
        trimmed = before.rstrip(" \t\u00a0")
        if len(trimmed) == len(before):
            break
        expected_end = len(trimmed)
    while run and not _latin_name_word(run[0].group()):
        run.pop(0)
    if not run:
        return None
    start, end = window_start + run[0].start(), window_start + run[-1].end()
    return start, end, [m.group() for m in run]


def _names_organisation(words: list[str]) -> bool:
    """Whether a run of words holds an organisation's word (Ministry, Agency, Jaysh) or a
    connector (of, for), in any of its hyphenated parts."""
    parts = {part.casefold() for word in words for part in word.split("-")}
    return bool(parts & (ORGANISATION_WORDS | CONNECTORS))


def _looks_like_person(words: list[str], after_the: bool, source: bool = False) -> bool:
    """One to four name words, none an organisation's word or connector, not after "the"; a
    lone word only in lower case after its capital (Alloush, not AFP) and not after a source
    phrase ("according to Reuters" names an outlet more often than a person)."""
    if after_the or len(words) > 4 or _names_organisation(words):
        return False
    if len(words) == 1:
        return not source and not words[0].isupper()
    return True


def _arabic_words(text: str, at: int, lexicon: lexicons.Lexicon, limit: int) -> list[re.Match[str]]:
    """Up to ``limit`` Arabic words from ``at``, one space apart, stopping at a stop word, a
    cue, a title, punctuation or a line break."""
    words: list[re.Match[str]] = []
    i = at
    while len(words) < limit:
        match = _WORD.match(text, i)
        if match is None or not _is_arabic(match.group()):
            break
        word = match.group()
        if (
            word in ARABIC_STOPS
            or lexicon.cue_pattern.match(text, i)
            or (words and lexicon.title_pattern.match(text, i))
        ):
            break
        words.append(match)
        gap = _GAP.match(text, match.end())
        if gap is None:
            break
        i = gap.end()
    return words


def _arabic_name_after_title(
    text: str, at: int, lexicon: lexicons.Lexicon
) -> tuple[int, int] | None:
    """The name after an Arabic title: past its complement (ال words, باسم), one to three words."""
    i = at
    for _ in range(4):
        match = _WORD.match(text, i)
        if match is None or not (match.group().startswith("ال") or match.group() in ARABIC_SKIPPED):
            break
        gap = _GAP.match(text, match.end())
        if gap is None:
            return None
        i = gap.end()
    words = _arabic_words(text, i, lexicon, 3)
    if not words or words[0].group().startswith("ال") or words[0].group() in ARABIC_STOPS:
        return None
    return words[0].start(), words[-1].end()


def _entity(
    prefix: str, source: str, text: str, start: int, end: int, label: str
) -> dict[str, Any]:
    return {
        "id": f"{prefix}{start}-{end}",
        "kind": "entity",
        "source": source,
        "start": start,
        "end": end,
        "text": text[start:end],
        "label": label,
        "actor": None,
        "actor_name": None,
        "alternatives": [],
    }


def suggest_titled_names(
    text: str, lexicon: lexicons.Lexicon | None = None
) -> list[dict[str, Any]]:
    """PERSON suggestions for the names written after titles and roles."""
    lexicon = lexicon or lexicons.load()
    found = []
    for title in lexicon.title_pattern.finditer(text):
        lead = _LEAD.match(text, title.end())
        if lead is None:
            continue
        if _is_arabic(title.group()):
            span = _arabic_name_after_title(text, lead.end(), lexicon)
        else:
            run = _latin_run(text, lead.end())
            # "the official Syrian Arab News Agency": a title before an organisation's name.
            span = None if run is None or _names_organisation(run[2]) else (run[0], run[1])
        if span is not None:
            found.append(_entity(TITLE_PREFIX, "title", text, *span, PERSON))
    return found


def _after_the(text: str, start: int) -> bool:
    return text[max(0, start - 4) : start].casefold() == "the "


def suggest_cue_subjects(
    text: str, cues: list[dict[str, Any]], lexicon: lexicons.Lexicon | None = None
) -> list[dict[str, Any]]:
    """Entity suggestions for the speaker next to each cue: "X said", "said X", "according
    to X", "قال X"; PERSON when it looks like a person's name."""
    lexicon = lexicon or lexicons.load()
    found = []
    for cue in cues:
        spans: list[tuple[int, int, str]] = []
        lead = _LEAD.match(text, cue["end"])
        if _is_arabic(cue["text"]):
            if lead is not None and not lexicon.title_pattern.match(text, lead.end()):
                words = _arabic_words(text, lead.end(), lexicon, 3)
                if words:
                    person = 2 <= len(words) and not words[0].group().startswith("ال")
                    label = PERSON if person else ORGANIZATION
                    spans.append((words[0].start(), words[-1].end(), label))
        else:
            if lead is not None:
                at = lead.end()
                if text[at : at + 4].casefold() == "the ":
                    at += 4
                run = _latin_run(text, at)
                if run is not None and not lexicon.title_pattern.fullmatch(run[2][0]):
                    after_the = at != lead.end()
                    person = _looks_like_person(run[2], after_the, lexicon.is_source(cue["text"]))
                    spans.append((run[0], run[1], PERSON if person else ORGANIZATION))
            if not lexicon.is_source(cue["text"]):
                run = _latin_run_before(text, cue["start"])
                titles = [] if run is None else list(lexicon.title_pattern.finditer(text, *run[:2]))
                if titles:  # Foreign Minister Faisal Meqdad said: the name after the title
                    lead = _LEAD.match(text, titles[-1].end())
                    named = None if lead is None else _latin_run(text, lead.end())
                    if named is not None and named[1] <= cue["start"]:
                        spans.append((named[0], named[1], PERSON))
                elif run is not None:
                    person = _looks_like_person(run[2], _after_the(text, run[0]))
                    spans.append((run[0], run[1], PERSON if person else ORGANIZATION))
        found += [_entity(SUBJECT_PREFIX, "cue_subject", text, *span) for span in spans]
    return found
