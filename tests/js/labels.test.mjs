// labels.js and the parts that use it: a retired label is offered for no new work, but an
// item that has it still shows it.
import assert from "node:assert/strict";
import { test } from "node:test";

import { choiceName, choices, offered } from "../../annotator/static/js/workspace/labels.js";
import { WorkspaceState } from "../../annotator/static/js/workspace/state.js";
import { labelKeys } from "../../annotator/static/js/workspace/view.js";

const label = (name, hotkey, retired = false) => ({ name, display_name: name.toLowerCase(), colour: "#336699", hotkey, description: "", retired });
const LABELS = {
  entity_types: [label("PERSON", "1"), label("MEDIA", "2", true), label("LOCATION", "3")],
  polarities: [label("SUPPORT", "+"), label("OPPOSE", "-", true)],
  quote_types: [label("DIRECT", "d"), label("MIXED", null, true)],
};

test("retired labels are not offered, and an item's own retired label stays in its picker", () => {
  assert.deepEqual(offered(LABELS.entity_types).map((l) => l.name), ["PERSON", "LOCATION"]);
  assert.deepEqual(choices(LABELS.polarities, "SUPPORT").map((l) => l.name), ["SUPPORT"]);
  assert.deepEqual(choices(LABELS.polarities, "OPPOSE").map((l) => l.name), ["SUPPORT", "OPPOSE"]);
  assert.equal(choiceName(LABELS.polarities[1]), "oppose (-) (retired)");
  assert.equal(choiceName(LABELS.quote_types[1]), "mixed (retired)");
});

test("a retired label's hotkey does nothing, and the help does not name it", () => {
  const state = new WorkspaceState(LABELS, {
    text: "Meqdad spoke.",
    annotation: { version: 0, status: "draft", comment: "", flagged: false, entities: [], stances: [], quotes: [], suggestions: [] },
    suggestions: { entities: [], cues: [] },
    actors: {},
  });
  assert.equal(state.labelForKey("entity_types", "2"), null);
  assert.equal(state.labelForKey("entity_types", "3").name, "LOCATION");
  assert.equal(state.labelForKey("polarities", "-"), null);
  assert.equal(labelKeys(LABELS.entity_types), "1 3");
  // Still drawn and named on the annotations that have it.
  assert.equal(state.colours.MEDIA, "#336699");
  assert.equal(state.tags.MEDIA, "media");
});
