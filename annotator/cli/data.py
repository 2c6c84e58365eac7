"""Commands about data: the database schema, importing files, exporting labels."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from ..accounts import find_user
from ..annotation import RecordCheckFailed
from ..documents import NoSuchDocument, restore_document, retire_document
from ..export import (
    FORMATS,
    STATUS_FILTERS,
    BadExportRequest,
    ExportRequest,
    default_target,
    write_export,
)
from ..export.reader import consistent_reads, count_records
from ..extensions import get_engine, get_session
from ..ingest import FileOutcome, import_paths, preview_paths
from ..label_defaults import seed_default_labels
from ..migrate import upgrade_to_head


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
    help="annotator.v2 (or v1) files become this user's submitted annotations "
    "(default: suggestions).",
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="Show how each file would be read (title, paragraphs, boilerplate) and store nothing.",
)
def import_command(paths: tuple[str, ...], as_username: str | None, dry_run: bool) -> None:
    """Import articles (.txt, .jsonl), actor registries (.json) and annotator records (v2, v1)."""
    as_user = None
    if as_username is not None:
        as_user = find_user(get_session(), as_username)
        if as_user is None:
            raise click.BadParameter(f"no user {as_username!r}", param_hint="--as")
    if dry_run:
        _preview(paths, as_user is not None)
        return

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


def _preview(paths: tuple[str, ...], as_user: bool) -> None:
    """``import --dry-run``: print each file's preview; exit 1 when one would be rejected."""
    rejected = 0
    for preview in preview_paths(get_session(), paths, as_user):
        rejected += preview.rejected
        for line in preview.lines:
            click.secho(line, fg="red" if preview.rejected else None, err=preview.rejected)
    get_session().rollback()
    click.echo(f"dry run: nothing was stored; {rejected} file(s) would be rejected")
    if rejected:
        raise SystemExit(1)


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
    help="annotator.v2 JSONL, or a converter's format.",
)
@click.option(
    "--status",
    type=click.Choice(list(STATUS_FILTERS)),
    default="submitted",
    show_default=True,
    help="submitted; all (adds drafts and skipped paragraphs); gold (adjudicated).",
)
@click.option("--annotator", default=None, help="Only this annotator's work.")
@click.option("--document", default=None, help="Only this document (its id).")
@click.option("--since", default=None, help="Only annotations updated on or after (YYYY-MM-DD).")
@click.option("--split", default=None, help="Assign train/dev/test by document, e.g. 80/10/10.")
@click.option(
    "--seed",
    default="13",
    show_default=True,
    help="Seed of the split: the same seed gives the same split.",
)
@click.option("--split-files", is_flag=True, help="With --split: one file per set, in a folder.")
@with_appcontext
def export_command(out: str | None, **options: str | bool | None) -> None:
    """Export annotations (annotator.v2 JSONL or a converter's format), actors beside them."""
    texts = {key: (str(value) if value else None) for key, value in options.items()}
    texts["format"] = texts.pop("format_")
    try:
        wanted = ExportRequest.parse(texts)
    except BadExportRequest as error:
        raise click.BadParameter(
            error.message, param_hint=f"--{error.field.replace('_', '-')}"
        ) from None
    if wanted.annotator and find_user(get_session(), wanted.annotator) is None:
        raise click.BadParameter(f"no user {wanted.annotator!r}", param_hint="--annotator")
    if out == "-" and not wanted.streams:
        raise click.BadParameter(
            "stdout takes one JSONL stream: not --split-files, spacy or hf", param_hint="--out"
        )
    engine = get_engine()
    try:
        if out == "-":
            summary = write_export(engine, wanted, sys.stdout.buffer)
            click.echo(f"Wrote {summary.describe()} ({wanted.describe()}).", err=True)
            for note in summary.notes:
                click.echo(f"Note: {note}.", err=True)
            return
        target = default_target(wanted, Path("exports")) if out is None else Path(out)
        target.parent.mkdir(parents=True, exist_ok=True)
        if sys.stderr.isatty():
            with consistent_reads(engine) as reading:
                total = count_records(reading, wanted)  # only a progress bar needs it first
            with click.progressbar(length=total, label="Exporting", file=sys.stderr) as bar:
                summary = write_export(engine, wanted, target, on_records=bar.update)
        else:
            summary = write_export(engine, wanted, target)
    except RecordCheckFailed as error:
        done = (
            "the lines before it were written to standard output"
            if out == "-"
            else "nothing was written"
        )
        raise click.ClickException(f"export aborted: {error}; {done}") from None
    except (FileExistsError, RuntimeError) as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Wrote {summary.describe()} to {target} ({wanted.describe()}).", err=True)
    click.echo(f"Actor registry: {summary.files[-1]}", err=True)
    for note in summary.notes:
        click.echo(f"Note: {note}.", err=True)
    if summary.misaligned:
        report = target.with_name(target.name + ".misaligned.txt")
        report.write_text("\n".join(summary.misaligned) + "\n", encoding="utf-8")
        click.echo(
            f"{len(summary.misaligned)} span(s) do not fall on spaCy token boundaries and are "
            f"not in the DocBin (listed in {report}):",
            err=True,
        )
        for line in summary.misaligned[:20]:
            click.echo(f"  {line}", err=True)


@click.command("retire")
@click.argument("document_id")
@with_appcontext
def retire_command(document_id: str) -> None:
    """Take a document out of every queue and batch deal; its annotations are kept and
    still exported (``restore-document`` puts it back)."""
    db = get_session()
    try:
        outcome = retire_document(db, document_id)
    except NoSuchDocument:
        raise click.BadParameter(f"no document {document_id!r}", param_hint="DOCUMENT_ID") from None
    db.commit()
    click.echo(
        f"Document {document_id} retired."
        if outcome.changed
        else f"{document_id} was retired already."
    )


@click.command("restore-document")
@click.argument("document_id")
@with_appcontext
def restore_document_command(document_id: str) -> None:
    """Put a retired document back in the queues (and its batch, if it is in one)."""
    db = get_session()
    try:
        outcome = restore_document(db, document_id)
    except NoSuchDocument:
        raise click.BadParameter(f"no document {document_id!r}", param_hint="DOCUMENT_ID") from None
    db.commit()
    click.echo(
        f"Document {document_id} restored." if outcome.changed else f"{document_id} is not retired."
    )


COMMANDS = (init_command, import_command, export_command, retire_command, restore_document_command)
