"""Uploading files to import (``POST /api/imports`` and the upload page): several files at
once, a refused file storing nothing, the size limit, who may upload, names escaped."""

from __future__ import annotations

import io
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from annotator.config import ConfigurationError, load_config
from annotator.jobs import JOBS_KEY, JobQueue
from annotator.models import Actor, Annotation, Document, Paragraph, PreAnnotation, User

from .conftest import SEEDS, Api, AuthActions


@pytest.fixture(autouse=True)
def jobs(app: Flask) -> JobQueue:
    """The app's job queue, running each upload's import as soon as it is started."""
    queue: JobQueue = app.extensions[JOBS_KEY]
    queue.huey.immediate = True
    return queue


ARTICLE = "A quiet day in the camp\n\nNothing happened in the camp today, residents said.\n"


def _files(*pairs: tuple[str, bytes]) -> dict[str, Any]:
    return {"file": [(io.BytesIO(content), name) for name, content in pairs]}


def _post(api: Api, data: dict[str, Any]):
    return api.client.post(
        "/api/imports", data=data, headers=api.headers, content_type="multipart/form-data"
    )


def _count(db: Session, model: type) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(model)) or 0


def test_several_files_in_one_upload_are_each_imported(
    api_as: Callable[..., Api], db: Session
) -> None:
    """If this fails, an admin cannot bring the seed articles and the registry in from the
    browser or a script, or is not told what each file added."""
    admin = api_as("ada", "admin")
    seeds = sorted(SEEDS.iterdir())
    response = _post(admin, _files(*[(path.name, path.read_bytes()) for path in seeds]))
    assert response.status_code == 200, response.get_json()
    files = response.get_json()["files"]
    assert [row["name"] for row in files] == [path.name for path in seeds]
    assert all(row["status"] == "imported" and row["error"] is None for row in files)
    articles = [row for row in files if row["name"].endswith(".txt")]
    assert all(row["documents"] == 1 and row["paragraphs"] > 0 for row in articles)
    assert sum(row["boilerplate"] for row in articles) > 0
    assert sum(row["documents"] for row in files) == _count(db, Document) == 5
    assert sum(row["paragraphs"] for row in files) == _count(db, Paragraph)
    registry = next(row for row in files if row["name"] == "actors.json")
    assert registry["actors"] == _count(db, Actor) > 0
    # The .txt article's source is its uploaded name, as with `annotator import`.
    assert db.scalar(select(Document.source).where(Document.source == seeds[0].name))

    again = _post(admin, _files((seeds[0].name, seeds[0].read_bytes()))).get_json()["files"]
    assert again[0]["status"] == "imported"
    assert (again[0]["documents"], again[0]["duplicates"]) == (0, 1)


def test_a_refused_file_stores_nothing_and_says_where(
    api_as: Callable[..., Api], db: Session
) -> None:
    """If this fails, a broken file leaves half an import behind, takes the good files
    down with it, or is refused without the line to correct."""
    admin = api_as("ada", "admin")
    broken = orjson.dumps({"id": "fine", "title": "Fine", "text": "One paragraph."})
    broken += b"\n" + b'{"id": "bad", "title": "Bad"\n'
    response = _post(admin, _files(("good.txt", ARTICLE.encode()), ("broken.jsonl", broken)))
    good, bad = response.get_json()["files"]
    assert good["status"] == "imported" and good["documents"] == 1
    assert bad["status"] == "refused" and bad["documents"] == 0
    assert bad["error"].startswith("broken.jsonl:2: ")
    assert tempfile.gettempdir() not in bad["error"] and "annotator-upload" not in bad["error"]
    assert db.scalars(select(Document.id)).all() == [
        db.scalar(select(Document.id).where(Document.title == "A quiet day in the camp"))
    ]
    unsupported = _post(admin, _files(("notes.pdf", b"%PDF-1.4"))).get_json()["files"][0]
    assert unsupported["status"] == "refused" and "unsupported file type" in unsupported["error"]


def test_records_become_suggestions_or_a_users_annotations(
    runner: FlaskCliRunner,
    annotated: dict[str, Any],
    api_as: Callable[..., Api],
    tmp_path: Path,
    db: Session,
) -> None:
    """If this fails, the upload does not offer what `annotator import --as` does: records
    as suggestions by default, or as a named user's submitted annotations."""
    out = tmp_path / "bob.jsonl"
    runner.invoke(args=["export", "--out", str(out), "--annotator", "bob"])
    records = out.read_bytes()
    admin = api_as("ada", "admin")
    api_as("carol")
    first = _post(admin, _files(("bob.jsonl", records))).get_json()["files"][0]
    assert (first["status"], first["pre_annotations"], first["annotations"]) == ("imported", 2, 0)
    assert _count(db, PreAnnotation) == 2
    assert db.scalar(select(PreAnnotation.source).limit(1)).startswith("bob.jsonl:")
    as_carol = _post(admin, {**_files(("bob.jsonl", records)), "as": "carol"})
    row = as_carol.get_json()["files"][0]
    assert (row["annotations"], row["pre_annotations"]) == (2, 0)
    carol = db.scalar(select(User.id).where(User.username == "carol"))
    mine = select(func.count()).select_from(Annotation).where(Annotation.annotator_id == carol)
    assert db.scalar(mine) == 2
    for data, field in (
        ({"as": "nobody"}, "as"),
        ({"mode": "annotations"}, "as"),
        ({"mode": "suggestions", "as": "carol"}, "as"),
        ({"mode": "everything"}, "mode"),
    ):
        refused = _post(admin, {**_files(("bob.jsonl", records)), **data})
        assert refused.status_code == 422
        assert refused.get_json()["errors"][0]["path"] == field
    assert db.scalar(mine) == 2


def test_no_file_is_a_422(api_as: Callable[..., Api]) -> None:
    """If this fails, a script that forgot its files gets a 500 or an empty success."""
    admin = api_as("ada", "admin")
    response = _post(admin, {"mode": "suggestions"})
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["path"] == "file"


def test_an_upload_over_the_limit_is_refused_before_it_is_read(
    app: Flask, api_as: Callable[..., Api], client: FlaskClient, auth: AuthActions, db: Session
) -> None:
    """If this fails, an upload past ANNOTATOR_MAX_UPLOAD_MB is read (into memory or the
    database) instead of refused with a message saying the limit."""
    app.config["MAX_UPLOAD_MB"] = 0.01  # about 10 kB
    admin = api_as("ada", "admin")
    big = ("big.txt", b"Title\n\n" + b"word " * 5000)
    response = _post(admin, _files(big))
    assert response.status_code == 413
    assert "0.01 MB" in response.get_json()["error"]
    assert "ANNOTATOR_MAX_UPLOAD_MB" in response.get_json()["error"]
    assert _post(admin, _files(("small.txt", ARTICLE.encode()))).status_code == 200
    auth.login("ada")
    page = client.post(
        "/upload",
        data={**_files(big), "csrf_token": auth.csrf_token()},
        content_type="multipart/form-data",
    )
    assert page.status_code == 413
    assert b"ANNOTATOR_MAX_UPLOAD_MB" in page.data and b"<html" in page.data
    assert b'href="/upload">Back to the upload</a>' in page.data  # not a dead end
    assert _count(db, Document) == 1


def test_the_upload_limit_is_read_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If this fails, ANNOTATOR_MAX_UPLOAD_MB is ignored, or a typo in it leaves uploads
    unlimited instead of stopping the server with the setting's name."""
    monkeypatch.setenv("SECRET_KEY", "k" * 40)
    monkeypatch.setenv("ANNOTATOR_MAX_UPLOAD_MB", "120")
    assert load_config(tmp_path, None)["MAX_UPLOAD_MB"] == 120
    monkeypatch.delenv("ANNOTATOR_MAX_UPLOAD_MB")
    assert load_config(tmp_path, None)["MAX_UPLOAD_MB"] == 50
    for wrong in ("fifty", "0", "-3", "nan"):
        monkeypatch.setenv("ANNOTATOR_MAX_UPLOAD_MB", wrong)
        with pytest.raises(ConfigurationError, match="ANNOTATOR_MAX_UPLOAD_MB"):
            load_config(tmp_path, None)


def test_the_upload_limit_does_not_raise_other_routes_limits(
    api_as: Callable[..., Api], app: Flask
) -> None:
    """If this fails, the larger upload limit opened every JSON route to bodies past the
    app's MAX_CONTENT_LENGTH."""
    app.config["MAX_CONTENT_LENGTH"] = 1000
    alice = api_as("alice")
    response = alice.client.post("/api/tokens", json={"name": "x" * 2000}, headers=alice.headers)
    assert response.status_code == 413
    assert "ANNOTATOR_MAX_UPLOAD_MB" not in response.get_json()["error"]
    admin = api_as("ada", "admin")
    upload = _post(admin, _files(("quiet.txt", ARTICLE.encode() * 5)))
    assert upload.status_code == 200


def test_only_admins_upload(api_as: Callable[..., Api], db: Session) -> None:
    """If this fails, an annotator or reviewer can add articles to the corpus."""
    for name, role in (("alice", "annotator"), ("rita", "reviewer")):
        caller = api_as(name, role)
        response = _post(caller, _files(("quiet.txt", ARTICLE.encode())))
        assert response.status_code == 403
        assert caller.client.get("/upload").status_code in (302, 403)
    assert _count(db, Document) == 0


def test_the_page_shows_each_file_with_its_name_escaped(
    client: FlaskClient, auth: AuthActions, make_user: Callable[..., User], db: Session
) -> None:
    """If this fails, a file called <script>... runs in the admin's browser, or the page
    does not say what became of each file."""
    make_user("ada", role="admin")
    auth.login("ada")
    form = client.get("/upload")
    assert form.status_code == 200 and b'type="file"' in form.data and b"multiple" in form.data
    evil = "<script>alert(1)</script>.txt"
    response = client.post(
        "/upload",
        data={
            **_files((evil, b""), ("quiet.txt", ARTICLE.encode())),
            "csrf_token": auth.csrf_token(),
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.request.path.startswith("/upload/jobs/")  # the upload's job, done
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;.txt" in html
    assert "refused" in html and "imported" in html
    assert _count(db, Document) == 1
    no_csrf = client.post(
        "/upload", data=_files(("again.txt", b"T\n\nx\n")), content_type="multipart/form-data"
    )
    assert no_csrf.status_code == 400


def test_a_file_name_cannot_reach_outside_the_upload(
    api_as: Callable[..., Api], db: Session, tmp_path: Path
) -> None:
    """If this fails, a crafted file name writes somewhere on the server's disk, or a
    control character in it breaks the import."""
    admin = api_as("ada", "admin")
    names = ("../../escaped.txt", "/etc/absolute.txt", "tab\there.txt")
    response = _post(admin, _files(*[(name, ARTICLE.encode() + name.encode()) for name in names]))
    rows = response.get_json()["files"]
    assert [row["status"] for row in rows] == ["imported"] * 3
    assert rows[0]["name"] == "../../escaped.txt" and rows[2]["name"] == "tab?here.txt"
    sources = set(db.scalars(select(Document.source)))
    assert sources == {"escaped.txt", "absolute.txt", "tab_here.txt"}
    assert not (Path(tempfile.gettempdir()) / "escaped.txt").exists()
