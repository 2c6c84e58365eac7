"""The login throttle's rules, without an app: failures per account and per address, how
long to wait, what a limit setting may say."""

from __future__ import annotations

import pytest
from limits.storage import MemoryStorage

from annotator.login_throttle import LoginThrottle, parse_limit


def throttle(per_account: str = "3 per 15 minutes", per_address: str = "5 per hour"):
    storage = MemoryStorage()
    made = LoginThrottle(
        storage=storage,
        per_account=parse_limit("A", per_account),
        per_address=parse_limit("B", per_address),
    )
    return made, storage


def test_an_account_is_held_after_its_failures_from_any_address() -> None:
    """Three failures for alice, each from another address, hold alice for 15 minutes;
    bob, from those addresses, may still try."""
    made, _ = throttle()
    for address in ("192.0.2.1", "192.0.2.2"):
        made.record_failure("alice", address)
        assert made.seconds_to_wait("alice", address) is None
    made.record_failure("alice", "192.0.2.3")
    wait = made.seconds_to_wait("alice", "198.51.100.9")
    assert wait is not None and 890 <= wait <= 900
    assert made.seconds_to_wait("bob", "192.0.2.1") is None


def test_an_address_is_held_after_its_failures_for_any_accounts() -> None:
    """Five failures from one address, over five names, hold that address for an hour (every
    name); the same names from another address may still try."""
    made, _ = throttle()
    for name in ("a", "b", "c", "d", "e"):
        made.record_failure(name, "203.0.113.5")
    wait = made.seconds_to_wait("alice", "203.0.113.5")
    assert wait is not None and 3590 <= wait <= 3600
    assert made.seconds_to_wait("a", "203.0.113.6") is None


def test_the_typed_username_is_not_kept_in_the_counters() -> None:
    """A password typed into the username field does not end up in the counters' keys."""
    made, storage = throttle()
    made.record_failure("my secret password", "192.0.2.1")
    assert storage.storage
    assert not any("secret" in key for key in storage.storage)


@pytest.mark.parametrize(
    ("value", "seconds", "amount"),
    [("10 per 15 minutes", 900, 10), ("50/hour", 3600, 50), ("1 per day", 86400, 1)],
)
def test_limits_are_written_as_the_library_reads_them(
    value: str, seconds: int, amount: int
) -> None:
    """The settings take the limits library's notation."""
    limit = parse_limit("ANNOTATOR_LOGIN_FAILURES_PER_ACCOUNT", value)
    assert (limit.amount, limit.get_expiry()) == (amount, seconds)


@pytest.mark.parametrize(
    "value", ["ten", "", "0 per minute", "10 per 15 minutes; 5 per second", "-1 per hour"]
)
def test_a_limit_that_is_not_one_is_refused_naming_the_setting(value: str) -> None:
    """A typo stops the server with the setting's name and an example, not a stack of
    library internals (and never a limit of zero, which would lock everyone out)."""
    with pytest.raises(ValueError, match="ANNOTATOR_LOGIN_FAILURES_PER_ADDRESS=.*10 per 15"):
        parse_limit("ANNOTATOR_LOGIN_FAILURES_PER_ADDRESS", value)
