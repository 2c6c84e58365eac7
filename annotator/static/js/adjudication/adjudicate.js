// The adjudication page: every annotator's layers beside the gold annotation. Gold is edited
// with the workspace's own modules (main.js's start()), saved only on submit to PUT .../gold
// with the annotators each taken item came from; items are taken by key (↓ ↑, T, Shift+T) or click.

import { createApi } from "../workspace/api.js";
import { start } from "../workspace/main.js";
import { WorkspaceState } from "../workspace/state.js";
import * as view from "../workspace/view.js";
import { createGoldFinish } from "./finish.js";
import { sourcesOf, take, takeAgreed } from "./merge.js";
import { AnnotatorsPanel } from "./panel.js";

const $ = (id) => document.getElementById(id);
const page = $("workspace").dataset; // paragraphId, user, csrfToken, doneUrl
const api = createApi({ csrfToken: page.csrfToken });
const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** The ids of gold items taken from annotators, kept in this browser until they are saved. */
class TakenIds extends Set {
  constructor(key, saved) {
    let kept = [];
    try { kept = JSON.parse(localStorage.getItem(key) || "[]"); } catch (error) { /* none kept */ }
    super([...saved, ...kept]);
    this.key = key;
  }

  keep(ids) {
    ids.forEach((id) => this.add(id));
    try { localStorage.setItem(this.key, JSON.stringify([...this])); } catch (error) { /* saved with the gold */ }
  }

  /** The gold is saved: its sources now say what was taken. */
  forget() {
    try { localStorage.removeItem(this.key); } catch (error) { /* nothing kept */ }
  }
}

async function load() {
  let labels;
  let data;
  try {
    [labels, data] = await Promise.all([api.labels(), api.adjudication(page.paragraphId)]);
  } catch (error) {
    view.showBanner(`Could not load the annotations (${error.message}). Check your connection and reload.`, "error");
    view.setSaveState("offline", "Not loaded");
    return;
  }
  begin(labels, data);
}

/** Build the gold state from the adjudication answer, then the workspace and the panel around it. */
function begin(labels, data) {
  const { annotations, batch } = data;
  const { sources, ...gold } = data.gold;
  const state = new WorkspaceState(labels, {
    ...data,
    annotation: { ...gold, status: "submitted" },
    suggestions: { entities: [], cues: [] },
    read_only: false,
  });
  const storageKey = `annotator:gold:${page.user}:${page.paragraphId}`;
  const taken = new TakenIds(`${storageKey}:taken`, Object.keys(sources || {}));
  const byName = new Map(annotations.map((a) => [a.annotator, a]));
  let workspace = null; // {render, changed, saver} once start() has run

  const panel = new AnnotatorsPanel({
    container: $("annotator-list"),
    annotations,
    text: state.text,
    tag: (label) => state.tag(label),
    actor: (key) => state.actors.get(key),
    colours: state.colours,
    onTake: (row) => takeRow(row),
  });

  /** Whether taking may happen now (not in the middle of making a quote or stance). */
  function canTake() {
    if (!state.mode) return true;
    view.showMessage("Finish the quote or stance first (or Esc), then take items.");
    return false;
  }

  function takeRow(row) {
    if (!canTake()) return;
    const result = take(state.annotation, byName.get(row.annotator), row.kind, row.id);
    if (result.already) {
      view.showMessage(`Gold already has this ${row.kind} (${result.id}).`);
      panel.render(state.annotation);
      return;
    }
    taken.keep(result.taken);
    state.selected = { kind: row.kind, id: result.id };
    state.selection = null;
    view.showMessage(`Took ${row.annotator}'s ${row.kind} into gold as ${result.id}. Ctrl+Z undoes.`);
    workspace.changed();
  }

  function takeAll() {
    if (!canTake()) return;
    const ids = takeAgreed(state.annotation, annotations);
    taken.keep(ids);
    view.showMessage(ids.length ? `Took ${plural(ids.length, "agreed item")} into gold.` : "Gold has every agreed item already.");
    if (ids.length) workspace.changed();
  }

  // Before start(): this runs ahead of the workspace's own keys, which use none of these.
  document.addEventListener("keydown", (event) => {
    if (!workspace || state.mode || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.closest && event.target.closest("input, textarea, select, dialog")) return;
    const key = event.key;
    if (key === "ArrowDown" || key === "ArrowUp") panel.move(key === "ArrowDown" ? 1 : -1, state.annotation);
    else if ((key === "t" || key === "T") && event.shiftKey) takeAll();
    else if (key === "t" || key === "T") {
      if (panel.focused()) takeRow(panel.focused());
      else view.showMessage("Focus an annotator's item with ↓ or ↑ first (or click its Take button).");
    } else return;
    event.preventDefault();
    event.stopImmediatePropagation();
  });

  workspace = start(state, {
    put: async (payload, options) => {
      const answer = await api.saveGold(page.paragraphId, { ...payload, sources: sourcesOf(payload, annotations, taken) }, options);
      if (answer.status === 200) taken.forget();
      return answer;
    },
    storageKey,
    autosave: false,
    createFinish: (parts) => createGoldFinish({ ...parts, doneUrl: page.doneUrl, batch }),
    onRender: () => panel.render(state.annotation),
  });
  $("take-agreed").addEventListener("click", takeAll);
  $("batch-name").textContent = batch ? `batch ${batch.name}` : "";
  $("progress").textContent = `${plural(annotations.length, "annotator")} submitted`;
  const version = state.annotation.version;
  view.setSaveState("saved", version ? `Gold version ${version}` : "No gold yet");
}

load();
