"""The registry page's forms (CSRF-protected through Flask-WTF); choices are filled in by
the view, the registry service decides what is allowed."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..registry import MAX_ALIAS_LENGTH, MAX_DESCRIPTION_LENGTH


class ActorForm(FlaskForm):
    """An actor's name, type, description and suggested entity label."""

    name = StringField("Name", validators=[DataRequired(), Length(max=MAX_ALIAS_LENGTH)])
    type = SelectField("Actor type", validators=[DataRequired()])
    description = TextAreaField("Description", validators=[Length(max=MAX_DESCRIPTION_LENGTH)])
    label = SelectField("Entity label suggested for its mentions", default="")


class NewActorForm(ActorForm):
    """A new actor: an actor's fields and, optionally, its key (else made from the name)."""

    key = StringField("Key (optional, made from the name)", validators=[Optional(), Length(max=64)])


class AliasForm(FlaskForm):
    """One more alias for an actor (confirmed at once: reviewers add it)."""

    alias = StringField("New alias", validators=[DataRequired(), Length(max=MAX_ALIAS_LENGTH)])


class MergeForm(FlaskForm):
    """Merge this actor into another, named by key."""

    into = StringField(
        "Merge into (the kept actor's key)", validators=[DataRequired(), Length(max=64)]
    )
