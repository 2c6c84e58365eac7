"""Storing parsed articles: which of them the database already holds, and the rows of the
others (documents and paragraphs, in bulk)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from ..models import Document, Paragraph
from .articles import ParsedArticle, paragraph_id, text_sha256
from .errors import RejectedFile
from .outcome import FileOutcome

_LOOKUP_CHUNK = 500


@dataclass
class KnownDocuments:
    """The documents a database holds among those a file names, by id and by content."""

    hash_by_id: dict[str, str] = field(default_factory=dict)
    id_by_hash: dict[str, str] = field(default_factory=dict)

    def present_as(self, article: ParsedArticle, file: str) -> str | None:
        """The id under which ``article`` is already stored, or None; refuses an id that
        another content holds."""
        known_hash = self.hash_by_id.get(article.id)
        if known_hash is not None and known_hash != article.content_sha256:
            raise RejectedFile(
                file,
                f"document id {article.id!r} is already taken by a document with other content",
                article.line,
            )
        if known_hash is not None:
            return article.id
        return self.id_by_hash.get(article.content_sha256)

    def add(self, article: ParsedArticle) -> None:
        """Count ``article`` as stored (a file that holds it twice stores it once)."""
        self.hash_by_id[article.id] = article.content_sha256
        self.id_by_hash[article.content_sha256] = article.id


def known_documents(session: Session, articles: Sequence[ParsedArticle]) -> KnownDocuments:
    """What the database holds of ``articles``: read only, in chunks of ids and hashes."""
    known = KnownDocuments()
    for chunk in _chunks(sorted({a.id for a in articles})):
        known.hash_by_id.update(
            session.execute(
                select(Document.id, Document.content_sha256).where(Document.id.in_(chunk))
            ).all()
        )
    for chunk in _chunks(sorted({a.content_sha256 for a in articles})):
        known.id_by_hash.update(
            session.execute(
                select(Document.content_sha256, Document.id).where(
                    Document.content_sha256.in_(chunk)
                )
            ).all()
        )
    return known


def store_articles(session: Session, articles: Sequence[ParsedArticle], file: str) -> FileOutcome:
    """Insert the documents and paragraphs of the articles the database lacks."""
    known = known_documents(session, articles)
    outcome = FileOutcome(file, "imported")
    documents: list[dict[str, object]] = []
    paragraphs: list[dict[str, object]] = []
    for article in articles:
        existing = known.present_as(article, file)
        if existing is not None:
            where = f"line {article.line}: " if article.line is not None else ""
            outcome.documents_present += 1
            outcome.notes.append(f"{where}already present as document {existing}")
            continue
        known.add(article)
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


def _chunks(items: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(items), _LOOKUP_CHUNK):
        yield items[start : start + _LOOKUP_CHUNK]
