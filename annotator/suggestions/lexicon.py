"""The words the rules look for: reporting cues and titles, read from the data files shipped
in ``lexicon/`` plus the ones an admin names (``ANNOTATOR_CUE_LEXICON``,
``ANNOTATOR_TITLE_LEXICON``), so the lists grow without a code change; the collective
nouns that name actors (``lexicon/groups.txt``, ``ANNOTATOR_GROUP_LEXICON``) are read the
same way (``load_groups``).

A file is one entry per line; ``#`` starts a comment line; ``[verbs]``, ``[addressed]``
and ``[sources]`` head the three parts of the cue file. In an admin's file, ``-entry``
removes a shipped entry.
Loaded once per change of the admin's files (their paths and modification times).
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)
SHIPPED = Path(__file__).parent / "lexicon"
CUE_SETTING = "ANNOTATOR_CUE_LEXICON"
TITLE_SETTING = "ANNOTATOR_TITLE_LEXICON"
_ARABIC = re.compile(r"[\u0600-\u06ff]")


@dataclass(frozen=True)
class Lexicon:
    """The cue verbs (speaker on either side), source phrases (speaker after), titles and
    the verbs whose cue takes the addressee along ("told AFP", guidelines §3), with the
    patterns that find them."""

    verbs: tuple[str, ...]
    sources: tuple[str, ...]
    titles: tuple[str, ...]
    addressed: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        cues = (*self.verbs, *self.addressed, *self.sources)
        object.__setattr__(self, "cue_pattern", _pattern(cues))
        object.__setattr__(self, "source_words", frozenset(map(_key, self.sources)))
        object.__setattr__(self, "addressed_words", frozenset(map(_key, self.addressed)))
        object.__setattr__(self, "title_pattern", _pattern(self.titles))

    def is_addressed(self, cue: str) -> bool:
        """Whether ``cue`` is a verb whose addressee belongs to the cue ("told reporters")."""
        return _key(cue) in self.addressed_words  # type: ignore[attr-defined]

    def is_source(self, cue: str) -> bool:
        """Whether ``cue`` is a source phrase, after which only the speaker may stand."""
        return _key(cue) in self.source_words  # type: ignore[attr-defined]


def _key(entry: str) -> str:
    return " ".join(entry.split()).casefold()


# Short vowels, shadda, sukun, superscript alef and tatweel: written or not, the same word.
ARABIC_MARKS = "\u064b-\u065f\u0670\u0640"
_MARKS = f"[{ARABIC_MARKS}]*"


def _arabic_word(word: str) -> str:
    """``word`` as a pattern that also matches it written with diacritics or tatweel."""
    letters = re.sub(f"[{ARABIC_MARKS}]", "", word)
    return _MARKS.join(re.escape(letter) for letter in letters) + _MARKS


def _pattern(entries: tuple[str, ...]) -> re.Pattern[str]:
    """Any entry as whole words, in any case, longest first; Arabic ones also right after a
    joined و or ف (the conjunction stays outside the match) and with or without diacritics
    and tatweel."""
    latin, arabic = [], []
    for entry in sorted(set(entries), key=len, reverse=True):
        if _ARABIC.search(entry):
            arabic.append(r"\s+".join(_arabic_word(word) for word in entry.split()))
        else:
            latin.append(r"\s+".join(re.escape(word) for word in entry.split()))
    end = r"(?!\w)"
    parts = []
    if latin:
        parts.append(r"(?<!\w)(?:" + "|".join(latin) + ")" + end)
    if arabic:
        parts.append(r"(?:(?<!\w)|(?<=(?<!\w)[وف]))(?:" + "|".join(arabic) + ")" + end)
    # Entries ending in "." (Mr.) must not need a non-word after the dot: (?!\w) holds anyway.
    return re.compile("|".join(parts) or r"(?!)", re.IGNORECASE)


def parse(lines: list[str]) -> tuple[dict[str, list[str]], set[str]]:
    """Entries by section (``""`` before any header) and the ``-entry`` removals of a file."""
    sections: dict[str, list[str]] = {"": []}
    removed: set[str] = set()
    section = ""
    for raw in lines:
        line = " ".join(raw.split())
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1].strip().lower()
            sections.setdefault(section, [])
        elif line.startswith("-") and len(line) > 1:
            removed.add(_key(line[1:]))
        else:
            sections.setdefault(section, []).append(line)
    return sections, removed


def _read(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def _merged(shipped: Path, extra: str | None, sections: tuple[str, ...]) -> list[list[str]]:
    """The shipped entries of each section with the admin's file's added and removed."""
    base, _ = parse(_read(shipped))
    added: dict[str, list[str]] = {}
    removed: set[str] = set()
    if extra:
        try:
            added, removed = parse(_read(Path(extra)))
        except (OSError, UnicodeDecodeError) as error:
            # A paragraph must still open: the shipped words are offered, the operator told.
            log.error("lexicon file %s cannot be read (%s); using the shipped one", extra, error)
    merged = []
    for name in sections:
        entries = base.get(name, []) + added.get(name, [])
        if name == sections[0]:
            entries += added.get("", [])  # an admin's file without headers extends the first
        merged.append([e for e in dict.fromkeys(entries) if _key(e) not in removed])
    return merged


_CACHE: dict[tuple[object, ...], Lexicon] = {}


def _stamp(path: str | None) -> tuple[str | None, float | None]:
    if not path:
        return None, None
    try:
        return path, os.stat(path).st_mtime
    except OSError:
        return path, None


def load() -> Lexicon:
    """The lexicon in force: the shipped files and the admin's (read again when they change).
    An admin's file that cannot be read is logged and left out."""
    cue_file, title_file = os.environ.get(CUE_SETTING), os.environ.get(TITLE_SETTING)
    stamp = (_stamp(cue_file), _stamp(title_file))
    cached = _CACHE.get(stamp)
    if cached is not None:
        return cached
    verbs, addressed, sources = _merged(
        SHIPPED / "cues.txt", cue_file, ("verbs", "addressed", "sources")
    )
    (titles,) = _merged(SHIPPED / "titles.txt", title_file, ("",))
    lexicon = Lexicon(tuple(verbs), tuple(sources), tuple(titles), tuple(addressed))
    _CACHE.clear()
    _CACHE[stamp] = lexicon
    return lexicon


# Collective nouns naming actors (``lexicon/groups.txt``, extended by ANNOTATOR_GROUP_LEXICON).
GROUP_SETTING = "ANNOTATOR_GROUP_LEXICON"
GROUP_LABELS = ("ARMED_GROUP", "STATE_ACTOR", "PERSON")
GROUP_SECTIONS = (
    *(label.lower() for label in GROUP_LABELS),
    *(f"{label.lower()} after a modifier" for label in GROUP_LABELS),
    *(f"{label.lower()} modifiers" for label in GROUP_LABELS[:2]),
    "modifiers",
)


@dataclass(frozen=True)
class Groups:
    """The collective nouns that name an actor ("rebels", "troops", الجيش) with the label
    each gives, those that name one only after a modifier or a nationality ("armed groups",
    "security forces", "Sudanese army"), and the modifiers, some of which decide the label
    ("rebel forces" is an ARMED_GROUP). Keys are casefolded and, in Arabic, without
    diacritics or tatweel."""

    alone: dict[str, str]
    modified: dict[str, str]
    modifiers: dict[str, str | None]

    def __post_init__(self) -> None:
        object.__setattr__(self, "noun_pattern", _pattern((*self.alone, *self.modified)))

    def noun(self, text: str) -> tuple[str, bool] | None:
        """The label of the collective noun ``text`` and whether it stands alone, or None."""
        key = group_key(text)
        if key in self.alone:
            return self.alone[key], True
        if key in self.modified:
            return self.modified[key], False
        return None

    def nouns(self) -> dict[str, str]:
        """Every collective noun with its label, alone or not ("Palestinian factions")."""
        return {**self.modified, **self.alone}


def group_key(entry: str) -> str:
    """``entry`` as the group lists key it: casefolded, one space between words, Arabic
    without diacritics and tatweel."""
    return re.sub(f"[{ARABIC_MARKS}]", "", _key(entry))


_GROUP_CACHE: dict[tuple[object, ...], Groups] = {}


def load_groups() -> Groups:
    """The collective nouns in force: the shipped file and the admin's (read again when it
    changes; one that cannot be read is logged and left out)."""
    group_file = os.environ.get(GROUP_SETTING)
    stamp = _stamp(group_file)
    cached = _GROUP_CACHE.get(stamp)
    if cached is not None:
        return cached
    merged = _merged(SHIPPED / "groups.txt", group_file, GROUP_SECTIONS)
    sections = dict(zip(GROUP_SECTIONS, merged, strict=True))
    alone: dict[str, str] = {}
    modified: dict[str, str] = {}
    modifiers: dict[str, str | None] = {group_key(e): None for e in sections["modifiers"]}
    for label in GROUP_LABELS:
        for entry in sections[label.lower()]:
            alone[group_key(entry)] = label
        for entry in sections[f"{label.lower()} after a modifier"]:
            modified[group_key(entry)] = label
        for entry in sections.get(f"{label.lower()} modifiers", []):
            modifiers[group_key(entry)] = label
    groups = Groups(alone, modified, modifiers)
    _GROUP_CACHE.clear()
    _GROUP_CACHE[stamp] = groups
    return groups


def words_for_the_page() -> dict[str, list[str]]:
    """The cues, titles and collective nouns naming a group (not the PERSON ones: "source",
    "official") in force, as plain lists for the workspace (``GET /api/lexicon``): W and B
    find names after the same words the rules read, an admin's files included."""
    lexicon, groups = load(), load_groups()
    return {
        "cues": sorted({*lexicon.verbs, *lexicon.addressed, *lexicon.sources}),
        "titles": sorted(set(lexicon.titles)),
        "collective_nouns": sorted(n for n, label in groups.nouns().items() if label != "PERSON"),
    }
