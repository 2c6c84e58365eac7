// The upload page's pure helpers: what joins the chosen files when more are dropped, and how
// each is listed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { describeFile, mergeFiles } from "../../annotator/static/js/upload/files.js";

const file = (name, size, lastModified = 1) => ({ name, size, lastModified });

test("dropped files join the chosen ones, a file dropped again only once", () => {
  const chosen = [file("a.txt", 10), file("b.jsonl", 20)];
  const dropped = [file("a.txt", 10), file("c.json", 5), file("a.txt", 11)];
  assert.deepEqual(
    mergeFiles(chosen, dropped).map((f) => `${f.name}:${f.size}`),
    ["a.txt:10", "b.jsonl:20", "c.json:5", "a.txt:11"],
  );
});

test("each file is listed with a readable size", () => {
  assert.equal(describeFile(file("a.txt", 999)), "a.txt (999 B)");
  assert.equal(describeFile(file("b.txt", 12_345)), "b.txt (12.3 kB)");
  assert.equal(describeFile(file("c.txt", 5_600_000)), "c.txt (5.6 MB)");
});
