// state.js quotesRelatedTo: which quotes may express a stance, so that the page asks for the
// quote only when one of them is likely (guidelines §2: the stance expressed in a quote).
import assert from "node:assert/strict";
import { test } from "node:test";

import { quotesRelatedTo } from "../../annotator/static/js/workspace/state.js";

// “Syria and the PLO are determined to fight terrorism,” said Meqdad. Hamas said “no.”
const syria = { id: "e1", start: 1, end: 6, actor: "syrian-government" };
const plo = { id: "e2", start: 15, end: 18, actor: "plo" };
const meqdad = { id: "e3", start: 60, end: 66, actor: null };
const hamas = { id: "e4", start: 68, end: 73, actor: "hamas" };
const elsewhere = { id: "e5", start: 90, end: 95, actor: null };
const entities = [syria, plo, meqdad, hamas, elsewhere];
const saidByMeqdad = { id: "q1", speaker: "e3", content: { start: 1, end: 52 } };
const saidByHamas = { id: "q2", speaker: "e4", content: { start: 80, end: 82 } };
const ids = (quotes) => quotes.map((q) => q.id);

test("a quote is related to its speaker", () => {
  assert.deepEqual(ids(quotesRelatedTo(meqdad, [saidByMeqdad, saidByHamas], entities)), ["q1"]);
  assert.deepEqual(ids(quotesRelatedTo(hamas, [saidByMeqdad, saidByHamas], entities)), ["q2"]);
});

test("a quote is related to an entity it names (Syria in Meqdad's words)", () => {
  assert.deepEqual(ids(quotesRelatedTo(syria, [saidByMeqdad, saidByHamas], entities)), ["q1"]);
  assert.deepEqual(ids(quotesRelatedTo(plo, [saidByMeqdad], entities)), ["q1"]);
});

test("an entity that neither said nor is named in any quote has none", () => {
  assert.deepEqual(quotesRelatedTo(elsewhere, [saidByMeqdad, saidByHamas], entities), []);
  assert.deepEqual(quotesRelatedTo(elsewhere, [], entities), []);
  assert.deepEqual(quotesRelatedTo(null, [saidByMeqdad], entities), []);
});

test("a span only partly inside the quote does not count as named in it", () => {
  const across = { id: "e6", start: 50, end: 58, actor: null };
  assert.deepEqual(quotesRelatedTo(across, [saidByMeqdad], [...entities, across]), []);
});

test("another mention linked to the same actor counts as the holder", () => {
  const syriaAgain = { id: "e7", start: 100, end: 105, actor: "syrian-government" };
  const saidBySyria = { id: "q3", speaker: "e7", content: { start: 110, end: 130 } };
  const all = [...entities, syriaAgain];
  // Syria (e1) is named in q1 and its other mention (e7) said q3.
  assert.deepEqual(ids(quotesRelatedTo(syria, [saidBySyria, saidByMeqdad], all)), ["q1", "q3"]);
  // Named in q1 through its first mention, though the holder is the later one.
  assert.deepEqual(ids(quotesRelatedTo(syriaAgain, [saidByMeqdad], all)), ["q1"]);
  // Two entities with no actor are not the same for that.
  assert.deepEqual(quotesRelatedTo(elsewhere, [{ id: "q4", speaker: "e3", content: { start: 0, end: 1 } }], entities), []);
});

test("the related quotes come in text order, whatever order they were made in", () => {
  const later = { id: "q5", speaker: "e3", content: { start: 70, end: 80 } };
  assert.deepEqual(ids(quotesRelatedTo(meqdad, [later, saidByMeqdad], entities)), ["q1", "q5"]);
});

test("a target that is words, not an entity, relates only the quotes that hold those words", () => {
  const terrorism = { start: 42, end: 51 }; // inside Meqdad's words
  const outside = { start: 84, end: 89 }; // after both quotes
  assert.deepEqual(ids(quotesRelatedTo(meqdad, [saidByMeqdad, saidByHamas], entities, terrorism)), ["q1"]);
  assert.deepEqual(quotesRelatedTo(meqdad, [saidByMeqdad, saidByHamas], entities, outside), []);
  // An entity's id as the target: the quotes are found as before.
  assert.deepEqual(ids(quotesRelatedTo(meqdad, [saidByMeqdad, saidByHamas], entities, "e4")), ["q1"]);
});
