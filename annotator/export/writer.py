"""Writing an export: one entry point, ``write_export``, to a file or folder (with the actor
registry beside it) or to an open stream; ``export_lines`` for a streamed download.

Line formats (annotator, prodigy, doccano) are one JSON line per record; spaCy writes a
DocBin; hf a folder of JSONL files, one per set. Everything is read in one state of the
database (``reader.consistent_reads``) and every record is checked before it is written.
"""

from __future__ import annotations

import gc
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

import orjson
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from ..annotation.record import Record
from ..registry import registry_document
from .converters import doccano, hf, prodigy, spacy_docbin
from .converters.graph import OVERLAP_NOTES, OverlapTally
from .reader import RecordReader, consistent_reads, document_ids
from .request import ExportRequest
from .splits import SPLIT_NAMES, SplitPlan

EXTENSIONS = {"annotator": ".jsonl", "prodigy": ".jsonl", "doccano": ".jsonl", "spacy": ".spacy"}
PROGRESS_EVERY = 1000  # records between two progress reports
_LINES_PER_WRITE = 256  # one write call per block of lines, not per line


@dataclass
class ExportSummary:
    """What an export wrote: records per set, documents per set, files, and the spans
    that could not become spaCy spans."""

    records: int = 0
    per_split: Counter[str] = field(default_factory=Counter)
    documents_per_split: dict[str, set[str]] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    misaligned: list[str] = field(default_factory=list)
    split_notes: tuple[str, ...] = ()
    # What the format's consumer will do with overlapping spans, when the export has some.
    overlap_notes: list[str] = field(default_factory=list)

    @property
    def notes(self) -> list[str]:
        """Everything the exporter should be told beside the files: empty sets, overlaps."""
        return [*self.split_notes, *self.overlap_notes]

    def describe(self) -> str:
        text = f"{self.records} record(s)"
        if self.per_split:
            parts = [
                f"{name} {self.per_split[name]} "
                f"({len(self.documents_per_split.get(name, ()))} documents)"
                for name in SPLIT_NAMES
            ]
            text += "; split by document: " + ", ".join(parts)
        return text


def line_writer(format_: str, tally: OverlapTally | None = None) -> Callable[[Record], bytes]:
    """How one record becomes a line of ``format_`` (``tally`` counting overlapping spans);
    annotator.v2 lines are spliced from the stored layers rather than encoded again."""
    if format_ == "annotator":
        return Record.as_line
    convert = {"prodigy": prodigy.task, "doccano": doccano.line}[format_]
    return lambda record: orjson.dumps(convert(record.as_dict(), tally)) + b"\n"


def _counted(
    records: Iterable[Record],
    split: SplitPlan | None,
    summary: ExportSummary,
    on_records: Callable[[int], None] | None,
) -> Iterator[Record]:
    """``records``, each given its set (when split), counted into ``summary``; ``on_records``
    hears how many more were read, every ``PROGRESS_EVERY`` and at the end."""
    unreported = 0
    for record in records:
        if split is not None:
            record.split = name = split.assign(record.document_id)
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


def export_lines(
    engine: Engine, request: ExportRequest, summary: ExportSummary | None = None
) -> Iterator[bytes]:
    """The lines of a line-format export, produced as the records are read (the database
    connection is held until the iteration ends or is abandoned)."""
    summary = summary or ExportSummary()
    tally = OverlapTally()
    line = line_writer(request.format, tally)
    with consistent_reads(engine) as reading:
        plan = _plan(reading, request, summary)
        records = RecordReader(reading, request).records()
        for record in _counted(records, plan, summary, None):
            yield line(record)
    if request.format in OVERLAP_NOTES:
        summary.overlap_notes = tally.notes(request.format)


def write_export(
    engine: Engine,
    request: ExportRequest,
    target: Path | IO[bytes],
    on_records: Callable[[int], None] | None = None,
) -> ExportSummary:
    """Write the export of ``request`` to ``target``: a path (a file, or a folder for hf and
    split files), with the actor registry beside it as ``<name>.actors.json``; or an open
    binary stream, for the line formats.

    A path is written in a temporary place first and moved there only once the export
    succeeded, so a failed export (``RecordCheckFailed``) leaves nothing half-written.
    """
    summary = ExportSummary()
    if not isinstance(target, Path):
        if not request.streams:
            raise ValueError("a stream takes one JSONL export: not spacy, hf or split files")
        for block in _blocks(export_lines(engine, request, summary)):
            target.write(block)
        return summary
    staging = Path(tempfile.mkdtemp(prefix=".export-", dir=target.parent))
    gc.freeze()  # what exists now is not scanned again and again while a million records pass
    try:
        staged = staging / target.name
        with consistent_reads(engine) as reading:
            registry = registry_document(reading)
            plan = _plan(reading, request, summary)
            records = _counted(RecordReader(reading, request).records(), plan, summary, on_records)
            _write_format(records, request, staged, summary)
        if target.is_dir():
            # A file is replaced as a whole; a folder of earlier results is never merged into.
            if any(target.iterdir()):
                raise FileExistsError(
                    f"{target} is a folder that is not empty; choose another --out"
                )
            target.rmdir()
        staged.replace(target)
    finally:
        gc.unfreeze()
        shutil.rmtree(staging, ignore_errors=True)
    registry_file = registry_path(target)
    registry_file.write_bytes(orjson.dumps(registry, option=orjson.OPT_INDENT_2) + b"\n")
    summary.files = [target, registry_file]
    return summary


def _plan(session: Session, request: ExportRequest, summary: ExportSummary) -> SplitPlan | None:
    """The split of the export's documents, its notes kept for the summary (None: no split)."""
    if request.split is None:
        return None
    plan = request.split.plan(document_ids(session, request))
    summary.split_notes = plan.notes
    return plan


def _write_format(
    records: Iterator[Record], request: ExportRequest, staged: Path, summary: ExportSummary
) -> None:
    if request.format == "hf":
        hf.write((record.as_dict() for record in records), staged)
        return
    if request.format == "spacy":
        dicts = (record.as_dict() for record in records)
        if request.split_files:
            staged.mkdir()
            report = spacy_docbin.write_split(dicts, staged, SPLIT_NAMES)
        else:
            report = spacy_docbin.write(dicts, staged)
        summary.misaligned = report.misaligned
        summary.overlap_notes = report.notes()
        return
    tally = OverlapTally()
    if request.split_files:
        line = line_writer(request.format, tally)
        staged.mkdir()
        handles = {name: (staged / f"{name}.jsonl").open("wb") for name in SPLIT_NAMES}
        try:
            for record in records:
                assert record.split is not None  # split files need a split
                handles[record.split].write(line(record))
        finally:
            for handle in handles.values():
                handle.close()
    else:
        line = line_writer(request.format, tally)
        with staged.open("wb") as handle:
            for block in _blocks(line(record) for record in records):
                handle.write(block)
    summary.overlap_notes = tally.notes(request.format) if request.format in OVERLAP_NOTES else []


def _blocks(lines: Iterable[bytes]) -> Iterator[bytes]:
    """Lines joined in blocks: one write call per few hundred lines, not per line."""
    block: list[bytes] = []
    for line in lines:
        block.append(line)
        if len(block) == _LINES_PER_WRITE:
            yield b"".join(block)
            block = []
    if block:
        yield b"".join(block)


def registry_path(target: Path) -> Path:
    """Where the actor registry of an export to ``target`` goes: beside it, never inside."""
    stem = target.name
    for extension in (".jsonl", ".spacy"):
        stem = stem.removesuffix(extension)
    return target.with_name(f"{stem}.actors.json")


def default_target(request: ExportRequest, folder: Path) -> Path:
    """Where an export goes when no place is given:
    ``folder/annotator-<UTC time>[-gold][-format]``, with the format's extension, or as a
    folder for hf and split files."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    name = f"annotator-{stamp}" + ("-gold" if request.status == "gold" else "")
    name += f"-{request.format}" if request.format != "annotator" else ""
    if request.format == "hf" or request.split_files:
        return folder / name
    return folder / (name + EXTENSIONS[request.format])
