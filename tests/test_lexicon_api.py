"""GET /api/lexicon: the words the suggestion rules read, an admin's files included, for
the workspace's W and B keys; only for users who are logged in."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from annotator.suggestions import lexicon


def test_the_lexicon_follows_an_admins_files(
    api_as: Callable, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An admin's title and collective noun are served, a removed cue is not, Arabic cues
    are there; the PERSON nouns ("source") are not, since W takes these after names."""
    titles = tmp_path / "titles.txt"
    titles.write_text("Ombudsman\n", encoding="utf-8")
    groups = tmp_path / "groups.txt"
    groups.write_text("[armed_group]\nmaquisards\n", encoding="utf-8")
    cues = tmp_path / "cues.txt"
    cues.write_text("[verbs]\n-said\n", encoding="utf-8")
    monkeypatch.setenv(lexicon.TITLE_SETTING, str(titles))
    monkeypatch.setenv(lexicon.GROUP_SETTING, str(groups))
    monkeypatch.setenv(lexicon.CUE_SETTING, str(cues))
    answer = api_as("alice").get("/api/lexicon")
    assert answer.status_code == 200
    words = answer.get_json()
    assert "Ombudsman" in words["titles"] and "spokesman" in words["titles"]
    assert "maquisards" in words["collective_nouns"] and "fighters" in words["collective_nouns"]
    assert "source" not in words["collective_nouns"]
    assert "said" not in words["cues"] and "قال" in words["cues"]


def test_the_lexicon_needs_a_login(client: FlaskClient) -> None:
    answer = client.get("/api/lexicon")
    assert answer.status_code == 401
