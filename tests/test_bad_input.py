"""Bad input over HTTP: every request below once crashed the server (500) or was stored on one
engine and refused on the other. Each is now refused with a 4xx that names the field, the same
on SQLite and PostgreSQL, with nothing stored and nothing large echoed back."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from annotator.models import Actor, ActorAlias, AnnotationHistory, ApiToken, Paragraph, User
from annotator.web.boundary import control_in_json

from .conftest import Api, AuthActions, csrf_token_from

EMPTY = {"version": 0, "status": "draft", "entities": [], "stances": [], "quotes": []}


@pytest.fixture
def paragraph(db: Session, seeded: None) -> Paragraph:
    return db.scalars(
        select(Paragraph).where(Paragraph.is_boilerplate.is_(False)).order_by(Paragraph.id)
    ).first()


def _history(db: Session) -> int:
    db.rollback()  # see the requests' commits
    return db.scalar(select(func.count()).select_from(AnnotationHistory))


def _raw_put(api: Api, url: str, body: str) -> Any:
    headers = {**api.headers, "Content-Type": "application/json"}
    return api.client.put(url, data=body.encode("utf-8", "surrogatepass"), headers=headers)


def _paths(response: Any) -> list[str]:
    return [error["path"] for error in response.get_json()["errors"]]


@pytest.mark.parametrize("version", [2**31, 2**63, 2**70])
def test_a_version_past_the_databases_integer_is_refused(
    api_as: Callable[..., Api], db: Session, paragraph: Paragraph, version: int
) -> None:
    """A version past 2147483647 is a 422 naming it (it was a 500: on PostgreSQL from 2^31, on
    SQLite from 2^63), for a saved annotation as for a new one, and for gold."""
    api, reviewer = api_as(), api_as("rita", "reviewer")
    url = f"/api/paragraphs/{paragraph.id}/annotation"
    assert api.put(url, EMPTY).status_code == 200
    before = _history(db)
    answer = _raw_put(
        api,
        url,
        f'{{"version": {version}, "status": "draft", '
        + '"entities": [], "stances": [], "quotes": []}',
    )
    assert answer.status_code == 422 and _paths(answer) == ["version"], answer.get_json()
    gold = reviewer.client.put(
        f"/api/paragraphs/{paragraph.id}/gold",
        json={**EMPTY, "status": "submitted", "version": version, "sources": {}},
        headers=reviewer.headers,
    )
    assert gold.status_code == 422 and "version" in _paths(gold), gold.get_json()
    assert _history(db) == before


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"version": 1.0}, "version"),
        (
            {"entities": [{"id": "e1", "start": 0.0, "end": 5, "label": "PERSON"}]},
            "entities[0].start",
        ),
        (
            {"entities": [{"id": "e1", "start": 0, "end": 5.0, "label": "PERSON"}]},
            "entities[0].end",
        ),
    ],
)
def test_whole_numbers_written_as_floats_are_refused(
    api_as: Callable[..., Api], db: Session, paragraph: Paragraph, change: dict[str, Any], path: str
) -> None:
    """1.0 and 5.0 where integers belong are refused, saying to write 5, not 5.0 (they are
    never stored as whatever they round to)."""
    api = api_as()
    url = f"/api/paragraphs/{paragraph.id}/annotation"
    assert api.put(url, EMPTY).status_code == 200
    answer = api.put(url, {**EMPTY, "version": 1, **change})
    assert answer.status_code == 422, answer.get_json()
    (error,) = answer.get_json()["errors"]
    assert error["path"] == path and "(5, not 5.0)" in error["message"]
    assert _history(db) == 1


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (
            '{"version": 0, "status": "draft", "entities": [], "stances": [], "quotes": [], '
            '"comment": "\\ud800"}',
            "surrogate",
        ),
        (
            '{"version": 0, "status": "draft", "entities": [], "stances": [], "quotes": [], '
            '"comment": "\ud800"}',
            "surrogates not allowed",
        ),
        ("[" * 100_000 + "]" * 100_000, "depth"),
        ('{"version": NaN}', "not valid JSON"),
    ],
    ids=["escaped lone surrogate", "raw lone surrogate", "nested 100000 deep", "NaN"],
)
def test_a_body_that_is_not_json_is_a_400_saying_why(
    api_as: Callable[..., Api], db: Session, paragraph: Paragraph, body: str, reason: str
) -> None:
    """Lone surrogates and deep nesting crashed the save (500); now they are a 400 saying why,
    and nothing is stored."""
    api = api_as()
    answer = _raw_put(api, f"/api/paragraphs/{paragraph.id}/annotation", body)
    assert answer.status_code == 400, answer.get_data(as_text=True)[:300]
    message = answer.get_json()["error"]
    assert "not valid JSON" in message and reason in message
    assert _history(db) == 0


def test_a_lone_surrogate_in_an_alias_is_refused(
    api_as: Callable[..., Api], db: Session, seeded: None
) -> None:
    """Every JSON route reads its body through the same parser: an alias too."""
    api = api_as()
    headers = {**api.headers, "Content-Type": "application/json"}
    answer = api.client.post(
        "/api/actors/islamic-state/aliases", data='{"alias": "Zq\\udc00x"}', headers=headers
    )
    assert answer.status_code == 400
    assert not db.scalar(select(ActorAlias).where(ActorAlias.alias.startswith("Zq")))


@pytest.mark.parametrize(
    "url", ["/api/tokens/99999999999999999999", f"/api/tokens/{2**63}", f"/api/tokens/{2**31}"]
)
def test_an_id_past_the_databases_integer_is_no_address(
    api_as: Callable[..., Api], db: Session, url: str
) -> None:
    """DELETE /api/tokens/<huge> was a 500 (PostgreSQL from 2^31, SQLite from 2^63): a 404."""
    api = api_as()
    answer = api.client.delete(url, headers=api.headers)
    assert answer.status_code == 404, answer.get_data(as_text=True)[:200]
    assert (
        db.scalar(
            select(func.count()).select_from(ApiToken).where(ApiToken.revoked_at.is_not(None))
        )
        == 0
    )


def test_a_batch_id_past_the_databases_integer_is_no_address(
    api_as: Callable[..., Api], seeded: None
) -> None:
    """Every <int:...> in a path is bounded, the batch pages' too."""
    admin = api_as("root", "admin")
    for url in (f"/api/batches/{2**31}", f"/api/batches/{2**63}/progress"):
        assert admin.get(url).status_code == 404, url


@pytest.mark.parametrize("character", ["\x00", "\x01", "\x1b", "\x7f"])
def test_a_comment_with_a_control_character_is_refused(
    api_as: Callable[..., Api], db: Session, paragraph: Paragraph, character: str
) -> None:
    """NUL was a 500 on PostgreSQL and stored on SQLite; now any C0 control (but tab, line feed
    and carriage return, which a comment of several lines holds) or DEL is a 422 naming the
    comment on both, and nothing is stored."""
    api = api_as()
    answer = api.put(
        f"/api/paragraphs/{paragraph.id}/annotation", {**EMPTY, "comment": f"a{character}b"}
    )
    assert answer.status_code == 422, answer.get_data(as_text=True)[:200]
    assert _paths(answer) == ["$.comment"]
    assert f"U+{ord(character):04X}" in answer.get_json()["errors"][0]["message"]
    assert _history(db) == 0
    lines = {**EMPTY, "comment": "tab, line feed and carriage return:\tone\r\ntwo\n"}
    assert api.put(f"/api/paragraphs/{paragraph.id}/annotation", lines).status_code == 200


def test_actor_names_and_aliases_with_control_characters_are_refused(
    api_as: Callable[..., Api], db: Session, seeded: None
) -> None:
    """An alias with NUL was stored on SQLite (after which the export's registry file no longer
    imported) and a 500 on PostgreSQL: both are 422s naming the field."""
    reviewer, annotator = api_as("rita", "reviewer"), api_as()
    actors_before = db.scalar(select(func.count()).select_from(Actor))
    created = reviewer.client.post(
        "/api/actors", json={"name": "Jaysh\x00", "type": "REBEL_GROUP"}, headers=reviewer.headers
    )
    assert created.status_code == 422 and _paths(created) == ["$.name"]
    aliased = reviewer.client.post(
        "/api/actors",
        json={"name": "Jaysh", "type": "REBEL_GROUP", "aliases": ["ok", "J\x02"]},
        headers=reviewer.headers,
    )
    assert aliased.status_code == 422 and _paths(aliased) == ["$.aliases[1]"]
    proposed = annotator.client.post(
        "/api/actors/islamic-state/aliases", json={"alias": "Zq\x00x"}, headers=annotator.headers
    )
    assert proposed.status_code == 422 and _paths(proposed) == ["$.alias"]
    db.rollback()
    assert db.scalar(select(func.count()).select_from(Actor)) == actors_before
    assert not db.scalar(select(ActorAlias).where(ActorAlias.alias.startswith("Zq")))


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/actors?q=a%00b", "query.q"),
        ("/api/queue/next?after=a%00b", "query.after"),
        ("/api/export?document=a%00b", "query.document"),
        ("/api/documents?x%01=1", "query.(a name)"),
    ],
)
def test_query_parameters_with_control_characters_are_refused(
    api_as: Callable[..., Api], seeded: None, url: str, field: str
) -> None:
    """A NUL in a query was a 500 on PostgreSQL (an export failed mid-stream) and ignored on
    SQLite: a 422 naming the parameter on both."""
    answer = api_as().get(url)
    assert answer.status_code == 422 and _paths(answer) == [field], answer.get_data()[:200]


def test_a_reviewers_annotator_query_with_nul_is_refused(
    api_as: Callable[..., Api], paragraph: Paragraph
) -> None:
    """``?annotator=`` is looked up in the users table: a 422, not a 500."""
    answer = api_as("rita", "reviewer").get(f"/api/paragraphs/{paragraph.id}?annotator=a%00b")
    assert answer.status_code == 422 and _paths(answer) == ["query.annotator"]


@pytest.mark.parametrize(
    "url", ["/api/documents/a%00b", "/api/paragraphs/a%00b", "/documents/a%00b"]
)
def test_a_path_with_a_control_character_is_no_address(
    api_as: Callable[..., Api], seeded: None, url: str
) -> None:
    """A NUL in a path was a 500 on PostgreSQL: a 404 on both, as JSON or as a page."""
    answer = api_as().get(url)
    assert answer.status_code == 404
    assert "U+0000" in answer.get_data(as_text=True)


def test_the_login_form_refuses_control_characters(
    app: Flask, client: FlaskClient, make_user: Callable[..., User]
) -> None:
    """The unauthenticated login form with NUL in the username was a 500 on PostgreSQL: a 422
    page naming the field on both, and nobody is logged in."""
    make_user("alice")
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    answer = client.post(
        "/login", data={"username": "alice\x00", "password": "x" * 12, "csrf_token": token}
    )
    assert answer.status_code == 422
    assert "form.username" in answer.get_data(as_text=True)
    assert client.get("/api/me").status_code == 401


def test_a_token_name_with_a_control_character_is_refused(
    client: FlaskClient, auth: AuthActions, make_user: Callable[..., User], db: Session
) -> None:
    """The token routes are behind the same check."""
    make_user("alice")
    auth.login("alice")
    answer = client.post(
        "/api/tokens", json={"name": "lap\x00top"}, headers={"X-CSRFToken": auth.csrf_token()}
    )
    assert answer.status_code == 422 and _paths(answer) == ["$.name"]
    assert db.scalar(select(func.count()).select_from(ApiToken)) == 0


@pytest.mark.parametrize(
    "change",
    [
        {"comment": "x" * 10_000_000},
        {"status": "x" * 1_000_000},
        {"entities": [{"id": "e1", "start": 0, "end": 1, "label": "L" * 1_000_000}]},
        {"x" * 1_000_000: 1},
    ],
    ids=["long comment", "long status", "long label", "long unknown key"],
)
def test_a_refusal_never_echoes_a_large_input(
    api_as: Callable[..., Api], paragraph: Paragraph, change: dict[str, Any]
) -> None:
    """A 10 MB comment got a 10 MB 422: each message now quotes at most about 80 characters
    of a value, and says how much it left out."""
    answer = api_as().put(f"/api/paragraphs/{paragraph.id}/annotation", {**EMPTY, **change})
    assert answer.status_code == 422
    assert len(answer.get_data()) < 2000, answer.get_data()[:300]
    assert "characters)" in answer.get_data(as_text=True)


def test_a_long_export_option_is_not_echoed(api_as: Callable[..., Api], seeded: None) -> None:
    """An export's options are quoted in their refusals, shortened as every refusal is."""
    api = api_as("rita", "reviewer")
    for query in ({"split": "80/10/10", "seed": "9" * 100_000}, {"since": "x" * 100_000}):
        answer = api.get("/api/export", query_string=query)
        assert answer.status_code == 422 and len(answer.get_data()) < 2000, answer.get_data()[:300]


def test_a_long_actor_key_is_not_echoed(api_as: Callable[..., Api], seeded: None) -> None:
    """The registry's refusals are shortened too."""
    reviewer = api_as("rita", "reviewer")
    answer = reviewer.client.post(
        "/api/actors",
        json={"name": "X", "type": "REBEL_GROUP", "key": "Not A Slug " * 100_000},
        headers=reviewer.headers,
    )
    assert answer.status_code == 422 and len(answer.get_data()) < 2000


def test_control_in_json_names_the_first_place() -> None:
    """Keys, strings in lists and deep objects are all read, without recursion."""
    assert control_in_json({"a": ["ok", {"b": "x\x00"}]}) == ("$.a[1].b", "U+0000")
    assert control_in_json({"k\x1f": 1}) == ("$ (a key)", "U+001F")
    assert control_in_json({"ok": "tab\there\r\n"}) is None
    deep: Any = "\x07"
    for _ in range(5000):
        deep = [deep]
    assert control_in_json(deep) == ("$" + "[0]" * 5000, "U+0007")
