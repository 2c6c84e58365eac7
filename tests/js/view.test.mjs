// view.js: what the error box shows, kept short whatever the server or the page found.
import assert from "node:assert/strict";
import { test } from "node:test";

import { errorLines, labelKeys } from "../../annotator/static/js/workspace/view.js";

test("a few errors are shown whole", () => {
  assert.deepEqual(errorLines([{ path: "comment", message: "a flagged paragraph needs a comment" }]), [
    "comment: a flagged paragraph needs a comment",
  ]);
});

test("thousands of errors show five, each cut short, and how many more", () => {
  const errors = Array.from({ length: 3000 }, (_, i) => ({ path: `entities[${i}]`, message: "x".repeat(100000) }));
  const lines = errorLines(errors);
  assert.equal(lines.length, 6);
  assert.ok(lines.slice(0, 5).every((line) => line.length === 200 && line.endsWith("…")));
  assert.equal(lines[5], "… and 2995 more");
});

const types = (...keys) => keys.map((hotkey, i) => ({ name: `T${i}`, hotkey }));

test("the label keys are named as they are: a run of digits, or one by one", () => {
  assert.equal(labelKeys(types("1", "2", "3", "4", "5", "6")), "1–6");
  assert.equal(labelKeys(types("1", "2", "3", "4", "5", "6", "7", "8", "9")), "1–9");
  assert.equal(labelKeys(types("1", "3", "p")), "1 3 p");
  assert.equal(labelKeys(types("1", null, "2")), "1 2");
  assert.equal(labelKeys(types(null)), "a label button");
});
