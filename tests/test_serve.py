"""``make run`` serves with a job worker beside gunicorn: a spaCy export started over HTTP gets
built (gunicorn itself runs no jobs), and one Ctrl-C stops both."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from annotator.accounts import create_token
from annotator.extensions import get_session
from annotator.models import User

from .conftest import ROOT


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _call(url: str, token: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    # Only the loopback URLs this test makes are opened.
    request = urllib.request.Request(url, data=data, headers=headers)  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
        return json.loads(answer.read())


def _until(deadline: float, check: Callable[[], Any]) -> Any:
    """``check()``'s first true answer before ``deadline`` (errors count as not yet)."""
    while time.monotonic() < deadline:
        try:
            answer = check()
        except (OSError, urllib.error.URLError):
            answer = None
        if answer:
            return answer
        time.sleep(0.5)
    raise AssertionError("gave up waiting")


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


def test_make_serve_runs_jobs_and_stops_whole_on_ctrl_c(
    app: Flask, database_url: str, make_user: Callable[..., User], tmp_path: Path
) -> None:
    """The export job started through gunicorn is done by the worker `make serve` started;
    SIGINT to the terminal's process group (Ctrl-C) leaves no process behind."""
    user = make_user("rita", role="reviewer")
    with app.app_context():
        session = get_session()
        _, token = create_token(session, session.merge(user))
        session.commit()
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env |= {
        "DATABASE_URL": database_url,
        "ANNOTATOR_INSTANCE_PATH": str(tmp_path / "served-instance"),
        "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
    }
    command = ["make", "--no-print-directory", "-o", ".venv/.installed", "serve"]
    command += [f"PORT={port}", "WORKERS=1"]
    served = subprocess.Popen(  # noqa: S603 - make, with our Makefile
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # a process group of its own, as a terminal's job is
    )
    group = served.pid
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        job = _until(deadline, lambda: _call(f"{base}/api/exports", token, {"format": "spacy"}))

        def finished_job() -> dict[str, Any] | None:
            state = _call(base + job["url"], token)
            return state if state["status"] in ("done", "failed") else None

        finished = _until(deadline, finished_job)
        assert finished["status"] == "done", finished
    finally:
        if _group_alive(group):
            os.killpg(group, signal.SIGINT)
        try:
            output = served.communicate(timeout=60)[0].decode()
        except subprocess.TimeoutExpired:
            os.killpg(group, signal.SIGKILL)
            pytest.fail("make serve did not stop on Ctrl-C")
    deadline = time.monotonic() + 15
    while _group_alive(group) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _group_alive(group), f"processes left after Ctrl-C:\n{output}"
    assert "Huey consumer started" in output and "Consumer exiting" in output
