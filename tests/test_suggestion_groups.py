"""Collective mentions of actors ("jihadists", "security forces", الحكومة) suggested from
``lexicon/groups.txt``, and the Arabic adverbial cues (مضيفا): on sentences of other
conflicts than the seeds', what is offered, what is not, and, whatever the text, that no two
suggestions overlap and each lies on word boundaries."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.suggestions import lexicon
from annotator.suggestions.kinds import kind_of
from annotator.suggestions.matching import suggest_cues
from annotator.suggestions.rules import (
    suggest_by_rules,
    suggest_collective_groups,
    suggest_cue_subjects,
)


def groups(text: str) -> list[tuple[str, str]]:
    return [(s["text"], s["label"]) for s in suggest_collective_groups(text)]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        (
            "Government troops retook Beledweyne after insurgents withdrew overnight.",
            [("Government troops", "STATE_ACTOR"), ("insurgents", "ARMED_GROUP")],
        ),
        ("The rebels' demands include an amnesty.", [("rebels", "ARMED_GROUP")]),
        ("Troops of the 5th brigade entered Goma.", [("Troops", "STATE_ACTOR")]),
        ("The government said the truce would hold.", [("government", "STATE_ACTOR")]),
        (
            "A police official in Kandahar said gunmen stormed a checkpoint.",
            [("police official", "PERSON"), ("gunmen", "ARMED_GROUP")],
        ),
        (
            "Pro-government militias and federal police clashed near Tal Afar.",
            [("Pro-government militias", "ARMED_GROUP"), ("federal police", "STATE_ACTOR")],
        ),
        (
            "Ethiopian security forces and rebel forces exchanged fire.",
            [("Ethiopian security forces", "STATE_ACTOR"), ("rebel forces", "ARMED_GROUP")],
        ),
        # An adjective, a name, a word inside another, what someone is: no mention.
        ("Civilians fled rebel-held villages near Bunia.", []),
        ("Hamas fighters entered Rafah; the RSF and Wagner troops did not.", []),
        ("The Rapid Support Forces shelled an anti-government rally.", []),
        ("They are former soldiers, not rebels.", []),
        ("Army officers joined forces with the opposition.", []),
        ("a senior official John Kerry met", []),
    ],
)
def test_collective_mentions_are_suggested_where_they_name_an_actor(
    text: str, found: list[tuple[str, str]]
) -> None:
    """A plural collective noun alone ("insurgents"), or a noun after its modifier
    ("federal police", "police official"), is an actor the guidelines want marked; one that
    is part of a name or a longer word, follows the actor's name or says what someone is
    is not."""
    assert groups(text) == found


@pytest.mark.parametrize(
    ("text", "found"),
    [
        (
            "وأعلن الجيشُ اللبناني أن القوات الإسرائيلية قصفت بلدة",
            [("الجيشُ اللبناني", "STATE_ACTOR"), ("القوات الإسرائيلية", "STATE_ACTOR")],
        ),
        (
            "وأكدت السلطات أن قوات الأمن اعتقلت المسلحين، فالحكومة",
            [
                ("السلطات", "STATE_ACTOR"),
                ("قوات الأمن", "STATE_ACTOR"),
                ("المسلحين", "ARMED_GROUP"),
                ("الحكومة", "STATE_ACTOR"),
            ],
        ),
        # A title's complement is the title rule's; an indefinite noun is no collective.
        ("قال رئيس الحكومة نجيب ميقاتي إن جيشا", []),
    ],
)
def test_arabic_definite_collective_nouns_are_suggested(
    text: str, found: list[tuple[str, str]]
) -> None:
    """الجيش، القوات، السلطات، قوات الأمن، المسلحين: with their adjectives of origin, without a
    joined و or ف, with or without diacritics."""
    assert groups(text) == found


def test_a_collective_mention_never_displaces_another_rule() -> None:
    """A nationality and a noun stays the named phrase's ("Houthi rebels"), a registry
    span wins the words it covers, and a collective mention is its own kind."""
    text = "Sudanese troops and jihadists clashed; Somali army officials said"
    taken = [{"start": text.index("jihadists"), "end": text.index(" clashed")}]
    found = suggest_by_rules(text, suggest_cues(text), taken)
    assert [(s["text"], s["source"], kind_of(s["id"])) for s in found] == [
        ("Sudanese troops", "phrase", "phrase"),
        ("Somali army", "phrase", "phrase"),
    ]
    lone = suggest_by_rules("Dozens of jihadists fled.", [])
    assert [(s["text"], kind_of(s["id"])) for s in lone] == [("jihadists", "group")]


def test_an_admin_extends_the_group_nouns(
    admin_lexicon: Callable[..., None], monkeypatch: pytest.MonkeyPatch
) -> None:
    """ANNOTATOR_GROUP_LEXICON names a file of the shipped form: nouns added by label,
    "-noun" removing a shipped one."""
    admin_lexicon(groups="[armed_group]\nmujahideen\n-gunmen\n")
    assert groups("mujahideen and gunmen") == [("mujahideen", "ARMED_GROUP")]
    monkeypatch.delenv(lexicon.GROUP_SETTING)
    assert groups("mujahideen and gunmen") == [("gunmen", "ARMED_GROUP")]


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("ونفى الناطق الاتهامات، معتبرا الاتفاق منتهيا.", "معتبرا"),
        ("وقالت الوزيرة إن الوضع صعب، مؤكداً ضرورة وقف إطلاق النار.", "مؤكداً"),
        ("وأكد المسؤول ذلك، مضيفةً أن خمسة جرحى", "مضيفةً"),
        ("قائلا فيصل المقداد لم يحضر", "قائلا"),
    ],
)
def test_arabic_adverbial_cues_take_no_speaker_after_them(text: str, cue: str) -> None:
    """مضيفا، مؤكدا، معتبرا... ("adding", "stressing") are cues, but their speaker said the
    sentence before: the words after them are never suggested as the speaker."""
    found = suggest_cues(text)
    assert cue in [c["text"] for c in found]
    after = text.index(cue) + len(cue)
    assert all(s["start"] < after for s in suggest_cue_subjects(text, found))


FRAGMENTS = st.sampled_from(
    [
        "security ",
        "forces",
        " armed groups",
        "rebel-held ",
        "Syrian ",
        "troops",
        "’s ",
        "' ",
        "a security source",
        " said ",
        "The ",
        "الجيش",
        " العراقي",
        "وقوات الأمن ",
        "فالحكومة",
        "رئيس الحكومة ",
        "مضيفاً ",
        "المسلحين",
        "ـ",
        "\u064e",
        "e\u0301",
        "-",
        ", ",
        "\n",
    ]
)


def _on_word_boundaries(text: str, start: int, end: int) -> bool:
    """Whether ``start``..``end`` starts and ends a word (a joined Arabic و or ف may stand
    before it) and holds no cut diacritic."""
    before, after = text[start - 1 : start], text[end : end + 1]
    starts = not before.isalnum() or (before in "وف" and not text[start - 2 : start - 1].isalnum())
    ends = not re.match(f"[\\w\u0301{lexicon.ARABIC_MARKS}]", after)
    return starts and ends


@settings(max_examples=300, deadline=None)
@given(st.lists(FRAGMENTS | st.text(max_size=3), max_size=14))
def test_rule_suggestions_never_overlap_and_lie_on_word_boundaries(parts: list[str]) -> None:
    """Whatever the text, every rule suggestion (collective mentions among them) slices to
    its text, starts and ends on a word boundary, and overlaps no other."""
    text = "".join(parts)
    found = suggest_by_rules(text, suggest_cues(text))
    for suggestion in found:
        start, end = suggestion["start"], suggestion["end"]
        assert text[start:end] == suggestion["text"]
        assert _on_word_boundaries(text, start, end), suggestion
    spans = sorted((s["start"], s["end"]) for s in found)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False))


def test_those_who_attack_are_offered_as_an_armed_group() -> None:
    """ "the terrorists", "the attackers" name an actor (guidelines §1), as "jihadists" do;
    the adjective "terrorist" and a word inside a longer one do not."""
    from annotator.suggestions.rules import suggest_collective_groups

    def offered(text: str) -> list[tuple[str, str]]:
        return [(text[s["start"] : s["end"]], s["label"]) for s in suggest_collective_groups(text)]

    assert offered("We will drive the terrorists out of Rakhine.") == [
        ("terrorists", "ARMED_GROUP")
    ]
    assert offered("The attackers fled on motorbikes.") == [("attackers", "ARMED_GROUP")]
    assert offered("It was a terrorist attack on counter-terrorists units.") == []
