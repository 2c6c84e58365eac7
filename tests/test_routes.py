"""Every route, for every role: each is open to exactly the roles its rule admits, the others
get 401 (not logged in) or 403, and a route without a rule is refused to everyone. A new
route added without thinking about who may use it fails this suite."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import BuildError, Rule

from annotator.accounts import create_token
from annotator.extensions import get_session
from annotator.models import User
from annotator.web.policy import Access, admits, rule_of

from .conftest import _TEST_PASSWORD_HASH as PASSWORD_HASH
from .conftest import AuthActions

ROLES = (None, "annotator", "reviewer", "admin")  # None: not logged in


def _routes(app: Flask) -> list[tuple[Rule, str]]:
    return [
        (rule, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
    ]


def _url(app: Flask, rule: Rule, method: str) -> str:
    """The rule's path with made-up values: the object does not exist, the rule still holds."""
    adapter = app.url_map.bind("localhost")
    for value in ("nothing-here", 99999):  # a text, or a number where the rule wants one
        try:
            return adapter.build(rule.endpoint, dict.fromkeys(rule.arguments, value), method=method)
        except (BuildError, ValueError):
            continue
    raise AssertionError(f"cannot build a URL for {rule}")


def test_every_route_has_a_rule(app: Flask) -> None:
    """Each view says who may use it."""
    missing = [
        rule.endpoint
        for rule, _ in _routes(app)
        if rule_of(app.view_functions[rule.endpoint]) is None
    ]
    assert not missing, f"routes without an access rule: {missing}"


@pytest.fixture
def callers(
    app: Flask, make_user: Callable[..., User]
) -> dict[str | None, tuple[FlaskClient, dict[str, str]]]:
    """A client and API headers for each role (a logged-in session and a token each)."""
    result: dict[str | None, tuple[FlaskClient, dict[str, str]]] = {None: (app.test_client(), {})}
    for role in ROLES[1:]:
        user = make_user(f"user-{role}", role=role)
        with app.app_context():
            session = get_session()
            _, token = create_token(session, session.merge(user))
            session.commit()
        client = app.test_client()
        AuthActions(client).login(f"user-{role}")
        result[role] = (client, {"Authorization": f"Bearer {token}"})
    return result


def test_every_route_admits_exactly_the_roles_of_its_rule(
    app: Flask, callers: dict[str | None, tuple[FlaskClient, dict[str, Any]]]
) -> None:
    """Not logged in: 401 (API) or the login page; a role the rule does not admit: 403;
    a role it admits: anything but those (the made-up object may well be a 404)."""
    wrong = []
    for rule, method in _routes(app):
        url = _url(app, rule, method)
        access = rule_of(app.view_functions[rule.endpoint])
        assert access is not None
        api = url.startswith("/api/")
        for role in ROLES:
            # A logged-in session for every route: a role is checked before the CSRF token,
            # so a refused role is a 403 and an admitted one at worst a 400.
            client, _ = callers[role]
            response = client.open(url, method=method, json={})
            status = response.status_code
            to_login = status == 302 and "/login" in response.headers.get("Location", "")
            if admits(access, role):
                ok = status not in (401, 403) and not to_login
            elif role is None:
                ok = status == 401 if api else to_login
            else:
                ok = status == 403
            if not ok:
                wrong.append(f"{method} {url} as {role or 'anonymous'} ({access.name}): {status}")
    assert not wrong, "\n".join(wrong)


def test_reviewers_pages_are_closed_to_annotators(
    callers: dict[str | None, tuple[FlaskClient, dict[str, Any]]],
) -> None:
    """The alias proposals page and actor creation answer 403, as a page and as JSON."""
    client, headers = callers["annotator"]
    page = client.get("/actors/proposals")
    assert page.status_code == 403 and b"reviewers and admins" in page.data
    api = client.post("/api/actors", json={"name": "X", "type": "REBEL_GROUP"}, headers=headers)
    assert api.status_code == 403 and "reviewers and admins" in api.get_json()["error"]


def test_a_route_without_a_rule_is_refused_to_everyone(fresh_app: Callable[[], Flask]) -> None:
    """Forgetting the rule closes the route, even to admins: it never opens by default."""
    app = fresh_app()
    app.add_url_rule("/forgotten", "forgotten", lambda: "open")
    with app.app_context():
        session = get_session()
        session.add(User(username="root", role="admin", password_hash=PASSWORD_HASH))
        session.commit()
    client = app.test_client()
    AuthActions(client).login("root")
    response = client.get("/forgotten")
    assert response.status_code == 403 and b"no access rule" in response.data


def test_rules_admit_roles_in_order() -> None:
    """Each rule admits every role above the lowest it names."""
    assert [admits(Access.USER, r) for r in ROLES] == [False, True, True, True]
    assert [admits(Access.REVIEWER, r) for r in ROLES] == [False, False, True, True]
    assert [admits(Access.ADMIN, r) for r in ROLES] == [False, False, False, True]
    assert all(admits(Access.PUBLIC, r) for r in ROLES)
