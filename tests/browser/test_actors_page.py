"""In a real browser: a reviewer keeps the actor registry on the Actors page (search, aliases,
proposals, merging a duplicate) and the export follows the merge."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import orjson
from flask.testing import FlaskCliRunner
from playwright.sync_api import Page, expect

from ..conftest import TEST_PASSWORD


def test_a_reviewer_searches_adds_and_confirms_aliases_and_merges_a_duplicate(
    page: Page,
    login: Any,
    annotated: dict[str, Any],
    runner: FlaskCliRunner,
    tmp_path: Path,
) -> None:
    """If this fails, a reviewer cannot find an actor, grow its aliases, settle what
    annotators proposed, or fold a duplicate into the real actor so that the export links
    one actor and still knows the old key."""
    rita, alice = annotated["reviewer"], annotated["alice"]
    made = rita.client.post(
        "/api/actors",
        json={"name": "Daesh duplicate", "type": "REBEL_GROUP", "key": "daesh-dup"},
        headers=rita.headers,
    )
    assert made.status_code == 201
    proposed = alice.client.post(
        "/api/actors/russia/aliases", json={"alias": "Moscow's forces"}, headers=alice.headers
    )
    assert proposed.get_json()["status"] == "proposed"
    login("rita", TEST_PASSWORD)

    page.get_by_role("link", name="Actors").click()
    expect(page).to_have_url(re.compile(r"/actors$"))
    page.get_by_label("Search the registry").fill("isil")
    page.get_by_role("button", name="Search").click()
    rows = page.locator("table.registry tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_have_attribute("data-actor", "islamic-state")
    expect(rows.first.locator("td.mentions")).to_have_text("9")

    # The old proposals page leads to the same section; confirming it there.
    page.goto("/actors/proposals")
    expect(page).to_have_url(re.compile(r"/actors#proposals$"))
    proposal = page.locator("#proposals tr", has_text="Moscow's forces")
    proposal.get_by_role("button", name="Confirm").click()
    expect(page.locator(".flash")).to_contain_text('Confirmed "Moscow\'s forces"')
    expect(page.locator("#proposals")).to_contain_text("No aliases wait for review.")

    page.goto("/actors?q=duplicate")
    page.get_by_role("link", name="Daesh duplicate").click()
    page.get_by_label("New alias").fill("Tanzim al-Dawla")
    page.get_by_role("button", name="Add the alias").click()
    expect(page.locator(".flash")).to_contain_text("Added the alias 'Tanzim al-Dawla'")
    expect(page.locator("table.aliases-table")).to_contain_text("Tanzim al-Dawla")

    page.goto("/actors/islamic-state/edit")
    into = page.get_by_label("Merge into (the kept actor's key)")
    into.press_sequentially("dupl")  # the field offers the actors found, never itself
    expect(page.locator("#merge-into-choices option[value='daesh-dup']")).to_have_count(1)
    expect(page.locator("#merge-into-choices option[value='islamic-state']")).to_have_count(0)
    into.fill("daesh-dup")
    questions: list[str] = []

    def accept(dialog: Any) -> None:
        questions.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    page.get_by_role("button", name="Merge").click()
    expect(page.locator(".flash")).to_contain_text(
        "Merged islamic-state into daesh-dup: 9 annotation(s)"
    )
    expect(page).to_have_url(re.compile(r"/actors/daesh-dup/edit$"))
    expect(page.locator(".actor-mentions")).to_contain_text("9 mentions")
    assert "cannot be undone" in questions[0]

    with page.expect_download() as download_info:
        page.goto("/actors")
        page.get_by_role("link", name="Download the registry").click()
    registry = orjson.loads(Path(download_info.value.path()).read_bytes())
    kept = next(actor for actor in registry["actors"] if actor["key"] == "daesh-dup")
    assert "islamic-state" in kept["aliases"] and "ISIL" in kept["aliases"]
    assert all(actor["key"] != "islamic-state" for actor in registry["actors"])

    out = tmp_path / "after.jsonl"
    assert runner.invoke(args=["export", "--out", str(out)]).exit_code == 0
    linked = {
        entity["actor"]["id"]
        for line in out.read_bytes().splitlines()
        for entity in orjson.loads(line)["entities"]
        if entity["actor"]
    }
    assert linked == {"daesh-dup"}
    beside = orjson.loads((tmp_path / "after.actors.json").read_bytes())
    assert beside == registry
