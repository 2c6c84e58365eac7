"""The boundary: what every request must be before any view, guard or database sees it.

One check for every route, the login form and the token routes included, so that the answer
to bad input does not depend on the view or the engine (PostgreSQL refuses NUL in text and
integers past 2^31 with an error, SQLite stores the one and overflows past 2^63 on the other):

- a JSON body is parsed by orjson, which refuses lone surrogates, NaN and nesting deeper than
  1024 (Python's parser takes the first two and overflows the stack on deep nesting): 400;
- control characters are refused in the path (404: no such address), the query, form fields
  and every string (and key) of a JSON body (422 naming the field); tab, line feed and
  carriage return stay allowed in bodies, where a comment may span lines;
- an integer in a path (``<int:...>``) past the database's integer matches no route: 404.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import orjson
from flask import Flask, Request, abort, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter
from werkzeug.wrappers import Response

from ..annotation.validation import PayloadError
from ..database import DATABASE_INT_MAX
from ..ingest.json_checks import strings_in
from .errors import refused
from .security import is_api_request

# C0 controls and DEL: none belongs in a URL.
_URL_CONTROLS = re.compile(r"[\x00-\x1f\x7f]")
# In bodies, the same less tab, line feed and carriage return: a superset of what
# `annotator import` refuses, so that whatever the web stores (an alias, a comment) the
# export's files import back.
_TEXT_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class StrictJSONProvider(DefaultJSONProvider):
    """Flask's JSON, except that request bodies are parsed by orjson (``Request.get_json``
    reads through ``app.json``)."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        """Parse ``s``; raises ``orjson.JSONDecodeError`` (a ``ValueError``) when invalid."""
        return orjson.loads(s)


class BoundaryRequest(Request):
    """Flask's request, with a 400 that says why a body is not JSON."""

    def on_json_loading_failed(self, e: ValueError | None) -> Any:
        """Refuse a body that is not JSON with orjson's reason (which quotes nothing of it)."""
        if e is None:
            return super().on_json_loading_failed(e)
        raise BadRequest(description=f"the body is not valid JSON: {e}")


class DatabaseIntConverter(IntegerConverter):
    """``<int:...>`` up to the database's integer: a larger id is no address (404)."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:  # noqa: A002
        kwargs.setdefault("max", DATABASE_INT_MAX)
        super().__init__(map, *args, **kwargs)


def control_character(text: str, pattern: re.Pattern[str] = _TEXT_CONTROLS) -> str | None:
    """The first control character ``pattern`` forbids in ``text``, as "U+XXXX", or None."""
    found = pattern.search(text)
    return f"U+{ord(found.group()):04X}" if found else None


def control_in_json(value: Any) -> tuple[str, str] | None:
    """The JSON path ("$.entities[0].label") and code of the first forbidden control character
    in a parsed body, in a key or a string, or None. Reads every string once, without
    recursion (orjson admits 1024 levels, more than Python's stack), and works out the path
    only when there is something to name."""
    texts: list[str] = []
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            texts.append(item)
        elif isinstance(item, dict):
            texts.extend(item)
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    if not _TEXT_CONTROLS.search("".join(texts)):
        return None
    return _first_control(value)


def _first_control(value: Any) -> tuple[str, str] | None:
    """Where ``control_in_json`` found something: the path and code of the first."""
    for where, text, is_key in strings_in(value):
        code = control_character(text)
        if code:
            return (f"{where} (a key)" if is_key else where), code
    return None


def _problem() -> tuple[int, PayloadError] | None:
    """What is wrong with the current request at the boundary, with the status to answer."""
    code = control_character(request.path, _URL_CONTROLS)
    if code:
        return 404, PayloadError("path", f"no such address: the path holds {code}")
    found = _control_in_fields(request.args.lists(), _URL_CONTROLS)
    if found:
        return 422, PayloadError(f"query.{found[0]}", _refusal(found[1]))
    if request.is_json:
        data = request.get_data(cache=True)
        body = request.get_json() if data.strip() else None  # a 400 if it is not JSON
        # A JSON text holds a control character only as an escape or a raw DEL (orjson
        # refuses raw C0 bytes in strings): a body with neither needs no walk.
        found = control_in_json(body) if b"\\" in data or b"\x7f" in data else None
        if found:
            return 422, PayloadError(found[0], _refusal(found[1]))
    elif request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        found = _control_in_fields(request.form.lists(), _TEXT_CONTROLS)
        if found:
            return 422, PayloadError(f"form.{found[0]}", _refusal(found[1]))
    return None


def _control_in_fields(
    fields: Iterable[tuple[str, list[str]]], pattern: re.Pattern[str]
) -> tuple[str, str] | None:
    """The name and code of the first query or form field holding a forbidden control
    character (in its name: the field is then called "(a name)", not quoted), or None."""
    for field, values in fields:
        code = control_character(field, pattern)
        if code:
            return "(a name)", code
        for text in values:
            code = control_character(text, pattern)
            if code:
                return field, code
    return None


def _refusal(code: str) -> str:
    return f"holds the control character {code}, which is not allowed here"


def check_request() -> tuple[Response, int] | None:
    """Refuse the request when it fails the boundary: a 404 for its path, else a 422 naming
    the field (``{"errors"}`` under /api/, the error page elsewhere)."""
    problem = _problem()
    if problem is None:
        return None
    status, error = problem
    if status == 404:
        abort(404, description=error.message)
    if is_api_request(request):
        return refused(error)
    abort(422, description=f"{error.path}: {error.message}")


def init_app(app: Flask) -> None:
    """Install the strict parser and request, the integer bound (before any blueprint adds a
    rule) and the check, to run before the request guard reads a token or a session."""
    app.json = StrictJSONProvider(app)
    app.request_class = BoundaryRequest
    app.url_map.converters["int"] = DatabaseIntConverter
    app.before_request(check_request)
