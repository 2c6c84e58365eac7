"""Alembic environment: runs on a connection handed in by annotator.migrate, or on DATABASE_URL."""

from __future__ import annotations

from alembic import context

from annotator.models import Base
from annotator.models.base import UTCDateTime

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    # Invoked through the `alembic` command: build the app's engine from its configuration.
    from annotator import create_app
    from annotator.database import get_engine

    app = create_app()
    with app.app_context(), get_engine().begin() as connection:
        _run(connection)


def _render_item(type_: str, obj: object, _autogen_context: object) -> str | bool:
    """Write our column types as plain SQLAlchemy types, so migrations never import the app."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        render_item=_render_item,
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run `annotator init`")
run_migrations_online()
