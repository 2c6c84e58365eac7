"""Importing uploaded files (the upload page and ``POST /api/imports``) through the same
service as ``annotator import``.

The record importer reads a file by its path (in chunks, from worker processes when it is
large), so the request streams each upload in chunks to a file of its own in the import
job's folder (``save_uploads``), under its own base name (which becomes a .txt article's
source and a pre-annotation's source, as with the CLI); the job (``jobs.import_job``) then
imports them one by one through ``import_paths`` (``import_saved``): one transaction per
file, registries first. The paths on disk are replaced by the uploaded names in the
outcomes.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy.orm import Session

from ..accounts import find_user
from ..models import User
from .outcome import FileOutcome
from .paths import REGISTRY_SUFFIXES
from .service import import_paths

MODES = ("suggestions", "annotations")
CHUNK = 1024 * 1024
# What of a name reaches the disk: no folders, no control characters, a bounded length.
_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\]")
_LONGEST_NAME = 150
# What of a message reaches a page or a client: never a large part of the input.
_LONGEST_MESSAGE = 500
_MOST_NOTES = 20


@dataclass(frozen=True)
class Upload:
    """One uploaded file: the name the client gave it and its content, to be read once."""

    name: str
    stream: BinaryIO


class UploadProblem(ValueError):
    """The options of an upload are wrong; ``field`` names the one at fault."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


def importing_user(session: Session, mode: str | None, username: str | None) -> User | None:
    """Whose annotations uploaded records become (``as``), or None for suggestions: the
    CLI's ``--as``. ``mode`` "annotations" needs a user; "suggestions" takes none; without
    a mode, naming a user means annotations. Raises ``UploadProblem``."""
    username = (username or "").strip() or None
    mode = (mode or "").strip() or ("annotations" if username else "suggestions")
    if mode not in MODES:
        raise UploadProblem("mode", f"must be one of: {', '.join(MODES)}")
    if mode == "suggestions":
        if username is not None:
            raise UploadProblem("as", "records imported as suggestions belong to no user")
        return None
    if username is None:
        raise UploadProblem("as", "name the user whose annotations the records become")
    user = find_user(session, username)
    if user is None:
        raise UploadProblem("as", f"no user {shorten(username, 100)!r}")
    return user


@dataclass(frozen=True)
class SavedUpload:
    """An uploaded file on disk (``path``, relative to the folder it was saved in) and the
    name its outcome shows."""

    path: str
    name: str


def save_uploads(uploads: Iterable[Upload], folder: Path) -> list[SavedUpload]:
    """Stream each upload in chunks (never whole in memory) to a folder of its own under
    ``folder``, under its own base name (which becomes a .txt article's source, as with the
    CLI). Returns them in upload order."""
    saved: list[SavedUpload] = []
    for index, upload in enumerate(uploads):
        target = folder / str(index) / disk_name(upload.name)
        target.parent.mkdir(parents=True)
        with target.open("wb") as out:
            shutil.copyfileobj(upload.stream, out, CHUNK)
        saved.append(SavedUpload(str(target.relative_to(folder)), shown_name(upload.name)))
    return saved


def import_saved(
    session: Session,
    folder: Path,
    saved: list[SavedUpload],
    as_user: User | None = None,
    on_start: Callable[[SavedUpload], None] | None = None,
    on_done: Callable[[FileOutcome], None] | None = None,
) -> list[FileOutcome]:
    """Import saved uploads as ``annotator import`` would (``import_paths``, registries
    first): each in its own transaction, a refused one storing nothing, each file deleted
    once imported. ``on_start`` hears each file before it is read, ``on_done`` its outcome.
    The outcomes come back in upload order, named by the uploaded names."""
    registries_first = sorted(
        range(len(saved)), key=lambda i: Path(saved[i].path).suffix not in REGISTRY_SUFFIXES
    )
    outcomes: dict[int, FileOutcome] = {}
    for index in registries_first:
        upload = saved[index]
        if on_start is not None:
            on_start(upload)
        path = folder / upload.path
        outcome = import_paths(session, [path], as_user=as_user).files[0]
        _rename(outcome, str(path), upload.name)
        path.unlink(missing_ok=True)
        outcomes[index] = outcome
        if on_done is not None:
            on_done(outcome)
    return [outcomes[index] for index in range(len(saved))]


def outcome_row(outcome: FileOutcome) -> dict[str, Any]:
    """One file's outcome as the upload page and ``/api/imports`` show it."""
    refused_ = outcome.status in ("rejected", "skipped")
    return {
        "name": outcome.path,
        "status": "refused" if refused_ else "imported",
        "documents": outcome.documents_added,
        "paragraphs": outcome.paragraphs_added,
        "boilerplate": outcome.boilerplate_flagged,
        "duplicates": outcome.documents_present,
        "repeats_dropped": outcome.duplicates_dropped,
        "annotations": outcome.annotations_added,
        "pre_annotations": outcome.pre_annotations_added,
        "actors": outcome.actors_added,
        "aliases": outcome.aliases_added,
        "notes": list(outcome.notes),
        "error": outcome.message if refused_ else None,
    }


def _rename(outcome: FileOutcome, temporary: str, name: str) -> None:
    """Put the uploaded name where the path on disk was, and bound what is shown."""
    outcome.path = name
    outcome.message = shorten(outcome.message.replace(temporary, name), _LONGEST_MESSAGE)
    notes = [shorten(note.replace(temporary, name), _LONGEST_MESSAGE) for note in outcome.notes]
    if len(notes) > _MOST_NOTES:
        notes = [*notes[:_MOST_NOTES], f"and {len(notes) - _MOST_NOTES} more"]
    outcome.notes = notes


def disk_name(name: str | None) -> str:
    """The uploaded name as a file name in a folder of its own: its last part only, control
    characters and separators replaced, bounded in length, its suffix kept (it decides how
    the file is read)."""
    base = re.split(r"[/\\]", _encodable(name or ""))[-1]
    base = _UNSAFE.sub("_", base).lstrip(".") or "upload"
    if len(base.encode("utf-8")) > _LONGEST_NAME:
        suffix = Path(base).suffix if len(Path(base).suffix) <= 10 else ""
        stem = base[: len(base) - len(suffix)]
        while len((stem + suffix).encode("utf-8")) > _LONGEST_NAME:
            stem = stem[:-1]
        base = stem + suffix
    return base


def shown_name(name: str | None) -> str:
    """The uploaded name as the outcome shows it: control characters as "?", bounded."""
    shown = re.sub(r"[\x00-\x1f\x7f]", "?", _encodable(name or "")) or "(no name)"
    return shorten(shown, _LONGEST_NAME)


def _encodable(text: str) -> str:
    """``text`` without lone surrogates (a name no file system or database would take)."""
    return text.encode("utf-8", "replace").decode("utf-8")


def shorten(text: str, most: int) -> str:
    """``text``, cut to ``most`` characters with an ellipsis when longer."""
    return text if len(text) <= most else text[: most - 1] + "…"
