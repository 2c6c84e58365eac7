"""Alias and reporting-verb matching alone (no app): what a paragraph would be offered."""

from __future__ import annotations

import statistics
import time

from annotator.suggestions.matching import AliasEntry, AliasMatcher, suggest_cues

MATCHER_ENTRIES = [
    AliasEntry("islamic-state", "Islamic State", "REBEL_GROUP", "Islamic State"),
    AliasEntry("islamic-state", "Islamic State", "REBEL_GROUP", "IS"),
    AliasEntry("islamic-state", "Islamic State", "REBEL_GROUP", "داعش"),
    AliasEntry("jaysh-al-islam", "Jaysh al-Islam", "REBEL_GROUP", "Jaysh al-Islam"),
    AliasEntry(
        "plo", "Palestine Liberation Organization", "POLITICAL_MILITIA", "PLO", "ORGANIZATION"
    ),
    AliasEntry("hamas", "Hamas", "POLITICAL_MILITIA", "the movement"),
    AliasEntry("fatah", "Fatah", "POLITICAL_MILITIA", "the movement"),
]
MATCHER = AliasMatcher(MATCHER_ENTRIES)


def _found(text: str) -> list[tuple[str, str, str]]:
    return [(s["text"], s["actor"], s["label"]) for s in MATCHER.suggest(text)]


def test_aliases_match_whole_words_with_their_actor_and_label() -> None:
    """Each alias is offered with its actor and the entity type its actor suggests."""
    assert _found("The PLO and the Islamic State met.") == [
        ("PLO", "plo", "ORGANIZATION"),
        ("Islamic State", "islamic-state", "ARMED_GROUP"),
    ]


def test_short_capital_aliases_match_only_in_capitals() -> None:
    """ "IS" is the Islamic State; "is" and "this" are not."""
    assert _found("This is where IS fought.") == [("IS", "islamic-state", "ARMED_GROUP")]


def test_spelling_variants_meet() -> None:
    """Dashes, spaces and case do not stop a match; Arabic matches; offsets are code points
    (the family emoji before them is five)."""
    found = MATCHER.suggest("👨‍👩‍👧 Jaysh al Islam and داعش")
    assert [(s["start"], s["end"], s["actor"]) for s in found] == [
        (6, 20, "jaysh-al-islam"),
        (25, 29, "islamic-state"),
    ]
    assert [s["actor"] for s in MATCHER.suggest("jaysh-al-islam")] == ["jaysh-al-islam"]


def test_an_alias_of_two_actors_offers_the_other_as_an_alternative() -> None:
    """A shared alias names one actor and lists the other for the annotator to pick."""
    (only,) = MATCHER.suggest("Officials of the movement said so.")
    assert (only["actor"], only["alternatives"]) == ("fatah", ["hamas"])


def test_reporting_verbs_are_offered_as_cues() -> None:
    """said, told (with its addressee), according to are cues; "member states" is not."""
    cues = [
        c["text"] for c in suggest_cues("He said, according to AFP, that member states told him.")
    ]
    assert cues == ["said", "according to", "told him"]  # the addressee is in the cue


def test_a_registry_of_20000_aliases_suggests_as_fast_as_a_small_one() -> None:
    """Opening a paragraph stays quick however large the registry: a 3,000-character
    paragraph is searched for 20,000 aliases in milliseconds (a pattern of alternatives took
    seconds), and the large registry offers the same suggestions as the small one."""
    filler = [
        AliasEntry(f"outlet-{i // 200}", f"Outlet {i // 200}", "MEDIA", f"Outlet {i} bulletin")
        for i in range(20_000)
    ]
    large = AliasMatcher([*filler, *MATCHER_ENTRIES])
    text = " ".join(["The PLO and the Islamic State met; داعش and Jaysh al-Islam did not."] * 45)
    assert len(text) > 3_000
    timings = []
    for _ in range(5):
        start = time.perf_counter()
        found = large.suggest(text)
        timings.append(time.perf_counter() - start)
    assert found == MATCHER.suggest(text) and len(found) == 180
    assert statistics.median(timings) < 0.05, f"{statistics.median(timings):.3f} s"
