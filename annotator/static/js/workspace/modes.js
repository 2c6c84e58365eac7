// Quotes and stances, made in steps: speaker then cue for a quote; target, polarity, quote for a stance.

import { proposeSpeakerAndCue, quoteTargets } from "./proposals.js";
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
    // The speaker and the cue are proposed, so that Enter takes both.
    const cues = state.openSuggestions().filter((s) => s.kind === "cue");
    const proposal = proposeSpeakerAndCue(state.annotation.entities, cues, quote.content);
    startSpeakerMode(quote.id, proposal);
    changed();
  }

  /** The quote's speaker is asked for: ``proposal.speaker`` focused, ``proposal.cue`` taken with it. */
  function startSpeakerMode(quoteId, proposal = { speaker: null, cue: null }) {
    enter({ kind: "quote-speaker", quoteId, proposedSpeaker: proposal.speaker, proposedCue: proposal.cue });
    state.candidateIndex = state.candidates().findIndex((c) => c.id === proposal.speaker);
    render();
  }

  /** The quote's cue is asked for, ``proposedCue`` (a cue suggestion) focused when given. */
  function startCueMode(quoteId, proposedCue = null) {
    enter({ kind: "quote-cue", quoteId });
    if (proposedCue) state.candidateIndex = state.candidates().findIndex((c) => c.id === proposedCue.id);
    render();
  }

  /**
   * S: the selected entity holds a stance, or, with a quote selected, the quote's speaker
   * holds one that the quote expresses, its entities offered as targets (the first focused).
   * The target is asked for next; a polarity key then makes the stance at once.
   */
  function startStance() {
    if (state.readOnly) return;
    const quote = state.selectedItem("quote");
    if (quote) {
      if (!quote.speaker) {
        showMessage(`Quote ${quote.id} has no speaker to hold a stance: give it one first, or select the holder entity and press S.`);
        return;
      }
      const targets = quoteTargets(state.annotation.entities, quote.content, quote.speaker);
      enter({ kind: "stance-target", holder: quote.speaker, quote: quote.id, targets: targets.map((e) => e.id) });
      const first = targets[0];
      if (first && first.start >= quote.content.start && first.end <= quote.content.end) state.candidateIndex = 0;
      state.selection = null;
      render();
      return;
    }
    if (!state.selected || state.selected.kind !== "entity") {
      showMessage("Select the entity that holds the stance (click it, or [ and ]), or a quote, then press S.");
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
      const quote = a.quote(m.quoteId);
      quote.speaker = candidate ? candidate.id : null;
      if (candidate && candidate.id === m.proposedSpeaker && m.proposedCue && !quote.cue) {
        // The proposed speaker (Enter, or a click on it) takes the proposed cue too: done.
        quote.cue = { start: m.proposedCue.start, end: m.proposedCue.end };
        a.decide(m.proposedCue, "accepted");
        finishQuote(quote);
        return;
      }
      startCueMode(m.quoteId, m.proposedCue);
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
      finishQuote(quote);
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
      state.mode = { kind: "stance-polarity", holder: m.holder, target, quote: m.quote };
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

  function finishQuote(quote) {
    state.mode = null;
    state.selection = null;
    showMessage(`Quote ${quote.id} done: ${quote.type.toLowerCase()}; change its type with D, I or M.`);
    changed();
  }

  /**
   * +, - or =: the stance is made, its target the one chosen, or (pressed while the target is
   * asked for) the focused candidate or the selected words. A stance made from a quote is
   * expressed by that quote; otherwise the quote expressing it is asked for, if there are any.
   */
  function choosePolarity(polarity) {
    const m = state.mode;
    let target = m.target;
    if (m.kind === "stance-target") {
      const focused = state.candidateIndex >= 0 ? state.candidates()[state.candidateIndex] : null;
      if (focused) target = focused.id;
      else if (state.selection) target = { start: state.selection.start, end: state.selection.end };
      else {
        showMessage("Pick a target entity (Tab) or select the words naming the target first.");
        return;
      }
      state.selection = null;
    }
    const stance = state.annotation.addStance(m.holder, target, polarity);
    state.selected = { kind: "stance", id: stance.id };
    if (m.quote) {
      stance.quote = m.quote;
      state.mode = null;
    } else if (state.annotation.quotes.length) enter({ kind: "stance-quote", stanceId: stance.id });
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
