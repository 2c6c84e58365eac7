"""The ``annotator`` command: thin commands over the services, for admins and ``make run``.

Every command also works as ``flask --app annotator <command>``.
"""

from __future__ import annotations

from flask import Flask
from flask.cli import FlaskGroup

from . import accounts, backup, data, jobs, registry, team


def register_commands(app: Flask) -> None:
    """Attach every command to ``app.cli``."""
    for command in (
        *data.COMMANDS,
        *accounts.COMMANDS,
        *team.COMMANDS,
        *backup.COMMANDS,
        *jobs.COMMANDS,
        *registry.COMMANDS,
    ):
        app.cli.add_command(command)


def _create_app() -> Flask:
    from .. import create_app

    return create_app()


main = FlaskGroup(
    name="annotator",
    create_app=_create_app,
    add_default_commands=True,
    help="Annotate actors, stances and reported speech in conflict news.",
)
