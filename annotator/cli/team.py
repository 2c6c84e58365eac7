"""Commands for running a team: batches (make, list, show, change members) and agreement."""

from __future__ import annotations

import json
import sys

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from .. import batch_progress
from ..batch_agreement import batch_agreement
from ..batches import BatchProblem, add_annotator, create_batch, find_batch, remove_annotator
from ..database import dump_json
from ..extensions import get_session
from ..models import Batch, User


def _batch_named(key: str) -> Batch:
    batch = find_batch(get_session(), key)
    if batch is None:
        raise click.ClickException(f"no batch {key!r} (give its name or id; see 'batch list')")
    return batch


def _problem(problem: BatchProblem) -> click.ClickException:
    get_session().rollback()
    return click.ClickException(f"{problem.field}: {problem.message}")


@click.group("batch")
def batch_group() -> None:
    """Deal documents to annotators in batches, and follow them."""


@batch_group.command("create")
@with_appcontext
@click.argument("name")
@click.option(
    "--document", "documents", multiple=True, required=True, help="A document id (repeat)."
)
@click.option(
    "--annotator", "annotators", multiple=True, required=True, help="A username (repeat)."
)
@click.option("--overlap", type=int, default=1, show_default=True, help="Annotators per paragraph.")
@click.option(
    "--by", "by", default=None, help="Admin recorded as its maker (default: the first admin)."
)
def create_command(
    name: str, documents: tuple[str, ...], annotators: tuple[str, ...], overlap: int, by: str | None
) -> None:
    """Make a batch and deal each paragraph of the documents to OVERLAP of the annotators."""
    db = get_session()
    query = select(User).where(User.role == "admin", User.active.is_(True)).order_by(User.id)
    maker = db.scalar(query.where(User.username == by) if by else query)
    if maker is None:
        raise click.ClickException(f"no active admin {by!r}" if by else "create an admin first")
    try:
        batch = create_batch(db, name, list(documents), list(annotators), overlap, maker)
    except BatchProblem as problem:
        raise _problem(problem) from None
    db.commit()
    summary = batch_progress.summary(db, batch)
    click.echo(
        f"Batch {batch.name!r} (id {batch.id}): {summary['assignments']} assignments of "
        f"{len(documents)} documents to {len(annotators)} annotators, overlap {overlap}."
    )
    _print_members(summary)


@batch_group.command("list")
@with_appcontext
def list_command() -> None:
    """Every batch with its completion."""
    rows = batch_progress.list_batches(get_session())
    if not rows:
        click.echo("No batches.")
    for row in rows:
        click.echo(
            f"{row['id']:>4}  {row['name']}  overlap {row['overlap']}  "
            f"{row['annotators']} annotators  {row['done']}/{row['assignments']} done"
        )


@batch_group.command("show")
@with_appcontext
@click.argument("name")
@click.option("--deal", is_flag=True, help="Also list every assignment (JSON lines).")
def show_command(name: str, deal: bool) -> None:
    """Who has how many paragraphs done and remaining (and, with --deal, which)."""
    db = get_session()
    batch = _batch_named(name)
    summary = batch_progress.summary(db, batch)
    click.echo(
        f"Batch {batch.name!r} (id {batch.id}), overlap {batch.overlap}: "
        f"{summary['done']}/{summary['assignments']} assignments done."
    )
    _print_members(summary)
    for document in summary["documents"]:
        click.echo(f"  document {document['id']}: {document['done']}/{document['assignments']}")
    if deal:
        for row in batch_progress.assignments(db, batch):
            sys.stdout.write(dump_json(row) + "\n")


def _print_members(summary: dict) -> None:  # type: ignore[type-arg]
    for person in summary["annotators"]:
        note = "" if person["active"] else " (removed)"
        click.echo(
            f"  {person['username']}{note}: {person['assigned']} assigned, "
            f"{person['submitted']} submitted, {person['skipped']} skipped, "
            f"{person['remaining']} remaining"
        )


@batch_group.command("add")
@with_appcontext
@click.argument("name")
@click.argument("username")
def add_command(name: str, username: str) -> None:
    """Add an annotator to a running batch, with an even share of its untouched paragraphs."""
    db = get_session()
    try:
        given = add_annotator(db, _batch_named(name), username)
    except BatchProblem as problem:
        raise _problem(problem) from None
    db.commit()
    click.echo(f"{username} added to {name!r} with {given} paragraphs.")


@batch_group.command("remove")
@with_appcontext
@click.argument("name")
@click.argument("username")
@click.option("--keep", is_flag=True, help="Deal out their unfinished paragraphs but keep them in.")
def remove_command(name: str, username: str, keep: bool) -> None:
    """Deal an annotator's unfinished paragraphs to the others and take them out. What
    they submitted stays and still counts."""
    db = get_session()
    try:
        outcome = remove_annotator(db, _batch_named(name), username, keep=keep)
    except BatchProblem as problem:
        raise _problem(problem) from None
    db.commit()
    click.echo(
        f"{username}: {outcome['moved']} paragraphs dealt to others"
        + (
            f", {outcome['not_moved']} that every other annotator has already "
            + ("stay theirs" if keep else "dealt to one annotator fewer")
            if outcome["not_moved"]
            else ""
        )
        + ("" if keep else "; removed from the batch")
        + "."
    )


@click.command("agreement")
@with_appcontext
@click.option("--batch", "name", default=None, help="A batch's name or id (default: everything).")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def agreement_command(name: str | None, as_json: bool) -> None:
    """Agreement between annotators per layer and per pair, as on the agreement page."""
    figures = batch_agreement(get_session(), _batch_named(name) if name else None)
    if as_json:
        click.echo(json.dumps(figures, indent=2, ensure_ascii=False))
        return
    click.echo(f"Paragraphs with two or more submitted annotations: {figures['paragraphs']}")
    for layer in ("entities", "actors", "stances", "quotes"):
        values = ", ".join(
            f"{key} {_figure(figures[layer], key)}"
            for key in figures[layer]
            if key != "per_label" and not key.endswith("_reason")
        )
        click.echo(f"  {layer}: {values}")
    for pair in figures["pairs"]:
        click.echo(
            f"  {' / '.join(pair['annotators'])}: entities F1 "
            f"{_figure(pair['entities'], 'f1_exact')}, stances kappa "
            f"{_figure(pair['stances'], 'kappa')}"
        )


def _figure(figures: dict, key: str) -> str:  # type: ignore[type-arg]
    value = figures.get(key)
    if value is None:
        return f"n/a ({figures.get(key + '_reason', 'undefined')})"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


COMMANDS = (batch_group, agreement_command)
