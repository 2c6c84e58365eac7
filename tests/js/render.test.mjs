// render.js: a panel row's text as runs, the paragraph's words isolated so that Arabic keeps
// its place in a row that reads left to right.
import assert from "node:assert/strict";
import { test } from "node:test";

import { bidiRuns } from "../../annotator/static/js/workspace/render.js";

test("a row's Arabic speaker, cue and content are isolated; the runs join to the row's text", () => {
  const row = "q3: “محمد الخوالدة” · وأضاف · “عمّان ودمشق اتفقتا” · INDIRECT";
  const runs = bidiRuns(row);
  assert.equal(runs.map((r) => r.text).join(""), row);
  assert.deepEqual(runs.filter((r) => r.isolate).map((r) => r.text), ["محمد الخوالدة", "وأضاف", "عمّان ودمشق اتفقتا"]);
  // The separators, the id and the type stay in the row's own direction.
  assert.ok(runs.some((r) => r.text === " · " && !r.isolate));
  assert.ok(runs.some((r) => r.text === "INDIRECT" && !r.isolate));
});

test("quoted words are isolated in any script; a plain English row is left as it is", () => {
  const stance = "“Syria” OPPOSE “terrorism” (in q1)";
  assert.equal(bidiRuns(stance).map((r) => r.text).join(""), stance);
  assert.deepEqual(bidiRuns(stance).filter((r) => r.isolate).map((r) => r.text), ["Syria", "terrorism"]);
  assert.deepEqual(bidiRuns("PLO · Organization"), [
    { text: "PLO", isolate: false }, { text: " · ", isolate: false }, { text: "Organization", isolate: false },
  ]);
});
