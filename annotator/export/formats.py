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
from typing import IO

from sqlalchemy.orm import Session

from . import parallel
from .converters import hf, spacy_docbin
from .lines import line_writer, records_with_split, write_lines
from .records import ExportFilters, ExportRecord, iter_export_records
from .service import ExportSummary, write_registry
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

    def records() -> Iterator[ExportRecord]:
        return records_with_split(iter_export_records(session, filters), split, summary, on_records)

    staging = Path(tempfile.mkdtemp(prefix=".export-", dir=target.parent))
    try:
        staged = staging / target.name
        dicts = (record.as_dict() for record in records())
        if format_ == "hf":
            hf.write(dicts, staged)
        elif format_ == "spacy" and split_files:
            staged.mkdir()
            report = spacy_docbin.write_split(dicts, staged, SPLIT_NAMES)
            result.misaligned = report.misaligned
        elif format_ == "spacy":
            report = spacy_docbin.write(dicts, staged)
            result.misaligned = report.misaligned
        elif not parallel.write_in_parallel(
            session, filters, format_, staged, split, split_files, summary, on_records
        ):
            write_lines(records(), format_, staged, split_files)
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
