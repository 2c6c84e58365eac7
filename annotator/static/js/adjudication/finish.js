// Submitting the gold annotation: checked like the workspace's, saved to PUT .../gold, then a
// note with the version saved and the way back to the agreement page. Gold is never skipped
// or flagged. Same shape as workspace/finish.js, so main.js's start() takes it as a hook.

import * as view from "../workspace/view.js";

const $ = (id) => document.getElementById(id);

/** ``doneUrl`` is the agreement page; ``batch`` ({id, name} or null) the paragraph's batch. */
export function createGoldFinish({ state, saver, textBox, doneUrl, batch }) {
  async function finish(status) {
    if (status !== "submitted") {
      view.showMessage("The gold annotation is submitted (Ctrl+Enter), never skipped.");
      return;
    }
    state.annotation.comment = view.readComment();
    const errors = state.annotation.validate(state.text.length);
    if (errors.length) {
      view.showErrors(errors);
      return;
    }
    saver.changed();
    const result = await saver.save("submitted");
    if (!result.ok) return; // the saver shows why (a conflict, errors, the network)
    const message = `Gold saved (version ${result.version})`;
    view.setSaveState("saved", message);
    $("gold-done-text").textContent = `${message}.`;
    const link = $("agreement-link");
    if (batch) {
      link.href = `${doneUrl}?batch=${encodeURIComponent(batch.id)}`;
      link.textContent = `Back to the agreement of batch ${batch.name}`;
    }
    $("gold-done").hidden = false;
  }

  function openFlagDialog() {
    view.showMessage("The gold annotation is not flagged: say what is wrong in its comment.");
  }

  return { finish, openFlagDialog, onFlagClosed: () => textBox.focus() };
}
