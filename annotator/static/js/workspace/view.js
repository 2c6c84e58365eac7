// The page around the paragraph: progress, label buttons, mode line, save state, banner, errors, flag.

import { offered } from "./labels.js";
import { shorten } from "./render.js";

const $ = (id) => document.getElementById(id);

const MODE_HELP = {
  "quote-speaker": "Quote: click the speaker, or Tab to an entity and Enter. N: no named speaker. Esc: stop here.",
  "quote-proposed": "Quote: speaker and cue proposed (outlined): Enter takes both, Shift+Enter the speaker only (then pick the cue). Tab: another speaker, N: no named speaker, Esc: stop here.",
  "quote-cue": "Quote: click the reporting verb (dotted), or select the cue words (Shift+→ widens them) and press Enter. N: no cue. Esc: stop here.",
  "stance-target": "Stance: click the target entity (Tab, Enter), or select words naming the target and press Enter; or press + - = for the focused target at once. Esc: cancel.",
  "stance-polarity": "Stance: press + (support), - (oppose) or = (neutral).",
  "stance-quote": "Stance: the quote that expresses it? Enter takes the outlined one; Tab or a click picks another, N none.",
};

/**
 * Fill what does not change while the paragraph is open: progress (if any), the context paragraphs
 * and links to them, the label buttons (each calling ``onLabel(name)``) and the comment.
 */
export function fillStatic({ data, labels, comment, annotateUrl, onLabel, onPolarity }) {
  const { progress, context } = data;
  if (progress) {
    $("progress").textContent = `${progress.done} / ${progress.total} done`;
    $("progress-bar").max = Math.max(progress.total, 1);
    $("progress-bar").value = progress.done;
  } else {
    $("progress-bar").hidden = true; // a page with no queue (adjudication)
  }
  $("context-previous").textContent = context.previous ? context.previous.text : "";
  $("context-next").textContent = context.next ? context.next.text : "";
  for (const [link, neighbour] of [[$("previous-link"), context.previous], [$("next-link"), context.next]]) {
    if (neighbour) {
      link.href = annotateUrl.replace("__ID__", encodeURIComponent(neighbour.id));
      link.hidden = false;
    }
  }
  $("label-buttons").replaceChildren(
    ...offered(labels.entity_types).map((label) => labelButton(label, "label", onLabel)),
  );
  // The polarities, shown while a stance is made, so that the mouse alone can finish one.
  $("polarity-buttons").replaceChildren(
    ...offered(labels.polarities).map((label) => labelButton(label, "polarity", onPolarity)),
  );
  setComment(comment);
  $("help-label-keys").textContent = labelKeys(labels.entity_types);
}

/** A button for ``label`` (an entity type or a polarity) in its colour, named with its hotkey,
 * calling ``onClick(label.name)``; ``data-<dataKey>`` holds the name. */
function labelButton(label, dataKey, onClick) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "label-button";
  button.dataset[dataKey] = label.name;
  button.style.setProperty("--label-colour", label.colour);
  button.textContent = label.hotkey ? `${label.hotkey} ${label.display_name}` : label.display_name;
  if (label.description) button.title = label.description;
  if (label.hotkey) button.setAttribute("aria-keyshortcuts", label.hotkey);
  button.addEventListener("click", () => onClick(label.name));
  return button;
}

/** The keys of the entity types, as the help and the mode line name them: "1–6" for a run
 * of digits, else the keys one by one ("1 2 p"); "a label button" when none has a key. */
export function labelKeys(entityTypes) {
  const keys = offered(entityTypes).map((label) => label.hotkey).filter(Boolean);
  if (!keys.length) return "a label button";
  const digits = keys.every((key, i) => /^[0-9]$/.test(key) && (i === 0 || Number(key) === Number(keys[i - 1]) + 1));
  return digits && keys.length > 2 ? `${keys[0]}–${keys[keys.length - 1]}` : keys.join(" ");
}

/** Show the comment box's text (after a load, an undo or a restored copy). */
export function setComment(text) {
  $("comment").value = text;
}

export function readComment() {
  return $("comment").value;
}

/** Disable every control that would change the annotation (reading someone else's). */
export function disableEditing() {
  for (const id of ["comment", "submit-button", "skip-button", "flag-button", "quote-button", "stance-button", "stance-subject-button", "accept-all"]) {
    $(id).disabled = true;
  }
  for (const button of document.querySelectorAll(".label-button")) button.disabled = true;
}

/** What the keys do in ``mode``'s step; a stance's target step names who holds it. */
export function modeHelp(mode) {
  const help = MODE_HELP[mode.kind === "quote-speaker" && mode.proposedCue ? "quote-proposed" : mode.kind];
  if (mode.kind !== "stance-target" || !mode.holderText) return help;
  const where = mode.quote ? `, in ${mode.quote}` : "";
  return `Stance held by “${shorten(mode.holderText, 40)}”${where}: ${help.replace(/^Stance: /, "")}`;
}

/**
 * The line under the paragraph says what the keys do now: the step of the quote or stance
 * being made, or what the selected words can become; otherwise the last message stays.
 */
export function renderModeLine(root, { mode, selectedText, labelKeys: keys }) {
  const line = $("mode-line");
  if (mode) line.textContent = modeHelp(mode);
  else if (selectedText !== null) line.textContent = `Selected “${shorten(selectedText, 50)}”: press ${keys} to label it, Q to make it a quote (Ctrl+Shift+→ widens it to the next punctuation mark).`;
  else if (!line.dataset.message) line.textContent = "";
  if (mode || selectedText !== null) delete line.dataset.message;
  root.dataset.mode = mode ? mode.kind : "";
  $("polarity-buttons").hidden = !(mode && (mode.kind === "stance-target" || mode.kind === "stance-polarity"));
}

/** A one-line message (what was done, or why nothing was) that stays until the next step. */
export function showMessage(message) {
  const line = $("mode-line");
  line.textContent = message;
  line.dataset.message = "1";
}

export function setSaveState(state, message) {
  const element = $("save-state");
  element.dataset.state = state;
  element.textContent = message;
}

/** A banner above the paragraph, with buttons given as [label, handler] pairs and, under
 * the message, ``details`` as a list (the first twelve lines, then how many more). */
export function showBanner(message, kind, actions = [], details = []) {
  const banner = $("banner");
  banner.replaceChildren();
  banner.dataset.kind = kind;
  const text = document.createElement("span");
  text.textContent = message;
  banner.appendChild(text);
  if (details.length) {
    const list = document.createElement("ul");
    list.className = "banner-details";
    const shown = details.length > 12 ? [...details.slice(0, 11), `… and ${details.length - 11} more`] : details;
    for (const line of shown) {
      const item = document.createElement("li");
      item.textContent = line;
      list.appendChild(item);
    }
    banner.appendChild(list);
  }
  for (const [label, handler] of actions) {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = label;
    button.addEventListener("click", handler);
    banner.appendChild(button);
  }
  banner.hidden = false;
}

export function hideBanner() {
  $("banner").hidden = true;
}

/** The reasons a save was refused (by this page or by the server), as {path, message}:
 * the first few, each cut short, and how many more (a list of thousands helps nobody). */
export function showErrors(errors) {
  const box = $("errors");
  box.replaceChildren();
  const title = document.createElement("strong");
  title.textContent = "Cannot save this annotation:";
  const list = document.createElement("ul");
  for (const line of errorLines(errors)) {
    const item = document.createElement("li");
    item.textContent = line;
    list.appendChild(item);
  }
  box.append(title, list);
  box.hidden = false;
}

export function hideErrors() {
  $("errors").hidden = true;
}

/** Whether the paragraph is flagged, with the comment saying why, above the text. */
export function renderFlag(annotation) {
  $("flag-state").hidden = !annotation.flagged;
  $("flag-text").textContent = annotation.flagged ? `Flagged: ${annotation.comment}` : "";
}

const ERRORS_SHOWN = 5;
const ERROR_CHARACTERS = 200;

/** The lines the error box shows for ``errors``: at most five, each at most 200 characters,
 * then "… and N more". Pure, for the unit tests. */
export function errorLines(errors) {
  const cut = (text) => (text.length > ERROR_CHARACTERS ? `${text.slice(0, ERROR_CHARACTERS - 1)}…` : text);
  const lines = errors.slice(0, ERRORS_SHOWN).map((error) => cut(`${error.path}: ${error.message}`));
  if (errors.length > ERRORS_SHOWN) lines.push(`… and ${errors.length - ERRORS_SHOWN} more`);
  return lines;
}
