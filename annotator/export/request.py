"""An export asked for: which annotations, in which format, split how. Parsed and checked
once, here, for the CLI, the API and the browser's download form alike."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from ..annotation.validation import MESSAGE_LIMIT, shorten
from .splits import SplitSpec

# Which annotation statuses each --status exports.
STATUS_FILTERS: dict[str, tuple[str, ...]] = {
    "submitted": ("submitted",),
    "all": ("submitted", "draft", "skipped"),
    # One record per adjudicated paragraph, with no annotator and the sources of its items.
    "gold": ("gold",),
}
FORMATS = ("annotator", "spacy", "prodigy", "doccano", "hf")
LINE_FORMATS = ("annotator", "prodigy", "doccano")  # one JSON line per record: can stream
DEFAULT_SEED = 13
_SEED = re.compile(r"-?[0-9]{1,18}")


class BadExportRequest(ValueError):
    """An option that cannot be exported; ``field`` names it (as the CLI and the API call it).
    The message is shortened as every refusal's is: it quotes the value, which may be long."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = shorten(message, MESSAGE_LIMIT)
        super().__init__(f"{field}: {self.message}")


@dataclass(frozen=True)
class ExportRequest:
    """What to export. ``annotator`` and ``document`` narrow it; ``since`` keeps annotations
    updated at or after a moment; ``split`` assigns train/dev/test by document, and
    ``split_files`` writes one file per set."""

    format: str = "annotator"
    status: str = "submitted"
    annotator: str | None = None
    document: str | None = None
    since: datetime | None = None
    split: SplitSpec | None = None
    split_files: bool = False

    @classmethod
    def parse(cls, options: Mapping[str, str | None]) -> ExportRequest:
        """Read the options as text (``format``, ``status``, ``annotator``, ``document``,
        ``since``, ``split``, ``seed``, ``split_files``); raise ``BadExportRequest`` naming
        the first that is wrong. Missing or empty options take their defaults."""

        def given(name: str) -> str | None:
            value = options.get(name)
            return value.strip() if value and value.strip() else None

        format_ = given("format") or "annotator"
        if format_ not in FORMATS:
            raise BadExportRequest("format", f"must be one of {', '.join(FORMATS)}")
        status = given("status") or "submitted"
        if status not in STATUS_FILTERS:
            raise BadExportRequest("status", f"must be one of {', '.join(STATUS_FILTERS)}")
        if status == "gold" and given("annotator"):
            raise BadExportRequest("annotator", "gold annotations have no annotator")
        split_text, seed_text = given("split"), given("seed")
        split = None
        if split_text:  # the seed means something only with a split
            if seed_text is not None and not _SEED.fullmatch(seed_text):
                raise BadExportRequest("seed", f"{seed_text!r} is not a whole number")
            try:
                split = SplitSpec.parse(split_text, int(seed_text or DEFAULT_SEED))
            except ValueError as error:
                raise BadExportRequest("split", str(error)) from None
        split_files = (given("split_files") or "").lower() in ("1", "true", "yes", "on")
        if split_files and split is None:
            raise BadExportRequest("split_files", "one file per set needs a split")
        since_text = given("since")
        return cls(
            format=format_,
            status=status,
            annotator=given("annotator"),
            document=given("document"),
            since=parse_since(since_text) if since_text else None,
            split=split,
            split_files=split_files,
        )

    @property
    def streams(self) -> bool:
        """Whether the export is one stream of JSON lines (else files built first)."""
        return self.format in LINE_FORMATS and not self.split_files

    def describe(self) -> str:
        """The filters in a few words, for the command's closing line."""
        parts = [f"status={self.status}"]
        if self.annotator:
            parts.append(f"annotator={self.annotator}")
        if self.document:
            parts.append(f"document={self.document}")
        if self.since:
            parts.append(f"since={self.since.isoformat()}")
        return ", ".join(parts)


def parse_since(value: str) -> datetime:
    """The ``since`` filter from "YYYY-MM-DD" or an ISO timestamp (UTC unless it says)."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise BadExportRequest(
            "since", f"{value!r} is not a date: use YYYY-MM-DD or YYYY-MM-DDTHH:MM"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
