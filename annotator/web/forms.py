"""WTForms forms (CSRF-protected through Flask-WTF)."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import (
    DataRequired,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
)


class LoginForm(FlaskForm):
    """The login page's form."""

    username = StringField("Username", validators=[DataRequired(), Length(max=64)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1024)])
    remember = BooleanField("Keep me logged in on this computer")


class ActionForm(FlaskForm):
    """An empty form for a POST button (log out, confirm an alias): it carries the CSRF token."""


class BatchForm(FlaskForm):
    """The admin's form that makes a batch (choices are filled in by the view)."""

    name = StringField("Name", validators=[DataRequired(), Length(max=100)])
    documents = SelectMultipleField("Documents", validators=[DataRequired()])
    annotators = SelectMultipleField("Annotators", validators=[DataRequired()])
    overlap = IntegerField(
        "Annotators per paragraph (overlap)",
        default=2,
        validators=[
            InputRequired("Give how many annotators label each paragraph."),
            NumberRange(min=1, message="At least 1 annotator per paragraph."),
        ],
    )


# --- accounts: the admin's users page and everyone's "My account" ---------------------------

ROLE_CHOICES = ["annotator", "reviewer", "admin"]


class _PasswordChoice(FlaskForm):
    """A password the admin types twice or, both left empty, one the server makes and shows
    once (its length is the service's to check)."""

    password = PasswordField("Password", validators=[Length(max=1024)])
    confirm = PasswordField(
        "Password again",
        validators=[
            Length(max=1024),
            EqualTo("password", message="The two passwords differ."),
        ],
    )


class NewUserForm(_PasswordChoice):
    """An admin makes an account."""

    username = StringField("Username", validators=[DataRequired(), Length(max=64)])
    role = SelectField("Role", choices=ROLE_CHOICES, default="annotator")


class PasswordResetForm(_PasswordChoice):
    """An admin gives an account a new password."""


class RoleForm(FlaskForm):
    """An admin changes an account's role."""

    role = SelectField("Role", choices=ROLE_CHOICES)


class OwnPasswordForm(FlaskForm):
    """Anyone changes their own password, giving the current one first."""

    current = PasswordField("Current password", validators=[DataRequired(), Length(max=1024)])
    password = PasswordField("New password", validators=[DataRequired(), Length(max=1024)])
    confirm = PasswordField(
        "New password again",
        validators=[DataRequired(), EqualTo("password", message="The two passwords differ.")],
    )


class NewTokenForm(FlaskForm):
    """Anyone makes an API token for themselves."""

    name = StringField("Name", validators=[Length(max=100)])
    expires = StringField(
        "Expires after (e.g. 90d or 12h; empty: never)", validators=[Length(max=20)]
    )
