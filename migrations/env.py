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
    from annotator.extensions import get_engine

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
    if connection.dialect.name == "sqlite":
        _run_sqlite(connection)
        return
    with context.begin_transaction():
        context.run_migrations()


def _run_sqlite(connection) -> None:  # type: ignore[no-untyped-def]
    """Run the migrations by SQLite's own procedure for schema changes: foreign keys off, one
    transaction, PRAGMA foreign_key_check, commit, foreign keys on again.

    A batch operation rebuilds a table (copy, DROP TABLE, rename). With foreign keys on, the
    DROP first deletes every row, which fires the ON DELETE actions of the tables that
    reference it: rebuilding ``annotations`` emptied annotation_entities, _quotes and
    _stances (CASCADE) or failed on annotation_history (RESTRICT); rebuilding ``actors``
    emptied actor_aliases, ``users`` api_tokens. PRAGMA foreign_keys is a no-op inside a
    transaction and Alembic runs every migration inside the caller's, so it is set here,
    before the first write, and the transaction is committed here (not by the caller) so
    that foreign keys go back on before the connection returns to the app's pool.
    PRAGMA defer_foreign_keys would not do: it defers the checks, not the CASCADE.
    """
    raw = connection.connection.dbapi_connection
    enforced = connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    if enforced and raw.in_transaction:
        raise RuntimeError(
            "migrations on SQLite need a connection with no write pending: "
            "PRAGMA foreign_keys cannot be turned off inside a transaction"
        )
    if enforced:
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
    if not raw.in_transaction:
        # pysqlite begins a transaction only before INSERT, UPDATE or DELETE: begin it now,
        # so that DDL before a migration's first write is rolled back with the rest.
        connection.exec_driver_sql("BEGIN")
    try:
        with context.begin_transaction():
            context.run_migrations()
        if enforced:
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
            if broken:
                raise RuntimeError(f"rows point at rows that are not there, rolled back: {broken}")
        raw.commit()
    except BaseException:
        raw.rollback()
        raise
    finally:
        if enforced:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run `annotator init`")
run_migrations_online()
