"""The web layer: blueprints (one per page or resource), the request guard and security
headers, error answers and forms. Blueprints call the services below them and never each
other."""

from __future__ import annotations

from flask import Flask

from . import (
    actors,
    api,
    auth,
    batches,
    dashboard,
    documents,
    errors,
    exports,
    guidelines,
    review,
    security,
    workspace,
)

BLUEPRINTS = (
    auth.bp,
    documents.bp,
    api.bp,
    workspace.bp,
    actors.bp,
    guidelines.bp,
    exports.bp,
    batches.bp,
    dashboard.bp,
    review.bp,
)


def init_app(app: Flask) -> None:
    """Install the request guard, the error answers and every blueprint."""
    security.init_app(app)
    errors.init_app(app)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
