// Keys: what each key does in the paragraph, in a quote or stance step, and when reading only.

// What reading someone else's annotation still allows: moving around and the help.
const READ_ONLY_KEYS = new Set(["ArrowLeft", "ArrowRight", "Home", "End", "Escape", "?", "[", "]", "{", "}", "r", "R", "w", "W", "b", "B"]);

function inFormField(target) {
  return Boolean(target && target.closest && target.closest("input, textarea, select, dialog"));
}

/**
 * The page's keydown handler on ``state``. ``textBox`` is the paragraph element (Tab moves
 * between suggestions only from there), ``searchBox`` the actor search (which handles its
 * own Escape). ``act`` holds what keys do: the edits, the modes' steps, the cursor, finishing.
 */
export function createKeyboard({ state, textBox, searchBox, act }) {
  // The arrows move the word cursor the way they point on screen: in a right-to-left
  // paragraph (dir="auto" found Arabic or Hebrew first), ← goes on in reading order.
  const onward = () => (getComputedStyle(textBox).direction === "rtl" ? "ArrowLeft" : "ArrowRight");

  function onKeyDown(event) {
    if (event.key === "Escape" && event.target === searchBox) return; // the panel handles it
    if (inFormField(event.target)) return;
    const key = event.key;
    const ctrl = event.ctrlKey || event.metaKey;
    if (ctrl && key === "Enter") {
      event.preventDefault();
      act.finish(event.shiftKey ? "skipped" : "submitted");
      return;
    }
    if (ctrl && (key === "z" || key === "Z") && !state.readOnly) {
      event.preventDefault();
      act.undo();
      return;
    }
    // Ctrl+Right / Ctrl+Left: the word cursor jumps by clause (with Shift: the selection grows
    // to the next punctuation or quotation mark), from the paragraph only.
    if (ctrl && !event.altKey && (key === "ArrowRight" || key === "ArrowLeft") && !inFormField(event.target)) {
      event.preventDefault();
      act.jumpClause(key === onward() ? 1 : -1, event.shiftKey);
      return;
    }
    // Tab moves between suggestions only from the paragraph; elsewhere it moves the focus.
    if (key === "Tab" && event.target !== textBox && event.target !== document.body) return;
    if (ctrl || event.altKey) return;
    // A focused button answers Enter and Space itself.
    if ((key === "Enter" || key === " ") && event.target.closest && event.target.closest("button, a")) return;
    if (handleKey(key, event.shiftKey)) event.preventDefault();
  }

  /** During a quote or stance step: Tab, Enter, N, Esc and the polarity keys. Null: not handled here. */
  function handleModeKey(key, shift) {
    const kind = state.mode.kind;
    const list = state.candidates();
    if (key === "Tab") {
      // From no candidate, Tab goes to the first and Shift+Tab to the last.
      const from = state.candidateIndex === -1 && shift ? 0 : state.candidateIndex;
      if (list.length) state.candidateIndex = (from + (shift ? -1 : 1) + list.length) % list.length;
      act.render();
      return true;
    }
    if (key === "Enter") {
      // Shift+Enter on the proposed speaker takes the speaker without the proposed cue.
      const speakerOnly = shift && kind === "quote-speaker";
      if (kind !== "stance-polarity") act.choose(state.candidateIndex >= 0 ? list[state.candidateIndex] : null, speakerOnly);
      return true;
    }
    if (key === "n" || key === "N") {
      if (kind === "stance-target" || kind === "stance-polarity") return true;
      state.candidateIndex = -1;
      state.selection = null;
      act.choose(null);
      return true;
    }
    if (key === "Escape") {
      act.stopMode();
      return true;
    }
    if (kind === "stance-polarity" || kind === "stance-target") {
      // While the target is asked for, a polarity key takes the focused target (or the
      // selected words) and makes the stance at once; other keys still move and select.
      const polarity = state.labelForKey("polarities", key);
      if (polarity) act.choosePolarity(polarity.name);
      if (kind === "stance-target") return polarity ? true : null;
      return Boolean(polarity);
    }
    return null;
  }

  /** One key with no Ctrl or Alt; true when it did something (its default is then prevented). */
  function handleKey(key, shift) {
    if (state.readOnly && !READ_ONLY_KEYS.has(key)) return false;
    if (state.mode) {
      const handled = handleModeKey(key, shift);
      if (handled !== null) return handled;
    }
    if (key === "ArrowRight" || key === "ArrowLeft") {
      act.moveCursor(key === onward() ? 1 : -1, shift);
      return true;
    }
    if ((key === "Home" || key === "End") && state.text.words.length) {
      act.setCursor(key === "Home" ? 0 : state.text.words.length - 1, shift);
      return true;
    }
    if (key === "w" || key === "W" || key === "b" || key === "B") {
      // The next or previous name in reading order (names.js) selected whole, in any step.
      act.selectName(key === "w" || key === "W" ? 1 : -1);
      return true;
    }
    if (state.mode) return false;
    const label = state.labelForKey("entity_types", key);
    if (label) { act.applyLabel(label.name); return true; }
    const selectedStance = state.selectedItem("stance");
    const polarity = state.labelForKey("polarities", key);
    if (selectedStance && polarity) { act.setStancePolarity(selectedStance.id, polarity.name); return true; }
    const selectedQuote = state.selectedItem("quote");
    const quoteType = state.labelForKey("quote_types", key.toLowerCase());
    if (selectedQuote && quoteType) { act.setQuoteType(selectedQuote.id, quoteType.name); return true; }
    const focused = state.suggestion(state.focusedSuggestion);
    switch (key) {
      case "Escape":
        state.selection = null;
        state.selected = null;
        state.focusedSuggestion = null;
        act.render();
        return true;
      case "Delete":
      case "Backspace":
        if (focused && !state.selected) act.rejectSuggestion(focused);
        else act.deleteSelected();
        return true;
      case "Tab":
        // With no suggestion to move between, Tab moves the focus (to the side panel's
        // buttons, the comment, Submit): the paragraph must not trap the keyboard.
        if (!state.openSuggestions().length) return false;
        act.cycleSuggestion(shift ? -1 : 1);
        return true;
      case "Enter":
        if (shift) act.acceptAll();
        else if (focused && focused.kind === "entity") act.acceptSuggestion(focused);
        return true;
      case "x":
      case "X":
        if (focused) act.rejectSuggestion(focused);
        return true;
      case "q":
      case "Q":
        act.startQuote();
        return true;
      case "s":
      case "S":
        // Shift+S on a quote: the stance of the actor the quote names (its subject).
        act.startStance(shift);
        return true;
      case "a":
      case "A":
        act.focusActorSearch();
        return true;
      case "f":
      case "F":
        act.openFlagDialog();
        return true;
      case "c":
      case "C":
        act.pickForQuote("cue");
        return true;
      case "p":
      case "P":
        act.pickForQuote("speaker");
        return true;
      case "{":
        act.cycleQuote(-1);
        return true;
      case "}":
        act.cycleQuote(1);
        return true;
      case "[":
        act.cycleEntity(-1);
        return true;
      case "]":
        act.cycleEntity(1);
        return true;
      case "?":
        act.showHelp();
        return true;
      case "r":
      case "R":
        act.toggleArcs();
        return true;
      default:
        return false;
    }
  }

  return { onKeyDown, handleKey };
}
