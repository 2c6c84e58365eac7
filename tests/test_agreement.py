"""Inter-annotator agreement (no app, no database): every figure checked against values worked
out by hand beside each test. A wrong figure here would tell a lead that annotators agree
when they do not, or send them to re-train the wrong people."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from annotator.agreement import agreement, paragraph_disagreement
from annotator.annotation.model import Content, Entity, Quote, Span, Stance

SUPPORT, OPPOSE = "SUPPORT", "OPPOSE"


def _content(
    entities: list[Entity] | None = None,
    stances: list[Stance] | None = None,
    quotes: list[Quote] | None = None,
) -> Content:
    return Content(
        status="submitted", entities=entities or [], stances=stances or [], quotes=quotes or []
    )


def _reasons(result: dict[str, Any]) -> list[str]:
    """Every ``*_reason`` key in a result, at any depth."""
    found = []
    for key, value in result.items():
        if key.endswith("_reason"):
            found.append(key)
        elif isinstance(value, dict):
            found += _reasons(value)
    return found


def _stances(*polarities: str | None) -> tuple[list[Entity], list[Stance]]:
    """One holder (0, 5) and one stance per polarity towards text span (10*k, 10*k + 5), k >= 1;
    None leaves that stance out, so that the keys line up across annotators."""
    stances = [
        Stance(f"s{k}", "h", Span(10 * k, 10 * k + 5), polarity)
        for k, polarity in enumerate(polarities, start=1)
        if polarity is not None
    ]
    return [Entity("h", 0, 5, "PERSON")], stances


def test_identical_annotations_agree_perfectly_whatever_their_ids() -> None:
    """Two annotators who marked the same things score 1.0 everywhere, even with other ids."""
    ann = _content(
        [Entity("e1", 0, 5, "ORG", "un"), Entity("e2", 10, 15, "PER"), Entity("e3", 20, 25, "ORG")],
        [
            Stance("s1", "e1", "e2", SUPPORT),
            Stance("s2", "e2", Span(30, 40), OPPOSE),
            Stance("s3", "e3", "e1", SUPPORT),
        ],
        [Quote(id="q1", speaker="e2", cue=Span(16, 19), content=Span(41, 60), type="DIRECT")],
    )
    bob = _content(
        [Entity("x9", 20, 25, "ORG"), Entity("x7", 0, 5, "ORG", "un"), Entity("x8", 10, 15, "PER")],
        [
            Stance("t1", "x9", "x7", SUPPORT),
            Stance("t2", "x7", "x8", SUPPORT),
            Stance("t3", "x8", Span(30, 40), OPPOSE),
        ],
        [Quote(id="r1", speaker="x8", cue=Span(16, 19), content=Span(41, 60), type="DIRECT")],
    )
    result = agreement([("p1", {"bob": bob, "ann": ann})])
    # Stances: 3 units, all agreeing, 2 polarities: alpha = 1 - 0/De = 1;
    # kappa: po = 1, pe = (2/3)^2 + (1/3)^2 = 5/9, (1 - 5/9) / (1 - 5/9) = 1.
    expected = {
        "entities": {
            "f1_exact": 1.0,
            "f1_overlap": 1.0,
            "per_label": {
                "ORG": {"f1_exact": 1.0, "f1_overlap": 1.0},
                "PER": {"f1_exact": 1.0, "f1_overlap": 1.0},
            },
        },
        # Only (0,5) is linked (to "un", by both): the unlinked spans say nothing of actors.
        "actors": {"accuracy": 1.0, "matched": 1},
        "stances": {"alpha": 1.0, "kappa": 1.0, "pairs": 3, "coverage": 1.0},
        "quotes": {"f1": 1.0, "cue_f1": 1.0, "type_accuracy": 1.0},
    }
    assert result == {
        "paragraphs": 1,
        **expected,
        "pairs": [{"annotators": ["ann", "bob"], "paragraphs": 1, **expected}],
    }
    assert not _reasons(result)
    json.dumps(result)


def test_disjoint_annotations_score_zero_and_empty_layers_say_why() -> None:
    """Annotators who marked different things score 0.0; a layer nobody used is None with a
    reason, not a 0 or a 1 that would read as a finding."""
    ann = _content([Entity("e1", 0, 5, "ORG")])
    bob = _content([Entity("e1", 10, 15, "PER")])
    overall = agreement([("p1", {"ann": ann, "bob": bob})])
    # tp = 0 of |A| + |B| = 2; no span shared, so no actor pair; no stance, no quote.
    assert overall["entities"] == {
        "f1_exact": 0.0,
        "f1_overlap": 0.0,
        "per_label": {
            "ORG": {"f1_exact": 0.0, "f1_overlap": 0.0},
            "PER": {"f1_exact": 0.0, "f1_overlap": 0.0},
        },
    }
    assert overall["actors"] == {
        "accuracy": None,
        "accuracy_reason": "no span that both marked was linked to an actor by either",
        "matched": 0,
    }
    stances = overall["stances"]
    assert (stances["alpha"], stances["kappa"], stances["coverage"]) == (None, None, None)
    assert stances["coverage_reason"] == "nobody made a stance"
    assert stances["alpha_reason"] == "no stance was made by two annotators"
    assert overall["pairs"][0]["stances"]["kappa_reason"] == "no stance was made by both annotators"
    assert overall["quotes"] == {
        "f1": None,
        "f1_reason": "nobody marked a quote",
        "cue_f1": None,
        "cue_f1_reason": "nobody marked a quote's cue",
        "type_accuracy": None,
        "type_accuracy_reason": "no quotes matched",
    }


def test_opposite_polarities_give_negative_alpha_and_kappa() -> None:
    """Annotators who always pick the other polarity get kappa -1 and alpha -0.5, below chance."""
    holder, ann = _stances(SUPPORT, OPPOSE)
    _, bob = _stances(OPPOSE, SUPPORT)
    result = agreement([("p1", {"ann": _content(holder, ann), "bob": _content(holder, bob)})])
    # kappa: po = 0, pe = 0.5 * 0.5 + 0.5 * 0.5 = 0.5, (0 - 0.5) / (1 - 0.5) = -1.
    # alpha: o(S,O) = o(O,S) = 2, n_S = n_O = 2, n = 4:
    #   1 - (n - 1) * 4 / (2 * n_S * n_O) = 1 - 3 * 4 / 8 = -0.5.
    assert result["stances"] == {"alpha": -0.5, "kappa": -1.0, "pairs": 2, "coverage": 1.0}


def test_overlapping_spans_count_for_overlap_f1_but_not_exact() -> None:
    """A span a few characters off counts as found by overlap only, per label; another label
    on the same stretch never counts."""
    ann = _content(
        [Entity("e1", 0, 10, "ORG"), Entity("e2", 20, 30, "PER"), Entity("e3", 50, 60, "LOC")]
    )
    bob = _content(
        [
            Entity("e1", 2, 10, "ORG"),
            Entity("e2", 25, 35, "PER"),
            Entity("e3", 40, 45, "ORG"),
            Entity("e4", 50, 60, "ORG"),  # ann's LOC stretch with another label
        ]
    )
    entities = agreement([("p1", {"ann": ann, "bob": bob})])["entities"]
    # exact: tp = 0. overlap: ORG (0,10)~(2,10) by 8, PER (20,30)~(25,35) by 5; (50,60) LOC vs
    # ORG does not count: 2 matches, F1 = 2 * 2 / (3 + 4) = 0.5714.
    # per label: ORG ann 1, bob 3, 1 match: 2 / 4 = 0.5; PER 1 + 1, 1 match: 1.0; LOC 1 + 0: 0.
    assert entities == {
        "f1_exact": 0.0,
        "f1_overlap": 0.5714,
        "per_label": {
            "LOC": {"f1_exact": 0.0, "f1_overlap": 0.0},
            "ORG": {"f1_exact": 0.0, "f1_overlap": 0.5},
            "PER": {"f1_exact": 0.0, "f1_overlap": 1.0},
        },
    }


def test_overlap_matching_is_one_to_one_largest_overlap_first() -> None:
    """One long span overlapping two short ones is matched once, to the larger overlap."""
    ann = _content([Entity("e1", 0, 20, "ORG")])
    bob = _content([Entity("e1", 0, 4, "ORG"), Entity("e2", 8, 20, "ORG")])
    pair = agreement([("p1", {"ann": ann, "bob": bob})])
    # overlaps 4 and 12; one match (with (8,20)): F1 = 2 * 1 / (1 + 2) = 0.6667.
    assert pair["entities"]["f1_overlap"] == 0.6667
    # Same-span pairs decide actor links: (0,20) has no partner, so nothing to compare.
    assert pair["actors"]["matched"] == 0


def test_actor_accuracy_compares_links_of_entities_on_the_same_span() -> None:
    """Actor links are compared wherever both marked the same span, whatever its label, and
    one of them linked it; two unlinked entities say nothing about actors."""
    ann = _content(
        [
            Entity("e1", 0, 5, "ORG", "un"),
            Entity("e2", 10, 15, "PER", "x"),
            Entity("e3", 20, 25, "ORG"),
        ]
    )
    bob = _content(
        [
            Entity("e1", 0, 5, "PER", "un"),
            Entity("e2", 10, 15, "PER", "y"),
            Entity("e3", 20, 25, "ORG"),
            Entity("e4", 30, 35, "ORG", "z"),
        ]
    )
    actors = agreement([("p1", {"ann": ann, "bob": bob})])["actors"]
    # 3 same-span pairs: un = un, x != y, and (20,25) unlinked by both (left out): 1 / 2.
    assert actors == {"accuracy": 0.5, "matched": 2}


def test_a_single_polarity_leaves_alpha_and_kappa_undefined() -> None:
    """Two annotators who only ever said SUPPORT get no alpha or kappa (0/0), not a perfect 1."""
    holder, stances = _stances(SUPPORT, SUPPORT)
    result = agreement(
        [("p1", {"ann": _content(holder, stances), "bob": _content(holder, stances)})]
    )
    assert result["stances"] == {
        "alpha": None,
        "alpha_reason": "only one polarity (SUPPORT) on stances two made",
        "kappa": None,
        "kappa_reason": "no pair has a defined kappa",
        "pairs": 2,
        "coverage": 1.0,
    }
    assert result["pairs"][0]["stances"]["kappa_reason"] == (
        "only one polarity (SUPPORT) on stances both made"
    )


def test_a_stance_one_annotator_left_out_lowers_coverage_not_alpha() -> None:
    """A stance only one annotator made counts against coverage; alpha and kappa judge the
    polarities of the stances both made (the missing one is nan in alpha's matrix)."""
    holder, ann = _stances(SUPPORT, OPPOSE, SUPPORT, OPPOSE)
    _, bob = _stances(SUPPORT, OPPOSE, OPPOSE, None)
    stances = agreement([("p1", {"ann": _content(holder, ann), "bob": _content(holder, bob)})])
    # keys: both made k1..k3, ann alone k4: pairs 3, coverage 3 / 4 = 0.75.
    # kappa on k1..k3: ann S O S, bob S O O: po = 2/3; pe = 2/3 * 1/3 + 1/3 * 2/3 = 4/9;
    #   (2/3 - 4/9) / (1 - 4/9) = 0.4.
    # alpha: units (S,S), (O,O), (S,O), (O,nan): o(S,S) = 2, o(O,O) = 2, o(S,O) = o(O,S) = 1;
    #   n_S = n_O = 3, n = 6: 1 - 5 * 2 / (2 * 3 * 3) = 8/18 = 0.4444.
    assert stances["stances"] == {"alpha": 0.4444, "kappa": 0.4, "pairs": 3, "coverage": 0.75}


def test_an_entity_target_and_the_same_text_span_are_different_stances() -> None:
    """A stance towards an entity and one towards the same stretch as plain text do not match."""
    ann = _content(
        [Entity("h", 0, 5, "PER"), Entity("t", 10, 15, "ORG")], [Stance("s1", "h", "t", SUPPORT)]
    )
    bob = _content(
        [Entity("h", 0, 5, "PER"), Entity("t", 10, 15, "ORG")],
        [Stance("s1", "h", Span(10, 15), SUPPORT)],
    )
    stances = agreement([("p1", {"ann": ann, "bob": bob})])["stances"]
    assert (stances["pairs"], stances["coverage"]) == (0, 0.0)


def test_three_annotators_are_compared_in_pairs_and_micro_averaged() -> None:
    """With three annotators every pair is listed; the overall figure adds their counts, and a
    paragraph only one annotator did is left out."""
    org = Entity("h", 0, 5, "ORG")
    per = Entity("e2", 10, 15, "PER")
    k1, k2 = Span(30, 40), Span(50, 60)
    ann = _content([org, per], [Stance("s1", "h", k1, SUPPORT), Stance("s2", "h", k2, OPPOSE)])
    bob = _content([org], [Stance("s1", "h", k1, SUPPORT), Stance("s2", "h", k2, SUPPORT)])
    cat = _content([org, per, Entity("e3", 20, 25, "ORG")], [Stance("s1", "h", k1, SUPPORT)])
    small = _content([Entity("e1", 0, 3, "ORG")])
    result = agreement(
        [
            ("p1", {"cat": cat, "ann": ann, "bob": bob}),
            ("p2", {"ann": small, "bob": small}),
            ("p3", {"cat": cat}),
        ]
    )
    # entities, p1: ann-bob tp 1 of 3, ann-cat 2 of 5, bob-cat 1 of 4; p2: ann-bob 1 of 2.
    #   ann-bob 2 * 2 / 5 = 0.8, ann-cat 4 / 5 = 0.8, bob-cat 2 / 4 = 0.5;
    #   overall 2 * (2 + 2 + 1) / (5 + 5 + 4) = 10 / 14 = 0.7143 (the mean of pairs: 0.7).
    # stances (p1 only): k1 S S S, k2 O S -.
    #   ann-bob: both 2 of 2; kappa: po 1/2, pe = 1/2 * 1 + 1/2 * 0 = 1/2, so 0.0;
    #     alpha: o(S,S) 2, o(S,O) = o(O,S) 1, n_S 3, n_O 1, n 4: 1 - 3 * 2 / (2 * 3) = 0.0.
    #   ann-cat, bob-cat: both made k1 only, all SUPPORT: kappa and alpha undefined.
    #   overall: pairs 2 + 1 + 1 = 4, coverage 4 / (2 + 2 + 2) = 0.6667, kappa mean of [0.0];
    #     alpha: k1 m=3: o(S,S) = 3 * 2 / 2 = 3; k2: o(S,O) = o(O,S) = 1; n_S 4, n_O 1, n 5:
    #     1 - 4 * 2 / (2 * 4 * 1) = 0.0.
    assert result["paragraphs"] == 2
    assert result["entities"]["f1_exact"] == 0.7143
    assert result["stances"] == {"alpha": 0.0, "kappa": 0.0, "pairs": 4, "coverage": 0.6667}
    pairs = {tuple(pair["annotators"]): pair for pair in result["pairs"]}
    assert list(pairs) == [("ann", "bob"), ("ann", "cat"), ("bob", "cat")]
    assert [pair["paragraphs"] for pair in pairs.values()] == [2, 1, 1]
    assert [pair["entities"]["f1_exact"] for pair in pairs.values()] == [0.8, 0.8, 0.5]
    assert pairs["ann", "bob"]["stances"] == {
        "alpha": 0.0,
        "kappa": 0.0,
        "pairs": 2,
        "coverage": 1.0,
    }
    assert pairs["ann", "cat"]["stances"]["alpha_reason"] == (
        "only one polarity (SUPPORT) on stances two made"
    )
    assert pairs["bob", "cat"]["stances"]["kappa"] is None


def test_paragraphs_with_one_annotator_are_ignored() -> None:
    """A paragraph only one person annotated has nobody to agree with: nothing is reported."""
    result = agreement([("p1", {"ann": _content([Entity("e1", 0, 5, "ORG")])})])
    assert result["paragraphs"] == 0
    assert result["pairs"] == []
    assert result["entities"]["f1_exact"] is None
    assert result["entities"]["f1_exact_reason"] == "nobody marked an entity"
    assert paragraph_disagreement([("p1", {"ann": _content()})]) == []


def test_quotes_match_by_speaker_span_and_content_overlap() -> None:
    """Quotes match when their speakers' spans agree (or both have none) and their contents
    overlap; cues are compared exactly, and types on the matched quotes."""
    ann = _content(
        [Entity("e1", 0, 5, "PER")],
        quotes=[
            Quote(id="q1", speaker="e1", cue=Span(6, 10), content=Span(12, 40), type="DIRECT"),
            Quote(id="q2", content=Span(50, 70), type="INDIRECT"),
            Quote(id="q3", speaker="e1", cue=Span(72, 76), content=Span(80, 90), type="DIRECT"),
        ],
    )
    bob = _content(
        [Entity("x1", 0, 5, "PER")],
        quotes=[
            Quote(id="r1", speaker="x1", cue=Span(6, 10), content=Span(15, 45), type="INDIRECT"),
            Quote(id="r2", cue=Span(46, 49), content=Span(55, 65), type="INDIRECT"),
            Quote(id="r3", content=Span(80, 90), type="DIRECT"),  # ann's q3 without its speaker
        ],
    )
    quotes = agreement([("p1", {"ann": ann, "bob": bob})])["quotes"]
    # matches: q1~r1 (same speaker span, overlap), q2~r2 (no speaker either); q3 has a speaker,
    #   r3 none: f1 = 2 * 2 / (3 + 3) = 0.6667. types: DIRECT/INDIRECT, INDIRECT/INDIRECT: 0.5.
    # cues: ann (6,10), (72,76); bob (6,10), (46,49): tp 1, 2 * 1 / (2 + 2) = 0.5.
    assert quotes == {"f1": 0.6667, "cue_f1": 0.5, "type_accuracy": 0.5}


def test_paragraphs_are_ranked_most_disagreeing_first() -> None:
    """The review list starts with the paragraphs annotators disagree on most; ties by id."""
    org, other = Entity("e1", 0, 5, "ORG"), Entity("e2", 10, 15, "ORG")
    holder, stance = _stances(SUPPORT)
    paragraphs = [
        ("p_same", {"ann": _content([org]), "bob": _content([org])}),
        ("p_half", {"ann": _content([org]), "bob": _content([org, other])}),
        ("p_none", {"ann": _content(), "bob": _content()}),
        ("p_diff", {"ann": _content([org]), "bob": _content([other])}),
        ("p_mix", {"ann": _content(holder, stance), "bob": _content(holder)}),
        ("p_one", {"ann": _content([org])}),
    ]
    # p_diff: 1 - 0 = 1; p_mix: entities 1.0, coverage 0 / 1 = 0: 1 - 0.5 = 0.5;
    # p_half: 1 - 2 / 3 = 0.3333; p_none and p_same score 0, by id; p_one is left out.
    assert paragraph_disagreement(paragraphs) == [
        ("p_diff", 1.0),
        ("p_mix", 0.5),
        ("p_half", 0.3333),
        ("p_none", 0.0),
        ("p_same", 0.0),
    ]


@st.composite
def _annotations(draw: st.DrawFn) -> Content:
    """Any valid annotation of a 100-character paragraph, duplicates and all."""
    spans = st.tuples(st.integers(0, 98), st.integers(1, 10)).map(
        lambda s: Span(s[0], min(100, s[0] + s[1]))
    )
    entities = [
        Entity(f"e{i}", span.start, span.end, label, actor)
        for i, (span, label, actor) in enumerate(
            draw(
                st.lists(
                    st.tuples(
                        spans, st.sampled_from(["ORG", "PER"]), st.sampled_from([None, "un"])
                    ),
                    max_size=6,
                )
            )
        )
    ]
    ids = st.sampled_from([e.id for e in entities]) if entities else st.nothing()
    stances = [
        Stance(f"s{i}", holder, target, polarity)
        for i, (holder, target, polarity) in enumerate(
            draw(
                st.lists(
                    st.tuples(ids, ids | spans, st.sampled_from([SUPPORT, OPPOSE, "NEUTRAL"])),
                    max_size=4 if entities else 0,
                )
            )
        )
    ]
    quotes = [
        Quote(id=f"q{i}", speaker=speaker, cue=cue, content=content, type=kind)
        for i, (speaker, cue, content, kind) in enumerate(
            draw(
                st.lists(
                    st.tuples(
                        st.none() | ids,
                        st.none() | spans,
                        spans,
                        st.sampled_from(["DIRECT", "MIXED"]),
                    ),
                    max_size=3,
                )
            )
        )
    ]
    return _content(entities, stances, quotes)


FIGURES = {"f1", "f1_exact", "f1_overlap", "cue_f1", "accuracy", "type_accuracy", "coverage"}


def _values(result: dict[str, Any]) -> list[float | None]:
    """Every F1, accuracy, coverage, alpha and kappa in a result, at any depth."""
    found = []
    for key, value in result.items():
        if isinstance(value, dict):
            found += _values(value)
        elif key in FIGURES | {"alpha", "kappa"}:
            found.append(value)
    return found


def _copy(content: Content) -> Content:
    """The same annotation with other ids, its layers in reverse order."""
    ids = {e.id: f"x{e.id}" for e in content.entities}
    entities = [Entity(ids[e.id], e.start, e.end, e.label, e.actor) for e in content.entities]
    stances = [
        Stance(f"x{s.id}", ids[s.holder], ids.get(s.target, s.target), s.polarity)  # type: ignore[arg-type]
        for s in content.stances
    ]
    quotes = [
        Quote(
            id=f"x{q.id}",
            speaker=ids[q.speaker] if q.speaker else None,
            cue=q.cue,
            content=q.content,
            type=q.type,
        )
        for q in content.quotes
    ]
    return _content(entities[::-1], stances[::-1], quotes[::-1])


@given(_annotations())
def test_an_annotation_agrees_perfectly_with_a_copy_of_itself(content: Content) -> None:
    """Whatever an annotator marked, a copy of it (other ids, other order) scores 1.0 on every
    defined figure, and its paragraph comes last in the review list."""
    result = agreement([("p1", {"ann": content, "bob": _copy(content)})])
    assert {value for value in _values(result) if value is not None} <= {1.0}
    assert paragraph_disagreement([("p1", {"ann": content, "bob": _copy(content)})]) == [
        ("p1", 0.0)
    ]
