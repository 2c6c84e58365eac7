"""``annotator import --dry-run``: how each file would be read, and nothing stored.

Articles show their title, each paragraph's opening words (boilerplate with its rule) and
the repeats dropped; registries their actors; annotator records are checked line by line
as an import would (against the database's labels and actors, and those of the registries
named beside them). The database is only read.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..annotation.store import load_vocabulary
from ..models import Actor
from ..registry import key_aliases, normalise_alias
from .actors import ActorRecord, parse_registry
from .article_store import known_documents
from .articles import ParsedArticle, parse_jsonl, parse_txt
from .errors import RejectedFile
from .paths import REGISTRY_SUFFIXES, files_to_import
from .record_lines import ReadContext, checked_chunks
from .records import is_record_file
from .service import check_registry_names

OPENING_WORDS = 8


@dataclass
class FilePreview:
    """What importing one file would do, as lines to print; ``rejected`` when it would not."""

    path: str
    lines: list[str] = field(default_factory=list)
    rejected: bool = False


def preview_paths(
    session: Session, paths: Iterable[str | Path], as_user: bool
) -> Iterator[FilePreview]:
    """A preview of each file ``annotator import`` would read, in the order it reads them."""
    files, refused = files_to_import(paths)
    for outcome in refused:
        rejected = outcome.status == "rejected"
        yield FilePreview(outcome.path, [f"{outcome.status:<9} {outcome.message}"], rejected)
    registry_keys: set[str] = set()
    for path in files:
        try:
            if path.suffix in REGISTRY_SUFFIXES:
                actors = parse_registry(path.read_bytes(), str(path))
                check_registry_names(session, actors, str(path))
                registry_keys |= {actor.key for actor in actors}
                yield FilePreview(str(path), _registry_lines(session, path, actors))
            elif path.suffix == ".jsonl" and is_record_file(path):
                yield FilePreview(str(path), _record_lines(session, path, as_user, registry_keys))
            else:
                data = path.read_bytes()
                articles = (
                    parse_jsonl(data, str(path))
                    if path.suffix == ".jsonl"
                    else [parse_txt(data, str(path), source=path.name)]
                )
                yield FilePreview(str(path), _article_lines(session, path, articles))
        except RejectedFile as error:
            yield FilePreview(str(path), [f"rejected  {error}"], True)
        except OSError as error:
            yield FilePreview(str(path), [f"rejected  {path}: cannot read: {error}"], True)


def opening_words(text: str, count: int = OPENING_WORDS) -> str:
    """The first ``count`` words of a paragraph on one line, "…" when there are more."""
    words = text.split()
    return " ".join(words[:count]) + (" …" if len(words) > count else "")


def _article_lines(session: Session, path: Path, articles: list[ParsedArticle]) -> list[str]:
    known = known_documents(session, articles)
    lines = []
    for article in articles:
        where = f"{path}:{article.line}" if article.line is not None else str(path)
        present = known.present_as(article, str(path))
        known.add(article)
        boilerplate = sum(p.is_boilerplate for p in article.paragraphs)
        lines.append(
            f"would add {where}: {len(article.paragraphs)} paragraphs ({boilerplate} "
            f"boilerplate), {article.duplicates_dropped} repeats dropped"
            if present is None
            else f"unchanged {where}: already present as document {present}"
        )
        lines.append(f"          title: {article.title}")
        published = article.published.isoformat() if article.published else "unknown"
        lines.append(f"          published: {published}; language: {article.language}")
        for position, paragraph in enumerate(article.paragraphs):
            flag = f"[{paragraph.boilerplate_reason}] " if paragraph.is_boilerplate else ""
            lines.append(f"          p{position:<4} {flag}{opening_words(paragraph.text)}")
    return lines


def _registry_lines(session: Session, path: Path, actors: list[ActorRecord]) -> list[str]:
    keys = [actor.key for actor in actors]
    present = set(session.scalars(select(Actor.key).where(Actor.key.in_(keys)))) if keys else set()
    aliases = sum(
        len({normalise_alias(alias) for alias in (actor.name, *actor.aliases)}) for actor in actors
    )
    return [
        f"would add {path}: actor registry of {len(actors)} actors ({len(actors) - len(present)} "
        f"new) with {aliases} aliases, names included"
    ]


def _record_lines(
    session: Session, path: Path, as_user: bool, registry_keys: set[str]
) -> list[str]:
    vocabulary = load_vocabulary(session)
    vocabulary = dataclasses.replace(
        vocabulary, actor_keys=vocabulary.actor_keys | frozenset(registry_keys)
    )
    context = ReadContext(str(path), vocabulary, as_user, key_aliases(session))
    records = sum(len(chunk) for chunk in checked_chunks(path, context))
    if records == 0:
        raise RejectedFile(str(path), "the file holds no records")
    whose = "annotations of the importing user" if as_user else "suggestions (pre-annotations)"
    return [f"would add {path}: {records} annotator records, every one valid, as {whose}"]
