// The annotation workspace page: load the paragraph, then connect state, panel, keys, mouse and saving.
// The adjudication page (adjudication/adjudicate.js) imports start() to edit the gold annotation.

import { createApi } from "./api.js";
import { drawArcs } from "./arcs_view.js";
import { createEditing } from "./editing.js";
import { createFinish } from "./finish.js";
import { createKeyboard } from "./keyboard.js";
import { createModes } from "./modes.js";
import { loadNameWords } from "./name_words.js";
import { Panel } from "./panel.js";
import { createRecovery } from "./recovery.js";
import { drawText } from "./render.js";
import { createSelection } from "./selection.js";
import { WorkspaceState } from "./state.js";
import { Saver } from "./sync.js";
import * as view from "./view.js";

const $ = (id) => document.getElementById(id);
const root = $("workspace");
const page = root.dataset; // paragraphId, user, canReview, csrfToken, annotateUrl, doneUrl
const textBox = $("paragraph-text");
const arcs = $("relation-arcs");
const api = createApi({ csrfToken: page.csrfToken });
let saver = null; // set once the paragraph is loaded; the page-leaving handlers flush it

async function load() {
  const annotator = new URLSearchParams(window.location.search).get("annotator");
  let labels;
  let data;
  try {
    [labels, data] = await Promise.all([api.labels(), api.paragraph(page.paragraphId, annotator), loadNameWords()]);
  } catch (error) {
    view.showBanner(`Could not load the paragraph (${error.message}). Check your connection and reload.`, "error");
    view.setSaveState("offline", "Not loaded");
    return;
  }
  start(new WorkspaceState(labels, data));
}

/**
 * Build the page's parts around ``state``, each given what it needs, and show the paragraph.
 * ``hooks`` let another page reuse all of it: ``put(payload, options)`` (where a save goes),
 * ``storageKey`` (of the copy kept in this browser), ``autosave`` (see sync.js),
 * ``createFinish`` (what submitting does, as finish.js's), ``onRender`` (called after every
 * redraw). Returns {render, changed, saver}.
 */
export function start(state, hooks = {}) {
  const {
    put = (payload, options) => api.saveAnnotation(page.paragraphId, payload, options),
    storageKey = `annotator:${page.user}:${page.paragraphId}`,
    autosave = true,
    createFinish: makeFinish = createFinish,
    onRender = () => {},
  } = hooks;
  root.dataset.readOnly = String(state.readOnly);
  let panel = null;
  let recovery = null;
  const redrawArcs = () => drawArcs(arcs, arcs.parentElement, textBox, state);
  function render() {
    drawText(textBox, state.text, state.marks(), state.colours);
    redrawArcs();
    panel.render();
    const selectedText = state.selection ? state.text.slice(state.selection.start, state.selection.end) : null;
    view.renderModeLine(root, { mode: state.mode, selectedText, labelKeys: view.labelKeys(state.labels.entity_types) });
    onRender();
  }
  saver = new Saver({
    put,
    storageKey,
    autosave,
    readOnly: state.readOnly,
    getPayload: (status) => state.annotation.payload(status ?? state.annotation.status),
    onState: view.setSaveState,
    onConflict: (body) => recovery.showConflict(body),
    onInvalid: view.showErrors,
    onSaved: (version, payload) => {
      state.annotation.version = version;
      state.annotation.status = payload.status;
      view.hideErrors();
    },
  });
  const editing = createEditing({ state, saver, render, suggestActor: (entity) => panel.suggestActor(entity) });
  let selection = null;
  const modes = createModes({ state, render, changed: editing.changed, selectSpan: (span) => selection.selectSpan(span) });
  panel = new Panel({
    labels: state.labels,
    canReview: page.canReview === "true",
    readOnly: state.readOnly,
    api,
    get: {
      annotation: () => state.annotation,
      text: () => state.text,
      selected: () => state.selected,
      openSuggestions: () => state.openSuggestions(),
      focusedSuggestion: () => state.focusedSuggestion,
      actor: (key) => state.actors.get(key),
      tag: (label) => state.tag(label),
      actorSuggested: () => state.actorSuggested,
    },
    on: {
      changed: editing.changed,
      select: editing.select,
      deleteItem: editing.deleteItem,
      acceptSuggestion: editing.acceptSuggestion,
      rejectSuggestion: editing.rejectSuggestion,
      setEntityLabel: editing.setEntityLabel,
      setStancePolarity: editing.setStancePolarity,
      setStanceQuote: editing.setStanceQuote,
      setQuoteType: editing.setQuoteType,
      linkActor: editing.linkActor,
      rememberActor: editing.rememberActor,
      startSpeakerMode: modes.startSpeakerMode,
      startCueMode: modes.startCueMode,
      showMessage: view.showMessage,
      // A stance or quote row under the mouse: its spans and arc stand out (the panel is
      // not redrawn, so the row stays under the mouse).
      hover: (item) => {
        state.hovered = item;
        drawText(textBox, state.text, state.marks(), state.colours);
        redrawArcs();
      },
    },
  });
  recovery = createRecovery({ state, saver, render, changed: editing.changed });
  const finish = makeFinish({
    state, saver, api, paragraphId: page.paragraphId, annotateUrl: page.annotateUrl, doneUrl: page.doneUrl, textBox,
  });
  selection = createSelection({
    state, textBox, render, choose: modes.choose, acceptSuggestion: editing.acceptSuggestion, select: editing.select,
  });
  const keyboard = createKeyboard({
    state,
    textBox,
    searchBox: $("actor-search"),
    act: {
      render,
      finish: finish.finish,
      openFlagDialog: finish.openFlagDialog,
      undo: editing.undo,
      applyLabel: editing.applyLabel,
      setStancePolarity: editing.setStancePolarity,
      setQuoteType: editing.setQuoteType,
      acceptSuggestion: editing.acceptSuggestion,
      rejectSuggestion: editing.rejectSuggestion,
      acceptAll: editing.acceptAll,
      cycleSuggestion: editing.cycleSuggestion,
      deleteSelected: editing.deleteSelected,
      cycleEntity: editing.cycleEntity,
      cycleQuote: editing.cycleQuote,
      moveCursor: selection.moveCursor,
      jumpClause: selection.jumpClause,
      selectName: selection.selectName,
      pickForQuote: modes.pickForQuote,
      setCursor: selection.setCursor,
      choose: modes.choose,
      choosePolarity: modes.choosePolarity,
      stopMode: modes.stop,
      startQuote: modes.startQuote,
      startStance: modes.startStance,
      focusActorSearch: () => panel.focusActorSearch(),
      showHelp: () => $("help-dialog").showModal(),
      toggleArcs: () => {
        state.showArcs = !state.showArcs;
        view.showMessage(state.showArcs ? "Relations drawn on the text (R hides them)." : "Relations hidden (R shows them).");
        redrawArcs();
      },
    },
  });

  view.fillStatic({
    data: state.data, labels: state.labels, comment: state.annotation.comment, annotateUrl: page.annotateUrl, onLabel: editing.applyLabel,
    onPolarity: modes.choosePolarity,
  });
  view.renderFlag(state.annotation);
  render();
  const version = state.annotation.version;
  view.setSaveState("saved", version ? `Saved (version ${version})` : "Nothing saved yet");
  if (state.readOnly) {
    view.showBanner(`You are reading ${state.data.annotator}'s annotation: it cannot be changed here.`, "info");
    view.disableEditing();
  } else {
    recovery.restoreLocalCopy();
  }

  // The arcs follow the text when it wraps anew (a resized window, a font that loaded late).
  new ResizeObserver(redrawArcs).observe(textBox);
  document.addEventListener("mouseup", selection.onMouseUp);
  document.addEventListener("keydown", keyboard.onKeyDown);
  $("quote-button").addEventListener("click", modes.startQuote);
  $("stance-button").addEventListener("click", () => modes.startStance(false));
  $("stance-subject-button").addEventListener("click", () => modes.startStance(true));
  $("submit-button").addEventListener("click", () => finish.finish("submitted"));
  $("skip-button").addEventListener("click", () => finish.finish("skipped"));
  $("flag-button").addEventListener("click", finish.openFlagDialog);
  $("flag-dialog").addEventListener("close", finish.onFlagClosed);
  $("accept-all").addEventListener("click", editing.acceptAll);
  $("unflag-button").addEventListener("click", editing.unflag);
  $("comment").addEventListener("input", () => editing.commentChanged(view.readComment()));
  textBox.focus();
  root.dataset.ready = "true";
  return { render, changed: editing.changed, saver };
}

// Dragging selected text would start a drag-and-drop instead of a new selection.
textBox.addEventListener("dragstart", (event) => event.preventDefault());
$("help-button").addEventListener("click", () => $("help-dialog").showModal());
window.addEventListener("pagehide", () => saver && saver.flushOnLeave());
// Back to a page kept in the browser's cache: its state may predate the save made on leaving.
window.addEventListener("pageshow", (event) => { if (event.persisted) window.location.reload(); });
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "hidden" && saver) saver.flushOnLeave();
});

// The adjudication page loads its own data, then calls start().
if (root.dataset.page !== "gold") load();
