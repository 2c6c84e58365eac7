"""What importing one file did: the line ``annotator import`` prints for it."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class FileOutcome:
    """What importing one file did."""

    path: str
    status: str  # "imported", "already present", "rejected" or "skipped"
    message: str = ""
    documents_added: int = 0
    documents_present: int = 0
    paragraphs_added: int = 0
    boilerplate_flagged: int = 0
    duplicates_dropped: int = 0
    actors_added: int = 0
    aliases_added: int = 0
    annotations_added: int = 0
    pre_annotations_added: int = 0
    notes: list[str] = field(default_factory=list)
