"""The label API (GET/POST /api/labels/<kind>, PATCH /api/labels/<kind>/<key>), and what a change
of labels leaves alone: the annotations already made. If one fails, an admin's rename, new
colour, hotkey, order or retirement breaks annotators' saved work or changes an export."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from annotator.export import ExportRequest, write_export
from annotator.extensions import get_engine
from annotator.models import Annotation, User

from .conftest import Api, AuthActions, csrf_token_from


class Admin(Api):
    """An API client with the JSON verbs the label API needs."""

    def post(self, path: str, body: Any):
        return self.client.post(path, json=body, headers=self.headers)

    def patch(self, path: str, body: Any):
        return self.client.patch(path, json=body, headers=self.headers)


@pytest.fixture
def admin(api_as: Callable[..., Api]) -> Admin:
    api = api_as("ada", "admin")
    return Admin(api.client, api.headers["Authorization"].removeprefix("Bearer "))


def test_only_admins_may_read_or_change_labels(api_as: Callable[..., Api], admin: Admin) -> None:
    """Annotators and reviewers get 403; the workspace reads GET /api/labels instead."""
    for role in ("annotator", "reviewer"):
        other = api_as(f"someone-{role}", role)
        client, headers = other.client, other.headers
        assert client.get("/api/labels/entity", headers=headers).status_code == 403
        body = {"name": "X", "display_name": "X", "colour": "#000000"}
        assert client.post("/api/labels/entity", json=body, headers=headers).status_code == 403
        changed = client.patch(
            "/api/labels/entity/PERSON", json={"colour": "#000000"}, headers=headers
        )
        assert changed.status_code == 403
    assert admin.get("/api/labels/entity").get_json()["labels"][0]["display_name"] == "Person"


def test_unknown_kinds_and_keys_are_404(admin: Admin) -> None:
    """A kind other than entity, polarity, quote, or a key nobody made."""
    assert admin.get("/api/labels/colour").status_code == 404
    assert admin.post("/api/labels/colour", {}).status_code == 404
    assert admin.patch("/api/labels/entity/NOBODY", {"colour": "#000000"}).status_code == 404
    assert admin.patch("/api/labels/quote/PERSON", {"colour": "#000000"}).status_code == 404


@pytest.mark.parametrize(
    ("body", "path", "said"),
    [
        ({"colour": "blue"}, "$.colour", "#RRGGBB"),
        ({"hotkey": "2"}, "$.hotkey", "taken by Armed group (ARMED_GROUP, entity type)"),
        ({"hotkey": "s"}, "$.hotkey", "workspace command"),
        ({"position": 1.5}, "$.position", "whole number"),
        ({"retired": 1}, "$.retired", "true or false"),
        ({"name": "HUMAN"}, "$.name", "never changes"),
        ({"color": "#000000"}, "$.color", "give colour"),
        ({"shade": "dark"}, "$.shade", "not a field"),
        ([1], "$", "JSON object"),
    ],
)
def test_a_bad_change_is_a_422_naming_the_field(
    admin: Admin, body: Any, path: str, said: str
) -> None:
    """Nothing is changed, and the answer says which field and why."""
    answer = admin.patch("/api/labels/entity/PERSON", body)
    assert answer.status_code == 422
    [error] = answer.get_json()["errors"]
    assert error["path"] == path and said in error["message"]
    person = admin.get("/api/labels/entity").get_json()["labels"][0]
    assert (person["name"], person["hotkey"], person["colour"]) == ("PERSON", "1", "#E69F00")


def test_adding_a_label_is_201_and_the_workspace_offers_it(admin: Admin) -> None:
    """The new label comes last and is in the workspace's configuration."""
    body = {"name": "REFUGEES", "display_name": "Refugees", "colour": "#112233", "hotkey": "7"}
    answer = admin.post("/api/labels/entity", body)
    assert answer.status_code == 201
    assert answer.get_json() | {"position": None} == body | {
        "position": None,
        "description": "",
        "retired": False,
    }
    assert admin.post("/api/labels/entity", body).status_code == 422  # the key exists
    names = [t["name"] for t in admin.get("/api/labels").get_json()["entity_types"]]
    assert names[-1] == "REFUGEES"


def _exports(app: Flask, target: Path) -> dict[str, bytes]:
    """Every format's export of every annotation, file by file."""
    files = {}
    with app.app_context():
        engine = get_engine()
    for format_ in ("annotator", "prodigy", "doccano", "spacy", "hf"):
        where = target / format_
        where.mkdir(parents=True)
        write_export(engine, ExportRequest(format=format_, status="all"), where / "export")
        for path in sorted(where.rglob("*")):
            if path.is_file():
                files[path.relative_to(target).as_posix()] = path.read_bytes()
    return files


CHANGES = {
    "rename": ("entity", "PERSON", {"display_name": "Individual"}),
    "recolour": ("polarity", "OPPOSE", {"colour": "#123456"}),
    "new hotkey": ("quote", "INDIRECT", {"hotkey": "j"}),
    "reorder": ("entity", "ARMED_GROUP", {"position": 0}),
    "retire": ("entity", "PERSON", {"retired": True}),
    "retire a polarity": ("polarity", "OPPOSE", {"retired": True}),
}


@pytest.mark.parametrize("change", CHANGES)
def test_a_label_change_leaves_every_annotation_valid_and_its_export_unchanged(
    app: Flask,
    annotated: dict[str, Any],
    admin: Admin,
    db: Session,
    tmp_path: Path,
    change: str,
) -> None:
    """After the change, each annotation opens, re-saves unchanged, and every export format
    writes the same bytes as before (keys are exported, not display names or colours)."""
    before = _exports(app, tmp_path / "before")
    kind, key, body = CHANGES[change]
    answer = admin.patch(f"/api/labels/{kind}/{key}", body)
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["name"] == key
    assert _exports(app, tmp_path / "after") == before
    saved_by = db.execute(
        select(Annotation.paragraph_id, User.username).join(
            User, Annotation.annotator_id == User.id
        )
    ).all()
    assert len(saved_by) == 9
    for paragraph_id, username in saved_by:
        annotator = annotated[username]
        page = annotator.get(f"/api/paragraphs/{paragraph_id}")
        assert page.status_code == 200
        saved = page.get_json()["annotation"]
        again = {k: saved[k] for k in ("version", "status", "entities", "stances", "quotes")}
        resaved = annotator.put(f"/api/paragraphs/{paragraph_id}/annotation", again)
        assert resaved.status_code == 200, resaved.get_json()
    alice = annotated["alice"]
    config = alice.get("/api/labels").get_json()
    plural = {"entity": "entity_types", "polarity": "polarities", "quote": "quote_types"}[kind]
    [label] = [label for label in config[plural] if label["name"] == key]
    assert label["retired"] is (body.get("retired") is True)
    assert label["display_name"] == body.get("display_name", label["display_name"])


def test_the_page_form_adds_a_label_or_names_the_field_at_fault(
    client: FlaskClient, auth: AuthActions, make_user: Callable[..., object]
) -> None:
    """The Labels page's forms go through the same checks: a 422 page naming the field, or
    the label added; annotators get a 403."""
    make_user("annie")
    auth.login("annie")
    assert client.get("/labels").status_code == 403
    auth.logout()
    make_user("ada", role="admin")
    auth.login("ada")
    page = client.get("/labels")
    assert page.status_code == 200 and b'data-label="quote-MIXED"' in page.data
    token = csrf_token_from(page.get_data(as_text=True))
    form = {"csrf_token": token, "name": "ECHO", "display_name": "Echo", "hotkey": "e"}
    refused = client.post("/labels/quote", data=form | {"colour": "blue"})
    assert refused.status_code == 422
    assert "New quote type: Colour must be #RRGGBB" in refused.get_data(as_text=True)
    added = client.post("/labels/quote", data=form | {"colour": "#a0b0c0"})
    assert added.status_code == 302
    moved = client.post("/labels/quote/ECHO", data={"csrf_token": token, "position": "x"})
    assert moved.status_code == 422 and "Position must be a whole number" in moved.get_data(
        as_text=True
    )
    labels = client.get("/api/labels").get_json()["quote_types"]
    assert labels[-1] == {
        "name": "ECHO",
        "display_name": "Echo",
        "colour": "#A0B0C0",
        "hotkey": "e",
        "description": "",
        "retired": False,
    }
