// The upload's job page in words: how far the import got and on which file, and when it ends.
import { test } from "node:test";
import assert from "node:assert/strict";
import { describeImport } from "../../annotator/static/js/upload/job.js";

test("a running import says which file of how many", () => {
  const shown = describeImport({ status: "running", done: 1, total: 3, current: "busy.txt" });
  assert.equal(shown.text, "Importing: 1 of 3 files done, now busy.txt…");
  assert.deepEqual([shown.value, shown.max, shown.finished], [1, 3, false]);
});

test("a queued import waits, and one not yet counted has no bar", () => {
  assert.match(describeImport({ status: "queued", done: 0, total: null }).text, /^Waiting/);
  assert.equal(describeImport({ status: "running", done: 0, total: null }).max, null);
});

test("a finished import ends the polling, done or failed", () => {
  const done = describeImport({ status: "done", done: 1, total: 1, files: [] });
  assert.deepEqual([done.text, done.finished], ["Done: 1 file read.", true]);
  const failed = describeImport({ status: "failed", done: 0, total: 2, error: "at x.txt" });
  assert.deepEqual([failed.text, failed.finished], ["The import failed: at x.txt", true]);
});
