"""WTForms forms (CSRF-protected through Flask-WTF)."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, Length


class LoginForm(FlaskForm):
    """The login page's form."""

    username = StringField("Username", validators=[DataRequired(), Length(max=64)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1024)])
    remember = BooleanField("Keep me logged in on this computer")


class ActionForm(FlaskForm):
    """An empty form for a POST button (log out, confirm an alias): it carries the CSRF token."""
