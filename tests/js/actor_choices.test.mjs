// choices.js: the merge form offers every other actor by key, never the one being merged.
import assert from "node:assert/strict";
import { test } from "node:test";

import { mergeChoices } from "../../annotator/static/js/actors/choices.js";

test("the actor being merged is not offered, the others are, by key", () => {
  const found = [
    { id: "islamic-state", name: "Islamic State", type: "REBEL_GROUP" },
    { id: "daesh-dup", name: "Daesh <dup>", type: "REBEL_GROUP" },
  ];
  assert.deepEqual(mergeChoices(found, "islamic-state"), [
    { value: "daesh-dup", label: "Daesh <dup> (REBEL_GROUP)" },
  ]);
});

test("an answer that is not a list offers nothing", () => {
  assert.deepEqual(mergeChoices({ error: "x" }, "a"), []);
  assert.deepEqual(mergeChoices([null, { name: "no key" }], "a"), []);
});
