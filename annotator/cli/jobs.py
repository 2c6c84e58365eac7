"""``annotator worker``: the consumer that runs the background jobs (spaCy, hf and split
exports, uploads' imports, from the browser and the API); ``make run`` starts it beside the
web server."""

from __future__ import annotations

import logging

import click
from flask import current_app
from flask.cli import with_appcontext

from ..jobs import JOBS_KEY, JobQueue


@click.command("worker")
@click.option(
    "--threads", default=1, show_default=True, type=click.IntRange(1), help="Jobs run at once."
)
@with_appcontext
def worker_command(threads: int) -> None:
    """Run background jobs until Ctrl-C (a second Ctrl-C stops a running job)."""
    queue: JobQueue = current_app.extensions[JOBS_KEY]
    huey_log = logging.getLogger("huey")
    huey_log.setLevel(logging.INFO)
    for handler in logging.getLogger("annotator").handlers:  # the app's one line per event
        huey_log.addHandler(handler)
    queue.consumer(threads).run()


COMMANDS = (worker_command,)
