// names.js: where W and B stop (the next / previous unlabelled name in reading order), so
// that an entity takes a key to select and a key to label, in English and in scripts
// without capitals (Arabic, Hebrew, Chinese), with the word lists the page loads.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { bare, caseless, nameRun, nameRuns, prepareNameWords } from "../../annotator/static/js/workspace/names.js";
import { CodePointText } from "../../annotator/static/js/workspace/text.js";

const WORDS = readFileSync(new URL("../../annotator/static/js/workspace/name_words.json", import.meta.url), "utf8");
const LISTS = prepareNameWords(JSON.parse(WORDS));

/** The names W stops on in ``sentence``, as text. */
function names(sentence, lists = LISTS) {
  const text = new CodePointText(sentence);
  return nameRuns(text, lists).map(([a, b]) => text.slice(text.words[a].start, text.words[b].end));
}

/** The words W (step 1) or B (-1) selects from word ``index``, as text, or null. */
function step(sentence, index, direction, labelled = []) {
  const text = new CodePointText(sentence);
  const spans = labelled.map((words) => {
    const unit = sentence.indexOf(words);
    const start = Array.from(sentence.slice(0, unit)).length;
    return { start, end: start + Array.from(words).length };
  });
  const run = nameRun(text, index, direction, spans, LISTS);
  return run && text.slice(text.words[run[0]].start, text.words[run[1]].end);
}

test("names are runs of capitalised words; a sentence's first word alone is none", () => {
  const sentence = "There were clashes, said Khaled Abdel Majid of the Popular Front and Abdel Fattah al-Burhan.";
  assert.deepEqual(names(sentence), ["Khaled Abdel Majid", "Popular Front", "Abdel Fattah al-Burhan"]);
  assert.equal(step(sentence, -1, 1), "Khaled Abdel Majid");
  assert.equal(step(sentence, 5, 1), "Popular Front");
});

test("W and B go round: B before the first name is the last one, W after the last the first", () => {
  const sentence = "Syria and the PLO fight, notably in Yarmouk, said Meqdad.";
  assert.equal(step(sentence, 0, -1), "Meqdad");
  assert.equal(step(sentence, 0, -1, ["Meqdad"]), "Yarmouk");
  assert.equal(step(sentence, 9, 1, ["PLO"]), "Yarmouk");
  assert.equal(step(sentence, 9, 1, ["PLO", "Yarmouk", "Meqdad"]), null);
});

test("a title is no part of the name; the name before it is one", () => {
  assert.deepEqual(names("Lieutenant General Abdel Fattah al-Burhan told reporters."), ["Abdel Fattah al-Burhan"]);
  assert.deepEqual(names("Syria’s Deputy Foreign Minister Faisal Meqdad met them."), ["Syria’s", "Faisal Meqdad"]);
  assert.deepEqual(names("Ukraine's Defence Minister Rustem Umerov said so."), ["Ukraine's", "Rustem Umerov"]);
  // No title head, no title: "Foreign Ministry" stays a name.
  assert.deepEqual(names("He called the Foreign Ministry."), ["Foreign Ministry"]);
});

test("a capitalised word takes the lowercase head noun after it: one W for “Palestinian factions”", () => {
  const sentence = "\"There are clashes between Palestinian factions and IS,\" said Khaled Abdel Majid.";
  assert.deepEqual(names(sentence), ["Palestinian factions", "IS", "Khaled Abdel Majid"]);
  assert.deepEqual(names("Russian forces had shelled Kharkiv."), ["Russian forces", "Kharkiv"]);
  // A noun not on the list stays out.
  assert.deepEqual(names("It reached Palestinian camps in Syria."), ["Palestinian", "Syria"]);
});

test("Arabic: after a reporting verb and a title, an organisation and a person; a camp after على", () => {
  const sentence = "قال المتحدث باسم وزارة الصحة أشرف القدرة إن 12 شخصا قتلوا في غارة على مخيم جباليا.";
  assert.deepEqual(names(sentence), ["وزارة الصحة", "أشرف القدرة", "مخيم جباليا"]);
  // W three times from no cursor, each time with the name before labelled: one key per name.
  assert.equal(step(sentence, -1, 1), "وزارة الصحة");
  assert.equal(step(sentence, 4, 1, ["وزارة الصحة"]), "أشرف القدرة");
  assert.equal(step(sentence, 6, 1, ["وزارة الصحة", "أشرف القدرة"]), "مخيم جباليا");
  // B from no cursor: the last name (reading order runs leftward on screen: logical order).
  assert.equal(step(sentence, new CodePointText(sentence).words.length, -1), "مخيم جباليا");
  // A clause of verbs and common nouns is no name.
  assert.deepEqual(names("وأضاف أن سيارات الإسعاف لم تتمكن من الوصول إلى المنطقة."), []);
  // Without the lists only capitalised names are found: none here.
  assert.deepEqual(names(sentence, prepareNameWords()), []);
});

test("Arabic: diacritics, tatweel and a clitic و do not hide a listed word", () => {
  assert.equal(bare("الصّحـــة"), "الصحة");
  assert.deepEqual(names("قالَ المتحدثُ باسمِ وزارةِ الصّحـــة أشرف القدرة إن الوضع صعب"), ["وزارةِ الصّحـــة", "أشرف القدرة"]);
  assert.deepEqual(names("وأكد الرئيس محمود عباس أن المفاوضات مستمرة"), ["محمود عباس"]);
  // A head noun takes the words with the article after its first: "the Palestinian ministry of health".
  assert.deepEqual(names("وقالت وزارة الصحة الفلسطينية إن"), ["وزارة الصحة الفلسطينية"]);
});

test("Hebrew and Chinese: a name after a title", () => {
  assert.deepEqual(names("אמר דובר צה\"ל דניאל הגרי כי הצבא פעל"), ["דניאל הגרי"]);
  assert.deepEqual(names("外交部发言人汪文斌说，中方反对。"), ["汪文斌"]);
});

test("mixed scripts: an Arabic name in an English sentence, English names beside Arabic", () => {
  assert.deepEqual(names("The spokesman أشرف القدرة said Israel struck the camp."), ["أشرف القدرة", "Israel"]);
  assert.deepEqual(names("قال مراسل AFP أحمد حسن إن"), ["AFP", "أحمد حسن"]);
});

test("emoji, digits and words with case are not caseless; a letter without case is", () => {
  assert.equal(caseless("جباليا"), true);
  assert.equal(caseless("汪"), true);
  assert.equal(caseless("Gaza"), false);
  assert.equal(caseless("12"), false);
  assert.equal(caseless("😢"), false);
  assert.deepEqual(names("“We lost everything 😢 but we will rebuild,” said Amira Osman of the Khartoum Emergency Response Room."),
    ["Amira Osman", "Khartoum Emergency Response Room"]);
});

test("a sentence's 'The' or 'A' is no part of the name after it", () => {
  assert.deepEqual(names("The Arakan Army (AA) said it had taken the base. A Red Cross team left."),
    ["Arakan Army", "AA", "Red Cross"]);
  assert.deepEqual(names("The Deputy Foreign Minister Faisal Meqdad spoke."), ["Faisal Meqdad"]);
  // Mid-sentence, "The" is capitalised only inside a name: it stays ("rebels of The Base").
  assert.deepEqual(names("Rebels joined forces with The Base in 2019."), ["The Base"]);
});

test("the suggestion rules' words are merged in: an admin's title, collective noun and Arabic cue", () => {
  const sentence = "Ombudsman Carlos Camargo said Malian maquisards had left.";
  assert.deepEqual(names(sentence), ["Ombudsman Carlos Camargo", "Malian"]);
  const lexicon = { titles: ["Ombudsman", "Lt."], collective_nouns: ["maquisards", "armed men"], cues: ["زعم"] };
  const merged = prepareNameWords(JSON.parse(WORDS), lexicon);
  assert.deepEqual(names(sentence, merged), ["Carlos Camargo", "Malian maquisards"]);
  assert.ok(merged.titles.has("lt") && merged.titleHeads.has("ombudsman"));
  assert.ok(!merged.headNouns.has("armed men"), "a head noun is one word");
  // An Arabic cue the lists lacked ("claimed") now anchors the name after it.
  const arabic = "زعم سامي خليل أن القصف توقف";
  assert.deepEqual(names(arabic), []);
  assert.deepEqual(names(arabic, merged), ["سامي خليل"]);
});
