// The annotation workspace: wiring the paragraph, the keyboard, the side panel and saving.
// Offsets held here are code points (see text.js); the DOM is only ever read through text.js.

import { Annotation } from "./model.js";
import { Panel } from "./panel.js";
import { drawText, shorten } from "./render.js";
import { Saver } from "./sync.js";
import { CodePointText, codePointOffset, suggestQuoteType } from "./text.js";

const root = document.getElementById("workspace");
const $ = (id) => document.getElementById(id);
const textBox = $("paragraph-text");

const ws = {
  paragraphId: root.dataset.paragraphId,
  user: root.dataset.user,
  canReview: root.dataset.canReview === "true",
  csrfToken: root.dataset.csrfToken,
  data: null,
  labels: null,
  text: null,
  colours: {},
  tags: {},
  annotation: null,
  actors: new Map(),
  suggestions: [],
  selection: null, // {start, end}: words chosen with the mouse or the arrow keys
  anchorWord: null,
  cursorWord: null,
  selected: null, // {kind: "entity" | "stance" | "quote", id}
  focusedSuggestion: null,
  mode: null,
  candidateIndex: -1,
  readOnly: false,
  saver: null,
  panel: null,
};

// ---------------------------------------------------------------- loading

async function getJson(url) {
  const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return response.json();
}

async function load() {
  const query = new URLSearchParams(window.location.search);
  const annotator = query.get("annotator");
  const paragraphUrl = `/api/paragraphs/${encodeURIComponent(ws.paragraphId)}` + (annotator ? `?annotator=${encodeURIComponent(annotator)}` : "");
  try {
    [ws.labels, ws.data] = await Promise.all([getJson("/api/labels"), getJson(paragraphUrl)]);
  } catch (error) {
    showBanner(`Could not load the paragraph (${error.message}). Check your connection and reload.`, "error");
    setSaveState("offline", "Not loaded");
    return;
  }
  ws.text = new CodePointText(ws.data.text);
  for (const kind of ["entity_types", "polarities", "quote_types"]) {
    for (const label of ws.labels[kind]) ws.colours[label.name] = label.colour;
  }
  for (const label of ws.labels.entity_types) ws.tags[label.name] = label.display_name;
  ws.suggestions = [...ws.data.suggestions.entities, ...ws.data.suggestions.cues];
  for (const [key, actor] of Object.entries(ws.data.actors || {})) ws.actors.set(key, actor);
  const vocabulary = {
    entityTypes: new Set(ws.labels.entity_types.map((l) => l.name)),
    polarities: new Set(ws.labels.polarities.map((l) => l.name)),
    quoteTypes: new Set(ws.labels.quote_types.map((l) => l.name)),
  };
  ws.annotation = new Annotation(ws.data.annotation, vocabulary);
  ws.readOnly = Boolean(ws.data.read_only);
  root.dataset.readOnly = String(ws.readOnly);
  ws.undo = [];
  ws.saver = new Saver({
    url: `/api/paragraphs/${encodeURIComponent(ws.paragraphId)}/annotation`,
    storageKey: `annotator:${ws.user}:${ws.paragraphId}`,
    csrfToken: ws.csrfToken,
    readOnly: Boolean(ws.data.read_only),
    getPayload: (status) => ws.annotation.payload(status ?? ws.annotation.status),
    onState: setSaveState,
    onConflict: showConflict,
    onInvalid: showErrors,
    onSaved: (version, payload) => {
      ws.annotation.version = version;
      ws.annotation.status = payload.status;
      hideErrors();
    },
  });
  ws.panel = new Panel(ws, {
    changed, select, render, startCueMode, startSpeakerMode, showMessage,
    deleteItem: (item) => { ws.selected = item; deleteSelected(); },
  });
  fillStatic();
  ws.lastState = ws.annotation.payload();
  renderFlag();
  render();
  setSaveState("saved", ws.annotation.version ? `Saved (version ${ws.annotation.version})` : "Nothing saved yet");
  if (ws.readOnly) {
    showBanner(`You are reading ${ws.data.annotator}'s annotation: it cannot be changed here.`, "info");
    for (const id of ["comment", "submit-button", "skip-button", "flag-button", "quote-button", "stance-button", "accept-all"]) {
      $(id).disabled = true;
    }
  } else {
    restoreLocalCopy();
  }
  textBox.focus();
  root.dataset.ready = "true";
}

function fillStatic() {
  const { progress, context } = ws.data;
  $("progress").textContent = `${progress.done} / ${progress.total} done`;
  $("progress-bar").max = Math.max(progress.total, 1);
  $("progress-bar").value = progress.done;
  $("context-previous").textContent = context.previous ? context.previous.text : "";
  $("context-next").textContent = context.next ? context.next.text : "";
  for (const [link, neighbour] of [[$("previous-link"), context.previous], [$("next-link"), context.next]]) {
    if (neighbour) {
      link.href = root.dataset.annotateUrl.replace("__ID__", encodeURIComponent(neighbour.id));
      link.hidden = false;
    }
  }
  const buttons = $("label-buttons");
  buttons.replaceChildren();
  for (const label of ws.labels.entity_types) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "label-button";
    button.dataset.label = label.name;
    button.style.setProperty("--label-colour", label.colour);
    button.textContent = label.hotkey ? `${label.hotkey} ${label.display_name}` : label.display_name;
    button.title = label.description;
    if (label.hotkey) button.setAttribute("aria-keyshortcuts", label.hotkey);
    button.addEventListener("click", () => applyLabel(label.name));
    buttons.appendChild(button);
  }
  $("comment").value = ws.annotation.comment;
}

/** Unsaved work kept in this browser (after a failed save or a closed tab) is offered back. */
function restoreLocalCopy() {
  const local = ws.saver.readLocal();
  if (!local || !local.payload) return;
  const mine = local.payload;
  const server = ws.annotation.payload();
  if (sameContent(mine, server)) {
    ws.saver.clearLocal();
    return;
  }
  if (mine.version === ws.annotation.version) {
    ws.annotation.load({ ...mine, version: ws.annotation.version });
    $("comment").value = ws.annotation.comment;
    render();
    showBanner("Restored changes kept in this browser that had not reached the server; sending them now.", "info");
    ws.saver.changed();
    ws.saver.save();
    return;
  }
  showBanner(
    `This browser kept changes that had not reached the server when the page was left (made on version ${mine.version}); the server now has version ${ws.annotation.version}. Keep the changes from this browser unless you edited this paragraph elsewhere since.`,
    "warning",
    [
      ["Keep the changes from this browser", () => {
        ws.annotation.load({ ...mine, version: ws.annotation.version });
        $("comment").value = ws.annotation.comment;
        hideBanner();
        changed();
      }],
      ["Use the server's copy", () => { ws.saver.clearLocal(); hideBanner(); }],
    ],
  );
}

/** Whether two payloads hold the same labels (version and status aside), key order aside. */
function sameContent(a, b) {
  const canonical = (value) => {
    if (Array.isArray(value)) return value.map(canonical);
    if (value && typeof value === "object") {
      return Object.fromEntries(Object.keys(value).sort().map((key) => [key, canonical(value[key])]));
    }
    return value;
  };
  const strip = (p) => JSON.stringify(canonical({ ...p, version: 0, status: "" }));
  return strip(a) === strip(b);
}

// ---------------------------------------------------------------- drawing

function openSuggestions() {
  return ws.suggestions.filter((s) => ws.annotation.isOpen(s));
}

function candidates() {
  if (!ws.mode) return [];
  const a = ws.annotation;
  switch (ws.mode.kind) {
    case "quote-speaker":
      return a.entities.map((e) => ({ kind: "entity", id: e.id, start: e.start, end: e.end }));
    case "stance-target":
      return a.entities.filter((e) => e.id !== ws.mode.holder).map((e) => ({ kind: "entity", id: e.id, start: e.start, end: e.end }));
    case "quote-cue":
      return ws.suggestions.filter((s) => s.kind === "cue").map((s) => ({ kind: "cue", id: s.id, start: s.start, end: s.end }));
    case "stance-quote":
      return a.quotes.map((q) => ({ kind: "quote", id: q.id, start: q.content.start, end: q.content.end }));
    default:
      return [];
  }
}

function marks() {
  const a = ws.annotation;
  const result = [];
  const sel = ws.selected;
  const related = new Set();
  if (sel && sel.kind === "stance") {
    const stance = a.stance(sel.id);
    if (stance) {
      related.add(stance.holder);
      if (typeof stance.target === "string") related.add(stance.target);
      else result.push({ type: "stance-target", start: stance.target.start, end: stance.target.end, selected: true });
    }
  }
  if (sel && sel.kind === "quote") {
    const quote = a.quote(sel.id);
    if (quote && quote.speaker) related.add(quote.speaker);
  }
  for (const e of a.entities) {
    result.push({
      type: "entity", id: e.id, start: e.start, end: e.end, label: e.label, tag: ws.tags[e.label] || e.label,
      selected: (sel && sel.kind === "entity" && sel.id === e.id) || related.has(e.id),
    });
  }
  for (const s of openSuggestions()) {
    result.push({ type: s.kind === "entity" ? "sugg" : "sugg-cue", id: s.id, start: s.start, end: s.end, focused: ws.focusedSuggestion === s.id });
  }
  for (const q of a.quotes) {
    const isSelected = sel && sel.kind === "quote" && sel.id === q.id;
    result.push({ type: "quote-content", start: q.content.start, end: q.content.end, selected: isSelected });
    if (q.cue) result.push({ type: "quote-cue", start: q.cue.start, end: q.cue.end, selected: isSelected });
  }
  for (const s of a.stances) {
    if (typeof s.target !== "string" && !(sel && sel.kind === "stance" && sel.id === s.id)) {
      result.push({ type: "stance-target", start: s.target.start, end: s.target.end });
    }
  }
  candidates().forEach((c, index) => {
    result.push({ type: index === ws.candidateIndex ? "candidate-focus" : "candidate", start: c.start, end: c.end });
  });
  if (ws.selection) result.push({ type: "pending", start: ws.selection.start, end: ws.selection.end });
  return result;
}

function render() {
  drawText(textBox, ws.text, marks(), ws.colours);
  ws.panel.render();
  renderModeLine();
}

function renderModeLine() {
  const line = $("mode-line");
  const m = ws.mode;
  const messages = {
    "quote-speaker": "Quote: click the speaker, or Tab to an entity and Enter. N: no named speaker. Esc: stop here.",
    "quote-cue": "Quote: click the reporting verb (dotted), or select the cue words and press Enter. N: no cue. Esc: stop here.",
    "stance-target": "Stance: click the target entity (Tab, Enter), or select words naming the target and press Enter. Esc: cancel.",
    "stance-polarity": "Stance: press + (support), - (oppose) or = (neutral).",
    "stance-quote": "Stance: click the quote that expresses it (Tab, Enter), or N for none.",
  };
  if (m) line.textContent = messages[m.kind];
  else if (ws.selection) line.textContent = `Selected “${shorten(ws.text.slice(ws.selection.start, ws.selection.end), 50)}”: press 1–${ws.labels.entity_types.length} to label it, Q to make it a quote.`;
  else if (!line.dataset.message) line.textContent = "";
  if (m || ws.selection) delete line.dataset.message;
  root.dataset.mode = m ? m.kind : "";
}

function showMessage(message) {
  const line = $("mode-line");
  line.textContent = message;
  line.dataset.message = "1";
}

function setSaveState(state, message) {
  const element = $("save-state");
  element.dataset.state = state;
  element.textContent = message;
}

function showBanner(message, kind, actions = []) {
  const banner = $("banner");
  banner.replaceChildren();
  banner.dataset.kind = kind;
  const text = document.createElement("span");
  text.textContent = message;
  banner.appendChild(text);
  for (const [label, handler] of actions) {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = label;
    button.addEventListener("click", handler);
    banner.appendChild(button);
  }
  banner.hidden = false;
}

function hideBanner() {
  $("banner").hidden = true;
}

function showConflict(body) {
  const server = body.annotation;
  showBanner(
    `Not saved: this annotation was changed in another tab or window (the server has version ${server.version}). Reload to see the server's copy.`,
    "error",
    [
      ["Reload the server's copy", () => { ws.saver.clearLocal(); window.location.reload(); }],
      ["Keep mine and save it over", () => {
        ws.annotation.version = server.version;
        ws.saver.resume();
        hideBanner();
        ws.saver.changed();
        ws.saver.save();
      }],
    ],
  );
}

function showErrors(errors) {
  const box = $("errors");
  box.replaceChildren();
  const title = document.createElement("strong");
  title.textContent = "Cannot save this annotation:";
  const list = document.createElement("ul");
  for (const error of errors) {
    const item = document.createElement("li");
    item.textContent = `${error.path}: ${error.message}`;
    list.appendChild(item);
  }
  box.append(title, list);
  box.hidden = false;
}

function hideErrors() {
  $("errors").hidden = true;
}

// ---------------------------------------------------------------- editing

function changed() {
  if (ws.readOnly) return;
  // Keep the state before this change for Ctrl+Z (the last 50 changes).
  if (ws.lastState) ws.undo.push(ws.lastState);
  if (ws.undo.length > 50) ws.undo.shift();
  ws.lastState = ws.annotation.payload();
  ws.saver.changed();
  renderFlag();
  render();
}

function undo() {
  const previous = ws.undo.pop();
  if (!previous) {
    showMessage("Nothing to undo.");
    return;
  }
  ws.annotation.load({ ...previous, version: ws.annotation.version, status: ws.annotation.status });
  $("comment").value = ws.annotation.comment;
  ws.lastState = ws.annotation.payload();
  ws.selected = null;
  ws.mode = null;
  ws.saver.changed();
  showMessage("Undone.");
  renderFlag();
  render();
}

function renderFlag() {
  const flag = $("flag-state");
  flag.hidden = !ws.annotation.flagged;
  $("flag-text").textContent = ws.annotation.flagged ? `Flagged: ${ws.annotation.comment}` : "";
}

function select(item) {
  ws.selected = item;
  render();
}

function applyLabel(label) {
  if (ws.readOnly) return;
  if (ws.selection) {
    const { start, end } = ws.selection;
    const same = ws.suggestions.find((s) => s.kind === "entity" && s.start === start && s.end === end);
    const entity = ws.annotation.addEntity(start, end, label, same ? same.actor : null);
    ws.selection = null;
    ws.selected = { kind: "entity", id: entity.id };
    changed();
    if (!entity.actor) ws.panel.suggestActor(entity);
    return;
  }
  if (ws.selected && ws.selected.kind === "entity") {
    const entity = ws.annotation.entity(ws.selected.id);
    entity.label = label;
    changed();
    return;
  }
  showMessage("Select some words first (drag with the mouse, or use the arrow keys), then press a label key.");
}

function acceptSuggestion(suggestion) {
  if (ws.readOnly || suggestion.kind !== "entity") return;
  const entity = ws.annotation.addEntity(suggestion.start, suggestion.end, suggestion.label, suggestion.actor, true);
  if (suggestion.actor && suggestion.actor_name && !ws.actors.has(suggestion.actor)) {
    ws.actors.set(suggestion.actor, { id: suggestion.actor, name: suggestion.actor_name, aliases: [] });
  }
  ws.annotation.decide(suggestion, "accepted");
  ws.selected = { kind: "entity", id: entity.id };
  focusNextSuggestion(suggestion);
  changed();
}

function rejectSuggestion(suggestion) {
  if (ws.readOnly) return;
  ws.annotation.decide(suggestion, "rejected");
  focusNextSuggestion(suggestion);
  changed();
}

function acceptAll() {
  if (ws.readOnly) return;
  const open = openSuggestions().filter((s) => s.kind === "entity");
  for (const suggestion of open) {
    ws.annotation.addEntity(suggestion.start, suggestion.end, suggestion.label, suggestion.actor, true);
    ws.annotation.decide(suggestion, "accepted");
  }
  showMessage(`Accepted ${open.length} suggestion${open.length === 1 ? "" : "s"}.`);
  ws.focusedSuggestion = null;
  changed();
}

function focusNextSuggestion(after) {
  const open = openSuggestions().filter((s) => s.id !== after.id && s.start >= after.start);
  ws.focusedSuggestion = open.length ? open[0].id : null;
}

function cycleSuggestion(step) {
  const open = openSuggestions();
  if (!open.length) { ws.focusedSuggestion = null; return; }
  const index = open.findIndex((s) => s.id === ws.focusedSuggestion);
  const next = index === -1 ? (step > 0 ? 0 : open.length - 1) : (index + step + open.length) % open.length;
  ws.focusedSuggestion = open[next].id;
  ws.selection = null;
  render();
}

function deleteSelected() {
  if (ws.readOnly || !ws.selected) return;
  const { kind, id } = ws.selected;
  if (kind === "entity") {
    const { stances, quotes } = ws.annotation.removeEntity(id);
    const parts = [`Deleted ${id}`];
    if (stances) parts.push(`${stances} stance${stances === 1 ? "" : "s"} that depended on it`);
    if (quotes.length) parts.push(`${quotes.join(", ")} now ${quotes.length === 1 ? "has" : "have"} no speaker`);
    showMessage(`${parts.join("; ")}. Ctrl+Z undoes.`);
  } else if (kind === "quote") {
    ws.annotation.removeQuote(id);
    showMessage(`Deleted ${id}.`);
  } else if (kind === "stance") {
    ws.annotation.removeStance(id);
    showMessage(`Deleted ${id}.`);
  }
  ws.selected = null;
  changed();
}

function cycleEntity(step) {
  const ordered = [...ws.annotation.entities].sort((a, b) => a.start - b.start || b.end - a.end);
  if (!ordered.length) return;
  const index = ws.selected && ws.selected.kind === "entity" ? ordered.findIndex((e) => e.id === ws.selected.id) : -1;
  const next = index === -1 ? (step > 0 ? 0 : ordered.length - 1) : (index + step + ordered.length) % ordered.length;
  ws.selection = null;
  select({ kind: "entity", id: ordered[next].id });
}

// ---------------------------------------------------------------- quotes and stances

function startQuote() {
  if (ws.readOnly) return;
  if (!ws.selection) {
    showMessage("Select the words that were said, then press Q.");
    return;
  }
  const { start, end } = ws.selection;
  const quote = ws.annotation.addQuote({ start, end }, suggestQuoteType(ws.text, start, end));
  ws.selection = null;
  ws.selected = { kind: "quote", id: quote.id };
  startSpeakerMode(quote.id);
  changed();
}

function startSpeakerMode(quoteId) {
  ws.mode = { kind: "quote-speaker", quoteId };
  ws.candidateIndex = -1;
  render();
}

function startCueMode(quoteId) {
  ws.mode = { kind: "quote-cue", quoteId };
  ws.candidateIndex = -1;
  render();
}

function startStance() {
  if (ws.readOnly) return;
  if (!ws.selected || ws.selected.kind !== "entity") {
    showMessage("Select the entity that holds the stance (click it, or [ and ]), then press S.");
    return;
  }
  ws.mode = { kind: "stance-target", holder: ws.selected.id };
  ws.candidateIndex = -1;
  ws.selection = null;
  render();
}

/** Choose a candidate (or, with none, the selected words) for the current mode. */
function choose(candidate) {
  const m = ws.mode;
  const a = ws.annotation;
  if (m.kind === "quote-speaker") {
    const quote = a.quote(m.quoteId);
    quote.speaker = candidate ? candidate.id : null;
    startCueMode(m.quoteId);
    changed();
    return;
  }
  if (m.kind === "quote-cue") {
    const quote = a.quote(m.quoteId);
    if (candidate) {
      quote.cue = { start: candidate.start, end: candidate.end };
      const suggestion = ws.suggestions.find((s) => s.id === candidate.id);
      if (suggestion) a.decide(suggestion, "accepted");
    } else if (ws.selection) {
      quote.cue = { start: ws.selection.start, end: ws.selection.end };
    } else {
      quote.cue = null;
    }
    ws.mode = null;
    ws.selection = null;
    showMessage(`Quote ${quote.id} done: ${quote.type.toLowerCase()}; change its type with D, I or M.`);
    changed();
    return;
  }
  if (m.kind === "stance-target") {
    let target = null;
    if (candidate) target = candidate.id;
    else if (ws.selection) target = { start: ws.selection.start, end: ws.selection.end };
    if (target === null) {
      showMessage("Pick a target entity or select the words naming the target first.");
      return;
    }
    ws.mode = { kind: "stance-polarity", holder: m.holder, target };
    ws.selection = null;
    render();
    return;
  }
  if (m.kind === "stance-quote") {
    a.stance(m.stanceId).quote = candidate ? candidate.id : null;
    ws.mode = null;
    changed();
  }
}

function choosePolarity(polarity) {
  const m = ws.mode;
  const stance = ws.annotation.addStance(m.holder, m.target, polarity);
  ws.selected = { kind: "stance", id: stance.id };
  if (ws.annotation.quotes.length) {
    ws.mode = { kind: "stance-quote", stanceId: stance.id };
    ws.candidateIndex = -1;
  } else {
    ws.mode = null;
  }
  changed();
}

function polarityForKey(key) {
  const label = ws.labels.polarities.find((p) => p.hotkey === key);
  return label ? label.name : null;
}

// ---------------------------------------------------------------- mouse

function onMouseUp(event) {
  if (!ws.text) return;
  const selection = window.getSelection();
  if (selection && !selection.isCollapsed && selection.rangeCount) {
    const range = selection.getRangeAt(0);
    if (!range.intersectsNode(textBox)) return;
    // A drag that starts or ends outside the paragraph is cut to the paragraph.
    const whole = document.createRange();
    whole.selectNodeContents(textBox);
    const a = range.compareBoundaryPoints(Range.START_TO_START, whole) <= 0
      ? 0 : codePointOffset(textBox, ws.text, range.startContainer, range.startOffset);
    const b = range.compareBoundaryPoints(Range.END_TO_END, whole) >= 0
      ? ws.text.length : codePointOffset(textBox, ws.text, range.endContainer, range.endOffset);
    const snapped = event.altKey ? ws.text.snapToGraphemes(Math.min(a, b), Math.max(a, b)) : ws.text.snapToWords(Math.min(a, b), Math.max(a, b));
    selection.removeAllRanges();
    if (snapped) {
      ws.selection = snapped;
      ws.anchorWord = ws.text.wordIndexAt(snapped.start);
      ws.cursorWord = ws.text.wordIndexAt(Math.max(snapped.start, snapped.end - 1));
      ws.focusedSuggestion = null;
      ws.candidateIndex = -1;
      if (!ws.mode) ws.selected = null;
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

function clickAt(at) {
  const covering = (item) => item.start <= at && item.end > at;
  const byLength = (x, y) => (x.end - x.start) - (y.end - y.start);
  if (ws.mode) {
    const found = candidates().filter(covering).sort(byLength);
    if (found.length) choose(found[0]);
    return;
  }
  const options = [
    ...openSuggestions().filter((s) => s.kind === "entity" && covering(s)).map((s) => ({ kind: "suggestion", item: s })),
    ...ws.annotation.entities.filter(covering).map((e) => ({ kind: "entity", item: e })),
  ].sort((x, y) => byLength(x.item, y.item));
  ws.selection = null;
  if (!options.length) {
    const cue = openSuggestions().find((s) => s.kind === "cue" && covering(s));
    ws.focusedSuggestion = cue ? cue.id : null;
    ws.selected = null;
    render();
    return;
  }
  // A click on the selected entity moves on to the next span around the same spot.
  const current = options.findIndex((o) => o.kind === "entity" && ws.selected && ws.selected.kind === "entity" && ws.selected.id === o.item.id);
  const option = options[current === -1 ? 0 : (current + 1) % options.length];
  if (option.kind === "suggestion") acceptSuggestion(option.item);
  else select({ kind: "entity", id: option.item.id });
}

// ---------------------------------------------------------------- keyboard

function moveCursor(step, extend) {
  const words = ws.text.words;
  if (!words.length) return;
  if (ws.cursorWord === null) ws.cursorWord = step > 0 ? -1 : words.length;
  setCursor(ws.cursorWord + step, extend);
}

/** Put the word cursor on word ``index``; with ``extend`` the selection grows from its anchor. */
function setCursor(index, extend) {
  const words = ws.text.words;
  ws.cursorWord = Math.max(0, Math.min(words.length - 1, index));
  if (!extend || ws.anchorWord === null) ws.anchorWord = ws.cursorWord;
  const first = words[Math.min(ws.anchorWord, ws.cursorWord)];
  const last = words[Math.max(ws.anchorWord, ws.cursorWord)];
  // As with the mouse, a possessive ending stays out: "ISIS’s" selects "ISIS".
  ws.selection = ws.text.snapToWords(first.start, Math.max(first.start + 1, ws.text.withoutPossessive(last)));
  ws.focusedSuggestion = null;
  ws.candidateIndex = -1;
  if (!ws.mode) ws.selected = null;
  render();
}

function inFormField(target) {
  return Boolean(target && target.closest && target.closest("input, textarea, select, dialog"));
}

function onKeyDown(event) {
  if (!ws.text) return;
  if (event.key === "Escape" && event.target === $("actor-search")) return; // the panel handles it
  if (inFormField(event.target)) return;
  const key = event.key;
  const ctrl = event.ctrlKey || event.metaKey;
  if (ctrl && key === "Enter") {
    event.preventDefault();
    finish(event.shiftKey ? "skipped" : "submitted");
    return;
  }
  if (ctrl && (key === "z" || key === "Z") && !ws.readOnly) {
    event.preventDefault();
    undo();
    return;
  }
  // Tab moves between suggestions only from the paragraph; elsewhere it moves the focus.
  if (key === "Tab" && event.target !== textBox && event.target !== document.body) return;
  if (ctrl || event.altKey) return;
  // A focused button answers Enter and Space itself.
  if ((key === "Enter" || key === " ") && event.target.closest && event.target.closest("button, a")) return;
  const handled = handleKey(key, event.shiftKey);
  if (handled) event.preventDefault();
}

const READ_ONLY_KEYS = new Set(["ArrowLeft", "ArrowRight", "Home", "End", "Escape", "?", "[", "]"]);

function handleKey(key, shift) {
  if (ws.readOnly && !READ_ONLY_KEYS.has(key)) return false;
  if (ws.mode) {
    const list = candidates();
    if (key === "Tab") {
      if (list.length) ws.candidateIndex = (ws.candidateIndex + (shift ? -1 : 1) + list.length) % list.length;
      render();
      return true;
    }
    if (key === "Enter") {
      if (ws.mode.kind === "stance-polarity") return true;
      choose(ws.candidateIndex >= 0 ? list[ws.candidateIndex] : null);
      return true;
    }
    if (key === "n" || key === "N") {
      if (ws.mode.kind === "stance-target") return true;
      if (ws.mode.kind === "stance-polarity") return true;
      ws.candidateIndex = -1;
      ws.selection = null;
      choose(null);
      return true;
    }
    if (key === "Escape") {
      ws.mode = null;
      ws.selection = null;
      showMessage("Stopped.");
      render();
      return true;
    }
    if (ws.mode.kind === "stance-polarity") {
      const polarity = polarityForKey(key);
      if (polarity) { choosePolarity(polarity); return true; }
      return false;
    }
  }
  if (key === "ArrowRight" || key === "ArrowLeft") {
    moveCursor(key === "ArrowRight" ? 1 : -1, shift);
    return true;
  }
  if ((key === "Home" || key === "End") && ws.text.words.length) {
    setCursor(key === "Home" ? 0 : ws.text.words.length - 1, shift);
    return true;
  }
  if (ws.mode) return false;
  const label = ws.labels.entity_types.find((l) => l.hotkey === key);
  if (label) { applyLabel(label.name); return true; }
  const selectedStance = ws.selected && ws.selected.kind === "stance" ? ws.annotation.stance(ws.selected.id) : null;
  const polarity = polarityForKey(key);
  if (selectedStance && polarity) { selectedStance.polarity = polarity; changed(); return true; }
  const selectedQuote = ws.selected && ws.selected.kind === "quote" ? ws.annotation.quote(ws.selected.id) : null;
  const quoteType = ws.labels.quote_types.find((t) => t.hotkey === key.toLowerCase());
  if (selectedQuote && quoteType) { selectedQuote.type = quoteType.name; changed(); return true; }
  switch (key) {
    case "Escape":
      ws.selection = null;
      ws.selected = null;
      ws.focusedSuggestion = null;
      render();
      return true;
    case "Delete":
    case "Backspace":
      if (ws.focusedSuggestion && !ws.selected) {
        rejectSuggestion(ws.suggestions.find((s) => s.id === ws.focusedSuggestion));
      } else {
        deleteSelected();
      }
      return true;
    case "Tab":
      cycleSuggestion(shift ? -1 : 1);
      return true;
    case "Enter": {
      if (shift) { acceptAll(); return true; }
      const focused = ws.suggestions.find((s) => s.id === ws.focusedSuggestion);
      if (focused && focused.kind === "entity") acceptSuggestion(focused);
      return true;
    }
    case "x":
    case "X": {
      const focused = ws.suggestions.find((s) => s.id === ws.focusedSuggestion);
      if (focused) rejectSuggestion(focused);
      return true;
    }
    case "q":
    case "Q":
      startQuote();
      return true;
    case "s":
    case "S":
      startStance();
      return true;
    case "a":
    case "A":
      ws.panel.focusActorSearch();
      return true;
    case "f":
    case "F":
      openFlagDialog();
      return true;
    case "[":
      cycleEntity(-1);
      return true;
    case "]":
      cycleEntity(1);
      return true;
    case "?":
      $("help-dialog").showModal();
      return true;
    default:
      return false;
  }
}

// ---------------------------------------------------------------- finishing

async function finish(status) {
  if (ws.readOnly) return;
  ws.annotation.comment = $("comment").value;
  const errors = ws.annotation.validate(ws.text.length);
  if (errors.length) {
    showErrors(errors);
    return;
  }
  ws.annotation.ignoreOpen(ws.suggestions);
  ws.saver.changed();
  const result = await ws.saver.save(status);
  if (!result.ok) return;
  setSaveState("saved", status === "submitted" ? "Submitted" : "Skipped");
  const response = await fetch(`/api/queue/next?after=${encodeURIComponent(ws.paragraphId)}`, { credentials: "same-origin" });
  if (response.status === 200) {
    const body = await response.json();
    window.location.assign(root.dataset.annotateUrl.replace("__ID__", encodeURIComponent(body.paragraph_id)));
  } else {
    window.location.assign(root.dataset.doneUrl);
  }
}

function openFlagDialog() {
  if (ws.readOnly) return;
  const dialog = $("flag-dialog");
  dialog.returnValue = "";
  $("flag-comment").value = ws.annotation.comment;
  dialog.showModal();
}

function onFlagClosed() {
  const dialog = $("flag-dialog");
  if (dialog.returnValue !== "flag") { textBox.focus(); return; }
  const comment = $("flag-comment").value.trim();
  if (!comment) { showMessage("A flag needs a comment saying what is wrong."); return; }
  ws.annotation.flagged = true;
  ws.annotation.comment = comment;
  $("comment").value = comment;
  finish("skipped");
}

// ---------------------------------------------------------------- start

document.addEventListener("mouseup", onMouseUp);
// Dragging selected text would start a drag-and-drop instead of a new selection.
textBox.addEventListener("dragstart", (event) => event.preventDefault());
document.addEventListener("keydown", onKeyDown);
$("quote-button").addEventListener("click", startQuote);
$("stance-button").addEventListener("click", startStance);
$("submit-button").addEventListener("click", () => finish("submitted"));
$("skip-button").addEventListener("click", () => finish("skipped"));
$("flag-button").addEventListener("click", openFlagDialog);
$("flag-dialog").addEventListener("close", onFlagClosed);
$("accept-all").addEventListener("click", acceptAll);
$("unflag-button").addEventListener("click", () => {
  ws.annotation.flagged = false;
  showMessage("The flag is removed; the comment stays.");
  changed();
});
$("help-button").addEventListener("click", () => $("help-dialog").showModal());
$("comment").addEventListener("input", () => {
  if (ws.readOnly) return;
  ws.annotation.comment = $("comment").value;
  ws.saver.changed();
  renderFlag();
});
window.addEventListener("pagehide", () => ws.saver && ws.saver.flushOnLeave());
// Back to a page kept in the browser's cache: its state may predate the save made on leaving.
window.addEventListener("pageshow", (event) => { if (event.persisted) window.location.reload(); });
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "hidden" && ws.saver) ws.saver.flushOnLeave();
});

// The panel's suggestion list accepts and rejects through these.
root.addEventListener("suggestion-accept", (event) => acceptSuggestion(event.detail));
root.addEventListener("suggestion-reject", (event) => rejectSuggestion(event.detail));
root.addEventListener("polarity-choose", (event) => ws.mode && ws.mode.kind === "stance-polarity" && choosePolarity(event.detail));

load();
