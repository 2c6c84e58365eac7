"""Accounts and API tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow

ROLES = ("admin", "reviewer", "annotator")


class User(Base):
    """A person who logs in. Accounts are made by an admin; there is no self-registration."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('admin', 'reviewer', 'annotator')", name="role_known"),
        CheckConstraint("length(username) BETWEEN 1 AND 64", name="username_length"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Part of every session and remember cookie; bumping it logs the user out everywhere.
    session_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # Paragraphs (boilerplate aside) this user has submitted or skipped: the progress line of
    # an annotator in no batch, kept by every save (annotator.annotation.counts).
    done_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Annotator in no batch: no paragraph before this one (in queue order) is left for them,
    # so their queue is searched from here (annotator.queue). None: from the start.
    queue_start_id: Mapped[str | None] = mapped_column(String(80))

    tokens: Mapped[list[ApiToken]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    # Flask-Login's user protocol.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}.{self.session_version}"

    def end_all_sessions(self) -> None:
        """Invalidate every session and remember cookie of this user (not API tokens): a
        copied cookie is refused from then on, since the server no longer accepts its version."""
        self.session_version = (self.session_version or 1) + 1

    @property
    def can_review(self) -> bool:
        """Reviewers and admins see everyone's work."""
        return self.role in ("admin", "reviewer")


class ApiToken(Base):
    """A bearer token for scripts. Only its sha256 is stored; the token is shown once."""

    __tablename__ = "api_tokens"
    __table_args__ = (CheckConstraint("length(token_hash) = 64", name="hash_length"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters of the token, so an owner can tell tokens apart in a list.
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Refused from this moment on (`annotator token NAME --expires 90d`); None: never expires.
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(back_populates="tokens")
