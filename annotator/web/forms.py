"""WTForms forms (CSRF-protected through Flask-WTF)."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, PasswordField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange


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
