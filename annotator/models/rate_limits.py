"""Rate-limit counters: what the login throttle counts, shared by every server process."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Float, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class RateLimitCounter(Base):
    """One counter of the ``limits`` library (its key names the limit and who is counted).

    Kept in the database so that every gunicorn worker sees the same counts; a row whose
    ``expires_at`` has passed counts as zero and is deleted by a later increment.
    """

    __tablename__ = "rate_limit_counters"
    __table_args__ = (CheckConstraint("count >= 0", name="count_not_negative"),)

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
    # Seconds since the epoch, as ``limits`` reckons time (time.time()).
    expires_at: Mapped[float] = mapped_column(Float, index=True)
