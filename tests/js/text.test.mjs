// text.js: offsets are code points as the server counts them, and selections snap to words or graphemes.
import assert from "node:assert/strict";
import { test } from "node:test";

import { CodePointText, suggestQuoteType } from "../../annotator/static/js/workspace/text.js";

const FAMILY = "👨\u200d👩\u200d👧\u200d👦"; // 7 code points, 11 UTF-16 units
const UNICODE = `The family ${FAMILY} fled when ISIS came, the cafe\u0301 owner Zoë said.`;

test("a word after a ZWJ family emoji is saved at Python's code-point offsets", () => {
  const text = new CodePointText(UNICODE);
  assert.equal(text.length, 65);
  assert.equal(text.text.length, 69);
  // Python: text.index("ISIS") == 29; in the DOM it starts at UTF-16 unit 33.
  assert.equal(text.toCodePoint(33), 29);
  assert.equal(text.toUtf16(29), 33);
  assert.equal(text.slice(29, 33), "ISIS");
});

test("astral letters count as one character each, as in Python", () => {
  const text = new CodePointText("𝒜𝒷 and 😀!");
  assert.equal(text.length, 9);
  assert.equal(text.slice(0, 2), "𝒜𝒷");
  assert.equal(text.slice(7, 8), "😀");
  assert.equal(text.toUtf16(2), 4);
  assert.equal(text.toUtf16(8), 11);
  assert.equal(text.toUtf16(99), text.text.length, "past the end clamps to the end");
});

test("a DOM offset inside a surrogate pair rounds down to the character's start", () => {
  const text = new CodePointText("a😀b");
  assert.equal(text.toCodePoint(1), 1);
  assert.equal(text.toCodePoint(2), 1);
  assert.equal(text.toCodePoint(3), 2);
});

test("a drag that starts mid-word selects the whole word", () => {
  const text = new CodePointText("said Meqdad, the minister.");
  assert.deepEqual(text.snapToWords(6, 10), { start: 5, end: 11 });
  assert.equal(text.slice(5, 11), "Meqdad");
});

test("spaces and punctuation at the edges of a drag are left out", () => {
  const text = new CodePointText("said Meqdad, the minister.");
  // From the space before Meqdad to past the comma.
  assert.deepEqual(text.snapToWords(4, 13), { start: 5, end: 11 });
});

test("a drag over spaces or punctuation alone selects nothing", () => {
  const text = new CodePointText("Yes — no.");
  assert.equal(text.snapToWords(3, 6), null);
});

test("a possessive 's is left out of a drag that does not reach into it", () => {
  const text = new CodePointText("ISIS’s advance and Assad's men");
  assert.deepEqual(text.snapToWords(1, 3), { start: 0, end: 4 }, "curly apostrophe");
  assert.deepEqual(text.snapToWords(20, 22), { start: 19, end: 24 }, "straight apostrophe");
  assert.equal(text.slice(19, 24), "Assad");
});

test("a drag that reaches into the 's keeps it", () => {
  const text = new CodePointText("ISIS’s advance");
  assert.deepEqual(text.snapToWords(0, 6), { start: 0, end: 6 });
  assert.deepEqual(text.snapToWords(4, 5), { start: 0, end: 6 });
});

test("the keyboard cursor leaves a possessive ending out", () => {
  const text = new CodePointText("ISIS’s advance");
  assert.equal(text.withoutPossessive(text.words[0]), 4);
  assert.equal(text.withoutPossessive(text.words[1]), 14);
});

test("an Alt-drag inside a ZWJ family emoji takes the whole emoji", () => {
  const text = new CodePointText(UNICODE);
  assert.deepEqual(text.snapToGraphemes(12, 13), { start: 11, end: 18 });
  assert.equal(text.slice(11, 18), FAMILY);
});

test("an Alt-drag never separates a letter from its combining accent", () => {
  const text = new CodePointText(UNICODE);
  const e = text.text.indexOf("e\u0301"); // no astral characters before it but the emoji
  const start = text.toCodePoint(e);
  assert.deepEqual(text.snapToGraphemes(start, start + 1), { start, end: start + 2 });
  assert.deepEqual(text.snapToGraphemes(start + 1, start + 2), { start, end: start + 2 });
});

test("an Alt-drag keeps part of a word", () => {
  const text = new CodePointText(UNICODE);
  assert.deepEqual(text.snapToGraphemes(4, 7), { start: 4, end: 7 });
  assert.equal(text.slice(4, 7), "fam");
});

test("the word cursor lands on the word at or after a position", () => {
  const text = new CodePointText("one two  three");
  assert.equal(text.wordIndexAt(0), 0);
  assert.equal(text.wordIndexAt(3), 1, "a space belongs to the next word");
  assert.equal(text.wordIndexAt(8), 2);
  assert.equal(text.wordIndexAt(99), 2, "past the end: the last word");
});

test("Arabic words are words for the cursor", () => {
  const text = new CodePointText("قال المتحدث إن داعش انسحب");
  assert.deepEqual(text.words.map((w) => text.slice(w.start, w.end)), ["قال", "المتحدث", "إن", "داعش", "انسحب"]);
});

test("content in quotation marks is suggested as a DIRECT quote, even with a comma before the closing mark", () => {
  const text = new CodePointText("“Syria will fight terrorism, notably Yarmouk,” said Meqdad.");
  const end = text.text.indexOf(",”");
  assert.equal(suggestQuoteType(text, 1, end), "DIRECT");
  assert.equal(suggestQuoteType(text, 0, end + 2), "DIRECT", "the marks selected too");
});

test("content quoted in part is MIXED, unquoted content INDIRECT", () => {
  const text = new CodePointText("He said the strikes were “a crime” and would stop.");
  assert.equal(suggestQuoteType(text, 8, 49), "MIXED");
  const plain = new CodePointText("He said the strikes would stop.");
  assert.equal(suggestQuoteType(plain, 8, 30), "INDIRECT");
});

test("a drag that starts on an opening quotation mark keeps it for a quote, not for a label", () => {
  const text = new CodePointText("“Syria and the PLO fight terrorism,” said Meqdad.");
  const snapped = text.snapToWords(0, 36); // from “ to past the closing ”
  assert.deepEqual({ start: snapped.start, end: snapped.end }, { start: 1, end: 34 });
  assert.equal(text.slice(snapped.quoted.start, snapped.quoted.end), "“Syria and the PLO fight terrorism,”");
  assert.equal(text.slice(text.snapToWords(0, 6).quoted.start, text.snapToWords(0, 6).quoted.end), "“Syria");
  assert.equal(text.snapToWords(1, 34).quoted, undefined); // the words alone: no marks
  assert.equal(text.snapToWords(1, 35).quoted, undefined); // a comma is not a mark
});

test("guillemets and low-high marks count as quotation marks too", () => {
  const text = new CodePointText("Il a dit « nous partirons » hier; „Wir gehen“.");
  const french = text.snapToWords(9, 27);
  assert.equal(text.slice(french.quoted.start, french.quoted.end), "« nous partirons »");
  const german = text.snapToWords(34, 45);
  assert.equal(text.slice(german.quoted.start, german.quoted.end), "„Wir gehen“");
});

test("a selection never leaves a bracket open: the closing (or opening) one next to it comes along", () => {
  const s = "fighting between the ELN and the Estado Mayor Central (EMC), the office said (in a report";
  const text = new CodePointText(s);
  const emc = s.indexOf("(EMC)");
  const upTo = (t) => s.slice(t.start, t.end);
  assert.equal(upTo(text.snapToWords(s.indexOf("Estado"), emc + 4)), "Estado Mayor Central (EMC)");
  assert.equal(upTo(text.snapToWords(emc + 1, emc + 4)), "EMC", "the words alone open nothing");
  assert.equal(upTo(text.snapToWords(emc + 1, s.indexOf("office"))), "(EMC), the");
  // A bracket that closes nothing next to the words stays out: no reaching across other text.
  assert.equal(upTo(text.snapToWords(s.indexOf("in a"), s.length)), "in a report");
  assert.equal(upTo(text.snapToWords(s.indexOf("said"), s.length)), "said (in a report");
});
