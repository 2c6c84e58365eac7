// Where the names are in a paragraph, for W and B (the next / previous unlabelled name, in
// reading order): runs of capitalised words in scripts with capitals; in scripts without
// (Arabic, Hebrew, Chinese…, told apart per word) runs of words that sit where names sit,
// read from the word lists of name_words.json (prepared with prepareNameWords).
// Pure: ``text`` is a CodePointText (text.js); results are word indexes.

import { sentenceStart } from "./clauses.js";

const HAS_LETTER = /\p{L}/u;
const HAS_CASE = /[\p{Lu}\p{Ll}\p{Lt}]/u;
const MARKS = /[\p{M}\u0640]/gu; // diacritics, and the tatweel that only stretches a word
const CASELESS_RUN = 4; // words a caseless name has at most (a longer part is no name)
const LONGEST_TITLE = 4; // words of the longest title phrase (a Chinese word may be two segments)
const ARTICLES = /^(the|a|an)$/iu; // capitalised only at a sentence's start

/** Whether ``word`` is written in a script without capitals (a letter, and no cased letter). */
export function caseless(word) {
  return HAS_LETTER.test(word) && !HAS_CASE.test(word);
}

/** ``word`` as the lists spell it: without diacritics and tatweel, NFC. */
export function bare(word) {
  return word.normalize("NFD").replace(MARKS, "").normalize("NFC");
}

/**
 * The lists of name_words.json as sets, the caseless languages merged (their scripts do not
 * overlap), so that looking a word up is cheap; with ``lexicon`` (GET /api/lexicon: the
 * cues, titles and collective nouns the suggestion rules read, an admin's additions
 * included) merged in: a one-word title in a script with capitals ("spokesman") is a title
 * that ends one, a one-word collective noun ("fighters") a head noun, and cues and titles in
 * scripts without capitals are what they are in name_words.json. An empty or missing
 * ``data`` and ``lexicon`` give empty lists: W and B then find capitalised runs only.
 */
export function prepareNameWords(data = {}, lexicon = {}) {
  const cased = data.cased || {};
  const key = (w) => bare(w).toLowerCase().replace(/\s+/gu, " ").trim();
  const set = (list) => new Set((list || []).map(key));
  const languages = Object.values(data.caseless || {});
  const all = (k) => set(languages.flatMap((language) => language[k] || []));
  const oneWord = (w) => !/\s/u.test(w.trim());
  const inScriptWithCapitals = (w) => !caseless(w);
  const lexiconTitles = (lexicon.titles || []);
  const casedTitles = lexiconTitles.filter((w) => inScriptWithCapitals(w) && oneWord(w)).map((w) => w.replace(/\.$/u, ""));
  const caselessTitles = lexiconTitles.filter(caseless);
  const caselessCues = (lexicon.cues || []).filter(caseless);
  const nouns = (lexicon.collective_nouns || []).filter((w) => inScriptWithCapitals(w) && oneWord(w));
  const titles = all("titles");
  for (const phrase of caselessTitles) titles.add(key(phrase));
  const cues = all("cues");
  for (const cue of caselessCues) cues.add(key(cue));
  const union = (a, b) => new Set([...a, ...set(b)]);
  return {
    titles: union(set(cased.titles), casedTitles),
    titleHeads: union(set(cased.title_heads), casedTitles),
    headNouns: union(set(cased.head_nouns), nouns),
    stop: all("stop"),
    cues,
    phrases: titles,
    heads: all("heads"),
    articles: languages.flatMap((language) => language.articles || []).map(bare),
    clitics: languages.flatMap((language) => language.clitics || []).map(bare),
  };
}

const EMPTY = prepareNameWords();

/** Word ``k`` and ``k + 1`` are one phrase: nothing but spaces or a hyphen between them. */
function joinedAfter(text, k) {
  const words = text.words;
  return k + 1 < words.length && /^[\s\-]*$/u.test(text.slice(words[k].end, words[k + 1].start));
}

/**
 * The runs of capitalised words (names: "Khaled Abdel Majid", "Abdel Fattah al-Burhan"), as
 * [first, last] word indexes. A sentence's first word counts only when a capitalised word
 * follows it ("There are" is no name, "Syria and" neither). A title is left out ("Deputy
 * Foreign Minister Faisal Meqdad" gives "Faisal Meqdad"; "Ukraine's Defence Minister Rustem
 * Umerov" gives "Ukraine's" and "Rustem Umerov"), and a lowercase head noun
 * right after is taken in ("Palestinian factions").
 */
function casedRuns(text, lists) {
  const words = text.words;
  const word = (k) => text.slice(words[k].start, words[k].end);
  const cap = (k) => /^\p{Lu}/u.test(word(k));
  const particle = (k) => /^(al|el|bin|ibn|bint|abu|de|van|von)$/iu.test(word(k));
  // Word k links to word k + 1 inside one name.
  const links = (k) => joinedAfter(text, k) && (cap(k + 1) || (particle(k + 1) && joinedAfter(text, k + 1) && cap(k + 2)));
  const runs = [];
  const pushRun = (first, last) => {
    const opensSentence = sentenceStart(text, words[first].start) === words[first].start;
    if (!(opensSentence && last === first)) runs.push([first, last]);
  };
  let k = 0;
  while (k < words.length) {
    if (!cap(k)) { k += 1; continue; }
    let last = k;
    while (links(last)) last += 1;
    const next = last + 1;
    let end = last;
    if (joinedAfter(text, last) && lists.headNouns.has(word(next))) end = next;
    // A title inside: the title words up to the last of its heads are no name, the words
    // before it are one ("Ukraine's Defence Minister Rustem Umerov": "Ukraine's", "Rustem Umerov").
    // A sentence's "The" or "A" is no part of the name ("The Arakan Army said": "Arakan Army").
    const startsSentence = sentenceStart(text, words[k].start) === words[k].start;
    const opening = startsSentence && ARTICLES.test(word(k)) && k < last ? k + 1 : k;
    let first = opening;
    const title = (j) => lists.titles.has(word(j).toLowerCase());
    for (let j = opening; j <= last; j += 1) {
      if (!title(j)) continue;
      let head = -1;
      for (let h = j; h <= last && title(h); h += 1) if (lists.titleHeads.has(word(h).toLowerCase())) head = h;
      if (head === -1) break;
      if (j > opening) runs.push([opening, j - 1]); // a name before a title is one, even a sentence's first word
      first = head + 1;
      break;
    }
    if (first <= end) pushRun(first, end);
    k = end + 1;
  }
  return runs;
}

/**
 * The name-like runs of caseless words (Arabic, Hebrew, Chinese), as [first, last] word
 * indexes. A run is made of caseless words joined by spaces that are neither stop words,
 * reporting verbs nor titles; it is cut before each head noun (وزارة, مخيم: the head, the next
 * word and the words after it that start with an article, "وزارة الصحة"). A part counts when
 * it starts with a head, when it follows a reporting verb or a title ("قال المتحدث باسم …"),
 * when a counted part comes right before it ("وزارة الصحة أشرف القدرة"), or when it is an
 * island in text written with capitals (an Arabic name in an English sentence).
 */
function caselessRuns(text, lists) {
  const words = text.words;
  const raw = words.map((w) => bare(text.slice(w.start, w.end)));
  const isCaseless = raw.map(caseless);
  const lookup = (set, k) => set.has(raw[k])
    || lists.clitics.some((c) => raw[k].startsWith(c) && raw[k].length > c.length + 1 && set.has(raw[k].slice(c.length)));
  // The title phrase starting at k (the longest), as its number of words, or 0.
  const titleAt = (k) => {
    for (let m = Math.min(LONGEST_TITLE, words.length - k); m >= 1; m -= 1) {
      let ok = true;
      for (let j = k; j < k + m - 1; j += 1) if (!joinedAfter(text, j) || !isCaseless[j + 1]) ok = false;
      if (!ok) continue;
      const phrase = bare(text.slice(words[k].start, words[k + m - 1].end)).replace(/\s+/gu, " ");
      if (lists.phrases.has(phrase) || (m === 1 && lookup(lists.phrases, k))) return m;
    }
    return 0;
  };
  const plain = (k) => isCaseless[k] && !lookup(lists.stop, k) && !lookup(lists.cues, k) && titleAt(k) === 0;
  const article = (k) => lists.articles.some((a) => raw[k].startsWith(a) && raw[k].length > a.length + 1);
  const mostlyCased = raw.filter((w) => HAS_CASE.test(w)).length > isCaseless.filter(Boolean).length;
  const runs = [];
  let anchored = false;
  let k = 0;
  while (k < words.length) {
    if (k > 0 && !joinedAfter(text, k - 1)) anchored = false; // punctuation between
    // A word with capitals keeps the place ("مراسل AFP أحمد حسن"), a number does not.
    if (!isCaseless[k]) { anchored = anchored && HAS_CASE.test(raw[k]); k += 1; continue; }
    if (lookup(lists.cues, k)) { anchored = true; k += 1; continue; }
    const title = titleAt(k);
    if (title) { anchored = true; k += title; continue; }
    if (!plain(k)) { anchored = false; k += 1; continue; }
    let last = k;
    while (joinedAfter(text, last) && plain(last + 1)) last += 1;
    const island = mostlyCased && (k === 0 || HAS_CASE.test(raw[k - 1]))
      && (last === words.length - 1 || HAS_CASE.test(raw[last + 1]));
    // Cut the run into parts at its head nouns.
    let i = k;
    while (i <= last) {
      let end;
      const head = lookup(lists.heads, i);
      if (head) {
        end = Math.min(i + 1, last);
        while (end < last && article(end + 1)) end += 1;
      } else {
        end = i;
        while (end < last && !lookup(lists.heads, end + 1)) end += 1;
      }
      const counts = head || anchored || island;
      if (counts && end - i < CASELESS_RUN) runs.push([i, end]);
      anchored = counts;
      i = end + 1;
    }
    anchored = false;
    k = last + 1;
  }
  return runs;
}

/** Every name W and B stop on, as [first, last] word indexes in reading order. ``lists``
 * are the prepared name words (prepareNameWords). */
export function nameRuns(text, lists = EMPTY) {
  return [...casedRuns(text, lists), ...caselessRuns(text, lists)].sort((a, b) => a[0] - b[0]);
}

/**
 * The name W (``step`` 1) or B (-1) selects from word ``index``: the next (previous) one in
 * reading order (in Arabic and Hebrew reading order runs leftward on screen), going round to
 * the first (last) one past the paragraph's end, as [first, last] word indexes; null when
 * there is none. Names inside one of ``labelled`` ({start, end}: the entities already made)
 * are passed over.
 */
export function nameRun(text, index, step, labelled = [], lists = EMPTY) {
  const words = text.words;
  const done = ([first, last]) => labelled.some((e) => e.start <= words[first].start && text.withoutPossessive(words[last]) <= e.end);
  const runs = nameRuns(text, lists).filter((run) => !done(run));
  if (!runs.length) return null;
  if (step > 0) return runs.find(([first]) => first > index) || runs[0];
  const before = runs.filter(([first]) => first < index);
  return before.length ? before[before.length - 1] : runs[runs.length - 1];
}
