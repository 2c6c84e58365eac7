// Choosing words: mouse drags and clicks on the paragraph, and the keyboard's word cursor.

import { clauseEndWord, nextClauseWord, previousClauseWord } from "./clauses.js";
import { loadNameWords, nameWords } from "./name_words.js";
import { nameRun } from "./names.js";
import { codePointOffset } from "./text.js";
import * as view from "./view.js";

/**
 * Selection on ``state`` over the paragraph element ``textBox``: a drag becomes whole words
 * (Alt: whole graphemes), a click picks the span under it (or a candidate in a mode), the
 * arrow keys move a word cursor. ``choose`` answers a mode's step, ``acceptSuggestion`` and
 * ``select`` act on what was clicked, ``render`` redraws.
 */
export function createSelection({ state, textBox, render, choose, acceptSuggestion, select }) {
  loadNameWords(); // W and B read the name word lists (main.js awaits them before the page is ready)
  function onMouseUp(event) {
    const text = state.text;
    const selection = window.getSelection();
    if (selection && !selection.isCollapsed && selection.rangeCount) {
      const range = selection.getRangeAt(0);
      if (!range.intersectsNode(textBox)) return;
      // A drag that starts or ends outside the paragraph is cut to the paragraph.
      const whole = document.createRange();
      whole.selectNodeContents(textBox);
      const a = range.compareBoundaryPoints(Range.START_TO_START, whole) <= 0
        ? 0 : codePointOffset(textBox, text, range.startContainer, range.startOffset);
      const b = range.compareBoundaryPoints(Range.END_TO_END, whole) >= 0
        ? text.length : codePointOffset(textBox, text, range.endContainer, range.endOffset);
      const [from, to] = [Math.min(a, b), Math.max(a, b)];
      const snapped = event.altKey ? text.snapToGraphemes(from, to) : text.snapToWords(from, to);
      selection.removeAllRanges();
      if (snapped) {
        state.selection = snapped;
        state.anchorWord = text.wordIndexAt(snapped.start);
        state.cursorWord = text.wordIndexAt(Math.max(snapped.start, snapped.end - 1));
        state.focusedSuggestion = null;
        state.candidateIndex = -1;
        if (!state.mode) state.selected = null;
      }
      render();
      textBox.focus();
      return;
    }
    if (!textBox.contains(event.target)) return;
    const segment = event.target.closest && event.target.closest(".seg");
    if (!segment) return;
    clickAt(Number(segment.dataset.start));
    textBox.focus();
  }

  /** A click at code point ``at``: the shortest span there; a second click, the next one around it. */
  function clickAt(at) {
    const covering = (item) => item.start <= at && item.end > at;
    const byLength = (x, y) => (x.end - x.start) - (y.end - y.start);
    if (state.mode) {
      // A click picks an entity (noun phrases are for Tab; a drag selects other words).
      const found = state.candidates().filter((c) => c.kind !== "phrase" && covering(c)).sort(byLength);
      if (found.length) choose(found[0]);
      return;
    }
    const open = state.openSuggestions();
    const options = [
      ...open.filter((s) => s.kind === "entity" && covering(s)).map((s) => ({ kind: "suggestion", item: s })),
      ...state.annotation.entities.filter(covering).map((e) => ({ kind: "entity", item: e })),
    ].sort((x, y) => byLength(x.item, y.item));
    state.selection = null;
    if (!options.length) {
      const cue = open.find((s) => s.kind === "cue" && covering(s));
      state.focusedSuggestion = cue ? cue.id : null;
      state.selected = null;
      render();
      return;
    }
    // A click on the selected entity moves on to the next span around the same spot.
    const current = options.findIndex((o) => o.kind === "entity" && state.isSelected("entity", o.item.id));
    const option = options[current === -1 ? 0 : (current + 1) % options.length];
    if (option.kind === "suggestion") acceptSuggestion(option.item);
    else select({ kind: "entity", id: option.item.id });
  }

  /**
   * During a step, the candidate Tab is on becomes the selection that Shift and an arrow then
   * widen or narrow at its end: a proposed phrase one word too long ("بتطبيق اتفاق سنجار
   * الموقع") is one Shift+Left from the target, and a focused cue ("told") one Shift+Right
   * from "told AFP".
   */
  function takeFocusedCandidate() {
    // Only where selected words answer the step: a stance's target, a quote's cue.
    if (!state.mode || !["stance-target", "quote-cue"].includes(state.mode.kind) || state.candidateIndex < 0) return;
    const candidate = state.candidates()[state.candidateIndex];
    if (!candidate) return;
    state.anchorWord = state.text.wordIndexAt(candidate.start);
    state.cursorWord = state.text.wordIndexAt(Math.max(candidate.start, candidate.end - 1));
  }

  /** Left and right arrows: the word cursor moves one word; with Shift the selection grows. */
  function moveCursor(step, extend) {
    const words = state.text.words;
    if (!words.length) return;
    if (extend) takeFocusedCandidate();
    if (state.cursorWord === null) state.cursorWord = step > 0 ? -1 : words.length;
    setCursor(state.cursorWord + step, extend);
  }

  /** Put the word cursor on word ``index``; with ``extend`` the selection grows from its anchor. */
  function setCursor(index, extend) {
    const text = state.text;
    const words = text.words;
    state.cursorWord = Math.max(0, Math.min(words.length - 1, index));
    if (!extend || state.anchorWord === null) state.anchorWord = state.cursorWord;
    const first = words[Math.min(state.anchorWord, state.cursorWord)];
    const last = words[Math.max(state.anchorWord, state.cursorWord)];
    // As with the mouse, a possessive ending stays out: "ISIS’s" selects "ISIS".
    state.selection = text.snapToWords(first.start, Math.max(first.start + 1, text.withoutPossessive(last)));
    // The cursor on a suggested entity focuses that suggestion: Enter accepts it, X rejects
    // it, a label key still labels the selected words (the shortest suggestion around wins).
    const { start, end } = state.selection;
    const around = state.openSuggestions()
      .filter((s) => s.kind === "entity" && s.start <= start && s.end >= end)
      .sort((a, b) => (a.end - a.start) - (b.end - b.start));
    state.focusedSuggestion = around.length ? around[0].id : null;
    state.candidateIndex = -1;
    if (!state.mode) state.selected = null;
    render();
  }

  /**
   * Ctrl+Right and Ctrl+Left: the word cursor jumps to the first word of the next (previous)
   * clause; with Shift the selection grows to the end of the clause (the word before the next
   * punctuation or quotation mark), or back to its start.
   */
  function jumpClause(step, extend) {
    const text = state.text;
    if (!text.words.length) return;
    if (extend) takeFocusedCandidate();
    const at = state.cursorWord ?? (step > 0 ? -1 : text.words.length);
    let index;
    if (extend) index = step > 0 ? clauseEndWord(text, at) : previousClauseWord(text, at);
    else index = step > 0 ? (at < 0 ? 0 : nextClauseWord(text, at)) : previousClauseWord(text, at);
    setCursor(index, extend);
  }

  /** W and B: select the next (previous) name in reading order (names.js: capitalised words,
   * or in scripts without capitals words where names sit), whole, passing over the names
   * already labelled and going round at the paragraph's end. */
  function selectName(step) {
    const text = state.text;
    const at = state.cursorWord ?? (step > 0 ? -1 : text.words.length);
    const run = nameRun(text, at, step, state.annotation.entities, nameWords());
    if (!run) {
      view.showMessage("No unlabelled name in this paragraph.");
      return;
    }
    state.anchorWord = null;
    setCursor(run[0], false);
    setCursor(run[1], true);
  }

  /** Select the words of ``span`` ({start, end}) with the word cursor on its last word. */
  function selectSpan(span) {
    const text = state.text;
    state.anchorWord = text.wordIndexAt(span.start);
    setCursor(text.wordIndexAt(Math.max(span.start, span.end - 1)), true);
  }

  return { onMouseUp, moveCursor, setCursor, jumpClause, selectName, selectSpan };
}
