"""Rule suggestions (pure): a name after a title or role ("President Bashar al-Assad",
"الشيخ حسن نصر الله") as a PERSON, and the speaker next to a reporting cue ("Meqdad said",
"said the Foreign Ministry", "according to X", "قال فيصل المقداد") as an entity: a PERSON
when it looks like a person's name, an ORGANIZATION otherwise. The words come from the
lexicon (``lexicon.py``), which an admin extends; offsets are code points.

English names are runs of capitalised words (with particles such as al-, bin, de inside);
a title run together with another ("Lieutenant General", "Deputy Foreign Minister") is
passed whole, so a title word never starts a name. Arabic has no capitals, so an Arabic
name is the words after a title, past the role's complement (words starting with ال, and
باسم: وزير الخارجية، المتحدث باسم الجيش) and past an organisation named there (وزارة
الصحة، حركة فتح), up to a stop word, a cue or punctuation. Diacritics and tatweel inside
an Arabic word are part of it.

Named phrases (``suggest_named_phrases``): a nationality and a collective noun ("Palestinian
factions", "Russian forces"), an Arabic place after its kind (مخيم جباليا، مدينة غزة) and an
Arabic ministry, police or government (وزارة الصحة، حكومة الاحتلال), labelled by the
guidelines' types.

Collective mentions (``suggest_collective_groups``): a collective noun that names an actor
on its own ("jihadists", "troops", الجيش العراقي) or after a modifier ("security forces",
"transitional authorities", "a security source"), from ``lexicon/groups.txt``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from . import lexicon as lexicons
from .kinds import GROUP_PREFIX, PHRASE_PREFIX, SUBJECT_PREFIX, TITLE_PREFIX

PERSON, ORGANIZATION = "PERSON", "ORGANIZATION"
STATE_ACTOR, ARMED_GROUP, LOCATION = "STATE_ACTOR", "ARMED_GROUP", "LOCATION"
_MARK = "\u064b-\u065f\u0670"  # Arabic short vowels, shadda, sukun: inside a word
_WORD = re.compile(rf"[^\W_][\w{_MARK}]*(?:[-'’][^\W_][\w{_MARK}]*)*")
_MARKS = re.compile(f"[{_MARK}\u0640]")
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
# Heads of an organisation's name after a role (المتحدث باسم وزارة الصحة): the head, then its
# ال complement; the movements' heads also take one bare proper name (حركة فتح).
# Ministries, police and governments are state actors; a جيش may not be (جيش الإسلام).
ARABIC_STATE_HEADS = frozenset("وزارة شرطة حكومة مديرية".split())
ARABIC_NAMED_HEADS = frozenset("حركة جماعة تنظيم حزب".split())
ARABIC_ORG_HEADS = (
    ARABIC_STATE_HEADS
    | ARABIC_NAMED_HEADS
    | frozenset("جيش هيئة قوات مكتب منظمة مجلس كتائب سرايا جبهة لجنة وكالة مؤسسة جمعية".split())
    | frozenset("اتحاد مركز".split())
)
# Kinds of place: the word after them names the place (مخيم جباليا); after the first words of
# compound names (بيت لاهيا، دير البلح) one more.
ARABIC_PLACE_HEADS = frozenset("مخيم مدينة بلدة قرية حي محافظة".split())
ARABIC_COMPOUND_STARTS = frozenset("بيت بني دير كفر عين تل أبو أم خان رأس".split())
_DEMONYM = re.compile(r"[A-Z][a-z]+(?:ian|ean|ese|ish|i|an|ic)")


def _bare(word: str) -> str:
    """An Arabic word without its diacritics and tatweel, as the word lists write it."""
    return _MARKS.sub("", word)


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


def _looks_like_person(
    words: list[str],
    after_the: bool,
    source: bool = False,
    organisations: frozenset[str] = frozenset(),
) -> bool:
    """One to four capitalised name words, not after "the", none an organisation's word or
    connector, not an alias of an actor that is not a person (``organisations``, casefolded:
    "Hamas said"); a lone word only in lower case after its capital (Alloush, not AFP) and
    not after a source phrase ("according to Reuters" names an outlet more often than a
    person)."""
    named = [w for w in words if w.casefold() not in PARTICLES]  # Abu, bin: not counted
    if after_the or len(named) > 4 or _names_organisation(words):
        return False
    if " ".join(words).casefold() in organisations:
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
        if (
            _bare(match.group()) in ARABIC_STOPS
            or _bare(match.group()).startswith("لل")  # a preposition joined: للصحفيين
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


def _next_word(text: str, at: int) -> tuple[re.Match[str], int] | None:
    """The Arabic word at ``at`` and where the one after it starts (its end when none does)."""
    match = _WORD.match(text, at)
    if match is None or not _is_arabic(match.group()):
        return None
    gap = _GAP.match(text, match.end())
    return match, gap.end() if gap else match.end()


def _past_complement(text: str, at: int, most: int = 4) -> int:
    """Past the words starting with ال and باسم at ``at`` (a role's portfolio: وزير الخارجية
    السوري، المتحدث باسم)."""
    for _ in range(most):
        word = _next_word(text, at)
        if word is None:
            break
        bare = _bare(word[0].group())
        if not (bare.startswith("ال") or bare in ARABIC_SKIPPED) or word[1] == word[0].end():
            break
        at = word[1]
    return at


def _past_organisation(
    text: str, at: int, lexicon: lexicons.Lexicon | None = None
) -> tuple[int, int] | None:
    """The organisation named at ``at`` (وزارة الصحة، حركة فتح، جيش الاحتلال) as (its end, where
    what follows starts), or None when no organisation's head stands there. A title of the
    ``lexicon`` ends it: in "وزارة الدفاع العراقية اللواء حازم العبيدي" the rank اللواء opens
    the name after it, it is no word of the ministry's."""
    word = _next_word(text, at)
    if word is None or _bare(word[0].group()) not in ARABIC_ORG_HEADS:
        return None
    end, after = word[0].end(), word[1]
    if _bare(word[0].group()) in ARABIC_NAMED_HEADS:
        named = _next_word(text, after)
        if named is not None and not _bare(named[0].group()).startswith("ال"):
            end, after = named[0].end(), named[1]
    while True:
        complement = _next_word(text, after)
        if complement is None or not _bare(complement[0].group()).startswith("ال"):
            return end, after
        if lexicon is not None and lexicon.title_pattern.match(text, complement[0].start()):
            return end, after
        end, after = complement[0].end(), complement[1]


def _arabic_name_after_title(
    text: str, at: int, lexicon: lexicons.Lexicon
) -> tuple[int, int] | None:
    """The name after an Arabic title: past its complement (ال words, باسم) and an
    organisation named there (المتحدث باسم وزارة الصحة), one to three words."""
    i = _past_complement(text, at)
    organisation = _past_organisation(text, i, lexicon)
    if organisation is not None:
        i = _past_complement(text, organisation[1])
    words = _arabic_words(text, i, lexicon, 3)
    if not words:
        return None
    first = _bare(words[0].group())
    if first.startswith("ال") or first in ARABIC_STOPS or first in ARABIC_ORG_HEADS:
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


def _past_titles(text: str, at: int, lexicon: lexicons.Lexicon) -> int:
    """Past the titles standing at ``at`` one after another ("General" after "Lieutenant",
    "Secretary-General" after "UN"), so that no title word starts the name."""
    while True:
        title = lexicon.title_pattern.match(text, at)
        if title is None:
            return at
        lead = _LEAD.match(text, title.end())
        if lead is None:
            return title.end()
        at = lead.end()


def _without_overlaps(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``found`` less each suggestion that overlaps one kept before it."""
    kept: list[dict[str, Any]] = []
    for suggestion in found:
        if not any(s["start"] < suggestion["end"] and suggestion["start"] < s["end"] for s in kept):
            kept.append(suggestion)
    return kept


def suggest_titled_names(
    text: str, lexicon: lexicons.Lexicon | None = None
) -> list[dict[str, Any]]:
    """PERSON suggestions for the names written after titles and roles."""
    lexicon = lexicon or lexicons.load()
    found = []
    passed = 0  # the end of the titles already read with one before them
    for title in lexicon.title_pattern.finditer(text):
        if title.start() < passed:
            continue
        lead = _LEAD.match(text, title.end())
        if lead is None:
            continue
        if _is_arabic(title.group()):
            span = _arabic_name_after_title(text, lead.end(), lexicon)
        else:
            at = _past_titles(text, lead.end(), lexicon)
            passed = at
            run = _latin_run(text, at)
            # "the official Syrian Arab News Agency": a title before an organisation's name.
            span = None if run is None or _names_organisation(run[2]) else (run[0], run[1])
        if span is not None:
            found.append(_entity(TITLE_PREFIX, "title", text, *span, PERSON))
    return _without_overlaps(found)


def _after_the(text: str, start: int) -> bool:
    return text[max(0, start - 4) : start].casefold() == "the "


def _adjective(text: str, run: tuple[int, int, list[str]]) -> bool:
    """Whether a one-word run is a nationality before a noun ("said Russian forces had"): an
    adjective, not a speaker."""
    return (
        len(run[2]) == 1
        and bool(_DEMONYM.fullmatch(run[2][0]))
        and bool(re.match(r"[ \t\u00a0]+[a-z]", text[run[1] :]))
    )


def _arabic_subject(text: str, at: int, lexicon: lexicons.Lexicon) -> tuple[int, int, str] | None:
    """The speaker right after an Arabic cue: an organisation (قالت وزارة الصحة) or one to
    three words, a PERSON when two or more and not starting with ال (قال فيصل المقداد)."""
    if lexicon.title_pattern.match(text, at):
        return None  # the title rule names him: قال المتحدث باسم ...
    organisation = _past_organisation(text, at, lexicon)
    if organisation is not None:
        head = _bare(_WORD.match(text, at).group())  # type: ignore[union-attr]
        label = STATE_ACTOR if head in ARABIC_STATE_HEADS else ORGANIZATION
        return at, organisation[0], label
    words = _arabic_words(text, at, lexicon, 3)
    if not words:
        return None
    person = 2 <= len(words) and not _bare(words[0].group()).startswith("ال")
    return words[0].start(), words[-1].end(), PERSON if person else ORGANIZATION


def _speaker_before(cue: str) -> bool:
    """Whether an Arabic cue ends in ا or ة: an adverbial form carrying on the speaker's
    earlier sentence ("..., مضيفا أن", "adding that") or a dual or plural verb (قالا، قالوا),
    which Arabic writes only after its subject. What follows it is never the speaker."""
    return _bare(cue).endswith(("ا", "ة"))


def suggest_cue_subjects(
    text: str,
    cues: list[dict[str, Any]],
    lexicon: lexicons.Lexicon | None = None,
    organisations: frozenset[str] = frozenset(),
) -> list[dict[str, Any]]:
    """Entity suggestions for the speaker next to each cue: "X said", "said X", "according
    to X", "قال X"; PERSON when it looks like a person's name (``organisations``: the
    casefolded aliases of the registry's actors that are not people)."""
    lexicon = lexicon or lexicons.load()
    found = []
    for cue in cues:
        spans: list[tuple[int, int, str]] = []
        verb = lexicon.cue_pattern.match(text, cue["start"])
        verb_end = verb.end() if verb is not None else cue["end"]  # "told" of "told AFP"
        lead = _LEAD.match(text, verb_end)
        if _is_arabic(cue["text"]):
            if _speaker_before(cue["text"]):
                continue
            subject = None if lead is None else _arabic_subject(text, lead.end(), lexicon)
            if subject is not None:
                spans.append(subject)
        else:
            if lead is not None and not lexicon.is_addressed(
                cue["text"][: verb_end - cue["start"]]
            ):
                # After "told" stands whom he told, not the speaker.
                at = lead.end()
                if text[at : at + 4].casefold() == "the ":
                    at += 4
                named = _past_titles(text, at, lexicon)
                run = _latin_run(text, named)
                if run is not None and not _adjective(text, run):
                    if named != at:  # said Lieutenant General X: the name after the titles
                        person = not _names_organisation(run[2])
                    else:
                        source = lexicon.is_source(cue["text"])
                        person = _looks_like_person(run[2], at != lead.end(), source, organisations)
                    spans.append((run[0], run[1], PERSON if person else ORGANIZATION))
            if not lexicon.is_source(cue["text"]):
                run = _latin_run_before(text, cue["start"])
                titles = [] if run is None else list(lexicon.title_pattern.finditer(text, *run[:2]))
                if titles:  # Foreign Minister Faisal Meqdad said: the name after the title
                    lead = _LEAD.match(text, titles[-1].end())
                    named_run = None if lead is None else _latin_run(text, lead.end())
                    if named_run is not None and named_run[1] <= cue["start"]:
                        spans.append((named_run[0], named_run[1], PERSON))
                elif run is not None:
                    person = _looks_like_person(
                        run[2], _after_the(text, run[0]), organisations=organisations
                    )
                    spans.append((run[0], run[1], PERSON if person else ORGANIZATION))
        found += [_entity(SUBJECT_PREFIX, "cue_subject", text, *span) for span in spans]
    return _without_overlaps(found)


def suggest_by_rules(
    text: str,
    cues: list[dict[str, Any]],
    taken: Sequence[dict[str, Any]] = (),
    organisations: frozenset[str] = frozenset(),
) -> list[dict[str, Any]]:
    """The rules' entity suggestions for ``text`` (names after titles, named phrases, the
    speakers of ``cues``, collective mentions, in that order of trust) where none overlaps
    one in ``taken`` (what the registry and the learned spans offer) or one before it: one
    suggestion per stretch of text."""
    kept = list(taken)
    found = []
    for suggestion in (
        *suggest_titled_names(text),
        *suggest_named_phrases(text),
        *suggest_cue_subjects(text, cues, organisations=organisations),
        *suggest_collective_groups(text),
    ):
        if not any(s["start"] < suggestion["end"] and suggestion["start"] < s["end"] for s in kept):
            kept.append(suggestion)
            found.append(suggestion)
    return found


def _arabic_places(text: str, lexicon: lexicons.Lexicon) -> list[tuple[int, int, str]]:
    """مخيم جباليا، مدينة غزة، بلدة بيت لاهيا: a kind of place and the one or two words
    naming it, as LOCATION; وزارة الصحة، شرطة الاحتلال as STATE_ACTOR."""
    spans = []
    for match in _WORD.finditer(text):
        word = _bare(match.group())
        if word in ARABIC_STATE_HEADS:
            organisation = _past_organisation(text, match.start(), lexicon)
            if organisation is not None and organisation[0] > match.end():
                spans.append((match.start(), organisation[0], STATE_ACTOR))
            continue
        if word not in ARABIC_PLACE_HEADS:
            continue
        gap = _GAP.match(text, match.end())
        names = [] if gap is None else _arabic_words(text, gap.end(), lexicon, 2)
        if names and _bare(names[0].group()) not in ARABIC_COMPOUND_STARTS:
            names = names[:1]
        if names and _bare(names[0].group()) not in ARABIC_PLACE_HEADS | ARABIC_ORG_HEADS:
            spans.append((match.start(), names[-1].end(), LOCATION))
    return spans


def suggest_named_phrases(
    text: str, lexicon: lexicons.Lexicon | None = None
) -> list[dict[str, Any]]:
    """Suggestions for groups named by a nationality and a collective noun of
    ``lexicon/groups.txt`` ("Palestinian factions" ARMED_GROUP, "Russian forces"
    STATE_ACTOR, the label the noun's section gives), Arabic places after their kind and
    Arabic ministries, police and governments (``_arabic_places``)."""
    lexicon = lexicon or lexicons.load()
    spans: list[tuple[int, int, str]] = []
    words = list(_WORD.finditer(text))
    nouns = lexicons.load_groups().nouns()
    for first, second in zip(words, words[1:], strict=False):
        label = nouns.get(second.group()) if second.group().islower() else None
        if (
            label is not None
            and _DEMONYM.fullmatch(first.group())
            and _GAP.fullmatch(text, first.end(), second.start())
        ):
            spans.append((first.start(), second.end(), label))
    spans += _arabic_places(text, lexicon)
    spans.sort(key=lambda span: (span[0], -span[1]))
    found = [_entity(PHRASE_PREFIX, "phrase", text, *span) for span in spans]
    return _without_overlaps(found)


# Words before a noun that says what someone is, not who acts: "they are (not) rebels".
COPULAS = frozenset("is are was were be been being become became remain remained not".split())
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\n\"“”(]\s*)$")
_NISBA = ("ي", "ية", "يين", "يون")  # an Arabic adjective of origin: العراقي، الإسرائيلية


def _joined(text: str, start: int, end: int) -> bool:
    """Whether the words at ``start``..``end`` are part of a longer word: "anti-government"
    and "rebel-held" hold no noun "government" or "rebel" (a possessive "army's" does)."""
    before, after = text[start - 1 : start], text[end : end + 2]
    if before in ("-", "'", "’") or (before.isalnum() and not _is_arabic(before)):
        return True
    if after[:1] and unicodedata.category(after[0]).startswith("M"):
        return True  # a mark on the last letter: "source" + U+064E is not "source"
    if re.match(r"['’]s(?!\w)", text[end : end + 3]):
        return False  # the regular army's positions
    return after[:1] in ("-", "'", "’") and after[1:].isalpha()


def _word_before(text: str, at: int) -> re.Match[str] | None:
    """The word ending one run of spaces (no line break) before ``at``, or None."""
    gap = re.search(r"[ \t\u00a0]+$", text[max(0, at - 40) : at])
    if gap is None:
        return None
    end = at - len(gap.group())
    return next((m for m in _WORD.finditer(text, max(0, end - 40), end) if m.end() == end), None)


def _english_group(
    text: str, noun: re.Match[str], label: str, alone: bool, lexicon: lexicons.Lexicon
) -> tuple[int, int, str] | None:
    """The mention a Latin collective noun makes: the noun with up to two modifiers before it
    (and a nationality before those), or the bare noun when it stands alone or right before a
    reporting verb ("the army said"); None when it is part of a name ("Rapid Support
    Forces"), follows a name that names the actor ("IS fighters"), says what someone is
    ("they are former rebels") or names a person by apposition ("security official John
    Smith")."""
    groups = lexicons.load_groups()
    start, modifiers, nearest = noun.start(), 0, None
    if not noun.group().islower() and not _SENTENCE_START.search(text[:start]):
        return None
    while modifiers < 2 and (word := _word_before(text, start)) is not None:
        key = word.group().casefold()
        if key not in groups.modifiers or _joined(text, word.start(), word.end()):
            break
        nearest = nearest or groups.modifiers[key]
        start, modifiers = word.start(), modifiers + 1
    word = _word_before(text, start)
    if word is not None and _DEMONYM.fullmatch(word.group()):
        start, modifiers = word.start(), modifiers + 1  # "Syrian security forces"
    elif word is not None and word.group().casefold() in COPULAS:
        return None  # "they are former rebels": what they are, not who acts
    elif word is not None and _latin_name_word(word.group()):
        return None  # "IS fighters", "Free Syrian Army rebels": the name names the actor
    gap = _GAP.match(text, noun.end())
    after = "" if gap is None else text[gap.end() :]
    if not modifiers and not alone:
        cue = lexicon.cue_pattern.match(after)
        if cue is None or lexicon.is_source(cue.group()) or lexicon.is_addressed(cue.group()):
            return None
    if label == PERSON and re.match(r"[A-Z]", after):
        return None
    if label != PERSON and nearest is not None:
        label = nearest
    return start, noun.end(), label


def _arabic_group(
    text: str, noun: re.Match[str], label: str, lexicon: lexicons.Lexicon
) -> tuple[int, int, str] | None:
    """The mention an Arabic definite collective noun makes (الحكومة، قوات الأمن) with up to
    two adjectives of origin after it (الجيش العراقي، القوات الإسرائيلية); None when it is a
    title's complement (رئيس الحكومة: the title rule's)."""
    word = _word_before(text, noun.start())
    if any(
        title.start() <= noun.start() < title.end()
        or (word is not None and title.end() == word.end())
        for title in lexicon.title_pattern.finditer(text, max(0, noun.start() - 60), noun.end())
    ):
        return None
    end = noun.end()
    for _ in range(2):
        gap = _GAP.match(text, end)
        adjective = None if gap is None else _WORD.match(text, gap.end())
        bare = "" if adjective is None else _bare(adjective.group())
        if not (bare.startswith("ال") and bare.endswith(_NISBA)):
            break
        end = adjective.end()  # type: ignore[union-attr]
    return noun.start(), end, label


def suggest_collective_groups(
    text: str, lexicon: lexicons.Lexicon | None = None
) -> list[dict[str, Any]]:
    """Suggestions for collective mentions of actors, which the guidelines want marked
    ("jihadists", "troops", "security forces", "transitional authorities", "a security
    source", الحكومة، المؤسسة العسكرية): the nouns of ``lexicon/groups.txt`` that stand alone
    as plural mentions, or after a modifier, with the label the noun or its modifier gives.
    Never part of a longer word ("rebel-held", "anti-government") or of a capitalised name."""
    lexicon = lexicon or lexicons.load()
    groups = lexicons.load_groups()
    spans: list[tuple[int, int, str]] = []
    for noun in groups.noun_pattern.finditer(text):  # type: ignore[attr-defined]
        found = groups.noun(noun.group())
        if found is None or _joined(text, noun.start(), noun.end()):
            continue
        label, alone = found
        if _is_arabic(noun.group()):
            span = _arabic_group(text, noun, label, lexicon) if alone else None
        else:
            span = _english_group(text, noun, label, alone, lexicon)
        if span is not None:
            spans.append(span)
    spans.sort(key=lambda span: (span[0], -span[1]))
    return _without_overlaps([_entity(GROUP_PREFIX, "group", text, *span) for span in spans])


DETERMINERS = frozenset("the a an his her their its our".split())
OBJECT_PRONOUNS = frozenset("him her them us me you".split())
# Words that end an addressee: what is said starts ("that", "he"), or where and when it was.
ADDRESSEE_STOPS = NOT_NAMES | frozenset(
    """about over via late earlier last next ago yesterday today tonight outside inside there
    then not also was were had has have would will could should""".split()
)


def addressee_end(text: str, at: int) -> int | None:
    """Where the addressee written right after an addressed cue ending at ``at`` ends ("told
    AFP", "told reporters in", "told the BBC that", "told a news conference"), or None when
    none follows (",", "that", "he"): a capitalised name, an object pronoun, or up to two
    lower-case words after an optional determiner."""
    lead = _GAP.match(text, at)
    if lead is None:
        return None
    i, end = lead.end(), None
    first = _WORD.match(text, i)
    if first is not None and first.group().casefold() in DETERMINERS:
        gap = _GAP.match(text, first.end())
        if gap is None:
            return None
        i = gap.end()
    word = _WORD.match(text, i)
    if word is None or _is_arabic(word.group()):
        return None
    run = _latin_run(text, i)
    if run is not None and run[0] == i:
        return run[1]
    if i == lead.end() and word.group() in OBJECT_PRONOUNS:
        return word.end()
    for _ in range(2):
        word = _WORD.match(text, i)
        plain = word is not None and word.group().islower()
        if (
            not plain
            or word.group() in ADDRESSEE_STOPS
            or word.group().endswith(("ed", "ing"))
            or lexicons.load().cue_pattern.fullmatch(word.group())
        ):
            break
        end = word.end()
        gap = _GAP.match(text, end)
        if gap is None:
            break
        i = gap.end()
    return end
