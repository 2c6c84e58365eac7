"""Who may call each route: one rule per view, in one place a reader can scan.

Every view is decorated with ``@allow(...)``; the request guard (``security``) refuses a
caller whose role the rule does not admit (403, as JSON under /api/ or as a page), and
refuses every caller of a view that has no rule at all, so that a route added without one
fails closed (and ``tests/test_routes.py`` names it). What a rule cannot say, because it
depends on the object (whose annotation, whose token, whose export), each view checks
after loading it.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


class Access(Enum):
    """Who a route is for, from everyone to admins only."""

    PUBLIC = "anyone, logged in or not"
    USER = "any logged-in user"
    REVIEWER = "reviewers and admins"
    ADMIN = "admins"


# Which roles each rule admits (PUBLIC admits the anonymous too).
_ROLES = {
    Access.USER: frozenset({"annotator", "reviewer", "admin"}),
    Access.REVIEWER: frozenset({"reviewer", "admin"}),
    Access.ADMIN: frozenset({"admin"}),
}


def allow(rule: Access) -> Callable[[F], F]:
    """Give a view its rule (``@allow(Access.REVIEWER)``)."""

    def decorate(view: F) -> F:
        view.access = rule  # type: ignore[attr-defined]
        return view

    return decorate


def rule_of(view: Callable[..., Any] | None) -> Access | None:
    """The rule a view was given, or None when it has none."""
    return getattr(view, "access", None)


def admits(rule: Access, role: str | None) -> bool:
    """Whether a caller of ``role`` (None: not logged in) may call a route of ``rule``."""
    return rule is Access.PUBLIC or (role is not None and role in _ROLES[rule])
