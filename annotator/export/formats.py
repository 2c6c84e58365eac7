"""The export formats and how each is written: one place the CLI and the API both use.

Line formats (annotator, prodigy, doccano) stream one JSON line per record; spaCy
writes a DocBin; hf writes a folder of JSONL files, one per split.
"""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import orjson
from sqlalchemy.orm import Session

from .converters import doccano, hf, prodigy, spacy_docbin
from .records import ExportFilters, ExportRecord, iter_export_records
from .service import ExportSummary, write_registry
from .splits import SPLIT_NAMES, SplitSpec

LINE_FORMATS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "annotator": lambda record: record,
    "prodigy": prodigy.task,
    "doccano": doccano.line,
}


def _line_writer(format_: str) -> Callable[[ExportRecord], bytes]:
    """How one record becomes a line of ``format_``; annotator.v1 lines are spliced from the
    stored layers rather than encoded again."""
    if format_ == "annotator":
        return ExportRecord.as_line
    convert = LINE_FORMATS[format_]
    return lambda record: orjson.dumps(convert(record.as_dict())) + b"\n"


_LINES_PER_WRITE = 256  # one write call per block of lines, not per line
FORMATS = ("annotator", "spacy", "prodigy", "doccano", "hf")
EXTENSIONS = {
    "annotator": ".jsonl",
    "prodigy": ".jsonl",
    "doccano": ".jsonl",
    "spacy": ".spacy",
    "hf": "",
}


@dataclass
class FormatResult:
    """What a formatted export wrote."""

    summary: ExportSummary
    paths: list[Path] = field(default_factory=list)
    misaligned: list[str] = field(default_factory=list)


def records_with_split(
    session: Session,
    filters: ExportFilters,
    split: SplitSpec | None,
    summary: ExportSummary,
    on_record: Callable[[], None] | None = None,
) -> Iterator[ExportRecord]:
    """The export's records, each with its split (when asked), counted into ``summary``."""
    for record in iter_export_records(session, filters):
        if split is not None:
            name = split.assign(record.document_id)
            record.set_split(name)
            summary.per_split[name] += 1
            summary.documents_per_split.setdefault(name, set()).add(record.document_id)
        summary.records += 1
        if on_record is not None:
            on_record()
        yield record


def stream_lines(
    session: Session, filters: ExportFilters, format_: str, split: SplitSpec | None = None
) -> Iterator[bytes]:
    """JSON lines of a line format, produced as the records are read."""
    line = _line_writer(format_)
    for record in records_with_split(session, filters, split, ExportSummary()):
        yield line(record)


def write_to_stream(
    session: Session, filters: ExportFilters, format_: str, out: IO[bytes], split: SplitSpec | None
) -> ExportSummary:
    """A line format to an open stream (stdout)."""
    summary = ExportSummary()
    line = _line_writer(format_)
    for record in records_with_split(session, filters, split, summary):
        out.write(line(record))
    return summary


def write_export(
    session: Session,
    filters: ExportFilters,
    format_: str,
    target: Path,
    split: SplitSpec | None = None,
    split_files: bool = False,
    on_record: Callable[[], None] | None = None,
) -> FormatResult:
    """Write an export to ``target`` (a file, or a folder for hf and split files).

    Everything is written in a temporary place first and moved to ``target`` only when
    the export succeeded, so an aborted export leaves nothing half-written. The actor
    registry goes beside the target as ``<target>.actors.json``.
    """
    summary = ExportSummary()
    result = FormatResult(summary)
    records = records_with_split(session, filters, split, summary, on_record)
    staging = Path(tempfile.mkdtemp(prefix=".export-", dir=target.parent))
    try:
        staged = staging / target.name
        dicts = (record.as_dict() for record in records)
        if format_ == "hf":
            hf.write(dicts, staged)
        elif format_ == "spacy" and split_files:
            staged.mkdir()
            report = spacy_docbin.write_split(dicts, staged, SPLIT_NAMES)
            result.misaligned = report.misaligned
        elif format_ == "spacy":
            report = spacy_docbin.write(dicts, staged)
            result.misaligned = report.misaligned
        elif split_files:
            staged.mkdir()
            line = _line_writer(format_)
            handles = {name: (staged / f"{name}.jsonl").open("wb") for name in SPLIT_NAMES}
            try:
                for record in records:
                    handles[record.split].write(line(record))
            finally:
                for handle in handles.values():
                    handle.close()
        else:
            line = _line_writer(format_)
            with staged.open("wb") as handle:
                block: list[bytes] = []
                for record in records:
                    block.append(line(record))
                    if len(block) == _LINES_PER_WRITE:
                        handle.write(b"".join(block))
                        block = []
                handle.write(b"".join(block))
        if target.is_dir():
            # A file is replaced as a whole; a folder of earlier results is never merged into.
            if any(target.iterdir()):
                raise FileExistsError(
                    f"{target} is a folder that is not empty; choose another --out"
                )
            target.rmdir()
        staged.replace(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    result.paths.append(target)
    result.paths.append(write_registry(session, registry_path(target)))
    summary.files = list(result.paths)
    return result


def registry_path(target: Path) -> Path:
    """Where the actor registry of an export to ``target`` goes: beside it, never inside."""
    stem = target.name
    for extension in (".jsonl", ".spacy"):
        stem = stem.removesuffix(extension)
    return target.with_name(f"{stem}.actors.json")


def zip_folder(folder: Path, registry: Path, archive: Path, data_name: str = "data") -> Path:
    """Zip an hf export as ``<name>/data/*.jsonl`` plus ``<name>/actors.json`` (outside data/)."""
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        root = archive.stem
        for path in sorted(folder.iterdir()):
            bundle.write(path, f"{root}/{data_name}/{path.name}")
        bundle.write(registry, f"{root}/actors.json")
    return archive
