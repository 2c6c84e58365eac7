"""Request guards and response headers: who may ask, and what every answer carries.

- Every endpoint is open to the roles its rule admits (``policy.allow``): others get 401
  (not logged in) or 403, and an endpoint without a rule is refused to everyone.
- ``/api/`` also accepts ``Authorization: Bearer TOKEN``; such requests get a
  throw-away session (no cookie is read or set), so they are not open to CSRF and
  are exempt from it. Every other state-changing request must carry a CSRF token.
- Every response carries a strict Content-Security-Policy and related headers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import (
    Flask,
    Request,
    Response,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    request,
    url_for,
)
from flask.sessions import SecureCookieSessionInterface, SessionMixin
from flask_login import current_user, login_user

from ..accounts import user_for_token
from ..extensions import csrf, get_session, login_manager
from .policy import Access, admits, rule_of

F = TypeVar("F", bound=Callable[..., Any])

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)


def is_api_request(req: Request) -> bool:
    """Whether the request is for the JSON API (which answers 401, never a redirect)."""
    return req.path == "/api" or req.path.startswith("/api/")


def bearer_token(req: Request) -> str | None:
    """The token of an ``Authorization: Bearer`` header on an API request, else None."""
    if not is_api_request(req):
        return None
    auth = req.authorization
    if auth is None or auth.type.lower() != "bearer":
        return None
    return auth.token or ""


class BearerAwareSessionInterface(SecureCookieSessionInterface):
    """Cookie sessions, except that Bearer requests neither read nor set the cookie."""

    def open_session(self, app: Flask, request: Request) -> SessionMixin | None:  # noqa: D102
        if bearer_token(request) is not None:
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:  # noqa: D102
        if bearer_token(request) is not None:
            return
        super().save_session(app, session, response)


def safe_next_url(target: str | None) -> str | None:
    """Return ``target`` if it is a path on this site, else None (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(ch) < 32 for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def _guard_request() -> Response | None:
    token = bearer_token(request)
    if token is not None:
        user = user_for_token(get_session(), token) if token else None
        if user is None:
            return _json_401("invalid, revoked or expired API token")
        login_user(user)
        g.authenticated_by = "token"
    else:
        g.authenticated_by = "session"
    rule = _rule_of_endpoint()
    if rule is not Access.PUBLIC and not current_user.is_authenticated:
        return login_manager.unauthorized()
    if rule is None:
        abort(403, description="this address has no access rule; nobody may use it")
    # A public address never loads the session's user: /healthz must answer while the
    # database is down, even to a browser that still holds a session cookie.
    if rule is not Access.PUBLIC and not admits(rule, getattr(current_user, "role", None)):
        abort(403, description=f"only {rule.value} may do this")
    if token is None and request.method not in SAFE_METHODS:
        csrf.protect()
    return None


def _rule_of_endpoint() -> Access | None:
    """The rule of the endpoint asked for; an unknown address (a 404 to come) and static
    files are open to any logged-in user and to everyone."""
    if request.endpoint is None:
        return Access.USER
    if request.endpoint == "static":
        return Access.PUBLIC
    return rule_of(current_app.view_functions.get(request.endpoint))


def _json_401(message: str, **more: str) -> Response:
    response = jsonify(error=message, **more)
    response.status_code = 401
    response.headers["WWW-Authenticate"] = 'Bearer realm="annotator"'
    return response


def _unauthorized() -> Any:
    refused = g.get("session_refused")  # set by auth.load_user: why the session ended
    if is_api_request(request):
        if refused:
            return _json_401(refused, reason="deactivated")
        return _json_401("authentication required: log in or send Authorization: Bearer TOKEN")
    if refused:
        flash(refused, "error")
    next_url = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("auth.login", next=next_url))


def _security_headers(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if request.endpoint != "static":
        # Pages and API answers hold private data: keep them out of shared caches and
        # out of the back button after logout.
        response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    """Install the session interface, the request guard and the response headers."""
    app.session_interface = BearerAwareSessionInterface()
    login_manager.unauthorized_handler(_unauthorized)
    app.before_request(_guard_request)
    app.after_request(_security_headers)
