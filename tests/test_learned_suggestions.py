"""Suggestions learned from the team's labels, alone (no app): what is learned, how a save
changes the counts, when a mostly rejected text stops being offered, and where a learned
text is found again (Arabic, emoji, repeated names; offsets in code points)."""

from __future__ import annotations

import statistics
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.suggestions.learned import (
    EMPTY,
    Counts,
    LearnedEntry,
    LearnedMatcher,
    contribution,
    delta,
    is_offered,
    learnable_key,
    winners,
)
from annotator.suggestions.matching import AliasEntry, AliasMatcher
from annotator.suggestions.service import _with_learned

TEXT = "Faisal Meqdad met Meqdad's aides; 2015 was hard."


def at(text: str, words: str) -> tuple[int, int]:
    start = text.index(words)
    return start, start + len(words)


@pytest.mark.parametrize(
    ("span", "key"),
    [
        ("Meqdad", "meqdad"),
        ("Faisal  Meqdad", "faisal meqdad"),
        ("المقداد", "المقداد"),
        ("UN", None),  # two characters
        ("2015", None),  # a number
        ("1,000", None),
        ("👍👍👍", None),  # no letter
        ("the", None),  # a lone function word
        ("x" * 101, None),  # too long for a name
    ],
)
def test_short_numeric_and_function_word_spans_are_not_learned(span: str, key: str | None) -> None:
    """A span of one or two characters, without a letter, or a lone "the" teaches nothing."""
    assert learnable_key(span) == key


def test_a_submitted_annotation_teaches_its_spans_once_each() -> None:
    """Submitting "Meqdad" twice in one paragraph counts one annotation; a draft teaches nothing."""
    first, second = at(TEXT, "Faisal Meqdad"), (18, 24)
    entities = [
        (*first, "PERSON", "meqdad"),
        (*second, "PERSON", None),
        (*at(TEXT, "2015"), "DATE", None),
    ]
    taught = contribution(TEXT, True, entities, [])
    assert dict(taught.submitted) == {
        ("faisal meqdad", "PERSON", "meqdad"): "Faisal Meqdad",
        ("meqdad", "PERSON", ""): "Meqdad",
    }
    assert contribution(TEXT, False, entities, []).submitted == {}


def test_saving_again_changes_only_what_changed() -> None:
    """Saving the same annotation again adds nothing; removing a span takes it back; only
    decisions on learned suggestions count as acceptances and rejections."""
    meqdad = (18, 24, "PERSON", None)
    old = contribution(TEXT, True, [meqdad], [])
    assert delta(old, old) == {}
    decisions = [
        ("sug-l-0-13", 0, 13, "PERSON", "meqdad", "rejected"),
        ("sug-e-0-13", 0, 13, "PERSON", "meqdad", "rejected"),  # a registry match: not counted
        ("sug-l-18-24", 18, 24, "PERSON", None, "accepted"),
    ]
    new = contribution(TEXT, True, [], decisions)
    assert delta(old, new) == {
        ("meqdad", "PERSON", ""): (Counts(-1, 1, 0), "Meqdad"),
        ("faisal meqdad", "PERSON", "meqdad"): (Counts(0, 0, 1), "faisal meqdad"),
    }
    assert delta(EMPTY, old) == {("meqdad", "PERSON", ""): (Counts(1, 0, 0), "Meqdad")}


@pytest.mark.parametrize(
    ("counts", "offered"),
    [
        (Counts(1, 0, 0), True),
        (Counts(1, 0, 1), True),  # one rejection is not enough
        (Counts(1, 0, 2), False),  # two rejections of a text submitted once
        (Counts(2, 1, 3), True),  # more support than rejections
        (Counts(1, 1, 3), False),
        (Counts(0, 0, 0), False),  # nothing left that taught it
    ],
)
def test_a_mostly_rejected_text_stops_being_offered(counts: Counts, offered: bool) -> None:
    """Offered while rejections < 2 or rejections <= submissions + acceptances."""
    assert is_offered(counts) is offered


def test_the_best_supported_label_of_a_text_is_offered() -> None:
    """Where the team gave a text two labels, the one with the most support net of
    rejections wins; a rejected-out one gives way to the next."""
    rows = [
        ("meqdad", "PERSON", "meqdad", "Meqdad", Counts(3, 0, 0)),
        ("meqdad", "ORGANIZATION", "", "Meqdad", Counts(1, 0, 0)),
        ("hamas", "ARMED_GROUP", "hamas", "Hamas", Counts(1, 0, 2)),
        ("hamas", "ORGANIZATION", "hamas", "Hamas", Counts(1, 0, 0)),
    ]
    assert winners(rows) == {
        "meqdad": LearnedEntry("meqdad", "Meqdad", "PERSON", "meqdad"),
        "hamas": LearnedEntry("hamas", "Hamas", "ORGANIZATION", "hamas"),
    }


MATCHER = LearnedMatcher(
    [
        LearnedEntry("meqdad", "Meqdad", "PERSON", "meqdad"),
        LearnedEntry("faisal meqdad", "Faisal Meqdad", "PERSON", "meqdad"),
        LearnedEntry("المقداد", "المقداد", "PERSON", None),
        LearnedEntry("unrwa", "UNRWA", "ORGANIZATION", "unrwa"),
    ]
)


def test_a_learned_text_is_offered_wherever_it_occurs_with_its_label_and_actor() -> None:
    """Every occurrence, longest first, with the label and actor the team gave; Arabic after
    emoji at code-point offsets; short capitals only in capitals."""
    text = "👨‍👩‍👧 Faisal Meqdad and MEQDAD met; قال المقداد. Unrwa? UNRWA!"
    found = MATCHER.suggest(text)
    assert [(s["text"], s["label"], s["actor"], s["source"]) for s in found] == [
        ("Faisal Meqdad", "PERSON", "meqdad", "learned"),
        ("MEQDAD", "PERSON", "meqdad", "learned"),
        ("المقداد", "PERSON", None, "learned"),
        ("UNRWA", "ORGANIZATION", "unrwa", "learned"),
    ]
    assert found[0]["start"] == 6  # the family emoji is five code points and a space
    assert all(s["id"].startswith("sug-l-") for s in found)


FRAGMENTS = st.sampled_from(
    ["Meqdad", "Faisal Meqdad", "المقداد", "وقال", "👨‍👩‍👧", "é", "e\u0301", " ", "-", "UNRWA", "x"]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(FRAGMENTS | st.text(max_size=5), max_size=12))
def test_every_learned_suggestion_slices_to_its_text(parts: list[str]) -> None:
    """Whatever the text, a learned suggestion's offsets slice to its text."""
    text = "".join(parts)
    for suggestion in MATCHER.suggest(text):
        assert 0 <= suggestion["start"] < suggestion["end"] <= len(text)
        assert text[suggestion["start"] : suggestion["end"]] == suggestion["text"]


def test_thousands_of_learned_texts_build_once_and_suggest_fast() -> None:
    """5,000 learned texts: the matcher builds in well under a second and a paragraph's
    lookup costs about what it costs with ten."""
    entries = [
        LearnedEntry(f"person{i} name", f"Person{i} Name", "PERSON", None) for i in range(5000)
    ]
    started = time.perf_counter()
    large = LearnedMatcher(entries)
    assert time.perf_counter() - started < 1.0
    small = LearnedMatcher(entries[:10])
    paragraph = "Person42 Name said the talks failed, " * 20

    def median(matcher: LearnedMatcher) -> float:
        runs = []
        for _ in range(20):
            started = time.perf_counter()
            matcher.suggest(paragraph)
            runs.append(time.perf_counter() - started)
        return statistics.median(runs)

    assert len(large.suggest(paragraph)) == 20
    assert median(large) < 5 * median(small) + 0.001


REGISTRY = AliasMatcher(
    [
        AliasEntry("meqdad", "Faisal Meqdad", "STATE_FORCES", "Meqdad", "PERSON"),
        AliasEntry("unrwa", "UNRWA", "INTERNATIONAL_ORGANIZATION", "UNRWA"),
        AliasEntry("is", "Islamic State", "REBEL_GROUP", "داعش"),
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(FRAGMENTS | st.text(max_size=5), max_size=12))
def test_registry_and_learned_together_offer_one_suggestion_per_span(parts: list[str]) -> None:
    """Registry and learned matches merged: each span offered once, none overlapping, every
    offset slicing to its text, the learned one winning a shared span."""
    text = "".join(parts)
    registry = REGISTRY.suggest(text)
    merged = _with_learned(registry, MATCHER.suggest(text), 0)
    spans = sorted((s["start"], s["end"]) for s in merged)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False))
    for suggestion in merged:
        assert text[suggestion["start"] : suggestion["end"]] == suggestion["text"]
    learned_spans = {(s["start"], s["end"]) for s in MATCHER.suggest(text)}
    for suggestion in merged:
        if (suggestion["start"], suggestion["end"]) in learned_spans:
            assert suggestion["source"] == "learned"


def test_a_learned_word_gives_way_to_a_longer_rule_phrase_of_its_label() -> None:
    """ "government" learned STATE_ACTOR from one paragraph must not cut the named phrase
    "Congolese government" down to its last word in the next; a learned text the rules'
    phrase does not hold whole, or holds with another label, keeps its place."""
    from annotator.suggestions.rules import suggest_by_rules
    from annotator.suggestions.service import _with_rules

    text = "The Congolese government says the rebels are a proxy of Rwanda."

    def learned(words: str, label: str) -> dict[str, object]:
        start = text.index(words)
        return {
            "id": f"sug-l-{start}",
            "source": "learned",
            "kind": "entity",
            "start": start,
            "end": start + len(words),
            "text": words,
            "label": label,
            "actor": None,
        }

    def offered(*learned_ones: dict[str, object]) -> dict[str, str]:
        merged = _with_rules(list(learned_ones), lambda taken: suggest_by_rules(text, [], taken))
        return {text[s["start"] : s["end"]]: s["source"] for s in merged}

    assert offered(learned("government", "STATE_ACTOR"))["Congolese government"] == "phrase"
    assert "government" not in offered(learned("government", "STATE_ACTOR"))
    # Another label: the team's label stands, and the rule phrase is not offered over it.
    assert offered(learned("government", "ORGANIZATION")) == {
        "government": "learned",
        "rebels": "group",
    }
