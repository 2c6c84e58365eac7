"""``--format spacy``: a ``.spacy`` DocBin (needs the ``spacy`` extra).

- every entity goes to ``doc.spans["sc"]``, and to ``doc.ents`` where it does not
  overlap another (the longest wins, as ``spacy.util.filter_spans`` decides);
- quote contents to ``doc.spans["quote"]``, cues to ``doc.spans["cue"]``, stance
  targets given as text to ``doc.spans["stance_target"]``;
- the record's ids, actor links, stances and quotes go to ``doc.user_data``.

A span that does not fall on spaCy's token boundaries cannot be a spaCy span; it is
never dropped in silence: each one is reported by record and item id.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec

from ...annotation.model import RecordLayers

LANGUAGES = {"en": "en", "ar": "ar"}


@dataclass
class SpacyReport:
    docs: int = 0
    misaligned: list[str] = field(default_factory=list)
    entities: int = 0  # in doc.spans["sc"]
    left_out_of_ents: int = 0  # of those, overlapping a longer one: not in doc.ents
    docs_with_overlaps: int = 0

    def notes(self) -> list[str]:
        """What to tell whoever exported: here, the entities that are not in ``doc.ents``."""
        if not self.left_out_of_ents:
            return []
        return [
            f"{self.left_out_of_ents} of {self.entities} entities, in {self.docs_with_overlaps} "
            f'of {self.docs} docs, overlap a longer one: they are in doc.spans["sc"] but not '
            "in doc.ents"
        ]


def _nlp_for(language: str, cache: dict[str, Any]) -> Any:
    import spacy

    code = LANGUAGES.get(language, "xx")
    if code not in cache:
        cache[code] = spacy.blank(code)
    return cache[code]


def _char_span(
    doc: Any,
    record: dict[str, Any],
    report: SpacyReport,
    start: int,
    end: int,
    label: str,
    where: str,
) -> Any:
    """The spaCy span of [start, end), or None (and a line in the report) when it is misaligned."""
    span = doc.char_span(start, end, label=label, alignment_mode="strict")
    if span is None:
        report.misaligned.append(
            f"{record['id']} {where} [{start}:{end}] {record['text'][start:end]!r}"
        )
    return span


@contextmanager
def _msgpack_plugins_read_once() -> Iterator[None]:
    """srsly looks its msgpack plugins up on every ``msgpack_dumps`` (catalogue's
    ``get_all``: other packages' entry points, then every function any package registered
    with catalogue, spaCy's hundreds included), and a DocBin calls it six times a doc (user
    data, span groups): that look-up was two thirds of a spaCy export's time. For the
    export, the two registries answer with what they held when it began."""
    import srsly

    registries = (srsly.msgpack_encoders, srsly.msgpack_decoders)
    try:
        for registry in registries:
            found = registry.get_all()
            registry.get_all = lambda found=found: dict(found)  # type: ignore[method-assign]
        yield
    finally:
        for registry in registries:
            registry.__dict__.pop("get_all", None)  # the class's method again


def write(records: Iterable[dict[str, Any]], path: Path) -> SpacyReport:
    """Write a DocBin to ``path``; return how many docs and which spans did not align."""
    with _msgpack_plugins_read_once():
        bins, report = _docbins(records, lambda record: "all")
        bins.get("all", _empty_docbin()).to_disk(path)
    return report


def write_split(
    records: Iterable[dict[str, Any]], folder: Path, names: tuple[str, ...]
) -> SpacyReport:
    """Write ``<split>.spacy`` per split into ``folder`` (the files spaCy's train config names)."""
    with _msgpack_plugins_read_once():
        bins, report = _docbins(records, lambda record: record["split"])
        for name in names:
            bins.get(name, _empty_docbin()).to_disk(folder / f"{name}.spacy")
    return report


def _empty_docbin() -> Any:
    from spacy.tokens import DocBin

    return DocBin(store_user_data=True)


def _docbins(records: Iterable[dict[str, Any]], bin_of: Any) -> tuple[dict[str, Any], SpacyReport]:
    """Docs for every record, grouped into DocBins by ``bin_of(record)``."""
    try:
        from spacy.tokens import DocBin
        from spacy.util import filter_spans
    except ImportError as error:  # pragma: no cover - the message is what matters
        raise RuntimeError(
            "--format spacy needs spaCy: pip install 'annotator[convert]' (or pip install spacy)"
        ) from error
    report = SpacyReport()
    cache: dict[str, Any] = {}
    bins: dict[str, Any] = {}
    for record in records:
        nlp = _nlp_for(record.get("language", "und"), cache)
        doc = nlp.make_doc(record["text"])

        entity_spans = [
            s
            for e in record["entities"]
            if (
                s := _char_span(
                    doc, record, report, e["start"], e["end"], e["label"], f"entity {e['id']}"
                )
            )
            is not None
        ]
        doc.spans["sc"] = entity_spans
        doc.ents = filter_spans(entity_spans)
        report.entities += len(entity_spans)
        if len(doc.ents) < len(entity_spans):
            report.left_out_of_ents += len(entity_spans) - len(doc.ents)
            report.docs_with_overlaps += 1
        quotes, cues, targets = [], [], []
        for quote in record["quotes"]:
            content = quote["content"]
            span = _char_span(
                doc,
                record,
                report,
                content["start"],
                content["end"],
                quote["type"],
                f"quote {quote['id']}",
            )
            if span is not None:
                quotes.append(span)
            if quote["cue"] is not None:
                cue = quote["cue"]
                span = _char_span(
                    doc, record, report, cue["start"], cue["end"], "CUE", f"cue of {quote['id']}"
                )
                if span is not None:
                    cues.append(span)
        for stance in record["stances"]:
            target = stance["target"]
            if target["entity"] is None:  # text targets; entity targets are in ents
                span = _char_span(
                    doc,
                    record,
                    report,
                    target["start"],
                    target["end"],
                    stance["polarity"],
                    f"target of {stance['id']}",
                )
                if span is not None:
                    targets.append(span)
        doc.spans["quote"] = quotes
        doc.spans["cue"] = cues
        doc.spans["stance_target"] = targets
        layers = _layers(record)
        doc.user_data["annotator"] = {
            "id": record["id"],
            "document_id": record["document_id"],
            "split": record.get("split"),
            "entities": layers["entities"],
            "stances": layers["stances"],
            "quotes": layers["quotes"],
        }
        bins.setdefault(bin_of(record), DocBin(store_user_data=True)).add(doc)
        report.docs += 1
    return bins, report


def _layers(record: dict[str, Any]) -> dict[str, Any]:
    """The record's layers as the annotation API writes them (actors by key, spans by
    offsets), without the API's ``from_suggestion``, which a record does not carry."""
    content = msgspec.convert(record, RecordLayers).content(record["status"], None, False)
    layers = content.to_payload()
    for entity in layers["entities"]:
        del entity["from_suggestion"]
    return layers
