"""The OpenAPI document at /api/openapi.json: valid OpenAPI 3.1, describing exactly the app's
/api routes with their methods and who may call them, with the payload's own JSON Schema. A
script writer or client generator reading it would otherwise be told of routes that are not
there, or not told of routes that are."""

from __future__ import annotations

import re
from typing import Any

import schemathesis
from flask import Flask
from flask.testing import FlaskClient

from annotator.jsonschemas import expanded_schema
from annotator.web.boundary import DATABASE_INT_MAX
from annotator.web.policy import Access, rule_of

METHODS = {"get", "put", "post", "delete", "patch"}
ACCESS = {
    Access.PUBLIC: "public",
    Access.USER: "user",
    Access.REVIEWER: "reviewer",
    Access.ADMIN: "admin",
}


def _served(client: FlaskClient) -> dict[str, Any]:
    answer = client.get("/api/openapi.json")
    assert answer.status_code == 200 and answer.is_json
    return answer.get_json()


def _app_operations(app: Flask) -> dict[tuple[str, str], str]:
    """(OpenAPI path, method) of every /api rule, with the access its view's rule gives."""
    operations = {}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            operations[path, method.lower()] = ACCESS[rule_of(app.view_functions[rule.endpoint])]
    return operations


def _documented_operations(document: dict[str, Any]) -> dict[tuple[str, str], str]:
    return {
        (path, method): operation.get("x-access")
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    }


def test_every_api_route_is_documented_and_nothing_else(app: Flask, client: FlaskClient) -> None:
    """Each /api route and method is in the document, and the document names no other."""
    app_operations = set(_app_operations(app))
    documented = set(_documented_operations(_served(client)))
    assert not app_operations - documented, f"undocumented: {sorted(app_operations - documented)}"
    assert not documented - app_operations, f"not in the app: {sorted(documented - app_operations)}"


def test_the_document_says_who_may_call_each_operation(app: Flask, client: FlaskClient) -> None:
    """``x-access`` of each operation is the rule its view carries (``web/policy.py``), and
    only the public ones need no credentials."""
    document = _served(client)
    app_operations = _app_operations(app)
    documented = _documented_operations(document)
    wrong = {
        key: (documented[key], app_operations[key])
        for key in app_operations.keys() & documented.keys()
        if documented[key] != app_operations[key]
    }
    assert not wrong, f"(documented, actual) access differ: {wrong}"
    for (path, method), access in documented.items():
        open_to_all = document["paths"][path][method].get("security") == []
        assert open_to_all == (access == "public"), (path, method)


def test_the_document_is_valid_openapi_3_1(client: FlaskClient) -> None:
    """Schemathesis checks it against the OpenAPI 3.1 meta-schema."""
    document = _served(client)
    assert document["openapi"] == "3.1.0"
    schemathesis.openapi.from_dict(document).validate()


def test_the_payload_is_described_by_the_schema_the_server_checks(client: FlaskClient) -> None:
    """The save's body is the shipped payload schema itself, not a second copy of it."""
    document = _served(client)
    payload = {
        k: v
        for k, v in expanded_schema("annotation-payload.v1").items()
        if k not in ("$schema", "$id")
    }
    assert document["components"]["schemas"]["AnnotationPayload"] == payload
    assert ".schema.json" not in str(document)


def test_integers_are_bounded_as_the_server_bounds_them(client: FlaskClient) -> None:
    """Ids in paths and the payload's version stop at the database's integer, which is where
    the server stops them (a 404 past it, a 422 for the version)."""
    document = _served(client)
    parameters = document["components"]["parameters"]
    bounded = [p for p in parameters.values() if p["schema"].get("type") == "integer"]
    assert bounded and all(p["schema"]["maximum"] == DATABASE_INT_MAX for p in bounded)
    version = document["components"]["schemas"]["AnnotationPayload"]["properties"]["version"]
    assert version["maximum"] == DATABASE_INT_MAX
