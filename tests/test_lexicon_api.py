"""GET /api/lexicon: the words the suggestion rules read, an admin's files included, for
the workspace's W and B keys; only for users who are logged in."""

from __future__ import annotations

from collections.abc import Callable

from flask.testing import FlaskClient


def test_the_lexicon_follows_an_admins_files(
    api_as: Callable, admin_lexicon: Callable[..., None]
) -> None:
    """An admin's title and collective noun are served, a removed cue is not, Arabic cues
    are there; the PERSON nouns ("source") are not, since W takes these after names."""
    admin_lexicon(
        titles="Ombudsman\n", groups="[armed_group]\nmaquisards\n", cues="[verbs]\n-said\n"
    )
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
