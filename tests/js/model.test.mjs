// model.js: the annotation the page edits, what hangs on what, and the server's rules before a save.
import assert from "node:assert/strict";
import { test } from "node:test";

import { Annotation, rulesFromLabels } from "../../annotator/static/js/workspace/model.js";

const label = (name, hotkey) => ({ name, display_name: name, colour: "#123456", hotkey, description: "" });
const LABELS = {
  entity_types: [label("PERSON", "1"), label("ARMED_GROUP", "2"), label("STATE_ACTOR", "3")],
  polarities: [label("SUPPORT", "+"), label("OPPOSE", "-"), label("NEUTRAL", "=")],
  quote_types: [label("DIRECT", "d"), label("INDIRECT", "i"), label("MIXED", "m")],
};
const LIMITS = { entities: 3, stances: 2, quotes: 2, suggestions: 2, comment: 10 };

function empty(overrides = {}) {
  return { version: 0, status: "draft", comment: "", flagged: false, entities: [], stances: [], quotes: [], suggestions: [], ...overrides };
}

function annotation(labels = LABELS, server = empty()) {
  return new Annotation(server, rulesFromLabels(labels));
}

const suggestion = (id, start, end, extra = {}) => ({ id, kind: "entity", start, end, label: "PERSON", actor: null, ...extra });

test("labelling the same span with the same label twice makes one entity", () => {
  const a = annotation();
  const first = a.addEntity(0, 5, "PERSON");
  assert.equal(a.addEntity(0, 5, "PERSON"), first);
  assert.equal(a.entities.length, 1);
  a.addEntity(0, 5, "STATE_ACTOR");
  assert.equal(a.entities.length, 2, "another label on the same span is another entity");
});

test("new entities, quotes and stances get the next free id after a reload", () => {
  const a = annotation(LABELS, empty({ entities: [{ id: "e7", start: 0, end: 2, label: "PERSON", actor: null }] }));
  assert.equal(a.addEntity(3, 5, "PERSON").id, "e8");
  assert.equal(a.addQuote({ start: 0, end: 5 }, "DIRECT").id, "q1");
  assert.equal(a.addStance("e7", "e8", "OPPOSE").id, "s1");
});

test("deleting an entity deletes the stances it holds or targets and unsets the quotes it spoke", () => {
  const a = annotation();
  const syria = a.addEntity(0, 5, "STATE_ACTOR");
  const isis = a.addEntity(10, 14, "ARMED_GROUP");
  const meqdad = a.addEntity(20, 26, "PERSON");
  a.addStance(syria.id, isis.id, "OPPOSE");
  a.addStance(meqdad.id, syria.id, "SUPPORT");
  a.addStance(meqdad.id, { start: 30, end: 40 }, "SUPPORT");
  const quote = a.addQuote({ start: 30, end: 40 }, "DIRECT");
  quote.speaker = syria.id;
  const result = a.removeEntity(syria.id);
  assert.deepEqual(result, { stances: 2, quotes: [quote.id] });
  assert.equal(a.entities.length, 2);
  assert.deepEqual(a.stances.map((s) => s.holder), [meqdad.id]);
  assert.equal(quote.speaker, null);
  assert.deepEqual(a.validate(50), []);
});

test("deleting an entity that came from a suggestion records the suggestion as rejected", () => {
  const a = annotation();
  const s = suggestion("sug-e-0-5", 0, 5);
  const entity = a.addEntity(0, 5, "PERSON", null, true);
  a.decide(s, "accepted");
  a.removeEntity(entity.id);
  assert.equal(a.decisions.get(s.id).decision, "rejected");
  assert.equal(a.isOpen(s), false, "it does not come back as a suggestion");
});

test("deleting an unknown entity changes nothing", () => {
  const a = annotation();
  a.addEntity(0, 5, "PERSON");
  assert.deepEqual(a.removeEntity("e9"), { stances: 0, quotes: [] });
  assert.equal(a.entities.length, 1);
});

test("deleting a quote unsets it on the stances it expressed", () => {
  const a = annotation();
  const holder = a.addEntity(0, 5, "PERSON");
  const quote = a.addQuote({ start: 10, end: 20 }, "INDIRECT");
  const stance = a.addStance(holder.id, { start: 12, end: 18 }, "NEUTRAL");
  stance.quote = quote.id;
  a.removeQuote(quote.id);
  assert.equal(a.quotes.length, 0);
  assert.equal(stance.quote, null);
  a.removeStance(stance.id);
  assert.equal(a.stances.length, 0);
});

test("a suggestion stays open until decided, accepted as an entity, or used as a quote's cue", () => {
  const a = annotation();
  const person = suggestion("sug-e-0-5", 0, 5);
  const cue = { id: "sug-c-30-34", kind: "cue", start: 30, end: 34 };
  assert.equal(a.isOpen(person), true);
  a.addEntity(0, 5, "STATE_ACTOR");
  assert.equal(a.isOpen(person), false, "an entity on the same span closes it, whatever its label");
  assert.equal(a.isOpen(cue), true);
  const quote = a.addQuote({ start: 0, end: 20 }, "DIRECT");
  quote.cue = { start: 30, end: 34 };
  assert.equal(a.isOpen(cue), false);
  const other = suggestion("sug-e-6-9", 6, 9);
  a.decide(other, "rejected");
  assert.equal(a.isOpen(other), false);
});

test("submitting records the suggestions nobody decided on as ignored, which stay offered", () => {
  const a = annotation();
  const accepted = suggestion("a", 0, 5);
  const open = suggestion("b", 6, 9, { actor: "plo" });
  a.decide(accepted, "accepted");
  a.ignoreOpen([accepted, open]);
  assert.equal(a.decisions.get("a").decision, "accepted");
  assert.deepEqual(a.decisions.get("b"), { id: "b", kind: "entity", start: 6, end: 9, label: "PERSON", actor: "plo", decision: "ignored" });
  assert.equal(a.isOpen(open), true, "an ignored suggestion is still offered next time");
});

test("the payload has exactly the fields PUT /api/paragraphs/<id>/annotation takes", () => {
  const a = annotation(LABELS, empty({ version: 3, status: "submitted", comment: "note" }));
  const e = a.addEntity(0, 5, "PERSON");
  const target = a.addEntity(6, 9, "ARMED_GROUP", "isis", true);
  const quote = a.addQuote({ start: 10, end: 20 }, "DIRECT");
  a.addStance(e.id, target.id, "OPPOSE");
  a.decide(suggestion("sug", 6, 9, { actor: "isis" }), "accepted");
  const payload = a.payload();
  assert.deepEqual(Object.keys(payload).sort(), ["comment", "entities", "flagged", "quotes", "stances", "status", "suggestions", "version"]);
  assert.equal(payload.version, 3);
  assert.equal(payload.status, "submitted");
  assert.equal(a.payload("skipped").status, "skipped");
  assert.deepEqual(payload.entities[0], { id: "e1", start: 0, end: 5, label: "PERSON", actor: null, from_suggestion: false });
  assert.deepEqual(payload.entities[1], { id: "e2", start: 6, end: 9, label: "ARMED_GROUP", actor: "isis", from_suggestion: true });
  assert.deepEqual(payload.quotes[0], { id: quote.id, speaker: null, cue: null, content: { start: 10, end: 20 }, type: "DIRECT" });
  assert.deepEqual(payload.stances[0], { id: "s1", holder: "e1", target: "e2", polarity: "OPPOSE", quote: null });
  assert.equal(payload.suggestions.length, 1);
});

test("a payload loaded back gives the same payload (undo and restored copies)", () => {
  const a = annotation();
  a.addEntity(0, 5, "PERSON");
  a.addQuote({ start: 6, end: 9 }, "INDIRECT");
  const before = a.payload();
  const b = annotation(LABELS, JSON.parse(JSON.stringify(before)));
  assert.deepEqual(b.payload(), before);
});

test("a valid annotation has no errors", () => {
  const a = annotation();
  const e = a.addEntity(0, 5, "PERSON");
  const q = a.addQuote({ start: 6, end: 12 }, "DIRECT");
  q.speaker = e.id;
  q.cue = { start: 13, end: 17 };
  a.addStance(e.id, { start: 6, end: 12 }, "SUPPORT").quote = q.id;
  assert.deepEqual(a.validate(20), []);
});

test("bad spans are refused before saving, with where and why", () => {
  const a = annotation();
  a.addEntity(5, 5, "PERSON");
  a.addEntity(0, 30, "PERSON");
  a.addEntity(1.5, 3, "PERSON");
  assert.deepEqual(a.validate(20), [
    { path: "entities[0]", message: "start (5) must be less than end (5)" },
    { path: "entities[1]", message: "end (30) is past the end of the paragraph (20)" },
    { path: "entities[2]", message: "offsets must be whole numbers" },
  ]);
});

test("labels the server does not know are refused", () => {
  const a = annotation();
  const e = a.addEntity(0, 5, "ALIEN");
  a.addEntity(6, 9, "PERSON");
  a.addQuote({ start: 0, end: 9 }, "RUMOUR");
  a.addStance("e2", e.id, "LOVE");
  const messages = a.validate(20).map((error) => `${error.path}: ${error.message}`);
  assert.deepEqual(messages, [
    "entities[0].label: unknown entity type ALIEN",
    "quotes[0].type: unknown quote type RUMOUR",
    "stances[0].polarity: unknown polarity LOVE",
  ]);
});

test("dangling links and self-targeted stances are refused", () => {
  const a = annotation();
  const e = a.addEntity(0, 5, "PERSON");
  a.addQuote({ start: 6, end: 9 }, "DIRECT").speaker = "e9";
  a.addStance(e.id, e.id, "OPPOSE").quote = "q9";
  a.addStance("e8", { start: 6, end: 9 }, "OPPOSE");
  const paths = a.validate(20).map((error) => [error.path, error.message]);
  assert.deepEqual(paths, [
    ["quotes[0].speaker", "speaker e9 is not an entity"],
    ["stances[0].target", "the holder cannot be its own target"],
    ["stances[0].quote", "quote q9 does not exist"],
    ["stances[1].holder", "holder e8 is not an entity"],
  ]);
});

test("a flag needs a comment", () => {
  const a = annotation();
  a.flagged = true;
  a.comment = "   ";
  assert.deepEqual(a.validate(10), [{ path: "comment", message: "a flagged paragraph needs a comment" }]);
  a.comment = "Cut off.";
  assert.deepEqual(a.validate(10), []);
});

test("the labels the page accepts are the ones GET /api/labels sent", () => {
  const rules = rulesFromLabels(LABELS);
  assert.deepEqual([...rules.entityTypes], ["PERSON", "ARMED_GROUP", "STATE_ACTOR"]);
  assert.deepEqual([...rules.polarities], ["SUPPORT", "OPPOSE", "NEUTRAL"]);
  assert.deepEqual([...rules.quoteTypes], ["DIRECT", "INDIRECT", "MIXED"]);
  assert.equal(rules.limits, null);
  assert.deepEqual(rulesFromLabels({ ...LABELS, limits: LIMITS }).limits, LIMITS);
});

test("more entities, stances or quotes than the server allows are refused before saving", () => {
  const a = annotation({ ...LABELS, limits: LIMITS });
  for (let i = 0; i < 4; i += 1) a.addEntity(i * 2, i * 2 + 1, "PERSON");
  for (let i = 0; i < 3; i += 1) a.addQuote({ start: i, end: i + 1 }, "DIRECT");
  for (let i = 0; i < 3; i += 1) a.addStance("e1", "e2", "OPPOSE");
  assert.deepEqual(a.validate(20), [
    { path: "entities", message: "at most 3 entities (this annotation has 4)" },
    { path: "stances", message: "at most 2 stances (this annotation has 3)" },
    { path: "quotes", message: "at most 2 quotes (this annotation has 3)" },
  ]);
});

test("exactly the server's limit is still accepted", () => {
  const a = annotation({ ...LABELS, limits: LIMITS });
  for (let i = 0; i < 3; i += 1) a.addEntity(i * 2, i * 2 + 1, "PERSON");
  a.comment = "0123456789";
  a.decide(suggestion("a", 0, 1), "rejected");
  a.decide(suggestion("b", 2, 3), "rejected");
  assert.deepEqual(a.validate(20), []);
});

test("more suggestion decisions than the server allows are refused", () => {
  const a = annotation({ ...LABELS, limits: LIMITS });
  for (const id of ["a", "b", "c"]) a.decide(suggestion(id, 0, 1), "rejected");
  assert.deepEqual(a.validate(20), [{ path: "suggestions", message: "at most 2 suggestion decisions (this annotation has 3)" }]);
});

test("a comment is measured in characters as the server counts them: an emoji is one", () => {
  const a = annotation({ ...LABELS, limits: LIMITS });
  a.comment = "😀".repeat(10); // 20 UTF-16 units, 10 characters
  assert.deepEqual(a.validate(20), []);
  a.comment = "😀".repeat(11);
  assert.deepEqual(a.validate(20), [{ path: "comment", message: "at most 10 characters (this comment has 11)" }]);
});

test("without limits from the server, no limit is checked", () => {
  const a = annotation();
  a.entities = Array.from({ length: 2001 }, (_, i) => ({ id: `e${i + 1}`, start: 0, end: 1, label: "PERSON", actor: null }));
  a.comment = "x".repeat(20000);
  assert.deepEqual(a.validate(5), []);
});

test("the server's real limits: 2001 entities are refused with \"at most 2000 entities\"", () => {
  const limits = { entities: 2000, stances: 2000, quotes: 2000, suggestions: 5000, comment: 10000 };
  const a = annotation({ ...LABELS, limits });
  a.entities = Array.from({ length: 2001 }, (_, i) => ({ id: `e${i + 1}`, start: 0, end: 1, label: "PERSON", actor: null }));
  assert.deepEqual(a.validate(5), [{ path: "entities", message: "at most 2000 entities (this annotation has 2001)" }]);
});

test("a limit the server leaves out is not checked", () => {
  const a = annotation({ ...LABELS, limits: { entities: 1 } });
  a.addEntity(0, 1, "PERSON");
  a.comment = "x".repeat(50);
  for (let i = 0; i < 5; i += 1) a.addQuote({ start: 0, end: 1 }, "DIRECT");
  assert.deepEqual(a.validate(5), []);
});

test("accept all takes only what the server's limits leave room for, in order", () => {
  const limits = { entities: 2000, stances: 2000, quotes: 2000, suggestions: 5000, comment: 10000 };
  const a = annotation({ ...LABELS, limits }, empty({ entities: [{ id: "e1", start: 0, end: 1, label: "PERSON", actor: null }] }));
  const offered = Array.from({ length: 3000 }, (_, i) => suggestion(`s${i}`, 2 * i + 2, 2 * i + 3));
  assert.deepEqual(a.acceptMany(offered), { accepted: 1999, left: 1001 });
  assert.equal(a.entities.length, 2000);
  assert.deepEqual(a.validate(10000), []); // the save the server would take
  assert.equal(a.isOpen(offered[1998]), false);
  assert.equal(a.isOpen(offered[1999]), true); // the rest stay open
});

test("accept all stops where the suggestion decisions run out, too", () => {
  const a = annotation({ ...LABELS, limits: { ...LIMITS, entities: 10 } });
  assert.deepEqual(a.acceptMany([suggestion("a", 0, 1), suggestion("b", 1, 2), suggestion("c", 2, 3)]), { accepted: 2, left: 1 });
  assert.deepEqual(a.validate(10), []);
});
