"""An annotation: its content (``model``), checked (``validation``), stored and read back
(``store``), and written out as an annotator.v2 record (``record``)."""

from .model import Content, Decision, Entity, Quote, Span, Stance, span_problem
from .record import SCHEMA, Record, RecordCheckFailed, SpanMismatch, StoredLayersUnreadable
from .store import (
    NewAnnotation,
    SaveResult,
    VersionConflict,
    load_vocabulary,
    read_payload,
    record_actors,
    save,
    save_many,
)
from .validation import InvalidPayload, PayloadError, Vocabulary, payload_limits, validate_payload

__all__ = [
    "SCHEMA",
    "Content",
    "Decision",
    "Entity",
    "InvalidPayload",
    "NewAnnotation",
    "PayloadError",
    "Quote",
    "Record",
    "RecordCheckFailed",
    "SaveResult",
    "Span",
    "SpanMismatch",
    "Stance",
    "StoredLayersUnreadable",
    "VersionConflict",
    "Vocabulary",
    "load_vocabulary",
    "payload_limits",
    "read_payload",
    "record_actors",
    "save",
    "save_many",
    "span_problem",
    "validate_payload",
]
