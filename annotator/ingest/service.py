"""Importing files into the database: one transaction per file, a report for all of them.

A file is stored whole or not at all; a rejected file does not stop the others.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ..annotation.counts import after_import, refresh_statistics
from ..models import ActorType, EntityType, User
from ..registry import RegistryError, store_actor
from .actors import ActorRecord, parse_registry
from .article_store import store_articles
from .articles import parse_jsonl, parse_txt
from .errors import RejectedFile
from .outcome import FileOutcome
from .paths import REGISTRY_SUFFIXES, files_to_import
from .records import import_record_file, is_record_file

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
    files, refused = files_to_import(paths)
    for outcome in refused:
        _record(report, outcome, on_file)
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
            outcome = store_articles(session, parse_jsonl(data, name), name)
        else:
            outcome = store_articles(session, [parse_txt(data, name, source=path.name)], name)
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


def _store_records(
    session: Session,
    path: Path,
    as_user: User | None,
    on_progress: Callable[[Path, int], None] | None,
) -> FileOutcome:
    progress = (lambda done: on_progress(path, done)) if on_progress is not None else None
    return import_record_file(session, path, as_user, progress)


def check_registry_names(session: Session, records: list[ActorRecord], file: str) -> None:
    """Refuse a registry naming an actor type or entity type the database does not have
    (read only: ``--dry-run`` asks it too)."""
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


def _store_registry(session: Session, records: list[ActorRecord], file: str) -> FileOutcome:
    check_registry_names(session, records, file)
    outcome = FileOutcome(file, "imported")
    for index, record in enumerate(records):
        try:
            change = store_actor(
                session,
                record.key,
                record.name,
                record.type,
                list(record.aliases),
                record.description,
                entity_label=record.label,
            )
        except RegistryError as error:
            raise RejectedFile(file, f"$.actors[{index}].{error}") from None
        outcome.actors_added += change.actor_added
        outcome.aliases_added += change.aliases_added
        outcome.notes.extend(change.notes)
    session.flush()
    if not outcome.actors_added and not outcome.aliases_added:
        outcome.status = "already present"
    return outcome
