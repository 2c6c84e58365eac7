"""The ``annotator`` command: thin wrappers around the services, for admins and ``make run``.

Every command also works as ``flask --app annotator <command>``.
"""

from __future__ import annotations

import os
import secrets
import sys
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import Flask
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy import select

from .accounts import (
    AccountError,
    create_token,
    create_user,
    find_user,
    revoke_token,
    set_password,
)
from .database import get_engine, get_session
from .export import (
    FORMATS,
    LINE_FORMATS,
    STATUS_FILTERS,
    ExportFilters,
    RecordCheckFailed,
    SplitSpec,
    count_records,
    parse_since,
    write_export,
    write_to_stream,
)
from .export.formats import EXTENSIONS
from .ingest import FileOutcome, import_paths
from .label_defaults import seed_default_labels
from .migrate import upgrade_to_head
from .models import ROLES, ApiToken, User

ADMIN_USERNAME = "admin"
ADMIN_PASSWORD_ENV = "ANNOTATOR_ADMIN_PASSWORD"


def _read_password(password_stdin: bool) -> str:
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise click.ClickException("no password on standard input")
        return password
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@click.command("init")
@with_appcontext
def init_command() -> None:
    """Create or upgrade the database to the newest schema and add the default labels."""
    before, after = upgrade_to_head(get_engine())
    db = get_session()
    added = seed_default_labels(db)
    db.commit()
    if before == after:
        click.echo(f"Database schema is up to date (revision {after}).")
    else:
        click.echo(f"Database schema upgraded from {before or 'empty'} to {after}.")
    click.echo(f"Default labels added: {added}.")


@click.command("import")
@with_appcontext
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option(
    "--as",
    "as_username",
    default=None,
    help="annotator.v1 files become this user's submitted annotations (default: suggestions).",
)
def import_command(paths: tuple[str, ...], as_username: str | None) -> None:
    """Import articles (.txt, .jsonl), actor registries (.json) and annotator.v1 records."""
    as_user = None
    if as_username is not None:
        as_user = find_user(get_session(), as_username)
        if as_user is None:
            raise click.BadParameter(f"no user {as_username!r}", param_hint="--as")

    def show(outcome: FileOutcome) -> None:
        if sys.stderr.isatty():
            click.echo("\r\033[K", nl=False, err=True)  # clear the progress line
        if outcome.status == "rejected":
            click.secho(f"rejected  {outcome.message}", fg="red", err=True)
            return
        if outcome.status == "skipped":
            click.echo(f"skipped   {outcome.message}")
            return
        parts = []
        if outcome.documents_added or outcome.paragraphs_added:
            parts.append(
                f"{outcome.documents_added} document(s), {outcome.paragraphs_added} paragraphs "
                f"({outcome.boilerplate_flagged} boilerplate)"
            )
        if outcome.documents_present == 1 and len(outcome.notes) == 1:
            parts.append(outcome.notes.pop())
        elif outcome.documents_present:
            parts.append(f"{outcome.documents_present} already present")
        if outcome.actors_added or outcome.aliases_added:
            parts.append(f"{outcome.actors_added} actors, {outcome.aliases_added} aliases")
        if outcome.annotations_added:
            parts.append(f"{outcome.annotations_added} annotations")
        if outcome.pre_annotations_added:
            parts.append(f"{outcome.pre_annotations_added} pre-annotations (suggestions)")
        label = "imported " if outcome.status == "imported" else "unchanged"
        click.echo(f"{label} {outcome.path}: {'; '.join(parts) or 'nothing new'}")
        for note in outcome.notes:
            click.echo(f"          {note}")

    progress = None
    if sys.stderr.isatty():

        def progress(path: Path, done: int) -> None:
            click.echo(f"\r          {path}: {done:,} records stored", nl=False, err=True)

    report = import_paths(get_session(), paths, on_file=show, as_user=as_user, on_progress=progress)
    click.echo(report.summary())
    if report.rejected:
        raise SystemExit(1)


@click.command("create-user")
@with_appcontext
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), default="annotator", show_default=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user_command(username: str, role: str, password_stdin: bool) -> None:
    """Create an account (there is no self-registration)."""
    password = _read_password(password_stdin)
    db = get_session()
    try:
        create_user(db, username, role, password)
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    db.commit()
    click.echo(f"Created {role} {username!r}.")


@click.command("set-password")
@with_appcontext
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def set_password_command(username: str, password_stdin: bool) -> None:
    """Set a new password for an account."""
    db = get_session()
    user = find_user(db, username)
    if user is None:
        raise click.ClickException(f"no user {username!r}")
    try:
        set_password(user, _read_password(password_stdin))
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    db.commit()
    click.echo(f"Password of {username!r} changed.")


@click.command("create-admin")
@with_appcontext
def create_admin_command() -> None:
    """Create the ``admin`` account once and print its password.

    The password comes from $ANNOTATOR_ADMIN_PASSWORD when set; a second run changes nothing.
    """
    db = get_session()
    if find_user(db, ADMIN_USERNAME) is not None:
        click.echo(
            f"Account {ADMIN_USERNAME!r} exists; its password was shown when it was created "
            f"(change it with `annotator set-password {ADMIN_USERNAME}`)."
        )
        return
    given = os.environ.get(ADMIN_PASSWORD_ENV)
    password = given or secrets.token_urlsafe(15)
    try:
        create_user(db, ADMIN_USERNAME, "admin", password)
    except AccountError as error:
        raise click.ClickException(f"${ADMIN_PASSWORD_ENV}: {error}") from None
    db.commit()
    if given:
        click.echo(f"Created {ADMIN_USERNAME!r} with the password from ${ADMIN_PASSWORD_ENV}.")
    else:
        click.echo("")
        click.echo(f"  Log in as:  {ADMIN_USERNAME}")
        click.echo(f"  Password:   {password}")
        click.echo("  (shown this once; change it with `annotator set-password admin`)")
        click.echo("")


@click.command("token")
@with_appcontext
@click.argument("username")
@click.option("--name", default="", help="A label to tell this token apart from others.")
def token_command(username: str, name: str) -> None:
    """Create an API token for USERNAME and print it once."""
    db = get_session()
    user = find_user(db, username)
    if user is None:
        raise click.ClickException(f"no user {username!r}")
    record, token = create_token(db, user, name)
    db.commit()
    click.echo(token)
    click.echo(
        f"Token {record.id} ({record.prefix}...) for {username!r}: shown this once. "
        "Send it as `Authorization: Bearer <token>`.",
        err=True,
    )


@click.command("tokens")
@with_appcontext
@click.argument("username")
def tokens_command(username: str) -> None:
    """List USERNAME's API tokens (never the tokens themselves)."""
    db = get_session()
    user = find_user(db, username)
    if user is None:
        raise click.ClickException(f"no user {username!r}")
    for token in db.scalars(select(ApiToken).where(ApiToken.user_id == user.id)):
        state = "revoked" if token.revoked_at else "active"
        used = token.last_used_at.isoformat(timespec="seconds") if token.last_used_at else "never"
        click.echo(f"{token.id}\t{token.prefix}...\t{state}\t{token.name}\tlast used {used}")


@click.command("revoke-token")
@with_appcontext
@click.argument("token_id", type=int)
def revoke_token_command(token_id: int) -> None:
    """Revoke an API token by its id (see `annotator tokens USERNAME`)."""
    db = get_session()
    token = db.get(ApiToken, token_id)
    if token is None:
        raise click.ClickException(f"no token with id {token_id}")
    revoke_token(token)
    db.commit()
    click.echo(f"Token {token_id} revoked.")


@click.command("set-active")
@with_appcontext
@click.argument("username")
@click.option("--active/--inactive", required=True)
def set_active_command(username: str, active: bool) -> None:
    """Enable or disable an account; a disabled account cannot log in or use its tokens."""
    db = get_session()
    user: User | None = find_user(db, username)
    if user is None:
        raise click.ClickException(f"no user {username!r}")
    user.active = active
    if not active:
        user.end_all_sessions()
    db.commit()
    click.echo(f"{username!r} is now {'active' if active else 'inactive'}.")


def _parse_since(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return parse_since(value)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--since") from None


@click.command("export")
@click.option(
    "--out",
    "out",
    default=None,
    help="File or folder to write (default: exports/annotator-<time>...); - for stdout.",
)
@click.option(
    "--format",
    "format_",
    type=click.Choice(FORMATS),
    default="annotator",
    show_default=True,
    help="annotator.v1 JSONL, or a converter's format.",
)
@click.option(
    "--status",
    type=click.Choice(sorted(STATUS_FILTERS)),
    default="submitted",
    show_default=True,
    help="submitted; gold (adjudicated); all (adds drafts and skipped paragraphs).",
)
@click.option("--annotator", "annotator_name", default=None, help="Only this annotator's work.")
@click.option("--document", "document_id", default=None, help="Only this document (its id).")
@click.option("--since", default=None, help="Only annotations updated on or after (YYYY-MM-DD).")
@click.option(
    "--split", "split_text", default=None, help="Assign train/dev/test by document, e.g. 80/10/10."
)
@click.option(
    "--seed",
    default=13,
    show_default=True,
    help="Seed of the split: the same seed gives the same split.",
)
@click.option("--split-files", is_flag=True, help="With --split: one file per set, in a folder.")
@with_appcontext
def export_command(
    out: str | None,
    format_: str,
    status: str,
    annotator_name: str | None,
    document_id: str | None,
    since: str | None,
    split_text: str | None,
    seed: int,
    split_files: bool,
) -> None:
    """Export annotations (annotator.v1 JSONL or a converter's format), actors beside them."""
    try:
        split = SplitSpec.parse(split_text, seed) if split_text else None
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--split") from None
    if split_files and split is None:
        raise click.BadParameter("--split-files needs --split", param_hint="--split-files")
    if out == "-" and (split_files or format_ not in LINE_FORMATS):
        raise click.BadParameter(
            "stdout takes one JSONL stream: not --split-files, spacy or hf", param_hint="--out"
        )
    filters = ExportFilters(
        status=status, annotator=annotator_name, document=document_id, since=_parse_since(since)
    )
    db = get_session()
    if annotator_name and find_user(db, annotator_name) is None:
        raise click.BadParameter(f"no user {annotator_name!r}", param_hint="--annotator")
    if status == "gold":
        click.echo(
            "No gold records exist yet: adjudication comes with the review milestone.", err=True
        )
    try:
        if out == "-":
            summary = write_to_stream(db, filters, format_, sys.stdout.buffer, split)
            click.echo(f"Wrote {summary.describe()} ({filters.describe()}).", err=True)
            return
        if out is None:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            folder_like = split_files or format_ == "hf"
            suffix = "" if folder_like else EXTENSIONS[format_]
            name = f"annotator-{stamp}" + (f"-{format_}" if format_ != "annotator" else "")
            target = Path("exports") / f"{name}{suffix}"
        else:
            target = Path(out)
        target.parent.mkdir(parents=True, exist_ok=True)
        if sys.stderr.isatty():
            total = count_records(db, filters)  # only a progress bar needs the count first
            with click.progressbar(length=total, label="Exporting", file=sys.stderr) as bar:
                result = write_export(
                    db,
                    filters,
                    format_,
                    target,
                    split,
                    split_files,
                    on_records=bar.update,
                )
        else:
            result = write_export(db, filters, format_, target, split, split_files)
    except RecordCheckFailed as error:
        raise click.ClickException(f"export aborted: {error}") from None
    except (FileExistsError, RuntimeError) as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Wrote {result.summary.describe()} to {target} ({filters.describe()}).", err=True)
    click.echo(f"Actor registry: {result.paths[-1]}", err=True)
    if result.misaligned:
        report = target.with_name(target.name + ".misaligned.txt")
        report.write_text("\n".join(result.misaligned) + "\n", encoding="utf-8")
        click.echo(
            f"{len(result.misaligned)} span(s) do not fall on spaCy token boundaries and are not "
            f"in the DocBin (listed in {report}):",
            err=True,
        )
        for line in result.misaligned[:20]:
            click.echo(f"  {line}", err=True)


COMMANDS = (
    init_command,
    import_command,
    create_user_command,
    set_password_command,
    create_admin_command,
    token_command,
    tokens_command,
    revoke_token_command,
    set_active_command,
    export_command,
)


def register_commands(app: Flask) -> None:
    """Attach every command to ``app.cli``."""
    for command in COMMANDS:
        app.cli.add_command(command)


def _create_app() -> Flask:
    from . import create_app

    return create_app()


main = FlaskGroup(
    name="annotator",
    create_app=_create_app,
    add_default_commands=True,
    help="Annotate actors, stances and reported speech in conflict news.",
)
