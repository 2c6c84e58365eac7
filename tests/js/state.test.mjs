// state.js: what the paragraph highlights and what can be picked, derived from the workspace state.
import assert from "node:assert/strict";
import { test } from "node:test";

import { WorkspaceState } from "../../annotator/static/js/workspace/state.js";

const label = (name, hotkey, display = name) => ({ name, display_name: display, colour: "#336699", hotkey, description: "" });
const LABELS = {
  entity_types: [label("PERSON", "1", "Person"), label("ARMED_GROUP", "2", "Armed group")],
  polarities: [label("SUPPORT", "+"), label("OPPOSE", "-"), label("NEUTRAL", "=")],
  quote_types: [label("DIRECT", "d"), label("INDIRECT", "i"), label("MIXED", "m")],
};
const TEXT = "Meqdad said ISIS will be fought."; // Meqdad 0-6, said 7-11, ISIS 12-16

function workspace(annotation = {}) {
  return new WorkspaceState(LABELS, {
    text: TEXT,
    annotation: { version: 0, status: "draft", comment: "", flagged: false, entities: [], stances: [], quotes: [], suggestions: [], ...annotation },
    suggestions: {
      entities: [{ id: "sug-e-12-16", kind: "entity", start: 12, end: 16, label: "ARMED_GROUP", actor: "isis", actor_name: "Islamic State", text: "ISIS" }],
      cues: [{ id: "sug-c-7-11", kind: "cue", start: 7, end: 11, text: "said" }],
    },
    actors: { isis: { id: "isis", name: "Islamic State", aliases: ["ISIS"] } },
    read_only: false,
  });
}

const byType = (marks, type) => marks.filter((m) => m.type === type);

test("the paragraph shows open suggestions dotted until they are decided", () => {
  const state = workspace();
  assert.deepEqual(state.openSuggestions().map((s) => s.id), ["sug-e-12-16", "sug-c-7-11"]);
  assert.equal(byType(state.marks(), "sugg").length, 1);
  assert.equal(byType(state.marks(), "sugg-cue").length, 1);
  state.annotation.decide(state.suggestion("sug-e-12-16"), "rejected");
  assert.deepEqual(state.openSuggestions().map((s) => s.id), ["sug-c-7-11"]);
  assert.equal(byType(state.marks(), "sugg").length, 0);
});

test("an entity is drawn with its label's tag and is highlighted when selected", () => {
  const state = workspace();
  const entity = state.annotation.addEntity(0, 6, "PERSON");
  let [mark] = byType(state.marks(), "entity");
  assert.equal(mark.tag, "Person");
  assert.equal(mark.selected, false);
  state.selected = { kind: "entity", id: entity.id };
  [mark] = byType(state.marks(), "entity");
  assert.equal(mark.selected, true);
});

test("selecting a stance highlights its holder and its target", () => {
  const state = workspace();
  const holder = state.annotation.addEntity(0, 6, "PERSON");
  const target = state.annotation.addEntity(12, 16, "ARMED_GROUP");
  const other = state.annotation.addEntity(25, 31, "PERSON");
  const stance = state.annotation.addStance(holder.id, target.id, "OPPOSE");
  state.selected = { kind: "stance", id: stance.id };
  const selected = byType(state.marks(), "entity").filter((m) => m.selected).map((m) => m.id);
  assert.deepEqual(selected, [holder.id, target.id]);
  assert.ok(!selected.includes(other.id));
});

test("a stance on a proposition shows its target span, emphasised when the stance is selected", () => {
  const state = workspace();
  const holder = state.annotation.addEntity(0, 6, "PERSON");
  const stance = state.annotation.addStance(holder.id, { start: 17, end: 31 }, "SUPPORT");
  assert.deepEqual(byType(state.marks(), "stance-target"), [{ type: "stance-target", start: 17, end: 31 }]);
  state.selected = { kind: "stance", id: stance.id };
  assert.deepEqual(byType(state.marks(), "stance-target"), [{ type: "stance-target", start: 17, end: 31, selected: true }]);
});

test("a quote shows its content and cue, and selecting it highlights its speaker", () => {
  const state = workspace();
  const speaker = state.annotation.addEntity(0, 6, "PERSON");
  const quote = state.annotation.addQuote({ start: 12, end: 31 }, "INDIRECT");
  quote.speaker = speaker.id;
  quote.cue = { start: 7, end: 11 };
  state.selected = { kind: "quote", id: quote.id };
  const marks = state.marks();
  assert.deepEqual(byType(marks, "quote-content"), [{ type: "quote-content", start: 12, end: 31, selected: true }]);
  assert.deepEqual(byType(marks, "quote-cue"), [{ type: "quote-cue", start: 7, end: 11, selected: true }]);
  assert.equal(byType(marks, "entity")[0].selected, true);
  assert.equal(byType(marks, "sugg-cue").length, 0, "the cue used is no longer offered");
});

test("while picking a speaker every entity is a candidate, and Tab's choice is marked", () => {
  const state = workspace();
  state.annotation.addEntity(0, 6, "PERSON");
  state.annotation.addEntity(12, 16, "ARMED_GROUP");
  state.mode = { kind: "quote-speaker", quoteId: "q1" };
  assert.deepEqual(state.candidates().map((c) => c.id), ["e1", "e2"]);
  state.candidateIndex = 1;
  assert.deepEqual(state.marks().filter((m) => m.type.startsWith("candidate")).map((m) => m.type), ["candidate", "candidate-focus"]);
});

test("a stance's holder is not offered as its own target", () => {
  const state = workspace();
  state.annotation.addEntity(0, 6, "PERSON");
  state.annotation.addEntity(12, 16, "ARMED_GROUP");
  state.mode = { kind: "stance-target", holder: "e1" };
  assert.deepEqual(state.candidates().map((c) => c.id), ["e2"]);
});

test("the reporting verbs suggested are the candidates for a quote's cue; its quotes for a stance", () => {
  const state = workspace();
  state.mode = { kind: "quote-cue", quoteId: "q1" };
  assert.deepEqual(state.candidates(), [{ kind: "cue", id: "sug-c-7-11", start: 7, end: 11 }]);
  state.annotation.addQuote({ start: 12, end: 31 }, "DIRECT");
  state.mode = { kind: "stance-quote", stanceId: "s1" };
  assert.deepEqual(state.candidates(), [{ kind: "quote", id: "q1", start: 12, end: 31 }]);
  state.mode = null;
  assert.deepEqual(state.candidates(), []);
});

test("selected words show as pending", () => {
  const state = workspace();
  state.selection = { start: 12, end: 16 };
  assert.deepEqual(byType(state.marks(), "pending"), [{ type: "pending", start: 12, end: 16 }]);
});

test("hotkeys come from the labels the server sent", () => {
  const state = workspace();
  assert.equal(state.labelForKey("entity_types", "2").name, "ARMED_GROUP");
  assert.equal(state.labelForKey("polarities", "-").name, "OPPOSE");
  assert.equal(state.labelForKey("quote_types", "m").name, "MIXED");
  assert.equal(state.labelForKey("entity_types", "9"), null);
  assert.equal(state.colours.OPPOSE, "#336699");
  assert.equal(state.tag("UNKNOWN"), "UNKNOWN");
});
