// What the page proposes while a quote or a stance is made, so that Enter (or one polarity
// key) confirms it: a quote's speaker and cue, a stance's targets inside a quote. Pure.

import {
  carriesOn, endsSentence, isDeterminer, nounPhrases, opensWithAnd, sentenceEnd, sentenceStart, verbObjectStart,
} from "./clauses.js";

// Entity types that name places or times, never someone who speaks (matched on the label's key,
// so an admin's own "REGION" or "EVENT_DATE" is left out as well).
const NOT_SPEAKING = /LOCATION|PLACE|REGION|DATE|TIME|EVENT/;

/**
 * Who speaks, most likely first, from the configured entity types (GET /api/labels'
 * ``entity_types``): a person first, then every other type that can speak (organisations,
 * state actors, armed groups, media, and an admin's own types), never a place. Returns a
 * list of sets of label keys; without a configuration, the default labels'.
 */
export function speakerTiers(entityTypes = null) {
  const names = entityTypes
    ? entityTypes.map((label) => label.name)
    : ["PERSON", "ARMED_GROUP", "STATE_ACTOR", "ORGANIZATION", "MEDIA", "LOCATION"];
  const person = names.filter((name) => name === "PERSON");
  const others = names.filter((name) => name !== "PERSON" && !NOT_SPEAKING.test(name));
  return [new Set(person), new Set(others)];
}

/** How far apart two spans are, in code points (0 when they touch or overlap). */
function gap(a, b) {
  if (a.end <= b.start) return b.start - a.end;
  if (b.end <= a.start) return a.start - b.end;
  return 0;
}

const outside = (span, content) => span.end <= content.start || span.start >= content.end;

/** The one of ``items`` nearest ``span`` (ties: the earlier in the text), or null. */
function nearest(items, span) {
  let best = null;
  for (const item of items) {
    if (best === null || gap(item, span) < gap(best, span) || (gap(item, span) === gap(best, span) && item.start < best.start)) {
      best = item;
    }
  }
  return best;
}

/** Whether entity ``e`` can speak or hold a stance: its type is in one of ``tiers``. */
const canSpeak = (e, tiers) => tiers.some((tier) => tier.has(e.label));

/** ``pick`` (of a list: one of it or null) among ``candidates`` in the first tier that has
 * one, else null. */
function inFirstTier(candidates, tiers, pick) {
  for (const tier of tiers) {
    const found = pick(candidates.filter((e) => tier.has(e.label)));
    if (found) return found;
  }
  return null;
}

/** The nearest of ``candidates`` to ``span`` in the first tier that has one, else the nearest of all. */
function nearestSpeaker(candidates, span, tiers) {
  return inFirstTier(candidates, tiers, (list) => nearest(list, span)) || nearest(candidates, span);
}

/**
 * The speaker and cue proposed for a quote whose content is ``content`` ({start, end}):
 * the cue, ``options.cue`` when given (the cue the quote was made from), else the suggested
 * reporting verb that introduces the content (see proposeCue); the speaker, the person nearest that cue
 * (or, without a cue, the content) outside the content, else the nearest entity of another
 * type that can speak (``options.tiers``, see speakerTiers), else any entity outside it: "said
 * Khaled Abdel Majid, head of the Front" proposes Khaled, not the nearer Front.
 * ``entities`` are the annotation's, ``cues`` the open cue suggestions. ``options.text`` (the
 * paragraph's CodePointText) lets the proposal read the words: the cue that introduces the
 * content, the cue's sentence searched first, an aside before the cue passed over; without
 * it, the nearest cue and speaker. ``options.quotes`` (the paragraph's other quotes) let a cue
 * with no subject of its own carry on an earlier quote's speaker.
 * Returns {speaker: entity id | null, cue: suggestion | null}.
 */
export function proposeSpeakerAndCue(entities, cues, content, options = {}) {
  const tiers = options.tiers || speakerTiers();
  const slice = options.text ? (from, to) => options.text.slice(from, to) : null;
  const given = options.cue && outside(options.cue, content) ? options.cue : null;
  const cue = given || proposeCue(cues.filter((c) => outside(c, content)), content, slice);
  // Not the words said, nor the addressee the cue takes in ("told MRTV").
  let candidates = entities.filter((e) => outside(e, content) && !(cue && e.start >= cue.start && e.end <= cue.end));
  // Who speaks stands in the sentence of the cue (or of the content, without one) when anyone
  // does: a person in the next sentence is not the speaker of "The Arakan Army said …".
  if (options.text) {
    const at = cue || content;
    const sentence = { start: sentenceStart(options.text, at.start), end: sentenceEnd(options.text, at.end) };
    const near = candidates.filter((e) => e.start >= sentence.start && e.end <= sentence.end);
    if (near.length) candidates = near;
  }
  // The words set off right before the cue are not who speaks when a name stands before
  // them: "The Arakan Army (AA) said", "The government, which refused to talk to the M23, says".
  const aside = cue && slice ? asideBefore(cue, slice) : null;
  if (aside) {
    const within = (e) => e.start >= aside.start && e.end <= aside.end;
    if (candidates.some((e) => e.end <= aside.start)) candidates = candidates.filter((e) => !within(e));
  }
  // A participle carries on its sentence's subject ("The Islamic State group claimed the raid
  // through its Amaq news agency, saying …", "…، مضيفا أن"), as does an Arabic verb with no
  // subject after it ("نفت قوات الدعم السريع …، وقالت: “…”"): the first who can speak before it.
  const carries = Boolean(cue && slice && (carriesOn(slice(cue.start, cue.end)) || subjectDropped(cue, slice)));
  // After another quote's cue in its sentence ("…, he said, adding that", "said it “stands
  // with …”, but said"), or with nobody before it in its sentence ("وأضاف أن …" opening one),
  // it carries on that quote's speaker.
  const quotes = (options.quotes || []).filter((q) => q.speaker && entities.some((e) => e.id === q.speaker));
  const ownSentence = carries ? sentenceStart(options.text, cue.start) : 0;
  const afterCue = carries
    ? quotes.filter((q) => q.cue && q.cue.end <= cue.start && q.cue.start >= ownSentence).sort((a, b) => b.cue.end - a.cue.end)[0]
    : null;
  const carried = carries
    ? inFirstTier(candidates.filter((e) => e.end <= cue.start && e.start >= ownSentence), tiers, earliest)
    : null;
  const previous = carries && !afterCue && !carried ? quotesBefore(quotes, content)[0] : null;
  const carriedOn = afterCue || previous ? entities.find((e) => e.id === (afterCue || previous).speaker) : carried;
  // Else who can speak in the cue's own clause, when anyone does: "…، في حين دعا الاتحاد
  // الأفريقي …" is the union's call, not that of a person named in the clause before.
  const clause = cue && slice ? clauseAround(options.text, cue) : null;
  const inClause = clause ? candidates.filter((e) => e.start >= clause.start && e.end <= clause.end && canSpeak(e, tiers)) : [];
  const near = inClause.length ? inClause : candidates;
  // Of the people named between a cue and the words it introduces, who speaks comes last,
  // after the titles ("وقالت المتحدثة باسم مكتب رئيس الوزراء هيروت ألمايهو إن …").
  const between = cue && cue.end <= content.start
    ? near.filter((e) => e.start >= cue.end && e.end <= content.start && tiers[0].has(e.label)) : [];
  const speaker = carriedOn || latest(between) || nearestSpeaker(near, cue || content, tiers);
  // Of actors sharing a subject, the first speaks for them ("The bishops' conference and the
  // Federation … said": the conference).
  const head = speaker && options.text ? subjectHead(options.text, entities, named(options.text, entities, speaker), tiers) : speaker;
  return { speaker: head ? head.id : null, cue };
}

/** The entity an abbreviation in brackets right after it stands for ("Inter-Services Public
 * Relations (ISPR)": the name), or ``entity`` itself. */
function named(text, entities, entity) {
  if (text.slice(entity.end, entity.end + 1) !== ")") return entity;
  const name = entities.find((e) => e.end < entity.start && /^\s*\($/u.test(text.slice(e.end, entity.start)));
  return name || entity;
}

/** The first actor of the subject ``entity`` shares (sharingSubject), or ``entity``. */
function subjectHead(text, entities, entity, tiers) {
  const before = entities.filter((e) => e.end <= entity.start).sort(byStart);
  return before.find((e) => sharingSubject(text, entities, e.id, tiers).includes(entity.id)) || entity;
}

const CLAUSE_MARKS = new Set([",", "،", ";", "؛", ":"]);

/** The clause holding ``span`` ({start, end}) in its sentence: from the punctuation mark
 * before it to the one after it. */
function clauseAround(text, span) {
  let start = span.start;
  const from = sentenceStart(text, span.start);
  while (start > from && !CLAUSE_MARKS.has(text.points[start - 1])) start -= 1;
  let end = span.end;
  const to = sentenceEnd(text, span.end);
  while (end < to && !CLAUSE_MARKS.has(text.points[end])) end += 1;
  return { start, end };
}

// Right after an Arabic verb, what shows that no subject follows it: a colon, a quotation
// mark, "that" (أن، إن، بأن) or a preposition ("وحذرت في بيان من أن", "she warned in a
// statement that"; a subject would stand first: "وقال الجيش في بيان").
const NO_SUBJECT_AFTER = /^\s*(?::|[“"«]|(?:أن|إن|بأن|في|من|عبر|خلال)(?:\s|$))/u;

/**
 * Whether ``cue`` has no subject of its own, and so carries on the subject named before it:
 * an Arabic verb with none after it ("وقالت: “…”", "وأكد أن …", "وحذرت في بيان"; Arabic puts
 * the subject after the verb), or an English one right after "and" ("…, and urged").
 */
export function subjectDropped(cue, slice) {
  if (!/\p{Script=Arabic}/u.test(slice(cue.start, cue.end))) return AND_BEFORE.test(slice(Math.max(0, cue.start - 6), cue.start));
  return NO_SUBJECT_AFTER.test(slice(cue.end, cue.end + 7));
}

// Right before an English verb: "and" or "but", so the verb shares the subject before it
// ("…, and urged the authorities to …", "but said civilians must be spared").
const AND_BEFORE = /(?:^|[\s,])(?:and|but)\s+$/iu;

/** The first of ``items`` in the text, or null. */
const earliest = (items) => items.reduce((best, item) => (best === null || item.start < best.start ? item : best), null);

/** The last of ``items`` in the text, or null. */
const latest = (items) => items.reduce((best, item) => (best === null || item.start > best.start ? item : best), null);

/** The quotes whose content ends before ``content`` starts, the nearest first. */
function quotesBefore(quotes, content) {
  return quotes.filter((q) => q.content.end <= content.start).sort((a, b) => b.content.end - a.content.end);
}

const MOST_AFTER_CUE = 80; // code points from a quote (or its cue) to the quotation it goes on with

// Words that stand for someone already named: pronouns ("he said", "said she", "It said",
// "they told AFP") and their statement ("the statement said", "واتهم البيان": the statement accused).
const PRONOUNS = new Set(["he", "she", "it", "they", "we", "i", "statement", "البيان"]);

/**
 * Whether a pronoun, or "the statement", says ``cue`` (the word right before it, or right
 * after a cue that comes first: "he said", "said he", "واتهم البيان"; or the subject of the
 * sentence a participle carries on: "He rejected …, saying"), so that who speaks was named
 * before, not next to the cue. ``text`` is the paragraph's CodePointText.
 */
export function saidByPronoun(text, cue) {
  const before = text.words.filter((w) => w.end <= cue.start).at(-1);
  const after = text.words.find((w) => w.start >= cue.end);
  const isPronoun = (w) => Boolean(w) && PRONOUNS.has(text.slice(w.start, w.end).toLowerCase());
  const next = (a, b) => !/[^\s]/u.test(text.slice(a, b)); // only spaces between
  // "said he." but not "said he would": there the pronoun opens what was said (Arabic puts
  // the subject after its verb: "واتهم البيان الجيش").
  const endsAfter = (w) => /\p{Script=Arabic}/u.test(text.slice(w.start, w.end))
    || !text.words.some((x) => x.start >= w.end && next(w.end, x.start));
  if ((isPronoun(before) && next(before.end, cue.start)) || (isPronoun(after) && next(cue.end, after.start) && endsAfter(after))) return true;
  // A participle carries on its sentence's subject: "He rejected the appeals, saying: …".
  const first = text.words.find((w) => w.start >= sentenceStart(text, cue.start));
  return carriesOn(text.slice(cue.start, cue.end)) && isPronoun(first) && first.end <= cue.start;
}

/**
 * Who the pronoun is that says the quote of ``content`` (saidByPronoun): in the sentence
 * before it (and its own sentence up to it), the speaker of the last quote there, else the
 * last person named there outside what was quoted, else the last actor; else the speaker of
 * the last quote before. "Foreign Office spokeswoman Sadia Noorani welcomed the calls. “…,”
 * she said" is hers, not the minister's quoted two sentences earlier. Returns an id or null.
 */
export function pronounSpeaker(text, entities, quotes, content, tiers) {
  let end = sentenceStart(text, content.start) - 1; // back to the sentence before's last mark
  while (end > 0 && /[\s"“”«»„’)]/u.test(text.points[end])) end -= 1;
  const from = end > 0 ? sentenceStart(text, end) : 0;
  const inRange = (span) => span.start >= from && span.end <= content.start;
  const said = quotesBefore(quotes, content).filter((q) => q.speaker && inRange(q.content));
  if (said.length) return said[0].speaker;
  const quoted = (e) => quotes.some((q) => e.start >= q.content.start && e.end <= q.content.end);
  const named = entities.filter((e) => inRange(e) && !quoted(e) && !(e.start >= content.start && e.end <= content.end));
  const person = inFirstTier(named, tiers, latest);
  return person ? person.id : lastSpeakerBefore(quotes, content);
}

/** The speaker of the last quote before ``content`` that has one, or null. */
export function lastSpeakerBefore(quotes, content) {
  const said = quotesBefore(quotes, content).find((q) => q.speaker);
  return said ? said.speaker : null;
}

// What may stand between the end of a sentence (or of a quote's attribution) and a quotation
// that goes on with it: spaces, a comma, opening quotation marks.
const GOES_ON = /^[\s,،“"«„]*$/u;

/**
 * The quote that ``content`` ({start, end}) goes on with, or null: the last quote before it
 * that has a cue, at most ``MOST_AFTER_CUE`` code points away, when the quotation opens with
 * nothing of its own before it (“The situation is tense,” a source told AFP on condition of
 * anonymity. “No supplies have reached the town.”), or in the same sentence: its speaker and
 * cue say this part too.
 * Not when words of a new sentence come first ("ونقلت قناة الجديد عن مصدر أمني أن …").
 * ``text`` is the paragraph's CodePointText.
 */
export function continuedQuote(quotes, content, text) {
  const last = quotesBefore(quotes, content)[0];
  if (!last || !last.cue) return null;
  const from = Math.max(last.content.end, last.cue.end);
  if (from > content.start || content.start - from > MOST_AFTER_CUE) return null;
  // In the same sentence ("“…,” he said on Monday, “…”") it goes on; after a sentence's end,
  // only when nothing but the quotation opens the next one.
  let own = null;
  for (let i = from; i < content.start; i += 1) if (endsSentence(text, i)) own = i + 1;
  return own === null || GOES_ON.test(text.slice(own, content.start)) ? last : null;
}

// An aside that ends right before a cue: brackets, or a relative clause or a nickname
// (", known as “Ti Lapli”,") between commas.
const BRACKETED_ASIDE = /\([^()]*\)\s*$/u;
const RELATIVE_ASIDE = /,\s*(?:which|who|whose|whom|where|(?:also\s+)?(?:known|called|dubbed|nicknamed)\b)[^,.;:!?]*,\s*$/iu;
// An apposition: ", the media wing of the armed forces," right before the cue.
const APPOSITION_ASIDE = /,\s*(?:the|a|an)\s[^,.;:!?]*,\s*$/iu;
const LONGEST_ASIDE = 200; // code points looked back from the cue

/** The aside ({start, end}, code points) that ends right before ``cue``, or null. */
export function asideBefore(cue, slice) {
  const from = Math.max(0, cue.start - LONGEST_ASIDE);
  const before = slice(from, cue.start);
  const match = BRACKETED_ASIDE.exec(before) || RELATIVE_ASIDE.exec(before) || APPOSITION_ASIDE.exec(before);
  if (!match) return null;
  const start = from + Array.from(before.slice(0, match.index)).length;
  return { start, end: cue.start };
}

// Text between a cue and the content it introduces: "told reporters in Port Sudan that ",
// "said: ", a call's "دعت البعثة إلى «". A cue after the content followed by these introduces
// the next words instead (", adding that …", "adding: “…").
const INTRODUCES = /^[^.!?]*(?:\bthat|(?:^|\s)(?:أن|إن|إلى)|:)\s*[“"«]?\s*$/u;
const INTRODUCES_NEXT = /^\s*,?\s*(?:that\b|(?:أن|إن)(?:\s|$)|:)/u;
// Code points from a cue to the content it introduces: room for a long title and an adjunct
// ("أكد الناطق الرسمي باسم الحكومة المغربية مصطفى بنعلي، في ندوة صحافية عقب اجتماع …، أن").
const MOST_BETWEEN = 160;

/**
 * The reporting verb of ``content`` among ``cues`` (outside it): one before it in the same
 * stretch that introduces it with "that" or a colon ("Majdalani told AFP that …"), else the
 * nearest one that does not introduce the next words (", adding that …"), else the nearest.
 * ``slice(start, end)`` reads the paragraph in code points; without it, the nearest.
 */
function proposeCue(cues, content, slice) {
  if (!slice) return nearest(cues, content);
  const introducing = cues.filter(
    (c) => c.end <= content.start && content.start - c.end <= MOST_BETWEEN && INTRODUCES.test(slice(c.end, content.start)),
  );
  if (introducing.length) return nearest(introducing, content);
  // After the content, a cue that introduces the next words, or opens a new statement with a
  // joined و ("«…»، وحذرت"), does not attribute it.
  const attributing = cues.filter((c) => c.start < content.end
    || !(INTRODUCES_NEXT.test(slice(c.end, c.end + 12)) || opensWithAnd(slice(c.start, c.end))));
  return nearest(attributing, content) || nearest(cues, content);
}

const byStart = (a, b) => a.start - b.start || b.end - a.end;

/**
 * The first actor (``tiers``: speakerTiers, so never a place) that a quote's ``content``
 * names, its subject as a rule (guidelines §2: "“Syria and the PLO are determined to fight
 * terrorism,” said Meqdad" is Syria's stance); null when it names none.
 */
export function quoteSubject(entities, content, tiers) {
  const named = entities.filter((e) => e.start >= content.start && e.end <= content.end && canSpeak(e, tiers)).sort(byStart);
  return named.length ? named[0].id : null;
}

// What joins actors that share a subject: "and", "or", a comma, "the" ("Syria and the PLO",
// "A, B and C", "الاتحاد الأفريقي و الاتحاد الأوروبي").
const JOINS_SUBJECT = /^\s*[,،]?\s*(?:(?:and|or|و|أو)\s*)?(?:the\s+)?$/iu;

/**
 * The ids of the actors sharing a subject with entity ``first``, ``first`` first: the actors
 * that follow it one after another, joined by "and", "or" or a comma, or by a و written
 * joined to the next ("الاتحاد الأفريقي والاتحاد الأوروبي"), up to the last "and": commas
 * alone set off an apposition ("Operation Hadin Kai, Lieutenant Colonel Musa Danladi,").
 */
export function sharingSubject(text, entities, first, tiers) {
  const start = entities.find((e) => e.id === first);
  if (!start) return [];
  const chain = [start];
  let listed = 1; // the chain up to its last "and": a comma alone sets off an apposition
  for (;;) {
    const last = chain.at(-1);
    const next = entities.filter((e) => e.start >= last.end && canSpeak(e, tiers)).sort(byStart)[0];
    if (!next) break;
    const between = text.slice(last.end, next.start);
    const joinedWaw = /^[وف]/u.test(text.slice(next.start, next.end));
    if (!(/\S/u.test(between) || joinedWaw) || !JOINS_SUBJECT.test(between)) break;
    chain.push(next);
    if (joinedWaw || /(?:^|\s)(?:and|or|و|أو)(?:\s|$)/iu.test(between)) listed = chain.length;
  }
  return chain.slice(0, listed).map((e) => e.id);
}

/**
 * S (or Shift+S, ``bySubject``) on ``quote``: who holds the stance and which targets come
 * first. The holder is the speaker (or the first actor the content names), or the actor
 * sharing its subject that holds the fewest stances from this quote yet: S again on "said
 * the African Union and the European Union" gives the EU, Shift+S again on "“Syria and the
 * PLO …”" the PLO. ``shared``: the targets the quote's other holders' stances have and this
 * holder's lack (one target for both, as a rule), offered first; ``done``: this holder's own
 * targets from the quote, offered last. ``stances`` are the annotation's.
 * Returns {holder: id | null, shared, done}.
 */
export function stanceFromQuote(text, entities, stances, quote, { bySubject = false, tiers = speakerTiers() } = {}) {
  const base = bySubject ? quoteSubject(entities, quote.content, tiers) : quote.speaker;
  if (!base) return { holder: null, shared: [], done: [] };
  const fromQuote = stances.filter((s) => s.quote === quote.id);
  const count = (id) => fromQuote.filter((s) => s.holder === id).length;
  const chain = sharingSubject(text, entities, base, tiers);
  const holder = chain.length ? chain.reduce((best, id) => (count(id) < count(best) ? id : best)) : base;
  const done = fromQuote.filter((s) => s.holder === holder).map((s) => s.target);
  const shared = fromQuote.filter((s) => s.holder !== holder && !done.some((t) => sameTarget(t, s.target))).map((s) => s.target);
  return { holder, shared, done };
}

/** Whether two stance targets (entity ids or {start, end}) are the same. */
function sameTarget(a, b) {
  if (typeof a === "string" || typeof b === "string") return a === b;
  return a.start === b.start && a.end === b.end;
}

/**
 * What Tab offers as a stance's target, most likely first, as candidates {kind: "entity" |
 * "phrase", id, start, end}. From a quote (``content``) said by the holder: the entities inside
 * it, then its noun phrases (clauses.js nounPhrases), then the other entities. From a quote
 * that names the holder (its subject, Shift+S), or from a holder entity alone (the noun phrases
 * of its sentence): what follows the holder in reading order first, the object of its verb
 * among them (clauses.js verbObjectStart: "the M23 wanted direct talks …"), then what comes
 * before it, then (from a quote) the entities outside it. Never the holder, nor a phrase that
 * is only an article before an entity ("the PLO": the entity is offered). Before all of
 * these, ``shared``, and after them ``done`` (targets as entity ids or {start, end}: see
 * stanceFromQuote). ``text`` is a CodePointText, ``entities`` the annotation's.
 */
export function stanceTargets(text, entities, { holder, content = null, shared = [], done = [] }) {
  const entity = (e) => ({ kind: "entity", id: e.id, start: e.start, end: e.end });
  const phrase = (p) => ({ kind: "phrase", id: `${p.start}-${p.end}`, start: p.start, end: p.end });
  const proposed = proposedTargets(text, entities, { holder, content }, entity, phrase);
  // What the quote's other stances target comes first: "Syria and the PLO are determined to
  // fight terrorism" is one target for both holders.
  const first = [];
  for (const target of shared) {
    const e = typeof target === "string" ? entities.find((x) => x.id === target) : null;
    const candidate = e ? entity(e) : typeof target === "string" ? null : phrase(target);
    if (!candidate || candidate.id === holder || first.some((c) => c.id === candidate.id)) continue;
    first.push(candidate);
  }
  const same = (a, b) => a.start === b.start && a.end === b.end && a.kind === b.kind;
  const rest = proposed.filter((c) => !first.some((f) => same(f, c)));
  // What the holder already targets from this quote goes last: a second stance is another target.
  const made = (c) => done.some((t) => sameTarget(t, typeof t === "string" ? c.id : c));
  return [...first, ...rest.filter((c) => !made(c)), ...rest.filter(made)];
}

/** stanceTargets without ``shared``: what the words around the holder propose. */
function proposedTargets(text, entities, { holder, content }, entity, phrase) {
  const others = entities.filter((e) => e.id !== holder);
  const held = entities.find((e) => e.id === holder);
  const articleBefore = (p, e) => e.end === p.end && e.start > p.start && isDeterminer(text.slice(p.start, e.start).trim());
  // Not an entity's words again, and never words holding the holder ("the Syrian regime agreed").
  const notAnEntity = (p) => !entities.some((e) => (e.start === p.start && e.end === p.end) || articleBefore(p, e))
    && !(held && p.start < held.end && held.start < p.end);
  const inside = (e) => content && e.start >= content.start && e.end <= content.end;
  if (content && !(held && inside(held))) {
    const phrases = nounPhrases(text, content.start, content.end, { fromStart: true }).filter(notAnEntity);
    return [
      ...others.filter(inside).sort(byStart).map(entity),
      ...phrases.map(phrase),
      ...others.filter((e) => !inside(e)).sort(byStart).map(entity),
    ];
  }
  if (!held) return others.map(entity);
  const range = content || { start: sentenceStart(text, held.start), end: sentenceEnd(text, held.end) };
  const object = verbObjectStart(text, held, range.end, entities);
  const phrases = nounPhrases(text, range.start, range.end, {
    fromStart: Boolean(content),
    opensAt: object === null ? [] : [object],
  }).filter(notAnEntity);
  const near = content ? others.filter(inside) : others;
  const all = [...near.map(entity), ...phrases.map(phrase)].sort(byStart);
  const after = (c) => c.start >= held.end;
  // The object of the holder's verb first, before an adjunct it was read past ("رفضت الحكومة
  // السودانية في بورتسودان | مقترحا أمريكيا …").
  const isObject = (c) => c.kind === "phrase" && c.start === object;
  const rest = content ? others.filter((e) => !inside(e)).sort(byStart).map(entity) : [];
  return [...all.filter(isObject), ...all.filter((c) => after(c) && !isObject(c)), ...all.filter((c) => !after(c)), ...rest];
}
