"""The actor registry page (reviewers and admins): browse and search the registry with how
many mentions link each actor, create and edit actors, add and remove aliases, confirm
proposed ones, merge two actors, and download the registry as ``annotator export`` writes
it. Every change goes through ``annotator.registry`` or ``annotator.actor_merge``, as the
API's and the CLI's do."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response as BaseResponse
from wtforms.fields.choices import SelectChoice

from ..actor_merge import MergeRefused, StaleAnnotation, merge_actors
from ..extensions import get_session
from ..models import Actor, ActorType, EntityType
from ..registry import (
    RegistryError,
    create_actor,
    propose_alias,
    proposed_aliases,
    registry_document,
    remove_alias,
    update_actor,
)
from ..registry_browse import RegistryPage, browse, mention_counts
from .actor_forms import ActorForm, AliasForm, MergeForm, NewActorForm
from .errors import found
from .forms import ActionForm
from .policy import Access, allow

bp = Blueprint("actor_pages", __name__)


def _with_choices(form: ActorForm) -> ActorForm:
    """Fill the form's actor types and entity labels from the configuration."""
    db = get_session()
    form.type.choices = [
        SelectChoice(t.name, t.display_name)
        for t in db.scalars(select(ActorType).order_by(ActorType.position))
    ]
    form.label.choices = [SelectChoice("", "– none –")] + [
        SelectChoice(t.name, t.display_name)
        for t in db.scalars(select(EntityType).order_by(EntityType.position))
    ]
    return form


def _field_error(form: ActorForm | AliasForm, error: RegistryError) -> None:
    """Put a service's refusal ("name: ...") under the form field it names."""
    path, _, message = str(error).partition(": ")
    field = getattr(form, path, None) if path in ("name", "type", "label", "key", "alias") else None
    if field is None:
        field = form.alias if isinstance(form, AliasForm) else form.name
    field.errors = [*field.errors, message]


@bp.get("/actors")
@allow(Access.REVIEWER)
def index() -> tuple[str, int]:
    """The registry: search, one page of actors with their mentions, the proposed aliases."""
    page = request.args.get("page", "1")
    listing = browse(
        get_session(),
        request.args.get("q", "")[:200],
        request.args.get("type", "")[:32],
        int(page) if page.isdigit() and len(page) < 7 else 1,
    )
    return _index(listing, _with_choices(NewActorForm()))


def _index(listing: RegistryPage, new_form: ActorForm, status: int = 200) -> tuple[str, int]:
    db = get_session()
    types = list(db.scalars(select(ActorType.name).order_by(ActorType.position)))
    return render_template(
        "actors/index.html",
        listing=listing,
        types=types,
        proposals=proposed_aliases(db),
        form=ActionForm(),
        new_form=new_form,
    ), status


@bp.post("/actors")
@allow(Access.REVIEWER)
def create() -> tuple[str, int] | BaseResponse:
    """Create an actor from the page's form; its page opens next."""
    form = _with_choices(NewActorForm())
    db = get_session()
    if form.validate_on_submit():
        try:
            actor = create_actor(db, form.name.data, form.type.data, [], form.key.data or None)
            update_actor(
                db, actor, description=form.description.data, entity_label=form.label.data or None
            )
        except RegistryError as error:
            db.rollback()
            _field_error(form, error)
        else:
            db.commit()
            flash(f"Created {actor.name} ({actor.key}).", "info")
            return redirect(url_for("actor_pages.edit", key=actor.key))
    return _index(browse(db), form, 422)


@bp.get("/actors/registry.json")
@allow(Access.REVIEWER)
def download() -> Response:
    """The registry as ``annotator export`` writes it beside the records."""
    response = jsonify(registry_document(get_session()))
    response.headers["Content-Disposition"] = 'attachment; filename="registry.actors.json"'
    return response


def _actor_page(actor: Actor, status: int = 200, **forms: Any) -> tuple[str, int]:
    form = forms.pop("actor_form", None) or _with_choices(
        ActorForm(
            formdata=None,
            name=actor.name,
            type=actor.type,
            description=actor.description,
            label=actor.entity_label or "",
        )
    )
    return render_template(
        "actors/edit.html",
        actor=actor,
        mentions=mention_counts(get_session(), [actor.key]).get(actor.key, 0),
        actor_form=form,
        alias_form=forms.pop("alias_form", None) or AliasForm(formdata=None),
        merge_form=forms.pop("merge_form", None) or MergeForm(formdata=None),
        form=ActionForm(),
    ), status


@bp.get("/actors/<key>/edit")
@allow(Access.REVIEWER)
def edit(key: str) -> tuple[str, int]:
    """One actor: its fields, its aliases and the merge into another."""
    return _actor_page(found(get_session().get(Actor, key)))


@bp.post("/actors/<key>/edit")
@allow(Access.REVIEWER)
def save(key: str) -> tuple[str, int] | BaseResponse:
    """Save an actor's name, type, description and entity label."""
    db = get_session()
    actor = found(db.get(Actor, key))
    form = _with_choices(ActorForm())
    if form.validate_on_submit():
        try:
            update_actor(
                db,
                actor,
                name=form.name.data,
                type_=form.type.data,
                description=form.description.data or "",
                entity_label=form.label.data or None,
            )
        except RegistryError as error:
            db.rollback()
            _field_error(form, error)
        else:
            db.commit()
            flash(f"Saved {actor.name}.", "info")
            return redirect(url_for("actor_pages.edit", key=key))
    return _actor_page(found(db.get(Actor, key)), 422, actor_form=form)


@bp.post("/actors/<key>/aliases")
@allow(Access.REVIEWER)
def add_alias(key: str) -> tuple[str, int] | BaseResponse:
    """Add a confirmed alias (bounded by the aliases an actor may have)."""
    db = get_session()
    actor = found(db.get(Actor, key))
    form = AliasForm()
    if form.validate_on_submit():
        try:
            record = propose_alias(db, actor, form.alias.data, current_user.id, confirmed=True)
        except RegistryError as error:
            db.rollback()
            _field_error(form, error)
        else:
            db.commit()
            flash(f"Added the alias {record.alias!r}: it is suggested from now on.", "info")
            return redirect(url_for("actor_pages.edit", key=key))
    return _actor_page(found(db.get(Actor, key)), 422, alias_form=form)


@bp.post("/actors/<key>/aliases/<int:alias_id>/delete")
@allow(Access.REVIEWER)
def delete_alias(key: str, alias_id: int) -> BaseResponse:
    """Remove one of the actor's aliases."""
    db = get_session()
    actor = found(db.get(Actor, key))
    if ActionForm().validate_on_submit():
        try:
            record = remove_alias(db, actor, alias_id)
        except LookupError:
            db.rollback()
            flash("That alias was removed already.", "error")
        except RegistryError as error:
            db.rollback()
            flash(str(error).partition(": ")[2], "error")
        else:
            db.commit()
            flash(f"Removed the alias {record.alias!r}.", "info")
    return redirect(url_for("actor_pages.edit", key=key))


@bp.post("/actors/<key>/merge")
@allow(Access.REVIEWER)
def merge(key: str) -> tuple[str, int] | BaseResponse:
    """Merge this actor into another; the kept actor's page opens next."""
    db = get_session()
    actor = found(db.get(Actor, key))
    form = MergeForm()
    if form.validate_on_submit():
        into = form.into.data.strip()
        try:
            outcome = merge_actors(db, key, into, current_user.id)
        except MergeRefused as refusal:
            form.into.errors = [*form.into.errors, refusal.message]
        except StaleAnnotation:
            form.into.errors = [
                *form.into.errors,
                "An annotation was saved during the merge; nothing changed. Try again.",
            ]
        else:
            flash(
                f"Merged {key} into {into}: {outcome.annotations_updated} annotation(s) and "
                f"{outcome.pre_annotations_updated} pre-annotation(s) now link {into}; "
                f"{key} is one of its aliases.",
                "info",
            )
            return redirect(url_for("actor_pages.edit", key=into))
    return _actor_page(found(db.get(Actor, actor.key)), 422, merge_form=form)
