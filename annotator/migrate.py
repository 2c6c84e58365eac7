"""Bring a database to the newest schema with Alembic.

``annotator init`` and the test fixtures call ``upgrade_to_head``; nothing
creates tables any other way, so every database has the migrations' schema.
"""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from .resources import resource_dir


def alembic_config() -> Config:
    """An Alembic configuration pointing at the shipped migrations folder."""
    config = Config()
    config.set_main_option("script_location", str(resource_dir("migrations")))
    return config


def upgrade_to_head(engine: Engine) -> tuple[str | None, str]:
    """Upgrade the database behind ``engine``; return (revision before, revision after)."""
    config = alembic_config()
    with engine.begin() as connection:
        before = MigrationContext.configure(connection).get_current_revision()
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        after = MigrationContext.configure(connection).get_current_revision()
    return before, after or ""


def head_revision() -> str:
    """The newest revision the shipped migrations define."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError("no migrations found")
    return head
