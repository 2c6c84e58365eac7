"""The label set: the admin page that changes it, and its JSON API.

Admins add entity types, polarities and quote types, rename them, recolour them, give them
hotkeys, reorder and retire them; every change goes through ``annotator.labels``. The
workspace reads the labels from ``GET /api/labels`` (any logged-in user); the routes here
are for admins only.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, flash, jsonify, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from ..annotation.validation import PayloadError
from ..extensions import get_session
from ..labels import (
    CHANGEABLE,
    KIND_NAMES,
    KIND_TITLES,
    KINDS,
    LabelProblem,
    add_label,
    change_label,
    find_label,
    label_json,
    labels_of,
)
from ..models.labels import LabelMixin
from .errors import NOT_AN_OBJECT, body_object, found, refused
from .policy import Access, allow

bp = Blueprint("labels", __name__)

# How the page names each field in a refusal.
FIELD_NAMES = {
    "name": "Key",
    "display_name": "Name",
    "colour": "Colour",
    "hotkey": "Hotkey",
    "position": "Position",
    "description": "Description",
    "retired": "Retired",
}


def _kind(kind: str) -> str:
    """``kind`` when it is one of the label kinds, else a 404."""
    return found(kind if kind in KINDS else None)


def _label(kind: str, key: str) -> LabelMixin:
    return found(find_label(get_session(), _kind(kind), key))


def _refusal(problem: LabelProblem) -> tuple[Response, int]:
    get_session().rollback()
    return refused(PayloadError(f"$.{problem.field}", problem.message))


# --- the API ------------------------------------------------------------------------------


@bp.get("/api/labels/<kind>")
@allow(Access.ADMIN)
def api_list(kind: str) -> Response:
    """Every label of ``kind`` (entity, polarity, quote) in display order, retired ones too."""
    labels = labels_of(get_session(), _kind(kind))
    return jsonify(kind=kind, labels=[label_json(label) for label in labels])


@bp.post("/api/labels/<kind>")
@allow(Access.ADMIN)
def api_add(kind: str) -> tuple[Response, int]:
    """Add a label: {"name" (its key), "display_name", "colour", "hotkey"?, "description"?,
    "position"?} -> 201 with it; 422 naming the field at fault."""
    kind = _kind(kind)
    body = body_object()
    if body is None:
        return refused(NOT_AN_OBJECT)
    db = get_session()
    try:
        label = add_label(db, kind, body)
    except LabelProblem as problem:
        return _refusal(problem)
    db.commit()
    return jsonify(label_json(label)), 201


@bp.patch("/api/labels/<kind>/<key>")
@allow(Access.ADMIN)
def api_change(kind: str, key: str) -> tuple[Response, int]:
    """Change a label: any of {"display_name", "colour", "hotkey", "position", "description",
    "retired"}; the key stays. 200 with the label; 422 naming the field at fault."""
    label = _label(kind, key)
    body = body_object()
    if body is None:
        return refused(NOT_AN_OBJECT)
    db = get_session()
    try:
        change_label(db, kind, label, body)
    except LabelProblem as problem:
        return _refusal(problem)
    db.commit()
    return jsonify(label_json(label)), 200


# --- the admin page -----------------------------------------------------------------------


def _page(status: int = 200, error: dict[str, str] | None = None) -> tuple[str, int]:
    db = get_session()
    kinds = [
        {"kind": kind, "title": KIND_TITLES[kind], "noun": KIND_NAMES[kind]}
        | {"labels": labels_of(db, kind)}
        for kind in KINDS
    ]
    return render_template(
        "labels/index.html", kinds=kinds, error=error, field_names=FIELD_NAMES
    ), status


def _form_fields(allowed: tuple[str, ...]) -> dict[str, Any]:
    """The fields of the posted form that are among ``allowed``, as the service takes them
    (text; ``position`` a number; ``retired`` a boolean; an empty hotkey clears it)."""
    fields: dict[str, Any] = {}
    for field in allowed:
        value = request.form.get(field)
        if value is None:
            continue
        if field == "position":
            try:
                fields[field] = int(value)
            except ValueError:
                raise LabelProblem("position", "must be a whole number") from None
        elif field == "retired":
            fields[field] = value == "1"
        else:
            fields[field] = value
    return fields


def _failed(kind: str, key: str, problem: LabelProblem) -> tuple[str, int]:
    get_session().rollback()
    field = FIELD_NAMES.get(problem.field, problem.field)
    return _page(
        422,
        {
            "kind": kind,
            "key": key,
            "field": problem.field,
            "message": f"{key or 'New ' + KIND_NAMES[kind]}: {field} {problem.message}.",
        },
    )


@bp.get("/labels")
@allow(Access.ADMIN)
def index() -> tuple[str, int]:
    """Every label of every kind, each with the forms that change it, and one to add one."""
    return _page()


@bp.post("/labels/<kind>")
@allow(Access.ADMIN)
def add(kind: str) -> BaseResponse | tuple[str, int]:
    """Add a label from the form; the page again naming the field at fault when refused."""
    kind = _kind(kind)
    db = get_session()
    try:
        fields = _form_fields(("name", "display_name", "colour", "hotkey", "description"))
        label = add_label(db, kind, fields)
    except LabelProblem as problem:
        return _failed(kind, "", problem)
    db.commit()
    flash(f"{label.display_name} ({label.name}) added.", "success")
    return redirect(url_for("labels.index", _anchor=f"{kind}-{label.name}"))


@bp.post("/labels/<kind>/<key>")
@allow(Access.ADMIN)
def change(kind: str, key: str) -> BaseResponse | tuple[str, int]:
    """Apply a row's form (name, colour, hotkey, description), a move or a retirement."""
    label = _label(kind, key)
    db = get_session()
    try:
        fields = _form_fields(CHANGEABLE)
        change_label(db, kind, label, fields)
    except LabelProblem as problem:
        return _failed(kind, key, problem)
    db.commit()
    done = "saved"
    if "retired" in fields:
        done = "retired" if fields["retired"] else "back in use"
    elif "position" in fields:
        done = "moved"
    flash(f"{label.display_name} ({label.name}) {done}.", "success")
    return redirect(url_for("labels.index", _anchor=f"{kind}-{label.name}"))
