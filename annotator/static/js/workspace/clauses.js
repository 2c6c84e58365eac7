// Where sentences, clauses and names begin and end in a paragraph, for the keyboard: the
// content Q proposes next to a reporting verb, the word cursor's jumps by clause (names.js: by name).
// Pure: ``text`` is a CodePointText (text.js); offsets are code points.

const SENTENCE_END = new Set([".", "!", "?", "؟", "…"]);
const CLAUSE_END = new Set([...SENTENCE_END, ",", ";", ":", "،", "؛", "(", ")"]);
const CLOSING = new Set(["”", "»", "\""]);
const OPENING = new Set(["“", "«", "„", "\""]);
const TRIM_END = /[\s,.;:!?…،؛"“”«»]+$/u;
const ABBREVIATIONS = new Set(["mr", "mrs", "ms", "dr", "gen", "lt", "col", "st", "sgt", "capt", "maj", "prof", "no", "vs"]);
// Words after a reporting verb that open what was said: "told AFP that …", "قال … إن …".
const THAT = new Set(["that", "إن", "أن", "بأن", "que", "dass"]);
const THAT_WINDOW = 8; // words between the verb and "that"
// In Arabic, where a title, a name and an adjunct set off by commas may stand between the
// verb and إن ("وقال مصدر عسكري مسؤول في القيادة العامة، في تصريح أوردته وكالة الأنباء
// الأردنية (بترا)، إن …"), up to this many words, within the sentence.
const ARABIC_THAT_WINDOW = 30;
const CLAUSE_AFTER = 4; // words a clause after the verb needs to be taken as what was said

/** Whether the mark at ``i`` ends a sentence (not "Mr." nor "1.5"). */
export function endsSentence(text, i) {
  const p = text.points;
  if (!SENTENCE_END.has(p[i])) return false;
  const next = p[i + 1];
  if (next !== undefined && !/[\s"”»’)]/u.test(next)) return false;
  if (p[i] === ".") {
    const word = text.words.find((w) => w.end === i);
    if (word && ABBREVIATIONS.has(text.slice(word.start, word.end).toLowerCase())) return false;
  }
  return true;
}

/** The code point where the sentence holding ``at`` starts (after the previous sentence's end). */
export function sentenceStart(text, at) {
  let start = 0;
  for (let i = Math.min(at, text.length) - 1; i >= 0; i -= 1) {
    if (endsSentence(text, i)) {
      start = i + 1;
      break;
    }
  }
  while (start < at && /[\s"“”«»„’)]/u.test(text.points[start])) start += 1;
  return start;
}

/** ``{start, end}`` with the spaces and punctuation at its ends left out, or null when empty. */
function trimmed(text, start, end) {
  let s = start;
  while (s < end && /[\s"“”«»„]/u.test(text.points[s])) s += 1;
  const inside = text.slice(s, end);
  const kept = Array.from(inside.replace(TRIM_END, "")).length;
  return kept > 0 ? { start: s, end: s + kept } : null;
}

// After a comma, the words with which Arabic news comments on what was said: "، وهو ما رحبت
// به …" ("which is what … welcomed"), "، الأمر الذي …".
const NARRATOR_AFTER_COMMA = /^\s*(?:وهو ما|وهذا ما|وهو أمر|الأمر الذي)(?:\s|$)/u;

/** Where what was said ends, from ``start``: the sentence's end, the closing mark of a
 * quotation opened before ``start``, or a comma before another reporting verb (", according
 * to"). A quotation opened inside does not end it ("the army had “retaken control” and
 * “neutralised dozens” in a counter-offensive."); once one has closed, a comma does ("troops
 * had "regained full control" of Macomia by midday, without giving a toll"), as does a
 * reporting verb right after it ("“…,” adding"). A comma before the narrator's comment ends it
 * too ("، وهو ما …"). ``inQuotation``: ``start`` is inside a
 * quotation (opened by a straight mark: ``straight``), which only its closing mark ends. */
function contentEnd(text, start, cues, { inQuotation = false, straight = false } = {}) {
  const p = text.points;
  const cueAfter = (from) => {
    let next = from;
    while (next < text.length && /[\s,،”»"]/u.test(p[next])) next += 1;
    return cues.some((c) => c.start === next);
  };
  let open = 0; // quotations opened inside, not yet closed
  let straightOpen = straight; // a straight mark opened the quotation ``start`` is in
  let closedInside = false;
  for (let i = start; i < text.length; i += 1) {
    const ch = p[i];
    const opens = ch === "\"" ? !straightOpen : OPENING.has(ch);
    const closes = ch === "\"" ? straightOpen : CLOSING.has(ch);
    if (opens) {
      if (ch === "\"") straightOpen = true;
      open += 1;
      continue;
    }
    if (closes) {
      if (open === 0) return i; // the quotation the content is in ends
      if (ch === "\"") straightOpen = false;
      open -= 1;
      closedInside = true;
      if (open === 0 && cueAfter(i + 1)) return i;
      continue;
    }
    if (inQuotation) continue; // only its closing mark ends a quotation, over sentences
    if (endsSentence(text, i)) return i;
    if ((ch === "," || ch === "،") && open === 0
      && (closedInside || cueAfter(i + 1) || NARRATOR_AFTER_COMMA.test(text.slice(i + 1, i + 12)))) return i;
  }
  return text.length;
}

/** ``word`` without its Arabic short vowels, shadda, sukun and tatweel. */
const withoutVowels = (word) => word.replace(/[\u064b-\u065f\u0670\u0640]/gu, "");

/** Whether cue words open with a participle: English "-ing" ("saying", "adding"), or an
 * Arabic form ending in ا or ة (مضيفا، مؤكدة; also قالوا, written after its subject). */
export function carriesOn(cueWords) {
  const first = cueWords.trim().split(/\s+/u)[0] || "";
  const bare = withoutVowels(first);
  // "according to" names a source that follows it.
  if (first.toLowerCase() === "according") return false;
  return /^\p{Script=Latin}{3,}ing$/iu.test(first) || /^\p{Script=Arabic}{3,}[اة]$/u.test(bare);
}

/** Whether Arabic cue words open with a joined و or ف ("وحذرت", "فأعلن"): a new statement
 * ("and she warned"), never the attribution of the quotation right before it. */
export function opensWithAnd(cueWords) {
  return /^[وف]\p{Script=Arabic}{3,}/u.test(withoutVowels(cueWords.trim()));
}

/** The quotation opening at ``at`` past what ``skip`` matches (spaces, a colon …), to its
 * closing mark over sentences, as {start, end} inside the marks; null when none opens there. */
function quotationAt(text, at, cues, skip) {
  const p = text.points;
  let j = at;
  while (j < text.length && skip.test(p[j])) j += 1;
  if (j >= text.length || !OPENING.has(p[j])) return null;
  return trimmed(text, j + 1, contentEnd(text, j + 1, cues, { inQuotation: true, straight: p[j] === "\"" }));
}

/**
 * The content proposed for a quote whose reporting verb is ``cue`` ({start, end}), so that
 * Q on a focused cue makes the quote without selecting it word by word:
 * - the quoted words right before the verb (“…,” said X): inside the quotation marks, unless
 *   the verb is a participle ("adding", مضيفا: see carriesOn) or joined to و (opensWithAnd);
 * - else a quotation right after the verb ("saying: “…”"), to its closing mark;
 * - else the clause after "that"/إن a few words after the verb (told AFP that …; a quotation
 *   opening it, to its closing mark: إن «…»), or the
 *   clause right after the verb (Umerov said Russian forces …), up to the sentence end, the
 *   closing quotation mark or a comma before another cue (", according to");
 * - else the sentence before the verb, up to its last comma (…, a resident told AFP).
 * ``cues`` are the cue suggestions. Returns {start, end} or null.
 */
export function proposeContent(text, cue, cues = []) {
  const p = text.points;
  // “…,” said X: the quotation right before the verb; not before a participle, which goes
  // on to what follows it ("…”، مضيفا أن …", "…,” adding that …"), nor before a verb joined
  // to و, which opens a new statement ("«…»، وحذرت من أن …").
  let i = cue.start - 1;
  while (i >= 0 && /[\s,.;:!?…،]/u.test(p[i])) i -= 1;
  const words = text.slice(cue.start, cue.end);
  if (i >= 0 && CLOSING.has(p[i]) && !carriesOn(words) && !opensWithAnd(words)) {
    for (let j = i - 1; j >= 0; j -= 1) {
      if (OPENING.has(p[j]) && !(p[j] === "”")) return trimmed(text, j + 1, i);
    }
  }
  // saying: “…”: the quotation right after the verb, over its sentences.
  const quoted = quotationAt(text, cue.end, cues, /[\s:,،]/u);
  if (quoted) return quoted;
  const after = text.words.filter((w) => w.start >= cue.end);
  const gapHasClauseEnd = (from, to) => p.slice(from, to).some((ch) => CLAUSE_END.has(ch));
  // told AFP that …: the clause after "that".
  // Where the search for "that" stops: English at the clause's end, Arabic at the sentence's
  // end or the next reporting verb.
  const arabic = ARABIC.test(words);
  let stop = cue.end;
  if (arabic) {
    const nextCue = Math.min(...cues.filter((c) => c.start >= cue.end).map((c) => c.start));
    while (stop < Math.min(text.length, nextCue) && !endsSentence(text, stop)) stop += 1;
  } else {
    while (stop < text.length && !CLAUSE_END.has(p[stop])) stop += 1;
  }
  for (const word of after.slice(0, (arabic ? ARABIC_THAT_WINDOW : THAT_WINDOW) + 1)) {
    if (word.start > stop) break;
    if (THAT.has(text.slice(word.start, word.end).toLowerCase())) {
      // إن «…»: a quotation opening what was said is all of it.
      return quotationAt(text, word.end, cues, /\s/u) || trimmed(text, word.end, contentEnd(text, word.end, cues));
    }
  }
  // Umerov said Russian forces had shelled …: a clause right after the verb.
  const firstEnd = after.findIndex((w) => gapHasClauseEnd(cue.end, w.start));
  const clauseWords = firstEnd === -1 ? after.length : firstEnd;
  if (clauseWords >= CLAUSE_AFTER) {
    return trimmed(text, after[0].start, contentEnd(text, after[0].start, cues));
  }
  // …, a resident told AFP: the sentence before the verb, up to its last comma.
  const start = sentenceStart(text, cue.start);
  let end = cue.start;
  for (let j = cue.start - 1; j > start; j -= 1) {
    if (p[j] === "," || p[j] === "،") { end = j; break; }
  }
  return trimmed(text, start, end);
}

/** The index of the first word of the clause after the one holding word ``index`` (or the last word). */
export function nextClauseWord(text, index) {
  const words = text.words;
  for (let k = index + 1; k < words.length; k += 1) {
    if (text.points.slice(words[k - 1].end, words[k].start).some((ch) => CLAUSE_END.has(ch) || OPENING.has(ch) || CLOSING.has(ch))) return k;
  }
  return words.length - 1;
}

/** The index of the first word of the clause holding word ``index``, or of the one before when
 * ``index`` already starts a clause. */
export function previousClauseWord(text, index) {
  const words = text.words;
  const starts = (k) => k === 0 || text.points.slice(words[k - 1].end, words[k].start)
    .some((ch) => CLAUSE_END.has(ch) || OPENING.has(ch) || CLOSING.has(ch));
  for (let k = index - 1; k >= 0; k -= 1) if (starts(k)) return k;
  return 0;
}

/** The index of the last word before the next punctuation mark or quotation mark after word
 * ``index`` (the end of its clause; the next clause's end when ``index`` already ends one). */
export function clauseEndWord(text, index) {
  const words = text.words;
  const breaksAfter = (k) => k === words.length - 1 || text.points.slice(words[k].end, words[k + 1].start)
    .some((ch) => CLAUSE_END.has(ch) || OPENING.has(ch) || CLOSING.has(ch));
  for (let k = index + 1; k < words.length; k += 1) if (breaksAfter(k)) return k;
  return words.length - 1;
}

/** The code point where the sentence holding ``at`` ends (its closing mark, or the text's end). */
export function sentenceEnd(text, at) {
  for (let i = at; i < text.length; i += 1) if (endsSentence(text, i)) return i;
  return text.length;
}

// Words that open a noun phrase, and words a noun phrase stops before (verbs, conjunctions
// and pronouns that open a new clause; in Arabic, which has no separate article, also the
// prepositions and relative pronouns that open an adjunct after a construct: "بوجود أي سلاح
// خارج إطار المؤسسة العسكرية | في سنجار").
const DETERMINERS = new Set(["the", "a", "an", "their", "its", "his", "her", "our", "this", "these", "those"]);
const PHRASE_STOP = new Set([
  "is", "are", "was", "were", "be", "been", "has", "have", "had", "would", "will", "could", "should", "can",
  "may", "might", "must", "did", "does", "do", "said", "says", "which", "who", "that", "while", "when",
  "because", "but", "therefore", "after", "before", "if",
  "في", "مع", "منذ", "خلال", "عند", "حتى", "الذي", "التي", "الذين", "اللذين", "اللتين", "اللواتي", "اللاتي",
  "أن", "إن", "بأن", "لأن", "كما", "بينما", "حيث", "لكن", "ثم",
]);
const PHRASE_WORDS = 12;
// Words a noun phrase never ends on: "the 2016 peace deal and has since …" is "the 2016 peace deal".
const PHRASE_TAIL = new Set([
  "and", "or", "nor", "of", "to", "in", "on", "for", "with", "by", "at", "from", "as", "into",
  "و", "أو", "من", "على", "إلى", "عن",
]);
// Words after which a phrase opens: "told AFP that dialogue with JNIM …", "أكد أن الحكومة …".
const THAT_OPENS = new Set(["that", "أن", "إن", "بأن"]);
// Words between a holder and its verb: auxiliaries, negations, adverbs, a relative pronoun
// ("The government, which has refused to …", "الدولة لن تسمح …").
const VERB_GROUP = new Set([
  "which", "who", "has", "have", "had", "is", "are", "was", "were", "be", "been", "would", "will", "could",
  "should", "can", "may", "might", "must", "did", "does", "do", "not", "never", "also", "still", "again",
  "already", "now", "لن", "لا", "لم", "ما", "قد", "لقد", "سوف", "كان", "كانت", "يزال", "تزال",
]);

const COORDINATORS = new Set(["and", "or", "و", "أو"]);
// Arabic words that may stand right before a subject that does not follow its verb: "that",
// prepositions and conjunctions ("أن الحكومة لن …", "في حين", "و").
const NOT_A_VERB = new Set([
  "أن", "إن", "بأن", "لأن", "في", "من", "على", "إلى", "عن", "مع", "و", "أو", "ثم", "بين", "حين", "بينما",
]);
const ARABIC = /\p{Script=Arabic}/u;

/** Whether ``word`` (any case) is an article or a possessive that opens a noun phrase. */
export function isDeterminer(word) {
  return DETERMINERS.has(word.toLowerCase());
}

/**
 * The code point where the object of ``holder``'s verb starts ({start, end}, an entity), or
 * null: past the auxiliaries, negations and adverbs after the holder, its verb (one word), and
 * an infinitive's "to": "the M23 wanted | direct talks with the government", "The government,
 * which has refused to | negotiate directly with the M23", "الدولة لن تسمح | بوجود أي سلاح",
 * "الحكومة ملتزمة | بتطبيق الاتفاق", past an actor sharing the subject ("Syria and the PLO
 * are determined to | fight terrorism"; ``entities`` are the annotation's). A cheap reading
 * of the words, not a parse: it proposes where the target likely starts, and Tab and the word
 * cursor remain for the rest. Only words before ``to`` (code points) are read.
 * Arabic puts the verb first as a rule: a holder right after a word of its clause that is
 * no "that", preposition or conjunction is the subject after its verb, and the object
 * follows it at once, past an adjunct naming an entity: "رحب المجلس الرئاسي | بالدعوة",
 * "رفضت الحكومة السودانية في بورتسودان | مقترحا أمريكيا".
 */
export function verbObjectStart(text, holder, to, entities = []) {
  const words = text.words.filter((w) => w.start >= holder.end && w.end <= to);
  const lower = (k) => text.slice(words[k].start, words[k].end).toLowerCase();
  if (afterItsVerb(text, holder)) {
    let at = 0;
    const named = at + 1 < words.length ? entities.find((e) => e.start === words[at + 1].start) : null;
    if (named && NOT_A_VERB.has(lower(at))) while (at < words.length && words[at].start < named.end) at += 1;
    return at < words.length ? words[at].start : null;
  }
  let k = 0;
  // A subject shared with another actor ("Syria and the PLO are determined to …"): past it.
  if (k < words.length && COORDINATORS.has(lower(k))) {
    k += 1;
    if (k < words.length && DETERMINERS.has(lower(k))) k += 1;
    const other = k < words.length ? entities.find((e) => e.start === words[k].start) : null;
    if (other) while (k < words.length && words[k].start < other.end) k += 1;
    else k += 1;
  }
  while (k < words.length && (VERB_GROUP.has(lower(k)) || /^\p{L}{3,}ly$/u.test(lower(k)))) k += 1;
  k += 1; // the verb
  if (k < words.length && lower(k) === "to") k += 1;
  return k < words.length ? words[k].start : null;
}

/** Whether Arabic ``holder`` stands right after its verb (see verbObjectStart). */
function afterItsVerb(text, holder) {
  if (!ARABIC.test(text.slice(holder.start, holder.end))) return false;
  const before = text.words.filter((w) => w.end <= holder.start).at(-1);
  if (!before || /[^\s]/u.test(text.slice(before.end, holder.start))) return false;
  return !NOT_A_VERB.has(text.slice(before.start, before.end));
}

/**
 * The noun phrases in ``[from, to)`` a stance may target, cheaply: from each determiner ("the",
 * "a", "their" …), each word right after "that" (أن، إن), each code point in ``opensAt``
 * (verbObjectStart), and (``fromStart``: the range is what a quote says) the range's first
 * word, to the end of its clause, stopping before a verb such as "are" or a word opening
 * another clause ("which", "while"; Arabic "في", "الذي"), at most twelve words and never ending
 * on "and" or a preposition: "the withdrawal of armed groups without their weapons", "a
 * unified position for the Palestinian forces in Syria", "… told AFP that dialogue with JNIM
 * was …" gives "dialogue with JNIM". One word alone is no phrase, except at ``opensAt``. Returns [{start, end}] in
 * reading order, each span once.
 */
export function nounPhrases(text, from, to, { fromStart = false, opensAt = [] } = {}) {
  const words = text.words.filter((w) => w.start >= from && w.end <= to);
  const lower = (w) => text.slice(w.start, w.end).toLowerCase();
  const breaks = (a, b) => text.points.slice(a.end, b.start).some((ch) => CLAUSE_END.has(ch) || OPENING.has(ch) || CLOSING.has(ch));
  const opens = (k) => DETERMINERS.has(lower(words[k]))
    || (k > 0 && THAT_OPENS.has(lower(words[k - 1])) && !breaks(words[k - 1], words[k]))
    || (k === 0 && fromStart)
    || opensAt.includes(words[k].start);
  const found = [];
  const seen = new Set();
  words.forEach((word, k) => {
    if (!opens(k) || PHRASE_STOP.has(lower(word))) return;
    let last = k;
    while (last + 1 < words.length && last - k + 1 < PHRASE_WORDS && !breaks(words[last], words[last + 1])
      && !PHRASE_STOP.has(lower(words[last + 1]))) last += 1;
    while (last > k && PHRASE_TAIL.has(lower(words[last]))) last -= 1;
    const span = { start: word.start, end: text.withoutPossessive(words[last]) };
    // One word alone is no phrase, unless it is the object of the holder's verb: "بالدعوة".
    if ((last > k || opensAt.includes(word.start)) && !seen.has(`${span.start}-${span.end}`)) {
      seen.add(`${span.start}-${span.end}`);
      found.push(span);
    }
  });
  return found;
}
