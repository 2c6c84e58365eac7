// Not a test of its own: tests/test_label_keys.py runs it. Presses every visible ASCII
// character in the workspace's keyboard handler, with no labels configured, in each step,
// and prints as JSON the keys the handler answers: the keys a label's hotkey would shadow.
import { createKeyboard } from "../../annotator/static/js/workspace/keyboard.js";

const STEPS = {
  paragraph: [null],
  stance: [{ kind: "stance-target", holder: "e1" }, { kind: "stance-polarity", holder: "e1", target: "e2" }],
  quote: [{ kind: "quote-speaker", quoteId: "q1" }, { kind: "quote-cue", quoteId: "q1" }],
};

const act = new Proxy({}, { get: () => () => {} });
const answered = {};
for (const [step, modes] of Object.entries(STEPS)) {
  const keys = new Set();
  for (const mode of modes) {
    const state = {
      readOnly: false,
      mode,
      selection: null,
      selected: null,
      candidateIndex: -1,
      focusedSuggestion: null,
      text: { words: [] },
      candidates: () => [],
      labelForKey: () => null,
      selectedItem: () => null,
      suggestion: () => null,
      openSuggestions: () => [],
    };
    const { handleKey } = createKeyboard({ state, textBox: null, searchBox: null, act });
    for (let code = 33; code < 127; code++) {
      const key = String.fromCharCode(code);
      for (const shift of [false, true]) if (handleKey(key, shift)) keys.add(key);
    }
  }
  answered[step] = [...keys].sort();
}
console.log(JSON.stringify(answered));
