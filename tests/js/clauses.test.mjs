// clauses.js: the content Q proposes next to a reporting verb, and the word cursor's jumps by
// clause (names.test.mjs: by name), so that the keyboard selects a quote or a name in a key or two.
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  clauseEndWord, nextClauseWord, previousClauseWord, proposeContent, sentenceStart,
} from "../../annotator/static/js/workspace/clauses.js";
import { CodePointText } from "../../annotator/static/js/workspace/text.js";

/** Code-point span of the ``nth`` occurrence of ``words`` in ``text``. */
function at(text, words, nth = 0) {
  let unit = -1;
  for (let i = 0; i <= nth; i += 1) unit = text.indexOf(words, unit + 1);
  const start = Array.from(text.slice(0, unit)).length;
  return { start, end: start + Array.from(words).length };
}

function proposed(text, cue, others = []) {
  const t = new CodePointText(text);
  const span = proposeContent(t, at(text, cue), others.map((words) => at(text, words)));
  return span && t.slice(span.start, span.end);
}

test("quoted words before the verb: inside the marks, without the comma", () => {
  const text = "“Syria and the PLO fight terrorism, notably in Yarmouk,” said Meqdad, the agency reports.";
  assert.equal(proposed(text, "said"), "Syria and the PLO fight terrorism, notably in Yarmouk");
  const emoji = "“We lost everything 😢 but we will rebuild,” said Amira Osman.";
  assert.equal(proposed(emoji, "said"), "We lost everything 😢 but we will rebuild");
});

test("after “that”: up to the sentence end, or a closing mark opened before the content", () => {
  const text = "\"Clashes go on,\" said Khaled Abdel Majid, head of the Front, adding that IS had withdrawn from most of it.";
  assert.equal(proposed(text, "adding"), "IS had withdrawn from most of it");
  // A reporting verb right after the quotation ends it ("adding" is a cue suggestion, as on the page).
  const mixed = "Ahmad Majdalani told AFP that both had “agreed on a unified position, in coordination with Syria,” adding more.";
  assert.equal(proposed(mixed, "told", ["adding"]), "both had “agreed on a unified position, in coordination with Syria");
  const arabic = "قال المتحدث باسم وزارة الصحة أشرف القدرة إن 12 شخصا قتلوا في غارة على مخيم جباليا.";
  assert.equal(proposed(arabic, "قال"), "12 شخصا قتلوا في غارة على مخيم جباليا");
});

test("a quotation opened inside what was said does not end it; after it, a comma does", () => {
  const rtb = "Kaboré said the army had “retaken control of the area” and “neutralised dozens of terrorists” in a counter-offensive backed by drones. He rejected talks.";
  assert.equal(proposed(rtb, "said"), "the army had “retaken control of the area” and “neutralised dozens of terrorists” in a counter-offensive backed by drones");
  const straight = "The defence ministry said troops had \"regained full control\" of Macomia by midday, without giving a toll.";
  assert.equal(proposed(straight, "said"), "troops had \"regained full control\" of Macomia by midday");
  const arabic = "وقالت المتحدثة إن الحكومة «لن تتفاوض مع عصابات مسلحة» تسعى إلى تقويض النظام الدستوري، في حين دعا الاتحاد الأفريقي إلى الحوار.";
  assert.equal(proposed(arabic, "وقالت"), "الحكومة «لن تتفاوض مع عصابات مسلحة» تسعى إلى تقويض النظام الدستوري");
  // Before any quotation has closed, a comma alone does not end it.
  const before = "وأضاف أن مقاتلي فانو انسحبوا من دانغلا قبل يومين، وأن الجيش «يعاقب المدنيين» منذ أشهر.";
  assert.equal(proposed(before, "وأضاف"), "مقاتلي فانو انسحبوا من دانغلا قبل يومين، وأن الجيش «يعاقب المدنيين» منذ أشهر");
});

test("a quotation right after the verb, or opening what follows 'that', is what was said, over its sentences", () => {
  const saying = "He rejected appeals for dialogue, saying: “There will be no negotiation. The only language they understand is that of weapons.” Residents fled.";
  assert.equal(proposed(saying, "saying"), "There will be no negotiation. The only language they understand is that of weapons");
  const straight = "The governor said: \"An amnesty now would be an insult.\" He left.";
  assert.equal(proposed(straight, "said"), "An amnesty now would be an insult");
  const arabic = "وقال المتحدث إن «قواتنا سيطرت على ثلاثة مواقع» في إشارة إلى مديرية الجوبة.";
  assert.equal(proposed(arabic, "وقال"), "قواتنا سيطرت على ثلاثة مواقع");
});

test("Arabic: إن or بأن past a title, a name and an adjunct set off by commas opens what was said", () => {
  const petra = "وقال مصدر عسكري مسؤول في القيادة العامة، في تصريح أوردته وكالة الأنباء الأردنية (بترا)، إن قوات حرس الحدود رصدت محاولة تسلل.";
  assert.equal(proposed(petra, "وقال"), "قوات حرس الحدود رصدت محاولة تسلل");
  const mahbes = "في المقابل، أفاد مصدر عسكري مغربي، في اتصال هاتفي مع الوكالة، بأن المقذوفات سقطت في منطقة خالية.";
  assert.equal(proposed(mahbes, "أفاد"), "المقذوفات سقطت في منطقة خالية");
  // Not past another reporting verb, nor into the next sentence.
  const two = "وقال الوزير في مؤتمر صحافي عقده في العاصمة. وأكد المتحدث أن الوضع مستقر.";
  assert.notEqual(proposed(two, "وقال"), "الوضع مستقر");
  // The narrator's comment after a comma is not what was said.
  const comment = "وأضاف أن عمّان ودمشق اتفقتا على تشكيل لجنة أمنية مشتركة، وهو ما رحبت به وزارة الداخلية السورية.";
  assert.equal(proposed(comment, "وأضاف"), "عمّان ودمشق اتفقتا على تشكيل لجنة أمنية مشتركة");
});

test("a participle right after a quotation goes on to what follows it, not back to the quotation", () => {
  const arabic = "أكد العبيدي أن \"الدولة لن تسمح بوجود أي سلاح\"، مضيفا أن الحكومة ملتزمة بتطبيق الاتفاق.";
  assert.equal(proposed(arabic, "مضيفا"), "الحكومة ملتزمة بتطبيق الاتفاق");
  const english = "“We will not leave,” he said, adding that talks would resume on Monday.";
  assert.equal(proposed(english, "adding"), "talks would resume on Monday");
  // A finite verb after the quotation still takes the quotation.
  assert.equal(proposed(english, "said"), "We will not leave");
  // An Arabic verb joined to و opens a new statement: what it says follows it.
  const unsmil = "دعت البعثة إلى «وقف فوري لإطلاق النار»، وحذرت في بيان من أن «استهداف المناطق السكنية جريمة».";
  assert.equal(proposed(unsmil, "وحذرت"), "استهداف المناطق السكنية جريمة");
  // Without the و, the verb after the quotation attributes it.
  assert.equal(proposed("«لن نتراجع»، قال المتحدث.", "قال"), "لن نتراجع");
});

test("a clause right after the verb stops before another cue (“, according to”)", () => {
  const text = "Ukraine's Defence Minister Rustem Umerov said Russian forces had shelled Kharkiv overnight, according to a statement.";
  assert.equal(proposed(text, "said", ["according to"]), "Russian forces had shelled Kharkiv overnight");
});

test("a verb at the sentence's end: the sentence before it, up to its last comma", () => {
  const text = "Mr. Smith left. IS fighters have retreated from the camp on 1 April, a resident named Samer told AFP.";
  assert.equal(proposed(text, "told"), "IS fighters have retreated from the camp on 1 April");
  assert.equal(sentenceStart(new CodePointText(text), at(text, "IS").start), at(text, "IS").start);
  // "Mr." ends no sentence.
  assert.equal(sentenceStart(new CodePointText(text), at(text, "Smith").start), 0);
});

test("the cursor jumps by clause and the selection grows to the next punctuation mark", () => {
  const text = new CodePointText("He said, in Damascus, that the talks “failed badly” today.");
  const word = (w) => text.words.findIndex((x) => text.slice(x.start, x.end) === w);
  assert.equal(nextClauseWord(text, word("He")), word("in"));
  assert.equal(nextClauseWord(text, word("in")), word("that"));
  assert.equal(previousClauseWord(text, word("talks")), word("that"));
  assert.equal(previousClauseWord(text, word("that")), word("in"));
  assert.equal(clauseEndWord(text, word("that")), word("talks"));
  assert.equal(clauseEndWord(text, word("failed")), word("badly"));
});

test("noun phrases open after 'that' and at a quote's start, and never end on 'and' or a preposition", async () => {
  const { nounPhrases } = await import("../../annotator/static/js/workspace/clauses.js");
  const { CodePointText } = await import("../../annotator/static/js/workspace/text.js");
  const phrasesOf = (s, options) => {
    const text = new CodePointText(s);
    return nounPhrases(text, 0, text.length, options).map((p) => text.slice(p.start, p.end));
  };
  const told = "Moussa Diallo told AFP that dialogue with JNIM was the only way out.";
  assert.deepEqual(phrasesOf(told), ["dialogue with JNIM", "the only way out"]);
  const deal = phrasesOf("The EMC rejected the 2016 peace deal and has since expanded.");
  assert.ok(deal.includes("the 2016 peace deal"), deal);
  assert.ok(deal.every((p) => !/ and$/.test(p)), deal);
  // What a quote says: its first words open a phrase too, one word alone is none.
  assert.deepEqual(phrasesOf("dialogue with JNIM was the only way out", { fromStart: true }),
    ["dialogue with JNIM", "the only way out"]);
  assert.deepEqual(phrasesOf("talks are over", { fromStart: true }), []);
  assert.deepEqual(phrasesOf("Talks with the rebels will resume", { fromStart: true }),
    ["Talks with the rebels", "the rebels"]);
});

test("the object of a holder's verb starts past auxiliaries, negations, the verb and 'to'", async () => {
  const { verbObjectStart } = await import("../../annotator/static/js/workspace/clauses.js");
  const { CodePointText } = await import("../../annotator/static/js/workspace/text.js");
  const objectAfter = (s, holder) => {
    const text = new CodePointText(s);
    const start = Array.from(s.slice(0, s.indexOf(holder))).length;
    const at = verbObjectStart(text, { start, end: start + Array.from(holder).length }, text.length);
    return at === null ? null : text.slice(at, text.length);
  };
  assert.equal(objectAfter("He said the M23 wanted direct talks with the government.", "M23"),
    "direct talks with the government.");
  assert.equal(objectAfter("The government, which has refused to negotiate directly with the M23, says", "government"),
    "negotiate directly with the M23, says");
  assert.equal(objectAfter("The army has repeatedly rejected a truce.", "army"), "a truce.");
  assert.equal(objectAfter("الدولة لن تسمح بوجود أي سلاح", "الدولة"), "بوجود أي سلاح");
  assert.equal(objectAfter("الحكومة ملتزمة بتطبيق الاتفاق", "الحكومة"), "بتطبيق الاتفاق");
  // Past an actor sharing the subject, with its article.
  const s = "Syria and the PLO are determined to fight terrorism, which has reached the camps";
  const text = new CodePointText(s);
  const plo = { start: s.indexOf("PLO"), end: s.indexOf("PLO") + 3 };
  assert.equal(text.slice(verbObjectStart(text, { start: 0, end: 5 }, text.length, [plo]), text.length),
    "fight terrorism, which has reached the camps");
  // Nothing after the verb: no object.
  assert.equal(objectAfter("The rebels retreated", "rebels"), null);
});

test("Arabic, verb first: the object follows the subject at once, past an adjunct naming an entity", async () => {
  const { verbObjectStart, nounPhrases } = await import("../../annotator/static/js/workspace/clauses.js");
  const { CodePointText } = await import("../../annotator/static/js/workspace/text.js");
  const span = (s, w) => ({ start: s.indexOf(w), end: s.indexOf(w) + w.length });
  const object = (s, holder, named = []) => {
    const text = new CodePointText(s);
    const at = verbObjectStart(text, span(s, holder), text.length, named.map((w) => span(s, w)));
    return at === null ? null : text.slice(at, text.length);
  };
  assert.equal(object("في حين رحب المجلس الرئاسي بالدعوة", "المجلس الرئاسي"), "بالدعوة");
  const sudan = "رفضت الحكومة السودانية في بورتسودان مقترحا أمريكيا لهدنة إنسانية";
  assert.equal(object(sudan, "الحكومة السودانية", ["بورتسودان"]), "مقترحا أمريكيا لهدنة إنسانية");
  // An adjunct naming no entity is not read past.
  assert.equal(object("رفضت الحكومة في بيان مقترحا أمريكيا", "الحكومة"), "في بيان مقترحا أمريكيا");
  // After "that" or a quotation mark the subject comes first: past its verb, as in English.
  assert.equal(object("وأضاف أن الحكومة ملتزمة بتطبيق الاتفاق", "الحكومة"), "بتطبيق الاتفاق");
  assert.equal(object("أكد أن «الدولة لن تسمح بوجود أي سلاح»", "الدولة"), "بوجود أي سلاح»");
  // The object alone is a phrase even as one word (no other single word is).
  const text = new CodePointText("في حين رحب المجلس الرئاسي بالدعوة، بينما");
  const at = text.slice(0, text.length).indexOf("بالدعوة");
  const words = (opensAt) => nounPhrases(text, 0, text.length, { opensAt }).map((p) => text.slice(p.start, p.end));
  assert.deepEqual(words([at]), ["بالدعوة"]);
  assert.deepEqual(words([]), []);
});

test("Arabic noun phrases open after أن and where asked, and stop before an adjunct", async () => {
  const { nounPhrases } = await import("../../annotator/static/js/workspace/clauses.js");
  const { CodePointText } = await import("../../annotator/static/js/workspace/text.js");
  const s = "أكد المتحدث أن الحكومة ملتزمة بتطبيق اتفاق سنجار الموقع مع حكومة الإقليم عام 2020";
  const text = new CodePointText(s);
  const at = (words) => Array.from(s.slice(0, s.indexOf(words))).length;
  const phrases = nounPhrases(text, 0, text.length, { opensAt: [at("بتطبيق")] }).map((p) => text.slice(p.start, p.end));
  assert.deepEqual(phrases, ["الحكومة ملتزمة بتطبيق اتفاق سنجار الموقع", "بتطبيق اتفاق سنجار الموقع"]);
  // "في" opens an adjunct; a phrase never ends on "من".
  const other = new CodePointText("لن تسمح بوجود أي سلاح خارج إطار المؤسسة في سنجار");
  const from = Array.from("لن تسمح ").length;
  assert.deepEqual(nounPhrases(other, 0, other.length, { opensAt: [from] }).map((p) => other.slice(p.start, p.end)),
    ["بوجود أي سلاح خارج إطار المؤسسة"]);
  const tail = new CodePointText("طالبوا بانسحاب القوات من");
  assert.deepEqual(nounPhrases(tail, 0, tail.length, { opensAt: [Array.from("طالبوا ").length] })
    .map((p) => tail.slice(p.start, p.end)), ["بانسحاب القوات"]);
});
