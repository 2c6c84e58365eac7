"""Schemathesis fuzzes every operation of /api/openapi.json against a live server on this test's
database (seeded articles and registry), as an annotator and as an admin: no answer is a 500,
and every status, content type and body is one the document declares. A user would notice a
failure as a crash, or as an answer their client was not told to expect.

The run is bounded and repeatable: a fixed number of examples per operation, derandomized,
with no example database, so each engine takes well under a minute."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import APIOperation, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

from annotator.models import Paragraph
from annotator.web.api import openapi_document

from .conftest import Api

# Examples per operation: valid requests, and requests the document says are invalid.
EXAMPLES = {GenerationMode.POSITIVE: 6, GenerationMode.NEGATIVE: 3}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def live_server(app: Flask, seeded: None) -> Iterator[str]:
    """The app served over HTTP on a free loopback port, on this test's database."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


@pytest.fixture
def callers(api_as: Callable[..., Api]) -> dict[str, dict[str, str]]:
    """The Authorization header of an annotator and of an admin, by role."""
    return {"annotator": api_as("alice").headers, "admin": api_as("root", "admin").headers}


@pytest.fixture
def known(db: Session, callers: dict[str, dict[str, str]], live_server: str) -> dict[str, Any]:
    """Path parameters that name real objects: a paragraph, its document, an actor, the
    annotator, and a batch dealt to them; valid requests use them half the time, so that
    they reach the checks behind the 404 of a made-up id."""
    paragraph = db.scalars(
        select(Paragraph).where(Paragraph.is_boilerplate.is_(False)).order_by(Paragraph.id)
    ).first()
    batch = requests.post(
        f"{live_server}/api/batches",
        json={
            "name": "fuzz",
            "documents": [paragraph.document_id],
            "annotators": ["alice"],
            "overlap": 1,
        },
        headers=callers["admin"],
        timeout=30,
    )
    assert batch.status_code == 201, batch.text
    return {
        "paragraph_id": paragraph.id,
        "document_id": paragraph.document_id,
        "key": "islamic-state",
        "username": "alice",
        "batch_id": batch.json()["id"],
    }


def _fuzzing(examples: int) -> settings:
    return settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )


def _run(
    operation: APIOperation, headers: dict[str, str], base_url: str, known: dict[str, Any]
) -> list[str]:
    """Fuzz one operation with valid and with invalid requests; schemathesis's report of each
    kind that went wrong."""
    problems = []
    for mode, examples in EXAMPLES.items():
        try:
            _fuzz(operation, mode, examples, headers, base_url, known)
        except Unsatisfiable:
            pass  # nothing to make invalid: no parameters and no body
        except Exception as error:  # noqa: BLE001 - every operation is tried, all reported
            problems.append(f"{operation.label} ({mode.value}): {error}")
    return problems


def _fuzz(
    operation: APIOperation,
    mode: GenerationMode,
    examples: int,
    headers: dict[str, str],
    base_url: str,
    known: dict[str, Any],
) -> None:
    @_fuzzing(examples)
    @given(case=operation.as_strategy(generation_mode=mode), real=st.booleans())
    def run(case: schemathesis.Case, real: bool) -> None:
        if real and mode is GenerationMode.POSITIVE and case.path_parameters:
            case.path_parameters.update(
                (name, known[name]) for name in case.path_parameters if name in known
            )
        case.call_and_validate(base_url=base_url, headers=headers, checks=CHECKS, timeout=30)

    run()


def _last_revoking_tokens(operation: APIOperation) -> bool:
    """Revoking tokens and changing accounts go last: they may revoke the caller's own
    tokens (deactivating alice does)."""
    return operation.label in ("DELETE /api/tokens/{token_id}", "PATCH /api/users/{username}")


def test_no_operation_fails_or_answers_outside_the_document(
    live_server: str, callers: dict[str, dict[str, str]], known: dict[str, Any]
) -> None:
    """Generated requests, valid and not: an admin calls every operation, an annotator those
    open to any logged-in user (the others are a 403 to them, which test_routes checks)."""
    document = schemathesis.openapi.from_dict(openapi_document())
    operations = sorted(
        (result.ok() for result in document.get_all_operations()), key=_last_revoking_tokens
    )
    problems = []
    for operation in operations:
        if operation.definition.raw.get("x-access") in ("public", "user"):
            problems += _run(operation, callers["annotator"], live_server, known)
        problems += _run(operation, callers["admin"], live_server, known)
    assert not problems, "\n\n".join(problems)
