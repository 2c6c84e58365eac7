"""Line formats (annotator.v1, Prodigy, doccano): records become JSON lines, written to a file
or, with ``--split-files``, to one file per set. Shared by an export in this process and
by the worker processes of a parallel one (``parallel.py``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson

from .converters import doccano, prodigy
from .records import ExportRecord
from .service import ExportSummary
from .splits import SPLIT_NAMES, SplitSpec

LINE_FORMATS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "annotator": lambda record: record,
    "prodigy": prodigy.task,
    "doccano": doccano.line,
}
_LINES_PER_WRITE = 256  # one write call per block of lines, not per line
PROGRESS_EVERY = 1000  # records between two progress reports


def line_writer(format_: str) -> Callable[[ExportRecord], bytes]:
    """How one record becomes a line of ``format_``; annotator.v1 lines are spliced from the
    stored layers rather than encoded again."""
    if format_ == "annotator":
        return ExportRecord.as_line
    convert = LINE_FORMATS[format_]
    return lambda record: orjson.dumps(convert(record.as_dict())) + b"\n"


def records_with_split(
    records: Iterable[ExportRecord],
    split: SplitSpec | None,
    summary: ExportSummary,
    on_records: Callable[[int], None] | None = None,
) -> Iterator[ExportRecord]:
    """``records``, each with its split (when asked), counted into ``summary``;
    ``on_records`` hears how many more were read, every ``PROGRESS_EVERY`` and at the end."""
    unreported = 0
    sets: dict[str, str] = {}  # by document: a hash per document, not per record
    for record in records:
        if split is not None:
            name = sets.get(record.document_id)
            if name is None:
                name = sets[record.document_id] = split.assign(record.document_id)
            record.set_split(name)
            summary.per_split[name] += 1
            summary.documents_per_split.setdefault(name, set()).add(record.document_id)
        summary.records += 1
        if on_records is not None:
            unreported += 1
            if unreported == PROGRESS_EVERY:
                on_records(unreported)
                unreported = 0
        yield record
    if on_records is not None and unreported:
        on_records(unreported)


def write_lines(
    records: Iterable[ExportRecord], format_: str, target: Path, split_files: bool
) -> None:
    """Write ``records`` as lines of ``format_`` to the file ``target``, or with
    ``split_files`` to ``target/<split>.jsonl``, a folder made here."""
    line = line_writer(format_)
    if split_files:
        target.mkdir()
        handles = {name: (target / f"{name}.jsonl").open("wb") for name in SPLIT_NAMES}
        try:
            for record in records:
                handles[record.split].write(line(record))
        finally:
            for handle in handles.values():
                handle.close()
        return
    with target.open("wb") as handle:
        block: list[bytes] = []
        for record in records:
            block.append(line(record))
            if len(block) == _LINES_PER_WRITE:
                handle.write(b"".join(block))
                block = []
        handle.write(b"".join(block))
