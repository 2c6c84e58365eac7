"""Exports for ML engineers: annotator.v2 JSONL and, converted from it, spaCy, Prodigy, doccano
and Hugging Face datasets; one request (``request``), one reader (``reader``), one writer
(``writer``)."""

from .request import (
    FORMATS,
    LINE_FORMATS,
    STATUS_FILTERS,
    BadExportRequest,
    ExportRequest,
    parse_since,
)
from .splits import SPLIT_NAMES, SplitSpec
from .writer import (
    ExportSummary,
    default_target,
    export_lines,
    registry_path,
    write_export,
)

__all__ = [
    "FORMATS",
    "LINE_FORMATS",
    "SPLIT_NAMES",
    "STATUS_FILTERS",
    "BadExportRequest",
    "ExportRequest",
    "ExportSummary",
    "SplitSpec",
    "default_target",
    "export_lines",
    "parse_since",
    "registry_path",
    "write_export",
]
