"""The Actors page's forms: what a reviewer sees when creating, editing, growing or pruning an
actor, and when the registry refuses (the field at fault named, nothing stored)."""

from __future__ import annotations

from collections.abc import Callable

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from annotator.models import Actor, ActorAlias, User

from .conftest import AuthActions


def _as_reviewer(client: FlaskClient, auth: AuthActions, make_user: Callable[..., User]) -> str:
    make_user("rita", role="reviewer")
    auth.login("rita")
    return auth.csrf_token()


def test_create_and_edit_an_actor_from_the_page(
    client: FlaskClient,
    auth: AuthActions,
    make_user: Callable[..., User],
    db: Session,
    seeded: None,
) -> None:
    """A new actor opens on its own page; a bad type or a taken key is named under its field."""
    token = _as_reviewer(client, auth, make_user)
    form = {"csrf_token": token, "name": "Liwa al-Quds", "type": "POLITICAL_MILITIA", "key": ""}
    made = client.post(
        "/actors", data=form | {"label": "ARMED_GROUP", "description": "Palestinian"}
    )
    assert made.status_code == 302 and made.headers["Location"].endswith(
        "/actors/liwa-al-quds/edit"
    )
    actor = db.get(Actor, "liwa-al-quds")
    assert actor is not None and actor.entity_label == "ARMED_GROUP"
    taken = client.post("/actors", data=form | {"label": ""})
    assert taken.status_code == 422
    assert "an actor &#39;liwa-al-quds&#39; already exists" in taken.get_data(as_text=True)
    bad = client.post("/actors", data=form | {"type": "WIZARDS", "label": "", "name": "Other"})
    assert bad.status_code == 422 and "Not a valid choice" in bad.get_data(as_text=True)
    saved = client.post(
        "/actors/liwa-al-quds/edit",
        data={
            "csrf_token": token,
            "name": "Liwa al-Quds Brigade",
            "type": "REBEL_GROUP",
            "label": "",
        },
    )
    assert saved.status_code == 302
    db.expire_all()
    actor = db.get(Actor, "liwa-al-quds")
    assert actor is not None and (actor.name, actor.type, actor.entity_label) == (
        "Liwa al-Quds Brigade",
        "REBEL_GROUP",
        None,
    )
    assert "Liwa al-Quds Brigade" in {alias.alias for alias in actor.aliases}


def test_add_and_remove_aliases_from_the_page(
    client: FlaskClient,
    auth: AuthActions,
    make_user: Callable[..., User],
    db: Session,
    seeded: None,
    monkeypatch: object,
) -> None:
    """An alias added is confirmed at once; one the actor has, or one past the bound, is
    refused under the field; the name cannot be removed, another alias can."""
    token = _as_reviewer(client, auth, make_user)
    added = client.post("/actors/russia/aliases", data={"csrf_token": token, "alias": "Moscow"})
    assert added.status_code == 302
    again = client.post("/actors/russia/aliases", data={"csrf_token": token, "alias": "moscow"})
    assert again.status_code == 422 and "already has" in again.get_data(as_text=True)
    rows = db.scalars(select(ActorAlias).where(ActorAlias.actor_key == "russia")).all()
    assert {a.alias: a.status for a in rows}["Moscow"] == "confirmed"
    aliases = {a.alias: a.id for a in rows}
    name = client.post(
        f"/actors/russia/aliases/{aliases['Russia']}/delete", data={"csrf_token": token}
    )
    assert name.status_code == 302
    page = client.get("/actors/russia/edit").get_data(as_text=True)
    assert "rename the actor first" in page
    removed = client.post(
        f"/actors/russia/aliases/{aliases['Moscow']}/delete", data={"csrf_token": token}
    )
    assert removed.status_code == 302
    db.expire_all()
    assert db.get(ActorAlias, aliases["Moscow"]) is None
    assert db.get(ActorAlias, aliases["Russia"]) is not None


def test_merging_into_a_missing_actor_is_refused_on_the_page(
    client: FlaskClient,
    auth: AuthActions,
    make_user: Callable[..., User],
    db: Session,
    seeded: None,
) -> None:
    """The merge form names what is wrong and changes nothing."""
    token = _as_reviewer(client, auth, make_user)
    missing = client.post("/actors/afp/merge", data={"csrf_token": token, "into": "nobody"})
    assert missing.status_code == 422 and "there is no actor" in missing.get_data(as_text=True)
    itself = client.post("/actors/afp/merge", data={"csrf_token": token, "into": "afp"})
    assert itself.status_code == 422 and "cannot be merged into itself" in itself.get_data(
        as_text=True
    )
    assert db.get(Actor, "afp") is not None
    assert client.post("/actors/afp/merge", data={"into": "sana"}).status_code == 400
    assert db.get(Actor, "afp") is not None
