"""annotator: label actors, stances and reported speech in conflict news.

``create_app`` builds the Flask app; importing the package does nothing else.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask

from .resources import PACKAGE_DIR, resource_dir


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app: configuration, database, extensions, blueprints and CLI commands.

    ``config`` overrides the environment (tests pass ``DATABASE_URL`` and
    ``SECRET_KEY`` here). ``ANNOTATOR_INSTANCE_PATH`` moves the instance folder,
    which holds the SQLite database and the generated secret key.
    """
    from . import cli, web
    from .config import load_config
    from .extensions import csrf, init_database, init_login_throttle, login_manager
    from .jobs import JOBS_KEY, job_queue
    from .logs import init_logging
    from .registry import max_aliases_per_actor

    instance_path = (config or {}).get("INSTANCE_PATH") or os.environ.get("ANNOTATOR_INSTANCE_PATH")
    app = Flask(
        __name__,
        instance_path=str(Path(instance_path).resolve()) if instance_path else None,
        instance_relative_config=True,
        template_folder=str(resource_dir("templates")),
        static_folder=str(PACKAGE_DIR / "static"),
    )
    app.config.from_mapping(load_config(Path(app.instance_path), config))
    max_aliases_per_actor()  # a bad ANNOTATOR_MAX_ALIASES_PER_ACTOR stops the start, not a request

    init_logging(app)
    init_database(app)
    # Long work (spaCy, hf and split exports) runs as jobs: on Redis when REDIS_URL is set,
    # else in an SQLite file in the instance folder (made on first use).
    app.extensions[JOBS_KEY] = job_queue(
        Path(app.instance_path),
        app.extensions["annotator.engine"],
        app.config.get("REDIS_URL") or os.environ.get("REDIS_URL"),
    )
    init_login_throttle(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please log in to see this page."
    web.init_app(app)
    cli.register_commands(app)
    return app
