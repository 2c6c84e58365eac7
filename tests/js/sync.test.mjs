// sync.js: saving through the API client keeps a local copy until the server has it, and stops on a conflict.
import assert from "node:assert/strict";
import { beforeEach, test } from "node:test";

import { Saver, sameContent } from "../../annotator/static/js/workspace/sync.js";

// The browser globals the Saver uses, kept in memory.
const stored = new Map();
Object.defineProperty(globalThis, "window", { value: { addEventListener() {} }, configurable: true });
Object.defineProperty(globalThis, "localStorage", {
  configurable: true,
  value: {
    getItem: (key) => (stored.has(key) ? stored.get(key) : null),
    setItem: (key, value) => stored.set(key, String(value)),
    removeItem: (key) => stored.delete(key),
  },
});

beforeEach(() => stored.clear());

function saver(answers) {
  const sent = [];
  const events = { states: [], conflicts: [], invalid: [], saved: [] };
  let version = 0;
  const s = new Saver({
    put: async (payload, options) => {
      sent.push({ payload, options });
      const answer = answers.shift();
      if (answer instanceof Error) throw answer;
      return answer;
    },
    storageKey: "annotator:alice:p1",
    readOnly: false,
    getPayload: (status) => ({ version, status: status ?? "draft", entities: [] }),
    onState: (state, message) => events.states.push([state, message]),
    onConflict: (body) => events.conflicts.push(body),
    onInvalid: (errors) => events.invalid.push(errors),
    onSaved: (v) => { version = v; events.saved.push(v); },
  });
  return { saver: s, sent, events };
}

test("a change is kept in this browser until the server confirms it", async () => {
  const { saver: s, sent, events } = saver([{ status: 200, body: { version: 1 } }]);
  s.changed();
  assert.ok(stored.has("annotator:alice:p1"), "kept locally at once");
  const result = await s.save();
  assert.deepEqual(result, { ok: true, version: 1 });
  assert.equal(sent.length, 1);
  assert.deepEqual(sent[0].options, { keepalive: false });
  assert.deepEqual(events.saved, [1]);
  assert.deepEqual(events.states.at(-1), ["saved", "Saved (version 1)"]);
  assert.equal(stored.has("annotator:alice:p1"), false, "the local copy is dropped once saved");
});

test("a conflict stops saving and never overwrites, but keeps what is typed", async () => {
  const { saver: s, sent, events } = saver([{ status: 409, body: { annotation: { version: 4 } } }]);
  s.changed();
  assert.deepEqual(await s.save(), { ok: false, reason: "conflict" });
  assert.deepEqual(events.conflicts, [{ annotation: { version: 4 } }]);
  assert.deepEqual(events.states.at(-1), ["conflict", "Not saved: changed elsewhere"]);
  stored.clear();
  s.changed();
  assert.ok(stored.has("annotator:alice:p1"), "later changes are still kept locally");
  assert.deepEqual(await s.save(), { ok: false, reason: "stopped" });
  assert.equal(sent.length, 1, "nothing more is sent until the user decides");
});

test("a refused save shows the server's errors", async () => {
  const errors = [{ path: "entities", message: "at most 2000 entities" }];
  const { saver: s, events } = saver([{ status: 422, body: { errors } }]);
  s.changed();
  assert.deepEqual(await s.save(), { ok: false, reason: "invalid" });
  assert.deepEqual(events.invalid, [errors]);
});

test("offline, the change stays in this browser and the page says so", async () => {
  const { saver: s, events } = saver([new TypeError("Failed to fetch")]);
  s.changed();
  const result = await s.save();
  clearTimeout(s.timer); // the retry is not part of this test
  assert.deepEqual(result, { ok: false, reason: "network" });
  assert.equal(events.states.at(-1)[0], "offline");
  assert.ok(stored.has("annotator:alice:p1"));
});

test("a kept copy equal to the server's, apart from version, status and key order, is not offered back", () => {
  const server = { version: 3, status: "submitted", comment: "", entities: [{ id: "e1", start: 0, end: 5, label: "PERSON" }] };
  const mine = { entities: [{ label: "PERSON", end: 5, start: 0, id: "e1" }], comment: "", status: "draft", version: 2 };
  assert.equal(sameContent(mine, server), true);
  assert.equal(sameContent({ ...mine, comment: "note" }, server), false);
  assert.equal(sameContent({ ...mine, entities: [] }, server), false);
});

test("a 401 says whether the session ended or the account was deactivated, and keeps the change", async () => {
  for (const [body, said] of [
    [{ error: "authentication required" }, "log in again"],
    [{ error: "deactivated", reason: "deactivated" }, "account has been deactivated; ask an administrator"],
  ]) {
    const { saver: s, events } = saver([{ status: 401, body }]);
    s.changed();
    assert.deepEqual(await s.save(), { ok: false, reason: "unauthorised" });
    clearTimeout(s.timer);
    const [state, message] = events.states.at(-1);
    assert.equal(state, "offline");
    assert.ok(message.includes(said), message);
    assert.ok(stored.has("annotator:alice:p1"));
  }
});
