// Alias normalisation: the same comparison key as the server's registry.normalise_alias.

// Python's str.split() white space (str.isspace), which is not JavaScript's \s: Python also
// splits on U+001C–U+001F and U+0085, and does not split on U+FEFF.
const PYTHON_SPACE = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/u;
// Cherokee folds to its capital letters (they came first in Unicode), unlike every other script.
const CHEROKEE = /^[\u13a0-\u13f5\u13f8-\u13fd\uab70-\uabbf]$/u;
const DOTLESS_I = "\u0131";

/**
 * Python's str.casefold() for one code point. Upper- then lower-casing gives the full case
 * folding (ß→ss, ŉ→ʼn, İ→i̇, ΐ decomposed, ꭰ→Ꭰ aside) for every character of Unicode 14 but
 * three: dotless ı stays ı, capital ẞ goes to ss, and Cherokee goes to capitals. One code
 * point at a time, because toLowerCase() on a whole string turns a final Σ into ς, which
 * casefold never does.
 *
 * Checked against CPython 3.11 (Unicode 14) for every assigned code point, alone and between
 * letters. Characters added to Unicode after the server's Python knew them (Unicode 15 on:
 * the Garay capitals, the new Latin letters A7CB–A7DC, ...) are folded here but left alone
 * by that Python, so aliases in them may not match; they are not in the shared fixture.
 */
function foldCodePoint(c) {
  if (c === DOTLESS_I) return c;
  if (CHEROKEE.test(c)) return c.toUpperCase();
  return c.toUpperCase().toLowerCase().replace(/\u00df/g, "ss");
}

/**
 * The key aliases are compared by, exactly as the server computes it (NFKC, case-folded,
 * curly apostrophes straight, Arabic short vowels and tatweel dropped, dashes and
 * underscores as spaces, white space folded), so the page offers "propose as alias" and
 * links a span to an actor exactly when the server would consider the alias known.
 */
export function normaliseAlias(value) {
  let folded = "";
  for (const c of value.normalize("NFKC")) folded += foldCodePoint(c);
  return folded
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u064B-\u065F\u0670\u0640]/g, "")
    .replace(/[-\u2010-\u2015\u2212_]+/g, " ")
    .split(PYTHON_SPACE)
    .filter(Boolean)
    .join(" ");
}
