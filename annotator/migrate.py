"""Bring a database to the newest schema with Alembic.

``annotator init`` and the test fixtures call ``upgrade_to_head``; nothing
creates tables any other way, so every database has the migrations' schema.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Engine

from .resources import resource_dir

# Alembic (with Mako and Pygments, about 11 MB) is imported when a migration runs, not by
# every command: an export's peak memory is measured against a target.
if TYPE_CHECKING:
    from alembic.config import Config


def alembic_config() -> Config:
    """An Alembic configuration pointing at the shipped migrations folder."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(resource_dir("migrations")))
    return config


def upgrade_to_head(engine: Engine) -> tuple[str | None, str]:
    """Upgrade the database behind ``engine``; return (revision before, revision after)."""
    from alembic import command
    from alembic.runtime.migration import MigrationContext

    config = alembic_config()
    with engine.begin() as connection:
        before = MigrationContext.configure(connection).get_current_revision()
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        after = MigrationContext.configure(connection).get_current_revision()
    return before, after or ""


def head_revision() -> str:
    """The newest revision the shipped migrations define."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError("no migrations found")
    return head
