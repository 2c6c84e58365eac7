// proposals.js: the speaker, cue and targets the page proposes so that Enter confirms them.
import assert from "node:assert/strict";
import { test } from "node:test";

import { proposeSpeakerAndCue, quoteTargets } from "../../annotator/static/js/workspace/proposals.js";

const TEXT = "“Syria and the PLO fight terrorism,” said Meqdad, the minister, in Damascus.";
const at = (words, from = 0) => ({ start: TEXT.indexOf(words, from), end: TEXT.indexOf(words, from) + words.length });
const entity = (id, words, label) => ({ id, ...at(words), label });
const CONTENT = at("Syria and the PLO fight terrorism");
const ENTITIES = [
  entity("e1", "Syria", "STATE_ACTOR"),
  entity("e2", "PLO", "ORGANIZATION"),
  entity("e3", "terrorism", "ARMED_GROUP"),
  entity("e4", "Meqdad", "PERSON"),
  entity("e5", "Damascus", "LOCATION"),
];
const SAID = { id: "c1", kind: "cue", ...at("said") };

test("the speaker next to the suggested cue, and that cue, are proposed", () => {
  assert.deepEqual(proposeSpeakerAndCue(ENTITIES, [SAID], CONTENT), { speaker: "e4", cue: SAID });
});

test("a cue inside the content is never its own cue; an entity inside it never speaks", () => {
  const inside = { id: "c2", kind: "cue", ...at("fight") };
  assert.deepEqual(proposeSpeakerAndCue(ENTITIES.slice(0, 3), [inside], CONTENT), { speaker: null, cue: null });
});

test("without a cue, the nearest person or organisation outside the content speaks", () => {
  const entities = [...ENTITIES.slice(0, 3), entity("e5", "Damascus", "LOCATION"), entity("e4", "Meqdad", "PERSON")];
  assert.deepEqual(proposeSpeakerAndCue(entities, [], CONTENT), { speaker: "e4", cue: null });
  assert.deepEqual(proposeSpeakerAndCue([entity("e5", "Damascus", "LOCATION")], [], CONTENT), { speaker: "e5", cue: null });
});

test("a stance from a quote targets what the quote names first, in reading order", () => {
  assert.deepEqual(quoteTargets(ENTITIES, CONTENT, "e4").map((e) => e.id), ["e1", "e2", "e3", "e5"]);
  assert.deepEqual(quoteTargets(ENTITIES, CONTENT, "e1").map((e) => e.id), ["e2", "e3", "e4", "e5"]);
});
