// Finishing a paragraph: submit, skip, or flag with a comment, then on to the next in the queue.

import * as view from "./view.js";

const $ = (id) => document.getElementById(id);

/**
 * Submitting, skipping and flagging on ``state``: checked here first (the server's rules and
 * limits, see model.js), saved through ``saver``, then the page moves to the paragraph
 * ``api.nextParagraph`` names (``annotateUrl`` with __ID__), or to ``doneUrl`` when none.
 */
export function createFinish({ state, saver, api, paragraphId, annotateUrl, doneUrl, textBox }) {
  /** Save with ``status`` ("submitted" or "skipped") and move on, unless the page finds errors. */
  async function finish(status) {
    if (state.readOnly) return;
    state.annotation.comment = view.readComment();
    const errors = state.annotation.validate(state.text.length);
    if (errors.length) {
      view.showErrors(errors);
      return;
    }
    state.annotation.ignoreOpen(state.suggestions);
    saver.changed();
    const result = await saver.save(status);
    if (!result.ok) return;
    view.setSaveState("saved", status === "submitted" ? "Submitted" : "Skipped");
    const next = await api.nextParagraph(paragraphId);
    if (next.status === 200) {
      window.location.assign(annotateUrl.replace("__ID__", encodeURIComponent(next.body.paragraph_id)));
    } else {
      window.location.assign(doneUrl);
    }
  }

  /** F: ask what is wrong with the paragraph. */
  function openFlagDialog() {
    if (state.readOnly) return;
    const dialog = $("flag-dialog");
    dialog.returnValue = "";
    $("flag-comment").value = state.annotation.comment;
    dialog.showModal();
  }

  /** The flag dialog closed: with a comment, flag and skip; cancelled, back to the text. */
  function onFlagClosed() {
    const dialog = $("flag-dialog");
    if (dialog.returnValue !== "flag") { textBox.focus(); return; }
    const comment = $("flag-comment").value.trim();
    if (!comment) { view.showMessage("A flag needs a comment saying what is wrong."); return; }
    state.annotation.flagged = true;
    state.annotation.comment = comment;
    view.setComment(comment);
    finish("skipped");
  }

  return { finish, openFlagDialog, onFlagClosed };
}
