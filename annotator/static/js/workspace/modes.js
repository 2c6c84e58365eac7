// Quotes and stances, made in steps: speaker then cue for a quote; target, polarity, quote for a stance.

import { proposeContent } from "./clauses.js";
import {
  continuedQuote, pronounSpeaker, proposeSpeakerAndCue, saidByPronoun, speakerTiers, stanceFromQuote, stanceTargets,
} from "./proposals.js";
import { quotesRelatedTo } from "./state.js";
import { suggestQuoteType } from "./text.js";
import { showMessage } from "./view.js";

/**
 * The step-by-step making of quotes and stances on ``state``. Each step sets
 * ``state.mode`` (whose candidates state.candidates() lists); ``choose`` answers a step
 * with a candidate, the selected words, or nothing. ``changed`` saves, ``render`` redraws.
 */
/** A stance target from a Tab candidate: an entity's id, or a noun phrase's words. */
const candidateTarget = (c) => (c.kind === "phrase" ? { start: c.start, end: c.end } : c.id);

export function createModes({ state, changed, render, selectSpan }) {
  const tiers = speakerTiers(state.labels.entity_types);

  function enter(mode) {
    state.mode = mode;
    state.candidateIndex = -1;
  }

  /**
   * Q: the selected words become a quote's content; then its speaker is asked for. With no
   * words selected but a reporting verb focused (Tab), what was said next to that verb is
   * taken as the content (clauses.js proposeContent) and the verb as the cue. With neither,
   * on a selected stance, the quote that expresses it is asked for again (askStanceQuote).
   */
  function startQuote() {
    if (state.readOnly) return;
    const focused = state.suggestion(state.focusedSuggestion);
    const fromCue = !state.selection && focused && focused.kind === "cue" ? focused : null;
    const stance = state.selectedItem("stance");
    if (stance && !state.selection && !fromCue && state.annotation.quotes.length) {
      askStanceQuote(stance);
      render();
      return;
    }
    const cues = state.openSuggestions().filter((s) => s.kind === "cue");
    let span = null;
    if (state.selection) span = state.selection.quoted ?? state.selection; // with the marks dragged over
    else if (fromCue) span = proposeContent(state.text, fromCue, cues);
    if (!span) {
      showMessage("Select the words that were said (or Tab to a dotted reporting verb), then press Q.");
      return;
    }
    const { start, end } = span;
    const quote = state.annotation.addQuote({ start, end }, suggestQuoteType(state.text, start, end));
    state.selection = null;
    state.focusedSuggestion = null;
    state.selected = { kind: "quote", id: quote.id };
    // The speaker and the cue are proposed, so that Enter takes both.
    const others = state.annotation.quotes.filter((q) => q.id !== quote.id);
    let proposal = proposeSpeakerAndCue(state.annotation.entities, cues, quote.content, {
      tiers,
      cue: fromCue,
      text: state.text,
      quotes: others,
    });
    // A quotation with no reporting verb of its own right after a quote goes on with it:
    // that quote's speaker and cue are proposed ("… told AFP. “No supplies …”").
    const earlier = proposal.cue ? null : continuedQuote(others, quote.content, state.text);
    if (earlier) {
      const suggested = state.suggestions.find((s) => s.kind === "cue" && s.start === earlier.cue.start && s.end === earlier.cue.end);
      proposal = { speaker: earlier.speaker ?? proposal.speaker, cue: suggested ?? { kind: "cue", ...earlier.cue } };
    } else if (proposal.cue && saidByPronoun(state.text, proposal.cue)) {
      // "…,” he said: who was named or spoke just before, not the nearest name.
      const speaker = pronounSpeaker(state.text, state.annotation.entities, others, quote.content, tiers);
      proposal = { ...proposal, speaker: speaker ?? proposal.speaker };
    }
    startSpeakerMode(quote.id, proposal);
    changed();
  }

  /** P and C: pick the selected quote's speaker or cue again (the panel's buttons). */
  function pickForQuote(what) {
    if (state.readOnly) return;
    const quote = state.selectedItem("quote");
    if (!quote) {
      showMessage(`Select a quote first ({ and } walk the quotes), then press ${what === "cue" ? "C" : "P"}.`);
      return;
    }
    if (what === "cue") startCueMode(quote.id);
    else startSpeakerMode(quote.id);
  }

  /** The quote's speaker is asked for: ``proposal.speaker`` focused, ``proposal.cue`` taken with it. */
  function startSpeakerMode(quoteId, proposal = { speaker: null, cue: null }) {
    enter({ kind: "quote-speaker", quoteId, proposedSpeaker: proposal.speaker, proposedCue: proposal.cue });
    state.candidateIndex = state.candidates().findIndex((c) => c.id === proposal.speaker);
    render();
  }

  /**
   * The quote's cue is asked for, ``proposedCue`` (a cue suggestion) focused when given. With
   * ``selectCue`` (the proposed cue was passed over with Shift+Enter) its words are selected
   * instead, so that Shift+Right widens "told" to "told AFP" and Enter takes it.
   */
  function startCueMode(quoteId, proposedCue = null, selectCue = false) {
    enter({ kind: "quote-cue", quoteId });
    if (proposedCue && selectCue) selectSpan(proposedCue);
    else if (proposedCue) state.candidateIndex = state.candidates().findIndex((c) => c.id === proposedCue.id);
    render();
  }

  /**
   * S: the selected entity holds a stance, or, with a quote selected, the quote's speaker
   * holds one that the quote expresses, its entities offered as targets (the first focused).
   * Shift+S (``bySubject``) on a quote: the stance is held by the first actor the quote's
   * content names, its subject as a rule (guidelines §2: "“Syria and the PLO are determined to
   * fight terrorism,” said Meqdad" is Syria's stance), what follows it offered first. Again,
   * either gives an actor sharing that subject (the PLO), with the target the other holder
   * took offered first (proposals.js stanceFromQuote). The target is asked for next; a
   * polarity key then makes the stance at once.
   */
  function startStance(bySubject = false) {
    if (state.readOnly) return;
    const quote = state.selectedItem("quote");
    if (quote) {
      const a = state.annotation;
      const { holder, shared, done } = stanceFromQuote(state.text, a.entities, a.stances, quote, { bySubject, tiers });
      if (!holder) {
        showMessage(bySubject
          ? `What quote ${quote.id} says names no actor to hold a stance: select the holder entity and press S.`
          : `Quote ${quote.id} has no speaker to hold a stance: give it one first, or select the holder entity and press S.`);
        return;
      }
      const targets = stanceTargets(state.text, a.entities, { holder, content: quote.content, shared, done });
      enter({ kind: "stance-target", holder, holderText: wordsOf(holder), quote: quote.id, targets });
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
    const holder = state.selected.id;
    enter({
      kind: "stance-target", holder, holderText: wordsOf(holder),
      targets: stanceTargets(state.text, state.annotation.entities, { holder }),
    });
    state.selection = null;
    render();
  }

  /**
   * Answer the current step with ``candidate`` (or, with none, the selected words, or nothing).
   * ``speakerOnly`` (Shift+Enter on the speaker): the proposed cue is not taken with it.
   */
  function choose(candidate, speakerOnly = false) {
    const m = state.mode;
    const a = state.annotation;
    if (m.kind === "quote-speaker") {
      const quote = a.quote(m.quoteId);
      quote.speaker = candidate ? candidate.id : null;
      if (speakerOnly) {
        startCueMode(m.quoteId, m.proposedCue, true);
        changed();
        return;
      }
      if (candidate && candidate.id === m.proposedSpeaker && m.proposedCue && !quote.cue) {
        // The proposed speaker (Enter, or a click on it) takes the proposed cue too: done.
        quote.cue = { start: m.proposedCue.start, end: m.proposedCue.end };
        if (m.proposedCue.id) a.decide(m.proposedCue, "accepted"); // not a cue selected by hand
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
      if (candidate) target = candidateTarget(candidate);
      else if (state.selection) target = { start: state.selection.start, end: state.selection.end };
      if (target === null) {
        showMessage("Pick a target entity or select the words naming the target first.");
        return;
      }
      if (takesInHolder(target, m.holder)) return;
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

  /** Whether the words ``target`` take in the holder's own (a proposition never holds the one
   * whose stance it is: "الدولة لن تسمح بوجود"); if so the step stays and says why. */
  function takesInHolder(target, holderId) {
    const holder = state.annotation.entity(holderId);
    if (typeof target === "string" || !holder || target.start >= holder.end || holder.start >= target.end) return false;
    showMessage(`The target takes in the holder “${wordsOf(holderId)}”: select other words, or Tab to a target.`);
    return true;
  }

  /** The words of entity ``id`` (the mode line names the holder). */
  const wordsOf = (id) => {
    const e = state.annotation.entity(id);
    return e ? state.text.slice(e.start, e.end) : "";
  };

  /** The quotes that may express ``stance``: said by its holder or naming it, and holding
   * the words it targets (state.js). */
  const relatedQuotes = (stance) => {
    const a = state.annotation;
    return quotesRelatedTo(a.entity(stance.holder), a.quotes, a.entities, stance.target);
  };

  /**
   * The quote expressing ``stance`` is asked for, the first related quote (in text order)
   * focused so that Enter takes it; Tab still goes through every quote, N answers none.
   */
  function askStanceQuote(stance, related = relatedQuotes(stance)) {
    enter({ kind: "stance-quote", stanceId: stance.id });
    if (related.length) state.candidateIndex = state.candidates().findIndex((c) => c.id === related[0].id);
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
   * expressed by that quote; otherwise the quote expressing it is asked for only when a quote
   * is said by its holder or names it (no key spent on a question with no likely answer):
   * Q on the selected stance asks anyway.
   */
  function choosePolarity(polarity) {
    const m = state.mode;
    if (!m || (m.kind !== "stance-target" && m.kind !== "stance-polarity")) return;
    let target = m.target;
    if (m.kind === "stance-target") {
      const focused = state.candidateIndex >= 0 ? state.candidates()[state.candidateIndex] : null;
      if (focused) target = candidateTarget(focused);
      else if (state.selection) target = { start: state.selection.start, end: state.selection.end };
      else {
        showMessage("Pick a target entity (Tab) or select the words naming the target first.");
        return;
      }
      if (takesInHolder(target, m.holder)) return;
      state.selection = null;
    }
    const holder = state.annotation.entity(m.holder);
    const stance = state.annotation.addStance(m.holder, target, polarity);
    state.selected = { kind: "stance", id: stance.id };
    state.mode = null;
    if (m.quote) stance.quote = m.quote;
    else {
      const related = relatedQuotes(stance);
      const namedIn = (q) => holder && holder.start >= q.content.start && holder.end <= q.content.end;
      if (related.length === 1 && namedIn(related[0])) {
        // The one quote that names the holder expresses its stance (guidelines §2: "Syria and
        // the PLO are determined to fight terrorism," said Meqdad): linked without asking.
        stance.quote = related[0].id;
        showMessage(`Stance ${stance.id} made, in ${related[0].id}, the quote that names its holder. Q links another.`);
      } else if (related.length) askStanceQuote(stance, related);
      else if (state.annotation.quotes.length) {
        showMessage(`Stance ${stance.id} made with no quote: no quote is said by its holder or names it. Q links one.`);
      }
    }
    changed();
  }

  /** Esc during a step: stop there (what was made so far stays). */
  function stop() {
    state.mode = null;
    state.selection = null;
    showMessage("Stopped.");
    render();
  }

  return { startQuote, startSpeakerMode, startCueMode, pickForQuote, startStance, choose, choosePolarity, stop };
}
