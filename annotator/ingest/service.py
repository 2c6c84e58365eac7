"""Importing files into the database: one transaction per file, a report for all of them.

A file is stored whole or not at all; a rejected file does not stop the others.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ..annotation.counts import after_import, refresh_statistics
from ..models import ActorType, Document, EntityType, Paragraph, User
from ..registry import store_actor
from .actors import ActorRecord, parse_registry
from .articles import ParsedArticle, paragraph_id, parse_jsonl, parse_txt, text_sha256
from .errors import RejectedFile
from .outcome import FileOutcome
from .records import import_record_file, is_record_file

ARTICLE_SUFFIXES = (".txt", ".jsonl")
REGISTRY_SUFFIXES = (".json",)
SUPPORTED_SUFFIXES = ARTICLE_SUFFIXES + REGISTRY_SUFFIXES
_LOOKUP_CHUNK = 500
log = logging.getLogger(__name__)


@dataclass
class ImportReport:
    """The outcome of one ``annotator import`` call."""

    files: list[FileOutcome] = field(default_factory=list)

    def total(self, attribute: str) -> int:
        return sum(getattr(outcome, attribute) for outcome in self.files)

    @property
    def rejected(self) -> list[FileOutcome]:
        return [outcome for outcome in self.files if outcome.status == "rejected"]

    def summary(self) -> str:
        """One paragraph for the end of the command's output."""
        text = (
            f"documents: {self.total('documents_added')} added, "
            f"{self.total('documents_present')} already present, "
            f"{len(self.rejected)} file(s) rejected; "
            f"paragraphs added: {self.total('paragraphs_added')} "
            f"({self.total('boilerplate_flagged')} flagged as boilerplate, "
            f"{self.total('duplicates_dropped')} repeats within an article dropped)"
        )
        if self.total("annotations_added"):
            text += f"; annotations added: {self.total('annotations_added')}"
        if self.total("pre_annotations_added"):
            text += (
                f"; pre-annotations added (offered as suggestions): "
                f"{self.total('pre_annotations_added')}"
            )
        if self.total("actors_added") or self.total("aliases_added"):
            text += (
                f"; actors added: {self.total('actors_added')}, "
                f"aliases added: {self.total('aliases_added')}"
            )
        return text


def import_paths(
    session: Session,
    paths: Iterable[str | Path],
    on_file: Callable[[FileOutcome], None] | None = None,
    as_user: User | None = None,
    on_progress: Callable[[Path, int], None] | None = None,
) -> ImportReport:
    """Import files and directories (recursively); registries first, then articles and records.

    ``annotator.v2`` (and v1) record files become ``as_user``'s submitted annotations, or, without
    a user, pre-annotations offered as suggestions. ``on_progress`` hears, as a large
    record file is stored, how many of its records are done.
    """
    report = ImportReport()
    files: list[Path] = []
    for outcome_or_path in _expand(paths):
        if isinstance(outcome_or_path, FileOutcome):
            _record(report, outcome_or_path, on_file)
        else:
            files.append(outcome_or_path)
    files.sort(key=lambda p: (p.suffix not in REGISTRY_SUFFIXES,))
    for path in files:
        _record(report, import_file(session, path, as_user, on_progress), on_file)
    added = sum(
        report.total(name)
        for name in ("paragraphs_added", "annotations_added", "pre_annotations_added")
    )
    refresh_statistics(session, added)
    return report


def import_file(
    session: Session,
    path: Path,
    as_user: User | None = None,
    on_progress: Callable[[Path, int], None] | None = None,
) -> FileOutcome:
    """Import one file in its own transaction; on any error store nothing of it."""
    name = str(path)
    try:
        if path.suffix == ".jsonl" and is_record_file(path):
            outcome = _store_records(session, path, as_user, on_progress)
            _count(session, outcome, as_user)
            session.commit()
            return outcome
        data = path.read_bytes()
        if path.suffix in REGISTRY_SUFFIXES:
            outcome = _store_registry(session, parse_registry(data, name), name)
        elif path.suffix == ".jsonl":
            outcome = _store_articles(session, parse_jsonl(data, name), name)
        else:
            outcome = _store_articles(session, [parse_txt(data, name, source=path.name)], name)
        _count(session, outcome, None)
        session.commit()
        return outcome
    except RejectedFile as error:
        session.rollback()
        return FileOutcome(name, "rejected", str(error))
    except OSError as error:
        session.rollback()
        return FileOutcome(name, "rejected", f"{name}: cannot read: {error.strerror or error}")
    except SQLAlchemyError as error:
        session.rollback()
        log.exception("import of %s refused by the database", name)
        detail = str(getattr(error, "orig", None) or error).splitlines()[0]
        return FileOutcome(name, "rejected", f"{name}: the database refused it: {detail}")
    except Exception as error:  # a bug must not cost the other files their import
        session.rollback()
        log.exception("import of %s failed unexpectedly", name)
        return FileOutcome(name, "rejected", f"{name}: unexpected error: {error!r}")


def _count(session: Session, outcome: FileOutcome, as_user: User | None) -> None:
    """Keep the counts the queue reads in step with what the file added."""
    after_import(
        session,
        outcome.paragraphs_added - outcome.boilerplate_flagged,
        as_user.id if as_user is not None else None,
        outcome.annotations_added,
    )


def _record(
    report: ImportReport, outcome: FileOutcome, on_file: Callable[[FileOutcome], None] | None
) -> None:
    report.files.append(outcome)
    if on_file is not None:
        on_file(outcome)


def _expand(paths: Iterable[str | Path]) -> Iterator[Path | FileOutcome]:
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if any(part.startswith(".") for part in child.relative_to(path).parts):
                    continue
                if not child.is_file():
                    continue
                if child.suffix in SUPPORTED_SUFFIXES:
                    yield child
                else:
                    yield FileOutcome(
                        str(child), "skipped", f"{child}: not a .txt, .jsonl or .json file"
                    )
        elif path.is_file():
            if path.suffix in SUPPORTED_SUFFIXES:
                yield path
            else:
                yield FileOutcome(
                    str(path),
                    "rejected",
                    f"{path}: unsupported file type {path.suffix or '(none)'!r}: "
                    "expected .txt, .jsonl or an actor registry .json",
                )
        else:
            yield FileOutcome(str(path), "rejected", f"{path}: no such file or directory")


def _chunks(items: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(items), _LOOKUP_CHUNK):
        yield items[start : start + _LOOKUP_CHUNK]


def _store_articles(session: Session, articles: list[ParsedArticle], file: str) -> FileOutcome:
    ids = sorted({a.id for a in articles})
    hashes = sorted({a.content_sha256 for a in articles})
    hash_by_id: dict[str, str] = {}
    id_by_hash: dict[str, str] = {}
    for chunk in _chunks(ids):
        hash_by_id.update(
            session.execute(
                select(Document.id, Document.content_sha256).where(Document.id.in_(chunk))
            ).all()
        )
    for chunk in _chunks(hashes):
        id_by_hash.update(
            session.execute(
                select(Document.content_sha256, Document.id).where(
                    Document.content_sha256.in_(chunk)
                )
            ).all()
        )
    outcome = FileOutcome(file, "imported")
    documents: list[dict[str, object]] = []
    paragraphs: list[dict[str, object]] = []
    for article in articles:
        where = f"line {article.line}: " if article.line is not None else ""
        known_hash = hash_by_id.get(article.id)
        if known_hash is not None and known_hash != article.content_sha256:
            raise RejectedFile(
                file,
                f"document id {article.id!r} is already taken by a document with other content",
                article.line,
            )
        if known_hash is not None or article.content_sha256 in id_by_hash:
            outcome.documents_present += 1
            existing = id_by_hash.get(article.content_sha256, article.id)
            outcome.notes.append(f"{where}already present as document {existing}")
            continue
        hash_by_id[article.id] = article.content_sha256
        id_by_hash[article.content_sha256] = article.id
        documents.append(
            {
                "id": article.id,
                "title": article.title,
                "source": article.source,
                "published": article.published,
                "language": article.language,
                "meta": article.meta,
                "content_sha256": article.content_sha256,
            }
        )
        for position, paragraph in enumerate(article.paragraphs):
            paragraphs.append(
                {
                    "id": paragraph_id(article.id, position),
                    "document_id": article.id,
                    "position": position,
                    "text": paragraph.text,
                    "text_sha256": text_sha256(paragraph.text),
                    "is_boilerplate": paragraph.is_boilerplate,
                    "boilerplate_reason": paragraph.boilerplate_reason,
                }
            )
            outcome.boilerplate_flagged += paragraph.is_boilerplate
        outcome.duplicates_dropped += article.duplicates_dropped
    if documents:
        session.execute(insert(Document), documents)
        session.execute(insert(Paragraph), paragraphs)
    outcome.documents_added = len(documents)
    outcome.paragraphs_added = len(paragraphs)
    if not documents:
        outcome.status = "already present"
    return outcome


def _store_records(
    session: Session,
    path: Path,
    as_user: User | None,
    on_progress: Callable[[Path, int], None] | None,
) -> FileOutcome:
    progress = (lambda done: on_progress(path, done)) if on_progress is not None else None
    return import_record_file(session, path, as_user, progress)


def _store_registry(session: Session, records: list[ActorRecord], file: str) -> FileOutcome:
    known_types = set(session.scalars(select(ActorType.name)))
    known_labels = set(session.scalars(select(EntityType.name)))
    for index, record in enumerate(records):
        if record.label is not None and record.label not in known_labels:
            raise RejectedFile(
                file,
                f"$.actors[{index}].label: unknown entity type {record.label!r} "
                f"(known: {', '.join(sorted(known_labels))})",
            )
        if record.type not in known_types:
            raise RejectedFile(
                file,
                f"$.actors[{index}].type: unknown actor type {record.type!r} "
                f"(known: {', '.join(sorted(known_types)) or 'none; run `annotator init`'})",
            )
    outcome = FileOutcome(file, "imported")
    for record in records:
        change = store_actor(
            session,
            record.key,
            record.name,
            record.type,
            list(record.aliases),
            record.description,
            entity_label=record.label,
        )
        outcome.actors_added += change.actor_added
        outcome.aliases_added += change.aliases_added
        outcome.notes.extend(change.notes)
    session.flush()
    if not outcome.actors_added and not outcome.aliases_added:
        outcome.status = "already present"
    return outcome
