// Editing the annotation: labels, suggestions, deleting, undo, and every change's save and redraw.

import * as view from "./view.js";

const UNDO_DEPTH = 50;
const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;

/**
 * The edits the keyboard, the mouse and the panel ask for, on ``state`` (a WorkspaceState).
 * Every edit ends in ``changed()``: kept for Ctrl+Z, handed to ``saver``, redrawn with
 * ``render()``. ``suggestActor(entity)`` is the panel's look-up of an actor by alias.
 */
export function createEditing({ state, saver, render, suggestActor }) {
  const undoStack = [];
  let lastState = state.annotation.payload();

  /** Something in the annotation changed: keep the state before it, save, redraw. */
  function changed() {
    if (state.readOnly) return;
    if (lastState) undoStack.push(lastState);
    if (undoStack.length > UNDO_DEPTH) undoStack.shift();
    lastState = state.annotation.payload();
    saver.changed();
    view.renderFlag(state.annotation);
    render();
  }

  /** Ctrl+Z: back to the state before the last change (version and status stay the server's). */
  function undo() {
    const previous = undoStack.pop();
    if (!previous) {
      view.showMessage("Nothing to undo.");
      return;
    }
    const a = state.annotation;
    a.load({ ...previous, version: a.version, status: a.status });
    view.setComment(a.comment);
    lastState = a.payload();
    state.selected = null;
    state.mode = null;
    saver.changed();
    view.showMessage("Undone.");
    view.renderFlag(a);
    render();
  }

  function select(item) {
    state.selected = item;
    render();
  }

  /** A label key or button: label the selected words, or relabel the selected entity. */
  function applyLabel(label) {
    if (state.readOnly) return;
    if (state.selection) {
      const { start, end } = state.selection;
      const here = (s) => s.kind === "entity" && s.start === start && s.end === end;
      const same = state.suggestions.find(here);
      // The open suggestions on these words are decided by the label: accepted when it is the
      // one suggested, rejected when another (else they would vanish uncounted).
      const open = state.openSuggestions().filter(here);
      const taken = open.find((s) => s.label === label) || same;
      const entity = state.annotation.addEntity(start, end, label, taken ? taken.actor : null);
      for (const suggestion of open) state.annotation.decide(suggestion, suggestion.label === label ? "accepted" : "rejected");
      state.selection = null;
      state.selected = { kind: "entity", id: entity.id };
      // As after accepting one, the next suggestion in reading order is focused: Enter takes it.
      focusNextSuggestion({ id: null, start });
      changed();
      if (!entity.actor) suggestActor(entity);
      return;
    }
    const selected = state.selectedItem("entity");
    if (selected) {
      selected.label = label;
      changed();
      return;
    }
    view.showMessage("Select some words first (drag with the mouse, or use the arrow keys), then press a label key.");
  }

  function acceptSuggestion(suggestion) {
    if (state.readOnly || suggestion.kind !== "entity") return;
    const entity = state.annotation.addEntity(suggestion.start, suggestion.end, suggestion.label, suggestion.actor, true);
    if (suggestion.actor && suggestion.actor_name && !state.actors.has(suggestion.actor)) {
      state.actors.set(suggestion.actor, { id: suggestion.actor, name: suggestion.actor_name, aliases: [] });
    }
    state.annotation.decide(suggestion, "accepted");
    state.selected = { kind: "entity", id: entity.id };
    focusNextSuggestion(suggestion);
    changed();
  }

  function rejectSuggestion(suggestion) {
    if (state.readOnly) return;
    state.annotation.decide(suggestion, "rejected");
    focusNextSuggestion(suggestion);
    changed();
  }

  function acceptAll() {
    if (state.readOnly) return;
    const open = state.openSuggestions().filter((s) => s.kind === "entity");
    const { accepted, left } = state.annotation.acceptMany(open);
    const limit = state.annotation.vocabulary.limits?.entities;
    view.showMessage(
      left
        ? `Accepted ${plural(accepted, "suggestion")}; ${left} left open: an annotation holds at most ${limit} entities.`
        : `Accepted ${plural(accepted, "suggestion")}.`,
    );
    state.focusedSuggestion = null;
    changed();
  }

  /** After a decision (or words labelled by hand) the focus moves on to the next open
   * suggestion in the text, from where ``after`` starts. */
  function focusNextSuggestion(after) {
    const open = state.openSuggestions().filter((s) => s.id !== after.id && s.start >= after.start);
    state.focusedSuggestion = open.length ? open[0].id : null;
  }

  /** Tab and Shift+Tab in the paragraph: the next or previous open suggestion. */
  function cycleSuggestion(step) {
    const open = state.openSuggestions();
    if (!open.length) { state.focusedSuggestion = null; return; }
    const index = open.findIndex((s) => s.id === state.focusedSuggestion);
    const next = index === -1 ? (step > 0 ? 0 : open.length - 1) : (index + step + open.length) % open.length;
    state.focusedSuggestion = open[next].id;
    state.selection = null;
    render();
  }

  /** Delete the selected item, saying what went with it. */
  function deleteSelected() {
    if (state.readOnly || !state.selected) return;
    const { kind, id } = state.selected;
    if (kind === "entity") {
      const { stances, quotes } = state.annotation.removeEntity(id);
      const parts = [`Deleted ${id}`];
      if (stances) parts.push(`${plural(stances, "stance")} that depended on it`);
      if (quotes.length) parts.push(`${quotes.join(", ")} now ${quotes.length === 1 ? "has" : "have"} no speaker`);
      view.showMessage(`${parts.join("; ")}. Ctrl+Z undoes.`);
    } else if (kind === "quote") {
      state.annotation.removeQuote(id);
      view.showMessage(`Deleted ${id}.`);
    } else if (kind === "stance") {
      state.annotation.removeStance(id);
      view.showMessage(`Deleted ${id}.`);
    }
    state.selected = null;
    changed();
  }

  /** [ and ]: select the previous or next entity in reading order. */
  function cycleEntity(step) {
    const ordered = [...state.annotation.entities].sort((a, b) => a.start - b.start || b.end - a.end);
    if (!ordered.length) return;
    const current = state.selectedItem("entity");
    const index = current ? ordered.findIndex((e) => e.id === current.id) : -1;
    const next = index === -1 ? (step > 0 ? 0 : ordered.length - 1) : (index + step + ordered.length) % ordered.length;
    state.selection = null;
    select({ kind: "entity", id: ordered[next].id });
  }

  /** { and }: select the previous or next quote in reading order. */
  function cycleQuote(step) {
    const ordered = [...state.annotation.quotes].sort((a, b) => a.content.start - b.content.start);
    if (!ordered.length) {
      view.showMessage("No quotes yet: select what was said (or Tab to a reporting verb) and press Q.");
      return;
    }
    const current = state.selectedItem("quote");
    const index = current ? ordered.findIndex((q) => q.id === current.id) : -1;
    const next = index === -1 ? (step > 0 ? 0 : ordered.length - 1) : (index + step + ordered.length) % ordered.length;
    state.selection = null;
    select({ kind: "quote", id: ordered[next].id });
  }

  /** Set one field of an entity, stance or quote (the panel's selects), then save. */
  function setField(kind, id, field, value) {
    const item = state.annotation[kind](id);
    if (!item) return;
    item[field] = value;
    changed();
  }

  /**
   * Link an entity to ``actor`` (an actor record, kept for display) or unlink it (null).
   * ``suggested``: true when the link came from the entity's text being a known alias (the
   * panel says so), false when chosen by hand, undefined to leave that note as it is.
   */
  function linkActor(entityId, actor, suggested) {
    const entity = state.annotation.entity(entityId);
    if (!entity) return;
    if (actor) state.actors.set(actor.id, actor);
    entity.actor = actor ? actor.id : null;
    if (suggested !== undefined) state.actorSuggested = suggested ? entityId : null;
    changed();
  }

  /** Typing in the comment box: kept and saved as typed, no undo step per key. */
  function commentChanged(text) {
    if (state.readOnly) return;
    state.annotation.comment = text;
    saver.changed();
    view.renderFlag(state.annotation);
  }

  /** Unflag: the flag goes, the comment stays. */
  function unflag() {
    state.annotation.flagged = false;
    view.showMessage("The flag is removed; the comment stays.");
    changed();
  }

  return {
    changed, undo, commentChanged, unflag, select, applyLabel, acceptSuggestion, rejectSuggestion, acceptAll,
    cycleSuggestion, deleteSelected, cycleEntity, cycleQuote, linkActor,
    /** The panel's delete button on a row. */
    deleteItem(item) { state.selected = item; deleteSelected(); },
    setEntityLabel: (id, label) => setField("entity", id, "label", label),
    setStancePolarity: (id, polarity) => setField("stance", id, "polarity", polarity),
    setStanceQuote: (id, quoteId) => setField("stance", id, "quote", quoteId),
    setQuoteType: (id, type) => setField("quote", id, "type", type),
    /** Keep an actor record (after an alias was added to it) for the panel to show. */
    rememberActor: (actor) => state.actors.set(actor.id, actor),
  };
}
