"""Configuration: defaults, the environment, and the secret key.

Nothing here runs at import time; ``load_config`` is called by ``create_app``.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

SECRET_KEY_FILE = "secret_key"
MIN_SECRET_KEY_LENGTH = 32


class ConfigurationError(RuntimeError):
    """A setting the server cannot start with; the message names it and says what to do."""


def normalise_database_url(url: str) -> str:
    """Accept the common spellings of a PostgreSQL URL and use psycopg 3 for all of them.

    ``postgres://`` and ``postgresql://`` (as hosting providers hand them out) would
    otherwise pick psycopg2, which we do not install.
    """
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def default_database_url(instance_path: Path) -> str:
    """The embedded default: an SQLite file in the instance folder."""
    return f"sqlite:///{instance_path / 'annotator.sqlite3'}"


def read_or_create_secret_key(instance_path: Path) -> str:
    """Return the secret key kept in the instance folder, creating it once with mode 0600.

    Used only when ``SECRET_KEY`` is not in the environment, so a fresh install gets a
    random key that survives restarts, and no key is ever written in code.
    """
    path = instance_path / SECRET_KEY_FILE
    instance_path.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        # Write a complete file under a temporary name, then link it into place: a
        # second process starting at the same moment never reads a half-written key.
        key = secrets.token_hex(32)
        temporary = instance_path / f".{SECRET_KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(key + "\n")
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    key = path.read_text(encoding="ascii").strip()
    if len(key) < MIN_SECRET_KEY_LENGTH:
        raise ConfigurationError(
            f"{path} holds a secret key shorter than {MIN_SECRET_KEY_LENGTH} characters"
        )
    return key


def check_secret_key(key: Any) -> None:
    """Refuse a short SECRET_KEY: it signs every session cookie, remember cookie and CSRF
    token, and a short one can be guessed offline from a single cookie."""
    if not isinstance(key, str | bytes) or len(key) < MIN_SECRET_KEY_LENGTH:
        length = len(key) if isinstance(key, str | bytes) else 0
        raise ConfigurationError(
            f"SECRET_KEY is {length} character{'' if length == 1 else 's'} long; it needs at "
            f"least {MIN_SECRET_KEY_LENGTH}. "
            "Make one with: python3 -c 'import secrets; print(secrets.token_hex(32))' "
            "(or unset SECRET_KEY to have one generated into the instance folder)"
        )


def trusted_proxies(value: str) -> int:
    """How many reverse proxies in front of the app to believe about the client (their
    X-Forwarded-For, -Proto and -Host): ``ANNOTATOR_PROXY_FIX``. Without a proxy the answer
    must be 0, or any client could forge its address and scheme; a typo stops the start."""
    if not value.strip().isdigit():
        raise RuntimeError(
            f"ANNOTATOR_PROXY_FIX={value!r}: use the number of proxies in front of the app "
            "(1 behind one nginx), or 0 for none"
        )
    return int(value)


def upload_limit_mb(value: str) -> float:
    """The largest upload ``/upload`` and ``POST /api/imports`` take, in MB:
    ``ANNOTATOR_MAX_UPLOAD_MB`` (default 50). A value that is not a positive number stops the
    start rather than leaving uploads unlimited or refused."""
    try:
        limit = float(value)
    except ValueError:
        limit = 0.0
    if not limit > 0 or limit != limit or limit == float("inf"):
        raise ConfigurationError(
            f"ANNOTATOR_MAX_UPLOAD_MB={value!r}: give the largest upload in MB, e.g. 50"
        )
    return limit


def load_config(instance_path: Path, overrides: dict[str, Any] | None) -> dict[str, Any]:
    """Build the app configuration from defaults, the environment and ``overrides``.

    ``overrides`` (the ``config`` argument of ``create_app``) wins over the
    environment, which wins over the defaults.
    """
    overrides = dict(overrides or {})
    env = os.environ
    config: dict[str, Any] = {
        "DATABASE_URL": env.get("DATABASE_URL") or default_database_url(instance_path),
        "SQLITE_BUSY_TIMEOUT_MS": 5000,
        # The package's log on standard error (logs.py): DEBUG, INFO, WARNING or ERROR.
        "LOG_LEVEL": env.get("ANNOTATOR_LOG_LEVEL", "INFO").upper(),
        # Sessions: no JavaScript access, no cross-site sends; Secure when served over TLS.
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env.get("ANNOTATOR_SECURE_COOKIES") == "1",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": env.get("ANNOTATOR_SECURE_COOKIES") == "1",
        "REMEMBER_COOKIE_DURATION": 14 * 24 * 3600,
        # Behind a reverse proxy (docs/deploy.md): trust that many proxies' X-Forwarded-*.
        "PROXY_FIX": trusted_proxies(env.get("ANNOTATOR_PROXY_FIX") or "0"),
        # CSRF is enforced by our own before_request hook (Bearer requests are exempt).
        "WTF_CSRF_CHECK_DEFAULT": False,
        # An annotator keeps the workspace open for hours: tie the token to the session,
        # not to a one-hour clock that would make a late autosave fail.
        "WTF_CSRF_TIME_LIMIT": None,
        # Every request body but an upload's (JSON saves, forms); docs/deploy.md's nginx too.
        "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
        # Uploads of files to import (web/uploads.py raises the limit for those routes only).
        "MAX_UPLOAD_MB": upload_limit_mb(env.get("ANNOTATOR_MAX_UPLOAD_MB") or "50"),
        # Signed sessions are refused after a day; "keep me logged in" renews them.
        "PERMANENT_SESSION_LIFETIME": 24 * 3600,
        # Failed logins allowed per account and per client address before the login form
        # is refused for the rest of the window (annotator.login_throttle).
        "LOGIN_FAILURES_PER_ACCOUNT": env.get(
            "ANNOTATOR_LOGIN_FAILURES_PER_ACCOUNT", "10 per 15 minutes"
        ),
        "LOGIN_FAILURES_PER_ADDRESS": env.get(
            "ANNOTATOR_LOGIN_FAILURES_PER_ADDRESS", "50 per 15 minutes"
        ),
        # Redis, when set, keeps the login throttle's counters; the database does otherwise.
        "REDIS_URL": env.get("REDIS_URL") or None,
    }
    if "SECRET_KEY" in overrides:
        config["SECRET_KEY"] = overrides["SECRET_KEY"]
    elif env.get("SECRET_KEY"):
        config["SECRET_KEY"] = env["SECRET_KEY"]
    else:
        config["SECRET_KEY"] = read_or_create_secret_key(instance_path)
    config.update(overrides)
    check_secret_key(config["SECRET_KEY"])
    config["DATABASE_URL"] = normalise_database_url(config["DATABASE_URL"])
    return config
