// exports/job.js and api.js: the download form sends what was filled in, runs as a job exactly
// what cannot stream, and words a job's progress, result and failure as a reviewer reads them.
import assert from "node:assert/strict";
import { test } from "node:test";

import { readJob, startJob } from "../../annotator/static/js/exports/api.js";
import {
  describeJob,
  formOptions,
  misalignedSummary,
  pollDelay,
  runsAsJob,
  setRows,
} from "../../annotator/static/js/exports/job.js";

const LINE_FORMATS = ["annotator", "prodigy", "doccano"];

test("the form's options leave out empty fields and send the checkbox as true", () => {
  const entries = [
    ["status", "submitted"],
    ["format", "spacy"],
    ["split", " 80/10/10 "],
    ["seed", "7"],
    ["split_files", "true"],
    ["annotator", ""],
  ];
  assert.deepEqual(formOptions(entries), {
    status: "submitted",
    format: "spacy",
    split: "80/10/10",
    seed: "7",
    split_files: true,
  });
});

test("line formats stream; spaCy, hf and one file per set run as jobs", () => {
  assert.equal(runsAsJob({}, LINE_FORMATS), false);
  assert.equal(runsAsJob({ format: "doccano", split: "80/10/10" }, LINE_FORMATS), false);
  assert.equal(runsAsJob({ format: "spacy" }, LINE_FORMATS), true);
  assert.equal(runsAsJob({ format: "hf" }, LINE_FORMATS), true);
  assert.equal(runsAsJob({ format: "annotator", split_files: true }, LINE_FORMATS), true);
});

test("a job's progress is words and a bar, and it is finished only when done or failed", () => {
  assert.deepEqual(describeJob({ status: "queued", done: 0, total: null }), {
    text: "Waiting for the job runner to start the export…",
    value: null,
    max: null,
    finished: false,
  });
  assert.equal(describeJob({ status: "running", done: 0, total: null }).text, "Counting the records…");
  assert.deepEqual(describeJob({ status: "running", done: 12000, total: 250000 }), {
    text: "Writing records: 12,000 of 250,000…",
    value: 12000,
    max: 250000,
    finished: false,
  });
  // An empty export still has a bar that can be full.
  assert.equal(describeJob({ status: "running", done: 0, total: 0 }).max, 1);
  const done = describeJob({ status: "done", done: 1, total: 1, file: "a.zip", details: { records: 1 } });
  assert.deepEqual(done, { text: "Ready: 1 record in a.zip.", value: 1, max: 1, finished: true });
  const failed = describeJob({ status: "failed", error: "record x: bad; nothing was exported" });
  assert.equal(failed.text, "The export failed: record x: bad; nothing was exported");
  assert.equal(failed.finished, true);
});

test("the sets are listed in the server's order with their counts", () => {
  const details = {
    sets: [
      { name: "train", records: 1200, documents: 80 },
      { name: "dev", records: 0, documents: 0 },
      { name: "test", records: 150, documents: 10 },
    ],
  };
  assert.deepEqual(setRows(details), [
    ["train", "1,200", "80"],
    ["dev", "0", "0"],
    ["test", "150", "10"],
  ]);
  assert.deepEqual(setRows({ sets: [] }), []);
});

test("misaligned spans are counted, and a long list says only the first are shown", () => {
  assert.equal(misalignedSummary({ misaligned: 0, misaligned_shown: [] }), null);
  assert.equal(
    misalignedSummary({ misaligned: 1, misaligned_shown: ["r entity e1 [0:2] 'Sy'"] }),
    "1 span does not fall on spaCy token boundaries and is not in the DocBin.",
  );
  assert.equal(
    misalignedSummary({ misaligned: 1200, misaligned_shown: new Array(50).fill("x") }),
    "1,200 spans do not fall on spaCy token boundaries and are not in the DocBin (the first 50 below).",
  );
});

test("polling starts quick and settles at two seconds", () => {
  assert.equal(pollDelay(0), 300);
  assert.ok(pollDelay(2) > pollDelay(1));
  assert.equal(pollDelay(20), 2000);
});

function answering(status, body) {
  const calls = [];
  const fetchImpl = async (url, options) => {
    calls.push({ url, options });
    return { status, ok: status >= 200 && status < 300, json: async () => body };
  };
  return { calls, fetchImpl };
}

test("a job is started with the CSRF header and the options as JSON", async () => {
  const { calls, fetchImpl } = answering(202, { id: "j", status: "queued", url: "/api/exports/j" });
  const job = await startJob("/api/exports", { format: "spacy" }, "tok", fetchImpl);
  assert.equal(job.status, "queued");
  assert.equal(calls[0].options.method, "POST");
  assert.equal(calls[0].options.headers["X-CSRFToken"], "tok");
  assert.equal(calls[0].options.body, '{"format":"spacy"}');
});

test("a refusal names the field; other failures are sentences", async () => {
  const refused = answering(422, { errors: [{ path: "seed", message: "'x' is not a whole number" }] });
  await assert.rejects(startJob("/api/exports", {}, "t", refused.fetchImpl), {
    message: "seed: 'x' is not a whole number",
  });
  const forbidden = answering(403, { error: "this export was started by another user" });
  await assert.rejects(readJob("/api/exports/j", forbidden.fetchImpl), {
    message: "this export was started by another user",
  });
  const offline = async () => {
    throw new TypeError("Failed to fetch");
  };
  await assert.rejects(readJob("/api/exports/j", offline), /could not be reached/);
  const strange = answering(200, { hello: 1 });
  await assert.rejects(readJob("/api/exports/j", strange.fetchImpl), /not an export job/);
});
