// api.js: every request of the page carries the session cookie, the CSRF token when it changes
// something, and reads JSON the same way.
import assert from "node:assert/strict";
import { test } from "node:test";

import { createApi } from "../../annotator/static/js/workspace/api.js";

/** A stand-in for fetch answering ``status`` with ``body`` (a string is sent as it is). */
function fakeServer(status = 200, body = {}) {
  const calls = [];
  const fetchImpl = async (url, options) => {
    calls.push({ url, ...options, json: options.body === undefined ? undefined : JSON.parse(options.body) });
    const text = typeof body === "string" ? body : JSON.stringify(body);
    return new Response(status === 204 ? null : text, { status });
  };
  return { calls, api: createApi({ csrfToken: "token-1", fetchImpl }) };
}

test("a save sends the annotation as JSON with the CSRF token and the session cookie", async () => {
  const { calls, api } = fakeServer(200, { version: 2 });
  const answer = await api.saveAnnotation("p/1", { version: 1, status: "draft" });
  assert.deepEqual(answer, { status: 200, ok: true, body: { version: 2 } });
  const [call] = calls;
  assert.equal(call.url, "/api/paragraphs/p%2F1/annotation");
  assert.equal(call.method, "PUT");
  assert.equal(call.credentials, "same-origin");
  assert.equal(call.headers["X-CSRFToken"], "token-1");
  assert.equal(call.headers["Content-Type"], "application/json");
  assert.deepEqual(call.json, { version: 1, status: "draft" });
  assert.equal(call.keepalive, undefined);
});

test("a save made while the page is left outlives the page", async () => {
  const { calls, api } = fakeServer(200, { version: 2 });
  await api.saveAnnotation("p1", {}, { keepalive: true });
  assert.equal(calls[0].keepalive, true);
});

test("creating an actor and proposing an alias are protected by the CSRF token", async () => {
  const { calls, api } = fakeServer(201, { id: "x" });
  await api.createActor({ name: "Yarmouk factions", type: "POLITICAL_MILITIA", aliases: ["factions"] });
  await api.proposeAlias("fatah", "Popular Struggle");
  assert.deepEqual(calls.map((c) => [c.method, c.url, c.headers["X-CSRFToken"]]), [
    ["POST", "/api/actors", "token-1"],
    ["POST", "/api/actors/fatah/aliases", "token-1"],
  ]);
  assert.deepEqual(calls[0].json, { name: "Yarmouk factions", type: "POLITICAL_MILITIA", aliases: ["factions"] });
  assert.deepEqual(calls[1].json, { alias: "Popular Struggle" });
});

test("reading sends no token and no body, and escapes what the user typed", async () => {
  const { calls, api } = fakeServer(200, []);
  await api.searchActors("al-Nusra & co?");
  const [call] = calls;
  assert.equal(call.url, "/api/actors?q=al-Nusra%20%26%20co%3F");
  assert.equal(call.method, "GET");
  assert.equal(call.credentials, "same-origin");
  assert.equal(call.headers["X-CSRFToken"], undefined);
  assert.equal(call.body, undefined);
});

test("a reviewer reading someone's annotation asks for that annotator's copy", async () => {
  const { calls, api } = fakeServer(200, { text: "x" });
  assert.deepEqual(await api.paragraph("p1", "alice"), { text: "x" });
  await api.paragraph("p1", null);
  assert.deepEqual(calls.map((c) => c.url), ["/api/paragraphs/p1?annotator=alice", "/api/paragraphs/p1"]);
});

test("a refusal keeps the server's errors; an answer without JSON gives an empty body", async () => {
  const refused = await fakeServer(422, { errors: [{ path: "entities", message: "bad" }] }).api.saveAnnotation("p1", {});
  assert.deepEqual(refused, { status: 422, ok: false, body: { errors: [{ path: "entities", message: "bad" }] } });
  const down = await fakeServer(503, "the server is down").api.saveAnnotation("p1", {});
  assert.deepEqual(down, { status: 503, ok: false, body: {} });
  const none = await fakeServer(204).api.nextParagraph("p1");
  assert.deepEqual(none, { status: 204, ok: true, body: {} });
});

test("the page cannot load without labels: a failed answer says which request and status", async () => {
  await assert.rejects(fakeServer(500, {}).api.labels(), { message: "/api/labels answered 500" });
  await assert.rejects(fakeServer(404, {}).api.paragraph("p9"), { message: "/api/paragraphs/p9 answered 404" });
});

test("a network failure rejects, so callers can say the page is offline", async () => {
  const api = createApi({ csrfToken: "t", fetchImpl: async () => { throw new TypeError("Failed to fetch"); } });
  await assert.rejects(api.saveAnnotation("p1", {}), TypeError);
  await assert.rejects(api.searchActors("x"), TypeError);
});
