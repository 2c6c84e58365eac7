"""Inter-annotator agreement per layer: entities, actor links, stances and quotes.

Ids are local to one annotation (one annotator's ``e1`` is unrelated to another's), so
everything is matched by spans: code points into the paragraph text. Every figure compares
two annotators on one paragraph; the overall figures add the counts of every pair on every
paragraph (micro-averaged), each pair's figures those of its shared paragraphs. A figure the
data cannot define is None with a ``<name>_reason`` beside it, never a made-up 0 or 1.
Pure: no database, no app.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from itertools import combinations
from typing import Any

import krippendorff
import numpy as np
from nltk.metrics.agreement import AnnotationTask

from annotator.annotation.model import Content

Paragraphs = Iterable[tuple[str, Mapping[str, Content]]]
# The polarities two annotators gave one stance key: None where one did not make it.
Unit = tuple[str | None, str | None]

NO_ENTITY = "nobody marked an entity"


class _Side:
    """One annotation keyed by spans, prepared once per paragraph for all its pairs."""

    __slots__ = ("entities", "exact", "labels", "by_span", "stances", "quotes", "cues")

    def __init__(self, content: Content) -> None:
        spans = {e.id: (e.start, e.end) for e in content.entities}
        self.entities = [(e.start, e.end, e.label) for e in content.entities]
        self.exact = Counter(self.entities)
        self.labels = Counter(e.label for e in content.entities)
        self.by_span: dict[tuple[int, int], list[tuple[str, str | None]]] = defaultdict(list)
        for e in content.entities:
            self.by_span[(e.start, e.end)].append((e.label, e.actor))
        # A stance is (holder's span, target); an entity target and the same text span differ.
        polarities = defaultdict(list)
        for s in content.stances:
            target = (
                ("entity", *spans[s.target])
                if isinstance(s.target, str)
                else ("span", s.target.start, s.target.end)
            )
            polarities[spans[s.holder], target].append(s.polarity)
        # A key made twice is two stances, paired in polarity order (not the annotation's).
        self.stances = {
            (key, n): polarity
            for key, made in polarities.items()
            for n, polarity in enumerate(sorted(made))
        }
        self.quotes = [
            (spans[q.speaker] if q.speaker else None, q.content.start, q.content.end, q.type)
            for q in content.quotes
        ]
        self.cues = Counter((q.cue.start, q.cue.end) for q in content.quotes if q.cue)


def _greedy(candidates: list[tuple[int, ...]]) -> list[tuple[int, int]]:
    """One-to-one matching: candidates (…, i, j) taken in sorted order while both are free."""
    used_a, used_b, matched = set(), set(), []
    for *_, i, j in sorted(candidates):
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            matched.append((i, j))
    return matched


def _entity_overlaps(a: _Side, b: _Side) -> list[tuple[int, int]]:
    """Same-label spans sharing a code point, largest overlap first, then earliest start."""
    candidates = []
    for i, (s1, e1, l1) in enumerate(a.entities):
        for j, (s2, e2, l2) in enumerate(b.entities):
            if l1 == l2 and s2 < e1 and s1 < e2:  # they share a code point
                overlap = min(e1, e2) - max(s1, s2)
                candidates.append((-overlap, s1, s2, e1, e2, i, j))
    return _greedy(candidates)


def _same_span_pairs(a: _Side, b: _Side) -> Iterator[tuple[str | None, str | None]]:
    """The actor keys of entities with the same span on both sides (same labels paired first)."""
    for span in a.by_span.keys() & b.by_span.keys():
        left, right = a.by_span[span], b.by_span[span]
        if len(left) == len(right) == 1:  # nearly always
            yield left[0][1], right[0][1]
            continue

        def order(item: tuple[str, str | None]) -> tuple[str, bool, str]:
            return item[0], item[1] is not None, item[1] or ""

        rest, right = [], sorted(right, key=order)
        for label, actor in sorted(left, key=order):
            k = next((k for k, other in enumerate(right) if other[0] == label), None)
            if k is None:
                rest.append(actor)
            else:
                yield actor, right.pop(k)[1]
        yield from zip(rest, (actor for _, actor in right), strict=False)


def _quote_matches(a: _Side, b: _Side) -> list[tuple[int, int]]:
    """Quotes with equal speaker spans (or both none) whose contents overlap, largest first
    (then earliest start; then, of two on the same stretch, the one of the same type)."""
    candidates = []
    for i, (speaker1, s1, e1, type1) in enumerate(a.quotes):
        for j, (speaker2, s2, e2, type2) in enumerate(b.quotes):
            if speaker1 == speaker2 and s2 < e1 and s1 < e2:  # they share a code point
                overlap = min(e1, e2) - max(s1, s2)
                candidates.append((-overlap, s1, s2, e1, e2, type1 != type2, i, j))
    return _greedy(candidates)


def _compare(a: _Side, b: _Side) -> Counter[Any]:
    """The counts two annotations give every figure but alpha and kappa (they need the units)."""
    t: Counter[Any] = Counter()
    t["entities"] = len(a.entities) + len(b.entities)
    for side in (a, b):
        for label, n in side.labels.items():
            t["label", label, "entities"] += n
    for key, n in a.exact.items():
        if both := 2 * min(n, b.exact[key]):
            t["entity_exact"] += both
            t["label", key[2], "exact"] += both
    for i, _ in _entity_overlaps(a, b):
        t["entity_overlap"] += 2
        t["label", a.entities[i][2], "overlap"] += 2
    for actor_a, actor_b in _same_span_pairs(a, b):
        if actor_a is None and actor_b is None:
            continue  # neither linked the span: nothing said about actors to agree on
        t["actor_matched"] += 1
        t["actor_same"] += actor_a == actor_b
    t["stance_both"] = len(a.stances.keys() & b.stances.keys())
    t["stance_either"] = len(a.stances.keys() | b.stances.keys())
    matches = _quote_matches(a, b)
    t["quotes"] = len(a.quotes) + len(b.quotes)
    t["quote_matched"] = 2 * len(matches)
    t["quote_same_type"] = sum(a.quotes[i][3] == b.quotes[j][3] for i, j in matches)
    t["cues"] = a.cues.total() + b.cues.total()
    t["cue_exact"] = 2 * (a.cues & b.cues).total()
    return t


def _prepared(paragraphs: Paragraphs) -> Iterator[tuple[str, dict[str, _Side]]]:
    """Paragraphs with at least two annotators, each annotation prepared once."""
    for paragraph_id, by_annotator in paragraphs:
        if len(by_annotator) >= 2:
            yield paragraph_id, {name: _Side(content) for name, content in by_annotator.items()}


def _put(out: dict[str, Any], name: str, value: float | None, reason: str) -> None:
    """``out[name]`` rounded, or None with the reason beside it."""
    if value is None or math.isnan(value):
        out[name], out[f"{name}_reason"] = None, reason
    else:
        out[name] = round(float(value), 4)


def _ratio(out: dict[str, Any], name: str, part: int, whole: int, reason: str) -> None:
    _put(out, name, part / whole if whole else None, reason)


def _alpha(matrix: np.ndarray, codes: list[str]) -> Figure:
    """Nominal Krippendorff's alpha of an annotators × units matrix of polarity codes (nan where
    one did not make the stance), or None with why: the library would fail or divide 0 by 0."""
    pairable = matrix[:, (~np.isnan(matrix)).sum(axis=0) >= 2]
    values = np.unique(pairable[~np.isnan(pairable)])
    if values.size == 0:
        return None, "no stance was made by two annotators"
    if values.size == 1:
        return None, f"only one polarity ({codes[int(values[0])]}) on stances two made"
    with np.errstate(divide="ignore", invalid="ignore"):
        value = krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal")
    return float(value), "alpha is 0/0 on these stances"


def _kappa(units: list[Unit]) -> Figure:
    """Cohen's kappa of one pair's polarities on the stances both made, or None with why."""
    both = [(p, q) for p, q in units if p is not None and q is not None]
    if not both:
        return None, "no stance was made by both annotators"
    values = {value for pair in both for value in pair}
    if len(values) == 1:
        return None, f"only one polarity ({values.pop()}) on stances both made"
    task = AnnotationTask(
        data=[
            (coder, unit, value)
            for unit, pair in enumerate(both)
            for coder, value in zip("ab", pair, strict=True)
        ]
    )
    return float(task.kappa_pairwise("a", "b")), "kappa is 0/0 on these stances"


Figure = tuple[float | None, str]  # a value, or None and the reason


def _figures(t: Counter[Any], alpha: Figure, kappa: Figure) -> dict[str, Any]:
    """A tally's figures in the shape ``agreement`` returns."""
    entities: dict[str, Any] = {}
    _ratio(entities, "f1_exact", t["entity_exact"], t["entities"], NO_ENTITY)
    _ratio(entities, "f1_overlap", t["entity_overlap"], t["entities"], NO_ENTITY)
    labels = sorted({key[1] for key in t if isinstance(key, tuple)})
    entities["per_label"] = {}
    for label in labels:
        whole = t["label", label, "entities"]
        figures = entities["per_label"][label] = {}
        _ratio(figures, "f1_exact", t["label", label, "exact"], whole, NO_ENTITY)
        _ratio(figures, "f1_overlap", t["label", label, "overlap"], whole, NO_ENTITY)
    actors: dict[str, Any] = {}
    reason = "no span that both marked was linked to an actor by either"
    _ratio(actors, "accuracy", t["actor_same"], t["actor_matched"], reason)
    actors["matched"] = t["actor_matched"]
    stances: dict[str, Any] = {}
    _put(stances, "alpha", *alpha)
    _put(stances, "kappa", *kappa)
    stances["pairs"] = t["stance_both"]
    _ratio(stances, "coverage", t["stance_both"], t["stance_either"], "nobody made a stance")
    quotes: dict[str, Any] = {}
    _ratio(quotes, "f1", t["quote_matched"], t["quotes"], "nobody marked a quote")
    _ratio(quotes, "cue_f1", t["cue_exact"], t["cues"], "nobody marked a quote's cue")
    reason = "no quotes matched"
    _ratio(quotes, "type_accuracy", t["quote_same_type"], t["quote_matched"] // 2, reason)
    return {"entities": entities, "actors": actors, "stances": stances, "quotes": quotes}


def agreement(paragraphs: Paragraphs) -> dict[str, Any]:
    """How far annotators agree, per layer, overall and for each pair of annotators: what a
    lead reads to see which layer the guidelines leave unclear and which pair reads them apart.

    ``paragraphs``: (paragraph id, {annotator: submitted content}); those with fewer than two
    annotators are skipped. Returns ``{"paragraphs": n, "entities": {"f1_exact", "f1_overlap",
    "per_label": {label: {"f1_exact", "f1_overlap"}}}, "actors": {"accuracy", "matched"},
    "stances": {"alpha", "kappa", "pairs", "coverage"}, "quotes": {"f1", "cue_f1",
    "type_accuracy"}, "pairs": [{"annotators": [a, b], "paragraphs": n, ...the same four}]}``.
    Stance alpha is Krippendorff's (nominal) over every annotator; kappa is Cohen's per pair,
    overall their mean.
    """
    tallies: dict[tuple[str, str], Counter[Any]] = defaultdict(Counter)
    shared: Counter[tuple[str, str]] = Counter()
    units: dict[tuple[str, str], list[Unit]] = defaultdict(list)
    cells: list[tuple[str, int, str]] = []  # (annotator, unit column, polarity) for alpha
    count = column = 0
    for _, sides in _prepared(paragraphs):
        count += 1
        for key in set().union(*(side.stances.keys() for side in sides.values())):
            cells += [(n, column, s.stances[key]) for n, s in sides.items() if key in s.stances]
            column += 1
        for a, b in combinations(sorted(sides), 2):
            t = _compare(sides[a], sides[b])
            tallies[a, b].update(t)
            shared[a, b] += 1
            left, right = sides[a].stances, sides[b].stances
            units[a, b] += [(left.get(k), right.get(k)) for k in left.keys() | right.keys()]

    polarities = sorted({polarity for _, _, polarity in cells})
    codes: dict[str | None, float] = {p: float(i) for i, p in enumerate(polarities)}
    codes[None] = math.nan
    names = sorted({name for pair in tallies for name in pair})
    row = {name: i for i, name in enumerate(names)}
    matrix = np.full((len(names), column), np.nan)
    if cells:
        rows, columns, values = zip(*cells, strict=True)
        matrix[[row[n] for n in rows], list(columns)] = [codes[v] for v in values]

    pairs, kappas = [], []
    for (a, b), t in sorted(tallies.items()):
        pair = units[a, b]
        pair_matrix = np.array([[codes[p] for p, _ in pair], [codes[q] for _, q in pair]])
        kappa = _kappa(pair)
        if kappa[0] is not None and not math.isnan(kappa[0]):
            kappas.append(kappa[0])
        figures = _figures(t, _alpha(pair_matrix, polarities), kappa)
        pairs.append({"annotators": [a, b], "paragraphs": shared[a, b], **figures})

    total: Counter[Any] = sum(tallies.values(), Counter())
    mean = (sum(kappas) / len(kappas) if kappas else None, "no pair has a defined kappa")
    overall = _figures(total, _alpha(matrix, polarities), mean)
    return {"paragraphs": count, **overall, "pairs": pairs}


def paragraph_disagreement(paragraphs: Paragraphs) -> list[tuple[str, float]]:
    """(paragraph id, disagreement in [0, 1]), most disagreeing first, ties by id.

    The paragraphs a lead should look at first: 1 − the mean of every pair's defined entity
    exact F1, actor accuracy, stance coverage, quote F1 and quote type accuracy; a paragraph
    nobody marked anything in scores 0.
    """
    scores = []
    for paragraph_id, sides in _prepared(paragraphs):
        figures = []
        for a, b in combinations(sorted(sides), 2):
            t = _compare(sides[a], sides[b])
            for part, whole in (
                (t["entity_exact"], t["entities"]),
                (t["actor_same"], t["actor_matched"]),
                (t["stance_both"], t["stance_either"]),
                (t["quote_matched"], t["quotes"]),
                (t["quote_same_type"], t["quote_matched"] // 2),
            ):
                if whole:
                    figures.append(part / whole)
        score = 1 - sum(figures) / len(figures) if figures else 0.0
        scores.append((paragraph_id, round(score, 4)))
    return sorted(scores, key=lambda item: (-item[1], item[0]))
