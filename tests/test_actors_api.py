"""The actor registry over HTTP: type-ahead, creating actors, proposing and confirming aliases."""

from __future__ import annotations

from collections.abc import Callable

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from annotator.models import Paragraph, User

from .conftest import Api, AuthActions


def test_type_ahead_finds_actors_by_any_alias_best_first(
    api_as: Callable[..., Api], seeded: None
) -> None:
    """ "isis", "daesh" and "داعش" all find the Islamic State first."""
    api = api_as()
    for query in ("isis", "Daesh", "داعش", "islamic st"):
        results = api.get("/api/actors", query_string={"q": query}).get_json()
        assert results[0]["id"] == "islamic-state", query
        assert results[0]["name"] == "Islamic State"
        assert "ISIL" in results[0]["aliases"]
    assert api.get("/api/actors", query_string={"q": "zzzz"}).get_json() == []


def test_only_reviewers_create_actors(api_as: Callable[..., Api], seeded: None) -> None:
    """Annotators cannot create actors; reviewers can, and a taken key is refused."""
    annotator, reviewer = api_as("alice"), api_as("rita", "reviewer")
    body = {"name": "Palestine Liberation Army", "type": "POLITICAL_MILITIA", "aliases": ["PLA"]}
    assert (
        annotator.client.post("/api/actors", json=body, headers=annotator.headers).status_code
        == 403
    )
    created = reviewer.client.post("/api/actors", json=body, headers=reviewer.headers)
    assert created.status_code == 201
    assert created.get_json()["id"] == "palestine-liberation-army"
    assert set(created.get_json()["aliases"]) == {"Palestine Liberation Army", "PLA"}
    again = reviewer.client.post("/api/actors", json=body, headers=reviewer.headers)
    assert again.status_code == 422
    assert again.get_json()["errors"][0]["path"] == "key"
    bad_type = reviewer.client.post(
        "/api/actors", json={"name": "X", "type": "WIZARDS"}, headers=reviewer.headers
    )
    assert bad_type.status_code == 422 and bad_type.get_json()["errors"][0]["path"] == "type"


def test_proposed_alias_suggests_only_after_a_reviewer_confirms(
    api_as: Callable[..., Api],
    client: FlaskClient,
    auth: AuthActions,
    db: Session,
    make_user: Callable[..., User],
    seeded: None,
) -> None:
    """An annotator's alias waits for review; once confirmed it is suggested on paragraphs."""
    annotator = api_as("alice")
    paragraph = db.scalar(
        select(Paragraph).where(
            Paragraph.text.like("%Hmeimim%"), Paragraph.is_boilerplate.is_(False)
        )
    )
    url = f"/api/paragraphs/{paragraph.id}"

    def suggested() -> set[str]:
        body = annotator.get(url).get_json()
        return {s["text"] for s in body["suggestions"]["entities"]}

    assert "Hmeimim military air base" not in suggested()
    proposed = annotator.client.post(
        "/api/actors/russia/aliases",
        json={"alias": "Hmeimim military air base"},
        headers=annotator.headers,
    )
    assert proposed.status_code == 201 and proposed.get_json()["status"] == "proposed"
    assert "Hmeimim military air base" not in suggested()
    duplicate = annotator.client.post(
        "/api/actors/russia/aliases",
        json={"alias": "hmeimim  military-air base"},
        headers=annotator.headers,
    )
    assert duplicate.status_code == 422

    make_user("rita", role="reviewer")
    auth.login("rita")
    page = client.get("/actors/proposals", follow_redirects=True).get_data(as_text=True)
    assert "Hmeimim military air base" in page
    alias_id = proposed.get_json()["id"]
    response = client.post(
        f"/actors/proposals/{alias_id}",
        data={"decision": "confirm", "csrf_token": auth.csrf_token()},
    )
    assert response.status_code == 302
    assert "Hmeimim military air base" in suggested()


def test_annotators_cannot_review_proposals(
    client: FlaskClient, auth: AuthActions, make_user: Callable[..., User]
) -> None:
    """The review page and its buttons are for reviewers and admins."""
    make_user("alice")
    auth.login()
    assert client.get("/actors/proposals").status_code == 403
    response = client.post(
        "/actors/proposals/1", data={"decision": "confirm", "csrf_token": auth.csrf_token()}
    )
    assert response.status_code == 403


def test_an_alias_of_another_actor_is_refused_naming_its_holder(
    api_as: Callable[..., Api], seeded: None
) -> None:
    """'ISIS' added to AFP would make every ISIS mention a suggestion linked to the news
    agency: refused, naming the actor that has it, and AFP keeps only its own aliases."""
    reviewer = api_as("rita", "reviewer")
    before = reviewer.get("/api/actors", query_string={"q": "afp"}).get_json()[0]["aliases"]
    answer = reviewer.client.post(
        "/api/actors/afp/aliases", json={"alias": "isis"}, headers=reviewer.headers
    )
    assert answer.status_code == 422
    assert "already belongs to Islamic State" in answer.get_json()["errors"][0]["message"]
    after = reviewer.get("/api/actors", query_string={"q": "afp"}).get_json()[0]["aliases"]
    assert after == before


def test_a_key_merged_into_another_actor_is_not_reused_by_a_new_actor(
    api_as: Callable[..., Api], seeded: None
) -> None:
    """After 'foo-bar' is merged into Fatah, records naming foo-bar link Fatah: a new actor
    under that key would take them over, so creating one is refused in words, not a 500."""
    reviewer = api_as("rita", "reviewer")
    body = {"name": "Foo Bar", "type": "POLITICAL_MILITIA"}
    assert (
        reviewer.client.post("/api/actors", json=body, headers=reviewer.headers).status_code == 201
    )
    merged = reviewer.client.post(
        "/api/actors/foo-bar/merge", json={"into": "fatah"}, headers=reviewer.headers
    )
    assert merged.status_code == 200
    again = reviewer.client.post("/api/actors", json=body, headers=reviewer.headers)
    assert again.status_code == 422
    [error] = again.get_json()["errors"]
    assert error["path"] == "key" and "was merged into Fatah" in error["message"]
