"""Login throttling: after too many failed logins for one account, or from one address, the
login form is refused for a while, the right password included.

Only failures count, so a team behind one address logging in every morning is never held
up. The counting is the ``limits`` library's fixed windows; its storage (our table, or
Redis) is shared by every server process, so more workers do not mean more guesses. A
storage that cannot be reached raises ``limits.errors.StorageError`` (storages are built
with ``wrap_exceptions``): logins then wait for it rather than go uncounted.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from limits import RateLimitItem, parse_many
from limits.storage import Storage
from limits.strategies import FixedWindowRateLimiter


def parse_limit(setting: str, value: str) -> RateLimitItem:
    """The limit ``value`` spells (``10 per 15 minutes``), or a ValueError naming ``setting``
    (the environment variable), so a typo stops the server at startup with a clear message."""
    try:
        limits = parse_many(value)
    except ValueError:
        limits = []
    if len(limits) != 1 or limits[0].amount < 1:
        raise ValueError(
            f"{setting}={value!r} is not a limit: write one like '10 per 15 minutes' "
            "(a count of 1 or more, 'per', then an optional number and second, minute, hour "
            "or day)"
        )
    return limits[0]


@dataclass(frozen=True)
class LoginThrottle:
    """The failed-login limits per account and per client address, over a shared storage."""

    storage: Storage
    per_account: RateLimitItem
    per_address: RateLimitItem

    @property
    def _limiter(self) -> FixedWindowRateLimiter:
        return FixedWindowRateLimiter(self.storage)

    def seconds_to_wait(self, username: str, address: str) -> int | None:
        """Seconds until a login for ``username`` from ``address`` may be tried again, or None
        when it may be tried now."""
        limiter = self._limiter
        waits = [
            limiter.get_window_stats(limit, kind, identifier).reset_time - time.time()
            for limit, kind, identifier in self._counted(username, address)
            if not limiter.test(limit, kind, identifier)
        ]
        return max(1, math.ceil(max(waits))) if waits else None

    def record_failure(self, username: str, address: str) -> None:
        """Count a failed login against ``username`` and against ``address``."""
        limiter = self._limiter
        for limit, kind, identifier in self._counted(username, address):
            limiter.hit(limit, kind, identifier)

    def forget(self, username: str | None = None, address: str | None = None) -> None:
        """Clear the failures counted against ``username`` and ``address``: an admin lets a
        user held by someone else's guessing back in before the window ends."""
        limiter = self._limiter
        if username is not None:
            limiter.clear(self.per_account, *self._account(username))
        if address is not None:
            limiter.clear(self.per_address, *self._address(address))

    def _counted(self, username: str, address: str) -> list[tuple[RateLimitItem, str, str]]:
        return [
            (self.per_account, *self._account(username)),
            (self.per_address, *self._address(address)),
        ]

    @staticmethod
    def _account(username: str) -> tuple[str, str]:
        # The typed name is hashed: people type passwords into the username field, and the
        # counters' keys must not keep them.
        return "login-account", hashlib.sha256(username.encode("utf-8")).hexdigest()

    @staticmethod
    def _address(address: str) -> tuple[str, str]:
        return "login-address", address
