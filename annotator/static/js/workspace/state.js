// The workspace state: what the page holds about one paragraph, and what is derived from it.

// Offsets held here are code points (see text.js). Nothing here touches the DOM.

import { Annotation, rulesFromLabels } from "./model.js";
import { CodePointText } from "./text.js";

const entityCandidate = (e) => ({ kind: "entity", id: e.id, start: e.start, end: e.end });

/**
 * The quotes that may express a stance held by ``holder`` (an entity), in text order: the
 * ones it said (it is their speaker) and the ones whose content names it (guidelines §2:
 * Meqdad says "Syria and the PLO are determined to fight terrorism", which expresses Syria's
 * stance). Another mention linked to the same actor counts as the holder. With ``target``
 * the words a stance targets (not an entity's id), only the quotes that hold those words. The
 * page asks for a stance's quote only when there is one: otherwise the question would cost a
 * key for nothing.
 */
export function quotesRelatedTo(holder, quotes, entities, target = null) {
  if (!holder) return [];
  // Words proposed as the target ({start, end}) are what a quote expressing the stance says:
  // a quote that does not hold them does not express it ("The government, which has refused
  // to negotiate directly with the M23, says the rebels are a proxy of Rwanda").
  const holdsTarget = (q) => !target || typeof target === "string"
    || (target.start >= q.content.start && target.end <= q.content.end);
  const isHolder = (e) => Boolean(e) && (e.id === holder.id || (Boolean(holder.actor) && e.actor === holder.actor));
  const mentions = entities.filter(isHolder);
  if (!mentions.some((e) => e.id === holder.id)) mentions.push(holder);
  const speakers = new Map(entities.map((e) => [e.id, e]));
  return quotes
    .filter(holdsTarget)
    .filter((q) => isHolder(speakers.get(q.speaker))
      || mentions.some((e) => e.start >= q.content.start && e.end <= q.content.end))
    .sort((a, b) => a.content.start - b.content.start || a.content.end - b.content.end);
}

export class WorkspaceState {
  /**
   * The state of the page from the server's two answers (GET /api/labels, GET
   * /api/paragraphs/<id>), so every part of the page reads the same labels, text and
   * annotation, and what the user is doing (selection, cursor, mode) is kept in one place.
   */
  constructor(labels, data) {
    this.labels = labels;
    this.data = data;
    this.text = new CodePointText(data.text);
    this.colours = {};
    for (const kind of ["entity_types", "polarities", "quote_types"]) {
      for (const label of labels[kind]) this.colours[label.name] = label.colour;
    }
    this.tags = {};
    for (const label of labels.entity_types) this.tags[label.name] = label.display_name;
    this.suggestions = [...data.suggestions.entities, ...data.suggestions.cues];
    this.actors = new Map(Object.entries(data.actors || {}));
    this.annotation = new Annotation(data.annotation, rulesFromLabels(labels));
    this.readOnly = Boolean(data.read_only);

    this.selection = null; // {start, end}: words chosen with the mouse or the arrow keys
    this.anchorWord = null; // where a keyboard selection started (a word index)
    this.cursorWord = null; // the word cursor (a word index)
    this.selected = null; // {kind: "entity" | "stance" | "quote", id}
    this.focusedSuggestion = null; // a suggestion id
    this.showArcs = true; // relations drawn as arcs over the text (R toggles)
    this.hovered = null; // {kind: "stance" | "quote", id}: the side panel row under the mouse
    this.mode = null; // the step of a quote or stance being made: {kind, ...}
    this.candidateIndex = -1; // the candidate Tab is on in that mode
    this.actorSuggested = null; // the entity whose actor was linked from its aliases
  }

  /** The tag shown for an entity label (its display name). */
  tag(label) {
    return this.tags[label] || label;
  }

  suggestion(id) {
    return this.suggestions.find((s) => s.id === id);
  }

  /** The selected item of ``kind`` ("entity", "quote", "stance"), if that is what is selected. */
  selectedItem(kind) {
    if (!this.selected || this.selected.kind !== kind) return null;
    return this.annotation[kind](this.selected.id) || null;
  }

  isSelected(kind, id) {
    return Boolean(this.selected && this.selected.kind === kind && this.selected.id === id);
  }

  /** Suggestions still waiting for a decision: these are drawn dotted and listed in the panel.
   * None when reading someone else's annotation: nothing there is for this reader to decide. */
  openSuggestions() {
    if (this.readOnly) return [];
    return this.suggestions.filter((s) => this.annotation.isOpen(s));
  }

  /** What can be clicked or tabbed to in the current mode (speaker, cue, target, quote). */
  candidates() {
    if (!this.mode) return [];
    const a = this.annotation;
    switch (this.mode.kind) {
      case "quote-speaker":
        return a.entities.map(entityCandidate);
      case "stance-target":
        // Entities and noun phrases (proposals.js stanceTargets), fixed when the step began.
        if (this.mode.targets) return this.mode.targets.filter((c) => c.kind === "phrase" || a.entity(c.id));
        return a.entities.filter((e) => e.id !== this.mode.holder).map(entityCandidate);
      case "quote-cue":
        return this.suggestions.filter((s) => s.kind === "cue").map((s) => ({ kind: "cue", id: s.id, start: s.start, end: s.end }));
      case "stance-quote":
        return a.quotes.map((q) => ({ kind: "quote", id: q.id, start: q.content.start, end: q.content.end }));
      default:
        return [];
    }
  }

  /**
   * Every highlight the paragraph shows, as {type, start, end, ...} for render.js: entities
   * (with what the selected stance or quote points at), open suggestions, quotes and their
   * cues, stance targets, the current mode's candidates and the pending selection.
   */
  marks() {
    const a = this.annotation;
    const result = [];
    const sel = this.selected;
    const related = new Set();
    const stance = this.selectedItem("stance");
    if (stance) {
      related.add(stance.holder);
      if (typeof stance.target === "string") related.add(stance.target);
      else result.push({ type: "stance-target", start: stance.target.start, end: stance.target.end, selected: true });
    }
    const quote = this.selectedItem("quote");
    if (quote && quote.speaker) related.add(quote.speaker);
    for (const e of a.entities) {
      result.push({
        type: "entity", id: e.id, start: e.start, end: e.end, label: e.label, tag: this.tag(e.label),
        selected: this.isSelected("entity", e.id) || related.has(e.id),
      });
    }
    for (const s of this.openSuggestions()) {
      result.push({ type: s.kind === "entity" ? "sugg" : "sugg-cue", id: s.id, start: s.start, end: s.end, focused: this.focusedSuggestion === s.id });
    }
    for (const q of a.quotes) {
      const isSelected = this.isSelected("quote", q.id);
      result.push({ type: "quote-content", start: q.content.start, end: q.content.end, selected: isSelected });
      if (q.cue) result.push({ type: "quote-cue", start: q.cue.start, end: q.cue.end, selected: isSelected });
    }
    for (const s of a.stances) {
      if (typeof s.target !== "string" && !(sel && sel.kind === "stance" && sel.id === s.id)) {
        result.push({ type: "stance-target", start: s.target.start, end: s.target.end });
      }
    }
    this.candidates().forEach((c, index) => {
      // A noun phrase is outlined only while Tab is on it (they overlap one another).
      if (c.kind === "phrase" && index !== this.candidateIndex) return;
      result.push({ type: index === this.candidateIndex ? "candidate-focus" : "candidate", start: c.start, end: c.end });
    });
    if (this.selection) result.push({ type: "pending", start: this.selection.start, end: this.selection.end });
    const proposedCue = this.mode && this.mode.proposedCue;
    if (proposedCue) result.push({ type: "proposed", start: proposedCue.start, end: proposedCue.end });
    for (const span of this.hoveredSpans()) result.push({ type: "hot", ...span });
    return result;
  }

  /** The spans of the relation under the mouse in the side panel: a stance's holder and
   * target, a quote's speaker, cue and content. */
  hoveredSpans() {
    const hovered = this.hovered;
    if (!hovered) return [];
    const a = this.annotation;
    const entity = (id) => a.entity(id);
    const spans = [];
    if (hovered.kind === "stance") {
      const stance = a.stance(hovered.id);
      if (stance) spans.push(entity(stance.holder), typeof stance.target === "string" ? entity(stance.target) : stance.target);
    } else if (hovered.kind === "quote") {
      const quote = a.quote(hovered.id);
      if (quote) spans.push(quote.content, quote.cue, quote.speaker ? entity(quote.speaker) : null);
    }
    return spans.filter(Boolean).map(({ start, end }) => ({ start, end }));
  }

  /** The label whose hotkey ``key`` is, in ``kind`` ("entity_types", "polarities", "quote_types");
   * never a retired one: those are for no new work. */
  labelForKey(kind, key) {
    return this.labels[kind].find((label) => !label.retired && label.hotkey === key) || null;
  }
}
