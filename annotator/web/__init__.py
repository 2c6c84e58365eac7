"""The web layer: blueprints (one per page or resource), the request guard and security
headers, error answers and forms. Blueprints call the services below them and never each
other."""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import (
    account,
    actor_pages,
    actors,
    api,
    auth,
    batches,
    boundary,
    dashboard,
    documents,
    errors,
    exports,
    guidelines,
    health,
    labels,
    review,
    security,
    uploads,
    users,
    users_api,
    workspace,
)

BLUEPRINTS = (
    auth.bp,
    documents.bp,
    api.bp,
    workspace.bp,
    actors.bp,
    actor_pages.bp,
    guidelines.bp,
    exports.bp,
    batches.bp,
    dashboard.bp,
    review.bp,
    health.bp,
    labels.bp,
    users.bp,
    users_api.bp,
    account.bp,
    uploads.bp,
)


def init_app(app: Flask) -> None:
    """Install the request guard, the error answers and every blueprint (and, when
    configured, trust in the reverse proxy's forwarded headers)."""
    uploads.init_app(app)  # the upload routes' body limit, before anything reads a body
    boundary.init_app(app)  # first: no guard, hook or rule sees a request it refuses
    security.init_app(app)
    errors.init_app(app)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    proxies = app.config.get("PROXY_FIX", 0)
    if proxies:
        # Behind nginx (docs/deploy.md): the client's address, scheme and host are the ones
        # the proxy forwards; never trusted without ANNOTATOR_PROXY_FIX, or clients forge them.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
