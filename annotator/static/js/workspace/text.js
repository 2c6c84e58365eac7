// Offsets: the server speaks Unicode code points (Python string indexes); the DOM speaks
// UTF-16 code units. Every conversion between the two lives here.

const WORD_SEGMENTER = new Intl.Segmenter(undefined, { granularity: "word" });
const GRAPHEME_SEGMENTER = new Intl.Segmenter(undefined, { granularity: "grapheme" });
const POSSESSIVE = /['\u2019]s$/i;
// Quotation marks a drag may start or end on: with the punctuation that comes before a
// closing mark (“... Yarmouk,”) and the one space French sets inside guillemets (« nous »).
const OPENING_MARKS = /["“«„‘‹']+\s?$/u;
const BRACKETS = [["(", ")"], ["[", "]"], ["{", "}"]];
const CLOSING_MARKS = /^[,.;:!?…]*\s?["”»“’›']+/u;

/** The paragraph text with code-point indexing, words and grapheme boundaries. */
export class CodePointText {
  constructor(text) {
    this.text = text;
    this.points = Array.from(text); // one entry per code point
    this.length = this.points.length;
    // utf16At[i]: the UTF-16 index where code point i starts (utf16At[length] = text.length).
    this.utf16At = new Array(this.length + 1);
    let unit = 0;
    for (let i = 0; i < this.length; i += 1) {
      this.utf16At[i] = unit;
      unit += this.points[i].length;
    }
    this.utf16At[this.length] = unit;
    this.words = [];
    for (const part of WORD_SEGMENTER.segment(text)) {
      if (part.isWordLike) {
        this.words.push({
          start: this.toCodePoint(part.index),
          end: this.toCodePoint(part.index + part.segment.length),
        });
      }
    }
    this.graphemeBoundaries = new Set([this.length]);
    for (const part of GRAPHEME_SEGMENTER.segment(text)) {
      this.graphemeBoundaries.add(this.toCodePoint(part.index));
    }
  }

  /** The code-point index of a UTF-16 index (rounded down inside a surrogate pair). */
  toCodePoint(utf16Index) {
    let low = 0;
    let high = this.length;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.utf16At[middle] <= utf16Index) low = middle;
      else high = middle - 1;
    }
    return low;
  }

  /** The UTF-16 index of a code-point index. */
  toUtf16(codePoint) {
    return this.utf16At[Math.max(0, Math.min(codePoint, this.length))];
  }

  /** text[start:end] in code points, as Python slices. */
  slice(start, end) {
    return this.points.slice(start, end).join("");
  }

  /**
   * Widen a selection to whole words and trim the space and punctuation at its edges.
   * A possessive ending ('s) is left out unless the selection reached into it.
   * Returns null when the selection holds no word at all.
   *
   * When the drag itself started on an opening quotation mark right before its first word,
   * or ended on a closing one after its last, ``quoted`` is the selection with those marks:
   * a quote (Q) takes it, so that quoted speech can be selected with its marks without Alt,
   * while a label key still takes the words alone.
   */
  snapToWords(start, end) {
    const touched = this.words.filter((word) => word.end > start && word.start < end);
    if (touched.length === 0) return null;
    const first = touched[0];
    const last = touched[touched.length - 1];
    let snappedEnd = last.end;
    const lastText = this.slice(last.start, last.end);
    if (POSSESSIVE.test(lastText) && end <= last.end - 2 && last.end - 2 > last.start) {
      snappedEnd = last.end - 2;
    }
    const snapped = this.balanceBrackets({ start: first.start, end: snappedEnd });
    const opening = start < first.start ? OPENING_MARKS.exec(this.slice(start, first.start)) : null;
    const closing = end > last.end ? CLOSING_MARKS.exec(this.slice(last.end, end)) : null;
    if (opening || closing) {
      snapped.quoted = {
        start: opening ? first.start - Array.from(opening[0]).length : snapped.start,
        end: closing ? last.end + Array.from(closing[0]).length : snapped.end,
      };
    }
    return snapped;
  }

  /**
   * ``span`` widened over the brackets right outside it that close (or open) one it leaves
   * open: words stop before punctuation, so "… Central (EMC" would otherwise be the most a
   * selection could reach of "… Central (EMC)".
   */
  balanceBrackets(span) {
    let { start, end } = span;
    for (const [open, close] of BRACKETS) {
      let depth = 0;
      for (const ch of this.points.slice(start, end)) {
        if (ch === open) depth += 1;
        else if (ch === close) depth -= 1;
      }
      while (depth > 0 && this.points[end] === close) { end += 1; depth -= 1; }
      while (depth < 0 && this.points[start - 1] === open) { start -= 1; depth += 1; }
    }
    return { start, end };
  }

  /** Widen a selection to whole graphemes, so an emoji or a letter with its marks is never split. */
  snapToGraphemes(start, end) {
    let snappedStart = start;
    while (snappedStart > 0 && !this.graphemeBoundaries.has(snappedStart)) snappedStart -= 1;
    let snappedEnd = end;
    while (snappedEnd < this.length && !this.graphemeBoundaries.has(snappedEnd)) snappedEnd += 1;
    return snappedStart < snappedEnd ? { start: snappedStart, end: snappedEnd } : null;
  }

  /** Where a word ends once a possessive ending ('s, ’s) is left out. */
  withoutPossessive(word) {
    const text = this.slice(word.start, word.end);
    return POSSESSIVE.test(text) && word.end - 2 > word.start ? word.end - 2 : word.end;
  }

  /** The index of the word containing or following code point ``at``. */
  wordIndexAt(at) {
    const index = this.words.findIndex((word) => word.end > at);
    return index === -1 ? this.words.length - 1 : index;
  }
}

/** The code-point offset of a DOM point (node, UTF-16 offset) inside ``container``. */
export function codePointOffset(container, text, node, offset) {
  const range = document.createRange();
  range.setStart(container, 0);
  range.setEnd(node, offset);
  return text.toCodePoint(range.toString().length);
}

/**
 * The quote type the quotation marks suggest: DIRECT when the content is quoted whole,
 * MIXED when quoted in part, INDIRECT otherwise. ``text`` is a CodePointText.
 */
export function suggestQuoteType(text, start, end) {
  const opening = "\"“«„'‘";
  const closing = "\"”»“'’";
  // Look past white space before the content, and past white space and punctuation after
  // it: in “... notably Yarmouk,” said Meqdad the comma stands between content and mark.
  const before = text.slice(Math.max(0, start - 3), start).replace(/\s+$/u, "");
  const after = text.slice(end, end + 4).replace(/^[\s,.;:!?]+/u, "");
  const inside = text.slice(start, end);
  const wrapped =
    (before !== "" && opening.includes(before[before.length - 1]) && after !== "" && closing.includes(after[0])) ||
    (opening.includes(inside[0]) && closing.includes(inside[inside.length - 1]));
  if (wrapped) return "DIRECT";
  if (/["“”«»]/u.test(inside)) return "MIXED";
  return "INDIRECT";
}
