"""The export job: an export built into one file to download (a DocBin, a JSONL file, or a zip
of a folder), with what its exporter should know beside it: records per set, the split's and
the format's notes, and the spans spaCy could not place."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from ..annotation import RecordCheckFailed
from ..export import (
    SPLIT_NAMES,
    ExportRequest,
    ExportSummary,
    default_target,
    registry_path,
    write_export,
)
from ..export.reader import consistent_reads, count_records
from .queue import JobFailed, JobResult, JobWork

MISALIGNED_FILE = "misaligned.txt"
MISALIGNED_SHOWN = 50  # listed with the result; the whole list is a file of its own


@dataclass(frozen=True)
class Download:
    """A built export: the file to send, its type, and what was written."""

    path: Path
    mimetype: str
    summary: ExportSummary


def build_download(
    engine: Engine,
    wanted: ExportRequest,
    folder: Path,
    on_records: Callable[[int], None] | None = None,
) -> Download:
    """Build the export ``wanted`` in ``folder`` as one file: a folder (hf, split files) is
    zipped with its actor registry. ``RecordCheckFailed`` and ``RuntimeError`` (a missing
    converter library) say why nothing was built."""
    target = default_target(wanted, folder)
    summary = write_export(engine, wanted, target, on_records=on_records)
    if not target.is_dir():
        return Download(target, "application/octet-stream", summary)
    archive = _zip(target, registry_path(target), target.with_name(target.name + ".zip"))
    return Download(archive, "application/zip", summary)


def _zip(folder: Path, registry: Path, archive: Path) -> Path:
    """A folder export as ``<name>/data/*`` plus ``<name>/actors.json`` (outside data/)."""
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        root = archive.stem
        for path in sorted(folder.iterdir()):
            bundle.write(path, f"{root}/data/{path.name}")
        bundle.write(registry, f"{root}/actors.json")
    return archive


def run_export(work: JobWork) -> JobResult:
    """The job of ``POST /api/exports``: ``work.params`` are the export's options as text
    (checked and narrowed to what the owner may export before the job was queued)."""
    wanted = ExportRequest.parse(work.params)
    with consistent_reads(work.engine) as reading:
        work.set_total(count_records(reading, wanted))
    try:
        download = build_download(work.engine, wanted, work.folder, on_records=work.advance)
    except RecordCheckFailed as error:
        raise JobFailed(f"{error}; nothing was exported") from None
    except RuntimeError as error:
        raise JobFailed(str(error)) from None
    files = {"download": download.path.name}
    misaligned = download.summary.misaligned
    if misaligned:
        (work.folder / MISALIGNED_FILE).write_text("\n".join(misaligned) + "\n", encoding="utf-8")
        files["misaligned"] = MISALIGNED_FILE
    return JobResult(files, export_details(wanted, download.summary))


def export_details(wanted: ExportRequest, summary: ExportSummary) -> dict[str, Any]:
    """What the exporter is shown beside the file: records, and per set (with a split) its
    records and documents; the notes (empty sets, overlaps); the misaligned spans (the
    first ``MISALIGNED_SHOWN``, and how many in all)."""
    sets = [
        {
            "name": name,
            "records": summary.per_split[name],
            "documents": len(summary.documents_per_split.get(name, ())),
        }
        for name in (SPLIT_NAMES if wanted.split is not None else ())
    ]
    return {
        "records": summary.records,
        "format": wanted.format,
        "sets": sets,
        "notes": summary.notes,
        "misaligned": len(summary.misaligned),
        "misaligned_shown": summary.misaligned[:MISALIGNED_SHOWN],
    }
