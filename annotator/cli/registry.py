"""Commands about the actor registry: merging an actor entered twice."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from ..accounts import find_user
from ..actor_merge import MergeRefused, StaleAnnotation, merge_actors
from ..extensions import get_session
from ..models import User


@click.command("merge-actors")
@with_appcontext
@click.argument("key")
@click.option("--into", "into", required=True, help="The key of the actor to keep.")
@click.option(
    "--as",
    "as_username",
    default=None,
    help="Who the history records as having merged (default: the first admin account).",
)
def merge_actors_command(key: str, into: str, as_username: str | None) -> None:
    """Merge actor KEY into another: its mentions link the kept actor (a new version of
    every annotation changed), and KEY, its name and aliases become the kept one's aliases."""
    db = get_session()
    if as_username is not None:
        user = find_user(db, as_username)
        if user is None:
            raise click.BadParameter(f"no user {as_username!r}", param_hint="--as")
    else:
        user = db.scalar(select(User).where(User.role == "admin").order_by(User.id).limit(1))
        if user is None:
            raise click.UsageError("there is no admin account to record the merge as; give --as")
    try:
        outcome = merge_actors(db, key, into, user.id)
    except MergeRefused as refusal:
        raise click.ClickException(refusal.message) from None
    except StaleAnnotation:
        raise click.ClickException(
            "an annotation was saved during the merge; nothing changed, run it again"
        ) from None
    click.echo(
        f"merged {key} into {into}: {outcome.annotations_updated} annotation(s) and "
        f"{outcome.pre_annotations_updated} pre-annotation(s) now link {into}; "
        f"{outcome.aliases_added} alias(es) added to it (recorded as {user.username})"
    )


COMMANDS = (merge_actors_command,)
