// Work that did not reach the server: a copy kept in this browser, and a version conflict.

import { differences, merge } from "./conflict.js";
import { sameContent } from "./sync.js";
import * as view from "./view.js";

/**
 * Offer back what this browser kept (after a failed save or a closed tab) and settle a
 * conflict with another tab: nothing typed is lost, nothing is overwritten silently.
 * ``state`` is the WorkspaceState, ``saver`` the Saver, ``changed`` and ``render`` the page's.
 */
export function createRecovery({ state, saver, render, changed }) {
  function adopt(payload) {
    state.annotation.load({ ...payload, version: state.annotation.version });
    view.setComment(state.annotation.comment);
  }

  /** Unsaved work kept in this browser is offered back (and sent at once when nothing clashes). */
  function restoreLocalCopy() {
    const local = saver.readLocal();
    if (!local || !local.payload) return;
    const mine = local.payload;
    if (sameContent(mine, state.annotation.payload())) {
      saver.clearLocal();
      return;
    }
    if (mine.version === state.annotation.version) {
      adopt(mine);
      render();
      view.showBanner("Restored changes kept in this browser that had not reached the server; sending them now.", "info");
      saver.changed();
      saver.save();
      return;
    }
    view.showBanner(
      `This browser kept changes that had not reached the server when the page was left (made on version ${mine.version}); the server now has version ${state.annotation.version}. Keep the changes from this browser unless you edited this paragraph elsewhere since.`,
      "warning",
      [
        ["Keep the changes from this browser", () => {
          adopt(mine);
          view.hideBanner();
          changed();
        }],
        ["Use the server's copy", () => { saver.clearLocal(); view.hideBanner(); }],
      ],
    );
  }

  /**
   * The server has a newer version (HTTP 409): say item by item what each copy has that the
   * other lacks, and offer to merge them (shown for a last look before it is saved), to
   * reload the server's copy, or to save mine over it (saying what that drops).
   */
  function showConflict(body) {
    const server = body.annotation;
    const mine = state.annotation.payload();
    const found = differences(mine, server, state.text.text);
    const details = [
      ...found.mine.map((d) => `Only in this tab: ${d.text}`),
      ...found.server.map((d) => `Only in the server's copy: ${d.text}`),
    ];
    if (found.comment) details.push("The comments differ.");
    const dropped = found.server.length;
    view.showBanner(
      `Not saved: this annotation was changed in another tab or window (the server has version ${server.version}).`,
      "error",
      [
        ["Merge both copies", () => showMerge(body, mine)],
        ["Reload the server's copy", () => { saver.clearLocal(); window.location.reload(); }],
        [dropped ? `Keep mine and save it over (drops ${dropped} of the server's items)` : "Keep mine and save it over", () => {
          state.annotation.version = server.version;
          saveNow();
        }],
      ],
      details,
    );
  }

  /** The merge in the editor, not saved until asked: "Save the merge" or back to the choices. */
  function showMerge(body, mine) {
    adopt(merge(mine, body.annotation));
    state.annotation.version = body.annotation.version;
    state.selected = null;
    render();
    view.showBanner(
      "Both copies merged (where both had the same words labelled differently, the server's stays). Look it over, then save it.",
      "warning",
      [
        ["Save the merge", saveNow],
        ["Back to the choices", () => {
          state.annotation.load(mine);
          view.setComment(state.annotation.comment);
          render();
          showConflict(body);
        }],
      ],
    );
  }

  function saveNow() {
    saver.resume();
    view.hideBanner();
    saver.changed();
    saver.save();
  }

  return { restoreLocalCopy, showConflict };
}
