// Quotes and stances, made in steps: speaker then cue for a quote; target, polarity, quote for a stance.

import { suggestQuoteType } from "./text.js";
import { showMessage } from "./view.js";

/**
 * The step-by-step making of quotes and stances on ``state``. Each step sets
 * ``state.mode`` (whose candidates state.candidates() lists); ``choose`` answers a step
 * with a candidate, the selected words, or nothing. ``changed`` saves, ``render`` redraws.
 */
export function createModes({ state, changed, render }) {
  function enter(mode) {
    state.mode = mode;
    state.candidateIndex = -1;
  }

  /** Q: the selected words become a quote's content; then its speaker is asked for. */
  function startQuote() {
    if (state.readOnly) return;
    if (!state.selection) {
      showMessage("Select the words that were said, then press Q.");
      return;
    }
    // With the quotation marks the drag started or ended on, when it did.
    const { start, end } = state.selection.quoted ?? state.selection;
    const quote = state.annotation.addQuote({ start, end }, suggestQuoteType(state.text, start, end));
    state.selection = null;
    state.selected = { kind: "quote", id: quote.id };
    startSpeakerMode(quote.id);
    changed();
  }

  function startSpeakerMode(quoteId) {
    enter({ kind: "quote-speaker", quoteId });
    render();
  }

  function startCueMode(quoteId) {
    enter({ kind: "quote-cue", quoteId });
    render();
  }

  /** S: the selected entity holds a stance; its target is asked for. */
  function startStance() {
    if (state.readOnly) return;
    if (!state.selected || state.selected.kind !== "entity") {
      showMessage("Select the entity that holds the stance (click it, or [ and ]), then press S.");
      return;
    }
    enter({ kind: "stance-target", holder: state.selected.id });
    state.selection = null;
    render();
  }

  /** Answer the current step with ``candidate`` (or, with none, the selected words, or nothing). */
  function choose(candidate) {
    const m = state.mode;
    const a = state.annotation;
    if (m.kind === "quote-speaker") {
      a.quote(m.quoteId).speaker = candidate ? candidate.id : null;
      startCueMode(m.quoteId);
      changed();
      return;
    }
    if (m.kind === "quote-cue") {
      const quote = a.quote(m.quoteId);
      if (candidate) {
        quote.cue = { start: candidate.start, end: candidate.end };
        const suggestion = state.suggestion(candidate.id);
        if (suggestion) a.decide(suggestion, "accepted");
      } else if (state.selection) {
        quote.cue = { start: state.selection.start, end: state.selection.end };
      } else {
        quote.cue = null;
      }
      state.mode = null;
      state.selection = null;
      showMessage(`Quote ${quote.id} done: ${quote.type.toLowerCase()}; change its type with D, I or M.`);
      changed();
      return;
    }
    if (m.kind === "stance-target") {
      let target = null;
      if (candidate) target = candidate.id;
      else if (state.selection) target = { start: state.selection.start, end: state.selection.end };
      if (target === null) {
        showMessage("Pick a target entity or select the words naming the target first.");
        return;
      }
      state.mode = { kind: "stance-polarity", holder: m.holder, target };
      state.selection = null;
      render();
      return;
    }
    if (m.kind === "stance-quote") {
      a.stance(m.stanceId).quote = candidate ? candidate.id : null;
      state.mode = null;
      changed();
    }
  }

  /** +, - or =: the stance is made; then the quote expressing it, if there are quotes. */
  function choosePolarity(polarity) {
    const m = state.mode;
    const stance = state.annotation.addStance(m.holder, m.target, polarity);
    state.selected = { kind: "stance", id: stance.id };
    if (state.annotation.quotes.length) enter({ kind: "stance-quote", stanceId: stance.id });
    else state.mode = null;
    changed();
  }

  /** Esc during a step: stop there (what was made so far stays). */
  function stop() {
    state.mode = null;
    state.selection = null;
    showMessage("Stopped.");
    render();
  }

  return { startQuote, startSpeakerMode, startCueMode, startStance, choose, choosePolarity, stop };
}
