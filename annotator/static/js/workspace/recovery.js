// Work that did not reach the server: a copy kept in this browser, and a version conflict.

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

  /** The server has a newer version (HTTP 409): reload it, or save mine over it. */
  function showConflict(body) {
    const server = body.annotation;
    view.showBanner(
      `Not saved: this annotation was changed in another tab or window (the server has version ${server.version}). Reload to see the server's copy.`,
      "error",
      [
        ["Reload the server's copy", () => { saver.clearLocal(); window.location.reload(); }],
        ["Keep mine and save it over", () => {
          state.annotation.version = server.version;
          saver.resume();
          view.hideBanner();
          saver.changed();
          saver.save();
        }],
      ],
    );
  }

  return { restoreLocalCopy, showConflict };
}
