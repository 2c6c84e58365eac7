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

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from . import parallel
from .converters import hf, spacy_docbin
from .lines import line_writer, records_with_split, write_lines
from .records import ExportFilters, RecordReader, iter_export_records
from .service import ExportSummary, registry_document, write_registry
from .snapshot import bound_engine, consistent_reads
from .splits import SPLIT_NAMES, SplitSpec

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


def stream_lines(
    session: Session, filters: ExportFilters, format_: str, split: SplitSpec | None = None
) -> Iterator[bytes]:
    """JSON lines of a line format, produced as the records are read."""
    line = line_writer(format_)
    for record in records_with_split(iter_export_records(session, filters), split, ExportSummary()):
        yield line(record)


def write_to_stream(
    session: Session, filters: ExportFilters, format_: str, out: IO[bytes], split: SplitSpec | None
) -> ExportSummary:
    """A line format to an open stream (stdout)."""
    summary = ExportSummary()
    line = line_writer(format_)
    for record in records_with_split(iter_export_records(session, filters), split, summary):
        out.write(line(record))
    return summary


def write_export(
    session: Session,
    filters: ExportFilters,
    format_: str,
    target: Path,
    split: SplitSpec | None = None,
    split_files: bool = False,
    on_records: Callable[[int], None] | None = None,
) -> FormatResult:
    """Write an export to ``target`` (a file, or a folder for hf and split files).

    Everything is written in a temporary place first and moved to ``target`` only when
    the export succeeded, so an aborted export leaves nothing half-written. The actor
    registry goes beside the target as ``<target>.actors.json``.
    """
    summary = ExportSummary()
    result = FormatResult(summary)
    staging = Path(tempfile.mkdtemp(prefix=".export-", dir=target.parent))
    try:
        staged = staging / target.name
        registry = parallel.write_in_parallel(
            session, filters, format_, staged, split, split_files, summary, on_records
        )
        if registry is None:
            registry = _write_here(
                bound_engine(session),
                filters,
                format_,
                staged,
                split,
                split_files,
                result,
                on_records,
            )
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
    result.paths.append(write_registry(registry, registry_path(target)))
    summary.files = list(result.paths)
    return result


def _write_here(
    engine: Engine,
    filters: ExportFilters,
    format_: str,
    staged: Path,
    split: SplitSpec | None,
    split_files: bool,
    result: FormatResult,
    on_records: Callable[[int], None] | None,
) -> dict[str, Any]:
    """Write an export in this process, reading everything in one state of the database;
    returns the actor registry of that state, which goes beside the records."""
    with consistent_reads(engine) as reading:
        reader = RecordReader(reading, filters)
        registry = registry_document(reading)
        records = records_with_split(reader.records(), split, result.summary, on_records)
        dicts = (record.as_dict() for record in records)
        if format_ == "hf":
            hf.write(dicts, staged)
        elif format_ == "spacy" and split_files:
            staged.mkdir()
            result.misaligned = spacy_docbin.write_split(dicts, staged, SPLIT_NAMES).misaligned
        elif format_ == "spacy":
            result.misaligned = spacy_docbin.write(dicts, staged).misaligned
        else:
            write_lines(records, format_, staged, split_files)
    return registry


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
