// conflict.js: a stale tab's copy against the server's, item by item, and their merge.
import assert from "node:assert/strict";
import { test } from "node:test";

import { differences, merge } from "../../annotator/static/js/workspace/conflict.js";

const TEXT = "Syria and the PLO oppose ISIS, said Meqdad.";
const at = (words) => ({ start: TEXT.indexOf(words), end: TEXT.indexOf(words) + words.length });
const entity = (id, words, label, actor = null) => ({ id, ...at(words), label, actor, from_suggestion: false });
const copy = (overrides) => ({ version: 3, status: "draft", comment: "", flagged: false, entities: [], stances: [], quotes: [], suggestions: [], ...overrides });

test("each copy's own items are listed in words, shared ones are not", () => {
  const server = copy({ entities: [entity("e1", "Syria", "STATE_ACTOR"), entity("e2", "PLO", "ORGANIZATION")] });
  const mine = copy({
    version: 2,
    entities: [entity("e1", "Syria", "STATE_ACTOR"), entity("e2", "ISIS", "ARMED_GROUP")],
    stances: [{ id: "s1", holder: "e1", target: "e2", polarity: "OPPOSE", quote: null }],
  });
  const found = differences(mine, server, TEXT);
  assert.deepEqual(found.mine.map((d) => d.text), ["entity “ISIS” ARMED_GROUP", "stance “Syria” OPPOSE “ISIS”"]);
  assert.deepEqual(found.server.map((d) => d.text), ["entity “PLO” ORGANIZATION"]);
  assert.equal(found.comment, false);
});

test("the merge keeps both copies' items, renumbered, with what a stance needs", () => {
  const server = copy({ entities: [entity("e1", "PLO", "ORGANIZATION")] });
  const mine = copy({
    version: 2,
    entities: [entity("e1", "Syria", "STATE_ACTOR"), entity("e2", "ISIS", "ARMED_GROUP")],
    stances: [{ id: "s1", holder: "e1", target: "e2", polarity: "OPPOSE", quote: null }],
    quotes: [{ id: "q1", speaker: null, cue: at("said"), content: at("Syria and the PLO oppose ISIS"), type: "DIRECT" }],
    comment: "mine",
  });
  const merged = merge(mine, server);
  assert.equal(merged.version, 3);
  const words = (e) => TEXT.slice(e.start, e.end);
  assert.deepEqual(merged.entities.map((e) => [e.id, words(e)]), [["e1", "PLO"], ["e2", "Syria"], ["e3", "ISIS"]]);
  assert.deepEqual(merged.stances, [{ id: "s1", holder: "e2", target: "e3", polarity: "OPPOSE", quote: null }]);
  assert.equal(merged.quotes.length, 1);
  assert.equal(merged.comment, "mine"); // the server had none
  assert.deepEqual(differences(merged, server, TEXT).server, []); // nothing of the server's lost
  assert.deepEqual(differences(merged, mine, TEXT).server, []); // nothing of mine lost
});

test("an item both copies have on the same words but say differently keeps the server's version", () => {
  const server = copy({ entities: [entity("e1", "Syria", "STATE_ACTOR", "syrian-government")], comment: "server's", flagged: true });
  const mine = copy({ version: 2, entities: [entity("e1", "Syria", "STATE_ACTOR", "russia")], comment: "mine" });
  const merged = merge(mine, server);
  assert.deepEqual(merged.entities.map((e) => e.actor), ["syrian-government"]);
  assert.equal(merged.comment, "server's");
  assert.equal(merged.flagged, true);
  assert.equal(differences(mine, server, TEXT).comment, true);
});

test("the merge changes neither copy", () => {
  const server = copy({ entities: [entity("e1", "PLO", "ORGANIZATION")] });
  const mine = copy({ entities: [entity("e1", "Syria", "STATE_ACTOR")] });
  const before = JSON.stringify([mine, server]);
  merge(mine, server);
  assert.equal(JSON.stringify([mine, server]), before);
});
