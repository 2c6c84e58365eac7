// proposals.js: the speaker, cue and targets the page proposes so that Enter confirms them.
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  proposeSpeakerAndCue, quoteSubject, sharingSubject, speakerTiers, stanceFromQuote, stanceTargets,
} from "../../annotator/static/js/workspace/proposals.js";
import { CodePointText } from "../../annotator/static/js/workspace/text.js";

const TEXT = "“Syria and the PLO fight terrorism,” said Meqdad, the minister, in Damascus.";
const at = (words, from = 0) => ({ start: TEXT.indexOf(words, from), end: TEXT.indexOf(words, from) + words.length });
const entity = (id, words, label) => ({ id, ...at(words), label });
const CONTENT = at("Syria and the PLO fight terrorism");
const ENTITIES = [
  entity("e1", "Syria", "STATE_ACTOR"),
  entity("e2", "PLO", "ORGANIZATION"),
  entity("e3", "terrorism", "ARMED_GROUP"),
  entity("e4", "Meqdad", "PERSON"),
  entity("e5", "Damascus", "LOCATION"),
];
const SAID = { id: "c1", kind: "cue", ...at("said") };

test("the speaker next to the suggested cue, and that cue, are proposed", () => {
  assert.deepEqual(proposeSpeakerAndCue(ENTITIES, [SAID], CONTENT), { speaker: "e4", cue: SAID });
});

test("a cue inside the content is never its own cue; an entity inside it never speaks", () => {
  const inside = { id: "c2", kind: "cue", ...at("fight") };
  assert.deepEqual(proposeSpeakerAndCue(ENTITIES.slice(0, 3), [inside], CONTENT), { speaker: null, cue: null });
});

test("without a cue, the nearest person or organisation outside the content speaks", () => {
  const entities = [...ENTITIES.slice(0, 3), entity("e5", "Damascus", "LOCATION"), entity("e4", "Meqdad", "PERSON")];
  assert.deepEqual(proposeSpeakerAndCue(entities, [], CONTENT), { speaker: "e4", cue: null });
  assert.deepEqual(proposeSpeakerAndCue([entity("e5", "Damascus", "LOCATION")], [], CONTENT), { speaker: "e5", cue: null });
});

test("S or Shift+S again on a quote: an actor sharing the subject holds the stance, the other's target first", () => {
  const raw = "“Syria and the PLO are determined to fight terrorism in Yarmouk,” said Meqdad.";
  const at = (words) => ({ start: raw.indexOf(words), end: raw.indexOf(words) + words.length });
  const quote = { id: "q1", speaker: "e5", content: at("Syria and the PLO are determined to fight terrorism in Yarmouk") };
  const entities = [
    { id: "e1", ...at("Syria"), label: "STATE_ACTOR" },
    { id: "e2", ...at("PLO"), label: "ORGANIZATION" },
    { id: "e3", ...at("terrorism"), label: "ARMED_GROUP" },
    { id: "e4", ...at("Yarmouk"), label: "LOCATION" },
    { id: "e5", ...at("Meqdad"), label: "PERSON" },
  ];
  const text = new CodePointText(raw);
  const tiers = speakerTiers();
  const stance = (holder, target) => ({ id: `s-${holder}`, holder, target, polarity: "OPPOSE", quote: "q1" });
  const plan = (stances, bySubject = true) => stanceFromQuote(text, entities, stances, quote, { bySubject, tiers });
  // Syria first; once Syria holds a stance from the quote, the PLO ("Syria and the PLO"), with Syria's target first.
  assert.equal(plan([]).holder, "e1");
  assert.deepEqual(plan([stance("e1", "e3")]), { holder: "e2", shared: ["e3"], done: [] });
  // Once both do, Syria again; terrorism, which it already targets, is no longer shared.
  assert.deepEqual(plan([stance("e1", "e3"), stance("e2", "e3")]), { holder: "e1", shared: [], done: ["e3"] });
  // "terrorism" is named after "fight", not joined to the PLO: never a holder sharing the subject.
  assert.deepEqual(sharingSubject(text, entities, "e1", tiers), ["e1", "e2"]);
  // S: the speaker, who shares his subject with nobody.
  assert.equal(plan([stance("e5", "e3")], false).holder, "e5");
  // A place is never the subject: a content naming only a place has none.
  assert.equal(quoteSubject([entities[3]], quote.content, tiers), null);
  const words = (options) => stanceTargets(text, entities, { holder: "e2", content: quote.content, ...options }).map((c) => raw.slice(c.start, c.end));
  // Alone, the PLO's words propose their verb's object first …
  assert.equal(words({})[0], "fight terrorism in Yarmouk");
  // … shared, Syria's "terrorism" comes first, once; done, it goes last.
  const shared = words({ shared: ["e3"] });
  assert.equal(shared[0], "terrorism");
  assert.equal(shared.filter((w) => w === "terrorism").length, 1);
  assert.equal(words({ done: [at("fight terrorism in Yarmouk")] }).at(-1), "fight terrorism in Yarmouk");
  // A span target is shared as well; the holder itself never is.
  assert.equal(words({ shared: [at("fight terrorism")] })[0], "fight terrorism");
  assert.ok(!words({ shared: ["e2"] }).includes("PLO"));
});

test("actors sharing a subject: joined by and, a comma or a joined و; not across other words", () => {
  const tiers = speakerTiers();
  const chain = (raw, names, first = "e1") => {
    const entities = names.map((w, k) => ({ id: `e${k + 1}`, start: raw.indexOf(w), end: raw.indexOf(w) + w.length, label: "ORGANIZATION" }));
    return sharingSubject(new CodePointText(raw), entities, first, tiers);
  };
  assert.deepEqual(chain("دعا الاتحاد الأفريقي والاتحاد الأوروبي الحكومة إلى الحوار", ["الاتحاد الأفريقي", "والاتحاد الأوروبي", "الحكومة"]), ["e1", "e2"]);
  assert.deepEqual(chain("دعا الاتحاد الأفريقي و الاتحاد الأوروبي إلى الحوار", ["الاتحاد الأفريقي", "الاتحاد الأوروبي"]), ["e1", "e2"]);
  assert.deepEqual(chain("The AU, the EU and IGAD urged talks", ["AU", "EU", "IGAD"]), ["e1", "e2", "e3"]);
  assert.deepEqual(chain("The AU urged the EU to act", ["AU", "EU"]), ["e1"]);
  // Commas alone set off an apposition, not a list.
  assert.deepEqual(chain("Spokesman for Operation Hadin Kai, Lieutenant Colonel Musa Danladi, disputed the toll",
    ["Operation Hadin Kai", "Lieutenant Colonel Musa Danladi"]), ["e1"]);
  assert.deepEqual(chain("The AU, the EU, IGAD and the UN urged talks", ["AU", "EU", "IGAD", "UN"]), ["e1", "e2", "e3", "e4"]);
  assert.deepEqual(chain("The AU urged the EU to act", ["AU", "EU"], "e9"), []);
});

test("with a cue, the person nearest it speaks before a nearer organisation, state or group", () => {
  const text = "“Clashes go on,” said Khaled Majid, head of the Popular Front, adding that IS withdrew.";
  const span = (words) => ({ start: text.indexOf(words), end: text.indexOf(words) + words.length });
  const entities = [
    { id: "e1", ...span("Khaled Majid"), label: "PERSON" },
    { id: "e2", ...span("Popular Front"), label: "ORGANIZATION" },
    { id: "e3", ...span("IS"), label: "ARMED_GROUP" },
  ];
  const adding = { id: "c2", kind: "cue", ...span("adding") };
  assert.equal(proposeSpeakerAndCue(entities, [adding], span("IS withdrew")).speaker, "e1");
  // No person: the nearest that can speak, never a place.
  const noPerson = [{ ...entities[1] }, { id: "e4", ...span("head"), label: "LOCATION" }];
  assert.equal(proposeSpeakerAndCue(noPerson, [adding], span("IS withdrew")).speaker, "e2");
  // The cue the quote was made from (Q on a focused cue) is the one proposed.
  const said = { id: "c1", kind: "cue", ...span("said") };
  assert.equal(proposeSpeakerAndCue(entities, [said, adding], span("Clashes go on"), { cue: adding }).cue, adding);
});

test("who can speak is read from the configured entity types", () => {
  const tiers = speakerTiers([{ name: "PERSON" }, { name: "PARTY" }, { name: "LOCATION" }, { name: "REGION" }]);
  assert.deepEqual(tiers.map((t) => [...t]), [["PERSON"], ["PARTY"]]);
});

test("a stance's Tab targets: the quote's entities, then its noun phrases, then the rest", async () => {
  const { CodePointText } = await import("../../annotator/static/js/workspace/text.js");
  const { stanceTargets } = await import("../../annotator/static/js/workspace/proposals.js");
  const raw = "Majdalani told AFP that both had agreed on the need for a unified position for the forces in Syria, with the Syrian government.";
  const text = new CodePointText(raw);
  const span = (words) => ({ start: raw.indexOf(words), end: raw.indexOf(words) + words.length });
  const entities = [
    { id: "e1", ...span("Majdalani"), label: "PERSON" },
    { id: "e2", ...span("Syrian government"), label: "STATE_ACTOR" },
    { id: "e3", ...span("AFP"), label: "MEDIA" },
  ];
  const content = span("both had agreed on the need for a unified position for the forces in Syria, with the Syrian government");
  const words = (c) => text.slice(c.start, c.end);
  const targets = stanceTargets(text, entities, { holder: "e1", content });
  assert.deepEqual(targets.map(words), [
    "Syrian government",
    "the need for a unified position for the forces in Syria",
    "a unified position for the forces in Syria",
    "the forces in Syria",
    "AFP",
  ]);
  // "the Syrian government" is no phrase of its own: the entity is offered.
  assert.equal(targets[2].kind, "phrase");
});

test("from a holder entity: what follows it in its sentence first, a verb ends a phrase", async () => {
  const { CodePointText } = await import("../../annotator/static/js/workspace/text.js");
  const { stanceTargets } = await import("../../annotator/static/js/workspace/proposals.js");
  const raw = "He said the Syrian regime agreed to the withdrawal of armed groups without their weapons, and the regime was firm. ISIS left.";
  const text = new CodePointText(raw);
  const span = (words) => ({ start: raw.indexOf(words), end: raw.indexOf(words) + words.length });
  const entities = [{ id: "e1", ...span("ISIS"), label: "ARMED_GROUP" }, { id: "e2", ...span("Syrian regime"), label: "STATE_ACTOR" }];
  const targets = stanceTargets(text, entities, { holder: "e2" }).map((c) => text.slice(c.start, c.end));
  assert.deepEqual(targets, [
    "the withdrawal of armed groups without their weapons", "their weapons", "the regime", "ISIS",
  ]);
});

test("the cue proposed is the one that introduces the content, not the nearest", () => {
  // Offsets are code points: Array.from gives them for this text with Arabic in it.
  const text =
    "Majdalani told AFP that both parties had “agreed on a unified position,” adding that talks go on. " +
    "“Never with them,” al-Burhan told reporters, according to SUNA. وقال المتحدث إن القصف توقف";
  const paragraph = new CodePointText(text);
  const find = (words, from = 0) => {
    const unit = text.indexOf(words, from);
    const start = Array.from(text.slice(0, unit)).length;
    return { start, end: start + Array.from(words).length };
  };
  const cue = (words, from) => ({ id: words, kind: "cue", ...find(words, from) });
  const [told, adding, toldReporters, according, qala] = [
    cue("told AFP"), cue("adding"), cue("told reporters"), cue("according to"), cue("وقال"),
  ];
  const all = [told, adding, toldReporters, according, qala];
  const propose = (content, options = { text: paragraph }) => proposeSpeakerAndCue([], all, find(content), options).cue;
  // "adding" is nearer, but it introduces the next words ("adding that …"): "told AFP that".
  assert.equal(propose("both parties had “agreed on a unified position,”"), told);
  // Without the text to read, the nearest, as before.
  assert.equal(propose("both parties had “agreed on a unified position,”", {}), adding);
  // After the content: the nearest that attributes it, not one that introduces more.
  assert.equal(propose("Never with them"), toldReporters);
  assert.equal(propose("talks go on"), adding);
  // Arabic: قال … إن introduces what follows.
  assert.equal(propose("القصف توقف"), qala);
  // A call: دعت … إلى «…» introduces its words; the nearer وحذرت after them does not say them.
  const call = "دعت بعثة الأمم المتحدة في ليبيا إلى «وقف فوري لإطلاق النار»، وحذرت في بيان من التصعيد.";
  const inCall = (w) => ({ start: call.indexOf(w), end: call.indexOf(w) + w.length });
  const calls = [{ id: "c1", kind: "cue", ...inCall("دعت") }, { id: "c2", kind: "cue", ...inCall("وحذرت") }];
  const options = { text: new CodePointText(call) };
  assert.equal(proposeSpeakerAndCue([], calls, inCall("وقف فوري لإطلاق النار"), options).cue.id, "c1");
});

/** The entity (``{id, words}``; ids e1, e2 … in the order of ``entityWords``) proposed as the
 * speaker of ``contentWords`` said with ``cueWord`` in ``text``, or undefined. */
function proposedSpeaker(text, cueWord, contentWords, entityWords) {
  const span = (w) => {
    const start = Array.from(text.slice(0, text.indexOf(w))).length;
    return { start, end: start + Array.from(w).length };
  };
  const entities = entityWords.map(([w, label], k) => ({ id: `e${k + 1}`, label, words: w, ...span(w) }));
  const cue = { id: "c1", kind: "cue", ...span(cueWord) };
  const { speaker } = proposeSpeakerAndCue(entities, [cue], span(contentWords), { text: new CodePointText(text) });
  return entities.find((e) => e.id === speaker);
}

test("the words set off right before the cue are passed over for the name before them", () => {
  const propose = proposedSpeaker;
  const aa = "The Arakan Army (AA) said on Monday it had captured a naval base 🚢 near Kyaukphyu.";
  const chosen = propose(aa, "said", "it had captured a naval base 🚢 near Kyaukphyu",
    [["Arakan Army", "ARMED_GROUP"], ["AA", "ARMED_GROUP"], ["Kyaukphyu", "LOCATION"]]);
  assert.equal(chosen.id, "e1", "Arakan Army, not the bracketed AA");
  const drc = "The Congolese government, which has refused to negotiate directly with the M23, says the rebels are a proxy of Rwanda.";
  const gov = propose(drc, "says", "the rebels are a proxy of Rwanda",
    [["Congolese government", "STATE_ACTOR"], ["M23", "ARMED_GROUP"], ["Rwanda", "STATE_ACTOR"]]);
  assert.equal(gov.id, "e1", "the government, not the M23 inside the which-clause");
  // With no name before the aside, what is inside it still speaks.
  const alone = "(AA) said it had captured the base.";
  assert.equal(propose(alone, "said", "it had captured the base", [["AA", "ARMED_GROUP"]]).id, "e1");
});

test("the speaker is looked for in the cue's sentence first: a person in the next one is not it", async () => {
  const s = "The Arakan Army (AA) said on Monday it had captured a naval base. The loss is a setback for Senior General Min Aung Hlaing.";
  const text = new CodePointText(s);
  const span = (w) => ({ start: s.indexOf(w), end: s.indexOf(w) + w.length });
  const entities = [
    { id: "e1", label: "ARMED_GROUP", ...span("Arakan Army") },
    { id: "e2", label: "ARMED_GROUP", ...span("AA") },
    { id: "e3", label: "PERSON", ...span("Min Aung Hlaing") },
  ];
  const cue = { id: "c1", kind: "cue", ...span("said") };
  const options = { text };
  const content = span("it had captured a naval base");
  assert.equal(proposeSpeakerAndCue(entities, [cue], content, options).speaker, "e1");
  // Nobody in the sentence: the nearest person anywhere, as before.
  const alone = entities.filter((e) => e.id === "e3");
  assert.equal(proposeSpeakerAndCue(alone, [cue], content, options).speaker, "e3");
});

test("the addressee inside the cue never speaks: 'He later told MRTV that …' looks back to the person", async () => {
  const s = "Spokesman Zaw Min Tun said: \"Kyaukphyu has not fallen.\" He later told MRTV that the army held the port.";
  const text = new CodePointText(s);
  const span = (w) => ({ start: s.indexOf(w), end: s.indexOf(w) + w.length });
  const entities = [
    { id: "e1", label: "PERSON", ...span("Zaw Min Tun") },
    { id: "e2", label: "MEDIA", ...span("MRTV") },
  ];
  const cue = { id: "c1", kind: "cue", ...span("told MRTV") };
  const options = { text };
  assert.equal(proposeSpeakerAndCue(entities, [cue], span("the army held the port"), options).speaker, "e1");
});

test("a stance held by a quote's subject: what follows the holder first, its verb's object first of all", async () => {
  const { CodePointText } = await import("../../annotator/static/js/workspace/text.js");
  const { stanceTargets } = await import("../../annotator/static/js/workspace/proposals.js");
  const raw = "He added that the M23 wanted direct talks with the government and would leave Uvira, said Nangaa.";
  const text = new CodePointText(raw);
  const span = (words) => ({ start: raw.indexOf(words), end: raw.indexOf(words) + words.length });
  const entities = [
    { id: "e1", ...span("M23"), label: "ARMED_GROUP" },
    { id: "e2", ...span("government"), label: "STATE_ACTOR" },
    { id: "e3", ...span("Uvira"), label: "LOCATION" },
    { id: "e4", ...span("Nangaa"), label: "PERSON" },
  ];
  const content = span("the M23 wanted direct talks with the government and would leave Uvira");
  const targets = stanceTargets(text, entities, { holder: "e1", content }).map((c) => text.slice(c.start, c.end));
  assert.deepEqual(targets, ["direct talks with the government", "government", "Uvira", "Nangaa"]);
  // Held by the speaker (outside the quote): the quote's entities come first, as before.
  const bySpeaker = stanceTargets(text, entities, { holder: "e4", content }).map((c) => text.slice(c.start, c.end));
  assert.deepEqual(bySpeaker.slice(0, 3), ["M23", "government", "Uvira"]);
});

test("a participle cue carries on its sentence's subject; a nickname set off by commas is passed over", () => {
  const propose = (...args) => proposedSpeaker(...args)?.words;
  const claim = "The Islamic State group claimed the raid through its Amaq news agency late on Friday, saying its fighters had killed dozens.";
  assert.equal(propose(claim, "saying", "its fighters had killed dozens",
    [["Islamic State", "ARMED_GROUP"], ["Amaq news agency", "MEDIA"]]), "Islamic State");
  // Not a participle: the nearest, as before.
  const said = "The Islamic State group claimed the raid and its Amaq news agency said its fighters had killed dozens.";
  assert.equal(propose(said, "said", "its fighters had killed dozens",
    [["Islamic State", "ARMED_GROUP"], ["Amaq news agency", "MEDIA"]]), "Amaq news agency");
  const ar = "أكد المتحدث باسم وزارة الدفاع اللواء حازم العبيدي أن الوضع مستقر، مضيفا أن الحكومة ملتزمة بالاتفاق";
  assert.equal(propose(ar, "مضيفا", "الحكومة ملتزمة بالاتفاق",
    [["وزارة الدفاع", "STATE_ACTOR"], ["حازم العبيدي", "PERSON"], ["الحكومة", "STATE_ACTOR"]]), "حازم العبيدي");
  // An Arabic verb with no subject after it (a colon, a quotation mark, أن) carries on too;
  // with its subject after it, that subject speaks.
  const rsf = "نفت قوات الدعم السريع في بيان نشرته على منصة “إكس” استهداف المدنيين، وقالت: “قواتنا ترد على مصادر النيران”.";
  const actors = [["قوات الدعم السريع", "ARMED_GROUP"], ["إكس", "MEDIA"]];
  assert.equal(propose(rsf, "وقالت", "قواتنا ترد على مصادر النيران", actors), "قوات الدعم السريع");
  const named = "نفت قوات الدعم السريع استهداف المدنيين، وقالت منصة إكس: “قواتنا ترد على مصادر النيران”.";
  assert.equal(propose(named, "وقالت", "قواتنا ترد على مصادر النيران", actors), "إكس");
  // A preposition right after the verb: no subject there either ("she warned in a statement that").
  const unsmil = "دعت بعثة الأمم المتحدة للدعم في ليبيا الحكومة إلى الهدوء، وحذرت في بيان من أن «استهداف المناطق السكنية جريمة». وقال الجيش";
  assert.equal(propose(unsmil, "وحذرت", "استهداف المناطق السكنية جريمة",
    [["بعثة الأمم المتحدة للدعم في ليبيا", "ORGANIZATION"], ["ليبيا", "LOCATION"], ["الحكومة", "STATE_ACTOR"], ["الجيش", "STATE_ACTOR"]]), "بعثة الأمم المتحدة للدعم في ليبيا");
  // Who stands in the cue's own clause speaks, before a person named in the clause before it.
  const au = "وقالت المتحدثة هيروت ألمايهو إن الحكومة «لن تتفاوض»، في حين دعا الاتحاد الأفريقي والاتحاد الأوروبي الحكومة الإثيوبية إلى «وقف فوري للأعمال العدائية».";
  assert.equal(propose(au, "دعا", "وقف فوري للأعمال العدائية", [["هيروت ألمايهو", "PERSON"], ["الحكومة", "STATE_ACTOR"],
    ["الاتحاد الأفريقي", "ORGANIZATION"], ["والاتحاد الأوروبي", "ORGANIZATION"], ["الحكومة الإثيوبية", "STATE_ACTOR"]]), "الاتحاد الأفريقي");
  // An English verb right after "and" shares the subject before it.
  const urged = "The Catholic bishops’ conference said on Monday that peace could only come through dialogue with the junta, and urged the authorities to open talks.";
  assert.equal(propose(urged, "urged", "the authorities to open talks",
    [["Catholic bishops’ conference", "ORGANIZATION"], ["junta", "STATE_ACTOR"], ["authorities", "STATE_ACTOR"]]), "Catholic bishops’ conference");
  // A place in the cue's clause is no speaker: the general before his title and the city.
  const general = "Major General Antonio Villareal, commander of the 6th Infantry Division, told reporters in Cotabato City that the militants had fled.";
  assert.equal(propose(general, "told reporters", "the militants had fled", [["Major General Antonio Villareal", "PERSON"],
    ["6th Infantry Division", "STATE_ACTOR"], ["Cotabato City", "LOCATION"], ["militants", "ARMED_GROUP"]]), "Major General Antonio Villareal");
  // "but said" shares the subject, as "and urged" does.
  const but = "The Bangsamoro Transition Authority said it stands with the security forces, but said civilians must be spared.";
  assert.equal(propose(but, "said", "civilians must be spared", [["Bangsamoro Transition Authority", "STATE_ACTOR"], ["security forces", "STATE_ACTOR"]]),
    "Bangsamoro Transition Authority");
  // A long title and an adjunct between the verb and أن: the verb still introduces what follows.
  const rabat = "من جهته، أكد الناطق الرسمي باسم الحكومة المغربية مصطفى بنعلي، في ندوة صحافية عقب اجتماع مجلس الحكومة في الرباط، أن الرباط «ماضية في الدفاع عن مبادرة الحكم الذاتي»، داعياً الجزائر إلى الحوار.";
  const rabatCues = [{ id: "c1", kind: "cue", start: rabat.indexOf("أكد"), end: rabat.indexOf("أكد") + 3 },
    { id: "c2", kind: "cue", start: rabat.indexOf("داعياً"), end: rabat.indexOf("داعياً") + 6 }];
  const rabatSaid = { start: rabat.indexOf("الرباط «"), end: rabat.indexOf("»،") };
  assert.equal(proposeSpeakerAndCue([], rabatCues, rabatSaid, { text: new CodePointText(rabat) }).cue.id, "c1");
  // An apposition before the cue is passed over, and an abbreviation in brackets stands for its name.
  const ispr = "Inter-Services Public Relations (ISPR), the media wing of the armed forces, said in a statement that troops responded.";
  assert.equal(propose(ispr, "said", "troops responded", [["Inter-Services Public Relations", "STATE_ACTOR"], ["ISPR", "STATE_ACTOR"],
    ["armed forces", "STATE_ACTOR"], ["troops", "STATE_ACTOR"]]), "Inter-Services Public Relations");
  // Of actors sharing a subject, the first speaks for them.
  const bishops = "The Catholic bishops’ conference and the Federation of Islamic Associations (FAIB) said in a statement that peace could only come through dialogue.";
  assert.equal(propose(bishops, "said", "peace could only come through dialogue",
    [["Catholic bishops’ conference", "ORGANIZATION"], ["Federation of Islamic Associations", "ORGANIZATION"], ["FAIB", "ORGANIZATION"]]),
  "Catholic bishops’ conference");
  // Of the people between the cue and what it introduces, the last: the name after its titles.
  const office = "وقالت المتحدثة باسم مكتب رئيس الوزراء هيروت ألمايهو إن الحكومة لن تتفاوض مع العصابات.";
  assert.equal(propose(office, "وقالت", "الحكومة لن تتفاوض مع العصابات",
    [["مكتب رئيس الوزراء", "STATE_ACTOR"], ["رئيس الوزراء", "PERSON"], ["هيروت ألمايهو", "PERSON"]]), "هيروت ألمايهو");
  const nick = "Viv Ansanm leader Ronald Saintil, known as “Ti Lapli”, said the coalition was ready to talk.";
  assert.equal(propose(nick, "said", "the coalition was ready to talk",
    [["Viv Ansanm", "ARMED_GROUP"], ["Ronald Saintil", "PERSON"], ["Ti Lapli", "PERSON"]]), "Ronald Saintil");
});

test("a cue with no subject of its own right after another quote's cue, or opening its sentence, carries on that quote's speaker", () => {
  const raw = "Villareal spoke in Cotabato. The offensive would continue “until the last terrorist surrenders”, he said, adding that the army was coordinating with the MILF.";
  const text = new CodePointText(raw);
  const at = (w) => ({ start: raw.indexOf(w), end: raw.indexOf(w) + w.length });
  const entities = [{ id: "e1", ...at("terrorist"), label: "ARMED_GROUP" }, { id: "e2", ...at("army"), label: "STATE_ACTOR" },
    { id: "e3", ...at("MILF"), label: "ARMED_GROUP" }, { id: "e9", ...at("Villareal"), label: "PERSON" }];
  const earlier = { id: "q1", speaker: "e9", cue: at("said"), content: at("until the last terrorist surrenders") };
  const adding = { id: "c1", kind: "cue", ...at("adding") };
  const propose = (quotes) => proposeSpeakerAndCue(entities, [adding], at("the army was coordinating with the MILF"), { text, quotes, cue: adding }).speaker;
  assert.equal(propose([earlier]), "e9");
  assert.notEqual(propose([]), "e9");
  // Not only right after it: anywhere after the earlier cue in the sentence ("…, but said").
  const bta = "In a statement posted on Facebook, the Authority said it “stands with the security forces” against the group, but said civilians must be spared.";
  const inBta = (w) => ({ start: bta.indexOf(w), end: bta.indexOf(w) + w.length });
  const btaEntities = [{ id: "e1", ...inBta("Facebook"), label: "MEDIA" }, { id: "e2", ...inBta("Authority"), label: "STATE_ACTOR" },
    { id: "e3", ...inBta("security forces"), label: "STATE_ACTOR" }];
  const stands = { id: "q1", speaker: "e2", cue: inBta("said"), content: inBta("it “stands with the security forces” against the group") };
  const butSaid = { id: "c2", kind: "cue", start: bta.lastIndexOf("said"), end: bta.lastIndexOf("said") + 4 };
  assert.equal(proposeSpeakerAndCue(btaEntities, [butSaid], inBta("civilians must be spared"),
    { text: new CodePointText(bta), quotes: [stands], cue: butSaid }).speaker, "e2");
  // Arabic: "وأضاف أن" opening a sentence, nobody before it: the last quote's speaker.
  const ar = "قال الوزير محمد الخوالدة إن «الأردن لن يسمح بذلك». وأضاف أن عمّان ودمشق اتفقتا على تشكيل لجنة.";
  const inAr = (w) => ({ start: ar.indexOf(w), end: ar.indexOf(w) + w.length });
  const arEntities = [{ id: "e1", ...inAr("محمد الخوالدة"), label: "PERSON" }, { id: "e2", ...inAr("عمّان"), label: "STATE_ACTOR" },
    { id: "e3", ...inAr("ودمشق"), label: "STATE_ACTOR" }, { id: "e4", ...inAr("الأردن"), label: "STATE_ACTOR" }];
  const first = { id: "q1", speaker: "e1", cue: inAr("قال"), content: inAr("الأردن لن يسمح بذلك") };
  const added = { id: "c1", kind: "cue", ...inAr("وأضاف") };
  const options = { text: new CodePointText(ar), quotes: [first], cue: added };
  assert.equal(proposeSpeakerAndCue(arEntities, [added], inAr("عمّان ودمشق اتفقتا على تشكيل لجنة"), options).speaker, "e1");
});

test("participles: English -ing and Arabic forms in ا or ة carry on; finite verbs do not", async () => {
  const { carriesOn } = await import("../../annotator/static/js/workspace/clauses.js");
  for (const cue of ["saying", "adding", "Adding that", "مضيفا", "مؤكدةً", "قالوا"]) assert.ok(carriesOn(cue), cue);
  for (const cue of ["said", "told AFP", "according to", "قال", "قالت", "أكد", "king"]) assert.ok(!carriesOn(cue), cue);
});

test("a quotation right after a quote, with no verb of its own, goes on with that quote", async () => {
  const { continuedQuote } = await import("../../annotator/static/js/workspace/proposals.js");
  const { CodePointText } = await import("../../annotator/static/js/workspace/text.js");
  const s = "“The situation in Boni is very tense,” a security source told AFP on condition of anonymity. "
    + "“No supplies have reached the town for three weeks.” Aid groups say the road is cut. “We wait.”";
  const text = new CodePointText(s);
  const span = (w) => ({ start: s.indexOf(w), end: s.indexOf(w) + w.length });
  const first = { id: "q1", speaker: "e1", cue: span("told AFP"), content: span("The situation in Boni is very tense") };
  const supplies = span("No supplies have reached the town for three weeks");
  assert.equal(continuedQuote([first], supplies, text), first);
  // Too far from the first quote and its cue: no longer the same speech.
  assert.equal(continuedQuote([first], span("We wait"), text), null);
  // A quote without a cue has nothing to pass on; a quote after the content is not "before".
  assert.equal(continuedQuote([{ ...first, cue: null }], supplies, text), null);
  assert.equal(continuedQuote([first], span("The situation"), text), null);
  // A new sentence with words of its own before the content: another speech.
  const ar = "وقال خوري إن “الجيش ملتزم بالقرار”. ونقلت قناة الجديد عن مصدر أمني أن عناصر انسحبوا.";
  const arText = new CodePointText(ar);
  const at = (w) => ({ start: ar.indexOf(w), end: ar.indexOf(w) + w.length });
  const said = { id: "q1", speaker: "e1", cue: at("وقال"), content: at("الجيش ملتزم بالقرار") };
  assert.equal(continuedQuote([said], at("عناصر انسحبوا"), arText), null);
  // In the same sentence, after the attribution: the same speech.
  const split = "“We will win,” the commander said on Monday in Kabul, “and we will rebuild.”";
  const at2 = (w) => ({ start: split.indexOf(w), end: split.indexOf(w) + w.length });
  const win = { id: "q1", speaker: "e1", cue: at2("said"), content: at2("We will win") };
  assert.equal(continuedQuote([win], at2("and we will rebuild"), new CodePointText(split)), win);
});

test("a cue said by a pronoun ('he said') or 'the statement' takes the last speaker before, not the nearest name", async () => {
  const { CodePointText } = await import("../../annotator/static/js/workspace/text.js");
  const { lastSpeakerBefore, pronounSpeaker, saidByPronoun } = await import("../../annotator/static/js/workspace/proposals.js");
  const s = "Ronald Saintil, known as “Ti Lapli”, said the coalition was ready. “We are not the enemy,” he said. "
    + "“Never,” said he. “No,” said Ti Lapli.";
  const text = new CodePointText(s);
  const at = (w, from = 0) => ({ start: s.indexOf(w, from), end: s.indexOf(w, from) + w.length });
  assert.ok(saidByPronoun(text, at("said", s.indexOf("he said"))));
  assert.ok(saidByPronoun(text, at("said", s.indexOf("said he"))));
  assert.ok(!saidByPronoun(text, at("said")), "Ti Lapli”, said: a name, not a pronoun");
  assert.ok(!saidByPronoun(text, at("said", s.indexOf("said Ti"))));
  const it = "The ISPR said troops responded. It said Pakistan would not tolerate it.";
  assert.ok(saidByPronoun(new CodePointText(it), { start: it.lastIndexOf("said"), end: it.lastIndexOf("said") + 4 }));
  // "said he would": the pronoun opens what was said; who said it is named before "said".
  const would = "Kachalla, who backs the vigilantes, said he would ask for funds.";
  assert.ok(!saidByPronoun(new CodePointText(would), { start: would.indexOf("said"), end: would.indexOf("said") + 4 }));
  // A participle whose sentence a pronoun opens: "He rejected …, saying:".
  const he = "Kaboré said the army held. He rejected appeals by religious leaders for dialogue, saying: “No talks.”";
  const saying = { start: he.indexOf("saying"), end: he.indexOf("saying") + 6 };
  assert.ok(saidByPronoun(new CodePointText(he), saying));
  const they = "The leaders rejected the appeals, saying: “No talks.”";
  assert.ok(!saidByPronoun(new CodePointText(they), { start: they.indexOf("saying"), end: they.indexOf("saying") + 6 }));
  // "The statement said", "واتهم البيان" (the statement accused): whoever issued it, named before.
  const statement = "The army issued a statement. The statement said troops held the bridge.";
  assert.ok(saidByPronoun(new CodePointText(statement), { start: statement.lastIndexOf("said"), end: statement.lastIndexOf("said") + 4 }));
  const ar = "وقالت قوات الدعم السريع: “قواتنا ترد”. واتهم البيان الجيش السوداني باتخاذ النازحين دروعا";
  assert.ok(saidByPronoun(new CodePointText(ar), { start: ar.indexOf("واتهم"), end: ar.indexOf("واتهم") + 5 }));
  assert.ok(!saidByPronoun(new CodePointText(ar), { start: 0, end: 5 }), "وقالت قوات: a name after the verb");
  const first = { id: "q1", speaker: "e1", content: at("the coalition was ready") };
  const later = { id: "q2", speaker: null, content: at("No") };
  // Who the pronoun is: the speaker of a quote in the sentence before, else the last person named there.
  const tiers = speakerTiers();
  const people = [{ id: "e1", ...at("Ronald Saintil"), label: "PERSON" }, { id: "e2", ...at("Ti Lapli"), label: "PERSON" }];
  assert.equal(pronounSpeaker(text, people, [first], at("We are not the enemy"), tiers), "e1");
  const two = "Minister Kamran Afridi said talks remained possible. Spokeswoman Sadia Noorani welcomed the calls for a ceasefire. “Pakistan wants no war,” she said.";
  const in2 = (w) => ({ start: two.indexOf(w), end: two.indexOf(w) + w.length });
  const afridi = { id: "q1", speaker: "e1", content: in2("talks remained possible") };
  const named = [{ id: "e1", ...in2("Kamran Afridi"), label: "PERSON" }, { id: "e2", ...in2("Sadia Noorani"), label: "PERSON" },
    { id: "e3", ...in2("Pakistan"), label: "STATE_ACTOR" }];
  assert.equal(pronounSpeaker(new CodePointText(two), named, [afridi], in2("Pakistan wants no war"), tiers), "e2");
  assert.equal(lastSpeakerBefore([first, later], at("We are not the enemy")), "e1");
  assert.equal(lastSpeakerBefore([first], at("Ronald")), null);
});

test("Arabic, verb first: the holder's object is Tab's first target, before an adjunct's place", () => {
  const raw = "على الصعيد السياسي، رفضت الحكومة السودانية في بورتسودان مقترحا أمريكيا لهدنة إنسانية مدتها ثلاثة أشهر في دارفور.";
  const text = new CodePointText(raw);
  const at = (w) => ({ start: raw.indexOf(w), end: raw.indexOf(w) + w.length });
  const entities = [
    { id: "e1", ...at("الحكومة السودانية"), label: "STATE_ACTOR" },
    { id: "e2", ...at("بورتسودان"), label: "LOCATION" },
    { id: "e3", ...at("دارفور"), label: "LOCATION" },
  ];
  const targets = stanceTargets(text, entities, { holder: "e1" }).map((c) => raw.slice(c.start, c.end));
  assert.deepEqual(targets.slice(0, 2), ["مقترحا أمريكيا لهدنة إنسانية مدتها ثلاثة أشهر", "بورتسودان"]);
});
