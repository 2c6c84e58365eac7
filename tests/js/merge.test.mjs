// merge.js: matching annotators' items, agreed and different, taking items into gold, sources.
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  compare, freshId, goldKeys, itemKeys, sourcesOf, take, takeAgreed,
} from "../../annotator/static/js/adjudication/merge.js";

const entity = (id, start, end, label = "PERSON", actor = null) => ({ id, start, end, label, actor, from_suggestion: false });
const annotation = (annotator, layers = {}) => ({ annotator, entities: [], quotes: [], stances: [], ...layers });
const emptyGold = () => annotation(undefined);

// alice and bob label the same words, numbered differently; bob adds one, labels another otherwise.
function pair() {
  const alice = annotation("alice", {
    entities: [entity("e1", 0, 5), entity("e2", 10, 15, "ARMED_GROUP", "isis")],
    quotes: [{ id: "q1", speaker: "e1", cue: { start: 6, end: 9 }, content: { start: 20, end: 40 }, type: "DIRECT" }],
    stances: [{ id: "s1", holder: "e1", target: "e2", polarity: "OPPOSE", quote: "q1" }],
  });
  const bob = annotation("bob", {
    entities: [entity("e7", 10, 15, "ARMED_GROUP", "isis"), entity("e8", 0, 5), entity("e9", 50, 55)],
    quotes: [{ id: "q3", speaker: "e8", cue: { start: 6, end: 9 }, content: { start: 20, end: 40 }, type: "INDIRECT" }],
    stances: [{ id: "s4", holder: "e8", target: "e7", polarity: "OPPOSE", quote: "q3" }],
  });
  return [alice, bob];
}

const row = (rows, annotator, kind, id) => rows.find((r) => r.annotator === annotator && r.kind === kind && r.id === id);

test("items are matched by what they say, not by their ids", () => {
  const [alice, bob] = pair();
  const rows = compare([alice, bob]);
  assert.equal(row(rows, "alice", "entity", "e1").agreed, true);
  assert.deepEqual(row(rows, "bob", "entity", "e8").makers, ["alice", "bob"]);
  assert.equal(row(rows, "bob", "entity", "e9").agreed, false, "only bob labelled it");
  assert.deepEqual(row(rows, "bob", "entity", "e9").makers, ["bob"]);
  assert.equal(row(rows, "alice", "quote", "q1").agreed, false, "the quote types differ");
  // The stances say the same thing, but each is in its annotator's quote, and those differ only
  // in type: a stance refers to its quote by the quote's content, so the stances agree.
  assert.equal(row(rows, "alice", "stance", "s1").agreed, true);
});

test("a different actor, label, polarity or target makes a difference", () => {
  const base = () => annotation("x", {
    entities: [entity("e1", 0, 5), entity("e2", 10, 15, "ARMED_GROUP")],
    stances: [{ id: "s1", holder: "e1", target: "e2", polarity: "OPPOSE", quote: null }],
  });
  const other = base();
  other.annotator = "y";
  other.entities[1].actor = "isis";
  let rows = compare([base(), other]);
  assert.equal(row(rows, "x", "entity", "e2").agreed, false);
  assert.equal(row(rows, "x", "entity", "e1").agreed, true);
  assert.equal(row(rows, "x", "stance", "s1").agreed, true, "a stance refers to entities by span and label only");
  const proposition = base();
  proposition.annotator = "y";
  proposition.stances[0].target = { start: 10, end: 15 };
  rows = compare([base(), proposition]);
  assert.equal(row(rows, "x", "stance", "s1").agreed, false, "an entity target and the same words as text differ");
  const support = base();
  support.annotator = "y";
  support.stances[0].polarity = "SUPPORT";
  assert.equal(row(compare([base(), support]), "x", "stance", "s1").agreed, false);
});

test("one annotator alone agrees with nobody", () => {
  const [alice] = pair();
  assert.ok(compare([alice]).every((r) => !r.agreed));
});

test("rows list entities in reading order, then quotes, then stances", () => {
  const [, bob] = pair();
  assert.deepEqual(compare([bob]).map((r) => r.id), ["e8", "e7", "e9", "q3", "s4"]);
});

test("taking an entity copies it with a fresh id; taking it again changes nothing", () => {
  const [alice] = pair();
  const gold = emptyGold();
  gold.entities.push(entity("e4", 60, 65));
  const result = take(gold, alice, "entity", "e2");
  assert.deepEqual(result, { id: "e5", already: false, taken: ["e5"] });
  assert.deepEqual(gold.entities[1], entity("e5", 10, 15, "ARMED_GROUP", "isis"));
  assert.deepEqual(take(gold, alice, "entity", "e2"), { id: "e5", already: true, taken: [] });
  assert.equal(gold.entities.length, 2);
});

test("taking an entity gold has with another actor takes that actor instead of adding one", () => {
  const [alice] = pair();
  const gold = emptyGold();
  gold.entities.push(entity("e1", 10, 15, "ARMED_GROUP", null));
  assert.deepEqual(take(gold, alice, "entity", "e2"), { id: "e1", already: false, taken: ["e1"] });
  assert.equal(gold.entities.length, 1);
  assert.equal(gold.entities[0].actor, "isis");
});

test("taking a stance takes its entities and its quote with the quote's speaker", () => {
  const [alice] = pair();
  const gold = emptyGold();
  const result = take(gold, alice, "stance", "s1");
  assert.equal(result.already, false);
  assert.deepEqual(gold.entities.map((e) => [e.id, e.start, e.end]), [["e1", 0, 5], ["e2", 10, 15]]);
  assert.deepEqual(gold.quotes, [{ id: "q1", speaker: "e1", cue: { start: 6, end: 9 }, content: { start: 20, end: 40 }, type: "DIRECT" }]);
  assert.deepEqual(gold.stances, [{ id: "s1", holder: "e1", target: "e2", polarity: "OPPOSE", quote: "q1" }]);
  assert.deepEqual(new Set(result.taken), new Set(["e1", "e2", "q1", "s1"]));
  assert.ok(goldKeys(gold).has(`stance:${itemKeys(alice).stance.get("s1").key}`), "the stance in gold is alice's");
  // The copied objects are gold's own: changing gold leaves alice's annotation alone.
  gold.quotes[0].cue.start = 7;
  assert.equal(alice.quotes[0].cue.start, 6);
});

test("taking a quote reuses the gold entity with the speaker's span and label", () => {
  const [, bob] = pair();
  const gold = emptyGold();
  gold.entities.push(entity("e3", 0, 5, "PERSON", "someone"));
  const result = take(gold, bob, "quote", "q3");
  assert.deepEqual(result.taken, ["q1"], "the speaker was there already: it is not taken");
  assert.equal(gold.quotes[0].speaker, "e3");
  assert.equal(gold.entities.length, 1);
});

test("taking bob's version of a quote gold has replaces its type, speaker and cue", () => {
  const [alice, bob] = pair();
  const gold = emptyGold();
  take(gold, alice, "quote", "q1");
  const result = take(gold, bob, "quote", "q3");
  assert.equal(result.id, "q1");
  assert.equal(gold.quotes.length, 1);
  assert.equal(gold.quotes[0].type, "INDIRECT");
});

test("take all agreed takes each agreed item once, and only those", () => {
  const [alice, bob] = pair();
  const gold = emptyGold();
  const taken = takeAgreed(gold, [alice, bob]);
  assert.deepEqual(gold.entities.map((e) => [e.start, e.end]), [[0, 5], [10, 15]]);
  assert.equal(gold.stances.length, 1);
  // The agreed stance is in a quote nobody agreed on: the quote comes with it (alice's version).
  assert.equal(gold.quotes.length, 1);
  assert.equal(new Set(taken).size, taken.length);
  assert.deepEqual(takeAgreed(gold, [alice, bob]), [], "a second time: all there already");
});

test("sources name every annotator who made the gold item, for taken items only", () => {
  const [alice, bob] = pair();
  const gold = emptyGold();
  const taken = new Set(take(gold, bob, "stance", "s4").taken);
  gold.entities.push(entity("e9", 50, 55)); // drawn by the reviewer, as bob did
  assert.deepEqual(sourcesOf(gold, [alice, bob], taken), {
    e1: ["alice", "bob"], e2: ["alice", "bob"], q1: ["bob"], s1: ["alice", "bob"],
  });
  gold.quotes[0].type = "MIXED"; // changed after taking: nobody made it so
  assert.equal(sourcesOf(gold, [alice, bob], taken).q1, undefined);
});

test("fresh ids follow the highest number, whatever the order", () => {
  assert.equal(freshId("e", []), "e1");
  assert.equal(freshId("e", [{ id: "e9" }, { id: "e2" }, { id: "x5" }]), "e10");
  assert.equal(freshId("q", [{ id: "e9" }]), "q1");
});
