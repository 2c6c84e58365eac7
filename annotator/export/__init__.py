"""Exports for ML engineers: ``annotator.v1`` JSONL (and, from it, the converters), all fed by
one streaming query (``records.iter_export_records``)."""

from .formats import (
    FORMATS,
    FormatResult,
    registry_path,
    stream_lines,
    write_export,
    write_to_stream,
    zip_folder,
)
from .lines import LINE_FORMATS
from .records import (
    STATUS_FILTERS,
    ExportFilters,
    ExportRecord,
    RecordCheckFailed,
    SpanMismatch,
    check_record,
    count_records,
    iter_export_records,
    parse_since,
    payload_from_record,
)
from .service import ExportSummary, registry_document, write_registry
from .splits import SPLIT_NAMES, SplitSpec

__all__ = [
    "FORMATS",
    "LINE_FORMATS",
    "FormatResult",
    "registry_path",
    "stream_lines",
    "write_export",
    "write_to_stream",
    "zip_folder",
    "SPLIT_NAMES",
    "STATUS_FILTERS",
    "ExportFilters",
    "ExportRecord",
    "ExportSummary",
    "RecordCheckFailed",
    "SpanMismatch",
    "SplitSpec",
    "check_record",
    "count_records",
    "iter_export_records",
    "parse_since",
    "payload_from_record",
    "registry_document",
    "write_registry",
]
